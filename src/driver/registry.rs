//! The engine's registry: every running session by id, with the summary
//! it keeps current ([`SessionInfo`]), the way to reach its task, and who
//! waits for its end.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use rppp_lcp::AuthMethod;

use super::counters::{EngineCounters, SessionTally};
use super::end::{CloseReason, Ended};
use super::signal::Signal;
use super::status::{SessionId, SessionInfo, SessionStats};
use super::verify::SessionLimits;

/// What the engine asks of a session's task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Close: Terminate-Request unless `hard`, then end with `reason`.
    Close { reason: CloseReason, hard: bool },
    /// Answer with the session's figures.
    Stats(oneshot::Sender<SessionStats>),
    /// New limits (a CoA-Request).
    Limits(SessionLimits),
}

#[derive(Debug)]
struct Entry {
    info: SessionInfo,
    /// How the peer authenticated, once it has.
    auth: Option<AuthMethod>,
    /// How the peer is to authenticate, once LCP has opened: what its
    /// failure is counted under.
    peer_auth: Option<AuthMethod>,
    /// Commands not yet taken by the session's task, which `wake` wakes.
    /// (A channel per session would cost about a kilobyte each.)
    commands: Vec<Command>,
    wake: Arc<Signal>,
    waiters: Vec<oneshot::Sender<Ended>>,
}

#[derive(Debug, Default)]
struct Sessions {
    next: u64,
    /// Boxed entries: a table at 10,000 sessions has room for 16,384,
    /// and an empty slot then costs a pointer, not a whole entry.
    map: HashMap<SessionId, Box<Entry>>,
    /// Set by shutdown: sessions added from then on are closed at once.
    closing: bool,
    counters: EngineCounters,
}

/// Shared by the engine and every session task.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registry(Arc<Mutex<Sessions>>);

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Sessions> {
        // A panic while holding the lock leaves plain data behind: the
        // registry stays usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new session's id and what wakes its task when a command waits.
    pub(crate) fn add(&self) -> (SessionId, Arc<Signal>) {
        let wake = Arc::new(Signal::default());
        let mut commands = Vec::new();
        let mut s = self.lock();
        s.next += 1;
        s.counters.started += 1;
        let id = SessionId(s.next);
        if s.closing {
            commands.push(Command::Close {
                reason: CloseReason::Shutdown,
                hard: false,
            });
            wake.raise();
        }
        s.map.insert(
            id,
            Box::new(Entry {
                info: SessionInfo::new(id),
                auth: None,
                peer_auth: None,
                commands,
                wake: Arc::clone(&wake),
                waiters: Vec::new(),
            }),
        );
        (id, wake)
    }

    /// Changes a session's summary.
    pub(crate) fn update(&self, id: SessionId, f: impl FnOnce(&mut SessionInfo)) {
        if let Some(e) = self.lock().map.get_mut(&id) {
            f(&mut e.info);
        }
    }

    /// A network protocol came up: the first one ends the session's setup.
    pub(crate) fn network_up(&self, id: SessionId) {
        let mut s = self.lock();
        let Some(e) = s.map.get_mut(&id) else { return };
        if e.info.up_since.is_some() {
            return;
        }
        let now = std::time::Instant::now();
        e.info.up_since = Some(now);
        let took = now.saturating_duration_since(e.info.started);
        s.counters.count_setup(took);
    }

    /// The peer authenticated with `method`.
    pub(crate) fn auth_succeeded(&self, id: SessionId, method: Option<AuthMethod>) {
        let mut s = self.lock();
        s.counters.count_auth_success(method);
        if let Some(e) = s.map.get_mut(&id) {
            e.auth = method;
        }
    }

    /// The running sessions counted by phase and by how the peer
    /// authenticated: one pass under the lock, nothing cloned.
    pub(crate) fn tally(&self) -> SessionTally {
        let s = self.lock();
        SessionTally::count(
            s.map
                .values()
                .map(|e| (e.info.phase, e.auth, e.info.up_since.is_some())),
        )
    }

    /// The engine's counters.
    pub(crate) fn counters(&self) -> EngineCounters {
        self.lock().counters.clone()
    }

    pub(crate) fn info(&self, id: SessionId) -> Option<SessionInfo> {
        self.lock().map.get(&id).map(|e| e.info.clone())
    }

    pub(crate) fn infos(&self) -> Vec<SessionInfo> {
        let s = self.lock();
        let mut all: Vec<SessionInfo> = s.map.values().map(|e| e.info.clone()).collect();
        all.sort_by_key(|i| i.id);
        all
    }

    pub(crate) fn ids(&self) -> Vec<SessionId> {
        let s = self.lock();
        s.map.keys().copied().collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Sends `command` to a session; false if it is not there.
    pub(crate) fn send(&self, id: SessionId, command: Command) -> bool {
        let mut s = self.lock();
        let Some(e) = s.map.get_mut(&id) else {
            return false;
        };
        e.commands.push(command);
        e.wake.raise();
        true
    }

    /// The commands waiting for a session, oldest first.
    pub(crate) fn take_commands(&self, id: SessionId) -> Vec<Command> {
        self.lock()
            .map
            .get_mut(&id)
            .map(|e| std::mem::take(&mut e.commands))
            .unwrap_or_default()
    }

    /// Asks a session to close and registers a wait for its end; `None`
    /// if it is not there.
    pub(crate) fn close(
        &self,
        id: SessionId,
        reason: CloseReason,
        hard: bool,
    ) -> Option<oneshot::Receiver<Ended>> {
        let mut s = self.lock();
        let e = s.map.get_mut(&id)?;
        let (tx, rx) = oneshot::channel();
        e.waiters.push(tx);
        e.commands.push(Command::Close { reason, hard });
        e.wake.raise();
        Some(rx)
    }

    /// A wait for a session's end, without closing it.
    pub(crate) fn wait(&self, id: SessionId) -> Option<oneshot::Receiver<Ended>> {
        let mut s = self.lock();
        let e = s.map.get_mut(&id)?;
        let (tx, rx) = oneshot::channel();
        e.waiters.push(tx);
        Some(rx)
    }

    /// From now on every session added is closed at once.
    pub(crate) fn stop_accepting(&self) {
        self.lock().closing = true;
    }

    /// LCP opened: the peer is to authenticate with `peer_auth` (or not).
    pub(crate) fn link_up(&self, id: SessionId, peer_auth: Option<AuthMethod>) {
        if let Some(e) = self.lock().map.get_mut(&id) {
            e.peer_auth = peer_auth;
        }
    }

    /// The session ended: it leaves the registry, is counted (an
    /// authentication failure under the method LCP agreed), and its
    /// waiters hear how.
    pub(crate) fn remove(&self, id: SessionId, ended: &Ended) {
        let entry = {
            let mut s = self.lock();
            let entry = s.map.remove(&id);
            if let Some(e) = &entry {
                s.counters.count_end(&ended.reason, e.peer_auth);
            }
            entry
        };
        for w in entry.into_iter().flat_map(|e| e.waiters) {
            let _ = w.send(ended.clone());
        }
    }
}
