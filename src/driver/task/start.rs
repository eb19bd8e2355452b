//! What a session's task starts from, and how a session that never got
//! going ends.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::super::config::LinkOptions;
use super::super::end::{EndReason, Ended, SetupError};
use super::super::events::{EngineEvent, Outbox};
use super::super::hooks::Hooks;
use super::super::registry::Registry;
use super::super::signal::Signal;
use super::super::status::SessionId;
use crate::session::{IpcpAddresses, SessionConfig};

/// Everything a session's task needs but its data path.
pub(crate) struct Start<H> {
    pub(crate) id: SessionId,
    pub(crate) registry: Registry,
    pub(crate) outbox: Outbox,
    /// Wakes the task when the registry holds commands for it.
    pub(crate) commands: Arc<Signal>,
    pub(crate) config: Arc<SessionConfig>,
    /// The session's own addresses over `config`'s.
    pub(crate) addresses: IpcpAddresses,
    pub(crate) link: LinkOptions,
    pub(crate) hooks: H,
    /// The engine's negotiation window, until a slot is taken.
    pub(crate) window: Option<Arc<Semaphore>>,
    /// The session has left the registry.
    pub(crate) finished: bool,
    /// The span the task runs in: the session's context in the log.
    pub(crate) span: tracing::Span,
}

impl<H> Drop for Start<H> {
    /// A task that panicked or was cancelled still leaves the registry,
    /// and whoever waits for the session hears of it.
    fn drop(&mut self) {
        if !self.finished {
            let ended = Ended::new(EndReason::Setup(SetupError::TaskFailed));
            self.registry.remove(self.id, &ended);
        }
    }
}

impl<H: Hooks> Start<H> {
    /// Waits for a slot in the engine's negotiation window, once; the
    /// slot is held until the peer is heard from. `None` when the engine
    /// has no window, or the slot was taken already.
    pub(crate) async fn take_window(&mut self) -> Option<OwnedSemaphorePermit> {
        self.window.take()?.acquire_owned().await.ok()
    }

    /// Ends a session that never ran: nothing was set up.
    pub(crate) async fn fail(mut self, reason: EndReason) {
        let ended = Ended::new(reason);
        tracing::error!("{}", ended.reason);
        self.hooks.finish(&ended).await;
        self.finish(ended).await;
    }

    /// The session's last act: it leaves the registry, its waiters hear
    /// how it ended, and `Ended` follows its other events on the stream.
    pub(crate) async fn finish(mut self, ended: Ended) {
        self.registry.remove(self.id, &ended);
        self.finished = true;
        self.hooks.on_event(&EngineEvent::Ended(ended.clone()));
        self.outbox.push(EngineEvent::Ended(ended));
        self.outbox.close().await;
    }
}
