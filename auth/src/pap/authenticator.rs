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

use rppp_lcp::queue::Queue;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp_lcp::AuthMethod;

use super::packet::{PapCode, PapRepr};
use crate::chap::MAX_NAME_LEN;
use crate::outcome::{AuthEvent, AuthFailure, FailureReason, PeerIdentity, Role};
use crate::secrets::Secrets;

/// How we check PAP peers, with pppd's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PapAuthenticatorConfig {
    /// Our name: the server field of the secrets (pppd's `name`).
    pub name: Vec<u8>,
    /// The wait for the peer's request (`pap-timeout`; pppd's
    /// UPAP_DEFREQTIME is 30 s). `None` waits forever.
    pub timeout: Option<Duration>,
}

impl Default for PapAuthenticatorConfig {
    fn default() -> Self {
        PapAuthenticatorConfig {
            name: Vec::new(),
            timeout: Some(Duration::from_secs(30)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Initial,
    Listen,
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
    answer: Option<(PapCode, &'static [u8])>,
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
        if let Some((code, message)) = self.answer {
            self.send(code, identifier, message);
            return;
        }
        let entry = if peer_id.len() > MAX_NAME_LEN {
            Err(FailureReason::MalformedResponse {
                what: "the Peer-ID is longer than 255 octets",
            })
        } else {
            match self.secrets.lookup(peer_id, &self.config.name) {
                None => Err(FailureReason::UnknownName {
                    name: peer_id.to_vec(),
                }),
                Some(entry) if entry.secret.ct_eq(password) => Ok(entry),
                Some(_) => Err(FailureReason::WrongSecret {
                    name: peer_id.to_vec(),
                }),
            }
        };
        self.deadline = None;
        match entry {
            Ok(entry) => {
                self.state = State::Open;
                self.answer = Some((PapCode::AuthenticateAck, LOGIN_OK));
                self.events.push(AuthEvent::PeerAuthenticated(PeerIdentity {
                    method: AuthMethod::Pap,
                    name: peer_id.to_vec(),
                    addresses: entry.addresses.clone(),
                    options: entry.options.clone(),
                }));
                self.send(PapCode::AuthenticateAck, identifier, LOGIN_OK);
            }
            Err(reason) => {
                self.answer = Some((PapCode::AuthenticateNak, LOGIN_INCORRECT));
                self.send(PapCode::AuthenticateNak, identifier, LOGIN_INCORRECT);
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
