//! pppd's radius plugin configuration, as radiusclient reads it:
//! `radiusclient.conf` ([`radiusclient`]), the `servers` secrets file
//! ([`servers`]) and dictionaries ([`dictionary`]).
//!
//! Parsing is from text the caller has read; `$INCLUDE` goes through an
//! [`dictionary::IncludeResolver`] the caller provides. Every error names
//! the file and line.

pub mod dictionary;
pub mod radiusclient;
pub mod realms;
pub mod resolve;
pub mod servers;

use core::fmt;

pub use dictionary::{AttributeDef, DataType, Dictionary, IncludeResolver, ValueDef, VendorDef};
pub use radiusclient::{ConfWarning, RadiusClientConf, ServerSpec, WarningKind};
pub use realms::Realms;
pub use resolve::{ResolveError, ResolvedServer};
pub use servers::{ServerSecret, ServersFile};

/// What is wrong with a configuration line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// A radiusclient.conf key neither pppd nor this crate knows.
    UnknownKey(String),
    /// A key without a value.
    MissingValue(String),
    /// A value that should be a number and is not.
    BadNumber(String),
    /// A server entry that is not `host[:port][:secret]`.
    BadServer(String),
    /// A servers-file line without a secret.
    MissingSecret,
    /// A dictionary keyword this crate does not know.
    UnknownKeyword(String),
    /// A dictionary line with too few fields for its keyword.
    MissingFields(&'static str),
    /// A vendor name no VENDOR line has defined.
    UnknownVendor(String),
    /// A VALUE for an attribute no ATTRIBUTE line has defined.
    UnknownAttribute(String),
    /// A standard attribute number above 255.
    AttributeNumber(u32),
    /// END-VENDOR without, or not matching, BEGIN-VENDOR.
    VendorBlock(String),
    /// The file ended inside a BEGIN-VENDOR block.
    UnterminatedVendor(String),
    /// `$INCLUDE` nested deeper than [`dictionary::MAX_INCLUDE_DEPTH`].
    IncludeDepth,
    /// More than [`dictionary::MAX_INCLUDED_FILES`] `$INCLUDE`s in all.
    TooManyIncludes,
    /// The resolver could not read an `$INCLUDE`d file.
    Include {
        /// The path as written.
        path: String,
        /// What the resolver said.
        error: std::io::ErrorKind,
    },
}

/// A configuration error and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as the caller or `$INCLUDE` named it.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

impl ConfigError {
    pub(crate) fn new(file: &str, line: usize, kind: ConfigErrorKind) -> Self {
        ConfigError {
            file: file.to_owned(),
            line,
            kind,
        }
    }
}

impl fmt::Display for ConfigErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigErrorKind::UnknownKey(k) => write!(f, "unknown option {k:?}"),
            ConfigErrorKind::MissingValue(k) => write!(f, "option {k:?} needs a value"),
            ConfigErrorKind::BadNumber(v) => write!(f, "{v:?} is not a number"),
            ConfigErrorKind::BadServer(v) => write!(f, "{v:?} is not host[:port][:secret]"),
            ConfigErrorKind::MissingSecret => f.write_str("server without a secret"),
            ConfigErrorKind::UnknownKeyword(k) => write!(f, "unknown keyword {k:?}"),
            ConfigErrorKind::MissingFields(k) => write!(f, "{k} has too few fields"),
            ConfigErrorKind::UnknownVendor(v) => write!(f, "unknown vendor {v:?}"),
            ConfigErrorKind::UnknownAttribute(a) => write!(f, "VALUE for unknown attribute {a:?}"),
            ConfigErrorKind::AttributeNumber(n) => write!(f, "attribute number {n} is above 255"),
            ConfigErrorKind::VendorBlock(v) => write!(f, "END-VENDOR {v:?} does not close a block"),
            ConfigErrorKind::UnterminatedVendor(v) => write!(f, "BEGIN-VENDOR {v:?} never ends"),
            ConfigErrorKind::IncludeDepth => f.write_str("$INCLUDE nested too deeply"),
            ConfigErrorKind::TooManyIncludes => f.write_str("too many $INCLUDEs"),
            ConfigErrorKind::Include { path, error } => {
                write!(f, "cannot include {path:?}: {error}")
            }
        }
    }
}

/// `file:line: what`.
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.kind)
    }
}

impl std::error::Error for ConfigError {}

/// The lines of a file that carry something, with 1-based numbers: blank
/// lines dropped, and comments from a `#` that starts the line or follows
/// whitespace to the end of the line (so `a#b` stays whole).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let mut end = line.len();
        let mut previous = ' ';
        for (at, c) in line.char_indices() {
            if c == '#' && previous.is_whitespace() {
                end = at;
                break;
            }
            previous = c;
        }
        let line = line[..end].trim();
        (!line.is_empty()).then_some((i + 1, line))
    })
}

/// The lines of a file whose only comments are whole lines starting with
/// `#`, as radiusclient reads the servers file: a secret may hold `#`.
pub(crate) fn whole_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        (!line.is_empty() && !line.starts_with('#')).then_some((i + 1, line))
    })
}

/// A decimal or `0x` hexadecimal number.
pub(crate) fn parse_number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments() {
        let text = "# whole\n  key value # trailing\nkey a#b\n\n\t#\n";
        let got: Vec<_> = lines(text).collect();
        assert_eq!(got, vec![(2, "key value"), (3, "key a#b")]);
        let got: Vec<_> = whole_lines("# c\nhost #secret extra\n").collect();
        assert_eq!(got, vec![(2, "host #secret extra")]);
        assert_eq!(parse_number("0x1F"), Some(31));
        assert_eq!(parse_number("12"), Some(12));
        assert_eq!(parse_number("-1"), None);
    }
}
