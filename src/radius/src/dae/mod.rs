//! Dynamic Authorization (RFC 5176), the NAS's side, sans-IO: a
//! Disconnect-Request or CoA-Request from a configured client is checked
//! (its Request Authenticator, section 2.3; its Message-Authenticator,
//! required or checked when present, RFC 3579 section 3.2), read into a
//! [`DaeRequest`] (which session, what to change), and answered with an
//! ACK or a NAK carrying an Error-Cause (section 3.5). A retransmitted
//! request gets the same answer again without being carried out twice
//! (section 2.3: the Identifier, source and Request Authenticator match).
//!
//! Matching the selector to a session and carrying it out is the
//! caller's: [`DaeServer::respond`] takes the outcome.

mod request;

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};

pub use request::{CoaChanges, DaeKind, DaeRequest, SessionIdentity, SessionSelector};

use crate::builder::PacketBuilder;
use crate::code::Code;
use crate::crypto::MessageAuthenticatorStatus;
use crate::crypto::{message_authenticator_status, request_authenticator_valid};
use crate::packet::{Packet, PacketError};
use crate::secret::SharedSecret;
use crate::values::ErrorCause;
use crate::AttributeType;

/// Answers kept for retransmitted requests.
const REMEMBERED: usize = 64;

/// A Dynamic Authorization Client the NAS takes requests from.
#[derive(Debug, Clone)]
pub struct DaeClient {
    /// Its source address.
    pub address: IpAddr,
    /// The secret shared with it.
    pub secret: SharedSecret,
}

/// What the server takes requests from, and how strict it is.
#[derive(Debug, Clone, Default)]
pub struct DaeConfig {
    /// The clients; a request from any other address is dropped.
    pub clients: Vec<DaeClient>,
    /// Drop requests without a Message-Authenticator (one that is present
    /// is always checked).
    pub require_message_authenticator: bool,
    /// Our NAS-Identifier, to check a request's against (section 3:
    /// a mismatch is NAK'ed with 403).
    pub nas_identifier: Option<String>,
    /// Our NAS-IP-Address, likewise.
    pub nas_ip_address: Option<std::net::Ipv4Addr>,
}

/// Why a datagram was dropped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaeDrop {
    /// Not from a configured client.
    UnknownClient,
    /// Not a well-formed RADIUS packet.
    Malformed(PacketError),
    /// Not a Disconnect-Request or CoA-Request.
    NotARequest(Code),
    /// The Request Authenticator does not verify (wrong secret, forged).
    BadAuthenticator,
    /// No Message-Authenticator where one is required.
    MissingMessageAuthenticator,
    /// A Message-Authenticator that does not verify.
    BadMessageAuthenticator,
}

/// What a datagram came to.
#[derive(Debug)]
pub enum DaeInput {
    /// A new request to carry out, then answer with
    /// [`DaeServer::respond`].
    Request(Box<DaeRequest>),
    /// A retransmission of a request already answered: send this again.
    Retransmit(Vec<u8>),
    /// Dropped, no answer (RFC 5176 section 2.3, RFC 3579 section 3.2).
    Dropped(DaeDrop),
}

/// How a request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaeOutcome {
    /// Done: Disconnect-ACK or CoA-ACK.
    Ack,
    /// Not done: Disconnect-NAK or CoA-NAK with this Error-Cause.
    Nak(ErrorCause),
}

/// Counters, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DaeCounters {
    /// Requests read (new ones).
    pub requests: u64,
    /// Retransmitted requests answered again.
    pub retransmissions: u64,
    /// Datagrams dropped.
    pub dropped: u64,
    /// ACKs sent.
    pub acks: u64,
    /// NAKs sent.
    pub naks: u64,
}

/// What tells a retransmission (RFC 5176 section 2.3): the source, the
/// Identifier and the Request Authenticator.
type RequestKey = (SocketAddr, u8, [u8; 16]);

/// See the module.
#[derive(Debug)]
pub struct DaeServer {
    config: DaeConfig,
    /// The requests answered last, and the answers sent.
    answered: VecDeque<(RequestKey, Vec<u8>)>,
    counters: DaeCounters,
}

impl DaeServer {
    /// A server for `config`'s clients.
    pub fn new(config: DaeConfig) -> DaeServer {
        DaeServer {
            config,
            answered: VecDeque::new(),
            counters: DaeCounters::default(),
        }
    }

    /// The counters.
    pub fn counters(&self) -> DaeCounters {
        self.counters
    }

    fn secret_for(&self, from: &SocketAddr) -> Option<&SharedSecret> {
        let ip = from.ip().to_canonical();
        self.config
            .clients
            .iter()
            .find(|c| c.address.to_canonical() == ip)
            .map(|c| &c.secret)
    }

    /// Reads a datagram from `from`.
    pub fn handle_datagram(&mut self, from: SocketAddr, datagram: &[u8]) -> DaeInput {
        let input = self.read(from, datagram);
        match &input {
            DaeInput::Request(_) => self.counters.requests += 1,
            DaeInput::Retransmit(_) => self.counters.retransmissions += 1,
            DaeInput::Dropped(_) => self.counters.dropped += 1,
        }
        input
    }

    fn read(&self, from: SocketAddr, datagram: &[u8]) -> DaeInput {
        let Some(secret) = self.secret_for(&from) else {
            return DaeInput::Dropped(DaeDrop::UnknownClient);
        };
        let packet = match Packet::parse(datagram) {
            Ok(p) => p,
            Err(e) => return DaeInput::Dropped(DaeDrop::Malformed(e)),
        };
        let kind = match packet.code() {
            Code::DisconnectRequest => DaeKind::Disconnect,
            Code::CoaRequest => DaeKind::Coa,
            other => return DaeInput::Dropped(DaeDrop::NotARequest(other)),
        };
        if !request_authenticator_valid(&packet, secret) {
            return DaeInput::Dropped(DaeDrop::BadAuthenticator);
        }
        match message_authenticator_status(&packet, secret, None) {
            MessageAuthenticatorStatus::Valid => {}
            MessageAuthenticatorStatus::Absent if !self.config.require_message_authenticator => {}
            MessageAuthenticatorStatus::Absent => {
                return DaeInput::Dropped(DaeDrop::MissingMessageAuthenticator)
            }
            MessageAuthenticatorStatus::Invalid => {
                return DaeInput::Dropped(DaeDrop::BadMessageAuthenticator)
            }
        }
        let key = (from, packet.identifier(), packet.authenticator());
        if let Some((_, answer)) = self.answered.iter().find(|(k, _)| *k == key) {
            return DaeInput::Retransmit(answer.clone());
        }
        DaeInput::Request(Box::new(DaeRequest::read(
            kind,
            from,
            &packet,
            &self.config,
        )))
    }

    /// The answer to `request`, to send to `request.from`: an ACK, or a
    /// NAK with its Error-Cause; with a Message-Authenticator. The answer
    /// is remembered for retransmissions. `None` only when the client is
    /// no longer configured.
    pub fn respond(&mut self, request: &DaeRequest, outcome: DaeOutcome) -> Option<Vec<u8>> {
        let secret = self.secret_for(&request.from)?.clone();
        let code = match (request.kind, outcome) {
            (DaeKind::Disconnect, DaeOutcome::Ack) => Code::DisconnectAck,
            (DaeKind::Disconnect, DaeOutcome::Nak(_)) => Code::DisconnectNak,
            (DaeKind::Coa, DaeOutcome::Ack) => Code::CoaAck,
            (DaeKind::Coa, DaeOutcome::Nak(_)) => Code::CoaNak,
        };
        let mut b = PacketBuilder::new(code, request.identifier);
        // Both only add a few bytes to an empty packet: they cannot fail.
        let _ = b.add_message_authenticator();
        for state in &request.proxy_states {
            let _ = b.add(AttributeType::ProxyState, state);
        }
        if let DaeOutcome::Nak(cause) = outcome {
            let _ = b.add_u32(AttributeType::ErrorCause, u32::from(cause));
            self.counters.naks += 1;
        } else {
            self.counters.acks += 1;
        }
        let answer = b.finish(&secret, Some(&request.authenticator)).ok()?;
        if self.answered.len() == REMEMBERED {
            self.answered.pop_front();
        }
        self.answered.push_back((
            (request.from, request.identifier, request.authenticator),
            answer.clone(),
        ));
        Some(answer)
    }
}

#[cfg(test)]
mod tests;
