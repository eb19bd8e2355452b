//! What one side's fake kernel holds and records, for the fake data path
//! to act on and a test to check: the actions carried out, the frames
//! delivered and dropped, the routes and proxy ARP entries, and the step
//! to fail ([`Step`]).

use std::net::Ipv4Addr;
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, Weak};

use tokio::time::Instant;

use crate::driver::datapath::{ArpInterface, DataPathStep, ExistingRoute, L2tpIds, UnitStats};
use crate::driver::FramedRoute;
use crate::kernel::frames::FrameFd;
use crate::nd::Ipv6Prefix;
use crate::session::{DataPathAction, NpMode};

/// A step of the data path, to fail on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Getting the channel fd.
    Channel,
    /// Creating the unit.
    CreateUnit,
    /// Setting the MTU.
    SetMtu,
    /// Setting the IPv4 addresses.
    SetIpv4,
    /// Bringing the interface up.
    InterfaceUp,
    /// Setting an NP mode.
    SetNpMode,
    /// Setting the IPv6 link-local address.
    SetIpv6,
}

impl Step {
    pub(super) fn of(action: &DataPathAction) -> Option<Step> {
        Some(match action {
            DataPathAction::CreateUnit => Step::CreateUnit,
            DataPathAction::SetMtu(_) => Step::SetMtu,
            DataPathAction::SetIpv4Addresses { .. } => Step::SetIpv4,
            DataPathAction::InterfaceUp => Step::InterfaceUp,
            DataPathAction::SetNpMode { .. } => Step::SetNpMode,
            DataPathAction::SetIpv6LinkLocal { .. } => Step::SetIpv6,
            _ => return None,
        })
    }

    /// The data path's step this injection point fails, as the error
    /// carries it.
    pub fn data_path_step(self) -> DataPathStep {
        match self {
            Step::Channel => DataPathStep::Channel,
            Step::CreateUnit => DataPathStep::CreateUnit,
            Step::SetMtu => DataPathStep::Mtu,
            Step::SetIpv4 => DataPathStep::Ipv4Addresses,
            Step::InterfaceUp => DataPathStep::InterfaceUp,
            Step::SetNpMode => DataPathStep::NpMode,
            Step::SetIpv6 => DataPathStep::Ipv6Address,
        }
    }
}

/// What the fake kernel saw, for the test to check.
#[derive(Debug, Default)]
pub struct FakeKernel {
    /// Every action carried out, in order (`CreateUnit` included).
    pub actions: Vec<DataPathAction>,
    /// Frames the lower layer received before the channel existed, each
    /// `[protocol][information]`, handed over once (as the PPPoL2TP
    /// socket's queue before `PPPIOCGCHAN`).
    pub early_frames: Vec<Vec<u8>>,
    /// The step to fail, once.
    pub fail_at: Option<Step>,
    /// Whether a unit (interface) exists now.
    pub unit_exists: bool,
    /// Whether the channel is connected to the unit.
    pub connected: bool,
    /// NP modes of IPv4 and IPv6.
    pub np_mode: [Option<NpMode>; 2],
    /// IPv4 addresses set now.
    pub ipv4: Option<(std::net::Ipv4Addr, std::net::Ipv4Addr)>,
    /// Whether the interface is up.
    pub up: bool,
    /// Whether teardown ran.
    pub torn_down: bool,
    /// Data frames delivered to this side's host (NP mode PASS).
    pub delivered: Vec<(u16, Vec<u8>)>,
    /// Data frames dropped for their NP mode.
    pub dropped_data: usize,
    /// The engine's end of the channel was closed.
    pub channel_closed: bool,
    /// The engine's end of the unit was closed.
    pub unit_closed: bool,
    /// The lower layer was hung up ([`FakeHandle::hang_up`](super::FakeHandle::hang_up)): the kernel's
    /// ends are gone, so the engine's closing them is not seen.
    pub hung_up: bool,
    /// The L2TP session was deleted ([`FakeHandle::delete_session`](super::FakeHandle::delete_session)):
    /// frames no longer pass either way, and the fds say nothing.
    pub l2tp_deleted: bool,
    /// The driver dropped the data path (which holds the PPPoL2TP socket).
    pub data_path_dropped: bool,
    /// The unit's counters.
    pub stats: UnitStats,
    /// When the unit last sent and received a data packet (its creation
    /// before that).
    pub last_data: Option<(Instant, Instant)>,
    /// The IPv4 default routes of the main table (a test may put one
    /// here before the session starts).
    pub default_routes: Vec<ExistingRoute>,
    /// The default route the session replaced, while it is replaced.
    pub replaced_route: Option<ExistingRoute>,
    /// Ethernet interfaces and their addresses, for proxy ARP.
    pub interfaces: Vec<ArpInterface>,
    /// Proxy ARP entries: the address and the interface.
    pub proxy_arp: Vec<(Ipv4Addr, String)>,
    /// Framed routes through the interface now.
    pub framed_routes: Vec<FramedRoute>,
    /// The peer's IPv6 prefix routed through the interface now.
    pub ipv6_prefix: Option<Ipv6Prefix>,
    /// The peer's end of the session's ICMPv6 socket (see
    /// [`router_advertisements`](FakeKernel::router_advertisements)).
    pub(super) nd_link: Option<OwnedFd>,
    /// The L2TP ids the data path reports (none unless a test sets
    /// them before the session starts).
    pub l2tp: Option<L2tpIds>,
    pub(super) peer: Weak<Mutex<FakeKernel>>,
    pub(super) deletion_announced: Arc<crate::driver::signal::Signal>,
    pub(super) channel_kernel: Option<Arc<FrameFd>>,
    pub(super) unit_kernel: Option<Arc<FrameFd>>,
}

impl FakeKernel {
    /// The ICMPv6 messages the session sent on its interface since the
    /// last call (Router Advertisements), oldest first.
    pub fn router_advertisements(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let Some(fd) = &self.nd_link else { return out };
        let mut buf = [0u8; 2048];
        while let Ok(n @ 1..) = nix::sys::socket::recv(
            std::os::fd::AsRawFd::as_raw_fd(fd),
            &mut buf,
            nix::sys::socket::MsgFlags::MSG_DONTWAIT,
        ) {
            out.push(buf[..n].to_vec());
        }
        out
    }

    /// The peer sends `message` (a Router Solicitation, say) on the link,
    /// with hop limit 255. False when no socket is open.
    pub fn send_to_router(&self, message: &[u8]) -> bool {
        let Some(fd) = &self.nd_link else {
            return false;
        };
        nix::sys::socket::send(
            std::os::fd::AsRawFd::as_raw_fd(fd),
            message,
            nix::sys::socket::MsgFlags::MSG_DONTWAIT,
        )
        .is_ok()
    }
}
