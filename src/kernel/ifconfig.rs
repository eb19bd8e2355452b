//! An interface configured with the socket ioctls, as pppd's sys-linux.c
//! does it (`sifup`, `sifaddr`, `sif6addr`, `sifdefaultroute`): flags,
//! MTU, name, the IPv4 point-to-point pair, IPv6 addresses, and routes
//! (`SIOCADDRT`). The builds without rtnetlink (the router build, issue
//! #19) configure the interface through these instead of the netlink
//! crates, whose parsers of every rtnetlink message are a third of a
//! router binary.
//!
//! The structures are the kernel's (`include/uapi/linux/if.h`,
//! `route.h`, `ipv6_route.h`, `in6.h`), laid out here rather than taken
//! from libc, whose `rtentry` exists for musl only and whose `in6_rtmsg`
//! has private fields.

use std::ffi::CString;
use std::mem::zeroed;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, OwnedFd};

use libc::{c_char, c_int, c_short, c_ulong, c_ushort, c_void};
use nix::errno::Errno;
use nix::sys::socket::{socket, AddressFamily, SockFlag, SockType};

use super::{Error, Result};

/// `struct rtentry` of `route.h` (the `SIOCADDRT` argument for IPv4).
#[repr(C)]
struct RtEntry {
    rt_pad1: c_ulong,
    rt_dst: libc::sockaddr,
    rt_gateway: libc::sockaddr,
    rt_genmask: libc::sockaddr,
    rt_flags: c_ushort,
    rt_pad2: c_short,
    rt_pad3: c_ulong,
    rt_pad4: *mut c_void,
    rt_metric: c_short,
    rt_dev: *mut c_char,
    rt_mtu: c_ulong,
    rt_window: c_ulong,
    rt_irtt: c_ushort,
}

/// `struct in6_rtmsg` of `ipv6_route.h` (the `SIOCADDRT` argument on an
/// IPv6 socket).
#[repr(C)]
struct In6Rtmsg {
    rtmsg_dst: libc::in6_addr,
    rtmsg_src: libc::in6_addr,
    rtmsg_gateway: libc::in6_addr,
    rtmsg_type: u32,
    rtmsg_dst_len: u16,
    rtmsg_src_len: u16,
    rtmsg_metric: u32,
    rtmsg_info: c_ulong,
    rtmsg_flags: u32,
    rtmsg_ifindex: c_int,
}

/// `struct in6_ifreq` of `ipv6.h` (`SIOCSIFADDR` on an IPv6 socket).
#[repr(C)]
struct In6Ifreq {
    ifr6_addr: libc::in6_addr,
    ifr6_prefixlen: u32,
    ifr6_ifindex: c_int,
}

/// An IPv4 route as `SIOCADDRT` takes it: `destination/prefix_len`,
/// through `gateway` or straight out of `dev`, with a metric. Routes
/// without a gateway are link scope, and every ioctl route is protocol
/// boot, as pppd's are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Route {
    /// The destination network.
    pub destination: Ipv4Addr,
    /// Its prefix length (0 for the default route).
    pub prefix_len: u8,
    /// The next hop, if any.
    pub gateway: Option<Ipv4Addr>,
    /// The interface's name, if one is given.
    pub dev: Option<String>,
    /// The route's metric (the kernel's priority), at most 32766 here.
    pub metric: u32,
}

/// An IPv6 route as `SIOCADDRT` on an IPv6 socket takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv6Route {
    /// The destination network.
    pub destination: Ipv6Addr,
    /// Its prefix length.
    pub prefix_len: u8,
    /// The interface's index.
    pub ifindex: u32,
    /// The route's metric.
    pub metric: u32,
}

/// A datagram socket of one family, for the interface ioctls.
#[derive(Debug)]
pub struct IfSocket {
    fd: OwnedFd,
}

/// `struct sockaddr_in` as the `struct sockaddr` the ioctls take: the
/// family, port 0, then the address in network order.
fn sockaddr_in(a: Ipv4Addr) -> libc::sockaddr {
    let mut sa_data = [0 as c_char; 14];
    for (d, b) in sa_data[2..6].iter_mut().zip(a.octets()) {
        *d = b as c_char;
    }
    libc::sockaddr {
        sa_family: libc::AF_INET as libc::sa_family_t,
        sa_data,
    }
}

fn in6_addr(a: Ipv6Addr) -> libc::in6_addr {
    libc::in6_addr {
        s6_addr: a.octets(),
    }
}

/// `name` as `ifr_name`: NUL-terminated, shorter than `IFNAMSIZ`; a name
/// the kernel would not take (`dev_valid_name`) is refused here.
fn ifr_name(name: &str, call: &'static str) -> Result<[c_char; libc::IFNAMSIZ]> {
    let mut out = [0 as c_char; libc::IFNAMSIZ];
    if !super::rtnl::valid_ifname(name) {
        return Err(Error::new(call, Errno::EINVAL));
    }
    for (o, b) in out.iter_mut().zip(name.bytes()) {
        *o = b as c_char;
    }
    Ok(out)
}

impl IfSocket {
    /// An `AF_INET` datagram socket (flags, MTU, name, IPv4).
    pub fn ipv4() -> Result<IfSocket> {
        Self::open(AddressFamily::Inet, "socket(AF_INET)")
    }

    /// An `AF_INET6` datagram socket (IPv6 addresses and routes).
    pub fn ipv6() -> Result<IfSocket> {
        Self::open(AddressFamily::Inet6, "socket(AF_INET6)")
    }

    fn open(family: AddressFamily, call: &'static str) -> Result<IfSocket> {
        let fd = socket(family, SockType::Datagram, SockFlag::SOCK_CLOEXEC, None)
            .map_err(|e| Error::new(call, e))?;
        Ok(IfSocket { fd })
    }

    /// One ioctl with a pointer argument.
    ///
    /// # Safety
    ///
    /// `request` must be one whose argument is a `T`, which the kernel
    /// reads (and may write) in place, and which holds no pointer the
    /// kernel follows except ones valid for the call.
    unsafe fn ioctl<T>(&self, request: c_ulong, arg: &mut T, call: &'static str) -> Result<()> {
        // SAFETY: arg is a valid, exclusive T for the call's length, and
        // the caller vouches that T is what `request` takes.
        let r = unsafe { libc::ioctl(self.fd.as_raw_fd(), request as _, arg as *mut T) };
        if r < 0 {
            return Err(Error::new(call, Errno::last()));
        }
        Ok(())
    }

    fn ifreq(name: &str, call: &'static str) -> Result<libc::ifreq> {
        // SAFETY: ifreq is plain data (a name and a union of integers,
        // addresses and one pointer); all-zero is a valid value of each.
        let mut r: libc::ifreq = unsafe { zeroed() };
        r.ifr_name = ifr_name(name, call)?;
        Ok(r)
    }

    /// Sets `IFF_UP` or clears it (`SIOCGIFFLAGS`, then `SIOCSIFFLAGS`).
    pub fn set_up(&self, name: &str, up: bool) -> Result<()> {
        let mut r = Self::ifreq(name, "ioctl(SIOCGIFFLAGS)")?;
        // SAFETY: SIOCGIFFLAGS takes a struct ifreq and writes its flags.
        unsafe { self.ioctl(libc::SIOCGIFFLAGS as c_ulong, &mut r, "ioctl(SIOCGIFFLAGS)")? };
        // SAFETY: SIOCGIFFLAGS filled ifru_flags, a c_short.
        let flags = unsafe { r.ifr_ifru.ifru_flags };
        let up_flag = libc::IFF_UP as c_short;
        r.ifr_ifru.ifru_flags = if up {
            flags | up_flag
        } else {
            flags & !up_flag
        };
        // SAFETY: SIOCSIFFLAGS takes a struct ifreq and reads its flags.
        unsafe { self.ioctl(libc::SIOCSIFFLAGS as c_ulong, &mut r, "ioctl(SIOCSIFFLAGS)") }
    }

    /// The interface's MTU (`SIOCSIFMTU`).
    pub fn set_mtu(&self, name: &str, mtu: u32) -> Result<()> {
        let mut r = Self::ifreq(name, "ioctl(SIOCSIFMTU)")?;
        r.ifr_ifru.ifru_mtu =
            c_int::try_from(mtu).map_err(|_| Error::new("ioctl(SIOCSIFMTU)", Errno::EINVAL))?;
        // SAFETY: SIOCSIFMTU takes a struct ifreq and reads its MTU.
        unsafe { self.ioctl(libc::SIOCSIFMTU as c_ulong, &mut r, "ioctl(SIOCSIFMTU)") }
    }

    /// Renames an interface that is down (`SIOCSIFNAME`).
    pub fn rename(&self, name: &str, new_name: &str) -> Result<()> {
        let mut r = Self::ifreq(name, "ioctl(SIOCSIFNAME)")?;
        r.ifr_ifru.ifru_newname = ifr_name(new_name, "ioctl(SIOCSIFNAME)")?;
        // SAFETY: SIOCSIFNAME takes a struct ifreq and reads the new name,
        // NUL-terminated within IFNAMSIZ.
        unsafe { self.ioctl(libc::SIOCSIFNAME as c_ulong, &mut r, "ioctl(SIOCSIFNAME)") }
    }

    /// Our IPv4 address with the peer's as the other end, netmask
    /// 255.255.255.255 (`SIOCSIFADDR`, `SIOCSIFDSTADDR`, `SIOCSIFNETMASK`,
    /// pppd's `sifaddr`).
    pub fn set_ipv4_pair(&self, name: &str, local: Ipv4Addr, peer: Ipv4Addr) -> Result<()> {
        for (request, address, call) in [
            (libc::SIOCSIFADDR, local, "ioctl(SIOCSIFADDR)"),
            (libc::SIOCSIFDSTADDR, peer, "ioctl(SIOCSIFDSTADDR)"),
            (
                libc::SIOCSIFNETMASK,
                Ipv4Addr::BROADCAST,
                "ioctl(SIOCSIFNETMASK)",
            ),
        ] {
            let mut r = Self::ifreq(name, call)?;
            r.ifr_ifru.ifru_addr = sockaddr_in(address);
            // SAFETY: each of these takes a struct ifreq and reads the
            // address in it.
            unsafe { self.ioctl(request as c_ulong, &mut r, call)? };
        }
        Ok(())
    }

    /// Removes the interface's IPv4 address: `SIOCSIFADDR` with 0.0.0.0,
    /// which the kernel takes as a deletion (pppd's `cifaddr`).
    pub fn clear_ipv4(&self, name: &str) -> Result<()> {
        let mut r = Self::ifreq(name, "ioctl(SIOCSIFADDR)")?;
        r.ifr_ifru.ifru_addr = sockaddr_in(Ipv4Addr::UNSPECIFIED);
        // SAFETY: SIOCSIFADDR takes a struct ifreq and reads the address.
        unsafe { self.ioctl(libc::SIOCSIFADDR as c_ulong, &mut r, "ioctl(SIOCSIFADDR)") }
    }

    /// Adds (`SIOCSIFADDR`) or removes (`SIOCDIFADDR`) an IPv6 address on
    /// interface `ifindex`. On an IPv6 socket.
    pub fn ipv6_address(
        &self,
        add: bool,
        ifindex: u32,
        address: Ipv6Addr,
        prefix_len: u8,
    ) -> Result<()> {
        let (request, call) = if add {
            (libc::SIOCSIFADDR, "ioctl(SIOCSIFADDR) for IPv6")
        } else {
            (libc::SIOCDIFADDR, "ioctl(SIOCDIFADDR)")
        };
        let mut r = In6Ifreq {
            ifr6_addr: in6_addr(address),
            ifr6_prefixlen: u32::from(prefix_len),
            ifr6_ifindex: c_int::try_from(ifindex).map_err(|_| Error::new(call, Errno::ENODEV))?,
        };
        // SAFETY: on an IPv6 socket both take a struct in6_ifreq, read only.
        unsafe { self.ioctl(request as c_ulong, &mut r, call) }
    }

    /// Adds (`SIOCADDRT`) or deletes (`SIOCDELRT`) an IPv4 route.
    pub fn ipv4_route(&self, add: bool, route: &Ipv4Route) -> Result<()> {
        let (request, call) = if add {
            (libc::SIOCADDRT, "ioctl(SIOCADDRT)")
        } else {
            (libc::SIOCDELRT, "ioctl(SIOCDELRT)")
        };
        // The ioctl's metric is the kernel's priority plus one.
        let metric = c_short::try_from(route.metric.saturating_add(1))
            .map_err(|_| Error::new(call, Errno::ERANGE))?;
        let prefix_len = route.prefix_len.min(32);
        let mask = if prefix_len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(prefix_len))
        };
        let dev = match &route.dev {
            Some(d) => Some(CString::new(d.as_str()).map_err(|_| Error::new(call, Errno::EINVAL))?),
            None => None,
        };
        let mut flags = libc::RTF_UP;
        if route.gateway.is_some() {
            flags |= libc::RTF_GATEWAY;
        }
        if prefix_len == 32 {
            flags |= libc::RTF_HOST;
        }
        let mut rt = RtEntry {
            rt_pad1: 0,
            rt_dst: sockaddr_in(route.destination),
            rt_gateway: sockaddr_in(route.gateway.unwrap_or(Ipv4Addr::UNSPECIFIED)),
            rt_genmask: sockaddr_in(Ipv4Addr::from(mask)),
            rt_flags: flags,
            rt_pad2: 0,
            rt_pad3: 0,
            rt_pad4: std::ptr::null_mut(),
            rt_metric: metric,
            rt_dev: dev
                .as_ref()
                .map_or(std::ptr::null_mut(), |d| d.as_ptr().cast_mut()),
            rt_mtu: 0,
            rt_window: 0,
            rt_irtt: 0,
        };
        // SAFETY: SIOCADDRT and SIOCDELRT on an IPv4 socket take a struct
        // rtentry, read only; its one followed pointer, rt_dev, is null or
        // the NUL-terminated `dev`, which outlives the call.
        unsafe { self.ioctl(request as c_ulong, &mut rt, call) }
    }

    /// Adds (`SIOCADDRT`) or deletes (`SIOCDELRT`) an IPv6 route through
    /// an interface. On an IPv6 socket.
    pub fn ipv6_route(&self, add: bool, route: &Ipv6Route) -> Result<()> {
        let (request, call) = if add {
            (libc::SIOCADDRT, "ioctl(SIOCADDRT) for IPv6")
        } else {
            (libc::SIOCDELRT, "ioctl(SIOCDELRT) for IPv6")
        };
        let unspecified = in6_addr(Ipv6Addr::UNSPECIFIED);
        let mut rt = In6Rtmsg {
            rtmsg_dst: in6_addr(route.destination),
            rtmsg_src: unspecified,
            rtmsg_gateway: unspecified,
            rtmsg_type: 0,
            rtmsg_dst_len: u16::from(route.prefix_len.min(128)),
            rtmsg_src_len: 0,
            rtmsg_metric: route.metric,
            rtmsg_info: 0,
            rtmsg_flags: u32::from(libc::RTF_UP),
            rtmsg_ifindex: c_int::try_from(route.ifindex)
                .map_err(|_| Error::new(call, Errno::ENODEV))?,
        };
        // SAFETY: on an IPv6 socket SIOCADDRT and SIOCDELRT take a struct
        // in6_rtmsg, read only; it holds no pointer.
        unsafe { self.ioctl(request as c_ulong, &mut rt, call) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    #[test]
    fn the_kernel_structures_have_the_kernels_sizes() {
        // On LP64: route.h's rtentry 120 bytes, in6_rtmsg 80, in6_ifreq 24.
        #[cfg(target_pointer_width = "64")]
        assert_eq!(size_of::<RtEntry>(), 120);
        #[cfg(target_pointer_width = "64")]
        assert_eq!(size_of::<In6Rtmsg>(), 80);
        assert_eq!(size_of::<In6Ifreq>(), 24);
    }

    #[test]
    fn a_name_that_does_not_fit_is_refused_before_any_call() {
        assert_eq!(
            ifr_name("a-name-too-long-for-it", "x").unwrap_err().errno(),
            Errno::EINVAL
        );
        assert!(ifr_name("", "x").is_err());
        assert_eq!(
            ifr_name("ppp0", "x").unwrap()[..5],
            [112, 112, 112, 48, 0].map(|b| b as c_char)
        );
    }
}
