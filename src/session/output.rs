//! The session's outputs: the data-path actions, the frames to send (one
//! queue across the protocols, in the order they were made) and the
//! events, each given back to the allocator once the session settles.

use std::collections::VecDeque;

use rppp_ipcp::Ipv6cp;
use rppp_lcp::spare;

use super::{protocol, DataPathAction, Session, SessionEvent};

impl Session {
    /// The next thing to do to the kernel's data path.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<DataPathAction> {
        let action = self.actions.pop_front();
        if self.actions.is_empty() && self.actions.capacity() > 0 && self.settled {
            self.actions = VecDeque::new();
        }
        action
    }

    /// Appends the next frame's Information field to `out` and returns its
    /// protocol number; `None` when there is nothing to send. Frames come
    /// out in the order the protocols produced them, across protocols: a
    /// CHAP Failure before the LCP Terminate-Request it causes, an LCP
    /// Configure-Ack before the Challenge that follows LCP's opening.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> Option<u16> {
        let Some(header) = self
            .transmit
            .get(self.transmit_read..self.transmit_read + 4)
        else {
            if self.transmit.capacity() > 0 && self.settled {
                spare::give(&mut self.transmit);
            }
            return None;
        };
        let protocol = u16::from_be_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let start = self.transmit_read + 4;
        out.extend_from_slice(&self.transmit[start..start + len]);
        self.transmit_read = start + len;
        if self.transmit_read == self.transmit.len() {
            if self.settled {
                spare::give(&mut self.transmit);
            } else {
                self.transmit.clear();
            }
            self.transmit_read = 0;
        }
        Some(protocol)
    }

    /// Moves what each protocol has to send into the session's queue, LCP
    /// first. Called after every step that may have produced frames, so the
    /// queue keeps the order across protocols.
    #[inline]
    pub(super) fn collect_transmits(&mut self) {
        // Called after every reaction, mostly with nothing to collect.
        let v6 = self.ipv6cp.as_deref().is_some_and(Ipv6cp::has_transmit);
        if self.lcp.has_transmit() || self.auth.has_transmit() || self.ipcp.has_transmit() || v6 {
            self.collect_transmits_now();
        }
    }

    pub(super) fn collect_transmits_now(&mut self) {
        let mut queue = std::mem::take(&mut self.transmit);
        if self.lcp.has_transmit() {
            drain_into(&mut queue, |b| {
                self.lcp.poll_transmit(b).then_some(protocol::LCP)
            });
        }
        if self.auth.has_transmit() {
            drain_into(&mut queue, |b| self.auth.poll_transmit(b));
        }
        if self.ipcp.has_transmit() {
            drain_into(&mut queue, |b| {
                self.ipcp.poll_transmit(b).then_some(protocol::IPCP)
            });
        }
        if let Some(ipv6cp) = self.ipv6cp.as_deref_mut().filter(|v| v.has_transmit()) {
            drain_into(&mut queue, |b| {
                ipv6cp.poll_transmit(b).then_some(protocol::IPV6CP)
            });
        }
        self.transmit = queue;
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        let event = self.events.pop_front();
        if self.events.is_empty() && self.events.capacity() > 0 && self.settled {
            self.events = VecDeque::new();
        }
        event
    }
}

/// Appends `[protocol][length][information]` records to `queue` for every
/// frame `next` yields.
fn drain_into(queue: &mut Vec<u8>, mut next: impl FnMut(&mut Vec<u8>) -> Option<u16>) {
    if queue.capacity() == 0 {
        // Room for a negotiation's burst of frames in one allocation.
        spare::reserve(queue, 256);
    }
    loop {
        let at = queue.len();
        queue.extend_from_slice(&[0; 4]);
        let Some(protocol) = next(queue) else {
            queue.truncate(at);
            return;
        };
        // A control packet is bounded by its own u16 Length field.
        let len = (queue.len() - at - 4) as u16;
        queue[at..at + 2].copy_from_slice(&protocol.to_be_bytes());
        queue[at + 2..at + 4].copy_from_slice(&len.to_be_bytes());
    }
}
