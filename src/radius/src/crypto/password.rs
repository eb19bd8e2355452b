//! User-Password hiding (RFC 2865 section 5.2).
//!
//! The password is padded with zeros to a multiple of 16 octets (128 at
//! most); b1 = MD5(S + RA), c1 = p1 xor b1, then bi = MD5(S + c(i-1)),
//! ci = pi xor bi.

use core::fmt;

use crate::secret::SharedSecret;

/// The longest password section 5.2 can carry.
pub const MAX_PASSWORD_LEN: usize = 128;

/// Why a password cannot be hidden or revealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordError {
    /// Longer than 128 octets.
    TooLong {
        /// Its length.
        len: usize,
    },
    /// A hidden value that is empty, over 128 octets or not a multiple of
    /// 16.
    BadHiddenLength {
        /// Its length.
        len: usize,
    },
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PasswordError::TooLong { len } => {
                write!(f, "password of {len} octets is over 128")
            }
            PasswordError::BadHiddenLength { len } => {
                write!(
                    f,
                    "hidden User-Password of {len} octets is not 16..=128 in steps of 16"
                )
            }
        }
    }
}

impl std::error::Error for PasswordError {}

fn block(secret: &SharedSecret, previous: &[u8]) -> [u8; 16] {
    let mut ctx = md5::Context::new();
    ctx.consume(secret.expose());
    ctx.consume(previous);
    ctx.finalize().0
}

/// Hides `password` for a request whose authenticator is
/// `request_authenticator`.
pub fn hide_password(
    password: &[u8],
    secret: &SharedSecret,
    request_authenticator: &[u8; 16],
) -> Result<Vec<u8>, PasswordError> {
    if password.len() > MAX_PASSWORD_LEN {
        return Err(PasswordError::TooLong {
            len: password.len(),
        });
    }
    let padded = password.len().div_ceil(16).max(1) * 16;
    let mut out = password.to_vec();
    out.resize(padded, 0);
    let mut previous: [u8; 16] = *request_authenticator;
    for chunk in out.chunks_exact_mut(16) {
        let b = block(secret, &previous);
        for (c, k) in chunk.iter_mut().zip(b) {
            *c ^= k;
        }
        previous.copy_from_slice(chunk);
    }
    Ok(out)
}

/// Reveals a hidden User-Password (the server's side; for tests, and for
/// a NAS that checks its own packets). Trailing zero padding is removed.
pub fn unhide_password(
    hidden: &[u8],
    secret: &SharedSecret,
    request_authenticator: &[u8; 16],
) -> Result<Vec<u8>, PasswordError> {
    if hidden.is_empty() || hidden.len() > MAX_PASSWORD_LEN || hidden.len() % 16 != 0 {
        return Err(PasswordError::BadHiddenLength { len: hidden.len() });
    }
    let mut out = Vec::with_capacity(hidden.len());
    let mut previous: &[u8] = request_authenticator;
    for chunk in hidden.chunks_exact(16) {
        let b = block(secret, previous);
        out.extend(chunk.iter().zip(b).map(|(c, k)| c ^ k));
        previous = chunk;
    }
    while out.last() == Some(&0) {
        out.pop();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_block_round_trip() {
        let secret = SharedSecret::new("s3cret");
        let ra = [7u8; 16];
        for len in [0usize, 1, 15, 16, 17, 40, 128] {
            let pw: Vec<u8> = (1..=len as u8).collect();
            let hidden = hide_password(&pw, &secret, &ra).unwrap();
            assert_eq!(hidden.len(), len.div_ceil(16).max(1) * 16);
            if len > 0 {
                assert_ne!(&hidden[..len], &pw[..]);
            }
            assert_eq!(unhide_password(&hidden, &secret, &ra).unwrap(), pw);
        }
        // The second block chains on the first ciphertext block, not RA.
        let a = hide_password(&[b'a'; 32], &secret, &ra).unwrap();
        assert_ne!(a[..16], a[16..]);
        assert_eq!(
            hide_password(&[0; 129], &secret, &ra),
            Err(PasswordError::TooLong { len: 129 })
        );
        assert_eq!(
            unhide_password(&[0; 17], &secret, &ra),
            Err(PasswordError::BadHiddenLength { len: 17 })
        );
    }
}
