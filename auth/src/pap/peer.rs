//! The peer's side of PAP (RFC 1334 section 2): we send our name and
//! password until the authenticator answers.
//!
//! - Each Authenticate-Request, the retransmissions included, carries a new
//!   Identifier (RFC 1334 section 2.2.1: "MUST be changed each time").
//! - Requests go out every `restart` (pppd's `pap-restart`, 3 s) until
//!   `max_requests` (`pap-max-authreq`, 10) are unanswered: we failed.
//! - Only an Ack or Nak with the Identifier of the last Request counts.

use rppp_lcp::queue::Queue;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rppp_lcp::AuthMethod;

use super::packet::PapRepr;
use crate::chap::PeerCredentials;
use crate::outcome::{AuthEvent, AuthFailure, FailureReason, Role};
use crate::secret::Secret;

/// PAP retransmission, with pppd's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PapPeerConfig {
    /// Time between Authenticate-Requests (`pap-restart`, 3 s).
    pub restart: Duration,
    /// Requests sent before giving up (`pap-max-authreq`, 10).
    pub max_requests: u32,
}

impl Default for PapPeerConfig {
    fn default() -> Self {
        PapPeerConfig {
            restart: Duration::from_secs(3),
            max_requests: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Initial,
    Pending,
    Open,
    Failed,
}

/// The peer's side of a PAP exchange.
pub struct PapPeer {
    config: PapPeerConfig,
    user: Vec<u8>,
    password: Secret,
    state: State,
    identifier: u8,
    transmissions: u32,
    deadline: Option<Instant>,
    transmit: VecDeque<Vec<u8>>,
    events: Queue<AuthEvent>,
    discarded: u64,
}

impl core::fmt::Debug for PapPeer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PapPeer")
            .field("state", &self.state)
            .field("identifier", &self.identifier)
            .field("transmissions", &self.transmissions)
            .finish_non_exhaustive()
    }
}

impl PapPeer {
    /// A PAP peer. The password is the `password` option's, or the
    /// secrets line for our name and the `remote_name` (the empty name when
    /// there is none, as pppd), or empty.
    pub fn new(config: PapPeerConfig, credentials: &PeerCredentials) -> PapPeer {
        PapPeer {
            config,
            user: credentials.user.clone(),
            password: credentials.secret_for(b"").unwrap_or_default(),
            state: State::Initial,
            identifier: 0,
            transmissions: 0,
            deadline: None,
            transmit: VecDeque::new(),
            events: Queue::new(),
            discarded: 0,
        }
    }

    /// Whether the authenticator has accepted us.
    pub fn is_authenticated(&self) -> bool {
        self.state == State::Open
    }

    /// Whether the exchange has failed.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    /// Packets discarded: malformed, stale, or of an unexpected code.
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    /// Sends the first Authenticate-Request. Later calls do nothing.
    /// `first_identifier` is the first Identifier to use (from the caller's
    /// random source, or anything).
    pub fn start(&mut self, now: Instant, first_identifier: u8) {
        if self.state == State::Initial {
            self.identifier = first_identifier.wrapping_sub(1);
            self.state = State::Pending;
            self.send_request(now);
        }
    }

    fn send_request(&mut self, now: Instant) {
        self.identifier = self.identifier.wrapping_add(1);
        self.transmissions += 1;
        let mut packet = Vec::new();
        PapRepr::Request {
            identifier: self.identifier,
            peer_id: &self.user,
            password: self.password.expose(),
        }
        .append_to(&mut packet);
        self.transmit.push_back(packet);
        self.deadline = Some(now + self.config.restart);
    }

    /// A PAP packet from the authenticator.
    pub fn handle_packet(&mut self, now: Instant, packet: &[u8]) {
        let _ = now;
        let current = |id| self.state == State::Pending && id == self.identifier;
        match PapRepr::parse(packet) {
            Ok(PapRepr::Ack { identifier, .. }) if current(identifier) => {
                self.state = State::Open;
                self.deadline = None;
                self.events.push(AuthEvent::Authenticated {
                    method: AuthMethod::Pap,
                });
            }
            Ok(PapRepr::Nak {
                identifier,
                message,
            }) if current(identifier) => self.fail(FailureReason::Rejected {
                error_code: None,
                message: String::from_utf8_lossy(message).into_owned(),
            }),
            _ => self.discarded += 1,
        }
    }

    fn fail(&mut self, reason: FailureReason) {
        self.state = State::Failed;
        self.deadline = None;
        self.events.push(AuthEvent::Failed(AuthFailure {
            method: AuthMethod::Pap,
            role: Role::Peer,
            reason,
        }));
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.deadline {
            Some(deadline) if now >= deadline && self.state == State::Pending => {}
            _ => return,
        }
        if self.transmissions >= self.config.max_requests {
            let transmissions = self.transmissions;
            self.fail(FailureReason::NoResponse { transmissions });
        } else {
            self.send_request(now);
        }
    }

    /// Whether a packet waits in [`poll_transmit`](Self::poll_transmit).
    pub fn has_transmit(&self) -> bool {
        !self.transmit.is_empty()
    }

    /// Appends the next packet to send (protocol 0xc023) to `out`; false
    /// when there is none.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        match crate::queue::pop(&mut self.transmit) {
            Some(packet) => {
                out.extend_from_slice(&packet);
                true
            }
            None => false,
        }
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<AuthEvent> {
        self.events.pop()
    }

    /// When [`handle_timeout`](Self::handle_timeout) has work next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }
}
