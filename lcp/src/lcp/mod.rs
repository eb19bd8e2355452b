//! The Link Control Protocol (RFC 1661 sections 5 and 6; RFC 1570 for
//! Identification and Time-Remaining).
//!
//! [`Lcp`] is the RFC 1661 automaton running [`LcpNegotiation`], plus what
//! only LCP has: the echo keepalive, Protocol-Reject in both directions,
//! loopback detection through Magic-Numbers, and the RFC 1570 codes.
//!
//! Inputs: [`Lcp::lower_up`], [`Lcp::open`], [`Lcp::close`],
//! [`Lcp::lower_down`], [`Lcp::handle_packet`], [`Lcp::handle_timeout`].
//! Outputs, drained after every input in this order: [`Lcp::poll_transmit`]
//! (packets to send with protocol 0xc021), [`Lcp::poll_event`], then
//! [`Lcp::poll_timeout`] (when to call `handle_timeout` next).

mod config;
mod display;
mod keepalive;
mod negotiation;
pub mod options;
#[cfg(test)]
mod tests;

use std::time::Instant;

use rand_core::Rng;

pub use config::{AuthMethod, AuthMethods, LcpConfig};
pub use display::LcpPacketDisplay;
pub use negotiation::{
    Endpoint, LcpCounters, LcpNegotiation, DEFAULT_MRU, MAX_ENDPOINT_LEN, MIN_MRU,
};

use crate::fsm::{Fsm, FsmCounters, FsmEvent, State};
use crate::packet::{Code, HEADER_LEN};
use keepalive::KeepaliveAction;

/// What LCP agreed on, valid while it is Opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LcpNegotiated {
    /// Our MRU: the largest frame the peer may send us.
    pub mru: u16,
    /// The peer's MRU: the largest frame we may send.
    pub peer_mru: u16,
    /// The MTU to give the interface: min(peer's MRU, the `mtu` option).
    pub mtu: u16,
    /// The ACCM to use when sending (the peer's request; all ones when it
    /// asked for none).
    pub send_accm: u32,
    /// The ACCM the peer uses when sending to us (ours, when it was
    /// acknowledged; all ones otherwise).
    pub recv_accm: u32,
    /// How the peer authenticates itself to us, if it must.
    pub peer_auth: Option<AuthMethod>,
    /// How we authenticate ourselves to the peer, if it asked.
    pub our_auth: Option<AuthMethod>,
    /// We require authentication, but the peer refused every method we
    /// accept (pppd: "peer refused to authenticate", exit 11).
    pub auth_refused: bool,
    /// Our Magic-Number, 0 when not negotiated.
    pub magic: u32,
    /// The peer's Magic-Number, 0 when not negotiated.
    pub peer_magic: u32,
    /// The peer accepts Protocol-Field-Compression from us.
    pub pfc: bool,
    /// The peer accepts Address-and-Control-Field-Compression from us.
    pub acfc: bool,
    /// The peer's Endpoint Discriminator.
    pub endpoint: Option<Endpoint>,
}

/// What LCP tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LcpEvent {
    /// LCP is Opened: [`Lcp::negotiated`] has the values.
    Up,
    /// LCP left Opened.
    Down,
    /// LCP needs the lower layer (tls).
    Started,
    /// LCP is done with the lower layer (tlf): the link is over.
    Finished,
    /// The peer asked to terminate the link, with its reason.
    TerminateRequested {
        /// The peer's reason, cut to 64 octets.
        reason: Vec<u8>,
    },
    /// The peer Code-Rejected one of our codes.
    CodeRejected {
        /// The code.
        code: u8,
        /// Catastrophic (RXJ-).
        fatal: bool,
    },
    /// The peer Protocol-Rejected a protocol other than LCP: stop sending
    /// it (RFC 1661 section 5.7).
    ProtocolRejected {
        /// The protocol.
        protocol: u16,
    },
    /// The peer did not answer this many Echo-Requests in a row.
    PeerDead {
        /// Unanswered Echo-Requests.
        unanswered: u32,
    },
    /// Our own Magic-Number kept coming back: the link is looped back.
    /// LCP closes.
    LoopbackDetected,
    /// An Identification packet (RFC 1570 section 2.2).
    Identification {
        /// Its Message, cut to 255 octets.
        message: Vec<u8>,
    },
    /// A Time-Remaining packet (RFC 1570 section 2.3).
    TimeRemaining {
        /// Seconds left.
        seconds: u32,
        /// Its Message, cut to 255 octets.
        message: Vec<u8>,
    },
}

/// An LCP instance.
#[derive(Debug)]
pub struct Lcp {
    fsm: Fsm<LcpNegotiation>,
}

impl Lcp {
    /// LCP in the Initial state.
    pub fn new(config: LcpConfig) -> Lcp {
        let fsm_config = config.fsm.clone();
        Lcp {
            fsm: Fsm::new(LcpNegotiation::new(config), fsm_config),
        }
    }

    /// The automaton's state.
    pub fn state(&self) -> State {
        self.fsm.state()
    }

    /// The negotiated values, while Opened.
    pub fn negotiated(&self) -> Option<&LcpNegotiated> {
        self.fsm.protocol().negotiated.as_ref()
    }

    /// The configuration.
    pub fn config(&self) -> &LcpConfig {
        &self.fsm.protocol().config
    }

    /// The automaton's counters.
    pub fn fsm_counters(&self) -> &FsmCounters {
        self.fsm.counters()
    }

    /// LCP's own counters.
    pub fn counters(&self) -> &LcpCounters {
        &self.fsm.protocol().counters
    }

    /// The automaton, for inspection.
    pub fn fsm(&self) -> &Fsm<LcpNegotiation> {
        &self.fsm
    }

    /// The lower layer is up.
    pub fn lower_up(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.lower_up(now, rng);
        self.after_input(now, rng);
    }

    /// The lower layer is down.
    pub fn lower_down(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.lower_down(now, rng);
        self.after_input(now, rng);
    }

    /// Administrative Open.
    pub fn open(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.open(now, rng);
        self.after_input(now, rng);
    }

    /// Administrative Close; `reason` goes in the Terminate-Request.
    pub fn close(&mut self, now: Instant, reason: &str, rng: &mut dyn Rng) {
        self.fsm.close(now, reason, rng);
        self.after_input(now, rng);
    }

    /// An LCP packet (the frame's Information field, from the Code on).
    pub fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut dyn Rng) {
        self.fsm.handle_packet(now, packet, rng);
        self.after_input(now, rng);
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.handle_timeout(now, rng);
        match self.fsm.protocol_mut().keepalive.on_timeout(now) {
            Some(KeepaliveAction::SendEcho) => {
                let magic = self.fsm.protocol().magic();
                self.fsm.protocol_mut().counters.tx_echo_requests += 1;
                self.fsm
                    .send_packet(Code::EchoRequest.into(), &magic.to_be_bytes());
            }
            Some(KeepaliveAction::PeerDead(unanswered)) => {
                self.fsm
                    .protocol_mut()
                    .events
                    .push(LcpEvent::PeerDead { unanswered });
            }
            None => {}
        }
        self.after_input(now, rng);
    }

    /// Sends a Protocol-Reject of a frame of `protocol` whose Information
    /// field was `information` (RFC 1661 section 5.7). Only in Opened: returns
    /// false, and sends nothing, in any other state.
    pub fn protocol_reject(&mut self, protocol: u16, information: &[u8]) -> bool {
        let Some(negotiated) = self.negotiated() else {
            return false;
        };
        let room = usize::from(negotiated.peer_mru).saturating_sub(HEADER_LEN + 2);
        let mut data = Vec::with_capacity(2 + information.len().min(room));
        data.extend_from_slice(&protocol.to_be_bytes());
        data.extend_from_slice(&information[..information.len().min(room)]);
        self.fsm.send_packet(Code::ProtocolReject.into(), &data);
        true
    }

    /// Appends the next LCP packet to send to `out`; false when none.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        self.fsm.poll_transmit(out)
    }

    /// Whether [`poll_transmit`](Self::poll_transmit) has a packet.
    pub fn has_transmit(&self) -> bool {
        self.fsm.has_transmit()
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<LcpEvent> {
        if let Some(event) = self.fsm.poll_event() {
            return Some(match event {
                FsmEvent::Up => LcpEvent::Up,
                FsmEvent::Down => LcpEvent::Down,
                FsmEvent::Started => LcpEvent::Started,
                FsmEvent::Finished => LcpEvent::Finished,
                FsmEvent::TerminateRequested { reason } => LcpEvent::TerminateRequested { reason },
                FsmEvent::CodeRejected { code, fatal } => LcpEvent::CodeRejected { code, fatal },
            });
        }
        self.fsm.protocol_mut().events.pop()
    }

    /// The earliest time [`handle_timeout`](Self::handle_timeout) has work.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let keepalive = self.fsm.protocol().keepalive.deadline();
        match (self.fsm.poll_timeout(), keepalive) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn after_input(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.fsm.state() == State::Opened {
            if let Some(peer_mru) = self.negotiated().map(|n| n.peer_mru) {
                self.fsm.set_peer_mru(peer_mru);
            }
            self.fsm.protocol_mut().keepalive.start(now);
        }
        if std::mem::take(&mut self.fsm.protocol_mut().looped_back) {
            self.fsm
                .protocol_mut()
                .events
                .push(LcpEvent::LoopbackDetected);
            self.fsm.close(now, "Loopback detected", rng);
        }
    }
}
