//! The authenticator's side of CHAP (RFC 1994 section 2; RFC 2433 and
//! RFC 2759 for the Microsoft digests): we challenge, the peer responds.
//!
//! - Every Challenge carries a fresh random value from the `rng` argument
//!   and a new Identifier; an unanswered Challenge is sent again, unchanged,
//!   every `restart` until `max_challenge` have gone out (pppd's
//!   `chap-restart`, `chap-max-challenge`).
//! - A Response whose Identifier is not that of the outstanding Challenge is
//!   stale and silently discarded (RFC 1994 section 4.1).
//! - A Response to a Challenge already answered gets the same Success or
//!   Failure again (RFC 1994 section 4.2: the Identifier tells duplicates).
//! - The peer has one try, as with pppd: a wrong Response ends the exchange
//!   with a Failure.
//! - With `interval` (pppd's `chap-interval`), a new Challenge follows every
//!   success after that long; a failed re-challenge fails the link.
//! - With a [`Verification`] other than `Local`, a Response may go to an
//!   outside verifier (see [`crate::verify`] and
//!   [`verdict`](ChapAuthenticator::verdict)), re-challenges included.
//!   While the verdict is pending the Challenge is not retransmitted;
//!   Responses with the pending Identifier (the peer's retransmissions, as
//!   pppd's `chap-restart` makes them) are ignored, not verified again, and
//!   any other Identifier is stale (RFC 1994 section 4.1) and discarded.
//!   The Response's form is checked first: a malformed one is refused
//!   locally and never leaves.

use rppp_lcp::queue::Queue;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_core::Rng;
use rppp_lcp::AuthMethod;

use super::digest::{self, Check};
use super::packet::ChapRepr;
use crate::mschap::{crypto::strip_domain, message};
use crate::outcome::{AuthEvent, AuthFailure, FailureReason, PeerIdentity, Role};
use crate::queue::Pending;
use crate::secrets::{SecretEntry, Secrets};
use crate::verify::{Handles, Verification, VerifyHandle};

mod verdict;

/// The text of our Success (for MS-CHAPv2 its `M=` part).
const ACCESS_GRANTED: &str = "Access granted";

/// The longest name we accept in a Response (pppd's MAXNAMELEN less one).
pub const MAX_NAME_LEN: usize = 255;

/// How we challenge, with pppd's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapAuthenticatorConfig {
    /// Our name, sent in each Challenge and matched against the server
    /// field of the secrets (pppd's `name`).
    pub name: Vec<u8>,
    /// Time between retransmissions of a Challenge (`chap-restart`, 3 s).
    pub restart: Duration,
    /// Challenges sent before giving up (`chap-max-challenge`, 10).
    pub max_challenge: u32,
    /// Re-challenge period while the link is up (`chap-interval`; off).
    pub interval: Option<Duration>,
    /// Look MS-CHAP names up without their `DOMAIN\` prefix
    /// (`ms-ignore-domain`; off).
    pub ms_ignore_domain: bool,
    /// Who verifies the Response: the secrets (the default) or an outside
    /// verifier.
    pub verification: Verification,
}

impl Default for ChapAuthenticatorConfig {
    fn default() -> Self {
        ChapAuthenticatorConfig {
            name: Vec::new(),
            restart: Duration::from_secs(3),
            max_challenge: 10,
            interval: None,
            ms_ignore_domain: false,
            verification: Verification::Local,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not started.
    Initial,
    /// A Challenge is outstanding.
    Challenged,
    /// A Response waits for the outside verdict.
    Verifying,
    /// The peer authenticated; a re-challenge may be due.
    Open,
    /// The exchange failed; nothing more happens.
    Failed,
}

/// The authenticator's side of one CHAP exchange (and its re-challenges).
pub struct ChapAuthenticator {
    method: AuthMethod,
    config: ChapAuthenticatorConfig,
    secrets: Arc<Secrets>,
    state: State,
    identifier: u8,
    challenge: Vec<u8>,
    challenge_packet: Vec<u8>,
    transmissions: u32,
    deadline: Option<Instant>,
    /// The Identifier we last answered, and the answer, for duplicates.
    answered: Option<(u8, Vec<u8>)>,
    authenticated_once: bool,
    /// The Response waiting for an outside verdict.
    pending: Option<Box<Awaiting>>,
    handles: Handles,
    transmit: Pending<Stored, 4>,
    events: Queue<AuthEvent>,
    discarded: u64,
}

/// A Response handed to the outside verifier.
struct Awaiting {
    handle: VerifyHandle,
    identifier: u8,
    name: Vec<u8>,
    value: Vec<u8>,
}

/// The packets the authenticator keeps and may send again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    /// `challenge_packet`.
    Challenge,
    /// The answer in `answered`.
    Answer,
}

impl core::fmt::Debug for ChapAuthenticator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChapAuthenticator")
            .field("method", &self.method)
            .field("state", &self.state)
            .field("identifier", &self.identifier)
            .field("transmissions", &self.transmissions)
            .finish_non_exhaustive()
    }
}

impl ChapAuthenticator {
    /// An authenticator for `method` (CHAP-MD5, MS-CHAP or MS-CHAPv2; PAP is
    /// taken as CHAP-MD5), checking names against `secrets`.
    pub fn new(
        method: AuthMethod,
        config: ChapAuthenticatorConfig,
        secrets: Arc<Secrets>,
    ) -> ChapAuthenticator {
        let method = match method {
            AuthMethod::Pap => AuthMethod::ChapMd5,
            m => m,
        };
        ChapAuthenticator {
            method,
            config,
            secrets,
            state: State::Initial,
            identifier: 0,
            challenge: Vec::new(),
            challenge_packet: Vec::new(),
            transmissions: 0,
            deadline: None,
            answered: None,
            authenticated_once: false,
            pending: None,
            handles: Handles::default(),
            transmit: Pending::default(),
            events: Queue::new(),
            discarded: 0,
        }
    }

    /// The digest.
    pub fn method(&self) -> AuthMethod {
        self.method
    }

    /// Whether the peer has authenticated itself (and not failed since).
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

    /// Sends the first Challenge (when LCP is up and the link enters the
    /// authentication phase). Later calls do nothing.
    pub fn start(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.state == State::Initial {
            self.identifier = (rng.next_u32() & 0xff) as u8;
            self.send_challenge(now, rng);
        }
    }

    fn send_challenge(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.identifier = self.identifier.wrapping_add(1);
        let mut challenge = vec![0u8; digest::challenge_len(self.method, rng)];
        rng.fill_bytes(&mut challenge);
        let mut packet = Vec::new();
        ChapRepr::Challenge {
            identifier: self.identifier,
            value: &challenge,
            name: &self.config.name,
        }
        .append_to(&mut packet);
        self.challenge = challenge;
        self.challenge_packet = packet;
        self.queue(Stored::Challenge);
        self.transmissions = 1;
        self.state = State::Challenged;
        self.deadline = Some(now + self.config.restart);
    }

    /// A CHAP packet from the peer (the frame's Information field).
    pub fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut dyn Rng) {
        let _ = rng;
        let Ok(ChapRepr::Response {
            identifier,
            value,
            name,
        }) = ChapRepr::parse(packet)
        else {
            // Malformed, or a code the authenticator does not take.
            self.discarded += 1;
            return;
        };
        if self.state == State::Verifying {
            // The pending Identifier again is a retransmission; any other
            // is stale. Neither is verified.
            self.discarded += 1;
            return;
        }
        let repeated = matches!(self.answered, Some((id, _)) if id == identifier);
        if repeated && self.state != State::Challenged {
            self.queue(Stored::Answer);
            return;
        }
        if self.state != State::Challenged || identifier != self.identifier {
            self.discarded += 1;
            return;
        }
        self.check_response(now, identifier, value, name);
    }

    fn check_response(&mut self, now: Instant, identifier: u8, value: &[u8], name: &[u8]) {
        if self.config.verification != Verification::Local {
            match self.outside_credentials(identifier, value, name) {
                Ok(Some(credentials)) => return self.ask(identifier, value, name, credentials),
                Ok(None) => {}
                Err(reason) => {
                    let mut answer = Vec::new();
                    self.refuse(identifier, reason, None, &mut answer);
                    self.answered = Some((identifier, answer));
                    self.queue(Stored::Answer);
                    return;
                }
            }
        }
        self.check_locally(now, identifier, value, name);
    }

    /// The secrets' verdict on a Response, answered.
    fn check_locally(&mut self, now: Instant, identifier: u8, value: &[u8], name: &[u8]) {
        let mut answer = Vec::new();
        match self.verify(identifier, value, name) {
            Ok((entry, authenticator_response)) => {
                let identity = (!self.authenticated_once).then(|| PeerIdentity {
                    method: self.method,
                    name: name.to_vec(),
                    addresses: entry.addresses.clone(),
                    options: entry.options.clone(),
                });
                let message: std::borrow::Cow<'_, [u8]> = match authenticator_response {
                    Some(s) => message::success_v2(&s, ACCESS_GRANTED).into(),
                    None => ACCESS_GRANTED.as_bytes().into(),
                };
                self.succeed(now, identifier, &message, identity, &mut answer);
            }
            Err(reason) => self.refuse(identifier, reason, None, &mut answer),
        }
        self.answered = Some((identifier, answer));
        self.queue(Stored::Answer);
    }

    /// The secrets line for `name` (without its `DOMAIN\` for MS-CHAP with
    /// `ms-ignore-domain`) and our name.
    fn lookup(&self, name: &[u8]) -> Option<&SecretEntry> {
        let ms = matches!(self.method, AuthMethod::MsChap | AuthMethod::MsChapV2);
        let lookup_name = if ms && self.config.ms_ignore_domain {
            strip_domain(name)
        } else {
            name
        };
        self.secrets.lookup(lookup_name, &self.config.name)
    }

    /// Checks the Response's name and value against the secrets: the
    /// secret's entry and, for MS-CHAPv2, the authenticator response.
    fn verify(
        &self,
        identifier: u8,
        value: &[u8],
        name: &[u8],
    ) -> Result<(&SecretEntry, Option<[u8; 20]>), FailureReason> {
        if name.len() > MAX_NAME_LEN {
            return Err(FailureReason::MalformedResponse {
                what: "the name is longer than 255 octets",
            });
        }
        let Some(entry) = self.lookup(name) else {
            return Err(FailureReason::UnknownName {
                name: name.to_vec(),
            });
        };
        let checked = digest::check(
            self.method,
            identifier,
            &self.challenge,
            name,
            value,
            &entry.secret,
        );
        match checked {
            Check::Good(authenticator_response) => Ok((entry, authenticator_response)),
            Check::Bad => Err(FailureReason::WrongSecret {
                name: name.to_vec(),
            }),
            Check::Malformed(what) => Err(FailureReason::MalformedResponse { what }),
        }
    }

    /// The Success with `message` into `answer`; the peer is reported
    /// authenticated the first time (`identity`), and a re-challenge is
    /// scheduled.
    fn succeed(
        &mut self,
        now: Instant,
        identifier: u8,
        message: &[u8],
        identity: Option<PeerIdentity>,
        answer: &mut Vec<u8>,
    ) {
        ChapRepr::Success {
            identifier,
            message,
        }
        .append_to(answer);
        if let Some(identity) = identity {
            self.authenticated_once = true;
            self.events.push(AuthEvent::PeerAuthenticated(identity));
        }
        self.state = State::Open;
        self.deadline = self.config.interval.map(|i| now + i);
    }

    /// The Failure into `answer`, with `message` or in the method's own
    /// words, and the end of the exchange.
    fn refuse(
        &mut self,
        identifier: u8,
        reason: FailureReason,
        message: Option<Vec<u8>>,
        answer: &mut Vec<u8>,
    ) {
        let text = match (message, self.method) {
            (Some(text), _) => text,
            (None, method) => self.default_failure(method),
        };
        ChapRepr::Failure {
            identifier,
            message: &text,
        }
        .append_to(answer);
        self.fail(reason);
    }

    /// pppd's Failure text for `method`.
    fn default_failure(&self, method: AuthMethod) -> Vec<u8> {
        match method {
            AuthMethod::MsChapV2 => message::failure(
                message::ERROR_AUTHENTICATION_FAILURE,
                false,
                &self.challenge,
                3,
                Some("Access denied"),
            ),
            AuthMethod::MsChap => message::failure(
                message::ERROR_AUTHENTICATION_FAILURE,
                false,
                &self.challenge,
                0,
                None,
            ),
            _ => b"Access denied".to_vec(),
        }
    }

    fn fail(&mut self, reason: FailureReason) {
        self.state = State::Failed;
        self.deadline = None;
        self.events.push(AuthEvent::Failed(AuthFailure {
            method: self.method,
            role: Role::Authenticator,
            reason,
        }));
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        match self.deadline {
            Some(deadline) if now >= deadline => {}
            _ => return,
        }
        match self.state {
            State::Challenged if self.transmissions >= self.config.max_challenge => {
                let transmissions = self.transmissions;
                self.fail(FailureReason::NoResponse { transmissions });
            }
            State::Challenged => {
                self.transmissions += 1;
                self.queue(Stored::Challenge);
                self.deadline = Some(now + self.config.restart);
            }
            State::Open => self.send_challenge(now, rng),
            State::Initial | State::Verifying | State::Failed => self.deadline = None,
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
        let packet = match self.transmit.pop() {
            Some(Stored::Challenge) => &self.challenge_packet,
            Some(Stored::Answer) => match &self.answered {
                Some((_, answer)) => answer,
                None => return false,
            },
            None => return false,
        };
        out.extend_from_slice(packet);
        true
    }

    /// Queues a stored packet for sending; one that finds the queue full
    /// is dropped and counted (a flood of duplicates, unanswered).
    fn queue(&mut self, packet: Stored) {
        if !self.transmit.push(packet) {
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
