//! The interface's configuration (link, addresses, counters, routes,
//! proxy ARP) by one of two means, chosen when rppp is built:
//!
//! - With the `rtnetlink` feature (every build but the router's):
//!   rtnetlink, on a socket an engine's sessions share, served on a
//!   thread of its own (`netlink_thread`): requests from a thousand
//!   sessions queue there, not on the runtime's thread.
//! - Without it (the router build, issue #19): the socket ioctls pppd
//!   uses, and `/proc/net` for what they cannot read, in
//!   [`crate::kernel::IfSocket`]. The netlink crates' parsers of every
//!   rtnetlink message type are a third of a router binary, and a router
//!   carries one session. Proxy ARP is not in this build: `proxyarp` is
//!   refused when the options are read.
//!
//! Both give [`Netif`] and [`Route`] the same methods, so the data path
//! above them is one code.

#[cfg(not(feature = "rtnetlink"))]
mod ioctl;
#[cfg(feature = "rtnetlink")]
mod netlink_error;
#[cfg(feature = "rtnetlink")]
mod rtnl;

use std::fmt;

use nix::errno::Errno;

#[cfg(not(feature = "rtnetlink"))]
pub use ioctl::Netif;
#[cfg(not(feature = "rtnetlink"))]
pub(crate) use ioctl::Route;
#[cfg(feature = "rtnetlink")]
pub use rtnl::Netif;
#[cfg(feature = "rtnetlink")]
pub(crate) use rtnl::Route;

/// A request's failure: which request, and why.
#[derive(Debug)]
pub(crate) struct NetifError {
    call: &'static str,
    cause: Cause,
}

#[derive(Debug)]
enum Cause {
    /// The kernel's error number.
    Errno(Errno),
    /// rtnetlink's failure.
    #[cfg(feature = "rtnetlink")]
    Netlink(netlink_error::NetlinkError),
    /// Something this build leaves out.
    #[cfg_attr(feature = "rtnetlink", allow(dead_code))]
    NotInThisBuild(&'static str),
    /// Anything else, said.
    Other(&'static str),
}

impl NetifError {
    /// The request (an rtnetlink message type or an ioctl) that failed.
    pub(crate) fn call(&self) -> &'static str {
        self.call
    }

    /// The kernel's error number, if it gave one.
    pub(crate) fn errno(&self) -> Option<Errno> {
        match &self.cause {
            Cause::Errno(e) => Some(*e),
            #[cfg(feature = "rtnetlink")]
            Cause::Netlink(e) => e.errno(),
            Cause::NotInThisBuild(_) | Cause::Other(_) => None,
        }
    }
}

impl From<crate::kernel::Error> for NetifError {
    fn from(e: crate::kernel::Error) -> NetifError {
        NetifError {
            call: e.call(),
            cause: Cause::Errno(e.errno()),
        }
    }
}

impl fmt::Display for NetifError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Errno(e) => f.write_str(&crate::kernel::errno_text(*e)),
            #[cfg(feature = "rtnetlink")]
            Cause::Netlink(e) => e.fmt(f),
            Cause::NotInThisBuild(what) => {
                write!(f, "{what} is not in this build of rppp (no rtnetlink)")
            }
            Cause::Other(what) => f.write_str(what),
        }
    }
}
