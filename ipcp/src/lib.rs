//! rppp-ipcp: the network control protocols that give a PPP link its
//! addresses, built on the option negotiation automaton of `rppp-lcp`.
//!
//! Read first: RFC 1332 (IPCP), RFC 1877 (its DNS and NBNS options),
//! RFC 5072 (IPv6CP), and RFC 1661 section 4 for the automaton both run on.
//!
//! - [`Ipcp`]: IP-Address with pppd's address model (`local:remote`,
//!   `ipcp-accept-local`, `ipcp-accept-remote`, `noipdefault`, and the
//!   addresses the secrets file allows the peer), primary and secondary DNS
//!   and NBNS in both roles.
//! - [`Ipv6cp`]: Interface-Identifier negotiation, giving both link-local
//!   addresses.
//!
//! Both are an [`Ncp`]: the automaton plus a check of the result when it
//! comes up (pppd's `ipcp_up` / `ipv6cp_up`), which closes the protocol
//! with a reason instead of reporting an unusable result.
//!
//! This crate is sans-IO: it owns no socket, no file descriptor and no
//! clock. Time (`now`) and randomness (`rng`) are always arguments.
//! The session opens these protocols once LCP is up and authentication has
//! passed (RFC 1661 section 3.2, the Network-Layer Protocol phase).
#![forbid(unsafe_code)]

pub mod ipcp;
pub mod ipv6cp;
pub mod ncp;

pub use ipcp::{AllowedAddresses, Ipcp, IpcpConfig, IpcpEvent, IpcpFailure, IpcpNegotiated};
pub use ipv6cp::{InterfaceId, Ipv6cp, Ipv6cpConfig, Ipv6cpEvent, Ipv6cpFailure, Ipv6cpNegotiated};
pub use ncp::{Ncp, NcpEvent, NcpFailure, NcpProtocol};
