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
//! | `rppp_l2tp_control_timeouts_total` | counter | |
//! | `rppp_session_{receive,transmit}_{bytes,packets}_total` | counter | `session_id`, `ifname`: only with [`MetricsOptions::per_session`] |
//!
//! An L2TP daemon in the process plugs its figures in with
//! [`MetricsOptions::l2tp`]: a function, called once per scrape on the
//! runtime, that returns an [`L2tpMetrics`] at once (from a value the
//! daemon's loop keeps current; with feature `l2tpd`,
//! [`L2tpMetrics::with_every_state`] and [`L2tpMetrics::add_tunnel`] fill
//! one from `rppp_l2tp`'s tunnels):
//!
//! ```no_run
//! # async fn f(engine: rppp::driver::Engine) -> std::io::Result<()> {
//! use std::sync::{Arc, Mutex};
//! use rppp::metrics::{L2tpMetrics, MetricsOptions, MetricsServer};
//!
//! // The daemon's loop stores its figures here as they change.
//! let published = Arc::new(Mutex::new(L2tpMetrics::default()));
//! let reader = Arc::clone(&published);
//! let options = MetricsOptions::default()
//!     .l2tp(move || reader.lock().map(|m| m.clone()).unwrap_or_default());
//! let server = MetricsServer::bind("127.0.0.1:9469".parse().unwrap()).await?;
//! tokio::spawn(server.serve(engine, options));
//! # Ok(()) }
//! ```
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
