//! An L2TPv2 daemon (RFC 2661): LNS and LAC in one process, with every
//! PPP session in one [`Engine`](crate::driver::Engine) (issue #16).
//!
//! The control plane is the sans-IO `rppp-l2tp` crate; this module drives
//! it on tokio and joins it to the kernel and to PPP:
//!
//! - [`glue`]: the rules, sans-IO: endpoint events and Engine events in,
//!   [`Command`]s out (kernel tunnel and session, PPP
//!   start and close, Set-Link-Info, CDN with a result code from the
//!   session's typed end);
//! - [`daemon`]: the tokio driver ([`Daemon`]): UDP sockets, the
//!   endpoint's timer, the glue's commands carried out, a clean shutdown
//!   on SIGTERM;
//! - [`kernel`]: the kernel's tunnel and session sockets, made as xl2tpd
//!   makes them;
//! - [`settings`]: what the daemon is configured with, minimal: the
//!   `rppp l2tpd` command line fills it today;
//! - [`config`]: xl2tpd.conf, l2tp-secrets and the address pools,
//!   sans-IO, not yet joined to the daemon.

pub mod config;
pub mod control;
pub mod daemon;
pub mod glue;
pub mod kernel;
pub mod settings;

pub use daemon::{Daemon, SessionSetup};
pub use glue::{result_code, Command, Glue};
pub use settings::{IpPool, LacSettings, LnsSettings, Settings, TunnelSettings, L2TP_PORT};
