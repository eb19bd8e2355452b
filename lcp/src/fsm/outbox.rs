//! The automaton's queue of packets to send.

use crate::packet::{Repr, HEADER_LEN};
use crate::spare;

/// Packets waiting to be sent, back to back: each is delimited by its own
/// Length field.
#[derive(Debug, Default)]
pub(super) struct Outbox {
    bytes: Vec<u8>,
    read: usize,
}

impl Outbox {
    pub(super) fn push(&mut self, repr: &Repr<'_>) {
        // Room for a few packets at once: a negotiation sends a request and
        // a reply together.
        spare::reserve(&mut self.bytes, repr.buffer_len());
        repr.append_to(&mut self.bytes);
    }

    /// Moves the next packet to `out`. A drained outbox keeps its buffer
    /// while `busy` (a negotiation sends packet after packet) and gives it
    /// back otherwise: an Opened link sends rarely. (An outbox drained
    /// while busy is given back by `Fsm::fire` when the negotiation ends.)
    pub(super) fn pop_into(&mut self, out: &mut Vec<u8>, busy: bool) -> bool {
        let Some(header) = self.bytes.get(self.read..self.read + HEADER_LEN) else {
            return false;
        };
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        out.extend_from_slice(&self.bytes[self.read..self.read + len]);
        self.read += len;
        if self.read == self.bytes.len() {
            if busy {
                self.bytes.clear();
            } else {
                spare::give(&mut self.bytes);
            }
            self.read = 0;
        }
        true
    }

    pub(super) fn is_empty(&self) -> bool {
        self.read == self.bytes.len()
    }

    pub(super) fn release(&mut self) {
        spare::give(&mut self.bytes);
        self.read = 0;
    }
}
