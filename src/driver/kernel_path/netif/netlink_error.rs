//! rtnetlink's errors, said without rtnetlink's `Display`.
//!
//! `rtnetlink::Error`'s `Display` prints an unexpected message whole,
//! with `Debug`; formatting one anywhere keeps the `Debug` code of every
//! netlink message type (links, routes, traffic control, ...) in the
//! binary, about 70 KiB that a router build pays for and never runs.
//! [`NetlinkError`] says the same things without it: the kernel's error
//! (as rtnetlink does), or which kind of failure it was.

use std::fmt;

use nix::errno::Errno;

/// An rtnetlink request's failure.
#[derive(Debug)]
pub(super) struct NetlinkError(Kind);

#[derive(Debug)]
enum Kind {
    /// The kernel's answer: an errno (or 0 for none).
    Kernel(Option<i32>),
    /// An answer of the wrong type.
    Unexpected(u16),
    /// Anything else rtnetlink reports, by name.
    Other(&'static str),
}

impl NetlinkError {
    /// The kernel's errno, if it gave one.
    pub(super) fn errno(&self) -> Option<Errno> {
        match self.0 {
            Kind::Kernel(Some(n)) => Some(Errno::from_raw(n)),
            _ => None,
        }
    }
}

impl From<rtnetlink::Error> for NetlinkError {
    fn from(e: rtnetlink::Error) -> NetlinkError {
        use rtnetlink::Error as E;
        NetlinkError(match e {
            E::NetlinkError(m) => Kind::Kernel(m.to_io().raw_os_error()),
            E::UnexpectedMessage(m) => Kind::Unexpected(m.header.message_type),
            E::RequestFailed => Kind::Other("a netlink request failed"),
            E::NamespaceError(_) => Kind::Other("a network namespace error"),
            E::InvalidHardwareAddress(_) => Kind::Other("an invalid hardware address"),
            E::InvalidIp(_) | E::InvalidAddress(..) => Kind::Other("an invalid address"),
            E::InvalidNla(_) => Kind::Other("an invalid attribute"),
        })
    }
}

impl fmt::Display for NetlinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Kind::Kernel(Some(n)) => write!(
                f,
                "Received a netlink error message {}",
                std::io::Error::from_raw_os_error(n)
            ),
            Kind::Kernel(None) => f.write_str("Received a netlink error message"),
            Kind::Unexpected(t) => write!(f, "Received an unexpected message (type {t})"),
            Kind::Other(what) => f.write_str(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernels_errno_is_kept_and_said() {
        let mut m = netlink_packet_core::ErrorMessage::default();
        m.code = std::num::NonZeroI32::new(-libc::EEXIST);
        let e = NetlinkError::from(rtnetlink::Error::NetlinkError(m));
        assert_eq!(e.errno(), Some(Errno::EEXIST));
        assert!(e.to_string().contains("File exists"), "{e}");
    }
}
