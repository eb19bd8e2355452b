//! One message of xl2tpd's control pipe, parsed: the optional result file
//! (`@PATH `) and the [`Request`], or a [`ParseError`] that says which
//! command, which argument and why. Sans-IO: bytes in, typed values out.
//!
//! xl2tpd (`do_control` in `xl2tpd.c`) picks the handler by the message's
//! first byte alone and each handler splits the rest its own way: some
//! take whitespace-separated words (`strtok` on spaces), others the whole
//! rest of the line after the first space (`strchr`). [`Request::parse`]
//! splits every command as xl2tpd does; where it departs, the variant's
//! documentation says so. The departures are all refusals of input that
//! xl2tpd misreads or crashes on:
//!
//! - the command letter must be followed by a space or the end of the
//!   line: xl2tpd reads `connect vpn` as `c` with the LAC name `onnect`
//!   and the user `vpn`; here `connect` is an unknown command;
//! - a missing argument is an error: xl2tpd dereferences a null pointer
//!   for `d`, `r`, `w`, `t`, `h`, `o`, `y`, `z` and `c` without one;
//! - the long names of `xl2tpd-control` (`connect-lac`, `available`, ...)
//!   are accepted for their letters: xl2tpd takes `available` for `a`
//!   (add the LAC `vailable`);
//! - arguments are UTF-8 without control characters (the password
//!   excepted), and numbers are decimal digits only (xl2tpd's `atoi`
//!   reads `12abc` as 12 and `abc` as 0).

use core::fmt;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rppp_auth::Secret;

pub use super::error::{Argument, ParseError, Problem, ResultFileProblem};

/// The longest message, in bytes without its newline: xl2tpd reads the
/// pipe 1024 bytes at a time (`CONTROL_PIPE_MESSAGE_SIZE`), and
/// `xl2tpd-control` refuses to send more than 1023.
pub const MAX_MESSAGE: usize = 1024;

/// The commands of xl2tpd's control pipe (`CONTROL_PIPE_REQ_*` in
/// xl2tpd's `l2tp.h`), each a letter, and for most a long name that
/// `xl2tpd-control` accepts on its command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// `c`, `connect-lac`: dial a LAC section, or a call on a tunnel.
    Connect,
    /// `o`: an outgoing call (OCRQ) with a dial number.
    OutgoingCall,
    /// `d`, `disconnect-lac`: end a LAC's tunnel, or a tunnel by id.
    Disconnect,
    /// `h`: hang up a call by its local id.
    Hangup,
    /// `t`: open a tunnel to a host with no LAC section.
    Tunnel,
    /// `a`, `add-lac`: add a LAC section.
    AddLac,
    /// `r`, `remove-lac`: remove a LAC section.
    RemoveLac,
    /// `s`, `status-lac`: the daemon's status.
    LacStatus,
    /// `x`, `available`: the sections, tunnels and calls.
    Available,
    /// `y`, `status-lns`: the tunnels and calls of an LNS section.
    LnsStatus,
    /// `z`, `add-lns`: add or modify an LNS section.
    AddLns,
    /// `w`, `remove-lns`: remove an LNS section.
    RemoveLns,
}

impl Command {
    /// Every command.
    pub const ALL: [Command; 12] = [
        Command::Connect,
        Command::OutgoingCall,
        Command::Disconnect,
        Command::Hangup,
        Command::Tunnel,
        Command::AddLac,
        Command::RemoveLac,
        Command::LacStatus,
        Command::Available,
        Command::LnsStatus,
        Command::AddLns,
        Command::RemoveLns,
    ];

    /// The letter on the pipe.
    pub fn letter(self) -> u8 {
        match self {
            Command::Connect => b'c',
            Command::OutgoingCall => b'o',
            Command::Disconnect => b'd',
            Command::Hangup => b'h',
            Command::Tunnel => b't',
            Command::AddLac => b'a',
            Command::RemoveLac => b'r',
            Command::LacStatus => b's',
            Command::Available => b'x',
            Command::LnsStatus => b'y',
            Command::AddLns => b'z',
            Command::RemoveLns => b'w',
        }
    }

    /// `xl2tpd-control`'s name for it (`o`, `h` and `t` have none).
    pub fn long_name(self) -> Option<&'static str> {
        Some(match self {
            Command::Connect => "connect-lac",
            Command::Disconnect => "disconnect-lac",
            Command::AddLac => "add-lac",
            Command::RemoveLac => "remove-lac",
            Command::LacStatus => "status-lac",
            Command::Available => "available",
            Command::LnsStatus => "status-lns",
            Command::AddLns => "add-lns",
            Command::RemoveLns => "remove-lns",
            Command::OutgoingCall | Command::Hangup | Command::Tunnel => return None,
        })
    }

    /// The command a message's first word names: a letter (case matters,
    /// as in xl2tpd) or a long name (in any case, as `xl2tpd-control`
    /// matches them).
    pub fn from_word(word: &[u8]) -> Option<Command> {
        Command::ALL.into_iter().find(|c| {
            word == [c.letter()]
                || c.long_name()
                    .is_some_and(|n| word.eq_ignore_ascii_case(n.as_bytes()))
        })
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.long_name() {
            Some(name) => write!(f, "'{}' ({name})", char::from(self.letter())),
            None => write!(f, "'{}'", char::from(self.letter())),
        }
    }
}

/// The LAC a `c`, `o` or `d` names: a `[lac NAME]` section (matched in
/// any case, as xl2tpd's `strcasecmp`), or, when no section has that
/// name, a tunnel by its local id ([`LacRef::tunnel_id`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LacRef {
    /// The name as written.
    pub name: String,
}

impl LacRef {
    /// The name read as a local tunnel id, for when no LAC section has
    /// it: decimal digits, 1 to 65535. xl2tpd uses `atoi`, which also
    /// takes `12abc` as 12.
    pub fn tunnel_id(&self) -> Option<u16> {
        parse_id(self.name.as_bytes())
    }

    /// Whether `section` (a `[lac NAME]` name) is this one: xl2tpd
    /// compares with `strcasecmp`.
    pub fn matches(&self, section: &str) -> bool {
        self.name.eq_ignore_ascii_case(section)
    }
}

/// The PPP user name and password a `c` gives for its LAC, replacing the
/// section's `name` (xl2tpd copies both into the LAC, where they stay for
/// later dials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The PPP user name (xl2tpd's `authname`).
    pub user: String,
    /// The password; `None` when only the user was given.
    pub password: Option<Secret>,
}

/// One `key = value` of an `a` or `z` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigItem {
    /// The key, as xl2tpd.conf spells it (`lns`, `redial timeout`).
    pub key: String,
    /// The value, trimmed.
    pub value: String,
}

/// The settings an `a` or `z` message carries: xl2tpd.conf's `key =
/// value` lines of a `[lac]` or `[lns]` section, separated by `;`
/// (`xl2tpd-control add-lac vpn lns=192.0.2.1 redial=yes` sends
/// `a vpn lns=192.0.2.1;redial=yes;`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigItems(pub Vec<ConfigItem>);

/// The kind of section [`ConfigItems::section_text`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// `[lac NAME]`.
    Lac,
    /// `[lns NAME]`.
    Lns,
}

impl ConfigItems {
    /// The items as an xl2tpd.conf section, `[lac NAME]` or `[lns
    /// NAME]` and one `key = value` line each, for
    /// [`config::parse`](crate::l2tpd::config::parse): the daemon checks
    /// and types them with the same rules as the file. The parser has made
    /// sure that neither `name` nor the items can break the section
    /// apart.
    pub fn section_text(&self, kind: SectionKind, name: &str) -> String {
        let kind = match kind {
            SectionKind::Lac => "lac",
            SectionKind::Lns => "lns",
        };
        let mut text = format!("[{kind} {name}]\n");
        for item in &self.0 {
            text.push_str(&item.key);
            text.push_str(" = ");
            text.push_str(&item.value);
            text.push('\n');
        }
        text
    }
}

/// A command of xl2tpd's control pipe, with its arguments.
///
/// "The daemon" below says what xl2tpd does; `control`'s module
/// documentation says what rppp's daemon should do and answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `c NAME [USER [PASSWORD]]`: dial the LAC section `NAME` (set it
    /// active, reset its redial count, store the credentials, place a call,
    /// opening its tunnel first if needed), or, when no section has the
    /// name, place a call on the tunnel whose local id it is. Arguments
    /// are words separated by spaces (xl2tpd's `strtok`). A fourth word is
    /// an error: xl2tpd ignores it, which turns a password with a space
    /// into a wrong password.
    Connect {
        /// The LAC or tunnel.
        lac: LacRef,
        /// The PPP user and password, if given.
        credentials: Option<Credentials>,
    },
    /// `o NAME DIALNUMBER`: as `c`, but an outgoing call (OCRQ, xl2tpd's
    /// `switch_io = 0`) to `DIALNUMBER`. Words as for `c`; further words
    /// are ignored, as xl2tpd does.
    OutgoingCall {
        /// The LAC or tunnel.
        lac: LacRef,
        /// The number to dial (the Called Number AVP).
        dial_number: String,
    },
    /// `d NAME`: take the LAC section `NAME` down (inactive, no redial)
    /// and close its tunnel with StopCCN, or, when no section has the
    /// name, close the tunnel whose local id it is. `NAME` is the rest of
    /// the line after the first space, spaces included (xl2tpd's
    /// `strchr`).
    Disconnect {
        /// The LAC or tunnel.
        lac: LacRef,
    },
    /// `h CALLID`: hang up the call (session) with this local id: xl2tpd
    /// sends SIGTERM to its pppd. Spaces around the number are allowed.
    Hangup {
        /// The local call (session) id, 1 to 65535.
        call_id: u16,
    },
    /// `t HOST`: open a tunnel to `HOST`, port 1701, with no LAC section.
    /// `HOST` is the rest of the line; it must have no spaces.
    Tunnel {
        /// A host name or address.
        host: String,
    },
    /// `a NAME KEY=VALUE;...`: add the LAC section `NAME` with these
    /// settings, and dial it if it has `autodial = yes`. xl2tpd does
    /// nothing, and answers nothing, when a LAC with that name exists.
    /// `NAME` is the first word; the items follow it.
    AddLac {
        /// The section's name.
        name: String,
        /// Its settings.
        items: ConfigItems,
    },
    /// `r NAME`: take the LAC section `NAME` down as `d` does and remove
    /// it. `NAME` is the rest of the line.
    RemoveLac {
        /// The section's name.
        name: String,
    },
    /// `s [NAME]`: xl2tpd ignores the name and logs its whole status
    /// (scheduler, tunnels, calls, sections) to syslog, answering nothing.
    LacStatus {
        /// The rest of the line, if any (`xl2tpd-control status-lac`
        /// sends the LAC's name).
        name: Option<String>,
    },
    /// `x`: list the LNS and LAC sections, the tunnels and the call
    /// count. Anything after the letter is ignored, as xl2tpd does
    /// (`xl2tpd-control available` sends `x (null)`).
    Available,
    /// `y NAME`: the tunnels and calls of the LNS section `NAME`
    /// (`default` is `[lns default]`). `NAME` is the first word.
    LnsStatus {
        /// The section's name.
        name: String,
    },
    /// `z NAME KEY=VALUE;...`: add the LNS section `NAME`, or change the
    /// settings of the existing one. As for `a`.
    AddLns {
        /// The section's name.
        name: String,
        /// Its settings.
        items: ConfigItems,
    },
    /// `w NAME`: close every call of the LNS section `NAME`'s tunnels
    /// and remove the section. `NAME` is the rest of the line; xl2tpd does
    /// not find `default` here.
    RemoveLns {
        /// The section's name.
        name: String,
    },
}

impl Request {
    /// The command.
    pub fn command(&self) -> Command {
        match self {
            Request::Connect { .. } => Command::Connect,
            Request::OutgoingCall { .. } => Command::OutgoingCall,
            Request::Disconnect { .. } => Command::Disconnect,
            Request::Hangup { .. } => Command::Hangup,
            Request::Tunnel { .. } => Command::Tunnel,
            Request::AddLac { .. } => Command::AddLac,
            Request::RemoveLac { .. } => Command::RemoveLac,
            Request::LacStatus { .. } => Command::LacStatus,
            Request::Available => Command::Available,
            Request::LnsStatus { .. } => Command::LnsStatus,
            Request::AddLns { .. } => Command::AddLns,
            Request::RemoveLns { .. } => Command::RemoveLns,
        }
    }

    /// The command as a message (without `@PATH ` and newline), in the
    /// letter form xl2tpd reads: what a client such as `xl2tpd-control`
    /// writes, and what [`Request::parse`] reads back as `self`. It holds
    /// the password of a [`Request::Connect`]: never log it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![self.command().letter()];
        let mut word = |w: &[u8]| {
            out.push(b' ');
            out.extend_from_slice(w);
        };
        match self {
            Request::Connect { lac, credentials } => {
                word(lac.name.as_bytes());
                if let Some(c) = credentials {
                    word(c.user.as_bytes());
                    if let Some(password) = &c.password {
                        word(password.expose());
                    }
                }
            }
            Request::OutgoingCall { lac, dial_number } => {
                word(lac.name.as_bytes());
                word(dial_number.as_bytes());
            }
            Request::Disconnect { lac } => word(lac.name.as_bytes()),
            Request::Hangup { call_id } => word(call_id.to_string().as_bytes()),
            Request::Tunnel { host } => word(host.as_bytes()),
            Request::AddLac { name, items } | Request::AddLns { name, items } => {
                word(name.as_bytes());
                let items: String = items
                    .0
                    .iter()
                    .map(|i| format!("{}={};", i.key, i.value))
                    .collect();
                word(items.as_bytes());
            }
            Request::RemoveLac { name }
            | Request::LnsStatus { name }
            | Request::RemoveLns { name } => word(name.as_bytes()),
            Request::LacStatus { name } => {
                if let Some(name) = name {
                    word(name.as_bytes());
                }
            }
            Request::Available => {}
        }
        out
    }

    /// Parses a command, the message without its `@PATH ` (see
    /// [`Message::parse`]) and without its newline.
    pub fn parse(text: &[u8]) -> Result<Request, ParseError> {
        if text.is_empty() {
            return Err(ParseError::Empty);
        }
        let (word, rest) = match text.iter().position(|&b| b == b' ') {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let command = Command::from_word(word).ok_or_else(|| ParseError::UnknownCommand {
            word: word.iter().copied().take(32).collect(),
        })?;
        let rest = rest.unwrap_or_default();
        let arg = |argument: Argument, problem: Problem| ParseError::Argument {
            command,
            argument,
            problem,
        };
        let mut words = rest.split(|&b| b == b' ').filter(|w| !w.is_empty());
        Ok(match command {
            Command::Connect => {
                let name = text_arg(words.next(), command, Argument::Name)?;
                let credentials = match words.next() {
                    None => None,
                    Some(user) => Some(Credentials {
                        user: text_arg(Some(user), command, Argument::User)?,
                        password: words.next().map(Secret::new),
                    }),
                };
                if words.next().is_some() {
                    return Err(arg(Argument::Password, Problem::Extra));
                }
                Request::Connect {
                    lac: LacRef { name },
                    credentials,
                }
            }
            Command::OutgoingCall => Request::OutgoingCall {
                lac: LacRef {
                    name: text_arg(words.next(), command, Argument::Name)?,
                },
                dial_number: text_arg(words.next(), command, Argument::DialNumber)?,
            },
            Command::Disconnect => Request::Disconnect {
                lac: LacRef {
                    name: text_arg(non_empty(rest), command, Argument::Name)?,
                },
            },
            Command::Hangup => {
                let digits = rest.trim_ascii();
                if digits.is_empty() {
                    return Err(arg(Argument::CallId, Problem::Missing));
                }
                let call_id =
                    parse_id(digits).ok_or_else(|| arg(Argument::CallId, Problem::NotAnId))?;
                Request::Hangup { call_id }
            }
            Command::Tunnel => {
                let host = text_arg(non_empty(rest), command, Argument::Host)?;
                if host.contains(' ') {
                    return Err(arg(Argument::Host, Problem::Space));
                }
                Request::Tunnel { host }
            }
            Command::AddLac | Command::AddLns => {
                let (name, items) = add_args(rest, command)?;
                if command == Command::AddLac {
                    Request::AddLac { name, items }
                } else {
                    Request::AddLns { name, items }
                }
            }
            Command::RemoveLac => Request::RemoveLac {
                name: text_arg(non_empty(rest), command, Argument::Name)?,
            },
            Command::LacStatus => Request::LacStatus {
                name: match non_empty(rest) {
                    None => None,
                    some => Some(text_arg(some, command, Argument::Name)?),
                },
            },
            Command::Available => Request::Available,
            Command::LnsStatus => Request::LnsStatus {
                name: text_arg(words.next(), command, Argument::Name)?,
            },
            Command::RemoveLns => Request::RemoveLns {
                name: text_arg(non_empty(rest), command, Argument::Name)?,
            },
        })
    }
}

/// Where a message asks for its answer: the file after `@`. xl2tpd opens
/// it with `fopen(path, "w")`, writes, closes and unlinks it;
/// `xl2tpd-control` makes it a FIFO, `/var/run/xl2tpd/xl2tpd-control-PID.out`,
/// and reads the answer from it. See `ControlPipe::reply` for how rppp
/// writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplyTarget(PathBuf);

impl ReplyTarget {
    /// The file's path: absolute.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

/// One message of the pipe: `[@PATH ]COMMAND [ARGUMENTS]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The result file the message names, if any; `None` also when the
    /// `@PATH` part itself is bad (the error is then in `request`).
    pub reply_to: Option<ReplyTarget>,
    /// The request, or why there is none.
    pub request: Result<Request, ParseError>,
}

impl Message {
    /// Parses one message (one line without its newline).
    ///
    /// A message that starts with `@` names its result file: the path runs
    /// to the first space and the command starts right after that space,
    /// as in xl2tpd. xl2tpd drops a message whose path is empty or has
    /// no command after it, silently; here that is a
    /// [`ParseError::ResultFile`]. The path must also be absolute (xl2tpd
    /// takes a relative one from its working directory).
    pub fn parse(line: &[u8]) -> Message {
        if line.len() > MAX_MESSAGE {
            return Message::too_long(line, line.len());
        }
        let Some(after) = line.strip_prefix(b"@") else {
            return Message {
                reply_to: None,
                request: Request::parse(line),
            };
        };
        let path_end = after.iter().position(|&b| b == b' ').unwrap_or(after.len());
        let (path, command) = (&after[..path_end], after.get(path_end + 1..));
        let problem = if path.is_empty() {
            Some(ResultFileProblem::Empty)
        } else if path[0] != b'/' {
            Some(ResultFileProblem::Relative)
        } else if path.contains(&0) {
            Some(ResultFileProblem::Nul)
        } else if command.is_none() {
            Some(ResultFileProblem::NoCommand)
        } else {
            None
        };
        match problem {
            Some(problem) => Message {
                reply_to: None,
                request: Err(ParseError::ResultFile { problem }),
            },
            None => Message {
                reply_to: Some(ReplyTarget(PathBuf::from(OsStr::from_bytes(path)))),
                request: Request::parse(command.unwrap_or_default()),
            },
        }
    }

    /// The message for a line that was longer than [`MAX_MESSAGE`], of
    /// which `head` is the start: its result file, when the head names
    /// one, gets the [`ParseError::TooLong`].
    pub fn too_long(head: &[u8], len: usize) -> Message {
        let head = &head[..head.len().min(MAX_MESSAGE)];
        let reply_to = match Message::parse(head) {
            Message {
                reply_to: Some(to), ..
            } => Some(to),
            _ => None,
        };
        Message {
            reply_to,
            request: Err(ParseError::TooLong { len }),
        }
    }
}

/// `Some(rest)` unless it is empty.
fn non_empty(rest: &[u8]) -> Option<&[u8]> {
    (!rest.is_empty()).then_some(rest)
}

/// A text argument: present, UTF-8, no control characters.
fn text_arg(
    bytes: Option<&[u8]>,
    command: Command,
    argument: Argument,
) -> Result<String, ParseError> {
    let problem = |problem| ParseError::Argument {
        command,
        argument,
        problem,
    };
    let bytes = bytes.ok_or(problem(Problem::Missing))?;
    let text = std::str::from_utf8(bytes).map_err(|_| problem(Problem::NotUtf8))?;
    if text.chars().any(|c| c.is_ascii_control()) {
        return Err(problem(Problem::ControlCharacter));
    }
    Ok(text.to_string())
}

/// A local tunnel or call id: decimal digits, 1 to 65535.
fn parse_id(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    u16::try_from(n).ok().filter(|&n| n != 0)
}

/// `a` and `z`: the name is the first word (`strtok`); the items are what
/// follows the byte after it, split on `;`, each `key=value` with blanks
/// (bytes up to the space) trimmed around key and value, as xl2tpd's
/// `parse_one_line`. Empty items are skipped (xl2tpd loops forever on an
/// item of blanks alone).
fn add_args(rest: &[u8], command: Command) -> Result<(String, ConfigItems), ParseError> {
    let start = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
    let rest = &rest[start..];
    let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let name = text_arg(non_empty(&rest[..end]), command, Argument::Name)?;
    if name.contains(['[', ']', ';']) {
        return Err(ParseError::Argument {
            command,
            argument: Argument::Name,
            problem: Problem::SectionSyntax,
        });
    }
    let items_text = rest.get(end + 1..).unwrap_or_default();
    let mut items = Vec::new();
    for (i, item) in items_text
        .split(|&b| b == b';')
        .map(trim_blanks)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        let argument = Argument::Item(i + 1);
        let problem = |problem| ParseError::Argument {
            command,
            argument,
            problem,
        };
        let eq = item
            .iter()
            .position(|&b| b == b'=')
            .ok_or(problem(Problem::NoEquals))?;
        let key = text_arg(Some(trim_blanks(&item[..eq])), command, argument)?;
        let value = text_arg(Some(trim_blanks(&item[eq + 1..])), command, argument)?;
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_'))
        {
            return Err(problem(Problem::BadKey));
        }
        items.push(ConfigItem { key, value });
    }
    Ok((name, ConfigItems(items)))
}

/// `s` without the blanks (bytes below 33, xl2tpd's `*s < 33`) at
/// either end.
fn trim_blanks(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b >= 33).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b >= 33).map_or(start, |e| e + 1);
    &s[start..end]
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
