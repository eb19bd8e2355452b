//! The authenticator's side of PAP (RFC 1334 section 2): the peer sends its
//! name and password, we Ack or Nak.
//!
//! - The password is compared, in constant time, with the secret of the
//!   `pap-secrets` line for the peer's name (client) and ours (server).
//!   pppd's `login` and `papcrypt` (system passwords, crypt(3)) are not
//!   supported.
//! - The peer has one try, as with pppd: a wrong password gets a Nak and
//!   the exchange fails.
//! - A request after the answer (a retransmission, whose Identifier RFC 1334
//!   has changed) gets the same answer again, with its own Identifier.
//! - `timeout` (pppd's `pap-timeout`, 30 s) bounds the wait for the first
//!   request; `None` waits as long as the link lasts.
//! - With a [`Verification`] other than `Local`, the request may go to an
//!   outside verifier (see [`crate::verify`] and
//!   [`verdict`](PapAuthenticator::verdict)): the timeout stops, and requests that
//!   arrive while the verdict is pending are the peer's retransmissions
//!   (RFC 1334 gives each a new Identifier): they are not verified again,
//!   and the answer goes to the Identifier of the latest.

use rppp_lcp::queue::Queue;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp_lcp::AuthMethod;

use super::packet::{PapCode, PapRepr};
use crate::chap::MAX_NAME_LEN;
use crate::outcome::{AuthEvent, AuthFailure, FailureReason, PeerIdentity, Role};
use crate::secret::Secret;
use crate::secrets::{AllowedAddresses, SecretEntry, Secrets};
use crate::verify::{Handles, Verification, VerifyHandle};

mod verdict;

/// How we check PAP peers, with pppd's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PapAuthenticatorConfig {
    /// Our name: the server field of the secrets (pppd's `name`).
    pub name: Vec<u8>,
    /// The wait for the peer's request (`pap-timeout`; pppd's
    /// UPAP_DEFREQTIME is 30 s). `None` waits forever.
    pub timeout: Option<Duration>,
    /// Who verifies the password: the secrets (the default) or an outside
    /// verifier.
    pub verification: Verification,
}

impl Default for PapAuthenticatorConfig {
    fn default() -> Self {
        PapAuthenticatorConfig {
            name: Vec::new(),
            timeout: Some(Duration::from_secs(30)),
            verification: Verification::Local,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Initial,
    Listen,
    /// A request waits for the outside verdict.
    Verifying,
    Open,
    Failed,
}

/// The authenticator's side of a PAP exchange.
pub struct PapAuthenticator {
    config: PapAuthenticatorConfig,
    secrets: Arc<Secrets>,
    state: State,
    deadline: Option<Instant>,
    /// The answer given: Ack or Nak, and its message.
    answer: Option<(PapCode, Cow<'static, [u8]>)>,
    /// The request waiting for an outside verdict.
    pending: Option<Box<Pending>>,
    handles: Handles,
    transmit: VecDeque<Vec<u8>>,
    events: Queue<AuthEvent>,
    discarded: u64,
}

impl core::fmt::Debug for PapAuthenticator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PapAuthenticator")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// A request handed to the outside verifier.
struct Pending {
    handle: VerifyHandle,
    /// The Identifier to answer: that of the latest retransmission.
    identifier: u8,
    peer_id: Vec<u8>,
    password: Secret,
}

const LOGIN_OK: &[u8] = b"Login ok";
const LOGIN_INCORRECT: &[u8] = b"Login incorrect";

impl PapAuthenticator {
    /// A PAP authenticator checking against `secrets` (pap-secrets).
    pub fn new(config: PapAuthenticatorConfig, secrets: Arc<Secrets>) -> PapAuthenticator {
        PapAuthenticator {
            config,
            secrets,
            state: State::Initial,
            deadline: None,
            answer: None,
            pending: None,
            handles: Handles::default(),
            transmit: VecDeque::new(),
            events: Queue::new(),
            discarded: 0,
        }
    }

    /// Whether the peer has authenticated itself.
    pub fn is_authenticated(&self) -> bool {
        self.state == State::Open
    }

    /// Whether the exchange has failed.
    pub fn is_failed(&self) -> bool {
        self.state == State::Failed
    }

    /// Packets discarded: malformed, or of an unexpected code.
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    /// The link entered the authentication phase: wait for the request.
    pub fn start(&mut self, now: Instant) {
        if self.state == State::Initial {
            self.state = State::Listen;
            self.deadline = self.config.timeout.map(|t| now + t);
        }
    }

    /// A PAP packet from the peer. Requests that arrive before
    /// [`start`](Self::start) are answered too: the peer may be quicker
    /// than our own LCP bookkeeping.
    pub fn handle_packet(&mut self, now: Instant, packet: &[u8]) {
        self.start(now);
        let Ok(PapRepr::Request {
            identifier,
            peer_id,
            password,
        }) = PapRepr::parse(packet)
        else {
            self.discarded += 1;
            return;
        };
        if let Some((code, message)) = self.answer.clone() {
            self.send(code, identifier, &message);
            return;
        }
        if let Some(pending) = self.pending.as_deref_mut() {
            // A retransmission while the verdict is pending.
            pending.identifier = identifier;
            return;
        }
        if peer_id.len() > MAX_NAME_LEN {
            let reason = FailureReason::MalformedResponse {
                what: "the Peer-ID is longer than 255 octets",
            };
            self.conclude(identifier, peer_id, Err(reason), None);
            return;
        }
        let known = || self.secrets.lookup(peer_id, &self.config.name).is_some();
        if crate::verify::asks_outside(self.config.verification, known) {
            self.ask(identifier, peer_id, password);
            return;
        }
        let verdict = self.check_locally(peer_id, password);
        self.conclude(identifier, peer_id, verdict, None);
    }

    /// The pap-secrets verdict on `peer_id` and `password`.
    fn check_locally(
        &self,
        peer_id: &[u8],
        password: &[u8],
    ) -> Result<(AllowedAddresses, Vec<Vec<u8>>), FailureReason> {
        match self.secrets.lookup(peer_id, &self.config.name) {
            None => Err(FailureReason::UnknownName {
                name: peer_id.to_vec(),
            }),
            Some(SecretEntry {
                secret,
                addresses,
                options,
                ..
            }) if secret.ct_eq(password) => Ok((addresses.clone(), options.clone())),
            Some(_) => Err(FailureReason::WrongSecret {
                name: peer_id.to_vec(),
            }),
        }
    }

    /// Answers the request `identifier` from `peer_id` with `verdict`: the
    /// addresses and options it allows, or why not. `message` replaces the
    /// default text.
    fn conclude(
        &mut self,
        identifier: u8,
        peer_id: &[u8],
        verdict: Result<(AllowedAddresses, Vec<Vec<u8>>), FailureReason>,
        message: Option<Vec<u8>>,
    ) {
        self.deadline = None;
        match verdict {
            Ok((addresses, options)) => {
                let message = message.map_or(Cow::Borrowed(LOGIN_OK), Cow::Owned);
                self.state = State::Open;
                self.events.push(AuthEvent::PeerAuthenticated(PeerIdentity {
                    method: AuthMethod::Pap,
                    name: peer_id.to_vec(),
                    addresses,
                    options,
                }));
                self.send(PapCode::AuthenticateAck, identifier, &message);
                self.answer = Some((PapCode::AuthenticateAck, message));
            }
            Err(reason) => {
                let message = message.map_or(Cow::Borrowed(LOGIN_INCORRECT), Cow::Owned);
                self.send(PapCode::AuthenticateNak, identifier, &message);
                self.answer = Some((PapCode::AuthenticateNak, message));
                self.fail(reason);
            }
        }
    }

    fn send(&mut self, code: PapCode, identifier: u8, message: &[u8]) {
        let mut packet = Vec::new();
        let repr = if code == PapCode::AuthenticateAck {
            PapRepr::Ack {
                identifier,
                message,
            }
        } else {
            PapRepr::Nak {
                identifier,
                message,
            }
        };
        repr.append_to(&mut packet);
        self.transmit.push_back(packet);
    }

    fn fail(&mut self, reason: FailureReason) {
        self.state = State::Failed;
        self.deadline = None;
        self.events.push(AuthEvent::Failed(AuthFailure {
            method: AuthMethod::Pap,
            role: Role::Authenticator,
            reason,
        }));
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(deadline) = self.deadline {
            if now >= deadline && self.state == State::Listen {
                self.fail(FailureReason::NoRequest);
            }
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
