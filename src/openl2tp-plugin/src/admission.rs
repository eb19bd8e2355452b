//! Whether a new session may start PPP: rppp's limits
//! ([`rppp::limits`], the ones `rppp l2tpd` applies) over the Engine's
//! sessions, decided on the engine's thread, where the count of running
//! and negotiating sessions is exact. A refused session never starts
//! PPP, and openl2tpd is told it failed, so it closes it (a CDN). The
//! refusals are counted by reason; the log hears of them once per
//! [`LOG_INTERVAL`] with their count, not once per attempt.

use std::net::IpAddr;
use std::time::Instant;

use rppp::driver::SessionTally;
pub(crate) use rppp::limits::LOG_INTERVAL;
use rppp::limits::{LimitSettings, Limits, Refused};

use crate::settings::{MAX_SESSIONS, MAX_STARTING, PEER_RATE};

/// The limits and their counters.
#[derive(Debug)]
pub(crate) struct Admission {
    limits: Limits,
}

impl Admission {
    pub(crate) fn new(settings: LimitSettings) -> Admission {
        Admission {
            limits: Limits::new(settings),
        }
    }

    /// A new session from `peer` (the tunnel's peer address) at `now`:
    /// admitted, or why not (and counted). `tally` is asked only when a
    /// limit needs the Engine's sessions.
    pub(crate) fn admit(
        &mut self,
        now: Instant,
        peer: IpAddr,
        tally: impl FnOnce() -> SessionTally,
    ) -> Result<(), Refused> {
        let s = self.limits.settings();
        let (sessions, starting) = if s.max_sessions.is_some() || s.max_starting.is_some() {
            let t = tally();
            let n = |x: u64| usize::try_from(x).unwrap_or(usize::MAX);
            (n(t.sessions), n(t.starting()))
        } else {
            (0, 0)
        };
        self.limits.admit_call(now, peer, sessions, starting)
    }

    /// Refusals since the plugin started, by reason. (The plugin has no
    /// metrics endpoint: only the tests read them.)
    #[cfg(test)]
    pub(crate) fn refused(&self, reason: Refused) -> u64 {
        self.limits.refused(reason)
    }

    /// The lines to log now: one per reason with refusals not logged
    /// yet, at most once per [`LOG_INTERVAL`].
    pub(crate) fn take_log(&mut self, now: Instant) -> Vec<String> {
        let s = *self.limits.settings();
        self.limits
            .take_log(now)
            .into_iter()
            .map(|(why, n)| {
                let setting = match why {
                    Refused::MaxSessions => s.max_sessions.map(|m| format!("{MAX_SESSIONS}={m}")),
                    Refused::MaxStarting => s.max_starting.map(|m| format!("{MAX_STARTING}={m}")),
                    Refused::PeerRate => s
                        .per_peer
                        .map(|r| format!("{PEER_RATE}={}/{}", r.per_second, r.burst)),
                    Refused::ShuttingDown => None,
                };
                match setting {
                    Some(setting) => {
                        format!("rppp plugin: refused {n} session(s): {why} ({setting})")
                    }
                    None => format!("rppp plugin: refused {n} session(s): {why}"),
                }
            })
            .collect()
    }

    /// What the log says at init: the limits in effect, if any.
    pub(crate) fn describe(&self) -> Option<String> {
        let s = self.limits.settings();
        let mut parts = Vec::new();
        if let Some(m) = s.max_sessions {
            parts.push(format!("max-sessions {m}"));
        }
        if let Some(m) = s.max_starting {
            parts.push(format!("max-starting {m}"));
        }
        if let Some(r) = s.per_peer {
            parts.push(format!(
                "{}/s per peer address, burst {}",
                r.per_second, r.burst
            ));
        }
        (!parts.is_empty()).then(|| format!("rppp plugin: limits: {}", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use rppp::limits::Rate;
    use rppp::session::Phase;

    use super::*;

    const PEER: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const OTHER: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    fn tally(phases: &[Phase]) -> SessionTally {
        // A session in the Network phase here has its network protocol up.
        SessionTally::count(phases.iter().map(|&p| (p, None, p == Phase::Network)))
    }

    #[test]
    fn no_limits_never_ask_for_the_tally() {
        let mut a = Admission::new(LimitSettings::default());
        for _ in 0..100 {
            assert_eq!(
                a.admit(Instant::now(), PEER, || panic!("tally asked")),
                Ok(())
            );
        }
        assert_eq!(a.describe(), None);
    }

    #[test]
    fn max_sessions_counts_every_engine_session() {
        let mut a = Admission::new(LimitSettings {
            max_sessions: Some(2),
            ..LimitSettings::default()
        });
        let now = Instant::now();
        assert_eq!(a.admit(now, PEER, || tally(&[Phase::Network])), Ok(()));
        let two = || tally(&[Phase::Network, Phase::Establish]);
        assert_eq!(a.admit(now, PEER, two), Err(Refused::MaxSessions));
        assert_eq!(a.refused(Refused::MaxSessions), 1);
        assert_eq!(
            a.take_log(now),
            vec![
                "rppp plugin: refused 1 session(s): max-sessions reached \
                  (RPPP_PLUGIN_MAX_SESSIONS=2)"
            ]
        );
    }

    #[test]
    fn max_starting_counts_the_sessions_not_yet_up() {
        let mut a = Admission::new(LimitSettings {
            max_starting: Some(2),
            ..LimitSettings::default()
        });
        let now = Instant::now();
        let up = || tally(&[Phase::Network, Phase::Network, Phase::Establish]);
        assert_eq!(a.admit(now, PEER, up), Ok(()));
        let negotiating = || tally(&[Phase::Network, Phase::Establish, Phase::Authenticate]);
        assert_eq!(a.admit(now, PEER, negotiating), Err(Refused::MaxStarting));
    }

    #[test]
    fn the_rate_is_per_peer_address_and_logged_once_an_interval() {
        let mut a = Admission::new(LimitSettings {
            per_peer: Some(Rate {
                per_second: 1.0,
                burst: 2.0,
            }),
            ..LimitSettings::default()
        });
        let t0 = Instant::now();
        let none = || panic!("the rate alone needs no tally");
        assert_eq!(a.admit(t0, PEER, none), Ok(()));
        assert_eq!(a.admit(t0, PEER, none), Ok(()));
        for _ in 0..50 {
            assert_eq!(a.admit(t0, PEER, none), Err(Refused::PeerRate));
        }
        assert_eq!(a.admit(t0, OTHER, none), Ok(()));
        assert_eq!(
            a.take_log(t0),
            vec![
                "rppp plugin: refused 50 session(s): the peer's rate limit exceeded \
                  (RPPP_PLUGIN_PEER_RATE=1/2)"
            ]
        );
        assert_eq!(a.admit(t0, PEER, none), Err(Refused::PeerRate));
        assert!(a.take_log(t0 + Duration::from_secs(1)).is_empty());
        assert_eq!(a.take_log(t0 + LOG_INTERVAL).len(), 1);
        assert_eq!(a.refused(Refused::PeerRate), 51);
        assert_eq!(
            a.describe().as_deref(),
            Some("rppp plugin: limits: 1/s per peer address, burst 2")
        );
    }
}
