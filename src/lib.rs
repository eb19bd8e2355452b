//! rppp: a pure-Rust PPP engine for PPP over L2TP.
//!
//! The protocol crates (`rppp-lcp`, `rppp-auth`, `rppp-ipcp`) are sans-IO;
//! this crate holds what touches the operating system.
//!
//! `unsafe` code lives only in [`kernel`], and the compiler holds the crate
//! to that: the crate root denies `unsafe_code`, the kernel module alone
//! allows it, and clippy's `undocumented_unsafe_blocks` there asks every
//! `unsafe` block for a `// SAFETY:` comment. Its one `unsafe fn`,
//! [`kernel::take_inherited_fd`], leaves to the caller what only the
//! process exec'ed with an fd number can vouch for: that nothing else owns
//! that fd. The `rppp` binary denies `unsafe_code` too, but for the one
//! function that calls it.

#![deny(unsafe_code)]

pub mod driver;
#[allow(unsafe_code)]
pub mod kernel;
pub mod notify;
pub mod options;
pub mod pair;
pub mod session;

pub use rppp_auth as auth;
pub use rppp_ipcp as ipcp;
pub use rppp_lcp as lcp;
