//! MS-CHAP (RFC 2433) and MS-CHAPv2 (RFC 2759).
pub mod crypto;
pub mod message;
