//! The plugin's admission limits, read from openl2tpd's environment as
//! `RPPP_PLUGIN_DEBUG` is (openl2tpd has no configuration of its own
//! for them):
//!
//! - [`MAX_SESSIONS`] `=N`: PPP sessions at once, from 1;
//! - [`MAX_STARTING`] `=N`: PPP sessions negotiating at once (not yet in
//!   the Network phase), from 1;
//! - [`PEER_RATE`] `=R[/BURST]`: new sessions per second from one peer
//!   address (the tunnel's peer), R above 0, BURST from 1 (one second's
//!   worth by default).
//!
//! Unset or empty, a variable sets no limit. A bad value is logged once,
//! naming the variable, and that limit is off: a typo never stops
//! openl2tpd.

use std::ffi::OsString;
use std::fmt;

use rppp::limits::{BadRate, LimitSettings, Rate};

/// PPP sessions at once.
pub(crate) const MAX_SESSIONS: &str = "RPPP_PLUGIN_MAX_SESSIONS";
/// PPP sessions negotiating at once.
pub(crate) const MAX_STARTING: &str = "RPPP_PLUGIN_MAX_STARTING";
/// New sessions per second from one peer address, and the burst.
pub(crate) const PEER_RATE: &str = "RPPP_PLUGIN_PEER_RATE";

/// A variable whose value cannot be read: that limit is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadValue {
    pub(crate) variable: &'static str,
    /// The value as given (lossily, when it is not UTF-8).
    pub(crate) value: String,
    pub(crate) why: Why,
}

/// What is wrong with a [`BadValue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// Not a whole number from 1.
    Count,
    /// Not `R[/BURST]`.
    Rate(BadRate),
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}: ", self.variable, self.value)?;
        match self.why {
            Why::Count => f.write_str("not a whole number from 1")?,
            Why::Rate(e) => write!(f, "{e}")?,
        }
        f.write_str("; that limit is off")
    }
}

impl std::error::Error for BadValue {}

/// The limits `get` (a variable's value by name) gives, and each bad
/// value.
pub(crate) fn read(get: impl Fn(&str) -> Option<OsString>) -> (LimitSettings, Vec<BadValue>) {
    let mut bad = Vec::new();
    let settings = LimitSettings {
        max_sessions: limit(&get, MAX_SESSIONS, count, &mut bad),
        max_starting: limit(&get, MAX_STARTING, count, &mut bad),
        per_peer: limit(&get, PEER_RATE, rate, &mut bad),
    };
    (settings, bad)
}

/// One variable: `None` when unset, empty or bad (and then in `bad`).
fn limit<T>(
    get: &impl Fn(&str) -> Option<OsString>,
    variable: &'static str,
    parse: fn(&str) -> Result<T, Why>,
    bad: &mut Vec<BadValue>,
) -> Option<T> {
    let value = get(variable)?.to_string_lossy().trim().to_owned();
    if value.is_empty() {
        return None;
    }
    match parse(&value) {
        Ok(v) => Some(v),
        Err(why) => {
            bad.push(BadValue {
                variable,
                value,
                why,
            });
            None
        }
    }
}

fn count(v: &str) -> Result<usize, Why> {
    v.parse().ok().filter(|&n| n >= 1).ok_or(Why::Count)
}

fn rate(v: &str) -> Result<Rate, Why> {
    Rate::parse(v).map_err(Why::Rate)
}

/// The limits in openl2tpd's environment; each bad value logged (once:
/// this runs once, at the plugin's init).
pub(crate) fn from_env() -> LimitSettings {
    let (settings, bad) = read(|name| std::env::var_os(name));
    for b in bad {
        tracing::warn!("rppp plugin: {b}");
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn nothing_set_is_no_limit() {
        assert_eq!(read(env(&[])), (LimitSettings::default(), vec![]));
        let empty = [(MAX_SESSIONS, ""), (MAX_STARTING, " "), (PEER_RATE, "")];
        assert_eq!(read(env(&empty)), (LimitSettings::default(), vec![]));
    }

    #[test]
    fn every_limit_is_read() {
        let (s, bad) = read(env(&[
            (MAX_SESSIONS, "1000"),
            (MAX_STARTING, " 50 "),
            (PEER_RATE, "10/20"),
        ]));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            s,
            LimitSettings {
                max_sessions: Some(1000),
                max_starting: Some(50),
                per_peer: Some(Rate {
                    per_second: 10.0,
                    burst: 20.0
                }),
            }
        );
        let (s, _) = read(env(&[(PEER_RATE, "0.5")]));
        assert_eq!(
            s.per_peer,
            Some(Rate {
                per_second: 0.5,
                burst: 1.0
            })
        );
    }

    #[test]
    fn a_bad_value_turns_its_limit_off_names_the_variable_and_spares_the_others() {
        let (s, bad) = read(env(&[
            (MAX_SESSIONS, "0"),
            (MAX_STARTING, "10"),
            (PEER_RATE, "fast"),
        ]));
        assert_eq!(s.max_sessions, None);
        assert_eq!(s.max_starting, Some(10));
        assert_eq!(s.per_peer, None);
        assert_eq!(bad.len(), 2);
        assert_eq!(
            bad[0].to_string(),
            "RPPP_PLUGIN_MAX_SESSIONS=\"0\": not a whole number from 1; that limit is off"
        );
        assert_eq!(bad[1].variable, PEER_RATE);
        assert_eq!(bad[1].why, Why::Rate(BadRate::PerSecond));
        for v in ["-1", "1.5", "many", "99999999999999999999999"] {
            let (s, bad) = read(env(&[(MAX_STARTING, v)]));
            assert_eq!((s.max_starting, bad.len()), (None, 1), "{v}");
        }
        let (_, bad) = read(env(&[(PEER_RATE, "5/0")]));
        assert!(bad[0]
            .to_string()
            .starts_with("RPPP_PLUGIN_PEER_RATE=\"5/0\": "));
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_bad_not_a_panic() {
        use std::os::unix::ffi::OsStringExt;
        let (s, bad) =
            read(|name| (name == MAX_SESSIONS).then(|| OsString::from_vec(vec![b'1', 0xff])));
        assert_eq!(s.max_sessions, None);
        assert_eq!(bad.len(), 1);
    }
}
