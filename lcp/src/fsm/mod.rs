//! The option negotiation automaton of RFC 1661 section 4, generic over the
//! control protocol that runs on it.
//!
//! Read RFC 1661 sections 4.1 to 4.6 first. [`Fsm`] has all ten states,
//! all sixteen events and all thirteen actions, the restart timer and the
//! Max-Terminate, Max-Configure and Max-Failure counters. On top of the RFC
//! it has the hardening pppd's `fsm.c` has:
//!
//! - a Configure-Ack, -Nak or -Reject counts only when its Identifier is that
//!   of our outstanding request, and only once per request;
//! - a Configure-Ack must echo our request octet for octet;
//! - a Configure-Reject must name options of our request, unmodified and in
//!   its order;
//! - after Max-Failure Naks sent in a row the protocol answers Reject where
//!   it would answer Nak, and after Max-Failure Naks received in a row it
//!   treats a Nak as a Reject of the options it names;
//! - an option Type that appears twice in one Configure-Request is judged
//!   once: the repeats are rejected.
//!
//! Two departures from pppd, both so that nothing loops forever:
//! - a Configure-Request whose option list does not parse (a Length of 0 or
//!   1, an option running past the end) is silently discarded and counted,
//!   where pppd rejects the rest of the packet;
//! - a Nak received after Max-Failure that, treated as a Reject, leaves our
//!   request unchanged (it names nothing we still ask for) is discarded, so
//!   the restart timer and Max-Configure end a negotiation that does not
//!   converge; pppd sends the same request again at once, forever.
//!
//! And two of pppd's options: `passive` (a TO- in Req-Sent, Ack-Rcvd or
//! Ack-Sent goes to Stopped without tlf: keep listening for the peer) and
//! `silent` (Up in Starting and Open in Closed go to Stopped: send nothing
//! until the peer's first Configure-Request).
//!
//! The automaton is sans-IO: inputs carry `now` and a random source, outputs
//! are polled (`poll_transmit`, `poll_timeout`, `poll_event`).

mod act;
mod config;
mod outbox;
mod protocol;
mod receive;
pub mod rfc1661_table;
mod state;
#[cfg(test)]
mod tests;
mod transition;

use std::time::Instant;

use rand_core::Rng;

pub use config::{FsmConfig, FsmCounters};
pub use protocol::{BadReply, ControlProtocol, Extension, Verdict};
pub use state::{Action, Event, State};
pub use transition::{transition, Transition};

use crate::packet::{Code, Repr};
use crate::queue::Queue;
use outbox::Outbox;

/// What the automaton tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsmEvent {
    /// tlu: This-Layer-Up.
    Up,
    /// tld: This-Layer-Down.
    Down,
    /// tls: This-Layer-Started (the lower layer is needed).
    Started,
    /// tlf: This-Layer-Finished (the lower layer is no longer needed).
    Finished,
    /// The peer sent a Terminate-Request while negotiating or Opened; its
    /// Data (a reason, by convention text), cut to 64 octets.
    TerminateRequested {
        /// The peer's reason.
        reason: Vec<u8>,
    },
    /// The peer Code-Rejected one of our codes.
    CodeRejected {
        /// The rejected code.
        code: u8,
        /// Whether it was catastrophic (RXJ-).
        fatal: bool,
    },
}

/// What the received packet behind an event carries, for the actions that
/// answer it.
#[derive(Debug, Clone, Copy, Default)]
struct Received<'a> {
    identifier: u8,
    /// The whole packet, for a Code-Reject.
    packet: &'a [u8],
    /// Its Data, for an Echo-Reply.
    data: &'a [u8],
    echo_request: bool,
}

/// The RFC 1661 option negotiation automaton running protocol `P`.
#[derive(Debug)]
pub struct Fsm<P> {
    protocol: P,
    config: FsmConfig,
    state: State,
    restart_count: u32,
    deadline: Option<Instant>,
    /// The last Identifier we used for a packet we originated.
    id: u8,
    /// The Identifier of our outstanding Configure-Request.
    reqid: u8,
    /// Whether a reply to that request may still arrive.
    reply_pending: bool,
    nak_loops: u32,
    rnak_loops: u32,
    /// The options of our last Configure-Request.
    request: Vec<u8>,
    /// Our answer to the peer's last Configure-Request.
    reply_code: Code,
    reply: Vec<u8>,
    term_reason: Vec<u8>,
    peer_mru: u16,
    outbox: Outbox,
    events: Queue<FsmEvent>,
    counters: FsmCounters,
}

impl<P: ControlProtocol> Fsm<P> {
    /// An automaton in the Initial state.
    pub fn new(protocol: P, config: FsmConfig) -> Fsm<P> {
        Fsm {
            protocol,
            config,
            state: State::Initial,
            restart_count: 0,
            deadline: None,
            id: 0,
            reqid: 0,
            reply_pending: false,
            nak_loops: 0,
            rnak_loops: 0,
            request: Vec::new(),
            reply_code: Code::ConfigureAck,
            reply: Vec::new(),
            term_reason: Vec::new(),
            peer_mru: 1500,
            outbox: Outbox::default(),
            events: Queue::new(),
            counters: FsmCounters::default(),
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The protocol.
    pub fn protocol(&self) -> &P {
        &self.protocol
    }

    /// The protocol, writable.
    pub fn protocol_mut(&mut self) -> &mut P {
        &mut self.protocol
    }

    /// The configuration.
    pub fn config(&self) -> &FsmConfig {
        &self.config
    }

    /// The counters.
    pub fn counters(&self) -> &FsmCounters {
        &self.counters
    }

    /// The restart counter (RFC 1661 section 4.6).
    pub fn restart_count(&self) -> u32 {
        self.restart_count
    }

    /// The options of our last Configure-Request.
    pub fn last_request(&self) -> &[u8] {
        &self.request
    }

    /// Sets the peer's MRU, which bounds the Code-Rejects we send
    /// (RFC 1661 section 5.6). 1500 until LCP has negotiated it.
    pub fn set_peer_mru(&mut self, mru: u16) {
        self.peer_mru = mru;
    }

    /// The Up event: the lower layer can carry packets.
    pub fn lower_up(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fire(now, Event::Up, Received::default(), rng);
    }

    /// The Down event: the lower layer is gone.
    pub fn lower_down(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fire(now, Event::Down, Received::default(), rng);
    }

    /// The Open event: the administrator wants the link.
    pub fn open(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fire(now, Event::Open, Received::default(), rng);
    }

    /// The Close event, with the reason our Terminate-Request carries
    /// (cut to 64 octets).
    pub fn close(&mut self, now: Instant, reason: &str, rng: &mut dyn Rng) {
        self.term_reason.clear();
        self.term_reason
            .extend_from_slice(&reason.as_bytes()[..reason.len().min(64)]);
        self.fire(now, Event::Close, Received::default(), rng);
    }

    /// Fires `event` with no packet behind it. For events the owner learns
    /// from elsewhere (RXJ- for an NCP whose protocol LCP saw rejected) and
    /// for tests. A Configure-Request event answers with the last judged
    /// reply; RXR answers as to an empty Echo-Request.
    pub fn inject(&mut self, now: Instant, event: Event, rng: &mut dyn Rng) {
        let received = Received {
            echo_request: event == Event::Rxr,
            ..Received::default()
        };
        self.fire(now, event, received, rng);
    }

    /// The restart timer: call when `now` reaches [`poll_timeout`](Self::poll_timeout).
    /// Early calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        match self.deadline {
            Some(deadline) if now >= deadline => {
                self.deadline = None;
                let event = if self.restart_count > 0 {
                    Event::TimeoutRetry
                } else {
                    Event::TimeoutExpired
                };
                self.fire(now, event, Received::default(), rng);
            }
            _ => {}
        }
    }

    /// Queues a packet we originate (Echo-Request, Protocol-Reject, ...)
    /// with a fresh Identifier, which it returns.
    pub fn send_packet(&mut self, code: u8, data: &[u8]) -> u8 {
        self.id = self.id.wrapping_add(1);
        let identifier = self.id;
        self.send(code, identifier, data);
        identifier
    }

    /// Queues a packet with the given Identifier (a reply).
    pub fn send_reply(&mut self, code: u8, identifier: u8, data: &[u8]) {
        self.send(code, identifier, data);
    }

    /// Appends the next packet to send (from the Code field on) to `out`;
    /// returns false when there is none.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        self.outbox.pop_into(out, self.state.is_negotiating())
    }

    /// Whether packets are waiting in [`poll_transmit`](Self::poll_transmit).
    pub fn has_transmit(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// When the restart timer runs out, if it runs.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    /// The next event for the owner.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<FsmEvent> {
        self.events.pop()
    }

    fn send(&mut self, code: u8, identifier: u8, data: &[u8]) {
        self.counters.tx_packets = self.counters.tx_packets.wrapping_add(1);
        self.outbox.push(&Repr {
            code,
            identifier,
            data,
        });
    }
}
