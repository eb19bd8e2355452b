//! A wake-up flag for one task: raised by anyone, taken by the task that
//! polls it. Unlike `tokio::sync::Notify`, waiting needs no future (the
//! waker is kept here), so a session's task waits on it from a plain
//! poll function and keeps no waiter node in its future for its whole
//! life; a raise while nobody waits is kept until taken.

use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures_util::task::AtomicWaker;

/// See the module.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    raised: AtomicBool,
    waker: AtomicWaker,
}

impl Signal {
    /// Raises the flag and wakes the task waiting on it, if any.
    pub(crate) fn raise(&self) {
        self.raised.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Takes the flag if it is raised; otherwise the task is woken when it
    /// is.
    pub(crate) fn poll_take(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.raised.swap(false, Ordering::Acquire) {
            return Poll::Ready(());
        }
        self.waker.register(cx.waker());
        // A raise between the swap and the register would have found no
        // waker: look again.
        if self.raised.swap(false, Ordering::Acquire) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_raise_before_the_wait_is_kept_and_taken_once() {
        let s = Signal::default();
        s.raise();
        std::future::poll_fn(|cx| s.poll_take(cx)).await;
        let again = std::future::poll_fn(|cx| Poll::Ready(s.poll_take(cx).is_ready())).await;
        assert!(!again, "the flag was taken");
    }

    #[tokio::test]
    async fn a_raise_from_another_task_wakes_the_waiter() {
        let s = Arc::new(Signal::default());
        let waiter = tokio::spawn({
            let s = Arc::clone(&s);
            async move { std::future::poll_fn(|cx| s.poll_take(cx)).await }
        });
        tokio::task::yield_now().await;
        s.raise();
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken")
            .expect("no panic");
    }
}
