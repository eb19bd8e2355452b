//! The link's life: LCP's events driving the phases (RFC 1661 section
//! 3.2), the Authenticate phase's outcomes, closing with a reason and the
//! end of the session, and the loop that reacts to the protocols' events
//! after every input.

use std::time::Instant;

use rand_core::Rng;
use rppp_ipcp::Ipv6cp;
use rppp_lcp::{LcpEvent, State};

use super::auth::{AuthOutcome, AuthPhase};
use super::{exit, protocol, DataPathAction, Phase, Session, SessionEvent, TerminationReason};

impl Session {
    /// The earliest deadline of the protocols and the session's own.
    pub(super) fn earliest_deadline(&self) -> Option<Instant> {
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
    pub(super) fn compute_settled(&self) -> bool {
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

    pub(super) fn set_phase(&mut self, phase: Phase) {
        if self.phase != phase {
            self.phase = phase;
            self.events.push_back(SessionEvent::Phase(phase));
        }
    }

    /// Closes LCP with a reason that decides the exit code. The first reason
    /// given wins, as pppd's `status` does for the cases it sets.
    pub(super) fn close_with(
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
    pub(super) fn after_input(&mut self, now: Instant, rng: &mut dyn Rng) {
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

    pub(super) fn on_lcp_event(&mut self, now: Instant, event: LcpEvent, rng: &mut dyn Rng) {
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
    pub(super) fn link_established(&mut self, now: Instant, rng: &mut dyn Rng) {
        let Some(negotiated) = self.lcp.negotiated().copied() else {
            return;
        };
        self.events.push_back(SessionEvent::LinkUp(negotiated));
        self.events.push_back(SessionEvent::SendAccm {
            send: negotiated.send_accm,
            recv: negotiated.recv_accm,
        });
        let mtu = self
            .mtu_limit
            .map_or(negotiated.mtu, |limit| limit.min(negotiated.mtu));
        self.actions.push_back(DataPathAction::SetMtu(mtu));
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

    pub(super) fn on_auth_outcome(
        &mut self,
        now: Instant,
        outcome: AuthOutcome,
        rng: &mut dyn Rng,
    ) {
        match outcome {
            AuthOutcome::PeerAuthenticated { name } => {
                self.restrict_peer_addresses();
                self.events
                    .push_back(SessionEvent::Authenticated { peer_name: name });
            }
            AuthOutcome::AuthenticatedToPeer => {
                self.events.push_back(SessionEvent::AuthenticatedToPeer)
            }
            AuthOutcome::VerifyRequest(request) => {
                self.events.push_back(SessionEvent::VerifyRequest(request));
                return;
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

    /// LCP left Opened: the NCPs and authentication go down with it.
    pub(super) fn link_down(&mut self, now: Instant, rng: &mut dyn Rng) {
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

    /// The peer Protocol-Rejected one of ours (RFC 1661 section 5.7).
    pub(super) fn protocol_rejected(&mut self, now: Instant, protocol: u16, rng: &mut dyn Rng) {
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

    pub(super) fn terminate(&mut self) {
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
