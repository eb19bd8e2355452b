//! Framed-Pool (RFC 2869 section 5.18): the server names the pool the
//! peer's address comes from. The pools belong to whoever leased the
//! session's addresses (`rppp l2tpd`: each `[lns NAME]` section's `ip
//! range` is pool NAME), so a session reaches them through
//! [`FramedPools`]; where there are none (pppd's drop-in, whose addresses
//! xl2tpd chose) the attribute is logged as not applied.

use core::fmt;
use std::net::Ipv4Addr;

/// The pools a session's peer address may be moved into.
pub trait FramedPools: Send + Sync + fmt::Debug {
    /// Gives the session's peer an address from pool `name`; the one it
    /// had goes back to its pool.
    ///
    /// # Errors
    /// No such pool, no free address in it, or the session leased none.
    fn lease_from(&self, name: &str) -> Result<Ipv4Addr, FramedPoolError>;
}

/// Why the peer keeps the address it had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FramedPoolError {
    /// No pool of that name.
    UnknownPool,
    /// Every address of the pool is in use.
    Exhausted,
    /// The session's addresses were not leased from a pool (a LAC's).
    NoLease,
}

impl fmt::Display for FramedPoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FramedPoolError::UnknownPool => "no such pool",
            FramedPoolError::Exhausted => "no free address in the pool",
            FramedPoolError::NoLease => "the session's addresses are not from a pool",
        })
    }
}

impl std::error::Error for FramedPoolError {}
