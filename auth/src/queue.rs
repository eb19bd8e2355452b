//! Output queues that give their memory back once drained: an established
//! session keeps its authentication objects for the link's lifetime (to
//! answer re-challenges and repeated Responses), and thousands of them
//! should not each keep an empty queue's buffer.

use std::collections::VecDeque;

/// Pops the front; frees the buffer when that emptied the queue.
pub(crate) fn pop<T>(queue: &mut VecDeque<T>) -> Option<T> {
    let item = queue.pop_front();
    if queue.is_empty() && queue.capacity() > 0 {
        *queue = VecDeque::new();
    }
    item
}

/// Packets waiting to go out, named rather than copied. The CHAP objects
/// send only packets they also keep (the Challenge, for retransmission; the
/// answer to a Response and the last Response, for duplicates), so a queue
/// entry says which one. It holds up to `N` (a session drains it after
/// every input); [`push`](Self::push) refuses more.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending<T: Copy, const N: usize> {
    items: [Option<T>; N],
    len: usize,
}

impl<T: Copy, const N: usize> Default for Pending<T, N> {
    fn default() -> Self {
        Pending {
            items: [None; N],
            len: 0,
        }
    }
}

impl<T: Copy, const N: usize> Pending<T, N> {
    /// Queues `item`; false when the queue is full.
    #[must_use]
    /// Whether nothing waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn push(&mut self, item: T) -> bool {
        let Some(slot) = self.items.get_mut(self.len) else {
            return false;
        };
        *slot = Some(item);
        self.len += 1;
        true
    }

    /// The oldest entry.
    pub(crate) fn pop(&mut self) -> Option<T> {
        let first = self.items.first().copied().flatten()?;
        self.items.copy_within(1.., 0);
        if let Some(last) = self.items.last_mut() {
            *last = None;
        }
        self.len -= 1;
        Some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_keeps_order_and_refuses_beyond_its_room() {
        let mut queue = Pending::<u8, 2>::default();
        assert_eq!(queue.pop(), None);
        assert!(queue.push(1));
        assert!(queue.push(2));
        assert!(!queue.push(3));
        assert_eq!(queue.pop(), Some(1));
        assert!(queue.push(4));
        assert_eq!(queue.pop(), Some(2));
        assert_eq!(queue.pop(), Some(4));
        assert_eq!(queue.pop(), None);
    }
}
