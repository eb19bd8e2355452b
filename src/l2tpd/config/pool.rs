//! The addresses an LNS hands to sessions (`ip range`, `local ip`, `local
//! ip range`), as xl2tpd's `get_addr`, `reserve_addr` and
//! `unreserve_addr` hand them out, sans-IO.
//!
//! - One table of addresses in use serves every `[lns]` section, as in
//!   xl2tpd: overlapping ranges never give one address twice.
//! - An address is taken from the `Allow` rules in file order, lowest
//!   first, skipping those in use and those a *later* rule denies (so a
//!   `no ip range` line excludes only from the ranges above it, as in
//!   xl2tpd).
//! - `local ip` is the same address on every session of the section and
//!   is not leased; rppp never gives it to a peer from `ip range` (xl2tpd
//!   could). `local ip range` leases one address per session too.
//! - 0.0.0.0 is never handed out (xl2tpd reads it as "none").

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::net::Ipv4Addr;

use core::fmt;

use super::types::{Lns, RangeRule, Ranges, Sense};

/// Which address of a session could not be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolSide {
    /// The peer's, from `ip range`.
    Remote,
    /// Ours, from `local ip range`.
    Local,
}

/// Why a session got no addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolError {
    /// Every address of the range is in use (or the section has no
    /// `ip range` while `assign ip` is on): xl2tpd's "No available IP
    /// address", a CDN with "no resources".
    Exhausted(PoolSide),
    /// The session holds a lease already.
    AlreadyLeased,
    /// The session holds no lease to move.
    NotLeased,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Exhausted(PoolSide::Remote) => f.write_str("no available IP address"),
            PoolError::Exhausted(PoolSide::Local) => f.write_str("no available local IP address"),
            PoolError::AlreadyLeased => f.write_str("the session holds addresses already"),
            PoolError::NotLeased => f.write_str("the session holds no addresses"),
        }
    }
}

impl std::error::Error for PoolError {}

/// A session's addresses: `None` where the section gives none (`assign
/// ip = no`, no `local ip`: pppd negotiates it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Lease {
    /// Ours on the session's interface.
    pub local: Option<Ipv4Addr>,
    /// The peer's.
    pub remote: Option<Ipv4Addr>,
    /// Whether `local` is leased from `local ip range` (else fixed).
    local_leased: bool,
}

/// The addresses in use and the session holding each lease; `K` names a
/// session (the daemon's tunnel and session ids, say).
#[derive(Debug, Clone)]
pub struct AddressPool<K> {
    in_use: BTreeSet<u32>,
    leases: HashMap<K, Lease>,
}

impl<K> Default for AddressPool<K> {
    fn default() -> Self {
        AddressPool {
            in_use: BTreeSet::new(),
            leases: HashMap::new(),
        }
    }
}

/// Above every address: the end of the last range's run.
const BEYOND: u64 = 1 << 32;

/// The sense the `later` rules give `x` (the last containing it; `Allow`
/// when none does) and the first address above `x` where that may change.
fn later_sense(later: &[RangeRule], x: u64) -> (Sense, u64) {
    let mut sense = Sense::Allow;
    let mut stop = BEYOND;
    for rule in later {
        let start = u64::from(u32::from(rule.range.start()));
        let end = u64::from(u32::from(rule.range.end())) + 1;
        if (start..end).contains(&x) {
            sense = rule.sense;
            stop = stop.min(end);
        } else if start > x {
            stop = stop.min(start);
        }
    }
    (sense, stop)
}

impl<K: Eq + Hash> AddressPool<K> {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leases `session` its addresses for `lns`: the peer's from `ip
    /// range` when `assign ip` is on, ours from `local ip range` or the
    /// fixed `local ip`. Nothing is taken when either side fails.
    pub fn allocate(&mut self, session: K, lns: &Lns) -> Result<Lease, PoolError> {
        if self.leases.contains_key(&session) {
            return Err(PoolError::AlreadyLeased);
        }
        let remote = match lns.assign_ip {
            true => Some(
                self.next_free(&lns.ip_range, lns.local_ip)
                    .ok_or(PoolError::Exhausted(PoolSide::Remote))?,
            ),
            false => None,
        };
        let local_leased = !lns.local_ip_range.is_empty();
        let local = match local_leased {
            true => Some(
                self.next_free(&lns.local_ip_range, remote)
                    .ok_or(PoolError::Exhausted(PoolSide::Local))?,
            ),
            false => lns.local_ip,
        };
        let lease = Lease {
            local,
            remote,
            local_leased,
        };
        self.in_use.extend(remote.map(u32::from));
        if local_leased {
            self.in_use.extend(local.map(u32::from));
        }
        self.leases.insert(session, lease);
        Ok(lease)
    }

    /// Moves `session`'s peer address into `ranges` (another section's
    /// `ip range`: RADIUS Framed-Pool, RFC 2869 section 5.18): the next
    /// free address there, leaving out our own; the old one is free
    /// again. Nothing changes when `ranges` has none free.
    pub fn move_remote(&mut self, session: &K, ranges: &Ranges) -> Result<Ipv4Addr, PoolError> {
        let lease = *self.leases.get(session).ok_or(PoolError::NotLeased)?;
        let new = self
            .next_free(ranges, lease.local)
            .ok_or(PoolError::Exhausted(PoolSide::Remote))?;
        if let Some(old) = lease.remote {
            self.in_use.remove(&u32::from(old));
        }
        self.in_use.insert(u32::from(new));
        if let Some(l) = self.leases.get_mut(session) {
            l.remote = Some(new);
        }
        Ok(new)
    }

    /// Ends `session`'s lease: its addresses are free again.
    pub fn release(&mut self, session: &K) -> Option<Lease> {
        let lease = self.leases.remove(session)?;
        if let Some(remote) = lease.remote {
            self.in_use.remove(&u32::from(remote));
        }
        if let (true, Some(local)) = (lease.local_leased, lease.local) {
            self.in_use.remove(&u32::from(local));
        }
        Some(lease)
    }

    /// `session`'s lease, if it holds one.
    pub fn lease(&self, session: &K) -> Option<&Lease> {
        self.leases.get(session)
    }

    /// Whether `addr` is leased to a session.
    pub fn is_in_use(&self, addr: Ipv4Addr) -> bool {
        self.in_use.contains(&u32::from(addr))
    }

    /// How many addresses are leased.
    pub fn in_use(&self) -> usize {
        self.in_use.len()
    }

    /// The address xl2tpd's `get_addr` would give from `ranges`, leaving
    /// out `exclude`.
    pub fn next_free(&self, ranges: &Ranges, exclude: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
        for (i, rule) in ranges.rules.iter().enumerate() {
            if rule.sense != Sense::Allow {
                continue;
            }
            let later = &ranges.rules[i + 1..];
            let end = u64::from(u32::from(rule.range.end())) + 1;
            let mut x = u64::from(u32::from(rule.range.start()));
            while x < end {
                let (sense, stop) = later_sense(later, x);
                let stop = stop.min(end);
                if sense == Sense::Allow {
                    if let Some(free) = self.first_free(x, stop, exclude) {
                        return Some(free);
                    }
                }
                x = stop;
            }
        }
        None
    }

    /// The lowest address in `from..to` neither in use nor excluded:
    /// walks the addresses in use from `from` in order, so a lease costs
    /// one pass over the leased run, not a lookup per address.
    fn first_free(&self, from: u64, to: u64, exclude: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
        let exclude = exclude.map(|a| u64::from(u32::from(a)));
        let start = u32::try_from(from).ok()?;
        let mut used = self.in_use.range(start..).map(|&a| u64::from(a)).peekable();
        let mut x = from.max(1);
        while x < to {
            if Some(x) == exclude {
                x += 1;
                continue;
            }
            match used.peek() {
                Some(&u) if u < x => {
                    used.next();
                }
                Some(&u) if u == x => {
                    used.next();
                    x += 1;
                }
                _ => return u32::try_from(x).ok().map(Ipv4Addr::from),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::config::{parse, IpRange, RangeRule};

    fn ip(d: u8) -> Ipv4Addr {
        Ipv4Addr::new(10, 0, 0, d)
    }

    fn lns(text: &str) -> Lns {
        let config = parse("t.conf", format!("[lns default]\n{text}").as_bytes()).unwrap();
        config.lns_default.unwrap()
    }

    #[test]
    fn a_peer_address_moves_to_another_range_and_frees_the_old() {
        let default = lns("ip range = 10.0.0.10-11\nlocal ip = 10.0.0.1");
        let gold = lns("ip range = 10.0.0.50-50");
        let mut pool = AddressPool::new();
        pool.allocate(1, &default).unwrap();
        assert_eq!(pool.move_remote(&1, &gold.ip_range), Ok(ip(50)));
        assert_eq!(pool.lease(&1).unwrap().remote, Some(ip(50)));
        assert!(!pool.is_in_use(ip(10)) && pool.is_in_use(ip(50)));
        // The next call from the default range gets the freed address.
        assert_eq!(pool.allocate(2, &default).unwrap().remote, Some(ip(10)));
        // The gold range is full: nothing moves.
        assert_eq!(
            pool.move_remote(&2, &gold.ip_range),
            Err(PoolError::Exhausted(PoolSide::Remote))
        );
        assert_eq!(pool.lease(&2).unwrap().remote, Some(ip(10)));
        assert_eq!(
            pool.move_remote(&9, &gold.ip_range),
            Err(PoolError::NotLeased)
        );
        assert_eq!(pool.release(&1).and_then(|l| l.remote), Some(ip(50)));
        assert!(!pool.is_in_use(ip(50)));
    }

    #[test]
    fn addresses_come_lowest_first_and_come_back() {
        let lns = lns("ip range = 10.0.0.10-12\nlocal ip = 10.0.0.1");
        let mut pool = AddressPool::new();
        let a = pool.allocate(1, &lns).unwrap();
        assert_eq!((a.local, a.remote), (Some(ip(1)), Some(ip(10))));
        assert_eq!(pool.allocate(2, &lns).unwrap().remote, Some(ip(11)));
        assert_eq!(pool.allocate(1, &lns), Err(PoolError::AlreadyLeased));
        assert_eq!(pool.allocate(3, &lns).unwrap().remote, Some(ip(12)));
        assert_eq!(
            pool.allocate(4, &lns),
            Err(PoolError::Exhausted(PoolSide::Remote))
        );
        assert_eq!(pool.release(&2).and_then(|l| l.remote), Some(ip(11)));
        assert_eq!(pool.release(&2), None);
        assert!(!pool.is_in_use(ip(11)));
        assert_eq!(pool.allocate(4, &lns).unwrap().remote, Some(ip(11)));
        // The fixed local ip is shared and never leased.
        assert!(!pool.is_in_use(ip(1)));
        assert_eq!(pool.in_use(), 3);
    }

    #[test]
    fn deny_rules_exclude_from_the_ranges_above_them_only() {
        let lns = lns(
            "ip range = 10.0.0.1-10.0.0.4\nno ip range = 10.0.0.1-10.0.0.3\n\
             ip range = 10.0.0.2\nno ip range = 10.0.0.9\nip range = 10.0.0.8-9",
        );
        let mut pool = AddressPool::new();
        let got: Vec<_> = (0..4)
            .map(|s| pool.allocate(s, &lns).map(|l| l.remote.unwrap()))
            .collect();
        // .2 is allowed again by a later line; .9 is handed out, as its
        // `no ip range` line comes before the 8-9 line (xl2tpd looks only
        // at the lines after the range an address comes from).
        assert_eq!(got, [Ok(ip(2)), Ok(ip(4)), Ok(ip(8)), Ok(ip(9))]);
    }

    #[test]
    fn local_ip_range_leases_too_and_failure_takes_nothing() {
        let lns = lns("ip range = 10.0.0.10-11\nlocal ip range = 10.0.0.1");
        let mut pool = AddressPool::new();
        let a = pool.allocate("a", &lns).unwrap();
        assert_eq!((a.local, a.remote), (Some(ip(1)), Some(ip(10))));
        assert_eq!(
            pool.allocate("b", &lns),
            Err(PoolError::Exhausted(PoolSide::Local))
        );
        // The remote address tried for "b" was not kept.
        assert!(!pool.is_in_use(ip(11)) && pool.in_use() == 2);
        pool.release(&"a");
        assert_eq!(pool.in_use(), 0);
        assert_eq!(pool.allocate("b", &lns).unwrap().local, Some(ip(1)));
    }

    #[test]
    fn no_range_or_no_assignment() {
        let mut pool = AddressPool::new();
        assert_eq!(
            pool.allocate(0, &lns("local ip = 10.0.0.1")),
            Err(PoolError::Exhausted(PoolSide::Remote))
        );
        let lease = pool.allocate(0, &lns("assign ip = no")).unwrap();
        assert_eq!((lease.local, lease.remote), (None, None));
        // A range holding the local ip never gives it to a peer.
        let lns = lns("ip range = 10.0.0.1-2\nlocal ip = 10.0.0.1");
        assert_eq!(pool.allocate(1, &lns).unwrap().remote, Some(ip(2)));
    }

    #[test]
    fn whole_address_space_is_quick_even_when_denied() {
        let all = IpRange::new(Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST).unwrap();
        let ranges = Ranges {
            rules: vec![
                RangeRule {
                    sense: Sense::Allow,
                    range: all,
                },
                RangeRule {
                    sense: Sense::Deny,
                    range: all,
                },
            ],
        };
        let pool = AddressPool::<u32>::new();
        assert_eq!(pool.next_free(&ranges, None), None);
        // 0.0.0.0 is never handed out.
        let ranges = Ranges {
            rules: vec![ranges.rules[0]],
        };
        assert_eq!(
            pool.next_free(&ranges, None),
            Some(Ipv4Addr::new(0, 0, 0, 1))
        );
    }

    /// Random allocate/release churn over two sections whose ranges
    /// overlap: no address is ever held by two sessions.
    #[test]
    fn churn_never_duplicates() {
        let a = lns("ip range = 10.0.0.1-10.0.0.40\nno ip range = 10.0.0.20-25\nlocal ip range = 10.0.0.30-10.0.0.50");
        let b = lns("ip range = 10.0.0.35-10.0.0.60\nlocal ip = 10.0.0.61");
        let mut pool = AddressPool::new();
        let mut live = std::collections::HashMap::new();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for step in 0..20_000u32 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let session = (seed % 64) as u32;
            if live.contains_key(&session) {
                assert_eq!(
                    pool.release(&session).as_ref(),
                    live.remove(&session).as_ref()
                );
                continue;
            }
            let lns = if seed & 0x100 == 0 { &a } else { &b };
            match pool.allocate(session, lns) {
                Ok(lease) => {
                    live.insert(session, lease);
                }
                Err(PoolError::Exhausted(_)) => {}
                Err(e) => panic!("step {step}: {e}"),
            }
            let mut held = std::collections::HashSet::new();
            for lease in live.values() {
                assert!(lease.remote.is_none_or(|r| held.insert(r)), "step {step}");
                if lease.local_leased {
                    assert!(held.insert(lease.local.unwrap()), "step {step}");
                }
                assert!(lease
                    .remote
                    .is_none_or(|r| !(20..=25).contains(&r.octets()[3])));
            }
            assert_eq!(held.len(), pool.in_use());
        }
    }

    /// Against a model: each lease is the lowest address of the range
    /// that is not leased, also thousands deep.
    #[test]
    fn the_lowest_free_address_is_leased_thousands_deep() {
        let lns = lns("ip range = 10.1.0.0-10.1.15.255\nlocal ip = 10.1.0.1");
        let (first, last) = (
            u32::from(Ipv4Addr::new(10, 1, 0, 0)),
            u32::from(Ipv4Addr::new(10, 1, 15, 255)),
        );
        let mut pool = AddressPool::new();
        let mut model = std::collections::BTreeSet::new();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for session in 0..6000u32 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            if session > 100 && seed % 3 == 0 {
                let victim = (seed >> 8) as u32 % session;
                if let Some(l) = pool.release(&victim) {
                    model.remove(&u32::from(l.remote.unwrap()));
                }
            }
            let want = (first..=last)
                .find(|a| *a != u32::from(Ipv4Addr::new(10, 1, 0, 1)) && !model.contains(a))
                .map(Ipv4Addr::from);
            let got = pool.allocate(session, &lns).ok().and_then(|l| l.remote);
            assert_eq!(got, want, "session {session}");
            model.extend(got.map(u32::from));
        }
    }
}
