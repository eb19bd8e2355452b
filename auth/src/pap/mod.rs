//! PAP (RFC 1334).
pub mod packet;
