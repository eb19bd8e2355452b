//! Deferred verification: the authenticator hands the peer's credentials to
//! a verifier outside this crate (a RADIUS client, RFC 2865 and RFC 2548)
//! and waits for its [`Verdict`], with no IO and no blocking here.
//!
//! - [`Verification`] says which verifier decides and in which order
//!   relative to the local secrets (pppd's pap-secrets and chap-secrets).
//! - When the outside must decide, the authenticator reports
//!   [`AuthEvent::VerifyRequest`](crate::AuthEvent::VerifyRequest) with a
//!   [`VerifyRequest`]: a [`VerifyHandle`], the method, the peer's name as
//!   sent, and the [`Credentials`] a RADIUS Access-Request carries.
//! - The caller answers with `verdict(now, handle, Verdict)` on
//!   [`Auth`](crate::Auth) or on the authenticator itself. A verdict whose
//!   handle is not the one pending is refused with [`StaleVerdict`] and
//!   changes nothing.
//!
//! While a request is pending no timer of the exchange runs (no
//! retransmitted Challenge, no `pap-timeout`): the wait is bounded by the
//! caller (the session's negotiation timeout, the RADIUS client's own
//! retries), which answers [`Verdict::Unavailable`] when no server answered.
//!
//! No password or response value appears in the `Debug` output of any type
//! here.

use core::fmt;

use rppp_lcp::AuthMethod;

use crate::secret::Secret;
use crate::secrets::AllowedAddresses;

/// Who decides whether the peer's credentials are good, and in which order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Verification {
    /// The local secrets alone (pppd's behaviour, and the default): no
    /// request ever leaves the authenticator.
    #[default]
    Local,
    /// The outside verifier alone. [`Verdict::Unavailable`] fails the peer
    /// with [`FailureReason::VerifierUnavailable`](crate::FailureReason::VerifierUnavailable).
    External,
    /// A name that has a line in the local secrets (for our name as the
    /// server) is verified locally, and that verdict is final (a wrong
    /// secret is not retried outside). Any other name goes to the outside
    /// verifier, as with [`External`](Self::External).
    LocalThenExternal,
    /// The outside verifier first. Its Accept and Reject are final; only
    /// [`Verdict::Unavailable`] (no server answered) falls back to the local
    /// secrets, whose verdict is then final.
    ExternalThenLocal,
}

/// Names one pending request; the verdict must carry it back.
///
/// Handles come from the random source at the start of each
/// authentication, so a verdict meant for an earlier request (or an earlier
/// link negotiation) does not match a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerifyHandle(u64);

impl VerifyHandle {
    /// The handle as a number (to key a table of outstanding requests).
    pub fn get(self) -> u64 {
        self.0
    }

    /// The handle a number names: the inverse of [`get`](Self::get).
    pub fn from_raw(raw: u64) -> VerifyHandle {
        VerifyHandle(raw)
    }
}

impl fmt::Display for VerifyHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Hands out the handles of one authenticator.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Handles(u64);

impl Handles {
    /// Starts the sequence at `seed` (drawn from the caller's random source).
    pub(crate) fn seed(&mut self, seed: u64) {
        self.0 = seed;
    }

    pub(crate) fn next(&mut self) -> VerifyHandle {
        self.0 = self.0.wrapping_add(1);
        VerifyHandle(self.0)
    }
}

/// What the peer sent, in the form a RADIUS Access-Request needs.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// PAP (RFC 1334 section 2.2.1): the password as sent, for RADIUS
    /// User-Password (RFC 2865 section 5.2).
    Pap {
        /// The Passwd field.
        password: Secret,
    },
    /// CHAP with MD5 (RFC 1994 section 4.1): RADIUS CHAP-Password is the
    /// identifier followed by the response (RFC 2865 section 5.3), and
    /// CHAP-Challenge our challenge (section 5.40).
    ChapMd5 {
        /// The Identifier of the Challenge and Response.
        identifier: u8,
        /// The Challenge value we sent (16 to 24 octets).
        challenge: Vec<u8>,
        /// The Response value.
        response: [u8; 16],
    },
    /// MS-CHAP (RFC 2433): RADIUS MS-CHAP-Challenge and MS-CHAP-Response
    /// (RFC 2548 sections 2.3.2 and 2.1.3: Ident, Flags, LM-Response,
    /// NT-Response).
    MsChap {
        /// The Identifier of the Challenge and Response.
        identifier: u8,
        /// The 8-octet Challenge we sent.
        challenge: [u8; 8],
        /// The LM-Response (all zero: LAN Manager responses are refused
        /// before a request is made).
        lm_response: [u8; 24],
        /// The NT-Response.
        nt_response: [u8; 24],
        /// The Flags octet (1: use the NT-Response).
        flags: u8,
    },
    /// MS-CHAPv2 (RFC 2759 section 4): RADIUS MS-CHAP-Challenge and
    /// MS-CHAP2-Response (RFC 2548 sections 2.3.2 and 2.3.3: Ident, Flags,
    /// Peer-Challenge, Reserved, NT-Response).
    MsChapV2 {
        /// The Identifier of the Challenge and Response.
        identifier: u8,
        /// The 16-octet Authenticator Challenge we sent.
        authenticator_challenge: [u8; 16],
        /// The peer's 16-octet Peer-Challenge.
        peer_challenge: [u8; 16],
        /// The NT-Response.
        nt_response: [u8; 24],
        /// The Flags octet (zero).
        flags: u8,
    },
}

impl Credentials {
    /// The Identifier of the CHAP exchange; `None` for PAP.
    pub fn identifier(&self) -> Option<u8> {
        match self {
            Credentials::Pap { .. } => None,
            Credentials::ChapMd5 { identifier, .. }
            | Credentials::MsChap { identifier, .. }
            | Credentials::MsChapV2 { identifier, .. } => Some(*identifier),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The identifier only: passwords and responses stay out of logs.
        let kind = match self {
            Credentials::Pap { .. } => "Pap",
            Credentials::ChapMd5 { .. } => "ChapMd5",
            Credentials::MsChap { .. } => "MsChap",
            Credentials::MsChapV2 { .. } => "MsChapV2",
        };
        let mut s = f.debug_struct(kind);
        if let Some(id) = self.identifier() {
            s.field("identifier", &id);
        }
        s.finish_non_exhaustive()
    }
}

/// A request for an outside verdict on the peer's credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyRequest {
    /// To give back with the verdict.
    pub handle: VerifyHandle,
    /// The method the peer used.
    pub method: AuthMethod,
    /// The name the peer gave, as sent (PAP Peer-ID, CHAP Name): RADIUS
    /// User-Name. With `ms-ignore-domain` it still has its `DOMAIN\`.
    pub name: Vec<u8>,
    /// Our name (pppd's `name`), which the local secrets match as the
    /// server.
    pub our_name: Vec<u8>,
    /// What the peer sent.
    pub credentials: Credentials,
}

impl fmt::Debug for VerifyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("handle", &self.handle)
            .field("method", &self.method)
            .field("name", &self.name.escape_ascii().to_string())
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// The outside verifier's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The credentials are good (RADIUS Access-Accept).
    Accept {
        /// The text of the PAP Authenticate-Ack, or of the CHAP Success
        /// (for MS-CHAPv2 its `M=` part); `None` for the local default
        /// ("Login ok", "Access granted").
        message: Option<Vec<u8>>,
        /// MS-CHAPv2 only, and required there: the String of RADIUS
        /// MS-CHAP2-Success after its Ident octet (RFC 2548 section 2.3.3),
        /// `S=` and 40 hexadecimal digits, optionally followed by ` M=...`.
        /// The peer checks it (RFC 2759 section 5), so an Accept without a
        /// well-formed one fails the peer with
        /// [`FailureReason::IncompleteVerdict`](crate::FailureReason::IncompleteVerdict).
        mschapv2_success: Option<Vec<u8>>,
        /// The addresses the peer may use, as a secrets line would give
        /// them (RADIUS Framed-IP-Address); [`AllowedAddresses::any`] for no
        /// restriction beyond the IPCP configuration.
        addresses: AllowedAddresses,
    },
    /// The credentials are bad (RADIUS Access-Reject).
    Reject {
        /// The text of the PAP Authenticate-Nak or CHAP Failure (for
        /// MS-CHAP and MS-CHAPv2 the String of RADIUS MS-CHAP-Error after
        /// its Ident octet, `E=691 R=0 ...`); `None` for the local default.
        message: Option<Vec<u8>>,
    },
    /// No verifier answered. Under [`Verification::ExternalThenLocal`] the
    /// local secrets decide; otherwise the peer fails with
    /// [`FailureReason::VerifierUnavailable`](crate::FailureReason::VerifierUnavailable).
    Unavailable,
}

impl Verdict {
    /// An Accept with the local default texts and no address restriction
    /// (for CHAP-MD5, MS-CHAP and PAP; MS-CHAPv2 needs `mschapv2_success`).
    pub fn accept() -> Verdict {
        Verdict::Accept {
            message: None,
            mschapv2_success: None,
            addresses: AllowedAddresses::any(),
        }
    }
}

/// A verdict that matches no pending request: answered already, for an
/// earlier request, or for an authentication that has ended. Nothing
/// changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleVerdict(pub VerifyHandle);

impl fmt::Display for StaleVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no verification request {} is pending", self.0)
    }
}

impl std::error::Error for StaleVerdict {}

/// Where one Response goes under `mode`, given whether the local secrets
/// have a line for its name.
pub(crate) fn asks_outside(mode: Verification, known_locally: impl FnOnce() -> bool) -> bool {
    match mode {
        Verification::Local => false,
        Verification::External | Verification::ExternalThenLocal => true,
        Verification::LocalThenExternal => !known_locally(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_password_or_response() {
        let request = VerifyRequest {
            handle: VerifyHandle(7),
            method: AuthMethod::Pap,
            name: b"joe".to_vec(),
            our_name: b"lns".to_vec(),
            credentials: Credentials::Pap {
                password: Secret::from("hunter2"),
            },
        };
        let text = format!("{request:?} {request:#?}");
        assert!(text.contains("joe") && !text.contains("hunter2"), "{text}");
        let chap = Credentials::ChapMd5 {
            identifier: 3,
            challenge: vec![0xab; 16],
            response: [0xcd; 16],
        };
        let text = format!("{chap:?}");
        assert_eq!(text, "ChapMd5 { identifier: 3, .. }");
    }

    #[test]
    fn the_modes_route_by_local_knowledge() {
        for (mode, known, unknown) in [
            (Verification::Local, false, false),
            (Verification::External, true, true),
            (Verification::LocalThenExternal, false, true),
            (Verification::ExternalThenLocal, true, true),
        ] {
            assert_eq!(asks_outside(mode, || true), known, "{mode:?}");
            assert_eq!(asks_outside(mode, || false), unknown, "{mode:?}");
        }
        assert_eq!(Verification::default(), Verification::Local);
    }

    #[test]
    fn handles_follow_their_seed() {
        let mut h = Handles::default();
        h.seed(u64::MAX);
        assert_eq!(h.next(), VerifyHandle::from_raw(0));
        assert_eq!(h.next().get(), 1);
        assert_eq!(VerifyHandle(0xab).to_string(), "00000000000000ab");
    }
}
