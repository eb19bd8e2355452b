//! Reading and writing `[protocol][information]` frames on the channel and
//! unit fds, non-blocking, under tokio.
//!
//! Used by the driver for the channel and unit fds, and by the fake data
//! path for its socketpairs. Both fds are read with one 64 KiB buffer per thread (a frame is
//! processed before the next read), so an idle session holds no buffer.

use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::sync::Arc;

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// The largest frame read: 64 KiB, as pppd's buffers.
pub const READ_BUFFER: usize = 65536;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; READ_BUFFER]);
}

/// What one read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// A frame: its protocol and Information field were passed to the
    /// callback.
    Frame,
    /// A frame too short to hold a protocol number.
    Runt,
    /// Nothing queued.
    Empty,
    /// End of file or HUP: the other end is gone.
    Closed,
}

/// An fd shared between its owner (a `/dev/ppp` channel or unit, whose
/// ioctls need it) and a [`FrameFd`] that reads it, without a `dup`: a
/// session holds three fds, not five.
pub type SharedFd = Arc<dyn AsFd + Send + Sync>;

struct Shared(SharedFd);

impl AsRawFd for Shared {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_fd().as_raw_fd()
    }
}

/// One non-blocking frame fd registered with tokio.
pub struct FrameFd {
    fd: AsyncFd<Shared>,
}

impl std::fmt::Debug for FrameFd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FrameFd({})", self.fd.get_ref().as_raw_fd())
    }
}

impl FrameFd {
    /// Registers `fd` (made non-blocking) for reading and writing.
    pub fn new(fd: SharedFd) -> io::Result<Self> {
        let flags = fcntl(fd.as_fd(), FcntlArg::F_GETFL).map_err(io::Error::from)?;
        let flags = OFlag::from_bits_retain(flags) | OFlag::O_NONBLOCK;
        fcntl(fd.as_fd(), FcntlArg::F_SETFL(flags)).map_err(io::Error::from)?;
        // SAFETY: the AsyncFd holds a reference to the owner of an open
        // descriptor (an OwnedFd, or a Channel or Unit that owns its File):
        // the descriptor cannot be closed or replaced while that reference
        // lives, so it stays the same open file description until the
        // AsyncFd is dropped (tokio's I/O-safety requirement).
        let fd = unsafe { AsyncFd::register_with_interest(Shared(fd), Interest::READABLE)? };
        Ok(FrameFd { fd })
    }

    /// Waits until the fd is readable (or hung up).
    pub async fn readable(&self) -> io::Result<()> {
        let mut guard = self.fd.readable().await?;
        guard.clear_ready();
        Ok(())
    }

    /// Polls for readability (or a hangup), for a task that waits on
    /// several things at once without a future per fd: the task is woken
    /// when the fd becomes readable.
    pub fn poll_readable(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        self.fd
            .poll_read_ready(cx)
            .map_ok(|mut guard| guard.clear_ready())
    }

    /// Reads one frame if one is queued, handing `(protocol, information)`
    /// to `f`.
    pub fn read(&self, f: impl FnOnce(u16, &[u8])) -> io::Result<Read> {
        BUFFER.with(|b| {
            let mut buf = b.borrow_mut();
            match nix::unistd::read(self.fd.get_ref().0.as_fd(), &mut buf) {
                Ok(0) => Ok(Read::Closed),
                Ok(n) if n < 2 => Ok(Read::Runt),
                Ok(n) => {
                    f(u16::from_be_bytes([buf[0], buf[1]]), &buf[2..n]);
                    Ok(Read::Frame)
                }
                Err(Errno::EAGAIN) | Err(Errno::EINTR) => Ok(Read::Empty),
                // A deleted session's channel fd may fail reads with these.
                Err(Errno::EIO) | Err(Errno::ENOTCONN) | Err(Errno::EPIPE) => Ok(Read::Closed),
                Err(e) => Err(io::Error::from(e)),
            }
        })
    }

    /// Writes one frame: `protocol` then `information`. Control frames are
    /// small; a full queue (`EAGAIN`) drops the frame, as a lossy link
    /// would, and the protocols retransmit.
    pub fn write(&self, protocol: u16, information: &[u8]) -> io::Result<bool> {
        let mut frame = Vec::with_capacity(2 + information.len());
        frame.extend_from_slice(&protocol.to_be_bytes());
        frame.extend_from_slice(information);
        match nix::unistd::write(self.fd.get_ref().0.as_fd(), &frame) {
            Ok(_) => Ok(true),
            Err(Errno::EAGAIN) | Err(Errno::ENOBUFS) => Ok(false),
            Err(e) => Err(io::Error::from(e)),
        }
    }
}
