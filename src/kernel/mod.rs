//! The kernel data path: PPPoL2TP sockets, `/dev/ppp` channel and unit fds,
//! and the ioctls that join them. The only module of rppp with `unsafe` code
//! (allowed here alone, see the crate root), each `unsafe` block with a
//! `// SAFETY:` comment that says why it is sound.
//!
//! The order of calls an engine makes (DESIGN.md, "The kernel data path"):
//!
//! 1. The L2TP daemon creates and connects a [`PppoL2tpSocket`] and passes
//!    its fd; the engine sets the [`PppoL2tpOption`]s it was asked for.
//! 2. [`PppoL2tpSocket::channel_index`] (`PPPIOCGCHAN`); from then on the
//!    kernel routes received frames into ppp_generic and reading the socket
//!    fails with `EIO`.
//! 3. [`Channel::attach`] (`PPPIOCATTCHAN` on a fresh `/dev/ppp`).
//! 4. A unit: [`Unattached::create_named`] (`RTM_NEWLINK` naming it) or
//!    [`Unattached::new_unit`] (`PPPIOCNEWUNIT`).
//! 5. [`Channel::connect`] (`PPPIOCCONNECT`).
//!
//! Frames on the channel and unit fds are `[protocol: u16 BE][information]`.
//! Every function names the call that failed in its [`Error`].

#![warn(
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block
)]

pub mod frames;
pub mod heap;
mod ifconfig;
mod ioctl;
mod nd_socket;
mod ppp;
mod pppol2tp;
pub mod proc_net;
mod rtnl;

use std::fmt;
use std::os::fd::{AsFd, FromRawFd, OwnedFd, RawFd};

pub use ifconfig::{IfSocket, Ipv4Route, Ipv6Route};
pub use ioctl::Pppol2tpIocStats;
pub use nd_socket::{NdReceived, NdSocket};
pub use nix::errno::Errno;
pub use ppp::{Channel, IdleTime, Unattached, Unit};
pub use pppol2tp::{L2tpStats, PppoL2tpAddr, PppoL2tpOption, PppoL2tpSocket};

/// A failed system call: which call, and the error number it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    call: &'static str,
    errno: Errno,
}

impl Error {
    pub(crate) fn new(call: &'static str, errno: Errno) -> Self {
        Error { call, errno }
    }

    /// The call that failed, e.g. `"ioctl(PPPIOCGCHAN) on the PPPoL2TP socket"`.
    pub fn call(&self) -> &'static str {
        self.call
    }

    /// The error number, for callers that handle some (`EAGAIN`, `EBUSY`, `EIO`).
    pub fn errno(&self) -> Errno {
        self.errno
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed: {} ({:?})",
            self.call,
            errno_text(self.errno),
            self.errno
        )
    }
}

/// The C library's usual text for an error number, as `strerror` and
/// pppd's `%m` give it ("Bad file descriptor"; nix's own descriptions
/// differ: "Bad file number").
pub fn errno_text(errno: Errno) -> String {
    os_error_text(&std::io::Error::from_raw_os_error(errno as i32))
}

/// An I/O error as a sentence's end: the operating system's text without
/// the " (os error N)" that the standard library appends to it.
pub fn os_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(i)) => text[..i].to_string(),
        _ => text,
    }
}

impl std::error::Error for Error {}

/// Takes an fd number inherited from the parent (the L2TP daemon's
/// `pppol2tp <fd>`, `passwordfd <fd>`): checks that it is open, makes it
/// close-on-exec, and owns it from then on. `what` names it in errors.
///
/// # Safety
///
/// The caller vouches for the number, as for [`OwnedFd::from_raw_fd`]:
/// if `fd` is open, it was inherited (not opened by this process), nothing
/// else in this process owns or uses it, and nothing will afterwards: each
/// number is taken at most once, and the raw number is not used again once
/// the returned [`OwnedFd`] exists. A number that is not open is refused
/// here (`EBADF`), so only what is open needs vouching for.
pub unsafe fn take_inherited_fd(fd: RawFd, what: &'static str) -> Result<OwnedFd> {
    if fd < 0 {
        return Err(Error::new(what, Errno::EBADF));
    }
    // SAFETY: F_GETFD reads the descriptor's flags and touches no memory;
    // an fd that is not open fails with EBADF.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(Error::new(what, Errno::last()));
    }
    // SAFETY: the fd is open (checked above), and the caller vouches that
    // it was inherited and that nothing else in this process owns or uses
    // it (this function's contract), so the OwnedFd is its sole owner.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    nix::fcntl::fcntl(
        owned.as_fd(),
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )
    .map_err(|e| Error::new(what, e))?;
    Ok(owned)
}

/// The result of a kernel call.
pub type Result<T> = std::result::Result<T, Error>;

/// Attach the name of the call to a nix result.
pub(crate) trait Context<T> {
    fn context(self, call: &'static str) -> Result<T>;
}

impl<T> Context<T> for nix::Result<T> {
    fn context(self, call: &'static str) -> Result<T> {
        self.map_err(|e| Error::new(call, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_the_call_and_the_reason() {
        let e = Error::new("ioctl(PPPIOCGCHAN) on the PPPoL2TP socket", Errno::ENOTTY);
        let s = e.to_string();
        assert!(
            s.starts_with("ioctl(PPPIOCGCHAN) on the PPPoL2TP socket failed: "),
            "{s}"
        );
        assert!(s.ends_with("(ENOTTY)"), "{s}");
        assert_eq!(e.errno(), Errno::ENOTTY);
    }

    #[test]
    fn errors_read_as_the_c_library_words_them() {
        assert_eq!(errno_text(Errno::EBADF), "Bad file descriptor");
        assert_eq!(
            os_error_text(&std::io::Error::from_raw_os_error(libc::ENOENT)),
            "No such file or directory"
        );
        let custom = std::io::Error::other("no (os error here)");
        assert_eq!(os_error_text(&custom), "no (os error here)");
        let s = Error::new("open(/dev/ppp)", Errno::EBADF).to_string();
        assert_eq!(s, "open(/dev/ppp) failed: Bad file descriptor (EBADF)");
    }
}
