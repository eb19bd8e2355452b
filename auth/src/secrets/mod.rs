//! pppd's secrets files, `/etc/ppp/chap-secrets` and `/etc/ppp/pap-secrets`
//! (pppd(8), AUTHENTICATION).
//!
//! Each line holds a client name, a server name, a secret, and optionally
//! the addresses the client may use ([`AllowedAddresses`]), then optionally
//! `--` and options to apply for that client. Words are read as pppd reads
//! option files ([`crate::words`]); a line is the words between two
//! newlines that are neither quoted nor escaped. A secret `@/path` is read
//! from that file: the caller passes a reader, so parsing does no I/O of its
//! own.
//!
//! Choosing among several lines ([`Secrets::lookup`]): a line whose client
//! is `*` or the client, and whose server is `*` or the server, matches;
//! the match with the fewest wildcards wins, and among equals the first.
//!
//! Unlike pppd, which skips what it cannot read with at most a warning, the
//! parser fails on a line it cannot read whole, naming the file and line:
//! a line of fewer than three words, an open quote, a word over 1024
//! octets, an address it cannot read, and an `@` file that is missing or
//! empty.

mod addresses;

use core::fmt;

pub use addresses::{AddressRule, AllowedAddresses};

use crate::secret::Secret;
use crate::words::{self, SyntaxError, Word};

/// One line of a secrets file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretEntry {
    /// The client name; `*` matches any.
    pub client: Vec<u8>,
    /// The server name; `*` matches any.
    pub server: Vec<u8>,
    /// The secret (read from its file for `@/path`).
    pub secret: Secret,
    /// The addresses the client may use.
    pub addresses: AllowedAddresses,
    /// The options after `--`, to apply for this client.
    pub options: Vec<Vec<u8>>,
    /// The line number the entry starts on.
    pub line: usize,
}

/// A parsed secrets file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    file: String,
    entries: Vec<SecretEntry>,
}

/// What is wrong with a secrets file line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretsErrorKind {
    /// A quoted word has no closing quote.
    UnterminatedQuote,
    /// A word is longer than 1024 octets.
    WordTooLong,
    /// A line has fewer than the three words client, server and secret.
    TooFewWords {
        /// Words on the line.
        found: usize,
    },
    /// An allowed-address word that is not `*`, `-` or `[!]a.b.c.d[/n[+]]`.
    BadAddress {
        /// The word.
        word: String,
    },
    /// An `@/path` secret whose file could not be read.
    IndirectUnreadable {
        /// The path.
        path: String,
        /// Why, as the reader said.
        reason: String,
    },
    /// An `@/path` secret whose file holds no word.
    IndirectEmpty {
        /// The path.
        path: String,
    },
}

/// A secrets file that cannot be read, with the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretsError {
    /// The file's name, as given to [`Secrets::parse`].
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub kind: SecretsErrorKind,
}

impl fmt::Display for SecretsErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretsErrorKind::UnterminatedQuote => f.write_str("quoted word has no closing quote"),
            SecretsErrorKind::WordTooLong => {
                write!(f, "word longer than {} octets", words::MAX_WORD_LEN)
            }
            SecretsErrorKind::TooFewWords { found } => write!(
                f,
                "{found} word(s) where client, server and secret are needed"
            ),
            SecretsErrorKind::BadAddress { word } => write!(
                f,
                "allowed address \"{}\" is not *, - or [!]a.b.c.d[/n[+]]",
                word.escape_debug()
            ),
            SecretsErrorKind::IndirectUnreadable { path, reason } => {
                write!(f, "cannot read secret file {path}: {reason}")
            }
            SecretsErrorKind::IndirectEmpty { path } => {
                write!(f, "no secret in secret file {path}")
            }
        }
    }
}

impl fmt::Display for SecretsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.kind)
    }
}

impl std::error::Error for SecretsError {}

/// A word splitting error, as a secrets file reports it.
fn syntax(e: SyntaxError) -> SecretsErrorKind {
    match e {
        SyntaxError::UnterminatedQuote => SecretsErrorKind::UnterminatedQuote,
        SyntaxError::WordTooLong => SecretsErrorKind::WordTooLong,
    }
}

fn is_wild(word: &[u8]) -> bool {
    word == b"*"
}

impl Secrets {
    /// Parses the text of the secrets file `file` (the name is for error
    /// messages). `read_file` returns the contents of the file an `@/path`
    /// secret names, or why it cannot.
    pub fn parse(
        file: &str,
        text: &[u8],
        read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Secrets, SecretsError> {
        let error = |line, kind| SecretsError {
            file: file.to_string(),
            line,
            kind,
        };
        let words = words::split(text).map_err(|(line, e)| error(line, syntax(e)))?;
        let mut entries = Vec::new();
        let mut words = words.into_iter().peekable();
        while let Some(first) = words.next() {
            let number = first.line;
            let mut line = vec![first.text];
            while let Some(Word { text, .. }) = words.next_if(|w| !w.starts_line) {
                line.push(text);
            }
            let found = line.len();
            let mut words = line.into_iter();
            let (Some(client), Some(server), Some(secret)) =
                (words.next(), words.next(), words.next())
            else {
                return Err(error(number, SecretsErrorKind::TooFewWords { found }));
            };
            let secret = match secret.strip_prefix(b"@") {
                Some(path) if path.starts_with(b"/") => {
                    read_indirect(path, read_file).map_err(|kind| error(number, kind))?
                }
                _ => Secret::new(secret),
            };
            let rest: Vec<Vec<u8>> = words.collect();
            let split = rest.iter().position(|w| w == b"--");
            let (address_words, options) = match split {
                Some(i) => (&rest[..i], rest[i + 1..].to_vec()),
                None => (&rest[..], Vec::new()),
            };
            let addresses =
                AllowedAddresses::parse(address_words).map_err(|kind| error(number, kind))?;
            entries.push(SecretEntry {
                client,
                server,
                secret,
                addresses,
                options,
                line: number,
            });
        }
        Ok(Secrets {
            file: file.to_string(),
            entries,
        })
    }

    /// A file of the given entries (for a secret that comes from options or
    /// a plugin rather than a file).
    pub fn from_entries(file: &str, entries: Vec<SecretEntry>) -> Secrets {
        Secrets {
            file: file.to_string(),
            entries,
        }
    }

    /// The file's name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[SecretEntry] {
        &self.entries
    }

    /// The entry for authenticating `client` to `server`, chosen as pppd
    /// chooses: the matching line with the fewest wildcards (a named client
    /// counts more than a named server), the first of equals.
    pub fn lookup(&self, client: &[u8], server: &[u8]) -> Option<&SecretEntry> {
        let mut best: Option<(u8, &SecretEntry)> = None;
        for entry in &self.entries {
            let mut score = 0;
            if !is_wild(&entry.client) {
                if entry.client != client {
                    continue;
                }
                score |= 2;
            }
            if !is_wild(&entry.server) {
                if entry.server != server {
                    continue;
                }
                score |= 1;
            }
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, entry));
                if score == 3 {
                    break;
                }
            }
        }
        best.map(|(_, entry)| entry)
    }
}

/// Reads an `@/path` secret: the first word of that file.
fn read_indirect(
    path: &[u8],
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Secret, SecretsErrorKind> {
    let path = String::from_utf8_lossy(path).into_owned();
    let contents = read_file(&path).map_err(|reason| SecretsErrorKind::IndirectUnreadable {
        path: path.clone(),
        reason,
    })?;
    let words = words::split(&contents).map_err(|(_, e)| SecretsErrorKind::IndirectUnreadable {
        path: path.clone(),
        reason: syntax(e).to_string(),
    })?;
    match words.into_iter().next() {
        Some(word) => Ok(Secret::new(word.text)),
        None => Err(SecretsErrorKind::IndirectEmpty { path }),
    }
}

#[cfg(test)]
mod tests;
