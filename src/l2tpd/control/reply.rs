//! The answers xl2tpd writes to a message's result file, as typed values
//! whose `Display` is the exact text: every line `NN TEXT\n`, `NN` the
//! result code in two digits (xl2tpd's `"%02i ..."`). `xl2tpd-control`
//! reads the code from the start of the file (`sscanf("%i")`) and exits
//! with it; it prints the whole text only with `-d`.
//!
//! Codes: 0 success, 1 error, 2 out of memory, 3 bad settings in `a` or
//! `z`. Status and listing answers are `00 OK` followed by one
//! `00 STATUS key=value` or `00 AVAILABLE ...` line per fact.

use core::fmt;
use std::net::SocketAddrV4;

use super::request::{Command, ParseError};

/// A whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `00 OK`.
    Ok,
    /// `00 OK: Saved value`: what `z` answers when it took the settings.
    Saved,
    /// `NN MESSAGE`, one line.
    Failed(Failure),
    /// `x`'s listing.
    Available(Available),
    /// `y`'s status of an LNS section's tunnels (and rppp's answer to
    /// `s`, see [`Request::LacStatus`](super::Request::LacStatus)).
    Status(Status),
}

impl Reply {
    /// The result code `xl2tpd-control` exits with.
    pub fn code(&self) -> u8 {
        match self {
            Reply::Failed(failure) => failure.code(),
            _ => 0,
        }
    }
}

impl From<Failure> for Reply {
    fn from(failure: Failure) -> Reply {
        Reply::Failed(failure)
    }
}

impl From<ParseError> for Reply {
    fn from(error: ParseError) -> Reply {
        Reply::Failed(Failure::BadRequest(error))
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Ok => writeln!(f, "00 OK"),
            Reply::Saved => writeln!(f, "00 OK: Saved value"),
            Reply::Failed(failure) => writeln!(f, "{failure}"),
            Reply::Available(available) => write!(f, "{available}"),
            Reply::Status(status) => write!(f, "{status}"),
        }
    }
}

/// A failed request: one line, its code and xl2tpd's message. Names are
/// written as given, with control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// `01 Error`: `c` or `o` on a tunnel id that has no tunnel, `t`
    /// when the tunnel cannot be started.
    Error,
    /// `01 No such tunnel 'NAME'`: `c`, `o`, `d` with a name that is
    /// neither a LAC section nor a number; `r`, `w` with an unknown name.
    NoSuchTunnel(String),
    /// `01 Session 'NAME' already active!`: `c`, `o` on a LAC that has a
    /// call.
    AlreadyActive(String),
    /// `01 Session 'NAME' not up`: `d` on a LAC without a tunnel.
    NotUp(String),
    /// `01 Error: Could not find lns`: `y` with an unknown name.
    NoSuchLns,
    /// `01 Error: Could not find lns and could not create it`: `z`.
    CannotCreateLns,
    /// `02 Could't create new lac: no memory` (sic): `a`.
    NoMemory,
    /// `03 Configuration parse error`: `a`, `z` with settings xl2tpd.conf
    /// would not take.
    BadSettings,
    /// `01 Unknown command WORD`; xl2tpd writes only the first byte.
    UnknownCommand(Vec<u8>),
    /// `01 Configuration parse error: lac-name expected`: `a` without a
    /// name.
    LacNameExpected,
    /// rppp: `01 Session 'NAME' already exists`: `a` on an existing LAC
    /// (xl2tpd answers nothing, and `xl2tpd-control` waits a second and
    /// exits with -3).
    AlreadyExists(String),
    /// rppp: `01 Command 'X' not supported`: a command xl2tpd has and
    /// rppp's daemon does not carry out.
    NotSupported(Command),
    /// rppp: `01 MESSAGE`: the message did not parse (xl2tpd answers only
    /// an unknown command; it crashes or guesses on the rest).
    BadRequest(ParseError),
}

impl Failure {
    /// The result code.
    pub fn code(&self) -> u8 {
        match self {
            Failure::NoMemory => 2,
            Failure::BadSettings => 3,
            _ => 1,
        }
    }
}

/// A name in an answer: control characters escaped, so that an answer
/// line stays one line.
struct Name<'a>(&'a str);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02} ", self.code())?;
        match self {
            Failure::Error => f.write_str("Error"),
            Failure::NoSuchTunnel(name) => write!(f, "No such tunnel '{}'", Name(name)),
            Failure::AlreadyActive(name) => {
                write!(f, "Session '{}' already active!", Name(name))
            }
            Failure::NotUp(name) => write!(f, "Session '{}' not up", Name(name)),
            Failure::NoSuchLns => f.write_str("Error: Could not find lns"),
            Failure::CannotCreateLns => {
                f.write_str("Error: Could not find lns and could not create it")
            }
            Failure::NoMemory => f.write_str("Could't create new lac: no memory"),
            Failure::BadSettings => f.write_str("Configuration parse error"),
            Failure::UnknownCommand(word) => {
                write!(f, "Unknown command {}", word.escape_ascii())
            }
            Failure::LacNameExpected => f.write_str("Configuration parse error: lac-name expected"),
            Failure::AlreadyExists(name) => {
                write!(f, "Session '{}' already exists", Name(name))
            }
            Failure::NotSupported(command) => write!(
                f,
                "Command '{}' not supported",
                char::from(command.letter())
            ),
            Failure::BadRequest(ParseError::UnknownCommand { word }) => {
                write!(f, "Unknown command {}", word.escape_ascii())
            }
            Failure::BadRequest(error) => write!(f, "{error}"),
        }
    }
}

/// `x`'s answer: `00 OK`, then the LNS sections (`[lns default]` last,
/// named `default`), their count, the LAC sections, their count, a line
/// per tunnel, the tunnel count and the call count, each line
/// `00 AVAILABLE ...`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Available {
    /// The LNS sections' names.
    pub lns: Vec<String>,
    /// The LAC sections' names.
    pub lac: Vec<String>,
    /// The tunnels.
    pub tunnels: Vec<AvailableTunnel>,
    /// How many calls (sessions) there are in all.
    pub calls: usize,
}

/// A tunnel in [`Available`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvailableTunnel {
    /// Our tunnel id.
    pub local_id: u16,
    /// The peer's tunnel id (0 until it has sent one).
    pub remote_id: u16,
    /// How many calls it carries.
    pub calls: usize,
}

impl fmt::Display for Available {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "00 OK")?;
        for (i, name) in self.lns.iter().enumerate() {
            writeln!(f, "00 AVAILABLE lns.{i}.name={}", Name(name))?;
        }
        writeln!(f, "00 AVAILABLE lns.count={}", self.lns.len())?;
        for (i, name) in self.lac.iter().enumerate() {
            writeln!(f, "00 AVAILABLE lac.{i}.name={}", Name(name))?;
        }
        writeln!(f, "00 AVAILABLE lac.count={}", self.lac.len())?;
        for t in &self.tunnels {
            // xl2tpd prints its struct's address where rppp prints the
            // local id: "tunnel %p, id %d, ourtid %d has %d calls and
            // self %p".
            writeln!(
                f,
                "00 AVAILABLE tunnel {}, id {}, ourtid {} has {} calls",
                t.local_id, t.remote_id, t.local_id, t.calls
            )?;
        }
        writeln!(f, "00 AVAILABLE tunnels count={}", self.tunnels.len())?;
        writeln!(f, "00 AVAILABLE calls count={}", self.calls)
    }
}

/// `y`'s answer: `00 OK`, then for each tunnel of the section its id,
/// its peer, and for each call its id and counters, then the counts, each
/// line `00 STATUS key=value`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// The tunnels.
    pub tunnels: Vec<TunnelStatus>,
}

/// A tunnel in [`Status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelStatus {
    /// The peer's tunnel id: xl2tpd prints its `tid`, the peer's, as
    /// `tunnels.N.id`.
    pub remote_id: u16,
    /// The peer's address and port.
    pub peer: SocketAddrV4,
    /// Its calls.
    pub calls: Vec<CallStatus>,
}

/// A call in [`TunnelStatus`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallStatus {
    /// Our call (session) id, the one `h` takes.
    pub local_id: u16,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Packets received.
    pub rx_packets: u64,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "00 OK")?;
        for (n, t) in self.tunnels.iter().enumerate() {
            writeln!(f, "00 STATUS tunnels.{n}.id={}", t.remote_id)?;
            writeln!(f, "00 STATUS tunnels.{n}.peer={}", t.peer)?;
            for (m, c) in t.calls.iter().enumerate() {
                let p = format!("00 STATUS tunnels.{n}.calls.{m}");
                writeln!(f, "{p}.id={}", c.local_id)?;
                writeln!(f, "{p}.tx_bytes={}", c.tx_bytes)?;
                writeln!(f, "{p}.rx_bytes={}", c.rx_bytes)?;
                writeln!(f, "{p}.tx_pkts={}", c.tx_packets)?;
                writeln!(f, "{p}.rx_pkts={}", c.rx_packets)?;
            }
            writeln!(f, "00 STATUS tunnels.{n}.calls.count={}", t.calls.len())?;
        }
        writeln!(f, "00 STATUS tunnels.count={}", self.tunnels.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::control::request::{Argument, Problem, Request};

    #[test]
    fn simple_answers() {
        assert_eq!(Reply::Ok.to_string(), "00 OK\n");
        assert_eq!(Reply::Saved.to_string(), "00 OK: Saved value\n");
        let cases: [(Failure, &str); 13] = [
            (Failure::Error, "01 Error\n"),
            (
                Failure::NoSuchTunnel("vpn".into()),
                "01 No such tunnel 'vpn'\n",
            ),
            (
                Failure::AlreadyActive("vpn".into()),
                "01 Session 'vpn' already active!\n",
            ),
            (Failure::NotUp("vpn".into()), "01 Session 'vpn' not up\n"),
            (Failure::NoSuchLns, "01 Error: Could not find lns\n"),
            (
                Failure::CannotCreateLns,
                "01 Error: Could not find lns and could not create it\n",
            ),
            (Failure::NoMemory, "02 Could't create new lac: no memory\n"),
            (Failure::BadSettings, "03 Configuration parse error\n"),
            (
                Failure::UnknownCommand(b"q".to_vec()),
                "01 Unknown command q\n",
            ),
            (
                Failure::LacNameExpected,
                "01 Configuration parse error: lac-name expected\n",
            ),
            (
                Failure::AlreadyExists("vpn".into()),
                "01 Session 'vpn' already exists\n",
            ),
            (
                Failure::NotSupported(Command::OutgoingCall),
                "01 Command 'o' not supported\n",
            ),
            (
                Failure::NoSuchTunnel("a\nb".into()),
                "01 No such tunnel 'a\\nb'\n",
            ),
        ];
        for (failure, text) in cases {
            let code = failure.code();
            let reply = Reply::from(failure);
            assert_eq!(reply.to_string(), text);
            assert_eq!(reply.code(), code);
            assert_eq!(text[..2].parse::<u8>().unwrap(), code);
        }
    }

    #[test]
    fn parse_errors_are_one_line_with_code_1() {
        for line in [&b"connect vpn"[..], b"c", b"h x", b"a v k", b"\xff\n"] {
            let reply = Reply::from(Request::parse(line).unwrap_err());
            let text = reply.to_string();
            assert!(text.starts_with("01 "), "{text}");
            assert_eq!(text.matches('\n').count(), 1, "{text}");
        }
        assert_eq!(
            Reply::from(Request::parse(b"connect vpn").unwrap_err()).to_string(),
            "01 Unknown command connect\n"
        );
        assert_eq!(
            Reply::from(ParseError::Argument {
                command: Command::Connect,
                argument: Argument::Name,
                problem: Problem::Missing
            })
            .to_string(),
            "01 command 'c' (connect-lac): name: missing\n"
        );
    }

    #[test]
    fn available() {
        let reply = Reply::Available(Available {
            lns: vec!["srv".into(), "default".into()],
            lac: vec!["vpn".into()],
            tunnels: vec![AvailableTunnel {
                local_id: 100,
                remote_id: 7,
                calls: 1,
            }],
            calls: 1,
        });
        assert_eq!(
            reply.to_string(),
            "00 OK\n\
             00 AVAILABLE lns.0.name=srv\n\
             00 AVAILABLE lns.1.name=default\n\
             00 AVAILABLE lns.count=2\n\
             00 AVAILABLE lac.0.name=vpn\n\
             00 AVAILABLE lac.count=1\n\
             00 AVAILABLE tunnel 100, id 7, ourtid 100 has 1 calls\n\
             00 AVAILABLE tunnels count=1\n\
             00 AVAILABLE calls count=1\n"
        );
        assert_eq!(
            Reply::Available(Available::default()).to_string(),
            "00 OK\n00 AVAILABLE lns.count=0\n00 AVAILABLE lac.count=0\n\
             00 AVAILABLE tunnels count=0\n00 AVAILABLE calls count=0\n"
        );
    }

    #[test]
    fn lns_status() {
        let reply = Reply::Status(Status {
            tunnels: vec![TunnelStatus {
                remote_id: 9,
                peer: "192.0.2.1:1701".parse().unwrap(),
                calls: vec![CallStatus {
                    local_id: 33,
                    tx_bytes: 1,
                    rx_bytes: 2,
                    tx_packets: 3,
                    rx_packets: 4,
                }],
            }],
        });
        assert_eq!(
            reply.to_string(),
            "00 OK\n\
             00 STATUS tunnels.0.id=9\n\
             00 STATUS tunnels.0.peer=192.0.2.1:1701\n\
             00 STATUS tunnels.0.calls.0.id=33\n\
             00 STATUS tunnels.0.calls.0.tx_bytes=1\n\
             00 STATUS tunnels.0.calls.0.rx_bytes=2\n\
             00 STATUS tunnels.0.calls.0.tx_pkts=3\n\
             00 STATUS tunnels.0.calls.0.rx_pkts=4\n\
             00 STATUS tunnels.0.calls.count=1\n\
             00 STATUS tunnels.count=1\n"
        );
        assert_eq!(reply.code(), 0);
    }
}
