//! Reliable delivery of control messages (RFC 2661 section 5.8).
//!
//! Every control message but a ZLB takes the next Ns; every message,
//! ZLBs included, carries Nr, the Ns expected next from the peer, which
//! acknowledges everything before it. Messages wait in order until
//! acknowledged:
//! - at most the peer's Receive Window Size of them are in flight; the rest
//!   queue (section 5.8, "MUST NOT ... more than the window");
//! - one not acknowledged after a timeout (1 s) is sent again, the timeout
//!   doubling up to a cap (8 s), and after `max_retransmits` retries the
//!   peer is unreachable and the tunnel is torn down;
//! - a timeout resends only the oldest message and closes the congestion
//!   window to one (appendix A, the `congestion` module); the rest of what
//!   was in flight goes again as acknowledgements reopen it, so no single
//!   event repeats a whole window at once;
//! - a message received in order is acknowledged by the next message we
//!   send, or by a ZLB after `ack_delay` if there is none; once half the
//!   window we advertise has arrived unacknowledged, the ZLB goes at once:
//!   a peer with much to send (a thousand CDNs when a tunnel's sessions
//!   all end) would otherwise wait `ack_delay` for each window's worth;
//! - a duplicate (an Ns before the one expected) is acknowledged again at
//!   once, with a ZLB, and dropped;
//! - a message ahead of the one expected is held if it falls inside our
//!   window, delivered once the gap fills, and dropped otherwise.
//!
//! Sequence numbers compare modulo 2^16: an Ns up to 32767 ahead of the
//! expected one is "ahead", anything else is "behind".

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::congestion::CongestionWindow;
use crate::header::{HeaderRepr, CONTROL_HEADER_LEN, NR_OFFSET};

/// Retransmission and acknowledgement settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliableConfig {
    /// The first retransmission timeout (section 5.8 recommends 1 s).
    pub initial_timeout: Duration,
    /// The largest timeout backoff reaches (section 5.8: "at least 8 s").
    pub max_timeout: Duration,
    /// Retransmissions of one message before the peer is declared
    /// unreachable (section 5.8 recommends 5).
    pub max_retransmits: u32,
    /// How long an acknowledgement may wait for a message to carry it
    /// before a ZLB is sent.
    pub ack_delay: Duration,
    /// The Receive Window Size we advertise: how many out-of-order
    /// messages we hold.
    pub receive_window: u16,
}

impl Default for ReliableConfig {
    fn default() -> Self {
        ReliableConfig {
            initial_timeout: Duration::from_secs(1),
            max_timeout: Duration::from_secs(8),
            max_retransmits: 5,
            ack_delay: Duration::from_millis(200),
            receive_window: 8,
        }
    }
}

impl ReliableConfig {
    /// How long a full retransmission cycle takes: the time after which a
    /// message sent now is given up. A closing tunnel keeps its state this
    /// long (section 5.7).
    pub fn full_cycle(&self) -> Duration {
        let mut timeout = self.initial_timeout;
        let mut total = Duration::ZERO;
        for _ in 0..=self.max_retransmits {
            total += timeout;
            timeout = (timeout * 2).min(self.max_timeout);
        }
        total
    }
}

/// Counters of the delivery layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReliableCounters {
    /// Messages sent for the first time (ZLBs excluded).
    pub sent: u64,
    /// Retransmissions.
    pub retransmissions: u64,
    /// ZLB acknowledgements sent.
    pub zlbs_sent: u64,
    /// Messages the peer acknowledged.
    pub acknowledged: u64,
    /// Retransmission timeouts (each closes the congestion window).
    pub timeouts: u64,
    /// Messages delivered in order (held ones included).
    pub delivered: u64,
    /// Duplicates received, acknowledged again and dropped.
    pub duplicates: u64,
    /// Messages received ahead of order and held.
    pub out_of_order: u64,
    /// Messages received ahead of order, beyond our window, dropped.
    pub out_of_window: u64,
}

/// What to do with a received message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// In order: process it, then [`Reliable::next_held`].
    Deliver,
    /// A ZLB: nothing to process.
    Ack,
    /// A duplicate, acknowledged again: drop it.
    Duplicate,
    /// Ahead of order: held until the gap fills.
    Held,
    /// Ahead of order and beyond our window: dropped.
    OutOfWindow,
}

/// The peer did not acknowledge a message after every retransmission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreachable {
    /// The Ns of the message given up.
    pub ns: u16,
    /// How many times it was sent.
    pub attempts: u32,
}

#[derive(Debug)]
struct Outgoing {
    ns: u16,
    datagram: Vec<u8>,
    /// How many times it was sent.
    sends: u32,
    /// The timeout of its last sending.
    timeout: Duration,
    /// When it is due again; `None` while it waits for room in the window
    /// (never sent, or to be sent again after a timeout).
    due: Option<Instant>,
}

/// The sequencing state of one control connection.
#[derive(Debug)]
pub struct Reliable {
    config: ReliableConfig,
    /// The peer's Tunnel ID, for ZLBs.
    peer_tunnel_id: u16,
    next_ns: u16,
    expected: u16,
    peer_window: u16,
    congestion: CongestionWindow,
    outgoing: VecDeque<Outgoing>,
    held: Vec<(u16, Vec<u8>)>,
    ack_at: Option<Instant>,
    /// Messages received since the Nr we last sent.
    unacked: u16,
    transmit: VecDeque<Vec<u8>>,
    counters: ReliableCounters,
}

fn ahead(a: u16, b: u16) -> u16 {
    a.wrapping_sub(b)
}

impl Reliable {
    /// A fresh connection: Ns and Nr start at 0 (section 5.8), the peer's
    /// window at 4 until it says otherwise (section 4.4.3).
    pub fn new(config: ReliableConfig) -> Reliable {
        Reliable {
            config,
            peer_tunnel_id: 0,
            next_ns: 0,
            expected: 0,
            peer_window: 4,
            congestion: CongestionWindow::default(),
            outgoing: VecDeque::new(),
            held: Vec::new(),
            ack_at: None,
            unacked: 0,
            transmit: VecDeque::new(),
            counters: ReliableCounters::default(),
        }
    }

    /// The settings.
    pub fn config(&self) -> &ReliableConfig {
        &self.config
    }

    /// The counters.
    pub fn counters(&self) -> &ReliableCounters {
        &self.counters
    }

    /// Sets the peer's Tunnel ID, which ZLBs are addressed to.
    pub fn set_peer_tunnel_id(&mut self, id: u16) {
        self.peer_tunnel_id = id;
    }

    /// Sets the peer's Receive Window Size (0 is read as 1).
    pub fn set_peer_window(&mut self, window: u16) {
        self.peer_window = window.max(1);
    }

    /// The Ns the next message takes.
    pub fn next_ns(&self) -> u16 {
        self.next_ns
    }

    /// The Nr we send: the Ns expected next from the peer.
    pub fn expected(&self) -> u16 {
        self.expected
    }

    /// Whether every message sent was acknowledged.
    pub fn is_idle(&self) -> bool {
        self.outgoing.is_empty()
    }

    /// Queues a message. `build` is given its Ns and returns the whole
    /// datagram; Nr is written when it goes out.
    pub fn push(&mut self, now: Instant, build: impl FnOnce(u16) -> Vec<u8>) {
        let ns = self.next_ns;
        self.next_ns = ns.wrapping_add(1);
        let datagram = build(ns);
        self.outgoing.push_back(Outgoing {
            ns,
            datagram,
            sends: 0,
            timeout: self.config.initial_timeout,
            due: None,
        });
        self.pump(now);
    }

    /// Takes in a received message's Ns and Nr (`zlb` when it has no
    /// body).
    pub fn on_receive(&mut self, now: Instant, ns: u16, nr: u16, zlb: bool) -> Received {
        self.acknowledge(nr);
        self.pump(now);
        if zlb {
            return Received::Ack;
        }
        let distance = ahead(ns, self.expected);
        if distance == 0 {
            self.expected = self.expected.wrapping_add(1);
            self.counters.delivered += 1;
            self.received_in_order(now);
            Received::Deliver
        } else if distance >= 0x8000 || self.held.iter().any(|(n, _)| *n == ns) {
            self.counters.duplicates += 1;
            self.schedule_ack(now);
            Received::Duplicate
        } else if distance < self.config.receive_window.max(1) {
            self.counters.out_of_order += 1;
            self.schedule_ack(now + self.config.ack_delay);
            Received::Held
        } else {
            self.counters.out_of_window += 1;
            Received::OutOfWindow
        }
    }

    /// Keeps a message [`on_receive`](Self::on_receive) called
    /// [`Received::Held`].
    pub fn hold(&mut self, ns: u16, datagram: Vec<u8>) {
        self.held.push((ns, datagram));
    }

    /// The held message that is now in order, if any; it counts as
    /// received.
    pub fn next_held(&mut self, now: Instant) -> Option<Vec<u8>> {
        let i = self.held.iter().position(|(ns, _)| *ns == self.expected)?;
        let (_, datagram) = self.held.swap_remove(i);
        self.expected = self.expected.wrapping_add(1);
        self.counters.delivered += 1;
        self.received_in_order(now);
        Some(datagram)
    }

    /// One more message to acknowledge: after `ack_delay`, or at once
    /// when half the window we advertise is waiting for it.
    fn received_in_order(&mut self, now: Instant) {
        self.unacked = self.unacked.saturating_add(1);
        let prompt = (self.config.receive_window / 2).max(1);
        match self.unacked >= prompt {
            true => self.schedule_ack(now),
            false => self.schedule_ack(now + self.config.ack_delay),
        }
    }

    fn schedule_ack(&mut self, at: Instant) {
        self.ack_at = Some(self.ack_at.map_or(at, |t| t.min(at)));
    }

    /// Drops the messages `nr` acknowledges. An Nr that acknowledges more
    /// than was ever sent is ignored.
    fn acknowledge(&mut self, nr: u16) {
        let Some(oldest) = self.outgoing.front().map(|o| o.ns) else {
            return;
        };
        let sent = self.outgoing.iter().take_while(|o| o.sends > 0).count();
        let acked = usize::from(ahead(nr, oldest));
        if acked == 0 || acked > sent {
            return;
        }
        self.outgoing.drain(..acked);
        self.counters.acknowledged += acked as u64;
        self.congestion.on_ack(acked, self.peer_window);
    }

    /// Sends what the window has room for: never-sent messages for the
    /// first time, and those a timeout put back for another try.
    fn pump(&mut self, now: Instant) {
        let Some(oldest) = self.outgoing.front().map(|o| o.ns) else {
            return;
        };
        let window = self.congestion.limit(self.peer_window);
        for o in self.outgoing.iter_mut() {
            if ahead(o.ns, oldest) >= window {
                break;
            }
            if o.due.is_none() {
                if o.sends == 0 {
                    self.counters.sent += 1;
                } else {
                    self.counters.retransmissions += 1;
                }
                o.sends += 1;
                o.due = Some(now + o.timeout);
                write_nr(&mut o.datagram, self.expected);
                self.transmit.push_back(o.datagram.clone());
                self.ack_at = None;
                self.unacked = 0;
            }
        }
    }

    /// Retransmits what is due, and sends a ZLB if an acknowledgement has
    /// waited long enough. Fails when a message ran out of retries.
    ///
    /// When any message in flight is due, the oldest unacknowledged one
    /// is sent again with its timeout doubled, and the others in flight
    /// wait for the reopening window (appendix A).
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Unreachable> {
        let in_flight = self.outgoing.iter().take_while(|o| o.due.is_some()).count();
        let expired = self
            .outgoing
            .iter()
            .take(in_flight)
            .any(|o| o.due.is_some_and(|due| due <= now));
        if expired {
            self.counters.timeouts += 1;
            self.congestion.on_timeout(in_flight);
            for o in self.outgoing.iter_mut().take(in_flight).skip(1) {
                o.due = None;
            }
            if let Some(o) = self.outgoing.front_mut() {
                if o.sends > self.config.max_retransmits {
                    return Err(Unreachable {
                        ns: o.ns,
                        attempts: o.sends,
                    });
                }
                o.timeout = (o.timeout * 2).min(self.config.max_timeout);
                o.due = None;
            }
            self.pump(now);
        }
        if self.ack_at.is_some_and(|t| t <= now) {
            self.send_zlb();
        }
        Ok(())
    }

    /// Sends a ZLB acknowledgement now.
    pub fn send_zlb(&mut self) {
        self.ack_at = None;
        self.unacked = 0;
        let ns = self
            .outgoing
            .iter()
            .find(|o| o.sends == 0)
            .map_or(self.next_ns, |o| o.ns);
        let header = HeaderRepr::control(self.peer_tunnel_id, 0, ns, self.expected);
        let mut datagram = vec![0; CONTROL_HEADER_LEN];
        header.emit(&mut datagram);
        self.transmit.push_back(datagram);
        self.counters.zlbs_sent += 1;
    }

    /// The earliest time [`handle_timeout`](Self::handle_timeout) has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let retransmit = self.outgoing.iter().map_while(|o| o.due).min();
        match (retransmit, self.ack_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a datagram waits to be sent.
    pub fn has_transmit(&self) -> bool {
        !self.transmit.is_empty()
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    /// Forgets every queued and unacknowledged message (the tunnel is
    /// gone); what is already in the transmit queue stays.
    pub fn abandon(&mut self) {
        self.outgoing.clear();
        self.held.clear();
        self.ack_at = None;
        self.unacked = 0;
    }

    /// Forgets the messages never sent (a StopCCN goes before them, and
    /// they will not be wanted): the next message takes the first of their
    /// Ns, so the peer, which has seen none of them, finds no gap. Those
    /// in flight stay until acknowledged: the peer may have them, and
    /// their Ns are spent.
    pub fn drop_unsent(&mut self) {
        if let Some(i) = self.outgoing.iter().position(|o| o.sends == 0) {
            self.next_ns = self.outgoing[i].ns;
            self.outgoing.truncate(i);
        }
    }

    /// Messages queued or in flight, not yet acknowledged.
    pub fn queued(&self) -> usize {
        self.outgoing.len()
    }
}

fn write_nr(datagram: &mut [u8], nr: u16) {
    if let Some(field) = datagram.get_mut(NR_OFFSET..NR_OFFSET + 2) {
        field.copy_from_slice(&nr.to_be_bytes());
    }
}

#[cfg(test)]
#[path = "reliable_tests.rs"]
mod tests;
