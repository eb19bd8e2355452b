//! A first-in first-out queue of a protocol's outputs (events) that holds
//! one item without allocating.
//!
//! A protocol reports an event or two per input and its owner drains them
//! after each one, so a queue that keeps its first item inline allocates
//! only when a second waits behind it; and it gives that memory back once
//! drained, so thousands of established sessions keep no empty buffers.

use std::collections::VecDeque;

/// A FIFO queue with room for one item inline.
#[derive(Debug, Clone)]
pub struct Queue<T> {
    /// The oldest item; `None` only when the queue is empty.
    first: Option<T>,
    /// The items behind it, in order.
    rest: VecDeque<T>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            first: None,
            rest: VecDeque::new(),
        }
    }
}

impl<T> Queue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `item` at the back.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.first.is_none() {
            self.first = Some(item);
        } else {
            self.rest.push_back(item);
        }
    }

    /// Takes the front item. The allocation behind the first item is
    /// given back once the queue is drained.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        // Polled after every input, mostly empty: answer that without
        // moving an item out and back.
        self.first.as_ref()?;
        let item = self.first.take()?;
        self.first = self.rest.pop_front();
        if self.first.is_none() && self.rest.capacity() > 0 {
            self.rest = VecDeque::new();
        }
        Some(item)
    }

    /// Whether nothing waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// How many items wait.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    /// The waiting items, front first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(self.rest.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_leave_in_the_order_they_came() {
        let mut q = Queue::new();
        assert!(q.is_empty());
        for i in 0..5 {
            q.push(i);
        }
        assert_eq!(q.len(), 5);
        assert_eq!(q.iter().copied().collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!(q.pop(), Some(0));
        q.push(5);
        let mut out = Vec::new();
        while let Some(i) = q.pop() {
            out.push(i);
        }
        assert_eq!(out, [1, 2, 3, 4, 5]);
        assert!(q.is_empty());
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn one_item_needs_no_allocation_and_a_drained_queue_keeps_none() {
        let mut q = Queue::new();
        q.push(1);
        assert_eq!(q.rest.capacity(), 0);
        q.push(2);
        assert!(q.rest.capacity() > 0);
        assert_eq!(q.pop(), Some(1));
        assert_eq!(q.pop(), Some(2));
        assert_eq!(q.rest.capacity(), 0);
        assert_eq!(q.pop(), None);
    }
}
