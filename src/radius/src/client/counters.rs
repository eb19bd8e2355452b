//! What the client engine counts, for metrics.

use core::fmt;

/// Why a datagram from a server was dropped without an answer to the
/// caller. RFC 2865 section 3 has every one of these silently discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropReason {
    /// Not a RADIUS packet (see [`crate::PacketError`]).
    Malformed,
    /// No request in flight to that source address with that Identifier:
    /// a late duplicate, a reply from the wrong address, or a forgery.
    NoMatchingRequest,
    /// A Code that does not answer the request's (say, an
    /// Accounting-Response to an Access-Request).
    UnexpectedCode,
    /// The Response Authenticator does not verify (RFC 2865 section 3).
    BadResponseAuthenticator,
    /// An Access-Accept, -Reject or -Challenge without
    /// Message-Authenticator while one is required (BlastRADIUS,
    /// CVE-2024-3596).
    MissingMessageAuthenticator,
    /// A Message-Authenticator that does not verify (RFC 3579 section
    /// 3.2).
    BadMessageAuthenticator,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::Malformed => "malformed packet",
            DropReason::NoMatchingRequest => "no matching request",
            DropReason::UnexpectedCode => "unexpected code",
            DropReason::BadResponseAuthenticator => "bad Response Authenticator",
            DropReason::MissingMessageAuthenticator => "missing Message-Authenticator",
            DropReason::BadMessageAuthenticator => "bad Message-Authenticator",
        })
    }
}

/// Dropped datagrams by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropCounters {
    /// [`DropReason::Malformed`].
    pub malformed: u64,
    /// [`DropReason::NoMatchingRequest`].
    pub no_matching_request: u64,
    /// [`DropReason::UnexpectedCode`].
    pub unexpected_code: u64,
    /// [`DropReason::BadResponseAuthenticator`].
    pub bad_response_authenticator: u64,
    /// [`DropReason::MissingMessageAuthenticator`].
    pub missing_message_authenticator: u64,
    /// [`DropReason::BadMessageAuthenticator`].
    pub bad_message_authenticator: u64,
}

impl DropCounters {
    pub(crate) fn count(&mut self, reason: DropReason) {
        let c = match reason {
            DropReason::Malformed => &mut self.malformed,
            DropReason::NoMatchingRequest => &mut self.no_matching_request,
            DropReason::UnexpectedCode => &mut self.unexpected_code,
            DropReason::BadResponseAuthenticator => &mut self.bad_response_authenticator,
            DropReason::MissingMessageAuthenticator => &mut self.missing_message_authenticator,
            DropReason::BadMessageAuthenticator => &mut self.bad_message_authenticator,
        };
        *c += 1;
    }
}

/// The client engine's counters since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests accepted by `send`.
    pub requests: u64,
    /// Retransmissions to the same server.
    pub retransmissions: u64,
    /// Times a server used up its retries on one request.
    pub server_timeouts: u64,
    /// Times a request moved on to another server.
    pub failovers: u64,
    /// Replies that verified and were delivered.
    pub replies: u64,
    /// Requests no server answered.
    pub no_server_answered: u64,
    /// Datagrams dropped, by reason.
    pub dropped: DropCounters,
}
