//! rppp: a pure-Rust PPP engine for PPP over L2TP.
//!
//! The protocol crates (`rppp-lcp`, `rppp-auth`, `rppp-ipcp`) are sans-IO;
//! this crate holds what touches the operating system. `unsafe` code lives
//! only in [`kernel`].
//!
//! Features keep the layers apart:
//! - without default features: [`session`], the sans-IO PPP session;
//! - `driver`: the kernel data path ([`kernel`]) and the tokio
//!   [`driver::Engine`];
//! - `pppd` (default): pppd's options and secrets files ([`options`]),
//!   its scripts and openl2tpd's events ([`notify`]), and the `rppp`
//!   command;
//! - `test-util`: test doubles, the in-memory pair harness ([`pair`]),
//!   the fake data path and `Engine::without_kernel`.

#[cfg(feature = "driver")]
pub mod driver;
#[cfg(feature = "driver")]
pub mod kernel;
#[cfg(feature = "pppd")]
pub mod notify;
#[cfg(feature = "pppd")]
pub mod options;
#[cfg(feature = "test-util")]
pub mod pair;
pub mod session;

pub use rppp_auth as auth;
pub use rppp_ipcp as ipcp;
pub use rppp_lcp as lcp;
