//! PAP (RFC 1334 section 2), in both roles: [`PapPeer`] sends its name and
//! password, [`PapAuthenticator`] checks them.

mod authenticator;
#[cfg(test)]
mod external_tests;
pub mod packet;
mod peer;
#[cfg(test)]
mod tests;

pub use authenticator::{PapAuthenticator, PapAuthenticatorConfig};
pub use peer::{PapPeer, PapPeerConfig};
