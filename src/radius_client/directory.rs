//! The sessions RADIUS knows, by what a Disconnect-Request or CoA-Request
//! (RFC 5176 section 3) may name them with: Acct-Session-Id, User-Name,
//! Framed-IP-Address, NAS-Port, the station ids. [`RadiusHooks`] keep
//! their session's entry current; whoever adds the session to the engine
//! [`bind`](Directory::bind)s its [`SessionId`].
//!
//! [`RadiusHooks`]: super::RadiusHooks

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard};

use rppp_radius::dae::{SessionIdentity, SessionSelector};

use crate::driver::SessionId;

/// What a session is known by.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    pub(crate) id: Option<SessionId>,
    pub(crate) user: Vec<u8>,
    pub(crate) framed_ip: Option<Ipv4Addr>,
    pub(crate) nas_port: Option<u32>,
    pub(crate) calling: Option<String>,
    pub(crate) called: Option<String>,
}

/// See the module. Cheap to clone: one table shared.
#[derive(Debug, Clone, Default)]
pub struct Directory(Arc<Mutex<HashMap<String, Entry>>>);

impl Directory {
    /// An empty directory.
    pub fn new() -> Directory {
        Directory::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session with `acct_session_id` runs as `id` in the engine.
    pub fn bind(&self, acct_session_id: &str, id: SessionId) {
        if let Some(e) = self.lock().get_mut(acct_session_id) {
            e.id = Some(id);
        }
    }

    pub(crate) fn insert(&self, acct_session_id: &str, entry: Entry) {
        self.lock().insert(acct_session_id.to_string(), entry);
    }

    pub(crate) fn update(&self, acct_session_id: &str, f: impl FnOnce(&mut Entry)) {
        if let Some(e) = self.lock().get_mut(acct_session_id) {
            f(e);
        }
    }

    pub(crate) fn remove(&self, acct_session_id: &str) {
        self.lock().remove(acct_session_id);
    }

    /// The engine's sessions `selector` names.
    pub fn select(&self, selector: &SessionSelector) -> Vec<SessionId> {
        self.lock()
            .iter()
            .filter_map(|(acct, e)| {
                let identity = SessionIdentity {
                    acct_session_id: acct,
                    acct_multi_session_id: None,
                    user_name: &e.user,
                    framed_ip_address: e.framed_ip,
                    nas_port: e.nas_port,
                    calling_station_id: e.calling.as_deref().map(str::as_bytes),
                    called_station_id: e.called.as_deref().map(str::as_bytes),
                };
                selector.matches(&identity).then_some(e.id).flatten()
            })
            .collect()
    }

    /// How many sessions it knows.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it knows none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
