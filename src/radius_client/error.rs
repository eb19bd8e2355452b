//! Why an Access-Request got no usable answer.

use core::fmt;

use rppp_radius::client::SendError;

/// Why [`RadiusHandle::access`](super::RadiusHandle::access) has no reply.
/// An Access-Reject is a reply, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RadiusError {
    /// Every server used up its retries (RFC 2865 section 2.5 leaves
    /// failover to the NAS): for the authenticator,
    /// [`Verdict::Unavailable`](rppp_auth::Verdict::Unavailable).
    NoServerAnswered,
    /// The client engine refused the request: no server configured, all
    /// Identifiers in flight, or the request cannot be written.
    Send(SendError),
    /// The service has stopped.
    ShutDown,
}

impl fmt::Display for RadiusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RadiusError::NoServerAnswered => f.write_str("no RADIUS server answered"),
            RadiusError::Send(e) => write!(f, "RADIUS request not sent: {e}"),
            RadiusError::ShutDown => f.write_str("the RADIUS service has stopped"),
        }
    }
}

impl std::error::Error for RadiusError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RadiusError::Send(e) => Some(e),
            _ => None,
        }
    }
}
