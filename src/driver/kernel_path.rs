//! The data path on the real kernel: the PPPoL2TP socket an L2TP daemon
//! passed, a `/dev/ppp` channel and unit, and the interface configured
//! through rtnetlink (DESIGN.md, "The kernel data path").

use std::net::IpAddr;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Duration;

use netlink_packet_route::address::AddressAttribute;
use netlink_packet_route::link::{InfoData, InfoKind};
use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};
use rand::rngs::SysRng;
use rand::RngExt as _;
use rand_core::UnwrapErr;
use rtnetlink::{Handle, LinkMessageBuilder, LinkUnspec};
use tokio::sync::Semaphore;

use super::datapath::{DataPath, DataPathError, L2tpIds, UnitCreated};
use crate::kernel::frames::SharedFd;
use crate::kernel::{
    self, Channel, L2tpStats, NpMode, PppoL2tpOption, PppoL2tpSocket, Unattached, Unit,
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

/// How often `RTM_NEWLINK` is tried while the kernel's ppp mutex is busy.
const NEWLINK_TRIES: u32 = 300;

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
    early: Vec<Vec<u8>>,
    /// Our address and the peer's, IPv4 and IPv6 link-local, once set.
    ipv4: Option<(IpAddr, IpAddr)>,
    ipv6: Option<(IpAddr, IpAddr)>,
}

fn step(step: &'static str) -> impl Fn(kernel::Error) -> DataPathError {
    move |e| DataPathError::new(step, e)
}

impl KernelDataPath {
    /// Takes the session's PPPoL2TP socket: makes it close-on-exec, sets
    /// the options asked for, reads the frames queued before the channel
    /// existed, and attaches a `/dev/ppp` channel (`PPPIOCGCHAN`,
    /// `PPPIOCATTCHAN`).
    pub fn new(
        socket: PppoL2tpSocket,
        options: &L2tpSocketOptions,
        naming: UnitNaming,
        netlink: Handle,
    ) -> Result<Self, DataPathError> {
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
        let early = Self::queued_frames(&socket);
        let index = socket
            .channel_index()
            .map_err(step("get the ppp channel (PPPIOCGCHAN)"))?;
        let channel = Channel::attach(index).map_err(step("attach the ppp channel"))?;
        Ok(KernelDataPath {
            socket,
            channel: Some(Arc::new(channel)),
            unit: None,
            ifindex: None,
            ifname: None,
            naming,
            netlink,
            creation_slots: None,
            early,
            ipv4: None,
            ipv6: None,
        })
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
        let mut delay = Duration::from_millis(2);
        for tries in 0..NEWLINK_TRIES {
            let dev = Unattached::open().map_err(step("open /dev/ppp for the unit"))?;
            match newlink(&self.netlink, &dev, name).await {
                Ok(()) => {
                    if tries > 0 {
                        tracing::info!("RTM_NEWLINK {name}: EBUSY {tries} times, then created");
                    }
                    return Ok(dev.into_unit());
                }
                Err(Some(Errno::EBUSY)) => {
                    // Another ppp ioctl holds the kernel's ppp mutex:
                    // routine with many sessions. Back off with jitter.
                    let jitter = UnwrapErr(SysRng).random_range(0..=delay.as_millis() as u64);
                    tokio::time::sleep(delay + Duration::from_millis(jitter)).await;
                    delay = (delay * 2).min(Duration::from_millis(100));
                }
                Err(Some(Errno::EOPNOTSUPP)) => {
                    // Before Linux 4.7: no RTM_NEWLINK for ppp.
                    return self.new_unit_renamed(None, name).await;
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
        Err(DataPathError::new(
            "create the unit (RTM_NEWLINK)",
            format!("interface {name:?}: still EBUSY after {NEWLINK_TRIES} tries"),
        ))
    }

    async fn new_unit_renamed(&self, unit: Option<u32>, name: &str) -> Result<Unit, DataPathError> {
        let dev = Unattached::open().map_err(step("open /dev/ppp for the unit"))?;
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
        let slots = self.creation_slots.clone();
        let _permit = match &slots {
            Some(s) => Some(
                s.acquire()
                    .await
                    .map_err(|e| DataPathError::new("wait for a unit creation slot", e))?,
            ),
            None => None,
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
            DataPathAction::InterfaceUp => link
                .set(LinkUnspec::new_with_index(index).up().build())
                .execute()
                .await
                .map_err(|e| DataPathError::new("bring the interface up", e))?,
            DataPathAction::InterfaceDown => link
                .set(LinkUnspec::new_with_index(index).down().build())
                .execute()
                .await
                .map_err(|e| DataPathError::new("bring the interface down", e))?,
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

    async fn teardown(&mut self) {
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
