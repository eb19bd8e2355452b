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
