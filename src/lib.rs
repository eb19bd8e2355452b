//! rppp: a pure-Rust PPP engine for PPP over L2TP.
//!
//! The protocol crates (`rppp-lcp`, `rppp-auth`, `rppp-ipcp`) are sans-IO;
//! this crate holds what touches the operating system. `unsafe` code lives
//! only in [`kernel`].

pub mod driver;
pub mod kernel;
pub mod notify;
pub mod options;
pub mod pair;
pub mod session;

pub use rppp_auth as auth;
pub use rppp_ipcp as ipcp;
pub use rppp_lcp as lcp;
