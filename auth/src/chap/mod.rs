//! CHAP (RFC 1994).
pub mod packet;
