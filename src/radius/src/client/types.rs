//! The client engine's public types: configuration, request names,
//! datagrams out, events and errors.

use std::net::SocketAddr;
use std::time::Duration;

use super::request::Service;
use super::server::ServerConfig;
use crate::builder::BuildError;
use crate::code::Code;
use crate::packet::Packet;

/// The servers and policy of a [`super::Client`].
///
/// Replies are matched by source address and Identifier, and each server
/// entry has its own Identifier space: give an authentication and an
/// accounting server the same address and port only if they share no
/// socket, or their replies may be taken for each other's (and then
/// dropped as [`super::DropReason::BadResponseAuthenticator`]).
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Authentication servers, in order of preference.
    pub auth_servers: Vec<ServerConfig>,
    /// Accounting servers, in order of preference.
    pub acct_servers: Vec<ServerConfig>,
    /// How long a server that used up its retries is skipped while
    /// others are alive (radiusclient's `radius_deadtime`).
    pub deadtime: Duration,
    /// Whether Access-Accept, -Reject and -Challenge must carry a valid
    /// Message-Authenticator. On by default; turning it off re-opens
    /// BlastRADIUS and is only for servers that cannot be upgraded.
    pub require_message_authenticator: bool,
}

impl ClientConfig {
    /// No servers, no deadtime, Message-Authenticator required.
    pub fn new() -> Self {
        ClientConfig {
            auth_servers: Vec::new(),
            acct_servers: Vec::new(),
            deadtime: Duration::ZERO,
            require_message_authenticator: true,
        }
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Names one request for its lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The server's address.
    pub destination: SocketAddr,
    /// Which list the server is on (authentication and accounting
    /// usually go out of different sockets).
    pub service: Service,
    /// The packet.
    pub payload: Vec<u8>,
}

/// A verified reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The request it answers.
    pub request: RequestId,
    /// The server that answered.
    pub server: SocketAddr,
    /// The reply's Code.
    pub code: Code,
    /// The reply's octets; [`Reply::packet`] reads them.
    pub bytes: Vec<u8>,
    /// The authenticator of the request as sent to that server: the key
    /// to MS-MPPE-Send-Key and -Recv-Key (RFC 2548 section 2.4.2).
    pub request_authenticator: [u8; 16],
}

impl Reply {
    /// The reply as a packet view. It parsed once, so this is `Some`.
    pub fn packet(&self) -> Option<Packet<'_>> {
        Packet::parse(&self.bytes).ok()
    }
}

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A server answered and the answer verified.
    Reply(Reply),
    /// Every server used up its retries.
    NoServerAnswered {
        /// The request.
        request: RequestId,
    },
}

/// Why [`super::Client::send`] refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// No server is configured for the request's service.
    NoServers(Service),
    /// Every server has 256 requests in flight.
    IdentifiersExhausted,
    /// The request cannot be written.
    Build(BuildError),
}

impl core::fmt::Display for SendError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SendError::NoServers(s) => write!(f, "no {s:?} server configured"),
            SendError::IdentifiersExhausted => f.write_str("all 256 identifiers in flight"),
            SendError::Build(e) => write!(f, "cannot write the request: {e}"),
        }
    }
}

impl std::error::Error for SendError {}
