//! The kernel's L2TP objects for the daemon, made as xl2tpd makes them:
//!
//! - per LNS tunnel, a UDP socket bound to the listening address (with
//!   `SO_REUSEADDR`, as the listening socket has) and connected to the
//!   peer, then a PPPoL2TP tunnel-management socket connected with
//!   session ids 0/0 on it: the kernel's tunnel, tied to that UDP socket.
//!   The kernel passes the peer's control messages up that socket from
//!   then on (it is more specific than the listening one), so the daemon
//!   reads it too;
//! - per LAC tunnel, the same on the tunnel's own UDP socket
//!   ([`lac_udp_socket`]: the listening address, an ephemeral port), which
//!   carried its control messages from the SCCRQ on, now connected to the
//!   peer. A kernel that finds an L2TPv2 data packet's session through the
//!   tunnel of the socket it arrived on (Debian 12's 6.1 does) needs one
//!   4-tuple per tunnel: several tunnels from one listening port to one
//!   LNS would share one;
//! - per session, a PPPoL2TP socket connected with both ends' tunnel and
//!   session ids on the tunnel's UDP socket; the Engine takes it.
//!
//! Closing the tunnel's UDP socket deletes the kernel's tunnel (and any
//! session left on it); the daemon closes the session sockets first (each
//! PPP session's end closes its socket).

use std::io;
use std::net::{SocketAddr, SocketAddrV4};
use std::os::fd::{AsRawFd, OwnedFd};

use nix::sys::socket::{
    bind, connect, setsockopt, socket, sockopt, AddressFamily, SockFlag, SockType, SockaddrIn,
    SockaddrIn6,
};

use crate::kernel::{PppoL2tpAddr, PppoL2tpSocket};

/// A UDP socket bound to `local` with `SO_REUSEADDR` (so the listening
/// socket and every tunnel's share the port), non-blocking, close-on-exec,
/// connected to `peer` if given.
pub fn udp_socket(local: SocketAddr, peer: Option<SocketAddr>) -> io::Result<std::net::UdpSocket> {
    let family = match local {
        SocketAddr::V4(_) => AddressFamily::Inet,
        SocketAddr::V6(_) => AddressFamily::Inet6,
    };
    let fd: OwnedFd = socket(
        family,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
        None,
    )?;
    setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    match local {
        SocketAddr::V4(a) => bind(fd.as_raw_fd(), &SockaddrIn::from(a))?,
        SocketAddr::V6(a) => bind(fd.as_raw_fd(), &SockaddrIn6::from(a))?,
    }
    match peer {
        Some(SocketAddr::V4(a)) => connect(fd.as_raw_fd(), &SockaddrIn::from(a))?,
        Some(SocketAddr::V6(a)) => connect(fd.as_raw_fd(), &SockaddrIn6::from(a))?,
        None => {}
    }
    Ok(std::net::UdpSocket::from(fd))
}

/// A LAC tunnel's own UDP socket: `ip` with a port of the kernel's
/// choosing (no `SO_REUSEADDR`, which would let the kernel hand out a
/// port another such socket has), non-blocking, close-on-exec.
pub fn lac_udp_socket(ip: std::net::IpAddr) -> io::Result<std::net::UdpSocket> {
    let s = std::net::UdpSocket::bind(SocketAddr::new(ip, 0))?;
    s.set_nonblocking(true)?;
    Ok(s)
}

/// The kernel's side of one tunnel: its connected UDP socket and the
/// tunnel-management socket. Dropping both deletes the kernel's tunnel.
#[derive(Debug)]
pub struct KernelTunnel {
    /// The connected UDP socket (the reader task holds it too).
    pub udp: std::sync::Arc<tokio::net::UdpSocket>,
    _management: PppoL2tpSocket,
    peer: SocketAddrV4,
    tunnel_id: u16,
    peer_tunnel_id: u16,
}

impl KernelTunnel {
    /// Creates the kernel's tunnel `tunnel_id` (the peer's
    /// `peer_tunnel_id`) from `local` to `peer`. L2TP over IPv4 only (the
    /// PPPoL2TP address rppp has is the IPv4 one).
    pub fn open(
        local: SocketAddr,
        peer: SocketAddr,
        tunnel_id: u16,
        peer_tunnel_id: u16,
    ) -> io::Result<KernelTunnel> {
        if !peer.is_ipv4() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "L2TP over IPv6 is not supported yet",
            ));
        }
        let udp = udp_socket(local, Some(peer))?;
        let udp = std::sync::Arc::new(tokio::net::UdpSocket::from_std(udp)?);
        KernelTunnel::on_socket(udp, peer, tunnel_id, peer_tunnel_id)
    }

    /// The same on a UDP socket the tunnel has already (a LAC tunnel's
    /// own, see [`lac_udp_socket`]), which is connected to `peer` here.
    pub fn on_socket(
        udp: std::sync::Arc<tokio::net::UdpSocket>,
        peer: SocketAddr,
        tunnel_id: u16,
        peer_tunnel_id: u16,
    ) -> io::Result<KernelTunnel> {
        let SocketAddr::V4(peer4) = peer else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "L2TP over IPv6 is not supported yet",
            ));
        };
        connect(udp.as_raw_fd(), &SockaddrIn::from(peer4))?;
        let management = PppoL2tpSocket::new().map_err(io::Error::other)?;
        management
            .connect(&PppoL2tpAddr {
                tunnel_fd: udp.as_raw_fd(),
                peer: peer4,
                tunnel_id,
                session_id: 0,
                peer_tunnel_id,
                peer_session_id: 0,
            })
            .map_err(io::Error::other)?;
        Ok(KernelTunnel {
            udp,
            _management: management,
            peer: peer4,
            tunnel_id,
            peer_tunnel_id,
        })
    }

    /// A session socket: our `session_id`, the peer's `peer_session_id`.
    pub fn session(&self, session_id: u16, peer_session_id: u16) -> io::Result<PppoL2tpSocket> {
        let s = PppoL2tpSocket::new().map_err(io::Error::other)?;
        s.connect(&PppoL2tpAddr {
            tunnel_fd: self.udp.as_raw_fd(),
            peer: self.peer,
            tunnel_id: self.tunnel_id,
            session_id,
            peer_tunnel_id: self.peer_tunnel_id,
            peer_session_id,
        })
        .map_err(io::Error::other)?;
        Ok(s)
    }
}

/// Raises the open-file limit as far as it goes: every session holds
/// three fds (its PPPoL2TP socket, the channel, the unit) and every tunnel
/// two, so the usual soft limit of 1024 stops a daemon at about 300
/// sessions ("Too many open files" reading the options file). Root may
/// raise the hard limit too, up to `fs.nr_open`. Returns the soft limit.
pub fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 0;
    };
    let nr_open = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(hard);
    for want in [nr_open.max(hard), hard] {
        if want <= soft {
            return soft;
        }
        if setrlimit(Resource::RLIMIT_NOFILE, want, want.max(hard)).is_ok() {
            return want;
        }
    }
    soft
}

/// Takes out of `doomed` (kernel tunnels the glue gave up) those that can
/// be deleted now: the endpoint has nothing unacknowledged on them, or has
/// forgotten them. The peer answers our last CDN and StopCCN to the
/// tunnel's connected socket, so it stays until those answers are in.
pub fn reapable(endpoint: &rppp_l2tp::Endpoint, doomed: &mut Vec<u16>) -> Vec<u16> {
    let (done, waiting) = doomed
        .drain(..)
        .partition(|&id| endpoint.tunnel(id).is_none_or(|t| t.all_acknowledged()));
    *doomed = waiting;
    done
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use rppp_l2tp::{Endpoint, Role, TunnelConfig};

    use super::reapable;

    #[test]
    fn a_kernel_tunnel_waits_for_its_acknowledgements() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut now = Instant::now();
        let mut endpoint = Endpoint::new();
        let config = std::sync::Arc::new(TunnelConfig::new(Role::Lac, "lac"));
        let peer = "192.0.2.1:1701".parse().unwrap();
        let id = endpoint.connect(config, peer, now, &mut rng).unwrap();
        // An unknown tunnel goes at once; ours has its SCCRQ out.
        let mut doomed = vec![id, id.wrapping_add(1)];
        assert_eq!(reapable(&endpoint, &mut doomed), vec![id.wrapping_add(1)]);
        assert_eq!(doomed, vec![id]);
        // Unanswered, the endpoint gives the tunnel up: then it goes.
        let mut out = Vec::new();
        for _ in 0..100 {
            while endpoint.poll_transmit(&mut out).is_some() {
                out.clear();
            }
            assert_eq!(doomed, vec![id]);
            let Some(at) = endpoint.poll_timeout() else {
                break;
            };
            now = now.max(at);
            endpoint.handle_timeout(now, &mut rng);
            if !reapable(&endpoint, &mut doomed).is_empty() {
                break;
            }
        }
        assert!(doomed.is_empty());
    }
}
