//! The l2tp-secrets file (l2tp-secrets(5), xl2tpd's `get_secret`): one
//! tunnel secret a line, `us them secret`.
//!
//! - `us` is our host name, `them` the peer's (its Host Name AVP); `*`
//!   in either matches any name; names match in any case.
//! - The secret is the rest of the line after `them`, white space inside
//!   it kept, around it dropped.
//! - `#` and `;` start a comment anywhere on a line (so a secret cannot
//!   hold them, as in xl2tpd).
//! - The first line matching both names wins: put specific lines before
//!   wildcard ones.
//!
//! No `Debug`, `Display` or error shows a secret.

use std::io;

use rppp_auth::Secret;

use super::error::{ConfigError, ErrorKind};

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretLine {
    /// Our host name, or `*`.
    pub us: Vec<u8>,
    /// The peer's host name, or `*`.
    pub them: Vec<u8>,
    /// The tunnel secret.
    pub secret: Secret,
    /// The 1-based line.
    pub line: usize,
}

/// A parsed l2tp-secrets file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct L2tpSecrets {
    lines: Vec<SecretLine>,
}

/// xl2tpd's white space: every octet up to and including the space.
fn is_blank(c: &u8) -> bool {
    *c <= b' '
}

fn trim(mut text: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = text {
        if !is_blank(first) {
            break;
        }
        text = rest;
    }
    while let [rest @ .., last] = text {
        if !is_blank(last) {
            break;
        }
        text = rest;
    }
    text
}

/// The first word of `text` (which starts with no blank) and the rest.
fn word(text: &[u8]) -> (&[u8], &[u8]) {
    let end = text.iter().position(is_blank).unwrap_or(text.len());
    (&text[..end], trim(&text[end..]))
}

fn matches(field: &[u8], name: &[u8]) -> bool {
    field == b"*" || field.eq_ignore_ascii_case(name)
}

impl L2tpSecrets {
    /// Parses `text`, the secrets file at `path` (named in errors).
    pub fn parse(path: &str, text: &[u8]) -> Result<L2tpSecrets, ConfigError> {
        let mut lines = Vec::new();
        for (index, raw) in text.split(|&c| c == b'\n').enumerate() {
            let line = index + 1;
            let content = raw.split(|&c| c == b'#' || c == b';').next();
            let content = trim(content.unwrap_or_default());
            if content.is_empty() {
                continue;
            }
            let (us, rest) = word(content);
            let (them, secret) = word(rest);
            let missing = match (them.is_empty(), secret.is_empty()) {
                (true, _) => Some("them"),
                (false, true) => Some("secret"),
                (false, false) => None,
            };
            if let Some(missing) = missing {
                return Err(ConfigError::at(
                    path,
                    line,
                    ErrorKind::IncompleteSecret { missing },
                ));
            }
            lines.push(SecretLine {
                us: us.to_vec(),
                them: them.to_vec(),
                secret: Secret::new(secret),
                line,
            });
        }
        Ok(L2tpSecrets { lines })
    }

    /// Reads the secrets file at `path` through `read` and parses it.
    pub fn load(
        path: &str,
        read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
    ) -> Result<L2tpSecrets, ConfigError> {
        let text = read(path).map_err(|e| super::unreadable(path, &e))?;
        L2tpSecrets::parse(path, &text)
    }

    /// One line, `* * secret`: this secret with every peer (the command
    /// line's `--secret`).
    pub fn any(secret: Secret) -> L2tpSecrets {
        L2tpSecrets {
            lines: vec![SecretLine {
                us: b"*".to_vec(),
                them: b"*".to_vec(),
                secret,
                line: 0,
            }],
        }
    }

    /// The lines, in file order.
    pub fn lines(&self) -> &[SecretLine] {
        &self.lines
    }

    /// The line xl2tpd would use between `our_name` (the section's
    /// `hostname`, or the system's) and `their_name` (the peer's Host
    /// Name): the first whose `us` and `them` both match, `*` matching
    /// anything.
    pub fn line_for(&self, our_name: &[u8], their_name: &[u8]) -> Option<&SecretLine> {
        self.lines
            .iter()
            .find(|l| matches(&l.us, our_name) && matches(&l.them, their_name))
    }

    /// The secret of [`line_for`](Self::line_for).
    pub fn secret_for(&self, our_name: &[u8], their_name: &[u8]) -> Option<&[u8]> {
        self.line_for(our_name, their_name)
            .map(|l| l.secret.expose())
    }
}
