//! The driver: runs sessions on tokio against a data path, the kernel's
//! (`/dev/ppp` and PPPoL2TP) or a fake one for tests.
//!
//! - [`Engine`] holds any number of sessions in one process; each runs on
//!   its own task, so a slow or failing session never blocks the others.
//! - [`DataPath`] is the operating-system side of one session;
//!   [`KernelDataPath`] is the real one, [`fake::FakeDataPath`] the one the
//!   ordinary tests use.

mod datapath;
mod engine;
pub mod fake;
mod kernel_path;
mod l2tp_genl;
mod l2tp_watch;
mod task;

pub use datapath::{
    pick_proxy_arp_interface, ArpInterface, DataPath, DataPathError, DefaultRoute, ExistingRoute,
    L2tpIds, LowerLayer, ProxyArpOutcome, RouteDecision, RouteOutcome, UnitCreated, UnitStats,
};
pub use engine::{
    Ended, Engine, EngineEvent, KernelSessionOptions, LinkOptions, NetworkStats, SessionCloser,
    SessionHandle, CONCURRENT_UNIT_CREATIONS, NEGOTIATION_WINDOW,
};
pub use kernel_path::{KernelDataPath, L2tpSocketOptions, UnitNaming};
