//! `RTM_NEWLINK` for a ppp unit (`ppp_nl_newlink` in ppp_generic.c), on a
//! plain rtnetlink socket. The message is small and fixed, so it is built by
//! hand here rather than through a netlink library.

use std::os::fd::{AsRawFd, RawFd};

use nix::errno::Errno;
use nix::sys::socket::{
    self, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};

use super::{Context, Error, Result};

/// `IFLA_PPP_DEV_FD` (`if_link.h`): the one attribute of a ppp link's info
/// data, an s32 naming an unattached `/dev/ppp` fd of the sending process.
const IFLA_PPP_DEV_FD: u16 = 1;
/// `NLA_F_NESTED`.
const NLA_F_NESTED: u16 = 1 << 15;
const NLMSG_HDRLEN: usize = 16;
const IFINFOMSG_LEN: usize = 16;

/// Whether `name` is a valid interface name (`dev_valid_name`).
pub(super) fn valid_ifname(name: &str) -> bool {
    !name.is_empty()
        && name.len() < libc::IFNAMSIZ
        && name != "."
        && name != ".."
        && !name
            .bytes()
            .any(|b| b == b'/' || b == b':' || b == 0 || b.is_ascii_whitespace())
}

fn push_attr(buf: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    let len = 4 + payload.len();
    buf.extend_from_slice(&(len as u16).to_ne_bytes());
    buf.extend_from_slice(&kind.to_ne_bytes());
    buf.extend_from_slice(payload);
    while buf.len() % 4 != 0 {
        buf.push(0);
    }
}

/// The whole request: nlmsghdr, ifinfomsg, IFLA_IFNAME, and IFLA_LINKINFO
/// { IFLA_INFO_KIND "ppp", IFLA_INFO_DATA { IFLA_PPP_DEV_FD fd } }.
pub(super) fn newlink_request(dev_fd: RawFd, name: &str, seq: u32) -> Vec<u8> {
    let mut data = Vec::new();
    push_attr(&mut data, IFLA_PPP_DEV_FD, &dev_fd.to_ne_bytes());
    let mut info = Vec::new();
    push_attr(&mut info, libc::IFLA_INFO_KIND, b"ppp\0");
    push_attr(&mut info, libc::IFLA_INFO_DATA | NLA_F_NESTED, &data);
    let mut body = vec![0u8; IFINFOMSG_LEN]; // ifi_family AF_UNSPEC, everything else 0
    let mut ifname = name.as_bytes().to_vec();
    ifname.push(0);
    push_attr(&mut body, libc::IFLA_IFNAME, &ifname);
    push_attr(&mut body, libc::IFLA_LINKINFO | NLA_F_NESTED, &info);

    let flags =
        (libc::NLM_F_REQUEST | libc::NLM_F_ACK | libc::NLM_F_CREATE | libc::NLM_F_EXCL) as u16;
    let mut msg = Vec::with_capacity(NLMSG_HDRLEN + body.len());
    msg.extend_from_slice(&((NLMSG_HDRLEN + body.len()) as u32).to_ne_bytes());
    msg.extend_from_slice(&libc::RTM_NEWLINK.to_ne_bytes());
    msg.extend_from_slice(&flags.to_ne_bytes());
    msg.extend_from_slice(&seq.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes()); // nlmsg_pid: the kernel fills it in
    msg.extend_from_slice(&body);
    msg
}

/// The error code of the kernel's answer to request `seq`: `Some(0)` for
/// success, `Some(errno)` for a failure, `None` if `reply` is not that answer.
pub(super) fn ack_code(reply: &[u8], seq: u32) -> Option<i32> {
    let u32_at = |o: usize| {
        reply
            .get(o..o + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u16_at = |o: usize| {
        reply
            .get(o..o + 2)
            .map(|b| u16::from_ne_bytes([b[0], b[1]]))
    };
    let len = u32_at(0)? as usize;
    if len < NLMSG_HDRLEN + 4 || len > reply.len() {
        return None;
    }
    if i32::from(u16_at(4)?) != libc::NLMSG_ERROR || u32_at(8)? != seq {
        return None;
    }
    let code = u32_at(NLMSG_HDRLEN)? as i32;
    Some(-code)
}

/// Create a ppp unit named `name` for the unattached `/dev/ppp` fd `dev_fd`.
pub(super) fn new_ppp_link(dev_fd: RawFd, name: &str) -> Result<()> {
    if !valid_ifname(name) {
        return Err(Error::new(
            "RTM_NEWLINK(ppp): invalid interface name",
            Errno::EINVAL,
        ));
    }
    let sock = socket::socket(
        AddressFamily::Netlink,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkRoute,
    )
    .context("socket(AF_NETLINK, NETLINK_ROUTE)")?;
    let kernel = NetlinkAddr::new(0, 0);
    socket::bind(sock.as_raw_fd(), &kernel).context("bind(rtnetlink socket)")?;
    let seq = 1;
    let req = newlink_request(dev_fd, name, seq);
    socket::sendto(sock.as_raw_fd(), &req, &kernel, MsgFlags::empty())
        .context("sendto(RTM_NEWLINK)")?;
    let mut buf = [0u8; 8192];
    loop {
        let n = socket::recv(sock.as_raw_fd(), &mut buf, MsgFlags::empty())
            .context("recv(RTM_NEWLINK answer)")?;
        match ack_code(&buf[..n], seq) {
            Some(0) => return Ok(()),
            Some(e) => return Err(Error::new("RTM_NEWLINK(kind ppp)", Errno::from_raw(e))),
            None => continue, // not our answer (e.g. a multicast): keep reading
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layout() {
        let m = newlink_request(5, "ppp-x", 9);
        assert_eq!(m.len() % 4, 0);
        assert_eq!(
            u32::from_ne_bytes(m[0..4].try_into().unwrap()) as usize,
            m.len()
        );
        assert_eq!(
            u16::from_ne_bytes(m[4..6].try_into().unwrap()),
            libc::RTM_NEWLINK
        );
        assert_eq!(u32::from_ne_bytes(m[8..12].try_into().unwrap()), 9);
        // IFLA_IFNAME right after the ifinfomsg: len 4 + "ppp-x\0".
        assert_eq!(u16::from_ne_bytes(m[32..34].try_into().unwrap()), 10);
        assert_eq!(
            u16::from_ne_bytes(m[34..36].try_into().unwrap()),
            libc::IFLA_IFNAME
        );
        assert_eq!(&m[36..42], b"ppp-x\0");
        // The fd is the last 4 bytes (IFLA_PPP_DEV_FD, the innermost attribute).
        assert_eq!(i32::from_ne_bytes(m[m.len() - 4..].try_into().unwrap()), 5);
        assert!(m.windows(4).any(|w| w == b"ppp\0"));
    }

    #[test]
    fn ack_parsing() {
        let mut ack = Vec::new();
        ack.extend_from_slice(&36u32.to_ne_bytes());
        ack.extend_from_slice(&(libc::NLMSG_ERROR as u16).to_ne_bytes());
        ack.extend_from_slice(&0u16.to_ne_bytes());
        ack.extend_from_slice(&3u32.to_ne_bytes());
        ack.extend_from_slice(&0u32.to_ne_bytes());
        ack.extend_from_slice(&(-libc::EBUSY).to_ne_bytes());
        ack.extend_from_slice(&[0u8; 16]);
        assert_eq!(ack_code(&ack, 3), Some(libc::EBUSY));
        assert_eq!(ack_code(&ack, 4), None);
        // Truncated or garbage input is not an answer, and never panics.
        for n in 0..ack.len() {
            assert_eq!(ack_code(&ack[..n], 3), None);
        }
        assert_eq!(ack_code(&[0xff; 3], 3), None);
    }

    #[test]
    fn interface_names() {
        assert!(valid_ifname("ppp0"));
        assert!(valid_ifname("l2tp-0123456789"));
        assert!(!valid_ifname("l2tp-01234567890"));
        assert!(!valid_ifname(""));
        assert!(!valid_ifname("a/b"));
        assert!(!valid_ifname("a b"));
        assert!(!valid_ifname(".."));
    }
}
