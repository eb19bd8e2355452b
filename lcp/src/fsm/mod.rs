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

mod protocol;
pub mod rfc1661_table;
mod state;
#[cfg(test)]
mod tests;
mod transition;

use std::time::{Duration, Instant};

use rand_core::Rng;

pub use protocol::{BadReply, ControlProtocol, Extension, Verdict};
pub use state::{Action, Event, State};
pub use transition::{transition, Transition};

use crate::option::OptionIter;
use crate::packet::{Code, Repr, HEADER_LEN};
use crate::queue::Queue;
use crate::spare;

/// Timers, counters and options of the automaton (RFC 1661 section 4.6),
/// with pppd's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsmConfig {
    /// The restart timer (pppd `lcp-restart`, `ipcp-restart`): 3 s.
    pub restart_interval: Duration,
    /// Terminate-Requests sent without a Terminate-Ack before giving up
    /// (pppd `lcp-max-terminate`): 2.
    pub max_terminate: u32,
    /// Configure-Requests sent without a valid reply before giving up
    /// (pppd `lcp-max-configure`): 10.
    pub max_configure: u32,
    /// Configure-Naks in a row before Naks become Rejects
    /// (pppd `lcp-max-failure`): 5.
    pub max_failure: u32,
    /// pppd's `passive`: a TO- while negotiating goes to Stopped without
    /// tlf, to wait for the peer.
    pub passive: bool,
    /// pppd's `silent`: send nothing until the peer's first
    /// Configure-Request.
    pub silent: bool,
}

impl Default for FsmConfig {
    fn default() -> Self {
        FsmConfig {
            restart_interval: Duration::from_secs(3),
            max_terminate: 2,
            max_configure: 10,
            max_failure: 5,
            passive: false,
            silent: false,
        }
    }
}

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

/// Counts of what the automaton received and did, for diagnostics. Every
/// packet it discards is counted under the reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FsmCounters {
    /// Packets handed to `handle_packet`.
    pub rx_packets: u32,
    /// Packets discarded for a short header or a bad Length field.
    pub rx_malformed: u32,
    /// Configure-Requests discarded for an option list that does not parse.
    pub rx_bad_options: u32,
    /// Configure-Ack, -Nak or -Reject with an Identifier that is not our
    /// outstanding request's, or a second reply to it.
    pub rx_stale_replies: u32,
    /// Configure-Acks that do not echo our request.
    pub rx_bad_acks: u32,
    /// Configure-Naks that do not parse or do not fit our request.
    pub rx_bad_naks: u32,
    /// Configure-Rejects that are not a subset of our request in its order.
    pub rx_bad_rejects: u32,
    /// Naks discarded after Max-Failure because they change nothing.
    pub rx_nonconverging_naks: u32,
    /// Options rejected because their Type appeared earlier in the request.
    pub rx_duplicate_options: u32,
    /// Packets with a Code the protocol does not know (answered with
    /// Code-Reject).
    pub rx_unknown_codes: u32,
    /// Code-Rejects received.
    pub rx_code_rejects: u32,
    /// Packets of a known Code that were malformed or not valid now.
    pub rx_discarded: u32,
    /// Events the RFC's table marks as impossible in the current state.
    pub illegal_events: u32,
    /// Packets queued for sending.
    pub tx_packets: u32,
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

/// Packets waiting to be sent, back to back: each is delimited by its own
/// Length field.
#[derive(Debug, Default)]
struct Outbox {
    bytes: Vec<u8>,
    read: usize,
}

impl Outbox {
    fn push(&mut self, repr: &Repr<'_>) {
        // Room for a few packets at once: a negotiation sends a request and
        // a reply together.
        spare::reserve(&mut self.bytes, repr.buffer_len());
        repr.append_to(&mut self.bytes);
    }

    /// Moves the next packet to `out`. A drained outbox keeps its buffer
    /// while `busy` (a negotiation sends packet after packet) and gives it
    /// back otherwise: an Opened link sends rarely. (An outbox drained
    /// while busy is given back by `Fsm::fire` when the negotiation ends.)
    fn pop_into(&mut self, out: &mut Vec<u8>, busy: bool) -> bool {
        let Some(header) = self.bytes.get(self.read..self.read + HEADER_LEN) else {
            return false;
        };
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        out.extend_from_slice(&self.bytes[self.read..self.read + len]);
        self.read += len;
        if self.read == self.bytes.len() {
            if busy {
                self.bytes.clear();
            } else {
                spare::give(&mut self.bytes);
            }
            self.read = 0;
        }
        true
    }

    fn is_empty(&self) -> bool {
        self.read == self.bytes.len()
    }

    fn release(&mut self) {
        spare::give(&mut self.bytes);
        self.read = 0;
    }
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

    /// A packet of this protocol, from the Code field on. Malformed packets
    /// are discarded and counted; nothing panics.
    pub fn handle_packet(&mut self, now: Instant, bytes: &[u8], rng: &mut dyn Rng) {
        self.counters.rx_packets = self.counters.rx_packets.wrapping_add(1);
        let repr = match Repr::parse_bytes(bytes) {
            Ok(repr) => repr,
            Err(_) => {
                self.counters.rx_malformed += 1;
                return;
            }
        };
        let received = Received {
            identifier: repr.identifier,
            packet: &bytes[..repr.buffer_len()],
            data: repr.data,
            echo_request: false,
        };
        match Code::from(repr.code) {
            Code::ConfigureRequest => self.receive_configure_request(now, received, rng),
            Code::ConfigureAck => self.receive_configure_ack(now, received, rng),
            Code::ConfigureNak | Code::ConfigureReject => {
                self.receive_configure_nak_reject(now, repr.code, received, rng)
            }
            Code::TerminateRequest => {
                if self.state.is_negotiating() || self.state == State::Opened {
                    let reason = repr.data[..repr.data.len().min(64)].to_vec();
                    self.events.push(FsmEvent::TerminateRequested { reason });
                }
                self.fire(now, Event::Rtr, received, rng);
            }
            Code::TerminateAck => self.fire(now, Event::Rta, received, rng),
            Code::CodeReject => {
                let Some(&code) = repr.data.first() else {
                    self.counters.rx_discarded += 1;
                    return;
                };
                self.counters.rx_code_rejects += 1;
                let permitted = self.protocol.code_rejected(code);
                if self.state > State::Starting {
                    self.events.push(FsmEvent::CodeRejected {
                        code,
                        fatal: !permitted,
                    });
                }
                let event = if permitted {
                    Event::RxjGood
                } else {
                    Event::RxjBad
                };
                self.fire(now, event, received, rng);
            }
            _ => {
                let extension =
                    self.protocol
                        .receive_code(repr.code, repr.identifier, repr.data, self.state);
                match extension {
                    Extension::EchoRequest => {
                        let received = Received {
                            echo_request: true,
                            ..received
                        };
                        self.fire(now, Event::Rxr, received, rng);
                    }
                    Extension::Rxr => self.fire(now, Event::Rxr, received, rng),
                    Extension::RxjGood => self.fire(now, Event::RxjGood, received, rng),
                    Extension::RxjBad => self.fire(now, Event::RxjBad, received, rng),
                    Extension::Consumed => {}
                    Extension::Discard => self.counters.rx_discarded += 1,
                    Extension::Unknown => {
                        self.counters.rx_unknown_codes += 1;
                        self.fire(now, Event::Ruc, received, rng);
                    }
                }
            }
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

    fn receive_configure_request(
        &mut self,
        now: Instant,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        match self.state {
            // No judging: these cells answer the same for RCR+ and RCR-.
            State::Initial | State::Starting | State::Closed | State::Closing | State::Stopping => {
                self.fire(now, Event::RcrGood, received, rng);
            }
            State::Stopped | State::ReqSent | State::AckRcvd | State::AckSent | State::Opened => {
                if OptionIter::validate(received.data).is_err() {
                    self.counters.rx_bad_options += 1;
                    return;
                }
                if !self.state.is_negotiating() {
                    // A new negotiation: pppd resets its Nak counters here.
                    self.nak_loops = 0;
                    self.rnak_loops = 0;
                }
                let good = self.judge(received.data, rng);
                let event = if good { Event::RcrGood } else { Event::RcrBad };
                self.fire(now, event, received, rng);
            }
        }
    }

    /// Judges the peer's request and leaves the answer in `reply`; true when
    /// it is a Configure-Ack.
    fn judge(&mut self, data: &[u8], rng: &mut dyn Rng) -> bool {
        let reject_if_disagree = self.nak_loops >= self.config.max_failure;
        self.protocol.begin_peer_request();
        // The Nak is built in `reply` itself (kept through a negotiation);
        // a Reject, rare, in a buffer of its own.
        let mut nak = std::mem::take(&mut self.reply);
        nak.clear();
        // Room for an Ack (the request itself) or a Nak of every option and
        // an address the peer left out, in one allocation.
        spare::reserve(&mut nak, data.len() + 8);
        let mut reject = Vec::new();
        let mut seen = [0u64; 4];
        for option in OptionIter::new(data).flatten() {
            let (word, bit) = (usize::from(option.kind / 64), 1u64 << (option.kind % 64));
            if seen[word] & bit != 0 {
                self.counters.rx_duplicate_options += 1;
                option.append_to(&mut reject);
                continue;
            }
            seen[word] |= bit;
            match self
                .protocol
                .judge_option(option, reject_if_disagree, &mut nak, rng)
            {
                Verdict::Ack | Verdict::Nak => {}
                Verdict::Reject => option.append_to(&mut reject),
            }
        }
        if reject.is_empty() {
            self.protocol.judge_missing(reject_if_disagree, &mut nak);
        }
        if !reject.is_empty() {
            self.reply_code = Code::ConfigureReject;
            spare::give(&mut nak);
            self.reply = reject;
        } else if !nak.is_empty() {
            self.reply_code = Code::ConfigureNak;
            self.reply = nak;
        } else {
            self.reply_code = Code::ConfigureAck;
            self.reply = nak;
            self.reply.extend_from_slice(data);
        }
        self.reply_code == Code::ConfigureAck
    }

    fn expects_reply(&self, identifier: u8) -> bool {
        self.reply_pending && identifier == self.reqid
    }

    fn receive_configure_ack(&mut self, now: Instant, received: Received<'_>, rng: &mut dyn Rng) {
        if !self.expects_reply(received.identifier) {
            self.counters.rx_stale_replies += 1;
            return;
        }
        if received.data != self.request.as_slice() {
            self.counters.rx_bad_acks += 1;
            return;
        }
        self.reply_pending = false;
        self.rnak_loops = 0;
        self.protocol.apply_ack();
        self.fire(now, Event::Rca, received, rng);
    }

    fn receive_configure_nak_reject(
        &mut self,
        now: Instant,
        code: u8,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        if !self.expects_reply(received.identifier) {
            self.counters.rx_stale_replies += 1;
            return;
        }
        let is_nak = code == u8::from(Code::ConfigureNak);
        let well_formed = !received.data.is_empty() && OptionIter::validate(received.data).is_ok();
        if is_nak {
            let treat_as_reject = well_formed && self.rnak_loops + 1 >= self.config.max_failure;
            if !well_formed
                || self
                    .protocol
                    .apply_nak(received.data, treat_as_reject, rng)
                    .is_err()
            {
                self.counters.rx_bad_naks += 1;
                return;
            }
            self.rnak_loops += 1;
            if treat_as_reject {
                let mut probe = Vec::new();
                self.protocol.write_request(&mut probe);
                if probe == self.request {
                    self.counters.rx_nonconverging_naks += 1;
                    return;
                }
            }
        } else {
            if !well_formed
                || !is_ordered_subset(received.data, &self.request)
                || self.protocol.apply_reject(received.data).is_err()
            {
                self.counters.rx_bad_rejects += 1;
                return;
            }
            self.rnak_loops = 0;
        }
        self.reply_pending = false;
        self.fire(now, Event::Rcn, received, rng);
    }

    /// The cell for `event` in the current state, with the passive and
    /// silent options applied.
    fn cell(&self, event: Event) -> Option<Transition> {
        let cell = transition(self.state, event)?;
        let stopped = Transition {
            actions: &[],
            next: State::Stopped,
        };
        let silent_start = matches!(
            (self.state, event),
            (State::Starting, Event::Up) | (State::Closed, Event::Open)
        );
        if self.config.silent && silent_start {
            return Some(stopped);
        }
        if self.config.passive && event == Event::TimeoutExpired && self.state.is_negotiating() {
            return Some(stopped);
        }
        Some(cell)
    }

    fn fire(&mut self, now: Instant, event: Event, received: Received<'_>, rng: &mut dyn Rng) {
        let Some(cell) = self.cell(event) else {
            self.counters.illegal_events += 1;
            return;
        };
        let previous = self.state;
        self.state = cell.next;
        for &action in cell.actions {
            self.act(action, cell.actions, previous, now, event, received, rng);
        }
        if !self.state.has_restart_timer() {
            self.deadline = None;
        }
        if !self.state.is_negotiating() && self.outbox.is_empty() {
            // The negotiation is over: an empty outbox gives its buffer back.
            self.outbox.release();
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn act(
        &mut self,
        action: Action,
        actions: &[Action],
        previous: State,
        now: Instant,
        event: Event,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        match action {
            Action::Tlu => {
                self.protocol.this_layer_up();
                self.events.push(FsmEvent::Up);
                // No reply to our request can count in Opened, and the next
                // request is built afresh: the buffers are not needed.
                spare::give(&mut self.request);
                spare::give(&mut self.reply);
            }
            Action::Tld => {
                self.protocol.this_layer_down();
                self.events.push(FsmEvent::Down);
            }
            Action::Tls => self.events.push(FsmEvent::Started),
            Action::Tlf => self.events.push(FsmEvent::Finished),
            Action::Irc => {
                self.restart_count = if actions.contains(&Action::Str) {
                    self.config.max_terminate
                } else {
                    self.config.max_configure
                };
            }
            Action::Zrc => {
                self.restart_count = 0;
                self.deadline = Some(now + self.config.restart_interval);
            }
            Action::Scr => {
                // TO+ only follows a request already sent: send it again as it was.
                let retransmit = event == Event::TimeoutRetry;
                self.send_configure_request(now, retransmit, !previous.is_negotiating(), rng);
            }
            Action::Sca | Action::Scn => {
                let reply = std::mem::take(&mut self.reply);
                let code = match (action, self.reply_code) {
                    (Action::Sca, _) => Code::ConfigureAck,
                    (_, Code::ConfigureReject) => Code::ConfigureReject,
                    _ => Code::ConfigureNak,
                };
                self.send(code.into(), received.identifier, &reply);
                self.reply = reply;
                if code == Code::ConfigureNak {
                    self.nak_loops += 1;
                } else if code == Code::ConfigureAck {
                    self.nak_loops = 0;
                }
            }
            Action::Str => {
                let reason = std::mem::take(&mut self.term_reason);
                self.send_packet(Code::TerminateRequest.into(), &reason);
                self.term_reason = reason;
                self.restart_count = self.restart_count.saturating_sub(1);
                self.deadline = Some(now + self.config.restart_interval);
            }
            Action::Sta => self.send(Code::TerminateAck.into(), received.identifier, &[]),
            Action::Scj => {
                let room = usize::from(self.peer_mru).saturating_sub(HEADER_LEN);
                let rejected = &received.packet[..received.packet.len().min(room)];
                self.send_packet(Code::CodeReject.into(), rejected);
            }
            Action::Ser => {
                if received.echo_request {
                    let mut data = Vec::new();
                    self.protocol.echo_reply(received.data, &mut data);
                    self.send(Code::EchoReply.into(), received.identifier, &data);
                }
            }
        }
    }

    fn send_configure_request(
        &mut self,
        now: Instant,
        retransmit: bool,
        fresh: bool,
        rng: &mut dyn Rng,
    ) {
        if !retransmit {
            if fresh {
                self.protocol.reset(rng);
                self.nak_loops = 0;
                self.rnak_loops = 0;
            }
            self.request.clear();
            // Requests are short: one allocation rather than one per option.
            spare::reserve(&mut self.request, 32);
            self.protocol.write_request(&mut self.request);
            self.id = self.id.wrapping_add(1);
            self.reqid = self.id;
        }
        self.reply_pending = true;
        self.restart_count = self.restart_count.saturating_sub(1);
        let request = std::mem::take(&mut self.request);
        self.send(Code::ConfigureRequest.into(), self.reqid, &request);
        self.request = request;
        self.deadline = Some(now + self.config.restart_interval);
    }
}

/// Whether every option of `rejected` appears, unmodified, in `request`,
/// in the same order (RFC 1661 section 5.4: "the Configuration Options in
/// a Configure-Reject MUST NOT be reordered or modified in any way").
fn is_ordered_subset(rejected: &[u8], request: &[u8]) -> bool {
    let mut ours = OptionIter::new(request).flatten();
    OptionIter::new(rejected)
        .flatten()
        .all(|theirs| ours.by_ref().any(|option| option == theirs))
}
