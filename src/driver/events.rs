//! The engine's one event stream: every session's events, tagged with its
//! id, through one bounded channel.
//!
//! # Back-pressure
//!
//! The stream holds at most [`EVENT_STREAM_CAPACITY`] events (or what
//! [`Engine::with_event_capacity`](super::Engine::with_event_capacity)
//! says). A session never waits for room in it while it has protocol work
//! to do: it keeps its undelivered events in a small queue of its own and
//! hands them over as room appears, while its timers keep running and its
//! frames keep being answered. Only when a session's own queue holds
//! [`SESSION_OUTBOX`] events does it stop reading new frames (the kernel
//! then queues or drops them, as on a congested link) until the consumer
//! catches up; its timers still run, so a consumer that stops reading
//! altogether costs each session at most that many events of memory, and
//! never stalls another session. [`EngineEvent::Ended`] always reaches the
//! stream, after every earlier event of that session. An embedder that
//! does not want the events drops [`EngineEvents`]: sessions then discard
//! them.

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::Duration;

use tokio::sync::mpsc;

use super::datapath::L2tpIds;
use super::end::Ended;
use super::status::SessionId;
use crate::kernel::L2tpStats;
use crate::session::SessionEvent;

/// Events the engine's stream holds at most, by default.
pub const EVENT_STREAM_CAPACITY: usize = 1024;

/// Events one session keeps waiting for room in the stream before it
/// stops reading frames.
pub const SESSION_OUTBOX: usize = 64;

/// What the engine says about a session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EngineEvent {
    /// The unit exists: the interface name and unit number, and the L2TP
    /// ids of both ends when the data path has them (OpenL2TP's "session
    /// created").
    Created {
        /// The interface name.
        ifname: String,
        /// The unit number.
        unit: u32,
        /// Our and the peer's tunnel and session ids.
        l2tp: Option<L2tpIds>,
    },
    /// What the session reported: link up, `SendAccm`, authenticated, IP
    /// up and down (OpenL2TP's "session up" and "down"), IPv6 up and
    /// down, phase changes.
    Session(SessionEvent),
    /// The link's figures since the first network protocol came up, sent
    /// just before each `IpDown`/`Ipv6Down` and before `Ended` (what pppd
    /// gives its down scripts as `CONNECT_TIME`, `BYTES_SENT`,
    /// `BYTES_RCVD`).
    LinkStats(NetworkStats),
    /// The L2TP session's final counters (OpenL2TP's "statistics"), just
    /// before `Ended`, where the data path has them. Counters of a
    /// running session come from [`Engine::stats`](super::Engine::stats).
    Stats(L2tpStats),
    /// The session is over and everything it set up is gone: its
    /// interface, and every fd it held (the PPPoL2TP socket included) is
    /// closed, so the L2TP daemon may delete the session at once
    /// (OpenL2TP's "session deleted"). The last event of the session.
    Ended(Ended),
}

/// The link's figures since the first network protocol came up (pppd's
/// `update_link_stats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkStats {
    /// Time since then.
    pub connect_time: Duration,
    /// Octets the interface sent since then.
    pub bytes_sent: u64,
    /// Octets the interface received since then.
    pub bytes_rcvd: u64,
}

/// What a session tells its [`Hooks`](super::Hooks) before it brings the
/// interface up for IPv4 (pppd's `ip-pre-up`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpPreUp {
    /// Our address.
    pub local: Ipv4Addr,
    /// The peer's address.
    pub peer: Ipv4Addr,
    /// The DNS servers the peer gave us.
    pub dns: [Option<Ipv4Addr>; 2],
    /// The NBNS servers the peer gave us.
    pub nbns: [Option<Ipv4Addr>; 2],
}

/// The receiving end of the engine's event stream; see the module's
/// documentation for its back-pressure.
#[derive(Debug)]
pub struct EngineEvents {
    rx: mpsc::Receiver<(SessionId, EngineEvent)>,
}

impl EngineEvents {
    pub(crate) fn channel(capacity: usize) -> (EventSender, EngineEvents) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (EventSender(tx), EngineEvents { rx })
    }

    /// The next event of any session; `None` once the engine and every
    /// session are gone.
    pub async fn next(&mut self) -> Option<(SessionId, EngineEvent)> {
        self.rx.recv().await
    }

    /// The next event if one is waiting.
    pub fn try_next(&mut self) -> Option<(SessionId, EngineEvent)> {
        self.rx.try_recv().ok()
    }
}

/// The engine's side of the stream.
#[derive(Debug, Clone)]
pub(crate) struct EventSender(mpsc::Sender<(SessionId, EngineEvent)>);

/// One session's events on their way to the stream.
#[derive(Debug)]
pub(crate) struct Outbox {
    id: SessionId,
    tx: EventSender,
    queue: VecDeque<EngineEvent>,
    /// The wait for room in the stream, while events are queued.
    room: Option<RoomWait>,
    /// Events dropped because the embedder's stream is gone.
    pub(crate) dropped: u32,
}

/// A wait for a slot in the stream, held by the outbox only while it has
/// events queued (boxed: most sessions never wait).
struct RoomWait(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>);

impl std::fmt::Debug for RoomWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RoomWait")
    }
}

impl Outbox {
    pub(crate) fn new(id: SessionId, tx: EventSender) -> Outbox {
        Outbox {
            id,
            tx,
            queue: VecDeque::new(),
            room: None,
            dropped: 0,
        }
    }

    /// Hands `event` over, or queues it behind those waiting for room.
    pub(crate) fn push(&mut self, event: EngineEvent) {
        if self.queue.is_empty() {
            match self.tx.0.try_send((self.id, event)) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full((_, event))) => self.queue.push_back(event),
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    self.dropped = self.dropped.saturating_add(1)
                }
            }
        } else {
            self.queue.push_back(event);
            self.flush();
        }
    }

    /// Hands over queued events while the stream has room. An emptied
    /// queue gives its memory back: established sessions hold none.
    pub(crate) fn flush(&mut self) {
        while let Some(event) = self.queue.pop_front() {
            match self.tx.0.try_send((self.id, event)) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full((_, event))) => {
                    self.queue.push_front(event);
                    return;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    self.dropped = self.dropped.saturating_add(1);
                }
            }
        }
        self.queue = VecDeque::new();
    }

    /// Whether the session should stop reading frames until the consumer
    /// catches up.
    pub(crate) fn is_full(&self) -> bool {
        self.queue.len() >= SESSION_OUTBOX
    }

    /// Ready when the stream has room again for the queued events;
    /// pending while nothing is queued. The task is woken when room comes.
    pub(crate) fn poll_room(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.queue.is_empty() {
            self.room = None;
            return std::task::Poll::Pending;
        }
        let tx = &self.tx.0;
        let wait = self.room.get_or_insert_with(|| {
            let tx = tx.clone();
            // A permit dropped unused gives its slot back; flush then
            // takes it. An error means the stream is gone: flush discards.
            RoomWait(Box::pin(async move {
                let _ = tx.reserve_owned().await;
            }))
        });
        std::task::ready!(wait.0.as_mut().poll(cx));
        self.room = None;
        std::task::Poll::Ready(())
    }

    /// Hands over every queued event, waiting for room as needed: the
    /// session's last act.
    pub(crate) async fn close(&mut self) {
        while let Some(event) = self.queue.pop_front() {
            if self.tx.0.send((self.id, event)).await.is_err() {
                return;
            }
        }
    }
}
