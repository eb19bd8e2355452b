//! rppp-radius: RADIUS for a PPP NAS, sans-IO.
//!
//! Read first: RFC 2865 (sections 3 and 5: packets, authenticators,
//! attributes), RFC 2866 (accounting), RFC 3579 section 3.2
//! (Message-Authenticator), RFC 5176 (Disconnect and CoA), RFC 2548
//! (Microsoft attributes, MPPE keys), and the BlastRADIUS advisory
//! (CVE-2024-3596): a client must require a valid Message-Authenticator
//! on every Access-Accept, -Reject and -Challenge.
//!
//! - [`packet`], [`attr`], [`vendor`], [`values`], [`code`]: a zero-copy
//!   view of a received packet that never panics on any input; unknown
//!   codes and attributes are kept as data.
//! - [`builder`]: writes packets, with User-Password hiding and
//!   Message-Authenticator.
//! - [`crypto`]: authenticators, HMAC-MD5, password hiding, MPPE keys.
//! - [`client`]: the client transaction engine: server lists,
//!   retransmission, failover and deadtime, reply verification with the
//!   BlastRADIUS rule, counters.
//! - [`dae`]: Dynamic Authorization (RFC 5176): Disconnect-Request and
//!   CoA-Request checked, read and answered.
//! - [`config`]: pppd's radius plugin files (radiusclient.conf, servers,
//!   dictionary) and their translation into a [`client::ClientConfig`].
//!
//! Like rppp-l2tp, this crate owns no socket and no clock: time (`now`)
//! and randomness (`rng`) are arguments, datagrams go in and come out as
//! bytes.
//!
//! # Why not the `radius` crate (radius-rs)
//!
//! We evaluated `radius` on crates.io (moznion/radius-rs, MIT) as the
//! codec. Its last release, 0.4.0, is from January 2024, before
//! BlastRADIUS (July 2024). In that release Message-Authenticator is only
//! an opaque attribute to add or look up: nothing computes or verifies it,
//! so nothing can require it on replies. The repository has a later,
//! unreleased Message-Authenticator module whose own TODO says it produces
//! broken responses and which asserts and unwraps on packet input. Its
//! dictionaries are generated into Rust at build time from a fixed set of
//! RFC files: there is no runtime dictionary, so pppd's radiusclient
//! `dictionary` files (with `$INCLUDE` and vendor blocks) cannot drive
//! it, and there is no Microsoft (RFC 2548) vendor module or MPPE key
//! decryption. It depends on tokio unconditionally, which a sans-IO crate
//! must not. The wire format itself is small (a header and TLVs), so we
//! wrote our own codec in the house style of rppp-l2tp and read
//! radius-rs only as a reference.
//!
//! Crypto: MD5 comes from the `md5` crate the workspace already uses;
//! HMAC-MD5 (RFC 2104) from RustCrypto's `hmac` over `md-5` (on the
//! digest 0.11 that rppp-auth's `md4` and `sha1` already bring), checked
//! in [`crypto::hmac`] against the RFC 2202 vectors. Constant-time
//! comparisons use `subtle` (already in the workspace's lock file).
#![forbid(unsafe_code)]

#[macro_use]
mod macros;
pub mod attr;
mod attr_type;
pub mod builder;
pub mod client;
pub mod code;
pub mod config;
pub mod crypto;
pub mod dae;
pub mod packet;
pub mod secret;
mod typed;
pub mod values;
pub mod vendor;

pub use attr::{Attribute, AttributeType, ValueError};
pub use builder::{BuildError, PacketBuilder};
pub use code::Code;
pub use packet::{Packet, PacketError};
pub use secret::{Password, SharedSecret};
pub use values::{
    AcctStatusType, AcctTerminateCause, ErrorCause, FramedProtocol, NasPortType, ServiceType,
    TunnelMediumType, TunnelType,
};
pub use vendor::{MicrosoftType, VendorAttribute, VendorError, VendorSpecific, VENDOR_MICROSOFT};
