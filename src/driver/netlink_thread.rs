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
                    Ok((connection, handle, _)) => {
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

#[cfg(test)]
mod tests {
    use super::*;

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
