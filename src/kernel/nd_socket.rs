//! The raw ICMPv6 socket a session advertises its peer's prefix on
//! (Router Advertisements, RFC 4861; see [`crate::nd`]): bound to the
//! session's interface, in the all-routers group there, reading each
//! message's hop limit (RFC 3542 section 6.3) so that only messages from
//! the link itself are taken.

use std::io;
use std::io::{IoSlice, IoSliceMut};
use std::net::{Ipv6Addr, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use nix::errno::Errno;
use nix::sys::socket::{
    recvmsg, sendmsg, setsockopt, socket, sockopt, AddressFamily, ControlMessage,
    ControlMessageOwned, MsgFlags, SockFlag, SockProtocol, SockType, SockaddrIn6,
};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// The all-nodes group, where advertisements go (RFC 4291 section 2.7.1).
const ALL_NODES: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
/// The all-routers group, where solicitations come.
const ALL_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);
/// Neighbor Discovery's hop limit (RFC 4861 section 6.1).
const HOP_LIMIT: libc::c_int = 255;
/// The longest message read: IPv6's minimum MTU; anything longer is no
/// solicitation of ours and is dropped whole.
const READ_MAX: usize = 1280;

/// One ICMPv6 message read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdReceived {
    /// From the ICMPv6 type on.
    pub message: Vec<u8>,
    /// The IPv6 hop limit it came with.
    pub hop_limit: u8,
}

enum Kind {
    /// On the interface with this index.
    Raw { ifindex: u32 },
    /// One end of a socketpair (the fake data path's link): one hop.
    Pair,
}

/// A session's ICMPv6 socket, registered with tokio for reading.
pub struct NdSocket {
    fd: AsyncFd<OwnedFd>,
    kind: Kind,
}

impl std::fmt::Debug for NdSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NdSocket({})", self.fd.get_ref().as_raw_fd())
    }
}

impl NdSocket {
    /// A raw ICMPv6 socket on interface `ifname` (index `ifindex`).
    /// Needs CAP_NET_RAW.
    pub fn open(ifname: &str, ifindex: u32) -> Result<NdSocket, super::Error> {
        let e = |call| move |errno| super::Error::new(call, errno);
        let fd = socket(
            AddressFamily::Inet6,
            SockType::Raw,
            SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
            SockProtocol::IcmpV6,
        )
        .map_err(e("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)"))?;
        setsockopt(&fd, sockopt::BindToDevice, &ifname.into())
            .map_err(e("setsockopt(SO_BINDTODEVICE)"))?;
        setsockopt(&fd, sockopt::Ipv6RecvHopLimit, &true)
            .map_err(e("setsockopt(IPV6_RECVHOPLIMIT)"))?;
        join(&fd, ALL_ROUTERS, ifindex).map_err(e("setsockopt(IPV6_ADD_MEMBERSHIP ff02::2)"))?;
        let fd =
            register(fd).map_err(|io| super::Error::new("register with tokio", errno_of(&io)))?;
        Ok(NdSocket {
            fd,
            kind: Kind::Raw { ifindex },
        })
    }

    /// A socketpair's two ends: this socket, and the other end's fd for
    /// the fake data path's peer (messages as datagrams, hop limit 255).
    pub fn pair() -> io::Result<(NdSocket, OwnedFd)> {
        let (ours, theirs) = nix::sys::socket::socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
        )?;
        let fd = register(ours)?;
        Ok((
            NdSocket {
                fd,
                kind: Kind::Pair,
            },
            theirs,
        ))
    }

    /// Polls for a message to read.
    pub fn poll_readable(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        self.fd
            .poll_read_ready(cx)
            .map_ok(|mut guard| guard.clear_ready())
    }

    /// The next message, if one is queued (a longer one than 1280 octets
    /// is skipped).
    pub fn recv(&self) -> io::Result<Option<NdReceived>> {
        let mut buf = [0u8; READ_MAX];
        let mut cmsg = nix::cmsg_space!(libc::c_int);
        loop {
            let mut iov = [IoSliceMut::new(&mut buf)];
            let flags = MsgFlags::MSG_DONTWAIT;
            let r = recvmsg::<()>(
                self.fd.get_ref().as_raw_fd(),
                &mut iov,
                Some(&mut cmsg),
                flags,
            );
            let msg = match r {
                Ok(msg) => msg,
                Err(Errno::EAGAIN) => return Ok(None),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            };
            if msg.flags.contains(MsgFlags::MSG_TRUNC) {
                continue;
            }
            let mut hop_limit = match self.kind {
                Kind::Pair => Some(255),
                Kind::Raw { .. } => None,
            };
            if let Ok(cmsgs) = msg.cmsgs() {
                for c in cmsgs {
                    if let ControlMessageOwned::Ipv6HopLimit(h) = c {
                        hop_limit = u8::try_from(h).ok();
                    }
                }
            }
            let len = msg.bytes;
            // Without its hop limit a message cannot be shown to come
            // from the link: skipped.
            let Some(hop_limit) = hop_limit else { continue };
            return Ok(Some(NdReceived {
                message: buf[..len].to_vec(),
                hop_limit,
            }));
        }
    }

    /// Sends `message` (from the ICMPv6 type on, checksum left to the
    /// kernel) to every node on the link, with hop limit 255. A full
    /// queue drops it (the next advertisement comes anyway): `Ok(false)`.
    pub fn send_all_nodes(&self, message: &[u8]) -> io::Result<bool> {
        let fd = self.fd.get_ref().as_raw_fd();
        let iov = [IoSlice::new(message)];
        let sent = match self.kind {
            Kind::Raw { ifindex } => {
                let to = SockaddrIn6::from(SocketAddrV6::new(ALL_NODES, 0, 0, ifindex));
                let hop_limit = HOP_LIMIT;
                let cmsgs = [ControlMessage::Ipv6HopLimit(&hop_limit)];
                sendmsg(fd, &iov, &cmsgs, MsgFlags::MSG_DONTWAIT, Some(&to))
            }
            Kind::Pair => sendmsg::<()>(fd, &iov, &[], MsgFlags::MSG_DONTWAIT, None),
        };
        match sent {
            Ok(_) => Ok(true),
            Err(Errno::EAGAIN) | Err(Errno::ENOBUFS) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// `IPV6_ADD_MEMBERSHIP` of `group` on interface `ifindex` (nix's
/// request type has no interface: the kernel would pick one by route).
fn join(fd: &OwnedFd, group: Ipv6Addr, ifindex: u32) -> Result<(), Errno> {
    let request = libc::ipv6_mreq {
        ipv6mr_multiaddr: libc::in6_addr {
            s6_addr: group.octets(),
        },
        ipv6mr_interface: ifindex,
    };
    // SAFETY: `request` is a live, initialised ipv6_mreq on this stack
    // frame, and the length passed is its size: the kernel reads exactly
    // that many bytes from it during the call and keeps no pointer. `fd`
    // is an open socket borrowed for the call.
    let r = unsafe {
        libc::setsockopt(
            fd.as_fd().as_raw_fd(),
            libc::IPPROTO_IPV6,
            libc::IPV6_ADD_MEMBERSHIP,
            (&request as *const libc::ipv6_mreq).cast(),
            std::mem::size_of::<libc::ipv6_mreq>() as libc::socklen_t,
        )
    };
    Errno::result(r).map(drop)
}

/// Registers `fd` with tokio for reading.
fn register(fd: OwnedFd) -> io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: the AsyncFd owns the descriptor: nothing else can close or
    // replace it while it is registered, and it is deregistered before it
    // is closed, when the AsyncFd drops (tokio's I/O-safety requirement).
    unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }.map_err(|e| e.into_parts().1)
}

fn errno_of(e: &io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}
