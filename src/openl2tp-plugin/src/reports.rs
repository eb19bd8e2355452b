//! What the Engine's thread tells openl2tpd, delivered on openl2tpd's
//! event-loop thread: the engine side queues a [`Report`] and writes a
//! byte to a pipe; the pipe's read end is registered with openl2tpd's
//! event loop (`usl_fd_add_fd`), whose callback drains the queue and
//! calls openl2tpd's own functions. openl2tpd is single-threaded: none of
//! its functions is ever called from another thread.

use std::collections::VecDeque;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Mutex};

/// One thing to tell openl2tpd about session (`tunnel_id`, `session_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Report {
    /// PPP's network layer came up or went down (pppd's openl2tp.so
    /// sends the same): the unit, the interface, the peer's user name.
    UpDown {
        tunnel_id: u16,
        session_id: u16,
        up: bool,
        unit: i32,
        ifname: String,
        user_name: String,
    },
    /// The ACCMs LCP settled (an LNS sends Set-Link-Info with them).
    Accm {
        tunnel_id: u16,
        session_id: u16,
        send_accm: u32,
        recv_accm: u32,
    },
    /// PPP is over, or never started: openl2tpd closes the session.
    Closed { tunnel_id: u16, session_id: u16 },
}

/// The engine side's end: queue and wake.
#[derive(Debug, Clone)]
pub(crate) struct Reporter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    queue: Mutex<VecDeque<Report>>,
    wake: OwnedFd,
}

/// openl2tpd's end: the pipe's read end and the queue.
#[derive(Debug)]
pub(crate) struct Inbox {
    inner: Arc<Inner>,
    read: OwnedFd,
}

/// A reporter and its inbox, joined by a non-blocking close-on-exec pipe.
pub(crate) fn channel() -> io::Result<(Reporter, Inbox)> {
    let (read, write) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(io::Error::from)?;
    let inner = Arc::new(Inner {
        queue: Mutex::new(VecDeque::new()),
        wake: write,
    });
    Ok((
        Reporter {
            inner: Arc::clone(&inner),
        },
        Inbox { inner, read },
    ))
}

impl Reporter {
    /// Queues `report` and wakes openl2tpd's loop.
    pub(crate) fn send(&self, report: Report) {
        if let Ok(mut q) = self.inner.queue.lock() {
            q.push_back(report);
        }
        // A full pipe already has a wakeup pending: EAGAIN is fine.
        let _ = nix::unistd::write(&self.inner.wake, &[1]);
    }
}

impl Inbox {
    /// The fd openl2tpd's loop watches.
    pub(crate) fn fd(&self) -> i32 {
        self.read.as_raw_fd()
    }

    /// Empties the pipe and returns every queued report, oldest first.
    pub(crate) fn take(&self) -> Vec<Report> {
        let mut buf = [0u8; 256];
        while matches!(nix::unistd::read(&self.read, &mut buf), Ok(n) if n > 0) {}
        match self.inner.queue.lock() {
            Ok(mut q) => q.drain(..).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// A C string for openl2tpd, with any NUL cut off (interface and user
/// names never hold one; a peer's name might).
pub(crate) fn c_text(s: &str) -> CString {
    let s = s.split('\0').next().unwrap_or("");
    CString::new(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_arrive_in_order_and_the_pipe_is_drained() {
        let (tx, rx) = channel().unwrap();
        let other = tx.clone();
        std::thread::spawn(move || {
            for session_id in 0..1000 {
                other.send(Report::Closed {
                    tunnel_id: 1,
                    session_id,
                });
            }
        })
        .join()
        .unwrap();
        let got = rx.take();
        assert_eq!(got.len(), 1000);
        assert!(got.iter().enumerate().all(
            |(i, r)| matches!(r, Report::Closed { session_id, .. } if usize::from(*session_id) == i)
        ));
        // Drained: nothing left to read, nothing queued.
        let mut buf = [0u8; 8];
        assert!(nix::unistd::read(&rx.read, &mut buf).is_err());
        assert!(rx.take().is_empty());
    }

    #[test]
    fn names_with_a_nul_are_cut_not_refused() {
        assert_eq!(c_text("bob\0evil").as_bytes(), b"bob");
    }
}
