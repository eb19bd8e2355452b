//! The peer's side of CHAP (RFC 1994 section 2; RFC 2433 and RFC 2759 for
//! the Microsoft digests): the authenticator challenges, we respond.
//!
//! - The secret is the `password` option's when given (pppd's `password`,
//!   or the passwordfd plugin), otherwise the secrets line for our name
//!   (client) and the authenticator's (server): the name in its Challenge,
//!   or `remote_name` (pppd's `remotename`) when set. With no secret at all
//!   we answer with the empty secret, as pppd does, and let the
//!   authenticator decide.
//! - A Challenge sent again (same Identifier and value) gets the same
//!   Response again; a new Challenge (a re-challenge) gets a new one.
//! - Success and Failure count only for the Identifier of our last
//!   Response; others are stale and discarded.
//! - RFC 1994 section 4.3 lets the authenticator repeat its Success or
//!   Failure for a repeated Response, but has no timer that would repeat
//!   the Response when the Success is lost: the authenticator has moved on
//!   and will not challenge again. So, unlike pppd (which then waits until
//!   the link dies), we resend our Response every `restart` (pppd's
//!   `chap-restart`) while no Success or Failure has come, up to
//!   `max_responses` transmissions, and fail with
//!   [`FailureReason::NoResponse`] after that.
//! - MS-CHAPv2: the Success must carry the authenticator response that
//!   proves the authenticator knows our secret (RFC 2759 section 5); a
//!   missing or wrong `S=` fails the exchange.

use rppp_lcp::queue::Queue;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_core::Rng;
use rppp_lcp::AuthMethod;

use super::digest;
use super::packet::ChapRepr;
use crate::mschap::message;
use crate::outcome::{AuthEvent, AuthFailure, FailureReason, Role};
use crate::queue::Pending;
use crate::secret::{ct_eq, Secret};
use crate::secrets::Secrets;

/// Who we are to the authenticator, and how we find our secret.
#[derive(Debug, Clone, Default)]
pub struct PeerCredentials {
    /// Our name (pppd's `user`, defaulting to `name`).
    pub user: Vec<u8>,
    /// The secret to use whatever the authenticator's name (pppd's
    /// `password`); `None` looks it up in the secrets.
    pub password: Option<Secret>,
    /// The authenticator's name to look secrets up with (pppd's
    /// `remotename`); `None` uses the name it sends.
    pub remote_name: Option<Vec<u8>>,
    /// The secrets file (`chap-secrets` for CHAP, `pap-secrets` for PAP).
    pub secrets: Option<Arc<Secrets>>,
}

impl PeerCredentials {
    /// Our secret for an authenticator that calls itself `server`.
    pub(crate) fn secret_for(&self, server: &[u8]) -> Option<Secret> {
        if let Some(password) = &self.password {
            return Some(password.clone());
        }
        let server = self.remote_name.as_deref().unwrap_or(server);
        self.secrets
            .as_ref()?
            .lookup(&self.user, server)
            .map(|entry| entry.secret.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a Challenge.
    Listen,
    /// We answered; waiting for Success or Failure.
    Responded,
    /// The authenticator accepted us (more Challenges may come).
    Open,
    /// The exchange failed.
    Failed,
}

struct LastResponse {
    identifier: u8,
    challenge: Vec<u8>,
    packet: Vec<u8>,
    expected_authenticator: Option<[u8; 20]>,
}

/// The peer's side of one CHAP exchange.
pub struct ChapPeer {
    method: AuthMethod,
    credentials: PeerCredentials,
    wait: Option<Duration>,
    restart: Duration,
    max_responses: u32,
    responses_sent: u32,
    state: State,
    last: Option<LastResponse>,
    deadline: Option<Instant>,
    authenticated_once: bool,
    /// Copies of the last Response to send.
    transmit: Pending<(), 4>,
    events: Queue<AuthEvent>,
    discarded: u64,
}

impl core::fmt::Debug for ChapPeer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChapPeer")
            .field("method", &self.method)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl ChapPeer {
    /// A peer for `method` (PAP is taken as CHAP-MD5). `wait` bounds the
    /// time to the first Challenge, counted from [`start`](Self::start);
    /// `None` waits as long as the link lasts, as pppd does.
    pub fn new(method: AuthMethod, credentials: PeerCredentials, wait: Option<Duration>) -> Self {
        let method = match method {
            AuthMethod::Pap => AuthMethod::ChapMd5,
            m => m,
        };
        ChapPeer {
            method,
            credentials,
            wait,
            restart: Duration::from_secs(3),
            max_responses: 10,
            responses_sent: 0,
            state: State::Listen,
            last: None,
            deadline: None,
            authenticated_once: false,
            transmit: Pending::default(),
            events: Queue::new(),
            discarded: 0,
        }
    }

    /// Resends an unanswered Response every `restart`, `max_responses`
    /// transmissions in all (defaults: 3 s and 10, pppd's `chap-restart`
    /// and `chap-max-challenge`). A `max_responses` of 0 counts as 1.
    #[must_use]
    pub fn with_retransmit(mut self, restart: Duration, max_responses: u32) -> Self {
        self.restart = restart;
        self.max_responses = max_responses.max(1);
        self
    }

    /// The digest.
    pub fn method(&self) -> AuthMethod {
        self.method
    }

    /// Whether the authenticator has accepted us (and not failed us since).
    pub fn is_authenticated(&self) -> bool {
        self.authenticated_once && self.state != State::Failed
    }

    /// Whether the exchange has failed.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    /// Packets discarded: malformed, stale, or of an unexpected code.
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    /// The link entered the authentication phase: start the wait for a
    /// Challenge.
    pub fn start(&mut self, now: Instant) {
        if self.state == State::Listen && self.last.is_none() {
            self.deadline = self.wait.map(|w| now + w);
        }
    }

    /// A CHAP packet from the authenticator (the frame's Information field).
    pub fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut dyn Rng) {
        if self.state == State::Failed {
            self.discarded += 1;
            return;
        }
        match ChapRepr::parse(packet) {
            Ok(ChapRepr::Challenge {
                identifier,
                value,
                name,
            }) => self.challenged(now, identifier, value, name, rng),
            Ok(ChapRepr::Success {
                identifier,
                message,
            }) if self.is_current(identifier) => self.succeeded(message),
            Ok(ChapRepr::Failure {
                identifier,
                message,
            }) if self.is_current(identifier) => self.rejected(message),
            _ => self.discarded += 1,
        }
    }

    fn is_current(&self, identifier: u8) -> bool {
        self.state == State::Responded
            && self.last.as_ref().map(|l| l.identifier) == Some(identifier)
    }

    fn challenged(
        &mut self,
        now: Instant,
        identifier: u8,
        value: &[u8],
        name: &[u8],
        rng: &mut dyn Rng,
    ) {
        if !digest::challenge_ok(self.method, value) {
            self.discarded += 1;
            return;
        }
        if let Some(last) = &self.last {
            if last.identifier == identifier && ct_eq(&last.challenge, value) {
                // A retransmitted Challenge: the same Response again.
                self.queue_last_response();
                return;
            }
        }
        let secret = self.credentials.secret_for(name).unwrap_or_default();
        let ours = digest::respond(
            self.method,
            identifier,
            value,
            &self.credentials.user,
            &secret,
            rng,
        );
        let mut packet = Vec::new();
        ChapRepr::Response {
            identifier,
            value: &ours.value,
            name: &self.credentials.user,
        }
        .append_to(&mut packet);
        self.last = Some(LastResponse {
            identifier,
            challenge: value.to_vec(),
            packet,
            expected_authenticator: ours.expected_authenticator,
        });
        self.queue_last_response();
        self.state = State::Responded;
        self.responses_sent = 1;
        self.deadline = Some(now + self.restart);
    }

    fn succeeded(&mut self, text: &[u8]) {
        let expected = self.last.as_ref().and_then(|l| l.expected_authenticator);
        if let Some(expected) = expected {
            let proven = message::parse_success_v2(text).is_some_and(|got| ct_eq(&got, &expected));
            if !proven {
                self.fail(FailureReason::BadAuthenticatorResponse);
                return;
            }
        }
        self.state = State::Open;
        self.deadline = None;
        if !self.authenticated_once {
            self.authenticated_once = true;
            self.events.push(AuthEvent::Authenticated {
                method: self.method,
            });
        }
    }

    fn rejected(&mut self, text: &[u8]) {
        let reason = match self.method {
            AuthMethod::MsChap | AuthMethod::MsChapV2 => {
                let failure = message::parse_failure(text);
                FailureReason::Rejected {
                    error_code: failure.error,
                    message: failure.message.unwrap_or_default(),
                }
            }
            _ => FailureReason::Rejected {
                error_code: None,
                message: String::from_utf8_lossy(text).into_owned(),
            },
        };
        self.fail(reason);
    }

    fn fail(&mut self, reason: FailureReason) {
        self.state = State::Failed;
        self.deadline = None;
        self.events.push(AuthEvent::Failed(AuthFailure {
            method: self.method,
            role: Role::Peer,
            reason,
        }));
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        let Some(deadline) = self.deadline else {
            return;
        };
        if now < deadline {
            return;
        }
        match (&self.state, &self.last) {
            (State::Responded, Some(_)) if self.responses_sent < self.max_responses => {
                self.queue_last_response();
                self.responses_sent += 1;
                self.deadline = Some(now + self.restart);
            }
            (State::Responded, _) => self.fail(FailureReason::NoResponse {
                transmissions: self.responses_sent,
            }),
            _ => self.fail(FailureReason::NoRequest),
        }
    }

    /// Whether a packet waits in [`poll_transmit`](Self::poll_transmit).
    pub fn has_transmit(&self) -> bool {
        !self.transmit.is_empty()
    }

    /// Appends the next packet to send (protocol 0xc223) to `out`; false
    /// when there is none.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        match (self.transmit.pop(), &self.last) {
            (Some(()), Some(last)) => {
                out.extend_from_slice(&last.packet);
                true
            }
            _ => false,
        }
    }

    /// Queues the last Response for sending; beyond the queue's room (a
    /// flood of duplicate Challenges) it is dropped and counted.
    fn queue_last_response(&mut self) {
        if !self.transmit.push(()) {
            self.discarded += 1;
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
