//! What an embedder tells the engine about one session beyond its
//! protocols' configuration: the kernel socket's options, the interface's
//! name, and what the driver does beside the protocols.

use std::time::Duration;

use super::datapath::DefaultRoute;
use super::kernel_path::{L2tpSocketOptions, UnitNaming};
use crate::session::IpcpAddresses;

/// What the driver does around the session beyond the protocols: pppd's
/// `idle`, `defaultroute` and `proxyarp`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkOptions {
    /// pppd's `idle`: end the link (Terminate-Request, exit code 12) when
    /// no data packet went either way for this long, as the unit reports
    /// it (`PPPIOCGIDLE`); checked while a network protocol is up.
    pub idle: Option<Duration>,
    /// pppd's `defaultroute`: a default route through the interface while
    /// IPCP is up.
    pub default_route: Option<DefaultRoute>,
    /// pppd's `proxyarp`: a proxy ARP entry for the peer while IPCP is up.
    pub proxy_arp: bool,
}

/// Per-session kernel options: the `SOL_PPPOL2TP` options the L2TP daemon
/// asked for and how to name the interface.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KernelSessionOptions {
    /// Socket options, each set only when given.
    pub socket: L2tpSocketOptions,
    /// `ifname` / `unit`.
    pub naming: UnitNaming,
    /// `idle`, `defaultroute`, `proxyarp`.
    pub link: LinkOptions,
    /// This session's own IPv4 addresses over the shared configuration's
    /// (an L2TP server's lease for the call).
    pub addresses: IpcpAddresses,
}
