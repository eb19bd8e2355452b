//! rppp's own L2TPv2 daemon (issue #16: "rppp replaces xl2tpd too"): an
//! LNS and a LAC in one process, configured by the files xl2tpd reads.
//!
//! - [`config`]: xl2tpd.conf, l2tp-secrets and the address pools, sans-IO.

pub mod config;
