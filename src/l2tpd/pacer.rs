//! Pacing a LAC's own calls, sans-IO: with `max_starting` set, a LAC
//! places new calls only while fewer than that many of its sessions are
//! being set up (an L2TP call not yet carrying PPP, or a PPP session not
//! yet in the Network phase). A hundred tunnels of a hundred calls each
//! then come up in waves the two kernels can take, instead of ten
//! thousand negotiations at once, most of which would time out and be
//! placed again.
//!
//! The dialer decides how many calls each tunnel should carry; what it
//! asks for is owed here, per tunnel, and [`CallPacer::take`] says which
//! to place now. A tunnel that goes down is forgotten (the dialer redials
//! it).

use std::collections::VecDeque;

/// Calls owed, oldest first.
#[derive(Debug, Default, Clone)]
pub struct CallPacer {
    owed: VecDeque<u16>,
}

impl CallPacer {
    /// `count` more calls on tunnel `tunnel_id`.
    pub fn owe(&mut self, tunnel_id: u16, count: u32) {
        self.owed
            .extend(std::iter::repeat_n(tunnel_id, count as usize));
    }

    /// Whether any call waits.
    pub fn is_empty(&self) -> bool {
        self.owed.is_empty()
    }

    /// How many calls wait.
    pub fn len(&self) -> usize {
        self.owed.len()
    }

    /// The tunnels to place a call on now (one entry per call), with
    /// `starting` sessions being set up and at most `max_starting` allowed
    /// (`None`: all of them).
    pub fn take(&mut self, starting: usize, max_starting: Option<usize>) -> Vec<u16> {
        let room = match max_starting {
            None => self.owed.len(),
            Some(max) => max.saturating_sub(starting).min(self.owed.len()),
        };
        self.owed.drain(..room).collect()
    }

    /// Tunnel `tunnel_id` went down: its calls are owed no more.
    pub fn forget(&mut self, tunnel_id: u16) {
        self.owed.retain(|&t| t != tunnel_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_limit_every_call_goes_at_once() {
        let mut p = CallPacer::default();
        p.owe(1, 3);
        p.owe(2, 2);
        assert_eq!(p.take(1_000, None), [1, 1, 1, 2, 2]);
        assert!(p.is_empty());
    }

    #[test]
    fn with_a_limit_calls_go_in_waves_oldest_first() {
        let mut p = CallPacer::default();
        p.owe(1, 100);
        p.owe(2, 100);
        assert_eq!(p.take(0, Some(50)).len(), 50);
        assert_eq!(p.take(50, Some(50)), Vec::<u16>::new());
        assert_eq!(p.take(45, Some(50)), [1; 5]);
        assert_eq!(p.len(), 145);
        // Past the limit (refusals elsewhere raised it): nothing, no panic.
        assert!(p.take(80, Some(50)).is_empty());
    }

    #[test]
    fn a_tunnel_that_went_down_is_owed_nothing() {
        let mut p = CallPacer::default();
        p.owe(1, 2);
        p.owe(2, 2);
        p.owe(1, 1);
        p.forget(1);
        assert_eq!(p.take(0, Some(10)), [2, 2]);
    }
}
