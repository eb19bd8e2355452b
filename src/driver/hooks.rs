//! What an embedder runs at named points of a session's life, beside the
//! engine's event stream: pppd's scripts and openl2tpd's event datagrams
//! in the `rppp` command (`rppp::notify`, feature `pppd`), or anything a daemon wants
//! to do in the session's own order.
//!
//! The driver calls the hooks on the session's task, in the order things
//! happen; a hook that has work to wait for returns a future, and the
//! session keeps answering frames and running its timers meanwhile.

use std::future::Future;

use super::end::Ended;
use super::events::{EngineEvent, IpPreUp};
use super::verify::Authorization;
use crate::session::{Verdict, VerifyRequest};

/// A session's hooks; `()` has none.
pub trait Hooks: Send + 'static {
    /// Every event of the session, in order, just before it goes on the
    /// engine's stream. Must not block: work that takes time is spawned.
    fn on_event(&mut self, event: &EngineEvent) {
        let _ = event;
    }

    /// IPCP is opening: the addresses are set and the interface is not
    /// yet up for IPv4 (pppd's `ip-pre-up`). The session brings the
    /// interface up, and reports the rest of what happened, only when the
    /// returned future is done; it keeps answering frames and running
    /// its timers while it waits, and stops waiting if it ends.
    fn ip_pre_up(&mut self, info: &IpPreUp) -> impl Future<Output = ()> + Send + 'static {
        let _ = info;
        std::future::ready(())
    }

    /// The session's configuration verifies the peer outside
    /// ([`Verification`](crate::auth::Verification) other than `Local`) and
    /// the peer has sent its credentials: ask the verifier (a RADIUS
    /// server). The session keeps answering frames and running its timers
    /// meanwhile; the peer gets its Success or Failure when the future is
    /// done. A session asks again when the peer authenticates again, and
    /// the earlier answer is then dropped. By default no verifier
    /// answers: [`Verdict::Unavailable`].
    fn verify(
        &mut self,
        request: &VerifyRequest,
    ) -> impl Future<Output = Authorization> + Send + 'static {
        let _ = request;
        std::future::ready(Authorization::from(Verdict::Unavailable))
    }

    /// The session is over and everything it set up is gone: wait for
    /// what the hooks still run (scripts). [`EngineEvent::Ended`] follows.
    fn finish(&mut self, ended: &Ended) -> impl Future<Output = ()> + Send {
        let _ = ended;
        std::future::ready(())
    }
}

impl Hooks for () {}
