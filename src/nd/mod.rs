//! The router's side of IPv6 Neighbor Discovery on a PPP link (RFC 4861
//! section 6), for the prefix an authorization gives the peer: RADIUS
//! Framed-IPv6-Prefix, "an IPv6 prefix (and corresponding route) to be
//! configured for the user" (RFC 3162 section 2.3).
//!
//! IPv6CP gives each end only a link-local address (RFC 5072); a peer
//! learns a global prefix from Router Advertisements and forms its address
//! from the prefix and its interface identifier (SLAAC, RFC 4862). As
//! accel-ppp does for its users, rppp advertises the prefix on the
//! session's interface while IPv6 is up: unsolicited advertisements on
//! RFC 4861's schedule, and an answer to each Router Solicitation.
//!
//! Sans-IO, like the PPP protocols: [`message`] encodes and decodes the
//! ICMPv6 messages, [`Advertiser`] decides when to send; the caller passes
//! time and randomness in and moves the bytes (the driver through a raw
//! ICMPv6 socket bound to the interface).

mod advertiser;
pub mod message;
mod prefix;

pub use advertiser::{Advertiser, AdvertiserConfig};
pub use prefix::Ipv6Prefix;
