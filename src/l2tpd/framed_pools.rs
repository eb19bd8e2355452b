//! The daemon's address pools as RADIUS's Framed-Pool sees them (RFC 2869
//! section 5.18): pool NAME is the `ip range` of section `[lns NAME]`
//! (`default` for `[lns default]`). The peer's address moves there from
//! the one its section leased, which goes back; the session's end frees
//! the new one as it would have the old.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard};

use super::config::{AddressPool, PoolError, Ranges};

/// The pool of leased addresses, shared by the daemon and its sessions'
/// RADIUS.
#[derive(Debug, Clone, Default)]
pub struct SharedPool(Arc<Mutex<AddressPool<(u16, u16)>>>);

impl SharedPool {
    /// The pool, locked.
    pub fn lock(&self) -> MutexGuard<'_, AddressPool<(u16, u16)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One session's way into the pools; see the module.
#[derive(Debug)]
pub struct FramedPools {
    pub(super) pool: SharedPool,
    pub(super) ranges: Arc<HashMap<String, Ranges>>,
    pub(super) key: (u16, u16),
}

impl FramedPools {
    /// Moves the session's peer address into pool `name`.
    ///
    /// # Errors
    /// No such pool, none free there, or the session has no lease.
    pub fn move_to(&self, name: &str) -> Result<Ipv4Addr, MoveError> {
        let ranges = self.ranges.get(name).ok_or(MoveError::UnknownPool)?;
        self.pool
            .lock()
            .move_remote(&self.key, ranges)
            .map_err(MoveError::Pool)
    }
}

/// Why a peer's address stays where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveError {
    /// No `[lns NAME]` section.
    UnknownPool,
    /// The pool's answer.
    Pool(PoolError),
}

#[cfg(feature = "radius")]
impl crate::radius_client::FramedPools for FramedPools {
    fn lease_from(&self, name: &str) -> Result<Ipv4Addr, crate::radius_client::FramedPoolError> {
        use crate::radius_client::FramedPoolError as E;
        self.move_to(name).map_err(|e| match e {
            MoveError::UnknownPool => E::UnknownPool,
            MoveError::Pool(PoolError::NotLeased) => E::NoLease,
            MoveError::Pool(_) => E::Exhausted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::config::parse;

    #[test]
    fn a_sections_range_is_the_pool_of_its_name() {
        let config = parse(
            "x.conf",
            b"[lns default]\nip range = 10.0.0.10-10\nlocal ip = 10.0.0.1\n\
              [lns gold]\nlac = 192.0.2.250\nip range = 10.9.0.5-5\n",
        )
        .unwrap();
        let pool = SharedPool::default();
        let default = config.lns_default.as_ref().unwrap();
        pool.lock().allocate((1, 1), default).unwrap();
        let ranges: HashMap<String, Ranges> = config
            .lns_default
            .iter()
            .chain(&config.lns)
            .map(|l| (l.common.section.clone(), l.ip_range.clone()))
            .collect();
        let p = FramedPools {
            pool: pool.clone(),
            ranges: Arc::new(ranges),
            key: (1, 1),
        };
        assert_eq!(p.move_to("gold"), Ok(Ipv4Addr::new(10, 9, 0, 5)));
        assert_eq!(p.move_to("silver"), Err(MoveError::UnknownPool));
        assert!(!pool.lock().is_in_use(Ipv4Addr::new(10, 0, 0, 10)));
    }
}
