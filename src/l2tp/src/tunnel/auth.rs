//! Tunnel authentication (RFC 2661 section 5.1.1, Challenge Response AVP
//! in 4.4.3): CHAP's MD5 response (RFC 1994) where the identifier is the
//! Message Type of the message carrying the response: 2 for SCCRP, 3 for
//! SCCCN.

use crate::message::MessageType;

/// MD5 over the Message Type octet of the message that carries the
/// response, the shared secret, and the challenge.
pub fn challenge_response(carrier: MessageType, secret: &[u8], challenge: &[u8]) -> [u8; 16] {
    let mut context = md5::Context::new();
    context.consume([u16::from(carrier) as u8]);
    context.consume(secret);
    context.consume(challenge);
    context.finalize().0
}

/// Compares without an early exit, so timing says nothing of how much
/// of a response was right.
pub(crate) fn ct_eq(a: &[u8; 16], b: &[u8; 16]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifier_is_the_carrier_message_type() {
        let r = challenge_response(MessageType::Sccrp, b"secret", &[1, 2, 3]);
        let mut input = vec![2u8];
        input.extend_from_slice(b"secret");
        input.extend_from_slice(&[1, 2, 3]);
        assert_eq!(r, md5::compute(&input).0);
        assert_ne!(
            r,
            challenge_response(MessageType::Scccn, b"secret", &[1, 2, 3])
        );
        assert!(ct_eq(&r, &r));
        assert!(!ct_eq(&r, &[0; 16]));
    }
}
