//! The Network phase (RFC 1661 section 3.5): IPCP and IPv6CP started
//! after authentication, their results turned into data-path actions and
//! events, and the link closed when the last of them finishes (pppd's
//! `np_up` and `np_finished`).

use std::time::Instant;

use rand_core::Rng;
use rppp_ipcp::{IpcpEvent, Ipv6cpEvent, NcpEvent};
use rppp_lcp::State;

use super::{
    exit, network_protocol, DataPathAction, NpMode, Phase, Session, SessionEvent, TerminationReason,
};

impl Session {
    /// The secrets line the peer authenticated with decides which addresses
    /// IPCP may give it (pppd's `auth_ip_addr`).
    pub(super) fn restrict_peer_addresses(&mut self) {
        let Some(identity) = self.auth.identity() else {
            return;
        };
        let addresses = identity.addresses.clone();
        let allowed = if addresses.allows_none() {
            rppp_ipcp::AllowedAddresses::None
        } else {
            let unit = self.unit;
            let suggested = addresses.suggested_remote(self.ipcp.config().remote, unit);
            let allows = std::sync::Arc::new(move |address| addresses.permits(address, unit));
            rppp_ipcp::AllowedAddresses::Only { allows, suggested }
        };
        self.ipcp.set_allowed_addresses(allowed);
    }

    /// Authentication passed (or none was needed): start the NCPs.
    ///
    /// One of them must come up within the time Max-Configure gives a
    /// silent peer, plus one restart interval (33 s by default), so that a
    /// silent peer still ends by Max-Configure: a peer that keeps answering
    /// without ever agreeing (it acknowledges our requests, and RCA
    /// re-initializes the restart counter) would otherwise hold the link
    /// for ever.
    pub(super) fn network_phase(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.set_phase(Phase::Network);
        let allow = |fsm: &rppp_lcp::FsmConfig| {
            fsm.restart_interval
                .saturating_mul(fsm.max_configure.saturating_add(1))
        };
        let mut window = allow(&self.config.ipcp.fsm);
        if let Some(ipv6cp) = &self.config.ipv6cp {
            window = window.max(allow(&ipv6cp.fsm));
        }
        self.negotiation_deadline = now.checked_add(window);
        self.ipcp_running = true;
        self.ipcp.lower_up(now, rng);
        self.ipcp.open(now, rng);
        if let Some(ipv6cp) = &mut self.ipv6cp {
            self.ipv6cp_running = true;
            ipv6cp.lower_up(now, rng);
            ipv6cp.open(now, rng);
        }
    }

    pub(super) fn on_ipcp_event(&mut self, now: Instant, event: IpcpEvent, rng: &mut dyn Rng) {
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
            // A failure at tlu closes the automaton, and its tlf follows as
            // Finished. A refused Open (no address the peer may have) leaves
            // it where it was, with no tlf to come: it is finished now, or
            // it would answer a retrying peer with Terminate-Acks for ever.
            NcpEvent::Failed(_) if ncp_idle(self.ipcp.state()) => {
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

    pub(super) fn on_ipv6cp_event(&mut self, now: Instant, event: Ipv6cpEvent, rng: &mut dyn Rng) {
        match event {
            NcpEvent::Up => {
                let Some(n) = self.ipv6cp.as_ref().and_then(|v| v.negotiated().copied()) else {
                    return;
                };
                let (local, peer) = (n.local_address(), n.peer_address());
                // Up first, then the address, as pppd's ipv6cp_up (sif6up,
                // then sif6addr): a link-local address added while the
                // interface is down leaves the kernel without the route to
                // the peer ("Network is unreachable") once it comes up.
                // IPv4 keeps pppd's ipcp_up order, addresses then up.
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
            NcpEvent::Failed(_) if self.ipv6cp.as_deref().is_some_and(|v| ncp_idle(v.state())) => {
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

    pub(super) fn interface_up(&mut self) {
        if !std::mem::replace(&mut self.interface_up, true) {
            self.actions.push_back(DataPathAction::InterfaceUp);
        }
    }

    pub(super) fn interface_down_if_idle(&mut self) {
        if !self.ipv4_up && !self.ipv6_up && std::mem::take(&mut self.interface_up) {
            self.actions.push_back(DataPathAction::InterfaceDown);
        }
    }

    /// A network protocol came up: the link is useful (pppd's `np_up`).
    pub(super) fn network_protocol_up(&mut self, now: Instant) {
        if self.reason.is_none() {
            self.status = exit::OK;
        }
        self.negotiation_deadline = None;
        if self.maxconnect_deadline.is_none() {
            let limit = self.connect_limit.unwrap_or(self.config.maxconnect);
            self.maxconnect_deadline = limit.map(|m| now + m);
        }
    }

    /// An NCP finished; with none left, the link has no use (pppd's
    /// `np_finished`: "No network protocols running").
    ///
    /// Closing is ours to decide, so the session ends with our reason (and
    /// pppd's status: 10 unless a network protocol came up before). rppp
    /// runs no CCP, so no CCP keeps the link open as it may in pppd.
    pub(super) fn network_protocol_finished(&mut self, now: Instant, rng: &mut dyn Rng) {
        if !self.ipcp_running && !self.ipv6cp_running && self.lcp.state() == State::Opened {
            self.no_network_protocols(now, rng);
        }
    }

    /// Closes the link for want of a network protocol.
    pub(super) fn no_network_protocols(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.close_with(
            now,
            TerminationReason::NoNetworkProtocols,
            self.status,
            "No network protocols running",
            rng,
        );
    }
}

/// Whether an NCP's automaton rests where no This-Layer-Finished can come
/// without the peer: a failure reported there finishes the protocol.
fn ncp_idle(state: State) -> bool {
    matches!(
        state,
        State::Initial | State::Starting | State::Closed | State::Stopped
    )
}
