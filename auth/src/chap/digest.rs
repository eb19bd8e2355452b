//! The three CHAP digests: what each puts in a Response, and how the
//! authenticator checks it.
//!
//! - MD5 (RFC 1994 section 4.1): the Response value is
//!   MD5(Identifier | secret | Challenge), 16 octets.
//! - MS-CHAP (RFC 2433 section 3): an 8-octet Challenge; a 49-octet
//!   Response of LM-Response (24, zero here), NT-Response (24) and a flag
//!   that is 1 when the NT-Response is to be used. LAN Manager responses are
//!   not accepted (pppd does not accept them either).
//! - MS-CHAPv2 (RFC 2759 sections 3 and 4): a 16-octet Challenge; a 49-octet
//!   Response of Peer-Challenge (16), 8 reserved zero octets, NT-Response
//!   (24) and a zero flag. The authenticator proves it knows the secret with
//!   the authenticator response in its Success.

use rand_core::Rng;
use rppp_lcp::AuthMethod;

use crate::mschap::crypto;
use crate::secret::{ct_eq, Secret};

/// Octets of an MS-CHAP or MS-CHAPv2 Response value.
pub const MS_RESPONSE_LEN: usize = 49;
/// Octets of an MS-CHAP Challenge value.
pub const MSCHAP_CHALLENGE_LEN: usize = 8;
/// Octets of an MS-CHAPv2 Challenge value.
pub const MSCHAPV2_CHALLENGE_LEN: usize = 16;
/// Octets of a CHAP-MD5 Response value.
pub const MD5_RESPONSE_LEN: usize = 16;

/// The Challenge length to send: 16 to 24 random octets for MD5 (as pppd),
/// 8 for MS-CHAP, 16 for MS-CHAPv2.
pub(crate) fn challenge_len(method: AuthMethod, rng: &mut dyn Rng) -> usize {
    match method {
        AuthMethod::MsChap => MSCHAP_CHALLENGE_LEN,
        AuthMethod::MsChapV2 => MSCHAPV2_CHALLENGE_LEN,
        _ => 16 + (rng.next_u32() % 9) as usize,
    }
}

/// Whether a received Challenge value has the length the method needs.
pub(crate) fn challenge_ok(method: AuthMethod, challenge: &[u8]) -> bool {
    match method {
        AuthMethod::MsChap => challenge.len() == MSCHAP_CHALLENGE_LEN,
        AuthMethod::MsChapV2 => challenge.len() == MSCHAPV2_CHALLENGE_LEN,
        _ => !challenge.is_empty(),
    }
}

fn md5_response(identifier: u8, secret: &Secret, challenge: &[u8]) -> [u8; 16] {
    let mut context = md5::Context::new();
    context.consume([identifier]);
    context.consume(secret.expose());
    context.consume(challenge);
    context.finalize().0
}

/// A Response we computed: its value, and for MS-CHAPv2 the authenticator
/// response the Success must carry.
pub(crate) struct OurResponse {
    pub(crate) value: Vec<u8>,
    pub(crate) expected_authenticator: Option<[u8; 20]>,
}

/// Computes our Response to a Challenge whose length
/// [`challenge_ok`] accepted.
pub(crate) fn respond(
    method: AuthMethod,
    identifier: u8,
    challenge: &[u8],
    user: &[u8],
    secret: &Secret,
    rng: &mut dyn Rng,
) -> OurResponse {
    match method {
        AuthMethod::MsChap => {
            let mut c = [0u8; MSCHAP_CHALLENGE_LEN];
            c.copy_from_slice(&challenge[..MSCHAP_CHALLENGE_LEN]);
            let mut value = vec![0u8; MS_RESPONSE_LEN];
            value[24..48].copy_from_slice(&crypto::nt_challenge_response(&c, secret));
            value[48] = 1;
            OurResponse {
                value,
                expected_authenticator: None,
            }
        }
        AuthMethod::MsChapV2 => {
            let mut auth = [0u8; 16];
            auth.copy_from_slice(&challenge[..16]);
            let mut peer = [0u8; 16];
            rng.fill_bytes(&mut peer);
            let nt = crypto::generate_nt_response(&auth, &peer, user, secret);
            let mut value = vec![0u8; MS_RESPONSE_LEN];
            value[..16].copy_from_slice(&peer);
            value[24..48].copy_from_slice(&nt);
            let expected = crypto::generate_authenticator_response(secret, &nt, &peer, &auth, user);
            OurResponse {
                value,
                expected_authenticator: Some(expected),
            }
        }
        _ => OurResponse {
            value: md5_response(identifier, secret, challenge).to_vec(),
            expected_authenticator: None,
        },
    }
}

/// How a peer's Response checks out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// It matches; for MS-CHAPv2, with the authenticator response to send.
    Good(Option<[u8; 20]>),
    /// It does not match the secret.
    Bad,
    /// It does not have the method's form.
    Malformed(&'static str),
}

/// Checks a peer's Response `value` to our `challenge`, in constant time.
pub(crate) fn check(
    method: AuthMethod,
    identifier: u8,
    challenge: &[u8],
    name: &[u8],
    value: &[u8],
    secret: &Secret,
) -> Check {
    match method {
        AuthMethod::MsChap | AuthMethod::MsChapV2 if value.len() != MS_RESPONSE_LEN => {
            Check::Malformed("an MS-CHAP Response value is 49 octets")
        }
        AuthMethod::MsChap => {
            if value[48] != 1 {
                return Check::Malformed("LAN Manager responses are not accepted");
            }
            let Ok(c) = <[u8; MSCHAP_CHALLENGE_LEN]>::try_from(challenge) else {
                return Check::Bad;
            };
            let expected = crypto::nt_challenge_response(&c, secret);
            if ct_eq(&expected, &value[24..48]) {
                Check::Good(None)
            } else {
                Check::Bad
            }
        }
        AuthMethod::MsChapV2 => {
            if value[48] != 0 {
                return Check::Malformed("the MS-CHAPv2 Flags octet must be zero");
            }
            let Ok(auth) = <[u8; 16]>::try_from(challenge) else {
                return Check::Bad;
            };
            let mut peer = [0u8; 16];
            peer.copy_from_slice(&value[..16]);
            let expected = crypto::generate_nt_response(&auth, &peer, name, secret);
            if !ct_eq(&expected, &value[24..48]) {
                return Check::Bad;
            }
            Check::Good(Some(crypto::generate_authenticator_response(
                secret, &expected, &peer, &auth, name,
            )))
        }
        _ if value.len() != MD5_RESPONSE_LEN => {
            Check::Malformed("a CHAP-MD5 Response value is 16 octets")
        }
        _ => {
            if ct_eq(&md5_response(identifier, secret, challenge), value) {
                Check::Good(None)
            } else {
                Check::Bad
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn md5_response_matches_a_known_value() {
        // MD5(0x01 | "sepp" | 102DB5DF085D3041), computed independently.
        let challenge = [0x10, 0x2d, 0xb5, 0xdf, 0x08, 0x5d, 0x30, 0x41];
        let mut rng = StdRng::seed_from_u64(1);
        let ours = respond(
            AuthMethod::ChapMd5,
            1,
            &challenge,
            b"x",
            &Secret::from("sepp"),
            &mut rng,
        );
        assert_eq!(
            ours.value,
            [
                0xd3, 0x9b, 0xfa, 0xf5, 0xd6, 0x85, 0x5a, 0x94, 0x8c, 0x8c, 0x81, 0xa8, 0x59, 0x47,
                0x50, 0x2c
            ]
        );
    }

    #[test]
    fn each_method_checks_its_own_response() {
        let mut rng = StdRng::seed_from_u64(2);
        let secret = Secret::from("pw");
        for method in [
            AuthMethod::ChapMd5,
            AuthMethod::MsChap,
            AuthMethod::MsChapV2,
        ] {
            let challenge = vec![7u8; challenge_len(method, &mut rng)];
            assert!(challenge_ok(method, &challenge));
            let ours = respond(method, 9, &challenge, b"D\\u", &secret, &mut rng);
            let verdict = check(method, 9, &challenge, b"D\\u", &ours.value, &secret);
            assert_eq!(
                verdict,
                Check::Good(ours.expected_authenticator),
                "{method}"
            );
            let wrong = check(method, 9, &challenge, b"D\\u", &ours.value, &"pW".into());
            assert_eq!(wrong, Check::Bad, "{method}");
            // MD5 binds the Identifier.
            if method == AuthMethod::ChapMd5 {
                assert_eq!(
                    check(method, 10, &challenge, b"u", &ours.value, &secret),
                    Check::Bad
                );
            }
            let mut long = ours.value.clone();
            long.push(0);
            assert!(matches!(
                check(method, 9, &challenge, b"u", &long, &secret),
                Check::Malformed(_)
            ));
        }
    }

    #[test]
    fn ms_flags_are_checked() {
        let secret = Secret::from("pw");
        let mut value = vec![0u8; 49];
        assert!(matches!(
            check(AuthMethod::MsChap, 1, &[0; 8], b"u", &value, &secret),
            Check::Malformed(_)
        ));
        value[48] = 1;
        assert!(matches!(
            check(AuthMethod::MsChapV2, 1, &[0; 16], b"u", &value, &secret),
            Check::Malformed(_)
        ));
    }

    #[test]
    fn challenge_lengths() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..50 {
            let n = challenge_len(AuthMethod::ChapMd5, &mut rng);
            assert!((16..=24).contains(&n));
        }
        assert!(!challenge_ok(AuthMethod::MsChapV2, &[0; 8]));
        assert!(!challenge_ok(AuthMethod::MsChap, &[0; 16]));
        assert!(!challenge_ok(AuthMethod::ChapMd5, &[]));
    }
}
