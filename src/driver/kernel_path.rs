//! The data path on the real kernel: the PPPoL2TP socket an L2TP daemon
//! passed, a `/dev/ppp` channel and unit, and the interface configured
//! through rtnetlink (DESIGN.md, "The kernel data path").

use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt as _;
use netlink_packet_route::address::AddressAttribute;
use netlink_packet_route::link::{InfoData, InfoKind, LinkAttribute, LinkFlags};
use netlink_packet_route::neighbour::{NeighbourAddress, NeighbourAttribute, NeighbourFlags};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::AddressFamily;
use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};
use rand::rngs::SysRng;
use rand::RngExt as _;
use rand_core::UnwrapErr;
use rtnetlink::{Handle, LinkMessageBuilder, LinkUnspec, RouteMessageBuilder};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::datapath::{
    pick_proxy_arp_interface, ArpInterface, DataPath, DataPathError, DefaultRoute, ExistingRoute,
    L2tpIds, LowerLayer, ProxyArpOutcome, RouteDecision, RouteOutcome, UnitCreated, UnitStats,
};
use super::l2tp_watch::{L2tpWatch, SessionKey, Watcher};
use crate::kernel::frames::SharedFd;
use crate::kernel::{
    self, Channel, IdleTime, L2tpStats, NpMode, PppoL2tpOption, PppoL2tpSocket, Unattached, Unit,
};
use crate::session::{network_protocol, DataPathAction, NpMode as SessionNpMode};

/// The `SOL_PPPOL2TP` options an L2TP daemon asked for; each is set only
/// when given (we never write a value the daemon did not ask for).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct L2tpSocketOptions {
    /// `pppol2tp_debug_mask`.
    pub debug: Option<i32>,
    /// `pppol2tp_recv_seq`.
    pub recv_seq: Option<bool>,
    /// `pppol2tp_send_seq`.
    pub send_seq: Option<bool>,
    /// `pppol2tp_lns_mode`.
    pub lns_mode: Option<bool>,
    /// `pppol2tp_reorderto`, in milliseconds.
    pub reorder_timeout: Option<i32>,
}

/// How the unit is named: pppd's `ifname` (or `pppol2tp_ifname`) and `unit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitNaming {
    /// The interface name; created with it atomically (`RTM_NEWLINK`).
    pub ifname: Option<String>,
    /// The unit number (`PPPIOCNEWUNIT`), renamed to `ifname` while down
    /// when both are given.
    pub unit: Option<u32>,
    /// pppd's `kdebug`: the unit's kernel debug flags (`PPPIOCSDEBUG`),
    /// set when given and non-zero.
    pub kdebug: Option<i32>,
}

/// What to do after `RTM_NEWLINK` answered EBUSY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterBusy {
    /// Sleep this long, then send `RTM_NEWLINK` again.
    Retry(Duration),
    /// Stop retrying: create the unit with `PPPIOCNEWUNIT`, which waits
    /// for the ppp mutex in the kernel, and rename it while it is down.
    Fallback,
}

/// The bounded, jittered retry of `RTM_NEWLINK` while the kernel's ppp
/// mutex is busy.
///
/// On Linux 4.7 to 6.x every ppp ioctl, from any process, holds one global
/// mutex, and `RTM_NEWLINK` of kind "ppp" only try-locks it (it already
/// holds RTNL) and answers EBUSY. With many sessions (and another process
/// doing its own ppp ioctls, as the peer does in the lab) a creation can
/// keep losing that race: a long backoff then leaves the CPU idle while
/// sessions wait for their unit. So the retries are few and short (1 ms
/// doubling to 16 ms, each plus up to as much again of jitter, about
/// 50 ms in all), and then the unit is created with `PPPIOCNEWUNIT`,
/// which queues on the mutex instead of racing for it, and renamed while
/// still down (DESIGN.md: the fallback).
#[derive(Debug, Clone)]
struct NewlinkBackoff {
    busy: u32,
    delay: Duration,
}

impl NewlinkBackoff {
    const FIRST: Duration = Duration::from_millis(1);
    const CAP: Duration = Duration::from_millis(16);
    /// EBUSY answers before falling back.
    const RETRIES: u32 = 6;

    fn new() -> Self {
        NewlinkBackoff {
            busy: 0,
            delay: Self::FIRST,
        }
    }

    /// How many EBUSY answers so far.
    fn busy(&self) -> u32 {
        self.busy
    }

    /// After one more EBUSY: the next step. `jitter(max)` returns a
    /// uniformly random number of microseconds in `0..=max`.
    fn after_busy(&mut self, jitter: impl FnOnce(u64) -> u64) -> AfterBusy {
        self.busy += 1;
        if self.busy > Self::RETRIES {
            return AfterBusy::Fallback;
        }
        let max = self.delay.as_micros() as u64;
        let sleep = self.delay + Duration::from_micros(jitter(max).min(max));
        self.delay = (self.delay * 2).min(Self::CAP);
        AfterBusy::Retry(sleep)
    }
}

/// One session's kernel objects.
#[derive(Debug)]
pub struct KernelDataPath {
    socket: PppoL2tpSocket,
    channel: Option<Arc<Channel>>,
    unit: Option<Arc<Unit>>,
    ifindex: Option<u32>,
    ifname: Option<String>,
    naming: UnitNaming,
    netlink: Handle,
    /// Shared by an engine's sessions: how many may create their unit at
    /// once (see [`KernelDataPath::limit_unit_creation`]).
    creation_slots: Option<Arc<Semaphore>>,
    /// A slot taken before the channel was attached, given back once the
    /// unit exists (see [`KernelDataPath::hold_setup_slot`]).
    setup_slot: Option<OwnedSemaphorePermit>,
    early: Vec<Vec<u8>>,
    /// Our address and the peer's, IPv4 and IPv6 link-local, once set.
    ipv4: Option<(IpAddr, IpAddr)>,
    ipv6: Option<(IpAddr, IpAddr)>,
    /// An MTU LCP negotiated while the interface was down, set together
    /// with bringing it up (see `apply`).
    pending_mtu: Option<u16>,
    /// Whether we brought the interface up (and not down since).
    link_up: bool,
    /// The default route we added, and the one it replaced.
    default_route: Option<(RouteMessage, Option<RouteMessage>)>,
    /// The proxy ARP entry we added: interface index and the peer.
    proxy_arp: Option<(u32, Ipv4Addr)>,
    /// The engine's L2TP deletion watch and this session's subscription.
    l2tp_watch: Option<(L2tpWatch, Watcher)>,
}

fn step(step: &'static str) -> impl Fn(kernel::Error) -> DataPathError {
    move |e| DataPathError::new(step, e)
}

impl KernelDataPath {
    /// Takes the session's PPPoL2TP socket: makes it close-on-exec, sets
    /// the options asked for, reads the frames queued before the channel
    /// existed, and attaches a `/dev/ppp` channel (`PPPIOCGCHAN`,
    /// `PPPIOCATTCHAN`).
    ///
    /// The two ioctls run on tokio's blocking pool. Some kernels (Debian's 6.1) wait for an
    /// RCU grace period in `PPPIOCGCHAN`: a few milliseconds, tens under
    /// emulation. On the runtime's thread that wait would hold up every
    /// other session of an engine, one grace period after another; on the
    /// blocking pool, sessions that set up at once wait for the same grace
    /// period. The blocking thread allocates nothing (its memory would
    /// stay in a malloc arena of its own), and it is spawned from the
    /// runtime's thread, so it shares its network namespace, where
    /// `/dev/ppp` looks the channel up.
    pub async fn open(
        socket: PppoL2tpSocket,
        options: &L2tpSocketOptions,
        naming: UnitNaming,
        netlink: Handle,
    ) -> Result<Self, DataPathError> {
        let early = Self::prepare(&socket, options)?;
        let (socket, channel) = tokio::task::spawn_blocking(move || {
            let channel = Self::attach_channel(&socket);
            (socket, channel)
        })
        .await
        .map_err(|e| DataPathError::new("get the ppp channel (PPPIOCGCHAN)", e))?;
        Ok(Self::with_channel(socket, early, channel?, naming, netlink))
    }

    /// `PPPIOCGCHAN` on the socket, then `PPPIOCATTCHAN` on a new
    /// `/dev/ppp` fd.
    fn attach_channel(socket: &PppoL2tpSocket) -> Result<Channel, DataPathError> {
        let index = socket
            .channel_index()
            .map_err(step("get the ppp channel (PPPIOCGCHAN)"))?;
        Channel::attach(index).map_err(step("attach the ppp channel"))
    }

    /// Close-on-exec, the socket options, and the frames queued before
    /// the channel existed.
    fn prepare(
        socket: &PppoL2tpSocket,
        options: &L2tpSocketOptions,
    ) -> Result<Vec<Vec<u8>>, DataPathError> {
        let fd = socket.as_fd();
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))
            .map_err(|e| DataPathError::new("make the PPPoL2TP fd close-on-exec", e))?;
        let set = |option, value: Option<i32>| match value {
            Some(v) => socket
                .set_option(option, v)
                .map_err(step("set a SOL_PPPOL2TP option")),
            None => Ok(()),
        };
        set(PppoL2tpOption::Debug, options.debug)?;
        set(PppoL2tpOption::RecvSeq, options.recv_seq.map(i32::from))?;
        set(PppoL2tpOption::SendSeq, options.send_seq.map(i32::from))?;
        set(PppoL2tpOption::LnsMode, options.lns_mode.map(i32::from))?;
        set(PppoL2tpOption::ReorderTimeout, options.reorder_timeout)?;
        Ok(Self::queued_frames(socket))
    }

    /// The data path of a socket with its channel attached.
    fn with_channel(
        socket: PppoL2tpSocket,
        early: Vec<Vec<u8>>,
        channel: Channel,
        naming: UnitNaming,
        netlink: Handle,
    ) -> Self {
        KernelDataPath {
            socket,
            channel: Some(Arc::new(channel)),
            unit: None,
            ifindex: None,
            ifname: None,
            naming,
            netlink,
            creation_slots: None,
            setup_slot: None,
            early,
            ipv4: None,
            ipv6: None,
            pending_mtu: None,
            link_up: false,
            default_route: None,
            proxy_arp: None,
            l2tp_watch: None,
        }
    }

    /// Watches for this session's deletion through the engine's L2TP
    /// netlink watch, under our tunnel and session ids (`getsockname` on
    /// the socket: `s_tunnel`, `s_session`). A socket whose address this
    /// cannot read (L2TPv3, IPv6) is not watched: its deletion is noticed
    /// when LCP echoes fail.
    pub(crate) fn watch_deletion(&mut self, watch: &L2tpWatch) {
        match self.socket.peer_addr() {
            Ok(a) => {
                let key = SessionKey {
                    tunnel: u32::from(a.tunnel_id),
                    session: u32::from(a.session_id),
                };
                self.l2tp_watch = Some((watch.clone(), watch.watch(key)));
            }
            Err(e) => tracing::debug!("not watching for the session's deletion: {e}"),
        }
    }

    /// Creates the unit only while holding one of `slots`' permits. An
    /// engine shares one semaphore among its sessions so that a thousand
    /// sessions starting together create their units a few at a time, in
    /// the order they were added: each unit creation is serialised by the
    /// kernel's RTNL and ppp locks anyway, and otherwise every session's
    /// later netlink requests (MTU, addresses, up) queue behind every other
    /// session's `RTM_NEWLINK` on the shared socket, and sessions started
    /// early wait for ones started late.
    pub fn limit_unit_creation(&mut self, slots: Arc<Semaphore>) {
        self.creation_slots = Some(slots);
    }

    /// Holds a creation slot taken before [`KernelDataPath::open`] attached
    /// the channel; [`DataPath::create_unit`] then creates the unit under
    /// it, without waiting for another, and gives it back. The engine
    /// does this so that a session's whole kernel setup, not only its
    /// unit creation, takes its turn.
    pub(crate) fn hold_setup_slot(&mut self, permit: OwnedSemaphorePermit) {
        self.setup_slot = Some(permit);
    }

    /// Frames the peer sent before we attached (its first Configure-Request
    /// usually), at most 16.
    fn queued_frames(socket: &PppoL2tpSocket) -> Vec<Vec<u8>> {
        let fd = socket.as_fd();
        let Ok(flags) = fcntl(fd, FcntlArg::F_GETFL) else {
            return Vec::new();
        };
        let flags = OFlag::from_bits_retain(flags);
        if fcntl(fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK)).is_err() {
            return Vec::new();
        }
        let mut frames = Vec::new();
        let mut buf = vec![0; crate::kernel::frames::READ_BUFFER];
        while frames.len() < 16 {
            match socket.recv(&mut buf) {
                Ok(n) if n >= 2 => frames.push(buf[..n].to_vec()),
                _ => break,
            }
        }
        let _ = fcntl(fd, FcntlArg::F_SETFL(flags));
        frames
    }

    /// The session socket (for `getpeername` and statistics).
    pub fn socket(&self) -> &PppoL2tpSocket {
        &self.socket
    }

    async fn create_named(&self, name: &str) -> Result<Unit, DataPathError> {
        let mut backoff = NewlinkBackoff::new();
        let dev = Unattached::open().map_err(step("open /dev/ppp for the unit"))?;
        loop {
            match newlink(&self.netlink, &dev, name).await {
                Ok(()) => {
                    if backoff.busy() > 0 {
                        tracing::info!(
                            "RTM_NEWLINK {name}: EBUSY {} times, then created",
                            backoff.busy()
                        );
                    }
                    return Ok(dev.into_unit());
                }
                // Another ppp ioctl holds the kernel's ppp mutex: routine
                // with many sessions.
                Err(Some(Errno::EBUSY)) => {
                    let jitter = |max| UnwrapErr(SysRng).random_range(0..=max);
                    match backoff.after_busy(jitter) {
                        AfterBusy::Retry(sleep) => tokio::time::sleep(sleep).await,
                        AfterBusy::Fallback => {
                            tracing::info!(
                                "RTM_NEWLINK {name}: EBUSY {} times, \
                                 PPPIOCNEWUNIT and a rename instead",
                                backoff.busy()
                            );
                            return self.new_unit_renamed_from(dev, None, name).await;
                        }
                    }
                }
                Err(Some(Errno::EOPNOTSUPP)) => {
                    // Before Linux 4.7: no RTM_NEWLINK for ppp.
                    return self.new_unit_renamed_from(dev, None, name).await;
                }
                Err(e) => {
                    let what =
                        e.map_or("no error code".into(), |e| format!("{} ({e:?})", e.desc()));
                    return Err(DataPathError::new(
                        "create the unit (RTM_NEWLINK)",
                        format!("interface {name:?}: {what}"),
                    ));
                }
            }
        }
    }

    async fn new_unit_renamed(&self, unit: Option<u32>, name: &str) -> Result<Unit, DataPathError> {
        let dev = Unattached::open().map_err(step("open /dev/ppp for the unit"))?;
        self.new_unit_renamed_from(dev, unit, name).await
    }

    /// `PPPIOCNEWUNIT` on `dev`, then the new `ppp<N>` renamed to `name`
    /// while it is down.
    async fn new_unit_renamed_from(
        &self,
        dev: Unattached,
        unit: Option<u32>,
        name: &str,
    ) -> Result<Unit, DataPathError> {
        let unit = dev
            .new_unit(unit)
            .map_err(step("create the unit (PPPIOCNEWUNIT)"))?;
        if let Some(flags) = self.naming.kdebug {
            if let Err(e) = unit.set_debug(flags) {
                tracing::warn!("kdebug {flags}: {e} (not fatal)");
            }
        }
        let number = unit.number().map_err(step("read the unit number"))?;
        let index = ifindex(&format!("ppp{number}"))?;
        let rename = LinkUnspec::new_with_index(index).name(name).build();
        self.netlink
            .link()
            .set(rename)
            .execute()
            .await
            .map_err(|e| {
                DataPathError::new(
                    "rename the interface",
                    format!("ppp{number} to {name:?}: {e}"),
                )
            })?;
        Ok(unit)
    }
}

/// `RTM_NEWLINK` kind "ppp" with `IFLA_PPP_DEV_FD` (netlink-packet-route
/// has no typed PPP link data: the one attribute, type 1, s32, is the
/// info data's payload) and `IFLA_IFNAME`, on the shared rtnetlink socket.
async fn newlink(netlink: &Handle, dev: &Unattached, name: &str) -> Result<(), Option<Errno>> {
    use std::os::fd::AsRawFd as _;
    const IFLA_PPP_DEV_FD: u16 = 1;
    let mut data = Vec::with_capacity(8);
    data.extend_from_slice(&8u16.to_ne_bytes());
    data.extend_from_slice(&IFLA_PPP_DEV_FD.to_ne_bytes());
    data.extend_from_slice(&dev.as_fd().as_raw_fd().to_ne_bytes());
    let message =
        LinkMessageBuilder::<LinkUnspec>::new_with_info_kind(InfoKind::Other("ppp".into()))
            .name(name)
            .set_info_data(InfoData::Other(data))
            .build();
    netlink
        .link()
        .add(message)
        .execute()
        .await
        .map_err(|e| netlink_errno(&e))
}

fn netlink_errno(e: &rtnetlink::Error) -> Option<Errno> {
    match e {
        rtnetlink::Error::NetlinkError(m) => m.to_io().raw_os_error().map(Errno::from_raw),
        _ => None,
    }
}

fn ifindex(name: &str) -> Result<u32, DataPathError> {
    nix::net::if_::if_nametoindex(name)
        .map_err(|e| DataPathError::new("find the interface", format!("{name:?}: {e}")))
}

fn np_mode(mode: SessionNpMode) -> NpMode {
    match mode {
        SessionNpMode::Pass => NpMode::Pass,
        SessionNpMode::Drop => NpMode::Drop,
    }
}

impl DataPath for KernelDataPath {
    fn channel(&mut self) -> Result<SharedFd, DataPathError> {
        let channel = self
            .channel
            .as_ref()
            .ok_or(DataPathError::new("read the channel", "no channel"))?;
        Ok(Arc::clone(channel) as SharedFd)
    }

    fn early_frames(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.early)
    }

    async fn create_unit(&mut self) -> Result<UnitCreated, DataPathError> {
        let _permit = match (self.setup_slot.take(), &self.creation_slots) {
            (Some(held), _) => Some(held),
            (None, Some(s)) => Some(
                Arc::clone(s)
                    .acquire_owned()
                    .await
                    .map_err(|e| DataPathError::new("wait for a unit creation slot", e))?,
            ),
            (None, None) => None,
        };
        let unit = match (&self.naming.ifname, self.naming.unit) {
            (Some(name), None) => self.create_named(name).await?,
            (Some(name), Some(n)) => self.new_unit_renamed(Some(n), name).await?,
            (None, n) => Unattached::open()
                .and_then(|dev| dev.new_unit(n))
                .map_err(step("create the unit (PPPIOCNEWUNIT)"))?,
        };
        // A new unit passes every network protocol: drop them all until
        // their NCP opens.
        for protocol in [network_protocol::IPV4, network_protocol::IPV6] {
            unit.set_npmode(protocol, NpMode::Drop)
                .map_err(step("set the NP mode to DROP"))?;
        }
        let number = unit.number().map_err(step("read the unit number"))?;
        let ifname = self
            .naming
            .ifname
            .clone()
            .unwrap_or_else(|| format!("ppp{number}"));
        let index = ifindex(&ifname)?;
        let unit = Arc::new(unit);
        let frames = Arc::clone(&unit) as SharedFd;
        self.unit = Some(unit);
        self.ifindex = Some(index);
        self.ifname = Some(ifname.clone());
        self.channel
            .as_ref()
            .ok_or(DataPathError::new("connect the channel", "no channel"))?
            .connect(number)
            .map_err(step("connect the channel to the unit (PPPIOCCONNECT)"))?;
        Ok(UnitCreated {
            ifname,
            unit: number,
            frames,
        })
    }

    async fn apply(&mut self, action: &DataPathAction) -> Result<(), DataPathError> {
        let (Some(unit), Some(index)) = (&self.unit, self.ifindex) else {
            return Err(DataPathError::new("configure the interface", "no unit yet"));
        };
        let link = self.netlink.link();
        match *action {
            DataPathAction::CreateUnit => {
                tracing::warn!("CreateUnit is carried out by create_unit, not apply")
            }
            // A down interface carries nothing, and every RTM_SETLINK takes
            // RTNL, the lock that unit creation needs too: the MTU LCP
            // negotiated goes out in the same request that brings the
            // interface up (the kernel sets the MTU first). An interface
            // that is up (a renegotiation) gets it at once.
            DataPathAction::SetMtu(mtu) if !self.link_up => self.pending_mtu = Some(mtu),
            DataPathAction::SetMtu(mtu) => link
                .set(
                    LinkUnspec::new_with_index(index)
                        .mtu(u32::from(mtu))
                        .build(),
                )
                .execute()
                .await
                .map_err(|e| DataPathError::new("set the MTU", e))?,
            DataPathAction::SetMru(mru) => {
                if let Err(e) = unit.set_mru(mru) {
                    tracing::warn!("setting the MRU to {mru} failed (not fatal): {e}");
                }
            }
            DataPathAction::SetIpv4Addresses { local, peer } => {
                let pair = (IpAddr::V4(local), IpAddr::V4(peer));
                add_address(&self.netlink, index, pair, "set the IPv4 addresses").await?;
                self.ipv4 = Some(pair);
            }
            DataPathAction::RemoveIpv4Addresses => {
                if let Some(pair) = self.ipv4.take() {
                    remove_address(&self.netlink, index, pair).await;
                }
            }
            DataPathAction::SetIpv6LinkLocal { local, peer } => {
                let pair = (IpAddr::V6(local), IpAddr::V6(peer));
                add_address(
                    &self.netlink,
                    index,
                    pair,
                    "set the IPv6 link-local address",
                )
                .await?;
                self.ipv6 = Some(pair);
            }
            DataPathAction::RemoveIpv6LinkLocal => {
                if let Some(pair) = self.ipv6.take() {
                    remove_address(&self.netlink, index, pair).await;
                }
            }
            DataPathAction::InterfaceUp => {
                let mut request = LinkUnspec::new_with_index(index).up();
                if let Some(mtu) = self.pending_mtu {
                    request = request.mtu(u32::from(mtu));
                }
                link.set(request.build()).execute().await.map_err(|e| {
                    let step = match self.pending_mtu {
                        Some(_) => "set the MTU and bring the interface up",
                        None => "bring the interface up",
                    };
                    DataPathError::new(step, e)
                })?;
                self.pending_mtu = None;
                self.link_up = true;
            }
            DataPathAction::InterfaceDown => {
                link.set(LinkUnspec::new_with_index(index).down().build())
                    .execute()
                    .await
                    .map_err(|e| DataPathError::new("bring the interface down", e))?;
                self.link_up = false;
            }
            DataPathAction::SetNpMode { protocol, mode } => unit
                .set_npmode(protocol, np_mode(mode))
                .map_err(step("set the NP mode (PPPIOCSNPMODE)"))?,
        }
        Ok(())
    }

    fn l2tp_ids(&self) -> Option<L2tpIds> {
        let a = self.socket.peer_addr().ok()?;
        Some(L2tpIds {
            tunnel_id: a.tunnel_id,
            session_id: a.session_id,
            peer_tunnel_id: a.peer_tunnel_id,
            peer_session_id: a.peer_session_id,
        })
    }

    fn stats(&self) -> Option<L2tpStats> {
        self.socket.stats().ok()
    }

    fn idle(&self) -> Result<IdleTime, DataPathError> {
        self.unit
            .as_ref()
            .ok_or(DataPathError::new("read the idle time", "no unit yet"))?
            .idle()
            .map_err(step("read the idle time"))
    }

    async fn unit_stats(&mut self) -> Result<UnitStats, DataPathError> {
        let index = self.ifindex.ok_or(DataPathError::new(
            "read the interface counters",
            "no unit yet",
        ))?;
        let mut links = self.netlink.link().get().match_index(index).execute();
        while let Some(link) = links
            .try_next()
            .await
            .map_err(|e| DataPathError::new("read the interface counters (RTM_GETLINK)", e))?
        {
            for a in link.attributes {
                if let LinkAttribute::Stats64(s) = a {
                    return Ok(UnitStats {
                        tx_bytes: s.tx_bytes,
                        rx_bytes: s.rx_bytes,
                        tx_packets: s.tx_packets,
                        rx_packets: s.rx_packets,
                    });
                }
            }
        }
        Err(DataPathError::new(
            "read the interface counters (RTM_GETLINK)",
            "no IFLA_STATS64 in the answer",
        ))
    }

    async fn set_default_route(
        &mut self,
        how: DefaultRoute,
        peer: Ipv4Addr,
    ) -> Result<RouteOutcome, DataPathError> {
        const STEP: &str = "add the default route";
        let (Some(index), Some(ifname)) = (self.ifindex, self.ifname.clone()) else {
            return Err(DataPathError::new(STEP, "no unit yet"));
        };
        if self.default_route.is_some() {
            return Ok(RouteOutcome::Added);
        }
        let existing = default_routes(&self.netlink).await?;
        let views: Vec<ExistingRoute> = existing.iter().map(|(v, _)| v.clone()).collect();
        let ours = default_route_via(index, how.metric.unwrap_or(0));
        let route = self.netlink.route();
        match RouteDecision::decide(&views, &ifname, peer, how) {
            RouteDecision::Refuse(r) => Ok(RouteOutcome::Refused(r)),
            RouteDecision::Add => {
                route
                    .add(ours.clone())
                    .execute()
                    .await
                    .map_err(|e| DataPathError::new(STEP, format!("dev {ifname}: {e}")))?;
                self.default_route = Some((ours, None));
                Ok(RouteOutcome::Added)
            }
            RouteDecision::Replace(view) => {
                let old = existing
                    .into_iter()
                    .find(|(v, _)| *v == view)
                    .map(|(_, m)| restorable(m))
                    .ok_or(DataPathError::new(STEP, "the route to replace vanished"))?;
                // pppd adds its route, then deletes the old one. With the
                // same metric the kernel refuses a second default route
                // (EEXIST): then the old one goes first, and comes back
                // if ours cannot be added.
                let mut added = route.add(ours.clone()).execute().await;
                if matches!(&added, Err(e) if netlink_errno(e) == Some(Errno::EEXIST)) {
                    route.del(old.clone()).execute().await.map_err(|e| {
                        DataPathError::new(
                            "delete the default route to replace",
                            format!("{view}: {e}"),
                        )
                    })?;
                    added = route.add(ours.clone()).execute().await;
                    if added.is_err() {
                        if let Err(e) = route.add(old.clone()).execute().await {
                            tracing::error!("putting back the default route {view}: {e}");
                        }
                    }
                } else if added.is_ok() {
                    if let Err(e) = route.del(old.clone()).execute().await {
                        tracing::warn!("deleting the replaced default route {view}: {e}");
                    }
                }
                added.map_err(|e| DataPathError::new(STEP, format!("dev {ifname}: {e}")))?;
                self.default_route = Some((ours, Some(old)));
                Ok(RouteOutcome::Replaced(view))
            }
        }
    }

    async fn clear_default_route(&mut self) {
        let Some((ours, old)) = self.default_route.take() else {
            return;
        };
        let route = self.netlink.route();
        if let Err(e) = route.del(ours).execute().await {
            // Gone with the interface already (ESRCH) is fine.
            if netlink_errno(&e) != Some(Errno::ESRCH) {
                tracing::warn!("deleting the default route: {e}");
            }
        }
        if let Some(old) = old {
            match route.add(old).execute().await {
                Ok(()) => tracing::info!("restored the replaced default route"),
                Err(e) => tracing::error!("restoring the replaced default route: {e}"),
            }
        }
    }

    async fn set_proxy_arp(&mut self, peer: Ipv4Addr) -> Result<ProxyArpOutcome, DataPathError> {
        if self.proxy_arp.is_some() {
            return Err(DataPathError::new(
                "add the proxy ARP entry",
                "one is set already",
            ));
        }
        let interfaces = arp_interfaces(&self.netlink).await?;
        let Some(dev) = pick_proxy_arp_interface(&interfaces, peer) else {
            return Ok(ProxyArpOutcome::NoInterface);
        };
        // pppd's SIOCSARP with ATF_PUBL|ATF_PERM and no netmask is, in the
        // kernel, a proxy neighbour entry (pneigh) for the address on that
        // interface: RTM_NEWNEIGH with NTF_PROXY is the same entry.
        self.netlink
            .neighbours()
            .add(dev.index, IpAddr::V4(peer))
            .flags(NeighbourFlags::Proxy)
            .execute()
            .await
            .map_err(|e| {
                DataPathError::new(
                    "add the proxy ARP entry (RTM_NEWNEIGH)",
                    format!("{peer} dev {}: {e}", dev.name),
                )
            })?;
        self.proxy_arp = Some((dev.index, peer));
        Ok(ProxyArpOutcome::Added {
            dev: dev.name.clone(),
        })
    }

    async fn clear_proxy_arp(&mut self) {
        let Some((index, peer)) = self.proxy_arp.take() else {
            return;
        };
        let mut message = netlink_packet_route::neighbour::NeighbourMessage::default();
        message.header.family = AddressFamily::Inet;
        message.header.ifindex = index;
        message.header.flags = NeighbourFlags::Proxy;
        message
            .attributes
            .push(NeighbourAttribute::Destination(NeighbourAddress::Inet(
                peer,
            )));
        if let Err(e) = self.netlink.neighbours().del(message).execute().await {
            tracing::warn!("deleting the proxy ARP entry for {peer}: {e}");
        }
    }

    async fn lower_layer_deleted(&mut self) {
        match &mut self.l2tp_watch {
            Some((_, watcher)) => {
                watcher.deleted().await;
                let key = watcher.key();
                tracing::info!(
                    "L2TP session {} of tunnel {} deleted",
                    key.session,
                    key.tunnel
                );
            }
            None => std::future::pending().await,
        }
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
        if let Some(index) = self.ifindex {
            for pair in [self.ipv6.take(), self.ipv4.take()].into_iter().flatten() {
                remove_address(&self.netlink, index, pair).await;
            }
        }
        if let (Some(channel), Some(_)) = (&self.channel, &self.unit) {
            if let Err(e) = channel.disconnect() {
                tracing::debug!("{e}");
            }
        }
        // Closing the unit fd deletes the interface; closing the channel
        // fd releases the channel. The PPPoL2TP socket closes with self.
        self.unit = None;
        self.channel = None;
        self.ifindex = None;
    }
}

/// Our default route: through the interface, no gateway, scope link,
/// protocol boot, as pppd's `SIOCADDRT` makes it (`default dev ppp0 scope
/// link`), with the metric asked for.
fn default_route_via(index: u32, metric: u32) -> RouteMessage {
    let mut builder = RouteMessageBuilder::<Ipv4Addr>::new()
        .output_interface(index)
        .protocol(RouteProtocol::Boot)
        .scope(RouteScope::Link);
    if metric > 0 {
        builder = builder.priority(metric);
    }
    builder.build()
}

fn route_table(m: &RouteMessage) -> u32 {
    m.attributes
        .iter()
        .find_map(|a| match a {
            RouteAttribute::Table(t) => Some(*t),
            _ => None,
        })
        .unwrap_or(u32::from(m.header.table))
}

/// The IPv4 unicast default routes of the main table, each with what the
/// decision needs.
async fn default_routes(
    netlink: &Handle,
) -> Result<Vec<(ExistingRoute, RouteMessage)>, DataPathError> {
    let mut request = RouteMessage::default();
    request.header.address_family = AddressFamily::Inet;
    let mut routes = netlink.route().get(request).execute();
    let mut found = Vec::new();
    while let Some(m) = routes
        .try_next()
        .await
        .map_err(|e| DataPathError::new("read the routing table (RTM_GETROUTE)", e))?
    {
        if m.header.address_family != AddressFamily::Inet
            || m.header.destination_prefix_length != 0
            || m.header.kind != RouteType::Unicast
            || route_table(&m) != u32::from(RouteHeader::RT_TABLE_MAIN)
        {
            continue;
        }
        let mut view = ExistingRoute {
            gateway: None,
            dev: String::new(),
            metric: 0,
        };
        for a in &m.attributes {
            match a {
                RouteAttribute::Gateway(RouteAddress::Inet(g)) => view.gateway = Some(*g),
                RouteAttribute::Oif(i) => {
                    view.dev = nix::net::if_::if_indextoname(*i)
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|_| format!("#{i}"))
                }
                RouteAttribute::Priority(p) => view.metric = *p,
                _ => {}
            }
        }
        found.push((view, m));
    }
    Ok(found)
}

/// A dumped route, as a request that adds it back.
fn restorable(mut m: RouteMessage) -> RouteMessage {
    m.header.flags = Default::default();
    m.attributes.retain(|a| {
        matches!(
            a,
            RouteAttribute::Table(_)
                | RouteAttribute::Gateway(_)
                | RouteAttribute::Oif(_)
                | RouteAttribute::Priority(_)
                | RouteAttribute::PrefSource(_)
                | RouteAttribute::Metrics(_)
                | RouteAttribute::MultiPath(_)
                | RouteAttribute::Realm(_)
        )
    });
    m
}

/// Every interface's IPv4 addresses, with whether pppd's proxy ARP may
/// use the interface.
async fn arp_interfaces(netlink: &Handle) -> Result<Vec<ArpInterface>, DataPathError> {
    const STEP: &str = "find an interface for proxy ARP";
    let mut links = std::collections::HashMap::new();
    let mut stream = netlink.link().get().execute();
    while let Some(link) = stream
        .try_next()
        .await
        .map_err(|e| DataPathError::new(STEP, format!("RTM_GETLINK: {e}")))?
    {
        let flags = link.header.flags;
        let usable = flags.contains(LinkFlags::Up | LinkFlags::Broadcast)
            && !flags.intersects(LinkFlags::Pointopoint | LinkFlags::Loopback | LinkFlags::Noarp);
        let name = link
            .attributes
            .iter()
            .find_map(|a| match a {
                LinkAttribute::IfName(n) => Some(n.clone()),
                _ => None,
            })
            .unwrap_or_default();
        links.insert(link.header.index, (name, usable));
    }
    let mut found = Vec::new();
    let mut stream = netlink.address().get().execute();
    while let Some(a) = stream
        .try_next()
        .await
        .map_err(|e| DataPathError::new(STEP, format!("RTM_GETADDR: {e}")))?
    {
        if a.header.family != AddressFamily::Inet {
            continue;
        }
        let local = a.attributes.iter().find_map(|x| match x {
            AddressAttribute::Local(IpAddr::V4(v)) => Some(*v),
            _ => None,
        });
        let address = local.or_else(|| {
            a.attributes.iter().find_map(|x| match x {
                AddressAttribute::Address(IpAddr::V4(v)) => Some(*v),
                _ => None,
            })
        });
        let (Some(address), Some((name, usable))) = (address, links.get(&a.header.index)) else {
            continue;
        };
        found.push(ArpInterface {
            name: name.clone(),
            index: a.header.index,
            address,
            prefix_len: a.header.prefix_len,
            usable: *usable,
        });
    }
    Ok(found)
}

/// The prefix length of a point-to-point address: the whole address.
fn host_prefix(a: IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// Adds `local` with `peer` as the other end (`IFA_LOCAL` ours,
/// `IFA_ADDRESS` the peer's), as pppd's sifaddr/sif6addr do.
async fn add_address(
    netlink: &Handle,
    index: u32,
    (local, peer): (IpAddr, IpAddr),
    step: &'static str,
) -> Result<(), DataPathError> {
    let mut request = netlink.address().add(index, local, host_prefix(local));
    let message = request.message_mut();
    message
        .attributes
        .retain(|a| !matches!(a, AddressAttribute::Address(_)));
    message.attributes.push(AddressAttribute::Address(peer));
    request
        .execute()
        .await
        .map_err(|e| DataPathError::new(step, format!("{local} peer {peer}: {e}")))
}

/// Removes an address [`add_address`] added; failures are only logged
/// (closing the unit removes them anyway).
async fn remove_address(netlink: &Handle, index: u32, (local, peer): (IpAddr, IpAddr)) {
    let mut message = netlink_packet_route::address::AddressMessage::default();
    message.header.index = index;
    message.header.prefix_len = host_prefix(local);
    message.header.family = match local {
        IpAddr::V4(_) => netlink_packet_route::AddressFamily::Inet,
        IpAddr::V6(_) => netlink_packet_route::AddressFamily::Inet6,
    };
    message.attributes.push(AddressAttribute::Local(local));
    message.attributes.push(AddressAttribute::Address(peer));
    if let Err(e) = netlink.address().del(message).execute().await {
        tracing::debug!("removing {local} peer {peer}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retries(mut b: NewlinkBackoff, jitter: u64) -> (Vec<Duration>, u32) {
        let mut sleeps = Vec::new();
        loop {
            match b.after_busy(|max| jitter.min(max)) {
                AfterBusy::Retry(d) => sleeps.push(d),
                AfterBusy::Fallback => return (sleeps, b.busy()),
            }
        }
    }

    #[test]
    fn newlink_backoff_doubles_to_its_cap_then_falls_back() {
        let (sleeps, busy) = retries(NewlinkBackoff::new(), 0);
        let ms = |n| Duration::from_millis(n);
        assert_eq!(sleeps, [ms(1), ms(2), ms(4), ms(8), ms(16), ms(16)]);
        // The seventh EBUSY falls back to PPPIOCNEWUNIT.
        assert_eq!(busy, NewlinkBackoff::RETRIES + 1);
    }

    #[test]
    fn newlink_backoff_jitter_adds_at_most_the_delay() {
        let (sleeps, _) = retries(NewlinkBackoff::new(), u64::MAX);
        let ms = |n| Duration::from_millis(n);
        assert_eq!(sleeps, [ms(2), ms(4), ms(8), ms(16), ms(32), ms(32)]);
        let total: Duration = sleeps.iter().sum();
        assert!(total <= Duration::from_millis(100), "bounded: {total:?}");
    }

    #[test]
    fn newlink_backoff_asks_for_jitter_up_to_the_delay() {
        let mut b = NewlinkBackoff::new();
        let mut asked = Vec::new();
        while let AfterBusy::Retry(d) = b.after_busy(|max| {
            asked.push(max);
            max / 2
        }) {
            assert!(d >= NewlinkBackoff::FIRST);
        }
        assert_eq!(asked, [1_000, 2_000, 4_000, 8_000, 16_000, 16_000]);
    }
}
