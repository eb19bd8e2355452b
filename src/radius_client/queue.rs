//! The accounting queue: records wait here for an Identifier and, during
//! an outage, for a server to answer again. Sans-IO: time is an argument.
//!
//! RFC 2866 section 2 has the client retransmit until it gets an
//! Accounting-Response; the client engine does so per server, and this
//! queue keeps a record past that, when no server answered at all. While
//! in outage one record at a time is tried, every retry interval; the
//! first answer ends the outage and the rest follow. Records keep their
//! order by the sequence they were handed in, and a late record carries
//! Acct-Delay-Time (RFC 2866 section 5.2) for the time it waited.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rppp_radius::client::Request;
use rppp_radius::AttributeType;

/// Accounting requests in flight at once, well below a server's 256
/// Identifiers so that Access-Requests are never starved.
pub(crate) const MAX_IN_FLIGHT: usize = 64;

/// One record waiting or in flight.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub(crate) seq: u64,
    pub(crate) request: Request,
    pub(crate) created: Instant,
}

impl Held {
    /// The request as sent at `now`: with Acct-Delay-Time once it has
    /// waited a whole second.
    pub(crate) fn request_at(&self, now: Instant) -> Request {
        let mut r = self.request.clone();
        let waited = now.saturating_duration_since(self.created).as_secs();
        if waited > 0 {
            r.add_u32(
                AttributeType::AcctDelayTime,
                u32::try_from(waited).unwrap_or(u32::MAX),
            );
        }
        r
    }
}

#[derive(Debug)]
pub(crate) struct AccountingQueue {
    held: VecDeque<Held>,
    limit: usize,
    retry: Duration,
    outage: bool,
    next_probe: Option<Instant>,
    pub(crate) dropped: u64,
}

impl AccountingQueue {
    pub(crate) fn new(limit: usize, retry: Duration) -> Self {
        AccountingQueue {
            held: VecDeque::new(),
            limit: limit.max(1),
            retry,
            outage: false,
            next_probe: None,
            dropped: 0,
        }
    }

    /// Queues a record in sequence order; when full the oldest goes.
    pub(crate) fn push(&mut self, h: Held) {
        let at = self.held.partition_point(|x| x.seq < h.seq);
        self.held.insert(at, h);
        while self.held.len() > self.limit {
            self.held.pop_front();
            self.dropped += 1;
        }
    }

    /// A server answered an accounting request: the outage is over.
    pub(crate) fn answered(&mut self) {
        self.outage = false;
        self.next_probe = None;
    }

    /// No server answered this record: hold it and probe later.
    pub(crate) fn unanswered(&mut self, h: Held, now: Instant) {
        self.outage = true;
        self.next_probe = Some(now + self.retry);
        self.push(h);
    }

    /// The next record to send, given the accounting requests in flight.
    pub(crate) fn next(&mut self, now: Instant, in_flight: usize) -> Option<Held> {
        if self.outage {
            if in_flight > 0 || self.next_probe.is_some_and(|t| now < t) {
                return None;
            }
            self.next_probe = Some(now + self.retry);
        } else if in_flight >= MAX_IN_FLIGHT {
            return None;
        }
        self.held.pop_front()
    }

    /// When a probe is due; none while a probe is in flight (its answer
    /// or failure wakes the caller instead).
    pub(crate) fn poll_timeout(&self, in_flight: usize) -> Option<Instant> {
        if self.outage && in_flight == 0 && !self.held.is_empty() {
            self.next_probe
        } else {
            None
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.held.len()
    }

    /// Empties the queue (the service stops); the records count as
    /// dropped.
    pub(crate) fn drop_all(&mut self) {
        self.dropped += self.held.len() as u64;
        self.held.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_radius::Code;

    fn held(seq: u64, at: Instant) -> Held {
        Held {
            seq,
            request: Request::new(Code::AccountingRequest),
            created: at,
        }
    }

    #[test]
    fn outage_probes_one_at_a_time_then_drains_in_order() {
        let t0 = Instant::now();
        let mut q = AccountingQueue::new(3, Duration::from_secs(5));
        q.push(held(1, t0));
        q.push(held(2, t0));
        assert_eq!(q.next(t0, 0).unwrap().seq, 1);
        // Record 1 went unanswered: held again, ahead of 2.
        q.unanswered(held(1, t0), t0);
        assert!(q.next(t0, 0).is_none());
        assert_eq!(q.poll_timeout(0), Some(t0 + Duration::from_secs(5)));
        assert_eq!(q.poll_timeout(1), None);
        let t1 = t0 + Duration::from_secs(5);
        let probe = q.next(t1, 0).unwrap();
        assert_eq!(probe.seq, 1);
        assert_eq!(
            probe.request_at(t1).get(AttributeType::AcctDelayTime),
            Some(&5u32.to_be_bytes()[..])
        );
        assert!(q.next(t1, 1).is_none());
        q.answered();
        assert_eq!(q.next(t1, 1).unwrap().seq, 2);
        // Full: the oldest is dropped.
        for s in 3..7 {
            q.push(held(s, t1));
        }
        assert_eq!((q.len(), q.dropped), (3, 1));
        q.drop_all();
        assert_eq!((q.len(), q.dropped), (0, 4));
    }
}
