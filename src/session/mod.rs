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
//!    [`lower_down`](Session::lower_down), [`verdict`](Session::verdict))
//!    drain the outputs in this order:
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

//!
//! # Verification outside the session
//!
//! With [`AuthConfig::verification`] other than `Local` (the default), the
//! peer's credentials may go to a verifier outside the session (a RADIUS
//! client): the session reports [`SessionEvent::VerifyRequest`] and waits;
//! [`Session::verdict`] resumes it. The modes, the credentials and the
//! verdicts are rppp-auth's ([`rppp_auth::verify`]).

mod auth;
mod config;
mod display;
mod event;
mod link;
mod network;
mod output;
mod words;

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_core::Rng;
use rppp_ipcp::{Ipcp, Ipv6cp};
use rppp_lcp::{Lcp, State};

pub use config::{IpcpAddresses, Role, SessionConfig};
pub use display::FrameDisplay;
pub use event::{
    exit, network_protocol, DataPathAction, NpMode, Phase, SessionEvent, TerminationReason,
};
pub use rppp_auth::{
    AuthConfig, Credentials, StaleVerdict, Verdict, Verification, VerifyHandle, VerifyRequest,
};
pub use words::EventWords;

use auth::AuthPhase;

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
    /// The largest MTU the interface may have ([`limit_mtu`](Self::limit_mtu)).
    mtu_limit: Option<u16>,
    reason: Option<TerminationReason>,
    terminated: bool,
    negotiation_deadline: Option<Instant>,
    maxconnect_deadline: Option<Instant>,
    /// A connect-time limit set on this session
    /// ([`set_connect_limit`](Self::set_connect_limit)), over the
    /// configuration's `maxconnect`.
    connect_limit: Option<Option<Duration>>,
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
        Session::with_addresses(config, IpcpAddresses::default())
    }

    /// As [`new`](Self::new), with this session's own IPv4 addresses over
    /// the configuration's.
    pub fn with_addresses(
        config: impl Into<Arc<SessionConfig>>,
        addresses: IpcpAddresses,
    ) -> Session {
        let config = config.into();
        let lcp = Lcp::new(config.lcp.clone());
        let mut ipcp_config = config.ipcp.clone();
        ipcp_config.local = addresses.local.or(ipcp_config.local);
        ipcp_config.remote = addresses.remote.or(ipcp_config.remote);
        let ipcp = Ipcp::new(ipcp_config);
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
            mtu_limit: None,
            reason: None,
            terminated: false,
            negotiation_deadline: None,
            maxconnect_deadline: None,
            connect_limit: None,
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

    /// The driver could not configure the interface for IPv6 (pppd's
    /// `ipv6cp_up` when `sif6addr` fails): IPv6CP alone closes with
    /// "Interface configuration failed"; IPv4 goes on, and with no other
    /// network protocol the link ends as when an NCP finishes.
    pub fn close_ipv6cp(&mut self, now: Instant, rng: &mut dyn Rng) {
        if let Some(ipv6cp) = self.ipv6cp.as_deref_mut() {
            ipv6cp.close(now, "Interface configuration failed", rng);
        }
        self.after_input(now, rng);
    }

    /// The lower layer went down (the channel closed): the session ends at
    /// once with exit code 16, sending nothing. After the peer's
    /// Terminate-Request (the Terminate phase) the link was already ending
    /// because the peer asked, and that stays its reason: an L2TP peer
    /// sends its CDN right after, and the daemon deletes the session before
    /// the Stopping timer runs out (pppd's "hangup during the terminate
    /// phase is fine", as its L2TP and PPPoE links have it).
    pub fn lower_down(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.terminated {
            return;
        }
        let peer_asked = matches!(self.reason, Some(TerminationReason::PeerRequest { .. }));
        if !peer_asked {
            self.status = exit::HANGUP;
            self.reason = Some(TerminationReason::Hangup);
        }
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

    /// The outside verdict on the credentials of a
    /// [`SessionEvent::VerifyRequest`] (see [`rppp_auth::verify`]): the
    /// peer gets its Success or Failure, and the session goes on as after a
    /// local verdict. Drain the outputs afterwards, as after any input.
    ///
    /// # Errors
    /// [`StaleVerdict`] when no request with that handle is pending (it was
    /// answered, the link renegotiated, or the session is over); nothing
    /// changes.
    pub fn verdict(
        &mut self,
        now: Instant,
        handle: VerifyHandle,
        verdict: Verdict,
        rng: &mut dyn Rng,
    ) -> Result<(), StaleVerdict> {
        if self.terminated {
            return Err(StaleVerdict(handle));
        }
        let result = self.auth.verdict(now, handle, verdict);
        self.after_input(now, rng);
        result
    }

    /// The DNS and NBNS servers to give the peer in IPCP (RFC 1877), over
    /// the configuration's where given: from the authentication server
    /// (RADIUS MS-Primary-DNS-Server, RFC 2548 section 2.7). Takes effect
    /// at IPCP's next negotiation: call it before the Network phase.
    pub fn set_name_servers(&mut self, dns: [Option<Ipv4Addr>; 2], nbns: [Option<Ipv4Addr>; 2]) {
        self.ipcp.set_name_servers(dns, nbns);
    }

    /// Gives the peer `id` as its IPv6 interface identifier at IPv6CP's
    /// next negotiation (RADIUS Framed-Interface-Id, RFC 3162 section
    /// 2.2); call it before the Network phase. False when the session
    /// runs no IPv6CP.
    pub fn set_peer_interface_id(&mut self, id: rppp_ipcp::InterfaceId) -> bool {
        match &mut self.ipv6cp {
            Some(v) => {
                v.set_peer_interface_id(id);
                true
            }
            None => false,
        }
    }

    /// Lowers the interface's MTU to `mtu` where LCP negotiated more, now
    /// if the link is established and at every later negotiation: RADIUS
    /// Framed-MTU (RFC 2865 section 5.12). Never raises it: the peer's
    /// MRU still bounds what we send (RFC 1661 section 6.1).
    pub fn limit_mtu(&mut self, mtu: u16) {
        self.mtu_limit = Some(mtu);
        if let Some(n) = self.lcp.negotiated() {
            if self.lcp.state() == rppp_lcp::State::Opened && n.mtu > mtu {
                self.actions.push_back(DataPathAction::SetMtu(mtu));
            }
        }
    }

    /// Limits the session's connect time to `limit` (`None`: no limit),
    /// over the configuration's `maxconnect`: RADIUS Session-Timeout
    /// (RFC 2865 section 5.27), from an Access-Accept or a CoA-Request
    /// (RFC 5176). Counted from the first network protocol up, or from
    /// `now` when one is up already (a CoA restarts the count).
    pub fn set_connect_limit(&mut self, now: Instant, limit: Option<Duration>) {
        self.connect_limit = Some(limit);
        if self.ipv4_up || self.ipv6_up {
            self.maxconnect_deadline = limit.map(|l| now + l);
        }
        if !self.terminated {
            self.next_timeout = self.earliest_deadline();
        }
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
            if self.phase == Phase::Network {
                // The NCPs are still at it with a peer that keeps
                // answering but never agrees (it acknowledges our requests,
                // so Max-Configure never runs out): give them all up.
                self.no_network_protocols(now, rng);
            } else {
                self.close_with(
                    now,
                    TerminationReason::NegotiationTimeout,
                    exit::NEGOTIATION_FAILED,
                    "Negotiation timed out",
                    rng,
                );
            }
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

    /// The earliest time [`handle_timeout`](Self::handle_timeout) has work.
    ///
    /// Kept up to date by every call that feeds the session, so a driver may
    /// ask as often as it likes.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_timeout
    }
}
