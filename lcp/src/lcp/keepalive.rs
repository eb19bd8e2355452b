//! The LCP echo keepalive (RFC 1661 section 5.8; pppd's `lcp-echo-interval`
//! and `lcp-echo-failure`).
//!
//! While LCP is Opened, an Echo-Request goes out every interval. Any valid
//! Echo-Reply clears the count of unanswered ones; when an interval ends
//! with `failure` of them unanswered, the peer is dead.

use std::time::{Duration, Instant};

/// What the keepalive wants done when its timer runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeepaliveAction {
    /// Send an Echo-Request.
    SendEcho,
    /// The peer has not answered this many Echo-Requests.
    PeerDead(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keepalive {
    interval: Option<Duration>,
    failure: u32,
    pending: u32,
    next: Option<Instant>,
    /// Started since LCP last came up: a dead peer is not watched again
    /// until LCP goes down and up.
    started: bool,
    disabled: bool,
}

impl Keepalive {
    pub(super) fn new(interval: Option<Duration>, failure: u32) -> Keepalive {
        let interval = interval.filter(|i| !i.is_zero());
        Keepalive {
            interval,
            failure,
            pending: 0,
            next: None,
            started: false,
            disabled: false,
        }
    }

    /// LCP is Opened: start, unless already running.
    pub(super) fn start(&mut self, now: Instant) {
        if let (Some(interval), false, false) = (self.interval, self.started, self.disabled) {
            self.started = true;
            self.pending = 0;
            self.next = Some(now + interval);
        }
    }

    /// LCP left Opened.
    pub(super) fn stop(&mut self) {
        self.started = false;
        self.next = None;
        self.pending = 0;
    }

    /// The peer Code-Rejected Echo-Request: never send another.
    pub(super) fn disable(&mut self) {
        self.disabled = true;
        self.next = None;
    }

    pub(super) fn reply_received(&mut self) {
        self.pending = 0;
    }

    pub(super) fn deadline(&self) -> Option<Instant> {
        self.next
    }

    /// The timer ran out at `now`; early calls do nothing.
    pub(super) fn on_timeout(&mut self, now: Instant) -> Option<KeepaliveAction> {
        let (Some(next), Some(interval)) = (self.next, self.interval) else {
            return None;
        };
        if now < next {
            return None;
        }
        if self.failure > 0 && self.pending >= self.failure {
            self.next = None;
            return Some(KeepaliveAction::PeerDead(self.pending));
        }
        self.pending += 1;
        self.next = Some(now + interval);
        Some(KeepaliveAction::SendEcho)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declares_the_peer_dead_after_failure_unanswered_echoes() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut k = Keepalive::new(Some(10 * s), 3);
        k.start(t0);
        assert_eq!(k.deadline(), Some(t0 + 10 * s));
        assert_eq!(k.on_timeout(t0 + 5 * s), None, "early calls do nothing");
        for i in 1..=3 {
            assert_eq!(
                k.on_timeout(t0 + i * 10 * s),
                Some(KeepaliveAction::SendEcho)
            );
        }
        assert_eq!(
            k.on_timeout(t0 + 40 * s),
            Some(KeepaliveAction::PeerDead(3))
        );
        assert_eq!(k.deadline(), None);
    }

    #[test]
    fn a_reply_clears_the_count() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut k = Keepalive::new(Some(s), 2);
        k.start(t0);
        assert_eq!(k.on_timeout(t0 + s), Some(KeepaliveAction::SendEcho));
        assert_eq!(k.on_timeout(t0 + 2 * s), Some(KeepaliveAction::SendEcho));
        k.reply_received();
        assert_eq!(k.on_timeout(t0 + 3 * s), Some(KeepaliveAction::SendEcho));
        assert_eq!(k.on_timeout(t0 + 4 * s), Some(KeepaliveAction::SendEcho));
        assert_eq!(k.on_timeout(t0 + 5 * s), Some(KeepaliveAction::PeerDead(2)));
    }

    #[test]
    fn off_zero_and_disabled() {
        let t0 = Instant::now();
        for mut k in [
            Keepalive::new(None, 3),
            Keepalive::new(Some(Duration::ZERO), 3),
        ] {
            k.start(t0);
            assert_eq!(k.deadline(), None);
        }
        let mut k = Keepalive::new(Some(Duration::from_secs(1)), 0);
        k.start(t0);
        for i in 1..100 {
            let action = k.on_timeout(t0 + Duration::from_secs(i));
            assert_eq!(
                action,
                Some(KeepaliveAction::SendEcho),
                "failure 0 never declares death"
            );
        }
        k.disable();
        k.start(t0);
        assert_eq!(k.deadline(), None);
    }
}
