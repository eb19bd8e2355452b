//! CHAP (RFC 1994) with MD5, MS-CHAP (RFC 2433) and MS-CHAPv2 (RFC 2759),
//! in both roles: [`ChapAuthenticator`] challenges, [`ChapPeer`] responds.

mod authenticator;
pub mod digest;
pub mod packet;
mod peer;
#[cfg(test)]
mod tests;

pub use authenticator::{ChapAuthenticator, ChapAuthenticatorConfig, MAX_NAME_LEN};
pub use peer::{ChapPeer, PeerCredentials};
