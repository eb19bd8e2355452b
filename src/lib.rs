//! rppp: a pure-Rust PPP engine for PPP over L2TP.
//!
//! rppp runs PPP's control protocols (LCP, PAP, CHAP-MD5, MS-CHAPv2,
//! IPCP, IPv6CP) for sessions whose PPPoL2TP socket an L2TP daemon hands
//! it, and keeps the data frames in the kernel. It drops in for pppd under
//! xl2tpd and openl2tpd (the `rppp` command), and a Rust L2TP endpoint
//! embeds it: one [`driver::Engine`] carries every session of a process,
//! by [`driver::SessionId`], with one event stream, awaitable closes and
//! figures on demand.
//!
//! An embedder's first program (`examples/embed.rs`; here two sessions on
//! the fake data path of the `test-util` feature, where a daemon would use
//! [`driver::Engine::new`] and `add_kernel_session` with each session's
//! PPPoL2TP socket):
//!
//! ```
#![doc = include_str!("../examples/embed.rs")]
//! ```
//!
//! An L2TP daemon hands the Engine each call's PPPoL2TP socket instead,
//! connected to the kernel's session
//! ([`kernel::PppoL2tpSocket::connect`]), and gets the same events; this
//! needs root and the kernel's `l2tp_ppp` module, so it is compiled here,
//! not run:
//!
//! ```no_run
//! use std::net::Ipv4Addr;
//!
//! use rppp::driver::{Engine, KernelSessionOptions};
//! use rppp::kernel::PppoL2tpSocket;
//! use rppp::session::{Role, SessionConfig};
//!
//! async fn serve(calls: Vec<PppoL2tpSocket>) -> std::io::Result<()> {
//!     let (engine, mut events) = Engine::new()?;
//!     for (n, socket) in (2u8..).zip(calls) {
//!         let mut config = SessionConfig::new(Role::Lns);
//!         config.ipcp.local = Some(Ipv4Addr::new(10, 0, 0, 1));
//!         config.ipcp.remote = Some(Ipv4Addr::new(10, 0, 0, n));
//!         // `()`: no hooks; pppd's scripts are one implementation of them.
//!         engine.add_kernel_session(socket, config, KernelSessionOptions::default(), ());
//!     }
//!     while let Some((id, event)) = events.next().await {
//!         println!("session {id}: {event:?}");
//!     }
//!     Ok(())
//! }
//! ```
//!
//! The protocol crates (`rppp-lcp`, `rppp-auth`, `rppp-ipcp`) are sans-IO;
//! this crate holds what touches the operating system.
//!
//! Features keep the layers apart:
//! - without default features: [`session`], the sans-IO PPP session, and
//!   [`limits`], the sans-IO admission limits;
//! - `driver`: the kernel data path ([`kernel`]) and the tokio
//!   [`driver::Engine`], the interface configured with pppd's socket
//!   ioctls;
//! - `rtnetlink` (default): the interface configured through rtnetlink
//!   instead, on one socket an engine's sessions share (served on a
//!   thread of its own), and proxy ARP; the router build leaves it out;
//! - `pppd` (default): pppd's options and secrets files ([`options`]),
//!   its scripts and openl2tpd's events ([`notify`]), and the `rppp`
//!   command; each session's context on its log lines
//!   ([`log_context`]);
//! - `ctl` (default): the control socket ([`ctl`]) that `rppp ctl` asks;
//! - `l2tpd` (default): an L2TPv2 LNS and LAC in one process ([`l2tpd`],
//!   the `rppp l2tpd` command), on the sans-IO `rppp-l2tp` crate, with
//!   xl2tpd.conf, l2tp-secrets and address pools;
//! - `metrics` (default): Prometheus metrics ([`metrics`]): a renderer of
//!   the engine's counters and `GET /metrics` on an opt-in address;
//! - `radius` (default): the RADIUS client on tokio ([`radius_client`]):
//!   Access-Requests for the authenticator's deferred verification
//!   (RFC 2865, RFC 2548), accounting (RFC 2866, RFC 2869) with a retry
//!   queue, configured from pppd's radiusclient.conf;
//! - `router`: `rppp l2tpd` and the drop-in without rtnetlink, the
//!   control socket, metrics or RADIUS, for the `router` profile (see
//!   the README, "For routers");
//! - `test-util`: test doubles, the in-memory pair harness (`pair`),
//!   the fake data path and `Engine::without_kernel`.
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

#[cfg(feature = "ctl")]
pub mod ctl;
#[cfg(feature = "driver")]
pub mod driver;
#[cfg(feature = "driver")]
#[allow(unsafe_code)]
pub mod kernel;
#[cfg(feature = "l2tpd-core")]
pub mod l2tpd;
pub mod limits;
#[cfg(feature = "pppd")]
pub mod log_context;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod nd;
#[cfg(feature = "pppd")]
pub mod notify;
#[cfg(feature = "pppd")]
pub mod options;
#[cfg(feature = "test-util")]
pub mod pair;
#[cfg(feature = "radius")]
pub mod radius_client;
pub mod session;
#[cfg(feature = "pppd")]
pub mod systemd;

pub use rppp_auth as auth;
pub use rppp_ipcp as ipcp;
pub use rppp_lcp as lcp;
