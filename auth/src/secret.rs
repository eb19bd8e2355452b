//! [`Secret`]: a password or shared secret that never shows itself.
//!
//! pppd's secrets, the `password` option and what a PAP peer sends are all
//! kept in this type. Its `Debug` and `Display` print a placeholder, it is
//! compared in constant time, and its octets are overwritten when it is
//! dropped.

use core::fmt;

use subtle::ConstantTimeEq;

/// A password or shared secret. Its `Debug` and `Display` never show it.
#[derive(Clone, Default)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps the octets of a secret.
    pub fn new(octets: impl Into<Vec<u8>>) -> Secret {
        Secret(octets.into())
    }

    /// The secret's octets, for the digest that needs them. Never log them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret's length in octets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares with `other` in constant time for a given length: the time
    /// taken does not depend on where the octets differ.
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        ct_eq(&self.0, other)
    }
}

/// Compares two octet strings in time that does not depend on where they
/// differ (only on their lengths).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.ct_eq(&other.0)
    }
}

impl Eq for Secret {}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret::new(s.as_bytes())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret::new(s.into_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Best effort without unsafe code: overwrite, and keep the compiler
        // from proving the writes dead.
        for octet in self.0.iter_mut() {
            *octet = 0;
        }
        core::hint::black_box(&mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_octets() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(<hidden>)");
        assert_eq!(secret.to_string(), "<hidden>");
        assert!(!format!("{secret:?} {secret} {secret:#?}").contains("hunter2"));
    }

    #[test]
    fn compares_by_value() {
        let secret = Secret::from("abc");
        assert!(secret.ct_eq(b"abc"));
        assert!(!secret.ct_eq(b"abd"));
        assert!(!secret.ct_eq(b"ab"));
        assert!(!secret.ct_eq(b"abcd"));
        assert_eq!(secret, Secret::new(b"abc".to_vec()));
        assert_ne!(secret, Secret::from(""));
        assert!(Secret::default().is_empty());
        assert_eq!(secret.len(), 3);
        assert_eq!(secret.expose(), b"abc");
    }
}
