//! Where an option came from, what is wrong with it, and the warnings for
//! options that are accepted but mean nothing here.
//!
//! No error or warning ever shows the value of `password` (or of a secrets
//! file): an error names the option and the place; the only values shown
//! are those of options whose value failed to parse, and no such option
//! holds a secret.

use core::fmt;

use rppp_auth::words::SyntaxError;
use rppp_auth::SecretsError;
use rppp_radius::config::ConfigErrorKind;

use super::radius::RadiusFile;

/// Where an option was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// The command line; `arg` is the position of the option's name in
    /// argv (1 for the first word after the program name).
    CommandLine {
        /// 1-based position in argv.
        arg: usize,
    },
    /// An options file, and the line the option's name starts on.
    File {
        /// The file's path, as named (by `file`, `call`, or the default
        /// `/etc/ppp/options`).
        path: String,
        /// 1-based line.
        line: usize,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::CommandLine { arg } => write!(f, "command line (argument {arg})"),
            Source::File { path, line } => write!(f, "{path}:{line}"),
        }
    }
}

/// An option rppp accepts but that means nothing here, or less than in
/// pppd: logged once per option name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The option's name, as written.
    pub option: String,
    /// Where it was first given.
    pub source: Source,
    /// Why it is ignored or limited.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.source, self.option, self.message)
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not an option pppd (as rppp knows it) has.
    UnknownOption,
    /// The option needs an argument and the words ran out.
    MissingArgument,
    /// The argument is not a number (pppd's `strtoul` with base 0: decimal,
    /// `0x` hexadecimal, or octal with a leading `0`).
    BadNumber {
        /// The argument.
        value: String,
    },
    /// The number is outside the option's range.
    OutOfRange {
        /// The argument.
        value: String,
        /// The smallest value allowed.
        min: u64,
        /// The largest value allowed.
        max: u64,
    },
    /// The argument is not a dotted-quad IPv4 address (host names are not
    /// looked up), or is an address pppd never allows (loopback, multicast,
    /// class E).
    BadAddress {
        /// The argument.
        value: String,
    },
    /// The argument has the wrong form.
    BadValue {
        /// The argument.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The argument is not UTF-8 where a path or a name must be.
    NotUtf8,
    /// A plugin rppp does not have built in.
    UnknownPlugin {
        /// The plugin as named.
        plugin: String,
    },
    /// A plugin's option given without its plugin, or before it (pppd
    /// knows a plugin's options only once `plugin` has loaded it).
    NeedsPlugin {
        /// The plugin, as `plugin` names it.
        plugin: &'static str,
    },
    /// An option rppp knows but does not implement, where carrying on
    /// without it would be wrong (or unsafe).
    NotSupported {
        /// Why.
        reason: &'static str,
    },
    /// The option needs root privileges (pppd's `OPT_PRIV`) and came from
    /// a place that does not have them.
    NeedsPrivilege,
    /// The option was disabled by an earlier one (pppd's `OPT_ENABLE`:
    /// `nodefaultroute` disables `defaultroute`, `noproxyarp` `proxyarp`).
    Disabled {
        /// The option that disabled it.
        by: String,
        /// Where that option was.
        at: Source,
    },
    /// The option may be given once only.
    Repeated {
        /// Where it was first given.
        first: Source,
    },
    /// An options file cannot be split into words.
    Syntax(SyntaxError),
    /// An options file cannot be read.
    FileUnreadable {
        /// The path.
        path: String,
        /// Why, as the operating system said.
        reason: String,
    },
    /// `file` includes nested deeper than [`MAX_INCLUDE_DEPTH`](super::MAX_INCLUDE_DEPTH)
    /// (a file that includes itself, directly or not).
    IncludeTooDeep {
        /// The file that would have been one level too deep.
        path: String,
    },
    /// The options contradict each other or lack something another needs.
    Inconsistent {
        /// What is wrong.
        reason: &'static str,
    },
    /// A secrets file has a line rppp cannot read (boxed: it is large).
    Secrets(Box<SecretsError>),
    /// A secrets file exists but cannot be read.
    SecretsUnreadable {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The peer must authenticate itself, but no secrets-file line could
    /// let it (pppd's "couldn't find any suitable secret").
    NoSecretForPeer {
        /// Authentication is required only by pppd's default rule (the
        /// options came from an unprivileged user, with no `noauth`).
        by_default: bool,
        /// The `remotename` the peer's secret was looked up for.
        remote_name: Option<String>,
    },
    /// A file of pppd's radius plugin cannot be read.
    RadiusFileUnreadable {
        /// Which.
        what: RadiusFile,
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A line of `radiusclient.conf`, the servers file or a dictionary is
    /// wrong; the error's [`Source`] is its file and line.
    RadiusConfig(ConfigErrorKind),
    /// `radiusclient.conf` lacks a key the plugin cannot do without.
    RadiusIncomplete {
        /// The file.
        path: String,
        /// The key.
        missing: &'static str,
    },
    /// A RADIUS server has no secret: none inline in `radiusclient.conf`
    /// and none in the servers file.
    RadiusNoSecret {
        /// The server, `host:port`.
        server: String,
        /// The servers file, when `radiusclient.conf` names one.
        servers_file: Option<String>,
    },
    /// `avpair` names an attribute the dictionary does not define.
    UnknownAttribute {
        /// The attribute.
        attribute: String,
        /// The dictionary's path.
        dictionary: String,
    },
    /// `avpair`'s value does not fit its attribute's type.
    BadAttributeValue {
        /// The pair, `ATTRIBUTE=VALUE` (the dictionary's spelling).
        avpair: String,
        /// What its type wants.
        expected: &'static str,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnknownOption => f.write_str("unrecognized option"),
            ErrorKind::MissingArgument => f.write_str("needs an argument"),
            ErrorKind::BadNumber { value } => {
                write!(f, "invalid numeric parameter '{}'", value.escape_debug())
            }
            ErrorKind::OutOfRange { value, min, max } => write!(
                f,
                "value '{}' out of range: must be between {min} and {max}",
                value.escape_debug()
            ),
            ErrorKind::BadAddress { value } => write!(
                f,
                "bad IP address '{}' (a dotted quad that is not loopback, multicast or class E; host names are not looked up)",
                value.escape_debug()
            ),
            ErrorKind::BadValue { value, expected } => {
                write!(f, "bad value '{}': expected {expected}", value.escape_debug())
            }
            ErrorKind::NotUtf8 => f.write_str("argument is not valid UTF-8"),
            ErrorKind::UnknownPlugin { plugin } => write!(
                f,
                "plugin '{}' is not available: rppp has only pppol2tp.so, openl2tp.so, passwordfd.so, radius.so, radattr.so and radrealms.so, built in",
                plugin.escape_debug()
            ),
            ErrorKind::NeedsPlugin { plugin } => {
                write!(f, "needs plugin {plugin} (given before it, or without it)")
            }
            ErrorKind::NotSupported { reason } => write!(f, "not supported: {reason}"),
            ErrorKind::NeedsPrivilege => f.write_str(
                "requires root privilege (given by a non-root user, outside a root-owned options file)",
            ),
            ErrorKind::Disabled { by, at } => write!(f, "disabled by {by} at {at}"),
            ErrorKind::Repeated { first } => write!(f, "already given at {first}"),
            ErrorKind::Syntax(e) => e.fmt(f),
            ErrorKind::FileUnreadable { path, reason } => {
                write!(f, "can't open options file {path}: {reason}")
            }
            ErrorKind::IncludeTooDeep { path } => write!(
                f,
                "options files nested more than {} deep at {path} (does it include itself?)",
                super::MAX_INCLUDE_DEPTH
            ),
            ErrorKind::Inconsistent { reason } => f.write_str(reason),
            ErrorKind::Secrets(e) => e.fmt(f),
            ErrorKind::SecretsUnreadable { path, reason } => {
                write!(f, "can't read secrets file {path}: {reason}")
            }
            ErrorKind::NoSecretForPeer {
                by_default,
                remote_name,
            } => {
                if *by_default {
                    f.write_str("by default the remote system is required to authenticate itself (options from a non-root user without noauth)")?;
                } else if let Some(name) = remote_name {
                    write!(
                        f,
                        "the remote system ({}) is required to authenticate itself",
                        name.escape_debug()
                    )?;
                } else {
                    f.write_str("the remote system is required to authenticate itself")?;
                }
                f.write_str(
                    " but no suitable secret (password) was found for it to use to do so",
                )
            }
            ErrorKind::RadiusFileUnreadable { what, path, reason } => {
                write!(f, "can't read RADIUS {what} file {path}: {reason}")
            }
            ErrorKind::RadiusConfig(kind) => kind.fmt(f),
            ErrorKind::RadiusIncomplete { path, missing } => {
                write!(f, "{path}: no {missing} given (pppd's radius plugin needs one)")
            }
            ErrorKind::RadiusNoSecret {
                server,
                servers_file,
            } => {
                write!(f, "no secret for RADIUS server {server}: none inline in radiusclient.conf")?;
                match servers_file {
                    Some(path) => write!(f, " and none in {path}"),
                    None => f.write_str(" and no servers file named"),
                }
            }
            ErrorKind::UnknownAttribute {
                attribute,
                dictionary,
            } => write!(
                f,
                "attribute '{}' is not in the dictionary {dictionary}",
                attribute.escape_debug()
            ),
            ErrorKind::BadAttributeValue { avpair, expected } => write!(
                f,
                "bad value in '{}': expected {expected}",
                avpair.escape_debug()
            ),
        }
    }
}

/// An error in the options: the binary reports it and exits with
/// [`exit_code`](Self::exit_code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError {
    /// The option, as written, when the error is about one.
    pub option: Option<String>,
    /// Where it (or the offending word) was.
    pub source: Option<Source>,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl OptionsError {
    /// An error about `option` at `source`.
    pub(crate) fn at(option: &[u8], source: &Source, kind: ErrorKind) -> OptionsError {
        OptionsError {
            option: Some(String::from_utf8_lossy(option).into_owned()),
            source: Some(source.clone()),
            kind,
        }
    }

    /// An error about no one option.
    pub(crate) fn general(source: Option<Source>, kind: ErrorKind) -> OptionsError {
        OptionsError {
            option: None,
            source,
            kind,
        }
    }

    /// pppd's exit status for the error: 2 (`EXIT_OPTION_ERROR`) for an
    /// option that cannot be read, 1 (`EXIT_FATAL_ERROR`) for what pppd
    /// finds only when it checks the options as a whole (secrets, the LNS
    /// ids, the RADIUS plugin's files).
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Inconsistent { .. }
            | ErrorKind::RadiusFileUnreadable { .. }
            | ErrorKind::RadiusConfig(_)
            | ErrorKind::RadiusIncomplete { .. }
            | ErrorKind::RadiusNoSecret { .. }
            | ErrorKind::Secrets(_)
            | ErrorKind::SecretsUnreadable { .. }
            | ErrorKind::NoSecretForPeer { .. } => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}: ")?;
        }
        if let Some(option) = &self.option {
            write!(f, "option '{}': ", option.escape_debug())?;
        }
        self.kind.fmt(f)
    }
}

impl std::error::Error for OptionsError {}

#[cfg(test)]
mod tests;
