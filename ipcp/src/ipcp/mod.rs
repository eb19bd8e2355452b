//! The IP Control Protocol (RFC 1332) with the name server options of
//! RFC 1877.
//!
//! [`Ipcp`] is the RFC 1661 automaton running [`IpcpNegotiation`]. It
//! negotiates IP-Address with pppd's address model and DNS and NBNS
//! servers in both roles; it rejects IP-Compression-Protocol, the
//! deprecated IP-Addresses option and anything unknown. Once Opened,
//! [`Ipcp::negotiated`](crate::Ncp::negotiated) gives both addresses and the
//! servers the peer gave us.
//!
//! Who gets which address (pppd's rules, `ipcp.c`):
//! - we ask for `local`, else our host name's address (unless
//!   `noipdefault`), else 0.0.0.0, which asks the peer to give us one; we
//!   take the peer's Nak when `local` is unset or `accept_local` is on;
//! - the peer may have the address it asks for when it is allowed and it
//!   is `remote`, or `remote` is unset, or `accept_remote` is on; otherwise
//!   it is Nak'd with `remote` (or the allowed-addresses suggestion), and a
//!   peer that asks for no address at all is Nak'd with one anyway, once;
//! - after Max-Failure Naks the option is rejected instead; a peer that
//!   then leaves us without the address we insisted on makes IPCP fail.

mod config;
mod negotiation;
pub mod options;
#[cfg(test)]
mod tests;

use core::fmt;
use std::net::Ipv4Addr;

pub use config::{AllowedAddresses, IpcpConfig};
pub use negotiation::IpcpNegotiation;

use crate::ncp::{Ncp, NcpEvent, NcpFailure};

/// The PPP protocol number of IPCP.
pub const PROTOCOL: u16 = 0x8021;
/// The PPP protocol number of IPv4 datagrams, which IPCP opens.
pub const IP_PROTOCOL: u16 = 0x0021;

/// What IPCP agreed on, valid while it is Opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpcpNegotiated {
    /// Our address.
    pub local: Ipv4Addr,
    /// The peer's address. `None` when neither side knew one and no
    /// restriction applies: pppd then makes one up (10.64.64.64 plus the
    /// unit number), which is the session's business.
    pub peer: Option<Ipv4Addr>,
    /// The primary and secondary DNS servers the peer gave us
    /// (`usepeerdns`).
    pub dns: [Option<Ipv4Addr>; 2],
    /// The primary and secondary NBNS servers the peer gave us.
    pub nbns: [Option<Ipv4Addr>; 2],
}

/// Why IPCP cannot give a usable result. Except for
/// [`NoAllowedAddress`](Self::NoAllowedAddress), each is found when the
/// automaton reaches Opened, as pppd's `ipcp_up` finds them; IPCP then
/// closes with [`reason`](NcpFailure::reason) as the Terminate-Request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpcpFailure {
    /// Authentication was required and the peer's secrets entry allows it
    /// no address. Found at `open`, which is refused: nothing is sent, the
    /// automaton stays where it was (the peer's Configure-Requests are
    /// answered with Terminate-Ack, as in Closed), and the session decides
    /// what becomes of the link (pppd ends it when no network protocol is
    /// left).
    NoAllowedAddress,
    /// We insisted on the peer's address (configured `remote` without
    /// `ipcp-accept-remote`) and it did not take it.
    PeerRefusedItsAddress {
        /// The address we wanted it to have.
        ours: Ipv4Addr,
    },
    /// The peer rejected our IP-Address although we have an address of
    /// our own.
    PeerRefusedOurAddress,
    /// We have no address of our own and the peer gave us none.
    NoLocalAddress,
    /// The peer's address is not among those it may have (or it has
    /// none while a restriction applies).
    UnauthorizedPeerAddress {
        /// The address.
        peer: Option<Ipv4Addr>,
    },
}

impl NcpFailure for IpcpFailure {
    fn reason(&self) -> &'static str {
        match self {
            IpcpFailure::NoAllowedAddress => "No allowed IP address",
            IpcpFailure::PeerRefusedItsAddress { .. } => "Refused his IP address",
            IpcpFailure::PeerRefusedOurAddress => "Refused our IP address",
            IpcpFailure::NoLocalAddress => "Could not determine local IP address",
            IpcpFailure::UnauthorizedPeerAddress { .. } => "Unauthorized remote IP address",
        }
    }
}

impl fmt::Display for IpcpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpcpFailure::NoAllowedAddress => f.write_str("the peer is allowed no IP address"),
            IpcpFailure::PeerRefusedItsAddress { ours } => {
                write!(f, "peer refused to agree to its IP address {ours}")
            }
            IpcpFailure::PeerRefusedOurAddress => {
                f.write_str("peer refused to agree to our IP address")
            }
            IpcpFailure::NoLocalAddress => f.write_str("could not determine local IP address"),
            IpcpFailure::UnauthorizedPeerAddress { peer: Some(peer) } => {
                write!(f, "peer is not authorized to use remote address {peer}")
            }
            IpcpFailure::UnauthorizedPeerAddress { peer: None } => {
                f.write_str("peer has no remote address it is authorized to use")
            }
        }
    }
}

impl std::error::Error for IpcpFailure {}

/// What IPCP tells its owner.
pub type IpcpEvent = NcpEvent<IpcpFailure>;

/// An IPCP instance.
pub type Ipcp = Ncp<IpcpNegotiation>;

impl Ncp<IpcpNegotiation> {
    /// IPCP in the Initial state.
    pub fn new(config: IpcpConfig) -> Ipcp {
        let fsm = config.fsm.clone();
        Ncp::with_protocol(IpcpNegotiation::new(config), fsm)
    }

    /// The configuration.
    pub fn config(&self) -> &IpcpConfig {
        &self.fsm().protocol().config
    }

    /// Replaces the DNS and NBNS addresses given to the peer (RFC 1877),
    /// where `dns` or `wins` has one: from an authentication server
    /// (RADIUS MS-Primary-DNS-Server and the like, RFC 2548 section 2.7).
    /// Call it before [`open`](Ncp::open): it governs the next
    /// negotiation.
    pub fn set_name_servers(&mut self, dns: [Option<Ipv4Addr>; 2], wins: [Option<Ipv4Addr>; 2]) {
        let config = &mut self.protocol_mut().config;
        if dns.iter().any(Option::is_some) {
            config.ms_dns = dns;
        }
        if wins.iter().any(Option::is_some) {
            config.ms_wins = wins;
        }
    }

    /// Replaces the allowed-addresses restriction, once authentication
    /// has told the session which secrets entry applies. Call it before
    /// [`open`](Ncp::open): it governs the next negotiation.
    pub fn set_allowed_addresses(&mut self, allowed: AllowedAddresses) {
        self.protocol_mut().config.allowed = allowed;
    }
}
