//! pppd's `plugin radrealms.so`: the users of a realm (the part of the
//! name after its last `@`, `DEFAULT` for names without one) go to the
//! servers the realms file gives it, through a client of their own; the
//! session's accounting then goes where its authentication went (see
//! [`rppp_radius::config::realms`]).

use rppp_radius::config::realms::DEFAULT_REALM;
use rppp_radius::config::Realms;

use super::RadiusHandle;

/// The clients of the realms the realms file names.
#[derive(Debug, Clone, Default)]
pub struct RealmHandles {
    by_realm: Vec<(String, RadiusHandle)>,
}

impl RealmHandles {
    /// No realms yet.
    pub fn new() -> RealmHandles {
        RealmHandles::default()
    }

    /// Users of `realm` (`DEFAULT`: names without one) go through `handle`.
    pub fn insert(&mut self, realm: String, handle: RadiusHandle) {
        self.by_realm.push((realm, handle));
    }

    /// The realm of `user` and its client, when the realms file names
    /// that realm; `None`: radiusclient.conf's servers.
    pub fn for_user(&self, user: &str) -> Option<(&str, &RadiusHandle)> {
        let realm = Realms::realm_of(user).unwrap_or(DEFAULT_REALM);
        self.by_realm
            .iter()
            .find(|(r, _)| r == realm)
            .map(|(r, h)| (r.as_str(), h))
    }
}
