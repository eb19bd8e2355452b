//! PPPoL2TP sockets (`net/l2tp/l2tp_ppp.c`, `include/uapi/linux/if_pppol2tp.h`).

use std::mem::size_of;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use libc::{c_int, c_void, socklen_t};
use nix::errno::Errno;

use super::ioctl::{self, Pppol2tpIocStats};
use super::{Context, Error, Result};

/// `PX_PROTO_OL2TP` of `if_pppox.h`: the PPPoX protocol for L2TP.
const PX_PROTO_OL2TP: c_int = 1;
/// `SOL_PPPOL2TP` (`linux/socket.h`): the libc crate defines it for glibc
/// only, and the router build links musl.
const SOL_PPPOL2TP: c_int = 273;

/// `struct sockaddr_pppol2tp` (L2TPv2 over IPv4): packed, 38 bytes.
#[repr(C, packed)]
#[derive(Clone, Copy)]
struct SockaddrPppol2tp {
    sa_family: libc::sa_family_t,
    sa_protocol: u32,
    /// `struct pppol2tp_addr` (not packed itself, but at offset 6 here).
    pid: libc::pid_t,
    fd: c_int,
    addr: libc::sockaddr_in,
    s_tunnel: u16,
    s_session: u16,
    d_tunnel: u16,
    d_session: u16,
}

/// The address of an L2TPv2-over-IPv4 PPPoL2TP socket: which tunnel UDP
/// socket carries it, the peer, and the local and peer tunnel and session
/// ids. Session ids 0/0 make a tunnel-management socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PppoL2tpAddr {
    /// The fd of the tunnel's UDP socket (in the calling process).
    pub tunnel_fd: RawFd,
    /// The peer's IPv4 address and UDP port.
    pub peer: SocketAddrV4,
    /// Our tunnel id.
    pub tunnel_id: u16,
    /// Our session id (0 for the tunnel-management socket).
    pub session_id: u16,
    /// The peer's tunnel id.
    pub peer_tunnel_id: u16,
    /// The peer's session id (0 for the tunnel-management socket).
    pub peer_session_id: u16,
}

impl PppoL2tpAddr {
    fn to_raw(self) -> SockaddrPppol2tp {
        SockaddrPppol2tp {
            sa_family: libc::AF_PPPOX as libc::sa_family_t,
            sa_protocol: PX_PROTO_OL2TP as u32,
            pid: 0, // 0: the calling process owns tunnel_fd
            fd: self.tunnel_fd,
            addr: libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: self.peer.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from(*self.peer.ip()).to_be(),
                },
                sin_zero: [0; 8],
            },
            s_tunnel: self.tunnel_id,
            s_session: self.session_id,
            d_tunnel: self.peer_tunnel_id,
            d_session: self.peer_session_id,
        }
    }

    fn from_raw(raw: &SockaddrPppol2tp) -> Self {
        let addr = raw.addr;
        PppoL2tpAddr {
            tunnel_fd: raw.fd,
            peer: SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr)),
                u16::from_be(addr.sin_port),
            ),
            tunnel_id: raw.s_tunnel,
            session_id: raw.s_session,
            peer_tunnel_id: raw.d_tunnel,
            peer_session_id: raw.d_session,
        }
    }
}

/// The `SOL_PPPOL2TP` socket options (`if_pppol2tp.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PppoL2tpOption {
    /// `PPPOL2TP_SO_DEBUG` (1): debug mask (deprecated by the kernel).
    Debug,
    /// `PPPOL2TP_SO_RECVSEQ` (2): drop data frames without sequence numbers.
    RecvSeq,
    /// `PPPOL2TP_SO_SENDSEQ` (3): send sequence numbers.
    SendSeq,
    /// `PPPOL2TP_SO_LNSMODE` (4): behave as the LNS.
    LnsMode,
    /// `PPPOL2TP_SO_REORDERTO` (5): reorder timeout in milliseconds.
    ReorderTimeout,
}

impl PppoL2tpOption {
    fn number(self) -> c_int {
        match self {
            PppoL2tpOption::Debug => 1,
            PppoL2tpOption::RecvSeq => 2,
            PppoL2tpOption::SendSeq => 3,
            PppoL2tpOption::LnsMode => 4,
            PppoL2tpOption::ReorderTimeout => 5,
        }
    }
}

/// A session's counters (`PPPIOCGL2TPSTATS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct L2tpStats {
    /// Our tunnel id.
    pub tunnel_id: u16,
    /// Our session id.
    pub session_id: u16,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Send errors.
    pub tx_errors: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Received packets discarded for their sequence number.
    pub rx_seq_discards: u64,
    /// Received packets out of sequence.
    pub rx_oos_packets: u64,
    /// Receive errors.
    pub rx_errors: u64,
}

impl From<Pppol2tpIocStats> for L2tpStats {
    fn from(s: Pppol2tpIocStats) -> L2tpStats {
        L2tpStats {
            tunnel_id: s.tunnel_id,
            session_id: s.session_id,
            tx_packets: s.tx_packets,
            tx_bytes: s.tx_bytes,
            tx_errors: s.tx_errors,
            rx_packets: s.rx_packets,
            rx_bytes: s.rx_bytes,
            rx_seq_discards: s.rx_seq_discards,
            rx_oos_packets: s.rx_oos_packets,
            rx_errors: s.rx_errors,
        }
    }
}

impl From<L2tpStats> for Pppol2tpIocStats {
    /// The kernel's struct for the counters (`using_ipsec` clear).
    fn from(s: L2tpStats) -> Pppol2tpIocStats {
        Pppol2tpIocStats {
            tunnel_id: s.tunnel_id,
            session_id: s.session_id,
            flags: 0,
            tx_packets: s.tx_packets,
            tx_bytes: s.tx_bytes,
            tx_errors: s.tx_errors,
            rx_packets: s.rx_packets,
            rx_bytes: s.rx_bytes,
            rx_seq_discards: s.rx_seq_discards,
            rx_oos_packets: s.rx_oos_packets,
            rx_errors: s.rx_errors,
        }
    }
}

/// A PPPoL2TP socket: a tunnel-management socket (session ids 0/0) or a
/// session socket, whose fd an L2TP daemon passes to the PPP engine.
#[derive(Debug)]
pub struct PppoL2tpSocket {
    fd: OwnedFd,
}

impl PppoL2tpSocket {
    /// `socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP)`, close-on-exec.
    pub fn new() -> Result<Self> {
        // SAFETY: socket(2) takes no pointers; the return value is checked
        // before it is used as an fd.
        let fd = unsafe {
            libc::socket(
                libc::AF_PPPOX,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                PX_PROTO_OL2TP,
            )
        };
        if fd < 0 {
            return Err(Error::new(
                "socket(AF_PPPOX, PX_PROTO_OL2TP)",
                Errno::last(),
            ));
        }
        Ok(PppoL2tpSocket {
            // SAFETY: fd is a fresh, valid descriptor that nothing else owns.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// The socket an L2TP daemon passed (`pppol2tp <fd>`), once taken with
    /// [`take_inherited_fd`](super::take_inherited_fd): checks that it is a
    /// socket. Any other kind of fd is refused (and closed with `fd`).
    pub fn from_inherited(fd: OwnedFd) -> Result<Self> {
        let stat = nix::sys::stat::fstat(fd.as_fd())
            .map_err(|e| Error::new("fstat(inherited PPPoL2TP fd)", e))?;
        if stat.st_mode & libc::S_IFMT != libc::S_IFSOCK {
            return Err(Error::new(
                "checking that the inherited PPPoL2TP fd is a socket",
                Errno::ENOTSOCK,
            ));
        }
        Ok(PppoL2tpSocket { fd })
    }

    /// Take ownership of a PPPoL2TP socket inherited from an L2TP daemon.
    /// Nothing is checked here: [`PppoL2tpSocket::peer_addr`] fails on any
    /// other kind of fd.
    pub fn from_fd(fd: OwnedFd) -> Self {
        PppoL2tpSocket { fd }
    }

    /// `connect(2)`: registers the kernel's tunnel (session ids 0/0) or
    /// session, and for a session its ppp channel.
    pub fn connect(&self, addr: &PppoL2tpAddr) -> Result<()> {
        let raw = addr.to_raw();
        // SAFETY: raw is a fully initialised sockaddr_pppol2tp and the length
        // passed is its exact size; the kernel only reads it.
        let r = unsafe {
            libc::connect(
                self.fd.as_raw_fd(),
                (&raw as *const SockaddrPppol2tp).cast::<libc::sockaddr>(),
                size_of::<SockaddrPppol2tp>() as socklen_t,
            )
        };
        if r < 0 {
            return Err(Error::new("connect(PPPoL2TP socket)", Errno::last()));
        }
        Ok(())
    }

    /// `getpeername(2)`: the tunnel and session ids of both ends.
    pub fn peer_addr(&self) -> Result<PppoL2tpAddr> {
        // SAFETY: SockaddrPppol2tp is plain old data; all-zero is a valid value.
        let mut raw: SockaddrPppol2tp = unsafe { std::mem::zeroed() };
        let mut len = size_of::<SockaddrPppol2tp>() as socklen_t;
        // SAFETY: raw is writable for len bytes and len is updated by the
        // kernel, which never writes more than the length it is given.
        let r = unsafe {
            libc::getpeername(
                self.fd.as_raw_fd(),
                (&mut raw as *mut SockaddrPppol2tp).cast::<libc::sockaddr>(),
                &mut len,
            )
        };
        if r < 0 {
            return Err(Error::new("getpeername(PPPoL2TP socket)", Errno::last()));
        }
        if len as usize != size_of::<SockaddrPppol2tp>() || raw.sa_family != libc::AF_PPPOX as u16 {
            // An L2TPv3 or IPv6 socket: not the variant this type describes.
            return Err(Error::new(
                "getpeername(PPPoL2TP socket): L2TPv2/IPv4 address",
                Errno::EAFNOSUPPORT,
            ));
        }
        Ok(PppoL2tpAddr::from_raw(&raw))
    }

    /// `setsockopt(SOL_PPPOL2TP, option, value)`.
    pub fn set_option(&self, option: PppoL2tpOption, value: i32) -> Result<()> {
        let v: c_int = value;
        // SAFETY: v lives across the call and the length is its exact size.
        let r = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                SOL_PPPOL2TP,
                option.number(),
                (&v as *const c_int).cast::<c_void>(),
                size_of::<c_int>() as socklen_t,
            )
        };
        if r < 0 {
            return Err(Error::new("setsockopt(SOL_PPPOL2TP)", Errno::last()));
        }
        Ok(())
    }

    /// `PPPIOCGCHAN`: the index of the session's ppp channel. From this call
    /// on, received frames go to ppp_generic and reading the socket fails.
    pub fn channel_index(&self) -> Result<u32> {
        let mut index: c_int = -1;
        // SAFETY: PPPIOCGCHAN writes one int to the pointer, which is valid.
        unsafe { ioctl::ppp_iocg_chan(self.fd.as_raw_fd(), &mut index) }
            .context("ioctl(PPPIOCGCHAN) on the PPPoL2TP socket")?;
        u32::try_from(index)
            .map_err(|_| Error::new("ioctl(PPPIOCGCHAN): negative channel index", Errno::ERANGE))
    }

    /// `PPPIOCGL2TPSTATS`: the session's (or, on a tunnel socket, the
    /// tunnel's) counters.
    pub fn stats(&self) -> Result<L2tpStats> {
        let mut s = Pppol2tpIocStats::default();
        // SAFETY: the kernel writes one struct pppol2tp_ioc_stats, whose
        // layout Pppol2tpIocStats reproduces (size checked by a test).
        unsafe { ioctl::ppp_iocg_l2tp_stats(self.fd.as_raw_fd(), &mut s) }
            .context("ioctl(PPPIOCGL2TPSTATS) on the PPPoL2TP socket")?;
        Ok(L2tpStats::from(s))
    }

    /// `PPPIOCSMRU` on the socket, as pppd does; current kernels ignore it.
    pub fn set_mru(&self, mru: u16) -> Result<()> {
        let v = c_int::from(mru);
        // SAFETY: PPPIOCSMRU reads one int from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_smru(self.fd.as_raw_fd(), &v) }
            .context("ioctl(PPPIOCSMRU) on the PPPoL2TP socket")?;
        Ok(())
    }

    /// Read one frame queued on the socket before `PPPIOCGCHAN`
    /// (`[protocol][information]`, FF 03 already stripped by the kernel).
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        nix::unistd::read(self.fd.as_fd(), buf).context("read(PPPoL2TP socket)")
    }

    /// Send one frame (`[protocol][information]`) on the session; the kernel
    /// prepends FF 03 and the L2TP header.
    pub fn send(&self, frame: &[u8]) -> Result<usize> {
        nix::unistd::write(self.fd.as_fd(), frame).context("write(PPPoL2TP socket)")
    }

    /// Give up ownership of the fd (e.g. to hand it to a child process).
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }
}

impl AsFd for PppoL2tpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockaddr_layout_matches_the_kernel() {
        assert_eq!(size_of::<SockaddrPppol2tp>(), 38);
    }

    #[test]
    fn addr_round_trips_through_the_raw_form() {
        let a = PppoL2tpAddr {
            tunnel_fd: 9,
            peer: "10.200.0.2:1701".parse().unwrap(),
            tunnel_id: 100,
            session_id: 7,
            peer_tunnel_id: 200,
            peer_session_id: 8,
        };
        let raw = a.to_raw();
        let port = raw.addr.sin_port;
        assert_eq!(port, 1701u16.to_be());
        assert_eq!(PppoL2tpAddr::from_raw(&raw), a);
    }
}
