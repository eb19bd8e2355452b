//! Why a control pipe message is not a request: typed, and rendered
//! without ever showing a password.

use core::fmt;

use super::request::{Command, MAX_MESSAGE};

/// An argument of a command, for [`ParseError::Argument`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    /// The section, LAC or tunnel name.
    Name,
    /// `c`'s PPP user.
    User,
    /// `c`'s password (also where a word after it is reported).
    Password,
    /// `o`'s dial number.
    DialNumber,
    /// `h`'s call id.
    CallId,
    /// `t`'s host.
    Host,
    /// An `a` or `z` item, 1-based.
    Item(usize),
}

impl fmt::Display for Argument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Argument::Name => f.write_str("name"),
            Argument::User => f.write_str("user"),
            Argument::Password => f.write_str("password"),
            Argument::DialNumber => f.write_str("dial number"),
            Argument::CallId => f.write_str("call id"),
            Argument::Host => f.write_str("host"),
            Argument::Item(n) => write!(f, "setting {n}"),
        }
    }
}

/// What is wrong with an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// It is not there.
    Missing,
    /// A word follows the last argument.
    Extra,
    /// It is not UTF-8.
    NotUtf8,
    /// It has a control character (a byte below 0x20, or 0x7f).
    ControlCharacter,
    /// It is not a decimal number from 1 to 65535.
    NotAnId,
    /// It has a space.
    Space,
    /// An `a` or `z` name has `[`, `]` or `;`, which would break its
    /// xl2tpd.conf section apart ([`ConfigItems::section_text`](super::ConfigItems::section_text)).
    SectionSyntax,
    /// A setting has no `=`.
    NoEquals,
    /// A setting's key is empty, or has a character no xl2tpd.conf key
    /// has (letters, digits, spaces, `-`, `_`).
    BadKey,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::Missing => "missing",
            Problem::Extra => "unexpected word after it",
            Problem::NotUtf8 => "not UTF-8",
            Problem::ControlCharacter => "has a control character",
            Problem::NotAnId => "not a number from 1 to 65535",
            Problem::Space => "has a space",
            Problem::SectionSyntax => "has '[', ']' or ';'",
            Problem::NoEquals => "no '=' in 'key=value'",
            Problem::BadKey => "the key is empty or not an xl2tpd.conf key",
        })
    }
}

/// What is wrong with a `@PATH` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFileProblem {
    /// `@` is followed by a space or nothing.
    Empty,
    /// The path does not start with `/`.
    Relative,
    /// The path has a NUL byte.
    Nul,
    /// No space, and so no command, after the path.
    NoCommand,
}

/// Why a message is not a request. Never shows a password.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The command is empty.
    Empty,
    /// The line is longer than [`MAX_MESSAGE`] bytes (and was dropped).
    TooLong {
        /// Its length in bytes, without the newline.
        len: usize,
    },
    /// The `@PATH` prefix is bad.
    ResultFile {
        /// How.
        problem: ResultFileProblem,
    },
    /// No command has this name.
    UnknownCommand {
        /// The first word (its first 32 bytes).
        word: Vec<u8>,
    },
    /// An argument of a known command is bad.
    Argument {
        /// The command.
        command: Command,
        /// Which argument.
        argument: Argument,
        /// What is wrong with it.
        problem: Problem,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => f.write_str("empty command"),
            ParseError::TooLong { len } => {
                write!(f, "message of {len} bytes, longer than {MAX_MESSAGE}")
            }
            ParseError::ResultFile { problem } => f.write_str(match problem {
                ResultFileProblem::Empty => "no result file after '@'",
                ResultFileProblem::Relative => "the result file is not an absolute path",
                ResultFileProblem::Nul => "the result file has a NUL byte",
                ResultFileProblem::NoCommand => "no command after the result file",
            }),
            ParseError::UnknownCommand { word } => {
                write!(f, "Unknown command {}", word.escape_ascii())
            }
            ParseError::Argument {
                command,
                argument,
                problem,
            } => write!(f, "command {command}: {argument}: {problem}"),
        }
    }
}

impl std::error::Error for ParseError {}
