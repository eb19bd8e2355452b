//! The driver: runs sessions on tokio against a data path, the kernel's
//! (`/dev/ppp` and PPPoL2TP) or a fake one for tests.
//!
//! - [`Engine`] holds any number of sessions in one process, in a
//!   registry by [`SessionId`]; each runs on its own task, so a slow or
//!   failing session never blocks the others, and all report on one
//!   bounded stream, [`EngineEvents`].
//! - [`Hooks`] run at named points of a session's life (pppd's scripts,
//!   openl2tpd's events).
//! - [`DataPath`] is the operating-system side of one session;
//!   [`KernelDataPath`] is the real one, `fake::FakeDataPath` (feature
//!   `test-util`) the one the ordinary tests use.

mod config;
mod counters;
mod datapath;
mod end;
mod engine;
mod events;
#[cfg(feature = "test-util")]
pub mod fake;
pub mod file_replace;
mod framed_route;
mod hooks;
mod kernel_path;
mod l2tp_genl;
mod l2tp_watch;
pub(crate) mod log_span;
#[cfg(feature = "rtnetlink")]
mod netlink_thread;
mod registry;
mod signal;
mod status;
mod task;
mod verify;

pub use config::{KernelSessionOptions, LinkOptions};
pub use counters::{auth_label, phase_label};
pub use counters::{EndKind, EngineCounters, SessionTally, AUTH_METHODS, PHASES, SETUP_BUCKETS};
pub use datapath::{
    pick_proxy_arp_interface, ArpInterface, DataPath, DataPathError, DataPathStep, DefaultRoute,
    ExistingRoute, L2tpIds, LowerLayer, ProxyArpOutcome, RouteDecision, RouteOutcome, UnitCreated,
    UnitStats,
};
pub use end::{CloseReason, EndReason, Ended, SetupError};
pub use engine::{Closing, Engine, UnknownSession, CONCURRENT_UNIT_CREATIONS, NEGOTIATION_WINDOW};
pub use events::{
    EngineEvent, EngineEvents, IpPreUp, NetworkStats, EVENT_STREAM_CAPACITY, SESSION_OUTBOX,
};
pub use framed_route::FramedRoute;
pub use hooks::Hooks;
pub use kernel_path::{KernelDataPath, L2tpSocketOptions, Netif, UnitNaming};
pub use log_span::SESSION_SPAN;
pub use status::{FrameCounts, SessionId, SessionInfo, SessionStats};
pub use verify::{Authorization, SessionLimits};
