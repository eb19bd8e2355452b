//! Secrets: the shared secret of a client and server (RFC 2865 section 3)
//! and a user's cleartext password. Neither shows its octets in Debug or
//! Display, so a logged config or request never leaks them.

use core::fmt;

/// A RADIUS shared secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret(Vec<u8>);

impl SharedSecret {
    /// Wraps the secret's octets.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        SharedSecret(secret.into())
    }

    /// The octets, for the crypto in this crate and nothing else.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Whether the secret is empty (RFC 2865 section 3 forbids it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

/// A cleartext password to be hidden in User-Password.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Vec<u8>);

impl Password {
    /// Wraps the password's octets.
    pub fn new(password: impl Into<Vec<u8>>) -> Self {
        Password(password.into())
    }

    /// The octets.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let s = SharedSecret::new("xyzzy5461");
        let p = Password::new("arctangent");
        let out = format!("{s:?} {p:?} {:#?}", (&s, &p));
        assert!(
            !out.contains("xyzzy") && !out.contains("arctangent"),
            "{out}"
        );
        assert_eq!(s.expose(), b"xyzzy5461");
    }
}
