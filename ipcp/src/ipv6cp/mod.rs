//! The IPv6 Control Protocol (RFC 5072).
//!
//! [`Ipv6cp`] is the RFC 1661 automaton running [`Ipv6cpNegotiation`]. It
//! negotiates the Interface-Identifier each side uses to form its
//! link-local address (section 4.1, section 5) and rejects
//! IPv6-Compression-Protocol and anything unknown.
//!
//! IPv6CP is optional per session (pppd `+ipv6` / `noipv6`): the session
//! creates one only when IPv6 is on. A peer that does not speak IPv6CP
//! Protocol-Rejects it; the session passes that on with
//! [`Ipv6cp::protocol_rejected`](crate::Ncp::protocol_rejected), which
//! stops IPv6CP and nothing else.

mod config;
mod negotiation;
pub mod options;
#[cfg(test)]
mod tests;

use core::fmt;
use std::net::Ipv6Addr;

pub use config::Ipv6cpConfig;
pub use negotiation::Ipv6cpNegotiation;
pub use options::InterfaceId;

use crate::ncp::{Ncp, NcpEvent, NcpFailure};

/// The PPP protocol number of IPv6CP.
pub const PROTOCOL: u16 = 0x8057;
/// The PPP protocol number of IPv6 datagrams, which IPv6CP opens.
pub const IPV6_PROTOCOL: u16 = 0x0057;

/// What IPv6CP agreed on, valid while it is Opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6cpNegotiated {
    /// Our interface identifier.
    pub local: InterfaceId,
    /// The peer's interface identifier.
    pub peer: InterfaceId,
}

impl Ipv6cpNegotiated {
    /// Our link-local address (RFC 5072 section 5).
    pub fn local_address(&self) -> Ipv6Addr {
        self.local.link_local()
    }

    /// The peer's link-local address.
    pub fn peer_address(&self) -> Ipv6Addr {
        self.peer.link_local()
    }
}

/// Why IPv6CP cannot give a usable result, found when the automaton
/// reaches Opened, as pppd's `ipv6cp_up` finds it. IPv6CP then closes with
/// [`reason`](NcpFailure::reason) as the Terminate-Request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv6cpFailure {
    /// The peer sent no identifier and none is configured for it.
    NoPeerIdentifier,
    /// Both identifiers are the same (possible only when the peer did not
    /// negotiate and the configured one for it is ours).
    SameIdentifiers,
}

impl NcpFailure for Ipv6cpFailure {
    fn reason(&self) -> &'static str {
        match self {
            Ipv6cpFailure::NoPeerIdentifier => "Could not determine remote LL address",
            Ipv6cpFailure::SameIdentifiers => "local and remote LL addresses are equal",
        }
    }
}

impl fmt::Display for Ipv6cpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ipv6cpFailure::NoPeerIdentifier => "could not determine the remote link-local address",
            Ipv6cpFailure::SameIdentifiers => "local and remote link-local addresses are equal",
        })
    }
}

impl std::error::Error for Ipv6cpFailure {}

/// What IPv6CP tells its owner.
pub type Ipv6cpEvent = NcpEvent<Ipv6cpFailure>;

/// An IPv6CP instance.
pub type Ipv6cp = Ncp<Ipv6cpNegotiation>;

impl Ncp<Ipv6cpNegotiation> {
    /// IPv6CP in the Initial state.
    pub fn new(config: Ipv6cpConfig) -> Ipv6cp {
        let fsm = config.fsm.clone();
        Ncp::with_protocol(Ipv6cpNegotiation::new(config), fsm)
    }

    /// The configuration.
    pub fn config(&self) -> &Ipv6cpConfig {
        &self.fsm().protocol().config
    }

    /// Gives the peer `id` as its interface identifier, insisted on as
    /// pppd's `ipv6 ,<remote>` without `ipv6cp-accept-remote`: from the
    /// authentication server (RADIUS Framed-Interface-Id, RFC 3162
    /// section 2.2). Call it before [`open`](Ncp::open): it governs the
    /// next negotiation.
    pub fn set_peer_interface_id(&mut self, id: InterfaceId) {
        let config = &mut self.protocol_mut().config;
        config.remote = Some(id);
        config.accept_remote = false;
    }
}
