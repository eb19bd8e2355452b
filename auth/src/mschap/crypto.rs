//! The MS-CHAP computations of RFC 2433 section A and RFC 2759 section 8,
//! on top of RustCrypto's MD4, SHA-1 and DES.

use des::cipher::{Array, BlockCipherEncrypt, KeyInit};
use des::Des;
use md4::{Digest, Md4};
use sha1::Sha1;

use crate::secret::Secret;

/// RFC 2759 section 8.7, "Magic1": "Magic server to client signing constant".
const MAGIC1: &[u8; 39] = b"Magic server to client signing constant";
/// RFC 2759 section 8.7, "Magic2": "Pad to make it do more than one iteration".
const MAGIC2: &[u8; 41] = b"Pad to make it do more than one iteration";

/// The longest password, in Unicode characters, RFC 2759 section 8.1 allows
/// (`0-to-256-unicode-char Password`).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The user name as the challenge hash uses it: without any `DOMAIN\`
/// prefix, which Windows clients send (RFC 2759 section 8.2: "Only the user
/// name (as presented by the peer and excluding any prepended domain name)
/// is used").
pub fn strip_domain(user: &[u8]) -> &[u8] {
    match user.iter().rposition(|&c| c == b'\\') {
        Some(i) => &user[i + 1..],
        None => user,
    }
}

/// The password in Unicode (UTF-16, little endian), as MS-CHAP hashes it.
///
/// A UTF-8 password is converted character by character; octets that are
/// not UTF-8 are widened one by one, as pppd does for every password.
/// At most [`MAX_PASSWORD_CHARS`] characters are kept.
fn password_unicode(password: &Secret) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * password.len());
    match core::str::from_utf8(password.expose()) {
        Ok(text) => {
            for unit in text.encode_utf16().take(MAX_PASSWORD_CHARS) {
                out.extend_from_slice(&unit.to_le_bytes());
            }
        }
        Err(_) => {
            for &octet in password.expose().iter().take(MAX_PASSWORD_CHARS) {
                out.extend_from_slice(&[octet, 0]);
            }
        }
    }
    out
}

/// NtPasswordHash (RFC 2759 section 8.3, RFC 2433 section A.8): MD4 of the
/// Unicode password.
pub fn nt_password_hash(password: &Secret) -> [u8; 16] {
    let mut unicode = password_unicode(password);
    let hash = Md4::digest(&unicode).into();
    unicode.fill(0);
    hash
}

/// HashNtPasswordHash (RFC 2759 section 8.4): MD4 of the password hash.
pub fn hash_nt_password_hash(password_hash: &[u8; 16]) -> [u8; 16] {
    Md4::digest(password_hash).into()
}

/// ChallengeHash (RFC 2759 section 8.2): the first 8 octets of
/// SHA-1(PeerChallenge | AuthenticatorChallenge | UserName), with the user
/// name's domain prefix dropped.
pub fn challenge_hash(
    peer_challenge: &[u8; 16],
    authenticator_challenge: &[u8; 16],
    user_name: &[u8],
) -> [u8; 8] {
    let digest = Sha1::new()
        .chain_update(peer_challenge)
        .chain_update(authenticator_challenge)
        .chain_update(strip_domain(user_name))
        .finalize();
    let mut challenge = [0; 8];
    challenge.copy_from_slice(&digest[..8]);
    challenge
}

/// Spreads 7 key octets over the 8 of a DES key, each with odd parity in
/// its low bit (RFC 2759 section 8.6 DesEncrypt, and the example of
/// section 9.3).
pub fn expand_des_key(key: &[u8; 7]) -> [u8; 8] {
    let bits = key.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
    let mut out = [0u8; 8];
    for (i, octet) in out.iter_mut().enumerate() {
        let seven = ((bits >> (49 - 7 * i)) & 0x7f) as u8;
        let high = seven << 1;
        // Odd parity: the low bit makes the count of ones odd.
        *octet = high | u8::from(high.count_ones() % 2 == 0);
    }
    out
}

/// DesEncrypt (RFC 2759 section 8.6): one DES block under a 7-octet key.
fn des_encrypt(clear: &[u8; 8], key: &[u8; 7]) -> [u8; 8] {
    let cipher = Des::new(&Array(expand_des_key(key)));
    let mut block = Array(*clear);
    cipher.encrypt_block(&mut block);
    block.0
}

/// ChallengeResponse (RFC 2759 section 8.5, RFC 2433 section A.5): the
/// challenge encrypted under the three 7-octet thirds of the zero-padded
/// password hash.
pub fn challenge_response(challenge: &[u8; 8], password_hash: &[u8; 16]) -> [u8; 24] {
    let mut z = [0u8; 21];
    z[..16].copy_from_slice(password_hash);
    let mut response = [0u8; 24];
    for (i, chunk) in response.chunks_exact_mut(8).enumerate() {
        let mut key = [0u8; 7];
        key.copy_from_slice(&z[7 * i..7 * i + 7]);
        chunk.copy_from_slice(&des_encrypt(challenge, &key));
    }
    z.fill(0);
    response
}

/// NtChallengeResponse of MS-CHAP (RFC 2433 section A.5): the 8-octet
/// challenge answered with the password hash.
pub fn nt_challenge_response(challenge: &[u8; 8], password: &Secret) -> [u8; 24] {
    challenge_response(challenge, &nt_password_hash(password))
}

/// GenerateNTResponse (RFC 2759 section 8.1).
pub fn generate_nt_response(
    authenticator_challenge: &[u8; 16],
    peer_challenge: &[u8; 16],
    user_name: &[u8],
    password: &Secret,
) -> [u8; 24] {
    let challenge = challenge_hash(peer_challenge, authenticator_challenge, user_name);
    challenge_response(&challenge, &nt_password_hash(password))
}

/// GenerateAuthenticatorResponse (RFC 2759 section 8.7): the 20 octets the
/// authenticator sends back, hex-encoded, as `S=` in its Success packet.
pub fn generate_authenticator_response(
    password: &Secret,
    nt_response: &[u8; 24],
    peer_challenge: &[u8; 16],
    authenticator_challenge: &[u8; 16],
    user_name: &[u8],
) -> [u8; 20] {
    let hash_hash = hash_nt_password_hash(&nt_password_hash(password));
    let digest = Sha1::new()
        .chain_update(hash_hash)
        .chain_update(nt_response)
        .chain_update(MAGIC1)
        .finalize();
    let challenge = challenge_hash(peer_challenge, authenticator_challenge, user_name);
    Sha1::new()
        .chain_update(digest)
        .chain_update(challenge)
        .chain_update(MAGIC2)
        .finalize()
        .into()
}

/// The `S=` string of an authenticator response: "S=" and 40 upper-case
/// hexadecimal digits (RFC 2759 section 8.7).
pub fn authenticator_response_string(response: &[u8; 20]) -> String {
    let mut s = String::with_capacity(42);
    s.push_str("S=");
    push_hex(&mut s, response);
    s
}

/// Appends upper-case hexadecimal digits for `octets`.
pub(crate) fn push_hex(s: &mut String, octets: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for &b in octets {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

/// Reads hexadecimal digits (either case) into `out`; false unless there are
/// exactly `2 * out.len()` of them.
pub(crate) fn parse_hex(text: &[u8], out: &mut [u8]) -> bool {
    if text.len() != 2 * out.len() {
        return false;
    }
    for (octet, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (Some(hi), Some(lo)) = (hex_digit(pair[0]), hex_digit(pair[1])) else {
            return false;
        };
        *octet = hi << 4 | lo;
    }
    true
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex<const N: usize>(text: &str) -> [u8; N] {
        let mut out = [0; N];
        assert!(parse_hex(text.as_bytes(), &mut out), "bad hex {text}");
        out
    }

    // RFC 2759 section 9.2, "Hash Example".
    const AUTH_CHALLENGE: &str = "5B5D7C7D7B3F2F3E3C2C602132262628";
    const PEER_CHALLENGE: &str = "21402324255E262A28295F2B3A337C7E";

    #[test]
    fn rfc2759_section_9_2_intermediate_values() {
        let password = Secret::from("clientPass");
        let auth = hex::<16>(AUTH_CHALLENGE);
        let peer = hex::<16>(PEER_CHALLENGE);
        assert_eq!(
            challenge_hash(&peer, &auth, b"User"),
            hex("D02E4386BCE91226")
        );
        let hash = nt_password_hash(&password);
        assert_eq!(hash, hex("44EBBA8D5312B8D611474411F56989AE"));
        assert_eq!(
            hash_nt_password_hash(&hash),
            hex("41C00C584BD2D91C4017A2A12FA59F3F")
        );
    }

    #[test]
    fn rfc2759_section_9_2_nt_response_and_authenticator_response() {
        let password = Secret::from("clientPass");
        let auth = hex::<16>(AUTH_CHALLENGE);
        let peer = hex::<16>(PEER_CHALLENGE);
        let nt = generate_nt_response(&auth, &peer, b"User", &password);
        assert_eq!(nt, hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"));
        let s = generate_authenticator_response(&password, &nt, &peer, &auth, b"User");
        assert_eq!(
            authenticator_response_string(&s),
            "S=407A5589115FD0D6209F510FE9C04566932CDA56"
        );
    }

    #[test]
    fn domain_prefix_is_dropped_from_the_challenge_hash() {
        let password = Secret::from("clientPass");
        let auth = hex::<16>(AUTH_CHALLENGE);
        let peer = hex::<16>(PEER_CHALLENGE);
        assert_eq!(
            generate_nt_response(&auth, &peer, b"CORP\\User", &password),
            hex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF")
        );
        assert_eq!(strip_domain(b"A\\B\\user"), b"user");
        assert_eq!(strip_domain(b"user"), b"user");
        assert_eq!(strip_domain(b"DOMAIN\\"), b"");
    }

    #[test]
    fn rfc2759_section_9_3_des_key_expansion() {
        let hash = nt_password_hash(&Secret::from("MyPw"));
        assert_eq!(hash, hex("FC156AF7EDCD6C0EDDE3337D427F4EAC"));
        let first: [u8; 7] = hash[..7].try_into().unwrap();
        let second: [u8; 7] = hash[7..14].try_into().unwrap();
        assert_eq!(expand_des_key(&first), hex("FD0B5B5E7F6E34D9"));
        assert_eq!(expand_des_key(&second), hex("0E6E796737EA08FE"));
    }

    #[test]
    fn rfc2433_nt_challenge_response() {
        // RFC 2433 appendix B: password "MyPw", challenge 102DB5DF085D3041.
        let response = nt_challenge_response(&hex("102DB5DF085D3041"), &Secret::from("MyPw"));
        assert_eq!(
            response,
            hex("4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61")
        );
    }

    #[test]
    fn non_utf8_passwords_are_widened_octet_by_octet() {
        // 0xe9 alone is not UTF-8; pppd widens it to e9 00, as does UTF-16
        // for U+00E9, so both spellings hash alike.
        assert_eq!(
            nt_password_hash(&Secret::new(vec![0xe9])),
            nt_password_hash(&Secret::from("\u{e9}"))
        );
    }

    #[test]
    fn long_passwords_are_cut_to_256_characters() {
        let long = "x".repeat(300);
        assert_eq!(
            nt_password_hash(&Secret::from(long.as_str())),
            nt_password_hash(&Secret::from(&long[..256]))
        );
    }

    #[test]
    fn hex_round_trip_and_rejects() {
        let mut s = String::new();
        push_hex(&mut s, &[0x00, 0xab, 0xff]);
        assert_eq!(s, "00ABFF");
        let mut out = [0u8; 3];
        assert!(parse_hex(b"00abFF", &mut out));
        assert_eq!(out, [0, 0xab, 0xff]);
        assert!(!parse_hex(b"00abF", &mut out));
        assert!(!parse_hex(b"00abFG", &mut out));
    }
}
