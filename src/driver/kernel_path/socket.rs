//! The session's PPPoL2TP socket: the `SOL_PPPOL2TP` options the daemon
//! asked for, the frames queued before the channel existed, the channel
//! attached (`PPPIOCGCHAN`, `PPPIOCATTCHAN`), and the watch for the
//! session's deletion.

use std::os::fd::AsFd;
use std::sync::Arc;

use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};

use super::{step, KernelDataPath, Netif, UnitNaming};
use crate::driver::datapath::{DataPathError, DataPathStep};
use crate::driver::l2tp_watch::{L2tpWatch, SessionKey};
use crate::kernel::{Channel, PppoL2tpOption, PppoL2tpSocket};

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
        netif: Netif,
    ) -> Result<Self, DataPathError> {
        let early = Self::prepare(&socket, options)?;
        let (socket, channel) = tokio::task::spawn_blocking(move || {
            let channel = Self::attach_channel(&socket);
            (socket, channel)
        })
        .await
        .map_err(|e| DataPathError::in_call(DataPathStep::Channel, "PPPIOCGCHAN", e))?;
        Ok(Self::with_channel(socket, early, channel?, naming, netif))
    }

    /// `PPPIOCGCHAN` on the socket, then `PPPIOCATTCHAN` on a new
    /// `/dev/ppp` fd.
    fn attach_channel(socket: &PppoL2tpSocket) -> Result<Channel, DataPathError> {
        let index = socket
            .channel_index()
            .map_err(step(DataPathStep::Channel, "PPPIOCGCHAN"))?;
        Channel::attach(index).map_err(step(DataPathStep::Channel, "PPPIOCATTCHAN"))
    }

    /// Close-on-exec, the socket options, and the frames queued before
    /// the channel existed.
    fn prepare(
        socket: &PppoL2tpSocket,
        options: &L2tpSocketOptions,
    ) -> Result<Vec<Vec<u8>>, DataPathError> {
        let fd = socket.as_fd();
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC)).map_err(|e| {
            DataPathError::in_call(
                DataPathStep::SocketOptions,
                "F_SETFD",
                format!("make the fd close-on-exec: {e}"),
            )
        })?;
        let set = |option, value: Option<i32>| match value {
            Some(v) => socket
                .set_option(option, v)
                .map_err(step(DataPathStep::SocketOptions, "SOL_PPPOL2TP")),
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
        netif: Netif,
    ) -> Self {
        KernelDataPath {
            socket,
            channel: Some(Arc::new(channel)),
            unit: None,
            ifindex: None,
            ifname: None,
            naming: Some(Box::new(naming)),
            netif,
            creation_slots: None,
            setup_slot: None,
            early,
            ipv4: None,
            ipv6: None,
            pending_mtu: None,
            pending_ipv6: None,
            link_up: false,
            default_route: None,
            proxy_arp: None,
            framed_routes: Vec::new(),
            ipv6_prefix_route: None,
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
}
