//! Spare byte buffers, kept per thread for the next negotiation.
//!
//! A negotiation fills a handful of short-lived buffers (a protocol's
//! outbox, its last request and reply, a session's transmit queue) and a
//! settled session gives them back, so that an established link stays small.
//! A process that brings many sessions up would then allocate and free the
//! same few buffers for every session; instead, buffers given back here wait
//! for the next one that needs a buffer on this thread.
//!
//! The pool is bounded in count and in the size of what it keeps, so it
//! holds at most [`MAX_SPARE`] buffers of at most [`MAX_KEPT`] octets.

use std::cell::RefCell;

/// Buffers a thread keeps at most.
pub const MAX_SPARE: usize = 32;

/// The largest capacity kept; larger buffers are freed.
pub const MAX_KEPT: usize = 2048;

/// The smallest capacity handed out: a control packet of a negotiation
/// (a request with its options, a Nak, a Challenge) fits.
pub const MIN_CAPACITY: usize = 128;

thread_local! {
    static SPARE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// An empty buffer with room for at least `capacity` octets (and at least
/// [`MIN_CAPACITY`]), from the pool when it has one.
pub fn take(capacity: usize) -> Vec<u8> {
    let capacity = capacity.max(MIN_CAPACITY);
    let spare = SPARE
        .try_with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.pop()))
        .ok()
        .flatten();
    match spare {
        Some(mut buf) => {
            buf.clear();
            buf.reserve(capacity);
            buf
        }
        None => Vec::with_capacity(capacity),
    }
}

/// Makes sure `buf` has room for `additional` more octets, taking a pooled
/// buffer if it has none yet.
pub fn reserve(buf: &mut Vec<u8>, additional: usize) {
    if buf.capacity() == 0 {
        *buf = take(additional);
    } else {
        buf.reserve(additional);
    }
}

/// Gives `buf` back and leaves an empty, unallocated vector in its place.
pub fn give(buf: &mut Vec<u8>) {
    let buf = std::mem::take(buf);
    if !(MIN_CAPACITY..=MAX_KEPT).contains(&buf.capacity()) {
        return;
    }
    let _ = SPARE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            if s.len() < MAX_SPARE {
                if s.capacity() == 0 {
                    s.reserve_exact(MAX_SPARE);
                }
                s.push(buf);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_buffer_is_handed_out_again_empty() {
        let mut a = take(10);
        assert!(a.capacity() >= MIN_CAPACITY);
        a.extend_from_slice(b"secret-ish");
        let ptr = a.as_ptr();
        give(&mut a);
        assert_eq!(a.capacity(), 0, "the caller is left with nothing");
        let b = take(10);
        assert_eq!(b.as_ptr(), ptr, "the same allocation");
        assert!(b.is_empty());
    }

    #[test]
    fn the_pool_is_bounded_in_count_and_size() {
        // Drain what other tests on this thread left.
        while SPARE.with(|s| s.borrow().len()) > 0 {
            let _ = take(0);
        }
        let mut big = Vec::with_capacity(MAX_KEPT + 1);
        give(&mut big);
        let mut small = Vec::with_capacity(MIN_CAPACITY - 1);
        give(&mut small);
        assert_eq!(SPARE.with(|s| s.borrow().len()), 0);
        for _ in 0..MAX_SPARE + 5 {
            let mut b = Vec::with_capacity(MIN_CAPACITY);
            give(&mut b);
        }
        assert_eq!(SPARE.with(|s| s.borrow().len()), MAX_SPARE);
    }

    #[test]
    fn reserve_takes_from_the_pool_only_for_an_unallocated_buffer() {
        let mut a = Vec::new();
        reserve(&mut a, 300);
        assert!(a.capacity() >= 300);
        a.push(1);
        reserve(&mut a, 10);
        assert_eq!(a, [1]);
    }
}
