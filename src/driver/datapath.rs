//! What a session's driver needs from the operating system, as a trait, so
//! that the same driver runs on the kernel ([`KernelDataPath`]) and on a
//! fake made of socketpairs ([`FakeDataPath`]) in ordinary tests.
//!
//! [`KernelDataPath`]: super::KernelDataPath
//! [`FakeDataPath`]: super::fake::FakeDataPath

use std::fmt;
use std::future::Future;

use crate::kernel::frames::SharedFd;
use crate::kernel::L2tpStats;
use crate::session::DataPathAction;

/// A data-path step failed: which step, on which interface, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPathError {
    /// The step, e.g. `"create the unit"`, `"set the IPv4 addresses"`.
    pub step: &'static str,
    /// What the operating system said, with the call that failed.
    pub detail: String,
}

impl DataPathError {
    /// A failure of `step`.
    pub fn new(step: &'static str, detail: impl fmt::Display) -> Self {
        DataPathError {
            step,
            detail: detail.to_string(),
        }
    }
}

impl fmt::Display for DataPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.step, self.detail)
    }
}

impl std::error::Error for DataPathError {}

/// The L2TP ids of a session: ours and the peer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct L2tpIds {
    /// Our tunnel id.
    pub tunnel_id: u16,
    /// Our session id.
    pub session_id: u16,
    /// The peer's tunnel id.
    pub peer_tunnel_id: u16,
    /// The peer's session id.
    pub peer_session_id: u16,
}

/// The unit (interface) a session got.
pub struct UnitCreated {
    /// The interface name (`ppp0`, or the `ifname` asked for).
    pub ifname: String,
    /// The unit number.
    pub unit: u32,
    /// A close-on-exec fd that reads and writes the unit's frames
    /// (`[protocol][information]`): NCP frames arrive here once connected.
    pub frames: SharedFd,
}

impl fmt::Debug for UnitCreated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnitCreated")
            .field("ifname", &self.ifname)
            .field("unit", &self.unit)
            .finish_non_exhaustive()
    }
}

/// The operating-system side of one session. The driver calls
/// [`channel`](DataPath::channel) once, then [`create_unit`](DataPath::create_unit)
/// when the session asks for it, [`apply`](DataPath::apply) for every other
/// action in the order the session gives them, and
/// [`teardown`](DataPath::teardown) exactly once at the end, also after a
/// failure half way through setup.
pub trait DataPath: Send + 'static {
    /// A close-on-exec fd for the channel's frames: control frames are
    /// written here in every state; LCP and authentication (and everything
    /// while no unit is connected) are read here. Reading 0 means the lower
    /// layer is gone.
    fn channel(&mut self) -> Result<SharedFd, DataPathError>;

    /// Frames the lower layer received before the channel existed (queued
    /// on the PPPoL2TP socket before `PPPIOCGCHAN`), each
    /// `[protocol][information]`.
    fn early_frames(&mut self) -> Vec<Vec<u8>> {
        Vec::new()
    }

    /// Create the unit with every network protocol's NP mode DROP, and
    /// connect the channel to it.
    fn create_unit(&mut self) -> impl Future<Output = Result<UnitCreated, DataPathError>> + Send;

    /// Carry out one action other than `CreateUnit`.
    fn apply(
        &mut self,
        action: &DataPathAction,
    ) -> impl Future<Output = Result<(), DataPathError>> + Send;

    /// The L2TP tunnel and session ids of both ends (`getpeername` on the
    /// PPPoL2TP socket), where there are any.
    fn l2tp_ids(&self) -> Option<L2tpIds> {
        None
    }

    /// The L2TP session's counters, where there are any.
    fn stats(&self) -> Option<L2tpStats> {
        None
    }

    /// Undo everything in reverse order: addresses, interface, unit,
    /// channel. Never fails: what cannot be undone is logged.
    fn teardown(&mut self) -> impl Future<Output = ()> + Send;
}
