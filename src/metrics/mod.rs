//! Prometheus metrics (issue #17): the engine's counters in the text
//! exposition format (version 0.0.4), served as `GET /metrics` on an
//! opt-in address.
//!
//! - [`snapshot`]: what a scrape reports, taken from an
//!   [`Engine`](crate::driver::Engine) without waiting on any session
//!   ([`Snapshot::take`]), plus the process's open fds and, when an L2TP
//!   daemon provides it, its tunnels and control messages
//!   ([`L2tpMetrics`], through [`MetricsOptions::l2tp`]);
//! - [`mod@render`]: the sans-IO renderer, a [`Snapshot`] in, the exposition
//!   text out;
//! - [`server`]: the HTTP endpoint (hyper), `GET /metrics` and nothing
//!   else, every connection under a deadline.
//!
//! The names, all `rppp_` but for the two standard process metrics:
//!
//! | metric | type | labels |
//! | --- | --- | --- |
//! | `rppp_sessions` | gauge | `state` (the link's phase) |
//! | `rppp_sessions_by_auth_method` | gauge | `method` (`none` before or without authentication) |
//! | `rppp_sessions_started_total` | counter | |
//! | `rppp_sessions_ended_total` | counter | `reason` ([`EndKind`](crate::driver::EndKind)) |
//! | `rppp_auth_successes_total`, `rppp_auth_failures_total` | counter | `method` |
//! | `rppp_lcp_echo_failures_total` | counter | |
//! | `rppp_session_setup_duration_seconds` | histogram | `le` |
//! | `process_open_fds`, `process_max_fds` | gauge | |
//! | `rppp_l2tp_tunnels` | gauge | `state` |
//! | `rppp_l2tp_sessions` | gauge | |
//! | `rppp_l2tp_control_messages_sent_total`, `..._received_total` | counter | |
//! | `rppp_l2tp_control_retransmissions_total` | counter | |
//! | `rppp_l2tp_tunnel_timeouts_total` | counter | |
//! | `rppp_session_{receive,transmit}_{bytes,packets}_total` | counter | `session_id`, `ifname`: only with [`MetricsOptions::per_session`] |
//!
//! The L2TP families appear only when a daemon provides them, the
//! per-session ones only when asked for: one series per session and
//! counter is a cardinality an operator opts into.

pub mod render;
pub mod server;
pub mod snapshot;

pub use render::render;
pub use server::{MetricsServer, CONTENT_TYPE};
pub use snapshot::{L2tpMetrics, L2tpSource, MetricsOptions, SessionTraffic, Snapshot};
