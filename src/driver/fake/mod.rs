//! A fake data path for tests without a kernel: socketpairs that behave
//! like the channel and unit fds (`SOCK_SEQPACKET`, one frame
//! `[protocol][information]` per message), a record of every action, and
//! failures injected at any step.
//!
//! [`FakeDataPath::pair`] joins two fake data paths the way two L2TP peers'
//! kernels are joined: a frame one engine writes on its channel arrives at
//! the other on its channel, or on its unit once connected for network
//! control protocols (0x8000 to 0xbfff); network data (below 0x4000) goes
//! to the other side's "host" only while that side's NP mode is PASS, and
//! is dropped otherwise, as ppp_generic does. The "host" of one side sends
//! data with [`FakeHandle::send_data`]; the unit's counters and idle times
//! count it as ppp_generic's do (data packets that pass the NP mode, the
//! protocol field excluded).
//!
//! The fake kernel also has a routing table of IPv4 default routes and a
//! list of ethernet interfaces, which a test fills in, for `defaultroute`
//! and `proxyarp`.

use std::net::Ipv4Addr;
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, MutexGuard};

use nix::sys::socket::{socketpair, AddressFamily, SockFlag, SockType};
use tokio::task::JoinHandle;

use tokio::time::Instant;

use super::datapath::{
    pick_proxy_arp_interface, DataPath, DataPathError, DataPathStep, DefaultRoute, ExistingRoute,
    L2tpIds, LowerLayer, ProxyArpOutcome, RouteDecision, RouteOutcome, UnitCreated, UnitStats,
};
use super::FramedRoute;
use crate::kernel::frames::{FrameFd, Read, SharedFd};
use crate::kernel::{IdleTime, NdSocket};
use crate::nd::Ipv6Prefix;
use crate::session::{network_protocol, DataPathAction, NpMode};

/// The name of every fake unit's interface.
pub const FAKE_IFNAME: &str = "ppp-fake0";

/// A shared view of one side's fake kernel.
#[derive(Debug, Clone, Default)]
pub struct FakeHandle(Arc<Mutex<FakeKernel>>);

impl FakeHandle {
    /// Locks the state (a poisoned lock is taken as is: tests want to see).
    pub fn lock(&self) -> MutexGuard<'_, FakeKernel> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hangs up the lower layer: the engine's channel reads end-of-file, as
    /// when the L2TP session is deleted.
    pub fn hang_up(&self) {
        let mut k = self.lock();
        k.hung_up = true;
        k.channel_kernel = None;
        k.unit_kernel = None;
    }

    /// Deletes the L2TP session as `ip l2tp del session` does on Linux
    /// 6.1: the link goes dead (nothing passes either way) and the fds
    /// report nothing. With `announce`, the kernel's L2TP netlink
    /// notification tells the engine ([`DataPath::poll_lower_layer_deleted`]);
    /// without, only asking the kernel ([`DataPath::probe_lower_layer`])
    /// finds it gone.
    pub fn delete_session(&self, announce: bool) {
        let mut k = self.lock();
        k.l2tp_deleted = true;
        if announce {
            k.deletion_announced.raise();
        }
    }

    /// Whether the engine closed its ends of the channel and the unit (the
    /// fake kernel's ends read end-of-file, or were found closed already).
    /// Frames still queued are read and discarded.
    pub fn engine_fds_closed(&self) -> bool {
        let (channel, unit, channel_closed, unit_closed, unit_exists) = {
            let k = self.lock();
            (
                k.channel_kernel.clone(),
                k.unit_kernel.clone(),
                k.channel_closed || k.hung_up,
                k.unit_closed || k.hung_up,
                k.unit_exists || k.unit_closed,
            )
        };
        let closed = |fd: Option<Arc<FrameFd>>, already: bool| {
            if already {
                return true;
            }
            let Some(fd) = fd else { return true };
            loop {
                match fd.read(|_, _| ()) {
                    Ok(Read::Frame) | Ok(Read::Runt) => {}
                    Ok(Read::Closed) | Err(_) => return true,
                    Ok(Read::Empty) => return false,
                }
            }
        };
        closed(channel, channel_closed) && (!unit_exists || closed(unit, unit_closed))
    }

    /// The host sends a data packet (`protocol` below 0x4000) out of this
    /// side's interface: it leaves only while the unit is connected, up
    /// and in NP mode PASS for it (as ppp_generic's `ppp_start_xmit`),
    /// and reaches the other side's host if that side passes it. Returns
    /// whether it left.
    pub fn send_data(&self, protocol: u16, information: &[u8]) -> bool {
        let mut k = self.lock();
        let pass = np_index(protocol).and_then(|i| k.np_mode[i]) == Some(NpMode::Pass);
        if !(pass && k.connected && k.up) || k.l2tp_deleted {
            k.dropped_data += 1;
            return false;
        }
        k.stats.tx_packets += 1;
        k.stats.tx_bytes += information.len() as u64;
        if let Some((xmit, _)) = &mut k.last_data {
            *xmit = Instant::now();
        }
        let peer = k.peer.upgrade();
        drop(k);
        if let Some(peer) = peer {
            deliver(&FakeHandle(peer), protocol, information);
        }
        true
    }

    /// Sends a frame to the engine as the kernel would route it: on the
    /// unit when connected and the protocol is a network control protocol,
    /// on the channel otherwise. Returns whether it was queued (a full
    /// queue drops it).
    pub fn inject(&self, protocol: u16, information: &[u8]) -> bool {
        let k = self.lock();
        let fd = match (&k.unit_kernel, is_ncp(protocol) && k.connected) {
            (Some(unit), true) => Some(Arc::clone(unit)),
            _ => k.channel_kernel.clone(),
        };
        drop(k);
        fd.is_some_and(|fd| matches!(fd.write(protocol, information), Ok(true)))
    }
}

fn np_index(protocol: u16) -> Option<usize> {
    match protocol {
        network_protocol::IPV4 => Some(0),
        network_protocol::IPV6 => Some(1),
        _ => None,
    }
}

fn is_ncp(protocol: u16) -> bool {
    (0x8000..0xc000).contains(&protocol)
}

/// A socketpair for `step`'s fds.
fn seqpacket(step: DataPathStep) -> Result<(OwnedFd, OwnedFd), DataPathError> {
    let (a, b) = socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
    )
    .map_err(|e| DataPathError::in_call(step, "socketpair", e))?;
    // Room for a thousand small frames queued at once, as a PPPoL2TP
    // socket's receive queue holds them (a test floods the engine); the
    // forced size needs CAP_NET_ADMIN, the plain one is capped by
    // net.core.wmem_max.
    for fd in [&a, &b] {
        use nix::sys::socket::{setsockopt, sockopt};
        if setsockopt(fd, sockopt::SndBufForce, &(4 << 20)).is_err() {
            let _ = setsockopt(fd, sockopt::SndBuf, &(4 << 20));
        }
    }
    Ok((a, b))
}

/// One side's fake data path, handed to the driver.
#[derive(Debug)]
pub struct FakeDataPath {
    kernel: FakeHandle,
    channel_engine: Option<OwnedFd>,
}

impl FakeDataPath {
    /// A fake data path and the handle the test keeps. Must be called
    /// inside a tokio runtime.
    pub fn new() -> Result<(FakeDataPath, FakeHandle), DataPathError> {
        let (engine, kernel) = seqpacket(DataPathStep::Channel)?;
        let handle = FakeHandle::default();
        handle.lock().channel_kernel =
            Some(Arc::new(FrameFd::new(Arc::new(kernel)).map_err(|e| {
                DataPathError::new(DataPathStep::Channel, format!("register the fake fd: {e}"))
            })?));
        Ok((
            FakeDataPath {
                kernel: handle.clone(),
                channel_engine: Some(engine),
            },
            handle,
        ))
    }

    /// Two fake data paths joined like two L2TP peers' kernels, with the
    /// relay tasks that carry frames between them (they end when both
    /// sides are gone).
    #[allow(clippy::type_complexity)]
    pub fn pair() -> Result<
        (
            (FakeDataPath, FakeHandle),
            (FakeDataPath, FakeHandle),
            JoinHandle<()>,
        ),
        DataPathError,
    > {
        let a = FakeDataPath::new()?;
        let b = FakeDataPath::new()?;
        a.1.lock().peer = Arc::downgrade(&b.1 .0);
        b.1.lock().peer = Arc::downgrade(&a.1 .0);
        let relay = tokio::spawn(relay(a.1.clone(), b.1.clone()));
        Ok((a, b, relay))
    }

    fn check(&self, step: Step) -> Result<(), DataPathError> {
        let mut k = self.kernel.lock();
        if k.fail_at == Some(step) {
            k.fail_at = None;
            return Err(DataPathError::new(
                step.data_path_step(),
                format!("{step:?} failed on purpose"),
            ));
        }
        Ok(())
    }
}

/// Carries frames both ways until both engines closed their channels.
async fn relay(a: FakeHandle, b: FakeHandle) {
    let mut tasks = Vec::new();
    for (from, to) in [(a.clone(), b.clone()), (b, a)] {
        tasks.push(tokio::spawn(forward(from, to, false)));
    }
    for t in tasks {
        let _ = t.await;
    }
}

/// Reads what `from`'s engine writes (channel, and unit once it exists)
/// and delivers it to `to`.
async fn forward(from: FakeHandle, to: FakeHandle, _unit: bool) {
    loop {
        let (channel, unit) = {
            let k = from.lock();
            (k.channel_kernel.clone(), k.unit_kernel.clone())
        };
        let Some(channel) = channel else { return };
        let unit_ready = async {
            match &unit {
                Some(u) => u.readable().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = channel.readable() => if r.is_err() { return },
            r = unit_ready => if r.is_err() { return },
            // Re-read the fds now and then: the unit appears later.
            _ = tokio::time::sleep(std::time::Duration::from_millis(20)) => {}
        }
        for (fd, is_unit) in [(Some(channel), false), (unit, true)] {
            let Some(fd) = fd else { continue };
            loop {
                let mut frame = None;
                match fd.read(|p, info| frame = Some((p, info.to_vec()))) {
                    Ok(Read::Frame) => {
                        let dead = from.lock().l2tp_deleted || to.lock().l2tp_deleted;
                        if let (Some((p, info)), false) = (frame, dead) {
                            deliver(&to, p, &info);
                        }
                    }
                    Ok(Read::Runt) => {}
                    Ok(Read::Empty) => break,
                    Ok(Read::Closed) | Err(_) => {
                        let mut k = from.lock();
                        if is_unit {
                            k.unit_closed = true;
                            k.unit_kernel = None;
                        } else {
                            k.channel_closed = true;
                            k.channel_kernel = None;
                        }
                        break;
                    }
                }
            }
        }
    }
}

fn deliver(to: &FakeHandle, protocol: u16, information: &[u8]) {
    if protocol < 0x4000 {
        let mut k = to.lock();
        match np_index(protocol).and_then(|i| k.np_mode[i]) {
            Some(NpMode::Pass) if k.connected && k.up => {
                k.stats.rx_packets += 1;
                k.stats.rx_bytes += information.len() as u64;
                if let Some((_, recv)) = &mut k.last_data {
                    *recv = Instant::now();
                }
                k.delivered.push((protocol, information.to_vec()))
            }
            _ => k.dropped_data += 1,
        }
        return;
    }
    to.inject(protocol, information);
}

impl Drop for FakeDataPath {
    fn drop(&mut self) {
        self.kernel.lock().data_path_dropped = true;
    }
}

impl DataPath for FakeDataPath {
    fn poll_lower_layer_deleted(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        // An announcement made while nobody waited is kept until taken.
        let signal = Arc::clone(&self.kernel.lock().deletion_announced);
        signal.poll_take(cx)
    }

    async fn probe_lower_layer(&mut self) -> LowerLayer {
        if self.kernel.lock().l2tp_deleted {
            LowerLayer::Gone
        } else {
            LowerLayer::Present
        }
    }

    fn l2tp_ids(&self) -> Option<L2tpIds> {
        self.kernel.lock().l2tp
    }

    fn early_frames(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.kernel.lock().early_frames)
    }

    fn channel(&mut self) -> Result<SharedFd, DataPathError> {
        self.check(Step::Channel)?;
        let fd = self
            .channel_engine
            .take()
            .ok_or(DataPathError::new(DataPathStep::Channel, "taken twice"))?;
        Ok(Arc::new(fd))
    }

    async fn create_unit(&mut self) -> Result<UnitCreated, DataPathError> {
        self.check(Step::CreateUnit)?;
        let (engine, kernel) = seqpacket(DataPathStep::CreateUnit)?;
        let kernel = FrameFd::new(Arc::new(kernel)).map_err(|e| {
            DataPathError::new(
                DataPathStep::CreateUnit,
                format!("register the fake fd: {e}"),
            )
        })?;
        let mut k = self.kernel.lock();
        k.actions.push(DataPathAction::CreateUnit);
        k.unit_exists = true;
        k.connected = true;
        k.np_mode = [Some(NpMode::Drop), Some(NpMode::Drop)];
        k.unit_kernel = Some(Arc::new(kernel));
        k.last_data = Some((Instant::now(), Instant::now()));
        Ok(UnitCreated {
            ifname: FAKE_IFNAME.into(),
            unit: 0,
            frames: Arc::new(engine),
        })
    }

    async fn apply(&mut self, action: &DataPathAction) -> Result<(), DataPathError> {
        if let Some(step) = Step::of(action) {
            self.check(step)?;
        }
        let mut k = self.kernel.lock();
        match *action {
            DataPathAction::SetIpv4Addresses { local, peer } => k.ipv4 = Some((local, peer)),
            DataPathAction::RemoveIpv4Addresses => k.ipv4 = None,
            DataPathAction::InterfaceUp => k.up = true,
            DataPathAction::InterfaceDown => k.up = false,
            DataPathAction::SetNpMode { protocol, mode } => match protocol {
                network_protocol::IPV4 => k.np_mode[0] = Some(mode),
                network_protocol::IPV6 => k.np_mode[1] = Some(mode),
                _ => {}
            },
            _ => {}
        }
        k.actions.push(action.clone());
        Ok(())
    }

    fn idle(&self) -> Result<IdleTime, DataPathError> {
        let k = self.kernel.lock();
        let (xmit, recv) = k
            .last_data
            .ok_or(DataPathError::new(DataPathStep::IdleTime, "no unit yet"))?;
        // Whole seconds, as the kernel's jiffies / HZ.
        let secs = |t: Instant| std::time::Duration::from_secs(t.elapsed().as_secs());
        Ok(IdleTime {
            xmit: secs(xmit),
            recv: secs(recv),
        })
    }

    async fn unit_stats(&mut self) -> Result<UnitStats, DataPathError> {
        let k = self.kernel.lock();
        if !k.unit_exists {
            return Err(DataPathError::new(DataPathStep::Counters, "no unit"));
        }
        Ok(k.stats)
    }

    async fn set_default_route(
        &mut self,
        how: DefaultRoute,
        peer: Ipv4Addr,
    ) -> Result<RouteOutcome, DataPathError> {
        let mut k = self.kernel.lock();
        let ours = ExistingRoute {
            gateway: None,
            dev: FAKE_IFNAME.into(),
            metric: how.metric.unwrap_or(0),
        };
        match RouteDecision::decide(&k.default_routes, FAKE_IFNAME, peer, how) {
            RouteDecision::Refuse(r) => Ok(RouteOutcome::Refused(r)),
            RouteDecision::Add => {
                if !k.default_routes.contains(&ours) {
                    k.default_routes.push(ours);
                }
                Ok(RouteOutcome::Added)
            }
            RouteDecision::Replace(old) => {
                k.default_routes.retain(|r| *r != old);
                k.default_routes.push(ours);
                k.replaced_route = Some(old.clone());
                Ok(RouteOutcome::Replaced(old))
            }
        }
    }

    async fn clear_default_route(&mut self) {
        let mut k = self.kernel.lock();
        k.default_routes.retain(|r| r.dev != FAKE_IFNAME);
        if let Some(old) = k.replaced_route.take() {
            k.default_routes.push(old);
        }
    }

    async fn set_proxy_arp(&mut self, peer: Ipv4Addr) -> Result<ProxyArpOutcome, DataPathError> {
        let mut k = self.kernel.lock();
        let Some(dev) = pick_proxy_arp_interface(&k.interfaces, peer).map(|i| i.name.clone())
        else {
            return Ok(ProxyArpOutcome::NoInterface);
        };
        k.proxy_arp.push((peer, dev.clone()));
        Ok(ProxyArpOutcome::Added { dev })
    }

    async fn clear_proxy_arp(&mut self) {
        self.kernel.lock().proxy_arp.clear();
    }

    async fn add_routes(&mut self, routes: &[FramedRoute]) -> Result<(), DataPathError> {
        self.kernel.lock().framed_routes.extend_from_slice(routes);
        Ok(())
    }

    async fn clear_routes(&mut self) {
        self.kernel.lock().framed_routes.clear();
    }

    async fn advertise_ipv6_prefix(
        &mut self,
        prefix: Ipv6Prefix,
    ) -> Result<NdSocket, DataPathError> {
        let (socket, peer) = NdSocket::pair()
            .map_err(|e| DataPathError::in_call(DataPathStep::Ipv6Prefix, "socketpair", e))?;
        let mut k = self.kernel.lock();
        k.ipv6_prefix = Some(prefix);
        k.nd_link = Some(peer);
        Ok(socket)
    }

    async fn clear_ipv6_prefix(&mut self) {
        self.kernel.lock().ipv6_prefix = None;
    }

    async fn teardown(&mut self) {
        let mut k = self.kernel.lock();
        k.torn_down = true;
        // The interface is gone, and with it every route through it (a
        // replaced route is not put back: only clear_default_route does).
        k.default_routes.retain(|r| r.dev != FAKE_IFNAME);
        k.framed_routes.clear();
        k.ipv6_prefix = None;
        k.ipv4 = None;
        k.up = false;
        k.connected = false;
        k.unit_exists = false;
    }
}

mod harness;
mod kernel;
pub use harness::{SessionHandle, TestEngine};
pub use kernel::{FakeKernel, Step};
