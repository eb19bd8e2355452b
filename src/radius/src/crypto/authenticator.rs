//! The Authenticator field and Message-Authenticator.
//!
//! - Access-Request, Status-Server: the Request Authenticator is 16
//!   random octets (RFC 2865 section 3); the caller passes them in.
//! - Accounting-Request (RFC 2866 section 3), Disconnect-Request and
//!   CoA-Request (RFC 5176 section 2.3): MD5(Code, Identifier, Length, 16
//!   zero octets, Attributes, secret).
//! - Every reply: the Response Authenticator, MD5(Code, Identifier,
//!   Length, the request's authenticator, Attributes, secret) (RFC 2865
//!   section 3).
//! - Message-Authenticator (RFC 3579 section 3.2): HMAC-MD5 under the
//!   secret over the packet with the attribute's 16 octets zeroed; in a
//!   reply the Authenticator field holds the request's authenticator
//!   while hashing, in an Accounting-, Disconnect- or CoA-Request it is
//!   zero (RFC 5176 section 3.4), in an Access-Request it is the random
//!   one.

use subtle::ConstantTimeEq;

use super::hmac::hmac_md5;
use crate::attr::AttributeType;
use crate::packet::{Packet, AUTHENTICATOR_OFFSET, HEADER_LEN};
use crate::secret::SharedSecret;

/// What a packet's Message-Authenticator says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageAuthenticatorStatus {
    /// No Message-Authenticator attribute.
    Absent,
    /// Present once, 16 octets, and the HMAC matches.
    Valid,
    /// Present but wrong: bad HMAC, wrong length, more than one, or a
    /// reply checked without the request's authenticator.
    Invalid,
}

/// MD5 over the packet with `authenticator` in the Authenticator field,
/// followed by the secret.
pub(crate) fn md5_with_authenticator(
    packet: &[u8],
    authenticator: &[u8; 16],
    secret: &SharedSecret,
) -> [u8; 16] {
    let mut ctx = md5::Context::new();
    ctx.consume(&packet[..AUTHENTICATOR_OFFSET]);
    ctx.consume(authenticator);
    ctx.consume(&packet[HEADER_LEN..]);
    ctx.consume(secret.expose());
    ctx.finalize().0
}

/// HMAC-MD5 over the packet with `authenticator` in the Authenticator
/// field and the 16 octets at `ma_value` zeroed.
pub(crate) fn compute_message_authenticator(
    packet: &[u8],
    ma_value: usize,
    authenticator: &[u8; 16],
    secret: &SharedSecret,
) -> [u8; 16] {
    hmac_md5(
        secret.expose(),
        &[
            &packet[..AUTHENTICATOR_OFFSET],
            authenticator,
            &packet[HEADER_LEN..ma_value],
            &[0u8; 16],
            &packet[ma_value + 16..],
        ],
    )
}

/// The authenticator a packet's Message-Authenticator is computed over.
pub(crate) fn hmac_authenticator(
    packet: &Packet<'_>,
    request_authenticator: Option<&[u8; 16]>,
) -> Option<[u8; 16]> {
    let code = packet.code();
    if code.is_response() {
        request_authenticator.copied()
    } else if code.has_computed_request_authenticator() {
        Some([0; 16])
    } else {
        Some(packet.authenticator())
    }
}

/// Whether a reply's Response Authenticator is right for the request
/// whose authenticator was `request_authenticator` (RFC 2865 section 3).
pub fn response_authenticator_valid(
    reply: &Packet<'_>,
    request_authenticator: &[u8; 16],
    secret: &SharedSecret,
) -> bool {
    let want = md5_with_authenticator(reply.as_bytes(), request_authenticator, secret);
    bool::from(want.ct_eq(&reply.authenticator()))
}

/// Whether an Accounting-Request, Disconnect-Request or CoA-Request
/// carries the Request Authenticator RFC 2866 section 3 and RFC 5176
/// section 2.3 call for. False for any other code.
pub fn request_authenticator_valid(request: &Packet<'_>, secret: &SharedSecret) -> bool {
    if !request.code().has_computed_request_authenticator() {
        return false;
    }
    let want = md5_with_authenticator(request.as_bytes(), &[0; 16], secret);
    bool::from(want.ct_eq(&request.authenticator()))
}

/// Checks a packet's Message-Authenticator (RFC 3579 section 3.2). For a
/// reply pass the request's authenticator; requests ignore it.
pub fn message_authenticator_status(
    packet: &Packet<'_>,
    secret: &SharedSecret,
    request_authenticator: Option<&[u8; 16]>,
) -> MessageAuthenticatorStatus {
    let mut found = packet.find_all(AttributeType::MessageAuthenticator);
    let Some(ma) = found.next() else {
        return MessageAuthenticatorStatus::Absent;
    };
    if found.next().is_some() {
        return MessageAuthenticatorStatus::Invalid;
    }
    let Ok(got) = ma.as_authenticator() else {
        return MessageAuthenticatorStatus::Invalid;
    };
    let Some(auth) = hmac_authenticator(packet, request_authenticator) else {
        return MessageAuthenticatorStatus::Invalid;
    };
    let want = compute_message_authenticator(packet.as_bytes(), ma.offset() + 2, &auth, secret);
    if bool::from(want.ct_eq(&got)) {
        MessageAuthenticatorStatus::Valid
    } else {
        MessageAuthenticatorStatus::Invalid
    }
}
