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
//! - [`config`]: xl2tpd.conf, l2tp-secrets and the address pools,
//!   sans-IO;
//! - [`settings`]: what the daemon runs with (the configuration, the
//!   secrets, the command line's few settings) and each tunnel's control
//!   connection from its section;
//! - [`dialer`]: the `[lac]` sections' dialling and redialling, sans-IO;
//! - [`ppp_words`]: the pppd words a section stands for, as xl2tpd
//!   writes them, sans-IO;
//! - [`setup`]: each PPP session's configuration from those words, with
//!   its addresses from the pools;
//! - [`control`]: xl2tpd's control pipe (`c NAME`, `d NAME`, ...): the
//!   messages and answers, sans-IO, and the FIFO on tokio;
//! - [`limits`]: max-sessions, max-starting and a rate per peer, sans-IO
//!   (the crate's [`crate::limits`], shared with the openl2tpd plugin).

pub mod config;
pub mod control;
pub mod daemon;
pub mod dialer;
pub mod framed_pools;
pub mod glue;
pub mod kernel;
pub mod pacer;
pub mod ppp_words;
pub mod settings;
pub mod setup;
mod template;

pub use crate::limits;
pub use control::{Credentials, DEFAULT_CONTROL_PIPE};
pub use daemon::Daemon;
pub use dialer::{DialAction, Dialer};
pub use glue::{result_code, Command, Glue};
pub use settings::{Section, Settings, L2TP_PORT};
pub use setup::{PppSetup, SetupError};
