//! A test's view of an [`Engine`]: one handle per session with that
//! session's own events, read from the engine's one stream and sorted by
//! [`SessionId`]. The sorting buffers without bound: for tests only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::super::{
    CloseReason, DataPath, Ended, Engine, EngineEvent, EngineEvents, Hooks, LinkOptions, SessionId,
    SessionStats, UnknownSession,
};
use crate::session::SessionConfig;

enum Slot {
    /// The session's handle reads here.
    Open(mpsc::UnboundedSender<EngineEvent>),
    /// Events that came before the handle was made.
    Early(Vec<EngineEvent>),
}

type Slots = Arc<Mutex<HashMap<SessionId, Slot>>>;

/// An engine without a kernel, whose sessions each get a
/// [`SessionHandle`].
#[derive(Clone)]
pub struct TestEngine {
    /// The engine itself.
    pub engine: Engine,
    slots: Slots,
}

impl TestEngine {
    /// [`Engine::without_kernel`], with its events sorted by session.
    pub fn new() -> TestEngine {
        Self::from_engine(Engine::without_kernel())
    }

    /// The same for an engine made elsewhere, with its stream.
    pub fn from_engine((engine, mut events): (Engine, EngineEvents)) -> TestEngine {
        let slots: Slots = Arc::default();
        let router = Arc::clone(&slots);
        tokio::spawn(async move {
            while let Some((id, event)) = events.next().await {
                let mut slots = router.lock().unwrap_or_else(|e| e.into_inner());
                match slots.entry(id).or_insert_with(|| Slot::Early(Vec::new())) {
                    Slot::Open(tx) => {
                        let _ = tx.send(event);
                    }
                    Slot::Early(v) => v.push(event),
                }
            }
        });
        TestEngine { engine, slots }
    }

    /// Limits the engine's negotiation window ([`Engine::negotiation_window`]).
    pub fn negotiation_window(self, sessions: Option<usize>) -> TestEngine {
        TestEngine {
            engine: self.engine.negotiation_window(sessions),
            slots: self.slots,
        }
    }

    /// The handle of a session already added to the engine.
    pub fn handle(&self, id: SessionId) -> SessionHandle {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Slot::Early(early)) = slots.remove(&id) {
            for event in early {
                let _ = tx.send(event);
            }
        }
        slots.insert(id, Slot::Open(tx));
        SessionHandle {
            id,
            engine: self.engine.clone(),
            events: rx,
            ended: None,
        }
    }

    /// Runs a session with no link options and no hooks.
    pub fn add_session<D: DataPath>(
        &self,
        dp: D,
        config: impl Into<Arc<SessionConfig>>,
    ) -> SessionHandle {
        self.add_session_with(dp, config, LinkOptions::default(), ())
    }

    /// Runs a session with link options and hooks.
    pub fn add_session_with<D: DataPath, H: Hooks>(
        &self,
        dp: D,
        config: impl Into<Arc<SessionConfig>>,
        link: LinkOptions,
        hooks: H,
    ) -> SessionHandle {
        let id = self.engine.add_session(dp, config, link, hooks);
        self.handle(id)
    }
}

impl Default for TestEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// One session of a [`TestEngine`].
pub struct SessionHandle {
    id: SessionId,
    engine: Engine,
    events: mpsc::UnboundedReceiver<EngineEvent>,
    /// The end, once read.
    ended: Option<Ended>,
}

impl SessionHandle {
    /// The session's id.
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// The next event; `None` after [`EngineEvent::Ended`].
    pub async fn next_event(&mut self) -> Option<EngineEvent> {
        let event = self.events.recv().await?;
        if let EngineEvent::Ended(ended) = &event {
            self.ended = Some(ended.clone());
            self.events.close();
        }
        Some(event)
    }

    /// Closes the session as on SIGTERM, without waiting.
    pub fn close(&self) {
        let _ = self.engine.close(self.id, CloseReason::UserRequest);
    }

    /// Sets new limits on the session ([`Engine::set_limits`]).
    ///
    /// # Errors
    /// [`UnknownSession`] once it is gone.
    pub fn set_limits(&self, limits: crate::driver::SessionLimits) -> Result<(), UnknownSession> {
        self.engine.set_limits(self.id, limits)
    }

    /// The session's figures.
    pub async fn stats(&self) -> Result<SessionStats, UnknownSession> {
        self.engine.stats(self.id).await
    }

    /// Waits for the session's end, from its events.
    pub async fn wait(mut self) -> Ended {
        if let Some(ended) = self.ended.take() {
            return ended;
        }
        while let Some(event) = self.events.recv().await {
            if let EngineEvent::Ended(ended) = event {
                return ended;
            }
        }
        panic!("session {} gave no Ended event", self.id);
    }
}
