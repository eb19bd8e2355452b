//! Admission limits for new PPP sessions (and, in the L2TP daemon, new
//! tunnels), sans-IO, as accel-ppp offers them (`max-sessions`,
//! `max-starting`, a rate per peer):
//!
//! - `max_sessions`: PPP sessions running at once;
//! - `max_starting`: PPP sessions negotiating at once (not yet up): a
//!   reconnect storm is taken in waves instead of all at once;
//! - `per_peer`: new calls per second from one peer address (a token
//!   bucket, `burst` deep), so one LAC cannot crowd out the others; also
//!   applied to new tunnels.
//!
//! One implementation for every place rppp admits sessions; each says
//! no in its own protocol's words. In the L2TP daemon
//! ([`crate::l2tpd`]) a refused call gets a CDN with Result Code 4, "no
//! appropriate facilities, temporarily" (RFC 2661 section 4.4.2), and
//! Error Code 4, "insufficient resources"; a refused tunnel a StopCCN
//! with Result Code 2 and the same Error Code. In the openl2tpd plugin
//! the session's PPP never starts and openl2tpd closes the session (a
//! CDN). Each refusal is counted by reason ([`Limits::refused`]); the
//! log hears of them once per [`LOG_INTERVAL`] ([`Limits::take_log`]),
//! not once per attempt.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How often refusals are logged (with the count since the last line).
pub const LOG_INTERVAL: Duration = Duration::from_secs(10);

/// How many peers' buckets are kept before idle ones are forgotten.
const MAX_BUCKETS: usize = 4096;

/// The limits; `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LimitSettings {
    /// PPP sessions at once.
    pub max_sessions: Option<usize>,
    /// PPP sessions negotiating at once.
    pub max_starting: Option<usize>,
    /// New calls (and tunnels) per second from one peer, and the burst.
    pub per_peer: Option<Rate>,
}

/// A rate: `per_second` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Tokens added per second.
    pub per_second: f64,
    /// The bucket's depth.
    pub burst: f64,
}

impl Rate {
    /// The written form, `PER_SECOND[/BURST]`: new sessions per second
    /// (above 0), and the burst (from 1; by default one second's worth,
    /// at least 1).
    pub fn parse(v: &str) -> Result<Rate, BadRate> {
        let (r, b) = match v.split_once('/') {
            Some((r, b)) => (r, Some(b)),
            None => (v, None),
        };
        let per_second: f64 = r
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x > 0.0)
            .ok_or(BadRate::PerSecond)?;
        let burst = match b {
            Some(b) => b
                .trim()
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite() && *x >= 1.0)
                .ok_or(BadRate::Burst)?,
            None => per_second.max(1.0),
        };
        Ok(Rate { per_second, burst })
    }
}

impl std::str::FromStr for Rate {
    type Err = BadRate;

    fn from_str(v: &str) -> Result<Rate, BadRate> {
        Rate::parse(v)
    }
}

/// What is wrong with a written [`Rate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRate {
    /// The rate is not a number above 0.
    PerSecond,
    /// The burst is not a number from 1.
    Burst,
}

impl std::fmt::Display for BadRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BadRate::PerSecond => "PER_SECOND[/BURST]: the rate is not a number above 0",
            BadRate::Burst => "PER_SECOND[/BURST]: the burst is not a number from 1",
        })
    }
}

impl std::error::Error for BadRate {}

/// How many reasons there are.
const REASONS: usize = 4;

/// Why a call or tunnel was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refused {
    /// `max_sessions` reached.
    MaxSessions,
    /// `max_starting` reached.
    MaxStarting,
    /// The peer's rate exceeded.
    PeerRate,
    /// The daemon is shutting down (softly: it waits for the sessions it
    /// has, and takes no new ones).
    ShuttingDown,
}

impl Refused {
    /// Every reason, in counter order.
    pub const ALL: [Refused; REASONS] = [
        Refused::MaxSessions,
        Refused::MaxStarting,
        Refused::PeerRate,
        Refused::ShuttingDown,
    ];

    fn index(self) -> usize {
        match self {
            Refused::MaxSessions => 0,
            Refused::MaxStarting => 1,
            Refused::PeerRate => 2,
            Refused::ShuttingDown => 3,
        }
    }

    /// The reason's name in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Refused::MaxSessions => "max_sessions",
            Refused::MaxStarting => "max_starting",
            Refused::PeerRate => "peer_rate",
            Refused::ShuttingDown => "shutting_down",
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::MaxSessions => "max-sessions reached",
            Refused::MaxStarting => "max-starting reached",
            Refused::PeerRate => "the peer's rate limit exceeded",
            Refused::ShuttingDown => "shutting down",
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The limits and their counters.
#[derive(Debug, Clone)]
pub struct Limits {
    settings: LimitSettings,
    buckets: HashMap<IpAddr, Bucket>,
    refused: [u64; REASONS],
    unlogged: [u64; REASONS],
    logged_at: Option<Instant>,
}

impl Limits {
    /// With these settings, nothing refused yet.
    pub fn new(settings: LimitSettings) -> Limits {
        Limits {
            settings,
            buckets: HashMap::new(),
            refused: [0; REASONS],
            unlogged: [0; REASONS],
            logged_at: None,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &LimitSettings {
        &self.settings
    }

    /// A new call from `peer` at `now`, with `sessions` PPP sessions
    /// running of which `starting` are negotiating: admitted (and the
    /// peer's bucket charged), or why not (and counted).
    pub fn admit_call(
        &mut self,
        now: Instant,
        peer: IpAddr,
        sessions: usize,
        starting: usize,
    ) -> Result<(), Refused> {
        let s = self.settings;
        let refused = if s.max_sessions.is_some_and(|m| sessions >= m) {
            Some(Refused::MaxSessions)
        } else if s.max_starting.is_some_and(|m| starting >= m) {
            Some(Refused::MaxStarting)
        } else if !self.take_token(now, peer) {
            Some(Refused::PeerRate)
        } else {
            None
        };
        self.count(refused)
    }

    /// A new tunnel from `peer` at `now`: the peer's rate only.
    pub fn admit_tunnel(&mut self, now: Instant, peer: IpAddr) -> Result<(), Refused> {
        let refused = (!self.take_token(now, peer)).then_some(Refused::PeerRate);
        self.count(refused)
    }

    /// Counts a refusal for a reason that is not a limit (e.g.
    /// [`Refused::ShuttingDown`]); it is logged as the others are.
    pub fn refuse(&mut self, reason: Refused) -> Refused {
        let _ = self.count(Some(reason));
        reason
    }

    fn count(&mut self, refused: Option<Refused>) -> Result<(), Refused> {
        match refused {
            None => Ok(()),
            Some(r) => {
                self.refused[r.index()] += 1;
                self.unlogged[r.index()] += 1;
                Err(r)
            }
        }
    }

    fn take_token(&mut self, now: Instant, peer: IpAddr) -> bool {
        let Some(rate) = self.settings.per_peer else {
            return true;
        };
        if self.buckets.len() >= MAX_BUCKETS && !self.buckets.contains_key(&peer) {
            // Forget the peers whose buckets are full again: they are
            // idle, and a fresh bucket is full too.
            self.buckets.retain(|_, b| {
                let secs = now.saturating_duration_since(b.at).as_secs_f64();
                b.tokens + secs * rate.per_second < rate.burst
            });
        }
        let b = self.buckets.entry(peer).or_insert(Bucket {
            tokens: rate.burst,
            at: now,
        });
        let secs = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + secs * rate.per_second).min(rate.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Refusals since the start, by reason.
    pub fn refused(&self, reason: Refused) -> u64 {
        self.refused[reason.index()]
    }

    /// The refusals not logged yet, once [`LOG_INTERVAL`] has passed
    /// since the last line: `(reason, count)` for each reason with some.
    pub fn take_log(&mut self, now: Instant) -> Vec<(Refused, u64)> {
        if self.unlogged == [0; REASONS]
            || self
                .logged_at
                .is_some_and(|t| now.saturating_duration_since(t) < LOG_INTERVAL)
        {
            return Vec::new();
        }
        self.logged_at = Some(now);
        let out = Refused::ALL
            .into_iter()
            .filter(|r| self.unlogged[r.index()] > 0)
            .map(|r| (r, self.unlogged[r.index()]))
            .collect();
        self.unlogged = [0; REASONS];
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn rates_are_read_with_their_burst_or_a_seconds_worth() {
        let r = |per_second, burst| Ok(Rate { per_second, burst });
        assert_eq!(Rate::parse("5"), r(5.0, 5.0));
        assert_eq!(Rate::parse("0.5"), r(0.5, 1.0));
        assert_eq!(Rate::parse("2/10"), r(2.0, 10.0));
        assert_eq!("2/10".parse::<Rate>(), r(2.0, 10.0));
        for bad in ["", "0", "-1", "x", "NaN", "inf", "/3"] {
            assert_eq!(Rate::parse(bad), Err(BadRate::PerSecond), "{bad}");
        }
        for bad in ["1/", "1/0.5", "1/x", "1/2/3"] {
            assert_eq!(Rate::parse(bad), Err(BadRate::Burst), "{bad}");
        }
    }

    #[test]
    fn no_limits_admit_everything() {
        let mut l = Limits::new(LimitSettings::default());
        let now = Instant::now();
        for n in 0..10_000 {
            assert_eq!(l.admit_call(now, PEER, n, n), Ok(()));
        }
    }

    #[test]
    fn a_refusal_that_is_no_limit_is_counted_and_logged_too() {
        let mut l = Limits::new(LimitSettings::default());
        let now = Instant::now();
        assert_eq!(l.refuse(Refused::ShuttingDown), Refused::ShuttingDown);
        assert_eq!(l.refuse(Refused::ShuttingDown), Refused::ShuttingDown);
        assert_eq!(l.refused(Refused::ShuttingDown), 2);
        assert_eq!(l.take_log(now), vec![(Refused::ShuttingDown, 2)]);
    }

    #[test]
    fn max_sessions_and_max_starting_refuse_and_count() {
        let mut l = Limits::new(LimitSettings {
            max_sessions: Some(100),
            max_starting: Some(10),
            per_peer: None,
        });
        let now = Instant::now();
        assert_eq!(l.admit_call(now, PEER, 99, 9), Ok(()));
        assert_eq!(l.admit_call(now, PEER, 100, 0), Err(Refused::MaxSessions));
        assert_eq!(l.admit_call(now, PEER, 50, 10), Err(Refused::MaxStarting));
        assert_eq!(l.refused(Refused::MaxSessions), 1);
        assert_eq!(l.refused(Refused::MaxStarting), 1);
    }

    #[test]
    fn a_peer_gets_its_burst_then_its_rate_and_others_are_not_charged() {
        let mut l = Limits::new(LimitSettings {
            per_peer: Some(Rate {
                per_second: 2.0,
                burst: 5.0,
            }),
            ..LimitSettings::default()
        });
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(l.admit_call(t0, PEER, 0, 0), Ok(()));
        }
        assert_eq!(l.admit_call(t0, PEER, 0, 0), Err(Refused::PeerRate));
        assert_eq!(l.admit_tunnel(t0, OTHER), Ok(()));
        // Half a second later: one more token.
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(l.admit_call(t1, PEER, 0, 0), Ok(()));
        assert_eq!(l.admit_call(t1, PEER, 0, 0), Err(Refused::PeerRate));
        assert_eq!(l.refused(Refused::PeerRate), 2);
    }

    #[test]
    fn refusals_are_logged_once_an_interval_with_their_count() {
        let mut l = Limits::new(LimitSettings {
            max_sessions: Some(0),
            ..LimitSettings::default()
        });
        let t0 = Instant::now();
        assert!(l.take_log(t0).is_empty());
        for _ in 0..1000 {
            let _ = l.admit_call(t0, PEER, 0, 0);
        }
        assert_eq!(l.take_log(t0), vec![(Refused::MaxSessions, 1000)]);
        let _ = l.admit_call(t0, PEER, 0, 0);
        assert!(l.take_log(t0 + Duration::from_secs(1)).is_empty());
        assert_eq!(
            l.take_log(t0 + LOG_INTERVAL),
            vec![(Refused::MaxSessions, 1)]
        );
    }

    #[test]
    fn idle_peers_are_forgotten_when_many() {
        let mut l = Limits::new(LimitSettings {
            per_peer: Some(Rate {
                per_second: 1.0,
                burst: 1.0,
            }),
            ..LimitSettings::default()
        });
        let t0 = Instant::now();
        for i in 0..(MAX_BUCKETS as u32 + 10) {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            let _ = l.admit_tunnel(t0 + Duration::from_secs(u64::from(i)), ip);
        }
        assert!(l.buckets.len() <= MAX_BUCKETS);
    }
}
