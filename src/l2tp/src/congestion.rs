//! The control channel's congestion window (RFC 2661 appendix A).
//!
//! Section 5.8 lets a sender have as many messages in flight as the peer's
//! Receive Window Size; appendix A adds slow start and congestion avoidance
//! so that a loss does not make the sender repeat a whole window at once.
//! A connection starts with the whole window open (section 5.8's limit
//! alone); once a retransmission timeout
//! shows a loss, the window closes to one message (CWND = 1, SSTHRESH =
//! half of what was in flight), grows by one for every acknowledged
//! message up to SSTHRESH (slow start), then by one per window's worth of
//! acknowledgements (congestion avoidance), never past the peer's window.

/// CWND and SSTHRESH of one control connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CongestionWindow {
    /// Messages that may be in flight; `u16::MAX` until the first loss.
    cwnd: u16,
    /// Where slow start gives way to congestion avoidance.
    ssthresh: u16,
    /// Acknowledgements counted towards the next increase in congestion
    /// avoidance.
    acked_in_avoidance: u16,
}

impl Default for CongestionWindow {
    fn default() -> Self {
        CongestionWindow {
            cwnd: u16::MAX,
            ssthresh: u16::MAX,
            acked_in_avoidance: 0,
        }
    }
}

impl CongestionWindow {
    /// How many messages may be in flight, given the peer's Receive Window
    /// Size.
    pub(crate) fn limit(&self, peer_window: u16) -> u16 {
        self.cwnd.min(peer_window).max(1)
    }

    /// A retransmission timeout with `in_flight` messages outstanding:
    /// SSTHRESH becomes half of them (at least one) and CWND one.
    pub(crate) fn on_timeout(&mut self, in_flight: usize) {
        let half = u16::try_from(in_flight / 2).unwrap_or(u16::MAX);
        self.ssthresh = half.max(1);
        self.cwnd = 1;
        self.acked_in_avoidance = 0;
    }

    /// The peer acknowledged `acked` messages.
    pub(crate) fn on_ack(&mut self, acked: usize, peer_window: u16) {
        for _ in 0..acked {
            if self.cwnd >= peer_window {
                // Fully open again.
                return;
            }
            if self.cwnd < self.ssthresh {
                self.cwnd += 1;
            } else {
                self.acked_in_avoidance += 1;
                if self.acked_in_avoidance >= self.cwnd {
                    self.acked_in_avoidance = 0;
                    self.cwnd += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_until_a_loss_then_slow_start_then_avoidance() {
        let mut w = CongestionWindow::default();
        assert_eq!(w.limit(16), 16);
        w.on_timeout(8);
        assert_eq!(w.limit(16), 1);
        // Slow start: one more per acknowledgement up to SSTHRESH = 4.
        w.on_ack(1, 16);
        assert_eq!(w.limit(16), 2);
        w.on_ack(2, 16);
        assert_eq!(w.limit(16), 4);
        // Congestion avoidance: one more per CWND acknowledgements.
        w.on_ack(3, 16);
        assert_eq!(w.limit(16), 4);
        w.on_ack(1, 16);
        assert_eq!(w.limit(16), 5);
        // Never past the peer's window.
        w.on_ack(1000, 6);
        assert_eq!(w.limit(6), 6);
    }

    #[test]
    fn a_loss_with_nothing_in_flight_still_allows_one() {
        let mut w = CongestionWindow::default();
        w.on_timeout(0);
        assert_eq!(w.limit(4), 1);
        assert_eq!(w.limit(0), 1);
    }
}
