//! rppp-auth: PAP (RFC 1334), CHAP-MD5 (RFC 1994), MS-CHAP (RFC 2433) and
//! MS-CHAPv2 (RFC 2759) in both roles, and pppd's secrets files. Sans-IO.
//!
//! Read first: RFC 1334 section 2 (PAP), RFC 1994 (CHAP), RFC 2759
//! sections 3 to 9 (MS-CHAPv2), and pppd(8)'s AUTHENTICATION section.
//!
//! Each exchange is a sans-IO object with rppp-lcp's shape: inputs
//! `start`, `handle_packet(now, bytes, rng)` and `handle_timeout(now, ..)`;
//! outputs drained in this order after every input: `poll_transmit`,
//! `poll_event` ([`AuthEvent`]), `poll_timeout`. Time and randomness are
//! arguments; nothing here reads a clock, a file or the system's random
//! source. [`Auth`] runs both directions of a link's authentication phase.
//!
//! No secret, password or response value appears in any `Debug` or
//! `Display` output of this crate, and the crate logs nothing itself.
#![forbid(unsafe_code)]

mod auth;
pub mod chap;
pub mod mschap;
pub mod outcome;
pub mod pap;
pub mod policy;
mod queue;
pub mod secret;
pub mod secrets;
pub mod verify;
pub mod words;

pub use auth::{Auth, AuthConfig};
pub use outcome::{AuthEvent, AuthFailure, FailureReason, PeerIdentity, Role};
pub use policy::AuthPolicy;
pub use rppp_lcp::{AuthMethod, AuthMethods};
pub use secret::Secret;
pub use secrets::{AllowedAddresses, SecretEntry, Secrets, SecretsError};
pub use verify::{Credentials, StaleVerdict, Verdict, Verification, VerifyHandle, VerifyRequest};
