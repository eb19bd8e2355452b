//! Each session's context on its log lines, for processes that run many
//! sessions: rppp's `--sessions-file` mode, `rppp l2tpd`, an embedder.
//!
//! The engine runs every session's task in a span
//! ([`SESSION_SPAN`](crate::driver::SESSION_SPAN)) whose fields it fills
//! in as it learns them: the engine's session id, the interface, the
//! peer's authenticated name, the L2TP ids. [`SessionContextLayer`] keeps
//! them per span as a [`SessionContext`]; [`SessionLineFormat`] writes a
//! line as pppd does (the message alone) with, when asked, the context of
//! the session it came from in front:
//!
//! ```text
//! [session=3 if=ppp3 user=alice l2tp=5/7:9/11] Connect time 1.0 minutes.
//! ```
//!
//! Installing both:
//!
//! ```
//! use rppp::log_context::{SessionContextLayer, SessionLineFormat};
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let subscriber = tracing_subscriber::fmt()
//!     .event_format(SessionLineFormat::with_context(true))
//!     .finish()
//!     .with(SessionContextLayer::default());
//! # drop(subscriber);
//! ```

mod context;
mod format;
mod layer;

pub use context::SessionContext;
pub use format::{NoSpanFields, SessionLineFormat};
pub use layer::SessionContextLayer;
