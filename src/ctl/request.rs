//! A control request: one line of words, as an operator types them after
//! `rppp ctl` (accel-cmd's shape), parsed into a typed [`Request`]. Every
//! mistake is a [`RequestError`] that says which word and why.

use std::fmt;
use std::net::Ipv4Addr;

use crate::driver::SessionId;

use super::table::{Column, Filter};

/// What an operator asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `show sessions [COLUMNS...] [user=U] [ifname=I] [ip=A] [tunnel=T]
    /// [sort=COLUMN] [--json]`.
    ShowSessions {
        /// Which columns, in order (all by default).
        columns: Vec<Column>,
        /// Which sessions.
        filter: Filter,
        /// The column to sort by (the session id by default).
        sort: Option<Column>,
        /// JSON instead of an aligned table.
        json: bool,
    },
    /// `show session ID [--json]`: everything the engine knows of one.
    ShowSession {
        /// The session.
        id: SessionId,
        /// JSON instead of text.
        json: bool,
    },
    /// `show stat [--json]`: the engine's counters.
    ShowStat {
        /// JSON instead of text.
        json: bool,
    },
    /// `terminate (id ID | user U | ifname I | ip A | tunnel T | all)
    /// [--hard]`: Terminate-Request (soft), or at once (`--hard`).
    Terminate {
        /// Which sessions.
        filter: Filter,
        /// Skip the Terminate-Request handshake.
        hard: bool,
    },
    /// `shutdown [--soft]`: accept no more sessions and exit once every
    /// session has ended; without `--soft` every session is closed
    /// (Terminate-Request) at once, as on SIGTERM; with it, they run until
    /// they end by themselves or are terminated (accel-cmd's `shutdown
    /// soft`).
    Shutdown {
        /// Wait for the sessions instead of closing them.
        soft: bool,
    },
    /// `show tunnels [--json]`: the L2TP daemon's tunnels.
    ShowTunnels {
        /// JSON instead of an aligned table.
        json: bool,
    },
    /// `reload`: the L2TP daemon re-reads its configuration files; what
    /// runs stays up, and a file with an error changes nothing.
    Reload,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// Nothing was asked.
    Empty,
    /// The first words name no command.
    UnknownCommand(String),
    /// A word the command does not take.
    UnexpectedWord(String),
    /// A word that needs a value has none, or a bad one.
    BadValue {
        /// The word.
        word: String,
        /// What was expected.
        expected: &'static str,
    },
    /// `terminate` without saying which sessions.
    NoTarget,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Empty => f.write_str("no command; try 'show sessions'"),
            RequestError::UnknownCommand(c) => write!(
                f,
                "unknown command '{c}'; commands: show sessions, show session ID, show stat, \
                 terminate, show tunnels, reload, shutdown [--soft]"
            ),
            RequestError::UnexpectedWord(w) => write!(f, "unexpected '{w}'"),
            RequestError::BadValue { word, expected } => {
                write!(f, "'{word}': expected {expected}")
            }
            RequestError::NoTarget => f.write_str(
                "terminate what? id ID, user NAME, ifname NAME, ip ADDRESS, tunnel ID or all",
            ),
        }
    }
}

impl std::error::Error for RequestError {}

impl Request {
    /// Parses one request line.
    pub fn parse(line: &str) -> Result<Request, RequestError> {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => Err(RequestError::Empty),
            ["show", "sessions", rest @ ..] => show_sessions(rest),
            ["show", "session", id, rest @ ..] => Ok(Request::ShowSession {
                id: session_id(id)?,
                json: json_only(rest)?,
            }),
            ["show", "stat", rest @ ..] => Ok(Request::ShowStat {
                json: json_only(rest)?,
            }),
            ["terminate", rest @ ..] => terminate(rest),
            ["show", "tunnels", rest @ ..] => Ok(Request::ShowTunnels {
                json: json_only(rest)?,
            }),
            ["reload"] => Ok(Request::Reload),
            ["reload", w, ..] => Err(RequestError::UnexpectedWord((*w).to_owned())),
            ["shutdown"] => Ok(Request::Shutdown { soft: false }),
            ["shutdown", "--soft"] => Ok(Request::Shutdown { soft: true }),
            ["shutdown", w, ..] => Err(RequestError::UnexpectedWord((*w).to_owned())),
            [first, ..] => Err(RequestError::UnknownCommand((*first).to_owned())),
        }
    }
}

fn json_only(rest: &[&str]) -> Result<bool, RequestError> {
    match rest {
        [] => Ok(false),
        ["--json"] => Ok(true),
        [w, ..] => Err(RequestError::UnexpectedWord((*w).to_owned())),
    }
}

fn session_id(word: &str) -> Result<SessionId, RequestError> {
    word.parse::<u64>()
        .ok()
        .and_then(SessionId::from_number)
        .ok_or(RequestError::BadValue {
            word: word.to_owned(),
            expected: "a session id (a number from 'show sessions')",
        })
}

fn bad(word: &str, expected: &'static str) -> RequestError {
    RequestError::BadValue {
        word: word.to_owned(),
        expected,
    }
}

/// Sets one filter criterion named `key` to `value`.
fn set_filter(filter: &mut Filter, key: &str, value: &str, word: &str) -> Result<(), RequestError> {
    match key {
        "user" => filter.user = Some(value.to_owned()),
        "ifname" => filter.ifname = Some(value.to_owned()),
        "ip" => {
            let ip = value.parse::<Ipv4Addr>();
            filter.ip = Some(ip.map_err(|_| bad(word, "an IPv4 address"))?);
        }
        "tunnel" => {
            let t = value.parse::<u16>();
            filter.tunnel = Some(t.map_err(|_| bad(word, "a tunnel id (0 to 65535)"))?);
        }
        "id" => filter.id = Some(session_id(value)?),
        _ => return Err(RequestError::UnexpectedWord(word.to_owned())),
    }
    Ok(())
}

fn show_sessions(rest: &[&str]) -> Result<Request, RequestError> {
    let (mut columns, mut filter, mut sort, mut json) =
        (Vec::new(), Filter::default(), None, false);
    for &word in rest {
        if word == "--json" {
            json = true;
        } else if let Some((key, value)) = word.split_once('=') {
            if key == "sort" {
                sort = Some(Column::parse(value).ok_or(bad(word, Column::NAMES))?);
            } else {
                set_filter(&mut filter, key, value, word)?;
            }
        } else {
            columns.push(Column::parse(word).ok_or(bad(word, Column::NAMES))?);
        }
    }
    if columns.is_empty() {
        columns = Column::ALL.to_vec();
    }
    Ok(Request::ShowSessions {
        columns,
        filter,
        sort,
        json,
    })
}

fn terminate(rest: &[&str]) -> Result<Request, RequestError> {
    let mut filter = Filter::default();
    let (mut hard, mut all, mut targeted) = (false, false, false);
    let mut words = rest.iter();
    while let Some(&word) = words.next() {
        match word {
            "--hard" => hard = true,
            "all" if !all => all = true,
            "id" | "user" | "ifname" | "ip" | "tunnel" => {
                let value = words.next().ok_or(bad(word, "a value after it"))?;
                set_filter(&mut filter, word, value, value)?;
                targeted = true;
            }
            _ => return Err(RequestError::UnexpectedWord(word.to_owned())),
        }
    }
    if all == targeted {
        return Err(RequestError::NoTarget);
    }
    Ok(Request::Terminate { filter, hard })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_as_an_operator_types_them() {
        assert_eq!(
            Request::parse("show sessions ifname ip sort=uptime user=bob --json"),
            Ok(Request::ShowSessions {
                columns: vec![Column::Ifname, Column::Ip],
                filter: Filter {
                    user: Some("bob".into()),
                    ..Filter::default()
                },
                sort: Some(Column::Uptime),
                json: true,
            })
        );
        assert!(matches!(
            Request::parse("terminate user bob --hard"),
            Ok(Request::Terminate { hard: true, .. })
        ));
        assert!(matches!(
            Request::parse("terminate all"),
            Ok(Request::Terminate { hard: false, .. })
        ));
        assert_eq!(
            Request::parse("shutdown --soft"),
            Ok(Request::Shutdown { soft: true })
        );
        assert_eq!(
            Request::parse("shutdown"),
            Ok(Request::Shutdown { soft: false })
        );
    }

    #[test]
    fn the_daemons_requests() {
        assert_eq!(
            Request::parse("show tunnels --json"),
            Ok(Request::ShowTunnels { json: true })
        );
        assert_eq!(Request::parse("reload"), Ok(Request::Reload));
        assert!(matches!(
            Request::parse("reload now"),
            Err(RequestError::UnexpectedWord(w)) if w == "now"
        ));
    }

    #[test]
    fn mistakes_name_the_word() {
        assert_eq!(Request::parse("  "), Err(RequestError::Empty));
        assert!(matches!(
            Request::parse("show session x"),
            Err(RequestError::BadValue { word, .. }) if word == "x"
        ));
        assert!(matches!(
            Request::parse("show sessions ip=300.1.1.1"),
            Err(RequestError::BadValue { word, .. }) if word == "ip=300.1.1.1"
        ));
        assert_eq!(Request::parse("terminate"), Err(RequestError::NoTarget));
        assert_eq!(
            Request::parse("terminate all user bob"),
            Err(RequestError::NoTarget)
        );
        assert!(matches!(
            Request::parse("terminate all all"),
            Err(RequestError::UnexpectedWord(w)) if w == "all"
        ));
        assert!(matches!(
            Request::parse("terminate user"),
            Err(RequestError::BadValue { .. })
        ));
        assert!(matches!(
            Request::parse("shutdown --hard"),
            Err(RequestError::UnexpectedWord(w)) if w == "--hard"
        ));
        assert!(matches!(
            Request::parse("frobnicate"),
            Err(RequestError::UnknownCommand(c)) if c == "frobnicate"
        ));
        assert!(matches!(
            Request::parse("show sessions colour"),
            Err(RequestError::BadValue { .. })
        ));
        assert!(matches!(
            Request::parse("show session 0"),
            Err(RequestError::BadValue { .. })
        ));
    }
}
