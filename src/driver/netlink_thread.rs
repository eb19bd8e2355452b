//! The engine's rtnetlink socket, served on a thread of its own.
//!
//! The kernel handles a netlink request inside the sender's `sendmsg`,
//! and an rtnetlink request first takes RTNL. RTNL is the lock every
//! interface creation and deletion of the whole machine holds, for tens
//! of milliseconds each when thousands of interfaces exist (deleting one
//! walks the routing tables and waits for RCU grace periods), and
//! another process (the peer's engine, in the lab) takes it as often as
//! we do. On a current-thread runtime the connection task's `sendmsg`
//! would stop every session of the engine for as long as it waits:
//! LCP echoes, the L2TP daemon's acknowledgements and HELLOs, and every
//! timer. With ten thousand sessions that stall was longer than the
//! peers' patience, and sessions that then ended made more deletions,
//! longer stalls: bring-up stopped converging. On this thread only the
//! netlink requests wait; the sessions await their answers like any
//! other I/O.

use std::io;
use std::sync::mpsc;

use rtnetlink::sys::AsyncSocket as _;
use rtnetlink::Handle;

/// The thread's name (as `ps -T` shows it).
const THREAD_NAME: &str = "rppp-netlink";

/// Opens an rtnetlink socket served on a new thread and returns its
/// handle. The thread is spawned from the caller's thread, so the socket
/// is in the caller's network namespace; it ends once every clone of the
/// handle is dropped (the connection then has no more requests to serve).
pub(crate) fn rtnetlink_handle() -> io::Result<Handle> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                match rtnetlink::new_connection() {
                    Ok((mut connection, handle, _)) => {
                        room_for_answers(connection.socket_mut().socket_ref());
                        let _ = tx.send(Ok(handle));
                        connection.await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })?;
    rx.recv().unwrap_or_else(|_| {
        Err(io::Error::other(
            "the netlink thread ended before opening its socket",
        ))
    })
}

/// The receive buffer asked for: room for the answers to a request from
/// each of some thousands of sessions at once.
const RECEIVE_BUFFER: usize = 8 << 20;

/// Makes the socket's receive buffer large enough for the answers to
/// every request in flight.
///
/// The kernel answers each request (an ACK or an error) into this
/// socket's receive queue while the connection is still sending the
/// ones behind it; when the queue is full the answer is dropped (the
/// socket then reads `ENOBUFS`), and the session waiting for it would
/// wait for ever. The default buffer (`rmem_default`, 208 KiB) holds a
/// few hundred answers; each session has at most one request in flight,
/// so thousands of sessions setting up at once need more.
/// `SO_RCVBUFFORCE` goes past `rmem_max` for a privileged process (rppp
/// runs as root to create interfaces); otherwise `SO_RCVBUF` gets what
/// the system allows.
fn room_for_answers(socket: &rtnetlink::sys::Socket) {
    use nix::sys::socket::{setsockopt, sockopt};
    if setsockopt(socket, sockopt::RcvBufForce, &RECEIVE_BUFFER).is_err() {
        if let Err(e) = setsockopt(socket, sockopt::RcvBuf, &RECEIVE_BUFFER) {
            tracing::debug!("SO_RCVBUF on the rtnetlink socket: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As root the buffer goes past `rmem_max`: room for the answers of
    /// thousands of requests (the kernel reports twice what was asked).
    #[test]
    fn the_receive_buffer_has_room_for_thousands_of_answers() {
        use nix::sys::socket::{getsockopt, sockopt};
        let Ok(socket) = rtnetlink::sys::Socket::new(rtnetlink::sys::protocols::NETLINK_ROUTE)
        else {
            eprintln!("skipped: no netlink socket here");
            return;
        };
        room_for_answers(&socket);
        let got = getsockopt(&socket, sockopt::RcvBuf).expect("SO_RCVBUF");
        if nix::unistd::geteuid().is_root() {
            assert!(got >= RECEIVE_BUFFER, "receive buffer {got}");
        } else {
            eprintln!("not root: SO_RCVBUF gave {got}");
        }
    }

    /// The handle works from another runtime than the connection's: a
    /// link dump (every network namespace has `lo`) answers through it.
    #[test]
    fn a_request_from_the_callers_runtime_is_answered_from_the_thread() {
        use futures_util::TryStreamExt as _;
        let Ok(handle) = rtnetlink_handle() else {
            eprintln!("skipped: no rtnetlink socket here");
            return;
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let links =
            runtime.block_on(async { handle.link().get().execute().try_collect::<Vec<_>>().await });
        let links = links.expect("a link dump");
        assert!(!links.is_empty(), "no link at all, not even lo");
    }
}
