//! rppp-lcp: the parts of PPP that every control protocol shares, and LCP.
//!
//! Read first: RFC 1661 (The Point-to-Point Protocol), sections 4 (the option
//! negotiation automaton) and 5 (LCP packet formats); RFC 1570 (LCP
//! extensions: Identification, Time-Remaining).
//!
//! This crate is sans-IO: it owns no socket, no file descriptor and no clock.
//! Time (`now`) and randomness (`rng`) are always arguments, so two instances
//! can be driven deterministically on a virtual clock from a seed.
#![forbid(unsafe_code)]

#[macro_use]
mod macros;
pub mod fsm;
pub mod lcp;
pub mod option;
pub mod packet;
pub mod queue;
pub mod spare;

pub use fsm::{ControlProtocol, Fsm, FsmConfig, FsmEvent, State};
pub use lcp::{AuthMethod, AuthMethods, Lcp, LcpConfig, LcpEvent, LcpNegotiated};
