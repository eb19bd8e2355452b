//! The RADIUS crypto, all MD5-based: HMAC-MD5 for Message-Authenticator
//! (RFC 3579 section 3.2), the Request and Response Authenticators (RFC
//! 2865 section 3, RFC 2866 section 3, RFC 5176 section 2.3), User-Password
//! hiding (RFC 2865 section 5.2) and the MS-MPPE key encryption (RFC 2548
//! section 2.4.2). Comparisons of authenticators are constant-time.

pub mod authenticator;
pub mod hmac;
pub mod mppe;
pub mod password;

pub use authenticator::{
    message_authenticator_status, request_authenticator_valid, response_authenticator_valid,
    MessageAuthenticatorStatus,
};
pub use mppe::{decrypt_mppe_key, encrypt_mppe_key, MppeKeyError};
pub use password::{hide_password, unhide_password, PasswordError};
