//! The data path on the real kernel: the PPPoL2TP socket an L2TP daemon
//! passed, a `/dev/ppp` channel and unit, and the interface configured
//! through [`Netif`]: rtnetlink, or the router build's ioctls (DESIGN.md,
//! "The kernel data path").
//!
//! By concern: [`socket`] (the socket options and the channel attach),
//! [`unit`](mod@unit) (unit creation and naming, with the EBUSY retry),
//! [`interface`] (MTU, addresses, up/down, NP modes, counters),
//! [`routes`] (default route and proxy ARP), `framed_routes` and
//! [`netif`] (the requests themselves, by either means).

mod framed_routes;
mod interface;
mod netif;
mod routes;
mod socket;
mod unit;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use netif::Netif;
pub use socket::L2tpSocketOptions;
pub use unit::UnitNaming;

use super::datapath::{
    DataPath, DataPathError, DataPathStep, DefaultRoute, L2tpIds, LowerLayer, ProxyArpOutcome,
    RouteOutcome, UnitCreated, UnitStats,
};
use super::l2tp_watch::{L2tpWatch, Watcher};
use super::FramedRoute;
use crate::kernel::frames::SharedFd;
use crate::kernel::{self, Channel, IdleTime, L2tpStats, NdSocket, PppoL2tpSocket, Unit};
use crate::nd::Ipv6Prefix;
use crate::session::DataPathAction;
use interface::remove_address;

/// One session's kernel objects.
#[derive(Debug)]
pub struct KernelDataPath {
    socket: PppoL2tpSocket,
    channel: Option<Arc<Channel>>,
    unit: Option<Arc<Unit>>,
    ifindex: Option<u32>,
    ifname: Option<String>,
    /// How to name the unit; gone once it exists.
    naming: Option<Box<UnitNaming>>,
    netif: Netif,
    /// Shared by an engine's sessions: how many may create their unit at
    /// once (see [`KernelDataPath::limit_unit_creation`]).
    creation_slots: Option<Arc<Semaphore>>,
    /// A slot taken before the channel was attached, given back once the
    /// unit exists (see [`KernelDataPath::hold_setup_slot`]).
    setup_slot: Option<OwnedSemaphorePermit>,
    early: Vec<Vec<u8>>,
    /// Our address and the peer's, IPv4 and IPv6 link-local, once set.
    ipv4: Option<(IpAddr, IpAddr)>,
    /// (Boxed: most L2TP sessions run without IPv6.)
    ipv6: Option<Box<(IpAddr, IpAddr)>>,
    /// An MTU LCP negotiated while the interface was down, set together
    /// with bringing it up (see `apply`).
    pending_mtu: Option<u16>,
    /// An IPv6 link-local pair given while the interface was down, added
    /// once it is up (see `apply`).
    pending_ipv6: Option<Box<(IpAddr, IpAddr)>>,
    /// Whether we brought the interface up (and not down since).
    link_up: bool,
    /// The default route we added, and the one it replaced.
    /// (Boxed: few sessions have one.)
    default_route: Option<Box<(netif::Route, Option<netif::Route>)>>,
    /// The proxy ARP entry we added: interface index and the peer.
    proxy_arp: Option<(u32, Ipv4Addr)>,
    /// The framed routes we added (empty: no allocation).
    framed_routes: Vec<netif::Route>,
    /// The route to the peer's IPv6 prefix we added (boxed: few sessions
    /// have one).
    ipv6_prefix_route: Option<Box<netif::Route>>,
    /// The engine's L2TP deletion watch and this session's subscription.
    l2tp_watch: Option<(L2tpWatch, Watcher)>,
}

/// A kernel call's failure, as a failure of `step` in `call`.
fn step(step: DataPathStep, call: &'static str) -> impl Fn(kernel::Error) -> DataPathError {
    move |e| DataPathError::in_call(step, call, e)
}

impl DataPath for KernelDataPath {
    fn channel(&mut self) -> Result<SharedFd, DataPathError> {
        let channel = self
            .channel
            .as_ref()
            .ok_or(DataPathError::new(DataPathStep::Channel, "no channel"))?;
        Ok(Arc::clone(channel) as SharedFd)
    }

    fn early_frames(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.early)
    }
    async fn create_unit(&mut self) -> Result<UnitCreated, DataPathError> {
        self.create_and_connect_unit().await
    }

    async fn apply(&mut self, action: &DataPathAction) -> Result<(), DataPathError> {
        self.apply_action(action).await
    }

    fn l2tp_ids(&self) -> Option<L2tpIds> {
        l2tp_ids(&self.socket)
    }

    fn stats(&self) -> Option<L2tpStats> {
        self.socket.stats().ok()
    }

    fn idle(&self) -> Result<IdleTime, DataPathError> {
        self.unit
            .as_ref()
            .ok_or(DataPathError::new(DataPathStep::IdleTime, "no unit yet"))?
            .idle()
            .map_err(step(DataPathStep::IdleTime, "PPPIOCGIDLE"))
    }
    async fn unit_stats(&mut self) -> Result<UnitStats, DataPathError> {
        self.read_unit_stats().await
    }

    async fn set_default_route(
        &mut self,
        how: DefaultRoute,
        peer: Ipv4Addr,
    ) -> Result<RouteOutcome, DataPathError> {
        self.add_default_route(how, peer).await
    }

    async fn clear_default_route(&mut self) {
        self.remove_default_route().await
    }

    async fn advertise_ipv6_prefix(
        &mut self,
        prefix: Ipv6Prefix,
    ) -> Result<NdSocket, DataPathError> {
        self.add_ipv6_prefix(prefix).await
    }

    async fn clear_ipv6_prefix(&mut self) {
        self.remove_ipv6_prefix().await
    }

    async fn set_proxy_arp(&mut self, peer: Ipv4Addr) -> Result<ProxyArpOutcome, DataPathError> {
        self.add_proxy_arp(peer).await
    }

    async fn clear_proxy_arp(&mut self) {
        self.remove_proxy_arp().await
    }

    async fn add_routes(&mut self, routes: &[FramedRoute]) -> Result<(), DataPathError> {
        self.add_framed_routes(routes).await
    }

    async fn clear_routes(&mut self) {
        self.remove_framed_routes().await
    }

    fn poll_lower_layer_deleted(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        let Some((_, watcher)) = &mut self.l2tp_watch else {
            return std::task::Poll::Pending;
        };
        std::task::ready!(watcher.poll_deleted(cx));
        let key = watcher.key();
        tracing::info!(
            "L2TP session {} of tunnel {} deleted",
            key.session,
            key.tunnel
        );
        std::task::Poll::Ready(())
    }

    async fn probe_lower_layer(&mut self) -> LowerLayer {
        match &self.l2tp_watch {
            Some((watch, watcher)) => watch.probe(watcher.key()).await,
            None => LowerLayer::Unknown,
        }
    }

    async fn teardown(&mut self) {
        self.l2tp_watch = None;
        self.clear_proxy_arp().await;
        self.clear_default_route().await;
        self.clear_routes().await;
        self.clear_ipv6_prefix().await;
        if let Some(index) = self.ifindex {
            for pair in [self.ipv6.take().map(|p| *p), self.ipv4.take()]
                .into_iter()
                .flatten()
            {
                remove_address(&self.netif, index, self.name(), pair).await;
            }
        }
        if let (Some(channel), Some(_)) = (&self.channel, &self.unit) {
            if let Err(e) = channel.disconnect() {
                tracing::debug!("{e}");
            }
        }
        // Closing the unit fd deletes the interface; closing the channel
        // fd releases the channel. The PPPoL2TP socket closes with self.
        release((self.unit.take(), self.channel.take())).await;
        self.ifindex = None;
    }

    /// The PPPoL2TP socket (and anything teardown left) closed off the
    /// runtime's thread, as the unit was: closing it deletes the kernel's
    /// L2TP session and unregisters its channel.
    async fn release(self) {
        release(self).await;
    }
}

/// How many sessions close their unit and channel at once. The kernel
/// deletes interfaces one at a time under RTNL anyway; a few at once keep
/// the blocking pool from filling with threads that wait for the lock.
const CONCURRENT_RELEASES: usize = 4;

/// Closes a session's fds (`fds` holds them: the unit and channel, or the
/// whole data path) on tokio's blocking pool, a few sessions at a time,
/// and waits until they are closed.
///
/// Closing the last fd of a unit unregisters its interface: RTNL, a walk
/// of the routing tables, and RCU grace periods, tens of milliseconds
/// each with thousands of interfaces (sixteen deletions a second were
/// measured with ten thousand). On the runtime's thread every session of
/// a current-thread engine would stop for each one (see
/// `netlink_thread`). The fds are only dropped there; nothing is
/// allocated.
async fn release<T: Send + 'static>(fds: T) {
    static RELEASES: Semaphore = Semaphore::const_new(CONCURRENT_RELEASES);
    let _turn = RELEASES.acquire().await;
    if let Err(e) = tokio::task::spawn_blocking(move || drop(fds)).await {
        tracing::debug!("closing a session's fds: {e}");
    }
}

/// The L2TP ids of both ends of a PPPoL2TP socket (`getpeername`).
pub(super) fn l2tp_ids(socket: &PppoL2tpSocket) -> Option<L2tpIds> {
    let a = socket.peer_addr().ok()?;
    Some(L2tpIds {
        tunnel_id: a.tunnel_id,
        session_id: a.session_id,
        peer_tunnel_id: a.peer_tunnel_id,
        peer_session_id: a.peer_session_id,
    })
}
