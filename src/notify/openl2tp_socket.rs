//! Sending [`openl2tp`](super::openl2tp) event datagrams to openl2tpd's
//! event socket.
//!
//! pppd's plugin (`pppd/plugins/pppol2tp/openl2tp.c`) creates one
//! `PF_UNIX`/`SOCK_DGRAM` socket on the first event, `connect`s it to
//! `/tmp/openl2tp-event.sock` and `send`s each datagram with `MSG_NOSIGNAL`.
//! Every failure (no such socket, connection refused) is logged with
//! `error()` and otherwise ignored: the session carries on and the event is
//! lost. One quirk we do not copy: when that first `connect` fails, the
//! plugin keeps the unconnected socket, so every later event fails too, even
//! once openl2tpd is listening. [`EventSocket`] instead sends each datagram
//! with `sendto` from an unbound socket, so it reaches a daemon that started
//! (or restarted and re-bound the path) after the session did.
//!
//! The socket is non-blocking: when openl2tpd's receive queue is full the
//! datagram is dropped rather than stalling the session. Failures are logged
//! once at `warn` level, then at `debug` level until a send succeeds again,
//! so a host without openl2tpd does not fill its logs. Nothing here panics.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

use super::openl2tp::{Event, EVENT_SOCKET_PATH};

/// The sending side of openl2tpd's event socket.
///
/// The socket (close-on-exec, as every socket Rust's standard library
/// creates) is opened on the first send and kept.
#[derive(Debug)]
pub struct EventSocket {
    path: PathBuf,
    socket: Option<UnixDatagram>,
    /// A failure was logged at `warn` and no send succeeded since.
    warned: bool,
}

impl Default for EventSocket {
    fn default() -> Self {
        Self::new()
    }
}

impl EventSocket {
    /// Sends to [`EVENT_SOCKET_PATH`], where openl2tpd listens.
    pub fn new() -> Self {
        Self::with_path(EVENT_SOCKET_PATH)
    }

    /// Sends to another path (tests, or a daemon built with another path).
    pub fn with_path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            socket: None,
            warned: false,
        }
    }

    /// The path datagrams go to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Encodes and sends one event. Returns whether the datagram was
    /// handed to the listener; a failure has been logged and is otherwise
    /// of no consequence, as with pppd.
    pub fn send(&mut self, event: &Event<'_>) -> bool {
        match event.encode() {
            Ok(datagram) => {
                let sent = self.send_datagram(&datagram);
                if sent {
                    tracing::debug!(
                        "openl2tp send: sent {}, {} bytes",
                        event.name(),
                        datagram.len()
                    );
                }
                sent
            }
            Err(e) => {
                tracing::warn!("{e}: {} not sent", event.name());
                false
            }
        }
    }

    /// Sends one datagram as it is. Returns whether it was handed to the
    /// listener.
    pub fn send_datagram(&mut self, datagram: &[u8]) -> bool {
        match self.try_send(datagram) {
            Ok(()) => {
                self.warned = false;
                true
            }
            Err(e) => {
                self.report(&e);
                false
            }
        }
    }

    fn try_send(&mut self, datagram: &[u8]) -> io::Result<()> {
        let socket = match &self.socket {
            Some(s) => s,
            None => {
                let s = UnixDatagram::unbound()?;
                s.set_nonblocking(true)?;
                self.socket.insert(s)
            }
        };
        let n = socket.send_to(datagram, &self.path)?;
        if n == datagram.len() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "sent {n} of {} bytes",
                datagram.len()
            )))
        }
    }

    fn report(&mut self, e: &io::Error) {
        let path = self.path.display();
        if self.warned {
            tracing::debug!("openl2tp send to {path}: {e}; event dropped");
        } else {
            self.warned = true;
            tracing::warn!(
                "openl2tp send to {path}: {e}; event dropped (further failures are logged at debug level)"
            );
        }
    }
}
