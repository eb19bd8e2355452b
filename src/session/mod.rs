//! One PPP session: LCP, authentication and the network control protocols
//! run together, sans-IO (RFC 1661 section 3).
//!
//! A [`Session`] is what the driver runs for each L2TP session, and what a
//! process holds thousands of. It reads no clock and no socket: `now` and a
//! random source come in with every input, frames come in as
//! `(protocol, information)`, and everything it wants done comes out of the
//! `poll_*` methods.
//!
//! # Driving a session
//!
//! 1. [`Session::new`] queues [`DataPathAction::CreateUnit`]: create the
//!    interface first (pppd does, so scripts and events know its name).
//! 2. [`Session::start`]: the lower layer is up; LCP starts.
//! 3. After every input ([`handle_frame`](Session::handle_frame),
//!    [`handle_timeout`](Session::handle_timeout), [`close`](Session::close),
//!    [`lower_down`](Session::lower_down)) drain the outputs in this order:
//!    [`poll_action`](Session::poll_action) (carry each out on the kernel),
//!    [`poll_transmit`](Session::poll_transmit) (write each frame to the
//!    channel), [`poll_event`](Session::poll_event) (tell the L2TP daemon,
//!    run scripts), then [`poll_timeout`](Session::poll_timeout) (when to call
//!    `handle_timeout` next).
//! 4. After [`SessionEvent::Terminated`] the session is over; drop it.
//!
//! # Phases
//!
//! LCP drives the phases (RFC 1661 section 3.2). When LCP opens, the
//! session authenticates in each direction LCP agreed on; when that passes,
//! the NCPs start. LCP going down (a renegotiation, a Terminate-Request, a
//! timeout) takes the NCPs down and ends authentication; a renegotiation
//! runs authentication again and brings the NCPs back.

mod auth;
mod config;
mod display;
mod event;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use rand_core::Rng;
use rppp_ipcp::{Ipcp, IpcpEvent, Ipv6cp, Ipv6cpEvent, NcpEvent};
use rppp_lcp::{spare, Lcp, LcpEvent, State};

pub use config::{Role, SessionConfig};
pub use display::FrameDisplay;
pub use event::{
    exit, network_protocol, DataPathAction, NpMode, Phase, SessionEvent, TerminationReason,
};
pub use rppp_auth::AuthConfig;

use auth::{AuthOutcome, AuthPhase};

/// PPP protocol numbers the session sorts frames by.
pub mod protocol {
    pub use rppp_lcp::lcp::options::protocol::{CHAP, EAP, LCP, LQR, PAP};
    /// IPCP (RFC 1332).
    pub const IPCP: u16 = 0x8021;
    /// IPv6CP (RFC 5072).
    pub const IPV6CP: u16 = 0x8057;
    /// CCP (RFC 1962); Windows offers MPPE through it.
    pub const CCP: u16 = 0x80fd;
    /// BACP (RFC 2125).
    pub const BACP: u16 = 0xc02b;
    /// BAP (RFC 2125).
    pub const BAP: u16 = 0xc02d;
}

/// Counts of frames the session did not hand to a protocol.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounters {
    /// Frames received.
    pub rx_frames: u32,
    /// Network-protocol data (IPv4, IPv6) that reached the session instead
    /// of the kernel: discarded, never Protocol-Rejected.
    pub rx_data_discarded: u32,
    /// Control frames of a protocol not running yet (an NCP before the
    /// Network phase, authentication outside it): discarded.
    pub rx_out_of_phase: u32,
    /// Frames answered with a Protocol-Reject.
    pub protocol_rejects_sent: u32,
    /// Frames of an unknown protocol discarded because LCP was not Opened.
    pub rx_unknown_discarded: u32,
}

/// A PPP session.
#[derive(Debug)]
pub struct Session {
    /// Shared by every session made from the same configuration.
    config: Arc<SessionConfig>,
    phase: Phase,
    lcp: Lcp,
    auth: AuthPhase,
    ipcp: Ipcp,
    /// Boxed: most L2TP sessions run without IPv6.
    ipv6cp: Option<Box<Ipv6cp>>,
    /// Whether each NCP has been opened and not finished since.
    ipcp_running: bool,
    ipv6cp_running: bool,
    ipv4_up: bool,
    ipv6_up: bool,
    interface_up: bool,
    /// pppd's `status`: the exit code if the session ended now.
    status: u8,
    reason: Option<TerminationReason>,
    terminated: bool,
    negotiation_deadline: Option<Instant>,
    maxconnect_deadline: Option<Instant>,
    /// The ppp unit number, once the driver created the unit.
    unit: Option<u32>,
    /// [`poll_timeout`](Self::poll_timeout)'s answer, refreshed after input.
    next_timeout: Option<Instant>,
    /// [`compute_settled`](Self::compute_settled)'s answer, refreshed
    /// after input: the `poll_*` calls ask it for every item they hand out.
    settled: bool,
    /// Frames to send, in the order the protocols produced them:
    /// `[protocol: 2][length: 2][information]` records back to back.
    transmit: Vec<u8>,
    transmit_read: usize,
    events: VecDeque<SessionEvent>,
    actions: VecDeque<DataPathAction>,
    counters: SessionCounters,
}

impl Session {
    /// A session that has not started; [`DataPathAction::CreateUnit`] is
    /// queued. Sessions made from one `Arc<SessionConfig>` share it.
    pub fn new(config: impl Into<Arc<SessionConfig>>) -> Session {
        let config = config.into();
        let lcp = Lcp::new(config.lcp.clone());
        let ipcp = Ipcp::new(config.ipcp.clone());
        let ipv6cp = config.ipv6cp.clone().map(|c| Box::new(Ipv6cp::new(c)));
        Session {
            phase: Phase::Dead,
            lcp,
            auth: AuthPhase::default(),
            ipcp,
            ipv6cp,
            ipcp_running: false,
            ipv6cp_running: false,
            ipv4_up: false,
            ipv6_up: false,
            interface_up: false,
            status: exit::NEGOTIATION_FAILED,
            reason: None,
            terminated: false,
            negotiation_deadline: None,
            maxconnect_deadline: None,
            unit: None,
            next_timeout: None,
            settled: true,
            transmit: Vec::new(),
            transmit_read: 0,
            events: VecDeque::new(),
            // Room for a negotiation's actions, CreateUnit first.
            actions: {
                let mut actions = VecDeque::with_capacity(8);
                actions.push_back(DataPathAction::CreateUnit);
                actions
            },
            counters: SessionCounters::default(),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// LCP, for inspection.
    pub fn lcp(&self) -> &Lcp {
        &self.lcp
    }

    /// IPCP, for inspection.
    pub fn ipcp(&self) -> &Ipcp {
        &self.ipcp
    }

    /// IPv6CP, when configured.
    pub fn ipv6cp(&self) -> Option<&Ipv6cp> {
        self.ipv6cp.as_deref()
    }

    /// The session's own counters.
    pub fn counters(&self) -> &SessionCounters {
        &self.counters
    }

    /// Whether the session is over.
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }

    /// The ppp unit number the driver created: secrets lines may allow the
    /// peer an address derived from it (`a.b.c.d/n+`).
    pub fn set_unit(&mut self, unit: u32) {
        self.unit = Some(unit);
    }

    /// The lower layer is up (the unit exists): LCP starts negotiating.
    pub fn start(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.terminated || self.phase != Phase::Dead {
            return;
        }
        // A negotiation reports a handful of events and actions: room for
        // them at once rather than growth step by step (given back once
        // the session settles).
        self.events.reserve(8);
        if self.actions.capacity() == 0 {
            // CreateUnit was taken (and the queue given back) before start.
            self.actions.reserve(8);
        }
        self.set_phase(Phase::Establish);
        self.negotiation_deadline = Some(now + self.config.negotiation_timeout);
        self.lcp.lower_up(now, rng);
        self.lcp.open(now, rng);
        self.after_input(now, rng);
    }

    /// An administrative close (a signal): Terminate-Request, then exit code
    /// 5 once LCP is done.
    pub fn close(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.close_with(
            now,
            TerminationReason::UserRequest,
            exit::USER_REQUEST,
            "User request",
            rng,
        );
        self.after_input(now, rng);
    }

    /// The link carried no data for the configured `idle` time (pppd's
    /// `check_idle`): Terminate-Request with pppd's reason "Link
    /// inactive", then exit code 12.
    pub fn close_idle(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.close_with(
            now,
            TerminationReason::Idle,
            exit::IDLE_TIMEOUT,
            "Link inactive",
            rng,
        );
        self.after_input(now, rng);
    }

    /// The lower layer went down (the channel closed): the session ends at
    /// once with exit code 16, sending nothing.
    pub fn lower_down(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.terminated {
            return;
        }
        self.status = exit::HANGUP;
        self.reason = Some(TerminationReason::Hangup);
        self.lcp.lower_down(now, rng);
        self.after_input(now, rng);
        self.terminate();
    }

    /// A frame from the peer: its protocol number and Information field.
    pub fn handle_frame(
        &mut self,
        now: Instant,
        protocol: u16,
        information: &[u8],
        rng: &mut dyn Rng,
    ) {
        if self.terminated {
            return;
        }
        self.counters.rx_frames = self.counters.rx_frames.wrapping_add(1);
        let lcp_opened = self.lcp.state() == State::Opened;
        match protocol {
            protocol::LCP => self.lcp.handle_packet(now, information, rng),
            protocol::PAP | protocol::CHAP if AuthPhase::runs(protocol, self.lcp.negotiated()) => {
                if matches!(self.phase, Phase::Authenticate | Phase::Network) {
                    self.auth.handle_packet(now, protocol, information, rng);
                } else {
                    self.counters.rx_out_of_phase += 1;
                }
            }
            protocol::IPCP => {
                if self.phase == Phase::Network && self.ipcp_running {
                    self.ipcp.handle_packet(now, information, rng);
                } else {
                    self.counters.rx_out_of_phase += 1;
                }
            }
            protocol::IPV6CP if self.ipv6cp.is_some() => match &mut self.ipv6cp {
                Some(ipv6cp) if self.phase == Phase::Network && self.ipv6cp_running => {
                    ipv6cp.handle_packet(now, information, rng)
                }
                _ => self.counters.rx_out_of_phase += 1,
            },
            // RFC 1661 section 5.7: data of a network protocol that is not
            // up is discarded; it is not a protocol we refuse.
            network_protocol::IPV4 | network_protocol::IPV6 => self.counters.rx_data_discarded += 1,
            // Anything else (CCP, BACP, BAP, EAP, IPv6CP when off, an
            // unknown protocol, authentication LCP did not agree on):
            // Protocol-Reject while LCP is Opened, discard otherwise.
            _ if lcp_opened => {
                self.counters.protocol_rejects_sent += 1;
                let _ = self.lcp.protocol_reject(protocol, information);
            }
            _ => self.counters.rx_unknown_discarded += 1,
        }
        self.after_input(now, rng);
    }

    /// Timers: call when `now` reaches [`poll_timeout`](Self::poll_timeout).
    /// Early calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.terminated {
            return;
        }
        self.lcp.handle_timeout(now, rng);
        self.auth.handle_timeout(now, rng);
        self.ipcp.handle_timeout(now, rng);
        if let Some(ipv6cp) = &mut self.ipv6cp {
            ipv6cp.handle_timeout(now, rng);
        }
        if self.negotiation_deadline.is_some_and(|d| now >= d) {
            self.negotiation_deadline = None;
            self.close_with(
                now,
                TerminationReason::NegotiationTimeout,
                exit::NEGOTIATION_FAILED,
                "Negotiation timed out",
                rng,
            );
        }
        if self.maxconnect_deadline.is_some_and(|d| now >= d) {
            self.maxconnect_deadline = None;
            self.close_with(
                now,
                TerminationReason::ConnectTime,
                exit::CONNECT_TIME,
                "Connect time expired",
                rng,
            );
        }
        self.after_input(now, rng);
    }

    /// The next thing to do to the kernel's data path.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<DataPathAction> {
        let action = self.actions.pop_front();
        if self.actions.is_empty() && self.actions.capacity() > 0 && self.settled {
            self.actions = VecDeque::new();
        }
        action
    }

    /// Appends the next frame's Information field to `out` and returns its
    /// protocol number; `None` when there is nothing to send. Frames come
    /// out in the order the protocols produced them, across protocols: a
    /// CHAP Failure before the LCP Terminate-Request it causes, an LCP
    /// Configure-Ack before the Challenge that follows LCP's opening.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> Option<u16> {
        let Some(header) = self
            .transmit
            .get(self.transmit_read..self.transmit_read + 4)
        else {
            if self.transmit.capacity() > 0 && self.settled {
                spare::give(&mut self.transmit);
            }
            return None;
        };
        let protocol = u16::from_be_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let start = self.transmit_read + 4;
        out.extend_from_slice(&self.transmit[start..start + len]);
        self.transmit_read = start + len;
        if self.transmit_read == self.transmit.len() {
            if self.settled {
                spare::give(&mut self.transmit);
            } else {
                self.transmit.clear();
            }
            self.transmit_read = 0;
        }
        Some(protocol)
    }

    /// Moves what each protocol has to send into the session's queue, LCP
    /// first. Called after every step that may have produced frames, so the
    /// queue keeps the order across protocols.
    #[inline]
    fn collect_transmits(&mut self) {
        // Called after every reaction, mostly with nothing to collect.
        let v6 = self.ipv6cp.as_deref().is_some_and(Ipv6cp::has_transmit);
        if self.lcp.has_transmit() || self.auth.has_transmit() || self.ipcp.has_transmit() || v6 {
            self.collect_transmits_now();
        }
    }

    fn collect_transmits_now(&mut self) {
        let mut queue = std::mem::take(&mut self.transmit);
        if self.lcp.has_transmit() {
            drain_into(&mut queue, |b| {
                self.lcp.poll_transmit(b).then_some(protocol::LCP)
            });
        }
        if self.auth.has_transmit() {
            drain_into(&mut queue, |b| self.auth.poll_transmit(b));
        }
        if self.ipcp.has_transmit() {
            drain_into(&mut queue, |b| {
                self.ipcp.poll_transmit(b).then_some(protocol::IPCP)
            });
        }
        if let Some(ipv6cp) = self.ipv6cp.as_deref_mut().filter(|v| v.has_transmit()) {
            drain_into(&mut queue, |b| {
                ipv6cp.poll_transmit(b).then_some(protocol::IPV6CP)
            });
        }
        self.transmit = queue;
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        let event = self.events.pop_front();
        if self.events.is_empty() && self.events.capacity() > 0 && self.settled {
            self.events = VecDeque::new();
        }
        event
    }

    /// The earliest time [`handle_timeout`](Self::handle_timeout) has work.
    ///
    /// Kept up to date by every call that feeds the session, so a driver may
    /// ask as often as it likes.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_timeout
    }

    /// The earliest deadline of the protocols and the session's own.
    fn earliest_deadline(&self) -> Option<Instant> {
        if self.terminated {
            return None;
        }
        [
            self.lcp.poll_timeout(),
            self.auth.poll_timeout(),
            self.ipcp.poll_timeout(),
            self.ipv6cp.as_deref().and_then(Ipv6cp::poll_timeout),
            self.negotiation_deadline,
            self.maxconnect_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Whether no negotiation is under way. A process holds thousands of
    /// established sessions: drained output queues give their memory back
    /// then, and keep it while the session negotiates (frame after frame).
    fn compute_settled(&self) -> bool {
        self.terminated
            || !(self.lcp.state().is_negotiating()
                || self.ipcp_running && self.ipcp.state().is_negotiating()
                || self.ipv6cp_running
                    && self
                        .ipv6cp
                        .as_deref()
                        .is_some_and(|v| v.state().is_negotiating())
                || self.phase == Phase::Authenticate)
    }

    fn set_phase(&mut self, phase: Phase) {
        if self.phase != phase {
            self.phase = phase;
            self.events.push_back(SessionEvent::Phase(phase));
        }
    }

    /// Closes LCP with a reason that decides the exit code. The first reason
    /// given wins, as pppd's `status` does for the cases it sets.
    fn close_with(
        &mut self,
        now: Instant,
        reason: TerminationReason,
        status: u8,
        text: &str,
        rng: &mut dyn Rng,
    ) {
        if self.terminated {
            return;
        }
        if self.reason.is_none() {
            self.reason = Some(reason);
            self.status = status;
        }
        self.negotiation_deadline = None;
        self.maxconnect_deadline = None;
        self.lcp.close(now, text, rng);
        // From Stopped or Closed, Close goes to Closed with no tlf (RFC 1661
        // section 4.1): there is nothing to terminate, the link is over.
        if matches!(self.lcp.state(), State::Closed | State::Initial) {
            self.link_down(now, rng);
            self.terminate();
        }
    }

    /// Reacts to what the protocols reported, until nothing changes.
    fn after_input(&mut self, now: Instant, rng: &mut dyn Rng) {
        // Each pass handles the events queued so far; reactions queue more.
        // Frames are collected before each reaction, so they leave in the
        // order they were made.
        for _ in 0..16 {
            let mut progressed = false;
            self.collect_transmits();
            while let Some(event) = self.lcp.poll_event() {
                progressed = true;
                self.on_lcp_event(now, event, rng);
                self.collect_transmits();
            }
            while let Some(outcome) = self.auth.poll_outcome() {
                progressed = true;
                self.on_auth_outcome(now, outcome, rng);
                self.collect_transmits();
            }
            while let Some(event) = self.ipcp.poll_event() {
                progressed = true;
                self.on_ipcp_event(now, event, rng);
                self.collect_transmits();
            }
            while let Some(event) = self.ipv6cp.as_deref_mut().and_then(Ipv6cp::poll_event) {
                progressed = true;
                self.on_ipv6cp_event(now, event, rng);
                self.collect_transmits();
            }
            if !progressed || self.terminated {
                break;
            }
        }
        self.next_timeout = self.earliest_deadline();
        self.settled = self.compute_settled();
    }

    fn on_lcp_event(&mut self, now: Instant, event: LcpEvent, rng: &mut dyn Rng) {
        match event {
            LcpEvent::Up => self.link_established(now, rng),
            LcpEvent::Down => self.link_down(now, rng),
            LcpEvent::Finished => {
                self.link_down(now, rng);
                self.terminate();
            }
            LcpEvent::Started => {}
            LcpEvent::TerminateRequested { reason } => {
                if self.reason.is_none() {
                    self.reason = Some(TerminationReason::PeerRequest {
                        reason: String::from_utf8_lossy(&reason).into_owned(),
                    });
                }
                self.set_phase(Phase::Terminate);
            }
            LcpEvent::PeerDead { .. } => {
                // No Terminate-Request retransmissions to a dead peer: one
                // goes out, then the link is down.
                self.close_with(
                    now,
                    TerminationReason::PeerDead,
                    exit::PEER_DEAD,
                    "Peer not responding",
                    rng,
                );
                self.lcp.lower_down(now, rng);
                self.link_down(now, rng);
                self.terminate();
            }
            LcpEvent::LoopbackDetected => {
                if self.reason.is_none() {
                    self.reason = Some(TerminationReason::Loopback);
                    self.status = exit::LOOPBACK;
                }
            }
            LcpEvent::ProtocolRejected { protocol } => self.protocol_rejected(now, protocol, rng),
            LcpEvent::CodeRejected { .. }
            | LcpEvent::Identification { .. }
            | LcpEvent::TimeRemaining { .. } => {}
        }
    }

    /// LCP is Opened (RFC 1661 section 3.3 onwards).
    fn link_established(&mut self, now: Instant, rng: &mut dyn Rng) {
        let Some(negotiated) = self.lcp.negotiated().copied() else {
            return;
        };
        self.events.push_back(SessionEvent::LinkUp(negotiated));
        self.events.push_back(SessionEvent::SendAccm {
            send: negotiated.send_accm,
            recv: negotiated.recv_accm,
        });
        self.actions
            .push_back(DataPathAction::SetMtu(negotiated.mtu));
        self.actions
            .push_back(DataPathAction::SetMru(negotiated.mru));
        self.ipcp.set_peer_mru(negotiated.peer_mru);
        if let Some(ipv6cp) = &mut self.ipv6cp {
            ipv6cp.set_peer_mru(negotiated.peer_mru);
        }
        if negotiated.auth_refused {
            self.close_with(
                now,
                TerminationReason::PeerRefusedAuth,
                exit::PEER_AUTH_FAILED,
                "Peer refused to authenticate",
                rng,
            );
            return;
        }
        if negotiated.peer_auth.is_some() || negotiated.our_auth.is_some() {
            self.set_phase(Phase::Authenticate);
            self.auth.start(now, &negotiated, &self.config.auth, rng);
        } else {
            self.network_phase(now, rng);
        }
    }

    fn on_auth_outcome(&mut self, now: Instant, outcome: AuthOutcome, rng: &mut dyn Rng) {
        match outcome {
            AuthOutcome::PeerAuthenticated { name } => {
                self.restrict_peer_addresses();
                self.events
                    .push_back(SessionEvent::Authenticated { peer_name: name });
            }
            AuthOutcome::AuthenticatedToPeer => {
                self.events.push_back(SessionEvent::AuthenticatedToPeer)
            }
            AuthOutcome::PeerFailed { reason } => {
                let text = "Authentication failed";
                self.close_with(
                    now,
                    TerminationReason::PeerAuthFailed { reason },
                    exit::PEER_AUTH_FAILED,
                    text,
                    rng,
                );
                return;
            }
            AuthOutcome::FailedToPeer { reason } => {
                let text = "Failed to authenticate ourselves to peer";
                let reason = TerminationReason::AuthToPeerFailed { reason };
                self.close_with(now, reason, exit::AUTH_TO_PEER_FAILED, text, rng);
                return;
            }
        }
        if self.phase == Phase::Authenticate && self.auth.is_done() {
            self.network_phase(now, rng);
        }
    }

    /// The secrets line the peer authenticated with decides which addresses
    /// IPCP may give it (pppd's `auth_ip_addr`).
    fn restrict_peer_addresses(&mut self) {
        let Some(identity) = self.auth.identity() else {
            return;
        };
        let addresses = identity.addresses.clone();
        let allowed = if addresses.allows_none() {
            rppp_ipcp::AllowedAddresses::None
        } else {
            let unit = self.unit;
            let suggested = addresses.suggested_remote(self.config.ipcp.remote, unit);
            let allows = std::sync::Arc::new(move |address| addresses.permits(address, unit));
            rppp_ipcp::AllowedAddresses::Only { allows, suggested }
        };
        self.ipcp.set_allowed_addresses(allowed);
    }

    /// Authentication passed (or none was needed): start the NCPs.
    fn network_phase(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.set_phase(Phase::Network);
        self.negotiation_deadline = None;
        self.ipcp_running = true;
        self.ipcp.lower_up(now, rng);
        self.ipcp.open(now, rng);
        if let Some(ipv6cp) = &mut self.ipv6cp {
            self.ipv6cp_running = true;
            ipv6cp.lower_up(now, rng);
            ipv6cp.open(now, rng);
        }
    }

    /// LCP left Opened: the NCPs and authentication go down with it.
    fn link_down(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.auth.stop();
        if self.ipcp_running {
            self.ipcp.lower_down(now, rng);
            self.ipcp_running = false;
        }
        if let Some(ipv6cp) = &mut self.ipv6cp {
            if self.ipv6cp_running {
                ipv6cp.lower_down(now, rng);
                self.ipv6cp_running = false;
            }
        }
        // lower_down reports Down for an NCP that was up; handle it now so
        // the data path is torn down before anything else happens.
        while let Some(event) = self.ipcp.poll_event() {
            self.on_ipcp_event(now, event, rng);
        }
        while let Some(event) = self.ipv6cp.as_deref_mut().and_then(Ipv6cp::poll_event) {
            self.on_ipv6cp_event(now, event, rng);
        }
        if !self.terminated && self.phase != Phase::Dead {
            let renegotiating = self.lcp.state().is_negotiating();
            self.set_phase(if renegotiating {
                Phase::Establish
            } else {
                Phase::Terminate
            });
        }
    }

    fn on_ipcp_event(&mut self, now: Instant, event: IpcpEvent, rng: &mut dyn Rng) {
        match event {
            NcpEvent::Up => {
                let Some(n) = self.ipcp.negotiated().copied() else {
                    return;
                };
                let Some(peer) = n.peer else { return };
                self.actions.push_back(DataPathAction::SetIpv4Addresses {
                    local: n.local,
                    peer,
                });
                self.interface_up();
                self.actions.push_back(DataPathAction::SetNpMode {
                    protocol: network_protocol::IPV4,
                    mode: NpMode::Pass,
                });
                self.ipv4_up = true;
                self.network_protocol_up(now);
                self.events.push_back(SessionEvent::IpUp {
                    local: n.local,
                    peer,
                    dns: n.dns,
                    nbns: n.nbns,
                });
            }
            NcpEvent::Down => {
                if std::mem::take(&mut self.ipv4_up) {
                    self.actions.push_back(DataPathAction::SetNpMode {
                        protocol: network_protocol::IPV4,
                        mode: NpMode::Drop,
                    });
                    self.actions.push_back(DataPathAction::RemoveIpv4Addresses);
                    self.interface_down_if_idle();
                    self.events.push_back(SessionEvent::IpDown);
                }
            }
            NcpEvent::Finished => {
                if std::mem::take(&mut self.ipcp_running) {
                    self.network_protocol_finished(now, rng);
                }
            }
            NcpEvent::Failed(_)
            | NcpEvent::Started
            | NcpEvent::TerminateRequested { .. }
            | NcpEvent::CodeRejected { .. } => {}
        }
    }

    fn on_ipv6cp_event(&mut self, now: Instant, event: Ipv6cpEvent, rng: &mut dyn Rng) {
        match event {
            NcpEvent::Up => {
                let Some(n) = self.ipv6cp.as_ref().and_then(|v| v.negotiated().copied()) else {
                    return;
                };
                let (local, peer) = (n.local_address(), n.peer_address());
                // Up first, as pppd's ipv6cp_up (sif6up, then sif6addr): the
                // kernel adds the route to the peer's link-local address only
                // for an address added to an interface that is up.
                self.interface_up();
                self.actions
                    .push_back(DataPathAction::SetIpv6LinkLocal { local, peer });
                self.actions.push_back(DataPathAction::SetNpMode {
                    protocol: network_protocol::IPV6,
                    mode: NpMode::Pass,
                });
                self.ipv6_up = true;
                self.network_protocol_up(now);
                self.events.push_back(SessionEvent::Ipv6Up { local, peer });
            }
            NcpEvent::Down => {
                if std::mem::take(&mut self.ipv6_up) {
                    self.actions.push_back(DataPathAction::SetNpMode {
                        protocol: network_protocol::IPV6,
                        mode: NpMode::Drop,
                    });
                    self.actions.push_back(DataPathAction::RemoveIpv6LinkLocal);
                    self.interface_down_if_idle();
                    self.events.push_back(SessionEvent::Ipv6Down);
                }
            }
            NcpEvent::Finished => {
                if std::mem::take(&mut self.ipv6cp_running) {
                    self.network_protocol_finished(now, rng);
                }
            }
            NcpEvent::Failed(_)
            | NcpEvent::Started
            | NcpEvent::TerminateRequested { .. }
            | NcpEvent::CodeRejected { .. } => {}
        }
    }

    fn interface_up(&mut self) {
        if !std::mem::replace(&mut self.interface_up, true) {
            self.actions.push_back(DataPathAction::InterfaceUp);
        }
    }

    fn interface_down_if_idle(&mut self) {
        if !self.ipv4_up && !self.ipv6_up && std::mem::take(&mut self.interface_up) {
            self.actions.push_back(DataPathAction::InterfaceDown);
        }
    }

    /// A network protocol came up: the link is useful (pppd's `np_up`).
    fn network_protocol_up(&mut self, now: Instant) {
        if self.reason.is_none() {
            self.status = exit::OK;
        }
        if self.maxconnect_deadline.is_none() {
            self.maxconnect_deadline = self.config.maxconnect.map(|m| now + m);
        }
    }

    /// An NCP finished; with none left, the link has no use (pppd's
    /// `np_finished`: "No network protocols running").
    fn network_protocol_finished(&mut self, now: Instant, rng: &mut dyn Rng) {
        if !self.ipcp_running && !self.ipv6cp_running && self.lcp.state() == State::Opened {
            self.close_with(
                now,
                TerminationReason::NegotiationFailed,
                self.status,
                "No network protocols running",
                rng,
            );
        }
    }

    /// The peer Protocol-Rejected one of ours (RFC 1661 section 5.7).
    fn protocol_rejected(&mut self, now: Instant, protocol: u16, rng: &mut dyn Rng) {
        match protocol {
            protocol::IPCP => self.ipcp.protocol_rejected(now, rng),
            protocol::IPV6CP => {
                if let Some(ipv6cp) = &mut self.ipv6cp {
                    ipv6cp.protocol_rejected(now, rng);
                }
            }
            protocol::PAP | protocol::CHAP => {
                // The authentication LCP agreed on cannot run: whichever
                // direction uses it fails.
                let Some(negotiated) = self.lcp.negotiated() else {
                    return;
                };
                let reason = "peer rejected the authentication protocol".to_owned();
                let outcome = match AuthPhase::role_of(protocol, negotiated) {
                    Some(rppp_auth::Role::Authenticator) => AuthOutcome::PeerFailed { reason },
                    Some(rppp_auth::Role::Peer) => AuthOutcome::FailedToPeer { reason },
                    None => return,
                };
                self.on_auth_outcome(now, outcome, rng);
            }
            _ => {}
        }
    }

    fn terminate(&mut self) {
        if std::mem::replace(&mut self.terminated, true) {
            return;
        }
        self.next_timeout = None;
        self.settled = true;
        self.set_phase(Phase::Dead);
        let reason = self
            .reason
            .take()
            .unwrap_or(TerminationReason::NegotiationFailed);
        self.events.push_back(SessionEvent::Terminated {
            reason,
            exit_code: self.status,
        });
    }
}

/// Appends `[protocol][length][information]` records to `queue` for every
/// frame `next` yields.
fn drain_into(queue: &mut Vec<u8>, mut next: impl FnMut(&mut Vec<u8>) -> Option<u16>) {
    if queue.capacity() == 0 {
        // Room for a negotiation's burst of frames in one allocation.
        spare::reserve(queue, 256);
    }
    loop {
        let at = queue.len();
        queue.extend_from_slice(&[0; 4]);
        let Some(protocol) = next(queue) else {
            queue.truncate(at);
            return;
        };
        // A control packet is bounded by its own u16 Length field.
        let len = (queue.len() - at - 4) as u16;
        queue[at..at + 2].copy_from_slice(&protocol.to_be_bytes());
        queue[at + 2..at + 4].copy_from_slice(&len.to_be_bytes());
    }
}
