//! What a session's driver needs from the operating system, as a trait, so
//! that the same driver runs on the kernel ([`KernelDataPath`]) and on a
//! fake made of socketpairs (`fake::FakeDataPath`, feature `test-util`)
//! in ordinary tests.
//!
//! [`KernelDataPath`]: super::KernelDataPath

use std::fmt;
use std::future::Future;
use std::net::Ipv4Addr;

pub use super::l2tp_watch::LowerLayer;
use super::FramedRoute;
use crate::kernel::frames::SharedFd;
use crate::kernel::{IdleTime, L2tpStats, NdSocket};
use crate::nd::Ipv6Prefix;
use crate::session::DataPathAction;

/// A step of a session's data path, for a program to tell failures apart
/// (`match e.step`); its `Display` gives it in plain words ("create the
/// unit", "set the MTU").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataPathStep {
    /// Setting up the PPPoL2TP socket: close-on-exec and the
    /// `SOL_PPPOL2TP` options the daemon asked for.
    SocketOptions,
    /// Getting the ppp channel (`PPPIOCGCHAN`, `PPPIOCATTCHAN`) and reading
    /// it.
    Channel,
    /// Creating the unit (`RTM_NEWLINK` or `PPPIOCNEWUNIT`, under a
    /// creation slot), setting its NP modes to DROP, and connecting the
    /// channel to it.
    CreateUnit,
    /// Naming the interface (the rename after `PPPIOCNEWUNIT`) and finding
    /// it by name.
    NameInterface,
    /// Setting the MTU.
    Mtu,
    /// Sizing the unit's receive buffers (the MRU).
    Mru,
    /// Setting (or removing) the IPv4 addresses.
    Ipv4Addresses,
    /// Setting (or removing) the IPv6 link-local address.
    Ipv6Address,
    /// Bringing the interface up (with the MTU negotiated while it was
    /// down).
    InterfaceUp,
    /// Bringing the interface down.
    InterfaceDown,
    /// Setting a network protocol's NP mode.
    NpMode,
    /// Reading the unit's idle time.
    IdleTime,
    /// Reading the interface's counters.
    Counters,
    /// Adding (or replacing) the default route.
    DefaultRoute,
    /// Adding the proxy ARP entry.
    ProxyArp,
    /// Adding the routes the authorization asked for.
    Routes,
    /// Advertising the peer's IPv6 prefix: its route through the
    /// interface and the ICMPv6 socket for Router Advertisements.
    Ipv6Prefix,
}

impl DataPathStep {
    /// The step that carries out `action`.
    pub fn of(action: &DataPathAction) -> DataPathStep {
        match action {
            DataPathAction::CreateUnit => DataPathStep::CreateUnit,
            DataPathAction::SetMtu(_) => DataPathStep::Mtu,
            DataPathAction::SetMru(_) => DataPathStep::Mru,
            DataPathAction::SetIpv4Addresses { .. } | DataPathAction::RemoveIpv4Addresses => {
                DataPathStep::Ipv4Addresses
            }
            DataPathAction::SetIpv6LinkLocal { .. } | DataPathAction::RemoveIpv6LinkLocal => {
                DataPathStep::Ipv6Address
            }
            DataPathAction::InterfaceUp => DataPathStep::InterfaceUp,
            DataPathAction::InterfaceDown => DataPathStep::InterfaceDown,
            DataPathAction::SetNpMode { .. } => DataPathStep::NpMode,
        }
    }
}

impl fmt::Display for DataPathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DataPathStep::SocketOptions => "set up the PPPoL2TP socket",
            DataPathStep::Channel => "get the ppp channel",
            DataPathStep::CreateUnit => "create the unit",
            DataPathStep::NameInterface => "name the interface",
            DataPathStep::Mtu => "set the MTU",
            DataPathStep::Mru => "set the MRU",
            DataPathStep::Ipv4Addresses => "set the IPv4 addresses",
            DataPathStep::Ipv6Address => "set the IPv6 link-local address",
            DataPathStep::InterfaceUp => "bring the interface up",
            DataPathStep::InterfaceDown => "bring the interface down",
            DataPathStep::NpMode => "set the NP mode",
            DataPathStep::IdleTime => "read the idle time",
            DataPathStep::Counters => "read the interface counters",
            DataPathStep::DefaultRoute => "add the default route",
            DataPathStep::ProxyArp => "add the proxy ARP entry",
            DataPathStep::Routes => "add the framed routes",
            DataPathStep::Ipv6Prefix => "advertise the IPv6 prefix",
        })
    }
}

/// A data-path step failed: which step, with which call, and why.
///
/// It prints as `<step> (<call>): <detail>`, e.g. `get the ppp channel
/// (PPPIOCGCHAN): ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPathError {
    /// The step.
    pub step: DataPathStep,
    /// The system call or netlink request that failed, e.g.
    /// `"PPPIOCGCHAN"`, `"RTM_NEWLINK"`, if one did.
    pub call: Option<&'static str>,
    /// What the operating system said, or what was wrong.
    pub detail: String,
}

impl DataPathError {
    /// A failure of `step` that no single call explains.
    pub fn new(step: DataPathStep, detail: impl fmt::Display) -> Self {
        DataPathError {
            step,
            call: None,
            detail: detail.to_string(),
        }
    }

    /// A failure of `step` in `call` (a system call or netlink request).
    pub fn in_call(step: DataPathStep, call: &'static str, detail: impl fmt::Display) -> Self {
        DataPathError {
            step,
            call: Some(call),
            detail: detail.to_string(),
        }
    }
}

impl fmt::Display for DataPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.call {
            Some(call) => write!(f, "{} ({call}): {}", self.step, self.detail),
            None => write!(f, "{}: {}", self.step, self.detail),
        }
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

/// The unit's (interface's) own counters, as pppd reads them for
/// `BYTES_SENT` and `BYTES_RCVD`: data through the interface, protocol
/// field excluded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitStats {
    /// Octets sent.
    pub tx_bytes: u64,
    /// Octets received.
    pub rx_bytes: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Packets received.
    pub rx_packets: u64,
}

/// pppd's `defaultroute` (with `replacedefaultroute` and
/// `defaultroute-metric`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultRoute {
    /// `replacedefaultroute`: replace an existing default route (and put
    /// it back on the way down) instead of leaving it alone.
    pub replace: bool,
    /// `defaultroute-metric`: the route's metric (0 when not given); only
    /// existing default routes of this metric are considered (any metric
    /// when not given).
    pub metric: Option<u32>,
}

/// An existing IPv4 default route, as far as the decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingRoute {
    /// Its gateway, if any.
    pub gateway: Option<Ipv4Addr>,
    /// The name of its interface (empty if unknown).
    pub dev: String,
    /// Its metric.
    pub metric: u32,
}

impl fmt::Display for ExistingRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.gateway {
            Some(gw) => write!(f, "via {gw} dev {} metric {}", self.dev, self.metric),
            None => write!(f, "dev {} metric {}", self.dev, self.metric),
        }
    }
}

/// What pppd's `sifdefaultroute` decides when a default route exists
/// (`sys-linux.c`): a default route through another interface whose
/// gateway is not the peer is left alone (a warning), or replaced with
/// `replacedefaultroute`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDecision {
    /// Add ours; nothing is in the way.
    Add,
    /// Add ours and delete this one, to be put back on the way down.
    Replace(ExistingRoute),
    /// Leave this one alone and add nothing.
    Refuse(ExistingRoute),
}

impl RouteDecision {
    /// The decision for `existing` (default routes of the metric asked
    /// for, or of any metric), our interface `ifname`, the peer `peer`.
    pub fn decide(
        existing: &[ExistingRoute],
        ifname: &str,
        peer: Ipv4Addr,
        how: DefaultRoute,
    ) -> RouteDecision {
        let other = existing
            .iter()
            .filter(|r| how.metric.is_none_or(|m| r.metric == m))
            .find(|r| r.dev != ifname);
        match other {
            Some(r) if r.gateway != Some(peer) => {
                if how.replace {
                    RouteDecision::Replace(r.clone())
                } else {
                    RouteDecision::Refuse(r.clone())
                }
            }
            _ => RouteDecision::Add,
        }
    }
}

/// What [`DataPath::set_default_route`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteOutcome {
    /// The default route through the interface was added.
    Added,
    /// It was added and this route, which was in the way, removed.
    Replaced(ExistingRoute),
    /// This route was in the way and `replace` was not asked: nothing
    /// changed.
    Refused(ExistingRoute),
}

/// What [`DataPath::set_proxy_arp`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyArpOutcome {
    /// A proxy ARP entry for the peer was added on this interface.
    Added {
        /// The ethernet interface whose subnet holds the peer's address.
        dev: String,
    },
    /// No interface that is up, broadcast, not point-to-point, not
    /// loopback and ARPs has a subnet holding the peer's address.
    NoInterface,
}

/// One interface that proxy ARP may use, for [`pick_proxy_arp_interface`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArpInterface {
    /// Its name.
    pub name: String,
    /// Its index.
    pub index: u32,
    /// One of its IPv4 addresses.
    pub address: Ipv4Addr,
    /// That address's prefix length.
    pub prefix_len: u8,
    /// Up, broadcast, and neither point-to-point, loopback nor NOARP
    /// (pppd's `FLAGS_GOOD` under `FLAGS_MASK`).
    pub usable: bool,
}

/// pppd's `get_ether_addr`: among usable interfaces, one whose subnet
/// holds `peer`, the longest prefix winning (a later one on a tie, as
/// pppd's `>=`).
pub fn pick_proxy_arp_interface(
    interfaces: &[ArpInterface],
    peer: Ipv4Addr,
) -> Option<&ArpInterface> {
    let mask = |len: u8| match len {
        0 => 0,
        n => u32::MAX << (32 - u32::from(n.min(32))),
    };
    let mut best: Option<&ArpInterface> = None;
    for i in interfaces.iter().filter(|i| i.usable) {
        let m = mask(i.prefix_len);
        if (u32::from(peer) ^ u32::from(i.address)) & m != 0 {
            continue;
        }
        if best.is_none_or(|b| m >= mask(b.prefix_len)) {
            best = Some(i);
        }
    }
    best
}

fn unsupported(step: DataPathStep) -> DataPathError {
    DataPathError::new(step, "this data path does not do it")
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

    /// How long the unit has gone without data packets (`PPPIOCGIDLE`):
    /// pppd's `idle` reads it.
    fn idle(&self) -> Result<IdleTime, DataPathError> {
        Err(unsupported(DataPathStep::IdleTime))
    }

    /// The unit's counters (for the down scripts' `BYTES_SENT` and
    /// `BYTES_RCVD`).
    fn unit_stats(&mut self) -> impl Future<Output = Result<UnitStats, DataPathError>> + Send {
        async { Err(unsupported(DataPathStep::Counters)) }
    }

    /// pppd's `sifdefaultroute`: a default route through the interface,
    /// unless one through another interface is in the way (then, with
    /// `replace`, that one is removed and kept to be put back).
    fn set_default_route(
        &mut self,
        how: DefaultRoute,
        peer: Ipv4Addr,
    ) -> impl Future<Output = Result<RouteOutcome, DataPathError>> + Send {
        let _ = (how, peer);
        async { Err(unsupported(DataPathStep::DefaultRoute)) }
    }

    /// pppd's `cifdefaultroute`: removes the route
    /// [`set_default_route`](DataPath::set_default_route) added and puts
    /// back the one it replaced. Failures are logged.
    fn clear_default_route(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// Routes through the interface to the peer's networks (RADIUS
    /// Framed-Route and Framed-IP-Netmask): each one added is kept for
    /// [`clear_routes`](DataPath::clear_routes); a failure stops at the
    /// route that failed, with the ones before it kept.
    fn add_routes(
        &mut self,
        routes: &[FramedRoute],
    ) -> impl Future<Output = Result<(), DataPathError>> + Send {
        let _ = routes;
        async { Err(unsupported(DataPathStep::Routes)) }
    }

    /// Removes the routes [`add_routes`](DataPath::add_routes) added.
    /// Failures are logged.
    fn clear_routes(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// The peer's IPv6 prefix (RADIUS Framed-IPv6-Prefix, "an IPv6 prefix
    /// (and corresponding route) to be configured for the user", RFC 3162
    /// section 2.3): its route through the interface, and the interface's
    /// ICMPv6 socket to advertise it on (RFC 4861 Router Advertisements,
    /// see [`crate::nd`]). Undone by
    /// [`clear_ipv6_prefix`](DataPath::clear_ipv6_prefix) and by
    /// teardown.
    fn advertise_ipv6_prefix(
        &mut self,
        prefix: Ipv6Prefix,
    ) -> impl Future<Output = Result<NdSocket, DataPathError>> + Send {
        let _ = prefix;
        async { Err(unsupported(DataPathStep::Ipv6Prefix)) }
    }

    /// Removes the route [`advertise_ipv6_prefix`](DataPath::advertise_ipv6_prefix)
    /// added. Failures are logged.
    fn clear_ipv6_prefix(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// pppd's `sifproxyarp`: a proxy ARP entry for `peer` on the ethernet
    /// interface whose subnet holds it.
    fn set_proxy_arp(
        &mut self,
        peer: Ipv4Addr,
    ) -> impl Future<Output = Result<ProxyArpOutcome, DataPathError>> + Send {
        let _ = peer;
        async { Err(unsupported(DataPathStep::ProxyArp)) }
    }

    /// pppd's `cifproxyarp`: removes the entry
    /// [`set_proxy_arp`](DataPath::set_proxy_arp) added. Failures are
    /// logged.
    fn clear_proxy_arp(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// Ready when the L2TP session is known to be deleted although its
    /// fds said nothing (Linux 6.1 gives the channel no hangup then): the
    /// lower layer is down. Otherwise pending, and the task is woken when
    /// that changes; never ready by default. A poll, not a future, so a
    /// session's task keeps no state for it while it waits.
    fn poll_lower_layer_deleted(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        let _ = cx;
        std::task::Poll::Pending
    }

    /// Whether the L2TP session still exists, asked of the kernel (for a
    /// link whose LCP echoes failed: a deleted session is a hangup, not a
    /// dead peer).
    fn probe_lower_layer(&mut self) -> impl Future<Output = LowerLayer> + Send {
        async { LowerLayer::Unknown }
    }

    /// Undo everything in reverse order: addresses, interface, unit,
    /// channel. Never fails: what cannot be undone is logged.
    fn teardown(&mut self) -> impl Future<Output = ()> + Send;

    /// Closes what is left (after [`DataPath::teardown`]: the lower
    /// layer's socket) and waits until it is closed. By default the data
    /// path is dropped.
    fn release(self) -> impl Future<Output = ()> + Send
    where
        Self: Sized,
    {
        async move { drop(self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_path_error_prints_the_step_in_words_then_the_call() {
        let e = DataPathError::in_call(DataPathStep::Channel, "PPPIOCGCHAN", "ENOTTY");
        assert_eq!(e.to_string(), "get the ppp channel (PPPIOCGCHAN): ENOTTY");
        let e = DataPathError::new(DataPathStep::Mtu, "no unit yet");
        assert_eq!(e.to_string(), "set the MTU: no unit yet");
        assert_eq!(e.call, None);
    }

    #[test]
    fn every_action_has_its_step() {
        assert_eq!(
            DataPathStep::of(&DataPathAction::CreateUnit),
            DataPathStep::CreateUnit
        );
        assert_eq!(
            DataPathStep::of(&DataPathAction::RemoveIpv4Addresses),
            DataPathStep::Ipv4Addresses
        );
        assert_eq!(
            DataPathStep::of(&DataPathAction::InterfaceDown),
            DataPathStep::InterfaceDown
        );
    }
}
