//! What authentication tells the session: who the peer is and which
//! addresses it may use, that we authenticated ourselves, or why it failed
//! with pppd's exit code.

use core::fmt;

use rppp_lcp::AuthMethod;

use crate::secrets::AllowedAddresses;
use crate::verify::VerifyRequest;

/// pppd's exit status when the peer fails (or refuses) to authenticate
/// itself to us.
pub const EXIT_PEER_AUTH_FAILED: u8 = 11;
/// pppd's exit status when we fail to authenticate ourselves to the peer.
pub const EXIT_AUTH_TOPEER_FAILED: u8 = 19;

/// Which side of an exchange we are (RFC 1994 section 1's terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// We check the peer: we send Challenges, or answer Authenticate-Requests.
    Authenticator,
    /// We prove ourselves: we answer Challenges, or send
    /// Authenticate-Requests.
    Peer,
}

/// A peer that authenticated itself to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerIdentity {
    /// How.
    pub method: AuthMethod,
    /// The name it gave (pppd's `PEERNAME`), as sent.
    pub name: Vec<u8>,
    /// The addresses its secrets line allows it (for IPCP).
    pub addresses: AllowedAddresses,
    /// The options after `--` on its secrets line.
    pub options: Vec<Vec<u8>>,
}

impl PeerIdentity {
    /// The name as text, with any octet that is not UTF-8 replaced.
    pub fn name_lossy(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

/// Why an exchange failed. None of the variants carries a secret, a
/// password or a response value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// The peer sent no Authenticate-Request in time (PAP, pppd's
    /// `pap-timeout`), or no Challenge in time.
    NoRequest,
    /// Our Challenges or Authenticate-Requests went unanswered.
    NoResponse {
        /// How many we sent.
        transmissions: u32,
    },
    /// No secrets line matches the name the peer gave.
    UnknownName {
        /// The name.
        name: Vec<u8>,
    },
    /// The password or response does not match the secret.
    WrongSecret {
        /// The name the peer gave.
        name: Vec<u8>,
    },
    /// The peer's Response does not have the form its method needs (a
    /// value of the wrong size, a name too long, a flag we cannot accept).
    MalformedResponse {
        /// What is wrong.
        what: &'static str,
    },
    /// The peer rejected us: a PAP Authenticate-Nak or a CHAP Failure.
    Rejected {
        /// The MS-CHAP error code (`E=`), when the message has one:
        /// 691 is "authentication failure".
        error_code: Option<u32>,
        /// The message, as text (the `M=` part for MS-CHAP).
        message: String,
    },
    /// The MS-CHAPv2 authenticator's `S=` response is missing or wrong: the
    /// peer does not know our secret (RFC 2759 section 5).
    BadAuthenticatorResponse,
    /// The outside verifier rejected the credentials (RADIUS
    /// Access-Reject).
    RejectedByVerifier {
        /// The name the peer gave.
        name: Vec<u8>,
    },
    /// No outside verifier answered, and the verification mode has no
    /// local fallback.
    VerifierUnavailable {
        /// The name the peer gave.
        name: Vec<u8>,
    },
    /// The outside verifier accepted without what the method needs to tell
    /// the peer (MS-CHAPv2's `S=` authenticator response, RFC 2759
    /// section 5): the peer would refuse the Success, so we send a Failure.
    IncompleteVerdict {
        /// What is missing.
        what: &'static str,
    },
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::NoRequest => f.write_str("no authentication request from the peer"),
            FailureReason::NoResponse { transmissions } => {
                write!(f, "no answer to {transmissions} transmissions")
            }
            FailureReason::UnknownName { name } => {
                write!(f, "no secret for \"{}\"", name.escape_ascii())
            }
            FailureReason::WrongSecret { name } => {
                write!(f, "wrong secret from \"{}\"", name.escape_ascii())
            }
            FailureReason::MalformedResponse { what } => write!(f, "malformed response: {what}"),
            FailureReason::Rejected {
                error_code: Some(code),
                message,
            } => write!(
                f,
                "rejected with error {code}: \"{}\"",
                message.escape_debug()
            ),
            FailureReason::Rejected {
                error_code: None,
                message,
            } => write!(f, "rejected: \"{}\"", message.escape_debug()),
            FailureReason::BadAuthenticatorResponse => {
                f.write_str("the authenticator's response does not prove it knows the secret")
            }
            FailureReason::RejectedByVerifier { name } => {
                write!(f, "the verifier rejected \"{}\"", name.escape_ascii())
            }
            FailureReason::VerifierUnavailable { name } => {
                write!(f, "no verifier answered for \"{}\"", name.escape_ascii())
            }
            FailureReason::IncompleteVerdict { what } => {
                write!(f, "the verifier's accept lacks {what}")
            }
        }
    }
}

/// A failed exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// The method.
    pub method: AuthMethod,
    /// Our side of it.
    pub role: Role,
    /// Why.
    pub reason: FailureReason,
}

impl AuthFailure {
    /// pppd's exit status: 11 when the peer failed our authentication, 19
    /// when we failed the peer's.
    pub fn exit_code(&self) -> u8 {
        match self.role {
            Role::Authenticator => EXIT_PEER_AUTH_FAILED,
            Role::Peer => EXIT_AUTH_TOPEER_FAILED,
        }
    }
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.role {
            Role::Authenticator => write!(f, "peer failed {} authentication: ", self.method)?,
            Role::Peer => write!(f, "we failed {} authentication: ", self.method)?,
        }
        write!(f, "{}", self.reason)
    }
}

/// What an exchange tells the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthEvent {
    /// The peer authenticated itself to us (the first time; a successful
    /// re-challenge says nothing).
    PeerAuthenticated(PeerIdentity),
    /// We authenticated ourselves to the peer.
    Authenticated {
        /// How.
        method: AuthMethod,
    },
    /// An exchange failed: the session closes LCP and exits with
    /// [`AuthFailure::exit_code`].
    Failed(AuthFailure),
    /// The peer's credentials wait for an outside verdict (never under
    /// [`Verification::Local`](crate::Verification::Local)): answer with
    /// `verdict(now, request.handle, ..)`.
    VerifyRequest(VerifyRequest),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_pppd() {
        let failure = |role| AuthFailure {
            method: AuthMethod::ChapMd5,
            role,
            reason: FailureReason::NoRequest,
        };
        assert_eq!(failure(Role::Authenticator).exit_code(), 11);
        assert_eq!(failure(Role::Peer).exit_code(), 19);
        assert_eq!(
            failure(Role::Peer).to_string(),
            "we failed CHAP authentication: no authentication request from the peer"
        );
        let rejected = FailureReason::Rejected {
            error_code: Some(691),
            message: "Access denied".into(),
        };
        assert_eq!(
            rejected.to_string(),
            "rejected with error 691: \"Access denied\""
        );
    }
}
