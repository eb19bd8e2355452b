//! rppp-l2tp: the L2TPv2 control protocol (RFC 2661), sans-IO.
//!
//! Read first: RFC 2661 sections 3 (header and message types), 4 (AVPs,
//! hiding), 5.8 (reliable delivery), 6 (the messages) and 7 (the control
//! connection and call state machines).
//!
//! - [`header`], [`avp`], [`message`]: the codec, typed views and values
//!   that never panic on any input.
//! - [`reliable`]: Ns/Nr, windows, acknowledgements and retransmission.
//! - [`tunnel`]: one control connection and its incoming calls, LAC or
//!   LNS side.
//! - [`endpoint`]: many tunnels behind one address, demultiplexed by
//!   Tunnel ID, with the tie breaker.
//!
//! This crate is sans-IO like quinn-proto: it owns no socket and no clock.
//! Time (`now`) and randomness (`rng`) are arguments; datagrams go in
//! through `handle_datagram` and come out of `poll_transmit`; the driver
//! sleeps until `poll_timeout` and calls `handle_timeout`; what happened is
//! drained with `poll_event`. Two endpoints can be driven on a virtual
//! clock from a seed, as the tests in `tests/` do.
#![forbid(unsafe_code)]

#[macro_use]
mod macros;
pub mod avp;
pub mod config;
mod congestion;
pub mod endpoint;
pub mod event;
pub mod header;
pub mod message;
pub mod reliable;
pub mod tunnel;

pub use avp::{Avp, AvpType, CdnResult, ErrorCode, ResultCode, StopCcnResult};
pub use config::{Role, TunnelConfig};
pub use endpoint::{Endpoint, EndpointCounters, Incoming};
pub use event::{Event, SessionEnd, SessionInfo, TunnelCounters, TunnelEnd, TunnelInfo};
pub use header::HeaderRepr;
pub use message::{Message, MessageType};
pub use tunnel::{AcceptError, CallParams, CommandError, SessionState, Tunnel, TunnelState};
