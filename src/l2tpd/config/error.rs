//! What is wrong with xl2tpd.conf or l2tp-secrets, and the warnings for
//! keys rppp accepts but cannot honour. Every error and warning names the
//! file and the line; errors about a key name the key, and errors about a
//! value name what was expected. No error shows a secret.

use core::fmt;

/// A key rppp accepts but cannot honour (or honours only in part): the
/// caller logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file.
    pub path: String,
    /// The 1-based line.
    pub line: usize,
    /// The key, as written.
    pub key: String,
    /// Why it is ignored or limited.
    pub message: &'static str,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: key '{}': {}",
            self.path,
            self.line,
            self.key.escape_debug(),
            self.message
        )
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file cannot be read (the line is 0).
    Unreadable {
        /// Why, as the reader said.
        reason: String,
    },
    /// The line is not UTF-8.
    NotUtf8,
    /// A line starts with `[` and has no `]`.
    NoClosingBracket,
    /// A section other than `[global]`, `[lns ...]` and `[lac ...]`.
    UnknownSection {
        /// The section's kind, as written.
        section: String,
    },
    /// A `key = value` line before any section.
    OutsideSection,
    /// A line that is neither a section nor `key = value`.
    NoEquals,
    /// No section of xl2tpd.conf has this key.
    UnknownKey {
        /// The section it was in (`global`, `lns`, `lac`).
        section: &'static str,
    },
    /// The key belongs to other sections.
    NotInSection {
        /// The section it was in.
        section: &'static str,
    },
    /// The value has the wrong form or lies out of range.
    BadValue {
        /// The value, as written.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The key contradicts an earlier one.
    Conflict {
        /// What is wrong.
        reason: &'static str,
    },
    /// rppp knows the key but carrying on without it would be wrong.
    NotSupported {
        /// Why.
        reason: &'static str,
    },
    /// A secrets line lacks a field (xl2tpd skips it with a warning; a
    /// tunnel that needs it would then fail to authenticate).
    IncompleteSecret {
        /// The first field missing: "them" or "secret".
        missing: &'static str,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Unreadable { reason } => write!(f, "can't read the file: {reason}"),
            ErrorKind::NotUtf8 => f.write_str("the line is not valid UTF-8"),
            ErrorKind::NoClosingBracket => f.write_str("section header has no closing ']'"),
            ErrorKind::UnknownSection { section } => write!(
                f,
                "unknown section '[{}]': expected [global], [lns NAME] or [lac NAME]",
                section.escape_debug()
            ),
            ErrorKind::OutsideSection => {
                f.write_str("'key = value' before any section ([global], [lns ...], [lac ...])")
            }
            ErrorKind::NoEquals => f.write_str("expected '[section]' or 'key = value'"),
            ErrorKind::UnknownKey { section } => write!(f, "unknown key in [{section}]"),
            ErrorKind::NotInSection { section } => write!(f, "not valid in [{section}]"),
            ErrorKind::BadValue { value, expected } => {
                write!(
                    f,
                    "bad value '{}': expected {expected}",
                    value.escape_debug()
                )
            }
            ErrorKind::Conflict { reason } => f.write_str(reason),
            ErrorKind::NotSupported { reason } => write!(f, "not supported: {reason}"),
            ErrorKind::IncompleteSecret { missing } => {
                write!(f, "expected 'us them secret': no {missing}")
            }
        }
    }
}

/// An error in xl2tpd.conf or l2tp-secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// The 1-based line (0: the file as a whole).
    pub line: usize,
    /// The key, as written, when the error is about one.
    pub key: Option<String>,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl ConfigError {
    /// An error at `path:line` about no one key.
    pub(crate) fn at(path: &str, line: usize, kind: ErrorKind) -> ConfigError {
        ConfigError {
            path: path.to_string(),
            line,
            key: None,
            kind,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: ", self.path)?;
        } else {
            write!(f, "{}:{}: ", self.path, self.line)?;
        }
        if let Some(key) = &self.key {
            write!(f, "key '{}': ", key.escape_debug())?;
        }
        self.kind.fmt(f)
    }
}

impl std::error::Error for ConfigError {}
