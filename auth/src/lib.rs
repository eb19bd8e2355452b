//! rppp-auth: PAP (RFC 1334), CHAP-MD5 (RFC 1994), MS-CHAP (RFC 2433) and
//! MS-CHAPv2 (RFC 2759) in both roles, and pppd's secrets files. Sans-IO.
#![forbid(unsafe_code)]

pub mod chap;
pub mod mschap;
pub mod pap;
pub mod secret;
pub mod secrets;

pub use secret::Secret;
pub use secrets::{AllowedAddresses, SecretEntry, Secrets, SecretsError};
