//! The `tracing` span every session's task runs in: the session's context
//! for each line the task logs. The span is named [`SESSION_SPAN`] and
//! has the fields
//!
//! - `id`: the engine's [`SessionId`], from the start;
//! - `ifname`: the interface (`ppp3`), once the unit exists;
//! - `user`: the peer's authenticated name, once it authenticated;
//! - `l2tp`: the L2TP ids, `TUNNEL/SESSION` of our end then `:` and the
//!   peer's (`5/7:9/11`), as soon as the data path knows them.
//!
//! A subscriber shows them as it likes; rppp's own log puts them in a
//! prefix in its multi-session modes (`rppp::logging`, feature `pppd`).
//! The span is at INFO: a subscriber that filters INFO out sees no
//! context.

use tracing::field::Empty;
use tracing::Span;

use super::datapath::L2tpIds;
use super::status::SessionId;

/// The name of a session's span.
pub const SESSION_SPAN: &str = "session";

/// A new span for session `id`, its other fields still empty.
pub(crate) fn session_span(id: SessionId) -> Span {
    tracing::info_span!(
        "session",
        id = id.get(),
        ifname = Empty,
        user = Empty,
        l2tp = Empty
    )
}

/// The session's interface is `ifname`.
pub(crate) fn record_ifname(span: &Span, ifname: &str) {
    span.record("ifname", ifname);
}

/// The peer authenticated as `user`.
pub(crate) fn record_user(span: &Span, user: &str) {
    span.record("user", user);
}

/// The session's L2TP ids, ours then the peer's.
pub(crate) fn record_l2tp(span: &Span, ids: &L2tpIds) {
    span.record(
        "l2tp",
        tracing::field::display(format_args!(
            "{}/{}:{}/{}",
            ids.tunnel_id, ids.session_id, ids.peer_tunnel_id, ids.peer_session_id
        )),
    );
}
