//! What IPCP and IPv6CP share on top of the RFC 1661 automaton: the
//! sans-IO surface (commands, `handle_*` inputs, `poll_*` outputs), the
//! events, and the check of the result at This-Layer-Up.
//!
//! RFC 1661 section 4.4 lets tlu fail to deliver a usable layer only by
//! closing it again. pppd's `ipcp_up` does exactly that when the addresses
//! it ended up with are unusable ("Could not determine local IP address",
//! "Unauthorized remote IP address", ...): it calls `ipcp_close` with a
//! reason. [`Ncp`] does the same: when the protocol reports a
//! [`NcpProtocol::take_failure`] right after tlu, the owner sees
//! [`NcpEvent::Failed`] instead of [`NcpEvent::Up`], and the automaton is
//! sent the Close event with the failure's reason as the Terminate-Request
//! data. The Down that follows the Close is not reported, since no Up was.

use rppp_lcp::queue::Queue;
use std::fmt;
use std::time::Instant;

use rand_core::Rng;
use rppp_lcp::fsm::{Event, FsmCounters};
use rppp_lcp::{ControlProtocol, Fsm, FsmConfig, FsmEvent, State};

/// Why a network control protocol could not deliver a usable result.
pub trait NcpFailure: Clone + fmt::Debug + PartialEq + Eq {
    /// The reason sent in our Terminate-Request, as pppd words it.
    fn reason(&self) -> &'static str;
}

/// A control protocol that produces a result when it is Opened, and may
/// find that result unusable.
pub trait NcpProtocol: ControlProtocol {
    /// The negotiated values.
    type Negotiated;
    /// Why the result is unusable.
    type Failure: NcpFailure;

    /// The negotiated values, set by tlu when they are usable and cleared
    /// by tld.
    fn negotiated(&self) -> Option<&Self::Negotiated>;

    /// The failure found by the last tlu, if any; taking it clears it.
    fn take_failure(&mut self) -> Option<Self::Failure>;

    /// A reason not to start at all: the Open event is refused with it.
    fn refuse_open(&self) -> Option<Self::Failure> {
        None
    }
}

/// What a network control protocol tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NcpEvent<F> {
    /// The protocol is Opened with a usable result: `negotiated()` has it.
    /// The session passes the network protocol's packets from now on.
    Up,
    /// The protocol left Opened: stop passing the network protocol.
    Down,
    /// tls: the protocol needs the lower layer (LCP).
    Started,
    /// tlf: the protocol is done with the lower layer. pppd closes the link
    /// when no network protocol is left ("No network protocols running").
    Finished,
    /// The peer sent a Terminate-Request, with its reason.
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
    /// The negotiation cannot give a usable result: the protocol closes (or,
    /// when it comes from `open`, never starts).
    Failed(F),
}

/// A network control protocol: the RFC 1661 automaton running `P`, with
/// the result checked at tlu.
///
/// Inputs: [`lower_up`](Self::lower_up), [`open`](Self::open),
/// [`close`](Self::close), [`lower_down`](Self::lower_down),
/// [`handle_packet`](Self::handle_packet),
/// [`handle_timeout`](Self::handle_timeout),
/// [`protocol_rejected`](Self::protocol_rejected). Outputs, drained after
/// every input in this order: [`poll_transmit`](Self::poll_transmit),
/// [`poll_event`](Self::poll_event), [`poll_timeout`](Self::poll_timeout).
#[derive(Debug)]
pub struct Ncp<P: NcpProtocol> {
    fsm: Fsm<P>,
    events: Queue<NcpEvent<P::Failure>>,
    /// A Close that follows a refused tlu is under way: its tld is not
    /// reported.
    hide_down: bool,
}

impl<P: NcpProtocol> Ncp<P> {
    pub(crate) fn with_protocol(protocol: P, config: FsmConfig) -> Ncp<P> {
        Ncp {
            fsm: Fsm::new(protocol, config),
            events: Queue::new(),
            hide_down: false,
        }
    }

    /// The automaton's state.
    pub fn state(&self) -> State {
        self.fsm.state()
    }

    /// The negotiated values, while Opened with a usable result.
    pub fn negotiated(&self) -> Option<&P::Negotiated> {
        self.fsm.protocol().negotiated()
    }

    /// The automaton's counters.
    pub fn fsm_counters(&self) -> &FsmCounters {
        self.fsm.counters()
    }

    /// The automaton, for inspection.
    pub fn fsm(&self) -> &Fsm<P> {
        &self.fsm
    }

    pub(crate) fn protocol_mut(&mut self) -> &mut P {
        self.fsm.protocol_mut()
    }

    /// Sets the peer's MRU, which bounds the Code-Rejects we send
    /// (RFC 1661 section 5.6); the session passes LCP's result.
    pub fn set_peer_mru(&mut self, mru: u16) {
        self.fsm.set_peer_mru(mru);
    }

    /// The lower layer is up: LCP reached Opened (and authentication, if
    /// any, passed).
    pub fn lower_up(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.lower_up(now, rng);
        self.after_input(now, rng);
    }

    /// The lower layer is down: LCP left Opened.
    pub fn lower_down(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.lower_down(now, rng);
        self.after_input(now, rng);
    }

    /// Administrative Open. When the protocol cannot succeed whatever the
    /// peer says (IPCP with no address allowed for the peer), the Open is
    /// refused: [`NcpEvent::Failed`] is reported, the automaton stays where
    /// it was, and nothing is sent.
    pub fn open(&mut self, now: Instant, rng: &mut dyn Rng) {
        if let Some(failure) = self.fsm.protocol().refuse_open() {
            self.events.push(NcpEvent::Failed(failure));
            return;
        }
        self.fsm.open(now, rng);
        self.after_input(now, rng);
    }

    /// Administrative Close; `reason` goes in the Terminate-Request.
    pub fn close(&mut self, now: Instant, reason: &str, rng: &mut dyn Rng) {
        self.fsm.close(now, reason, rng);
        self.after_input(now, rng);
    }

    /// A packet of this protocol (the frame's Information field, from the
    /// Code on). Malformed packets are discarded and counted.
    pub fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut dyn Rng) {
        self.fsm.handle_packet(now, packet, rng);
        self.after_input(now, rng);
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.handle_timeout(now, rng);
        self.after_input(now, rng);
    }

    /// The peer Protocol-Rejected this protocol (LCP reported it): the RXJ-
    /// event of RFC 1661 section 4.3. The protocol stops: from a
    /// negotiating state it goes to Stopped with tlf
    /// ([`NcpEvent::Finished`]); from Opened it reports Down and terminates.
    /// The other network protocols are not affected.
    pub fn protocol_rejected(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.fsm.inject(now, Event::RxjBad, rng);
        self.after_input(now, rng);
    }

    /// Appends the next packet to send (from the Code field on) to `out`;
    /// false when there is none.
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
    pub fn poll_event(&mut self) -> Option<NcpEvent<P::Failure>> {
        self.events.pop()
    }

    /// When the restart timer runs out, if it runs.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.fsm.poll_timeout()
    }

    /// Moves the automaton's events to ours, checking each tlu.
    fn after_input(&mut self, now: Instant, rng: &mut dyn Rng) {
        while let Some(event) = self.fsm.poll_event() {
            let event = match event {
                FsmEvent::Up => match self.fsm.protocol_mut().take_failure() {
                    None => NcpEvent::Up,
                    Some(failure) => {
                        let reason = failure.reason();
                        self.events.push(NcpEvent::Failed(failure));
                        self.hide_down = true;
                        self.fsm.close(now, reason, rng);
                        continue;
                    }
                },
                FsmEvent::Down if std::mem::take(&mut self.hide_down) => continue,
                FsmEvent::Down => NcpEvent::Down,
                FsmEvent::Started => NcpEvent::Started,
                FsmEvent::Finished => NcpEvent::Finished,
                FsmEvent::TerminateRequested { reason } => NcpEvent::TerminateRequested { reason },
                FsmEvent::CodeRejected { code, fatal } => NcpEvent::CodeRejected { code, fatal },
            };
            self.events.push(event);
        }
        // A Close from Opened reports its tld at once, so nothing is left
        // to hide past this input.
        self.hide_down = false;
    }
}
