//! MS-MPPE-Send-Key and MS-MPPE-Recv-Key (RFC 2548 sections 2.4.2 and
//! 2.4.3).
//!
//! The value is a 2-octet Salt (high bit set) and the encrypted String.
//! The plaintext is Key-Length (1 octet), the key, and zero padding to a
//! multiple of 16. b(1) = MD5(S + R + A) with R the Access-Request's
//! authenticator and A the Salt, c(1) = p(1) xor b(1); b(i) = MD5(S +
//! c(i-1)).

use core::fmt;

use crate::secret::SharedSecret;

/// Why an MPPE key attribute cannot be decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MppeKeyError {
    /// Shorter than the Salt and one block, or the String is not a
    /// multiple of 16 octets.
    BadLength {
        /// The value's length.
        len: usize,
    },
    /// The Salt's most significant bit is clear (section 2.4.2: "MUST be
    /// set").
    SaltHighBitClear,
    /// Key-Length is longer than the decrypted String can hold: the
    /// secret or authenticator is wrong, or the attribute is forged.
    KeyLength {
        /// The decrypted Key-Length.
        key_length: u8,
    },
    /// A key or plaintext too long to encrypt in one attribute.
    TooLong,
}

impl fmt::Display for MppeKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MppeKeyError::BadLength { len } => write!(f, "MPPE key value of {len} octets"),
            MppeKeyError::SaltHighBitClear => f.write_str("MPPE key Salt's high bit is clear"),
            MppeKeyError::KeyLength { key_length } => {
                write!(
                    f,
                    "decrypted MPPE Key-Length {key_length} exceeds the value"
                )
            }
            MppeKeyError::TooLong => f.write_str("MPPE key too long for one attribute"),
        }
    }
}

impl std::error::Error for MppeKeyError {}

fn block(secret: &SharedSecret, a: &[u8], b: &[u8]) -> [u8; 16] {
    let mut ctx = md5::Context::new();
    ctx.consume(secret.expose());
    ctx.consume(a);
    ctx.consume(b);
    ctx.finalize().0
}

/// Decrypts an MS-MPPE-Send-Key or -Recv-Key value from a reply to the
/// request whose authenticator was `request_authenticator`.
pub fn decrypt_mppe_key(
    value: &[u8],
    secret: &SharedSecret,
    request_authenticator: &[u8; 16],
) -> Result<Vec<u8>, MppeKeyError> {
    let len = value.len();
    let Some((salt, string)) = value.split_first_chunk::<2>() else {
        return Err(MppeKeyError::BadLength { len });
    };
    if string.is_empty() || string.len() % 16 != 0 {
        return Err(MppeKeyError::BadLength { len });
    }
    if salt[0] & 0x80 == 0 {
        return Err(MppeKeyError::SaltHighBitClear);
    }
    let mut plain = Vec::with_capacity(string.len());
    let mut b = block(secret, request_authenticator, salt);
    for chunk in string.chunks_exact(16) {
        plain.extend(chunk.iter().zip(b).map(|(c, k)| c ^ k));
        b = block(secret, chunk, &[]);
    }
    let key_length = plain[0];
    let key = plain
        .get(1..1 + usize::from(key_length))
        .ok_or(MppeKeyError::KeyLength { key_length })?;
    Ok(key.to_vec())
}

/// Encrypts `key` with `salt` (its high bit is set here): the server's
/// side, for tests and simulations.
pub fn encrypt_mppe_key(
    key: &[u8],
    salt: [u8; 2],
    secret: &SharedSecret,
    request_authenticator: &[u8; 16],
) -> Result<Vec<u8>, MppeKeyError> {
    // 2 octets of Salt and the String must fit in 247 octets of a
    // vendor sub-attribute: at most 15 blocks.
    if key.len() + 1 > 15 * 16 {
        return Err(MppeKeyError::TooLong);
    }
    let salt = [salt[0] | 0x80, salt[1]];
    let mut plain = Vec::with_capacity(key.len() + 16);
    plain.push(key.len() as u8);
    plain.extend_from_slice(key);
    plain.resize(plain.len().div_ceil(16) * 16, 0);
    let mut out = salt.to_vec();
    let mut b = block(secret, request_authenticator, &salt);
    for chunk in plain.chunks_exact(16) {
        let start = out.len();
        out.extend(chunk.iter().zip(b).map(|(p, k)| p ^ k));
        b = block(secret, &out[start..], &[]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let secret = SharedSecret::new("s3cret");
        let ra = [0x42u8; 16];
        let key = [0x11u8; 16];
        let value = encrypt_mppe_key(&key, [0x01, 0x02], &secret, &ra).unwrap();
        // Salt with its high bit forced, and 32 octets: 1 + 16 padded.
        assert_eq!(value.len(), 34);
        assert_eq!(value[0], 0x81);
        assert_eq!(decrypt_mppe_key(&value, &secret, &ra).unwrap(), key);
        // A wrong secret decrypts to garbage, caught by Key-Length or a
        // different key.
        let wrong = decrypt_mppe_key(&value, &SharedSecret::new("other"), &ra);
        assert_ne!(wrong.ok(), Some(key.to_vec()));
        let mut clear = value.clone();
        clear[0] &= 0x7f;
        assert_eq!(
            decrypt_mppe_key(&clear, &secret, &ra),
            Err(MppeKeyError::SaltHighBitClear)
        );
        assert_eq!(
            decrypt_mppe_key(&value[..20], &secret, &ra),
            Err(MppeKeyError::BadLength { len: 20 })
        );
        assert_eq!(
            decrypt_mppe_key(&[0x80], &secret, &ra),
            Err(MppeKeyError::BadLength { len: 1 })
        );
    }
}
