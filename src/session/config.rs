//! One configuration for a session: everything the protocols and the
//! session's own deadlines need.

use std::net::Ipv4Addr;
use std::time::Duration;

use rppp_ipcp::{IpcpConfig, Ipv6cpConfig};
use rppp_lcp::LcpConfig;

use rppp_auth::AuthConfig;

/// Which end of the L2TP tunnel this session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The L2TP Network Server: it usually authenticates the peer and gives
    /// it an address. pppd's `pppol2tp_lns_mode`.
    Lns,
    /// The L2TP Access Concentrator (the client side).
    Lac,
}

/// How a session negotiates, with pppd's defaults.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// LNS or LAC.
    pub role: Role,
    /// LCP: MRU, MTU, ACCM, echo keepalive, which authentication we require
    /// and which we perform, timers.
    pub lcp: LcpConfig,
    /// Authentication: names, secrets, timers.
    pub auth: AuthConfig,
    /// IPCP: addresses, DNS and NBNS.
    pub ipcp: IpcpConfig,
    /// IPv6CP, or `None` for pppd's `noipv6`: a peer's IPv6CP is then
    /// Protocol-Rejected.
    pub ipv6cp: Option<Ipv6cpConfig>,
    /// The negotiation must reach the Network phase within this time; pppd
    /// with `passive` can wait forever, we never do. Default 30 s.
    pub negotiation_timeout: Duration,
    /// pppd's `maxconnect`: end the session this long after the first
    /// network protocol came up.
    pub maxconnect: Option<Duration>,
}

impl SessionConfig {
    /// pppd's defaults for `role`, with IPv6CP off.
    pub fn new(role: Role) -> SessionConfig {
        SessionConfig {
            role,
            lcp: LcpConfig::default(),
            auth: AuthConfig::default(),
            ipcp: IpcpConfig::default(),
            ipv6cp: None,
            negotiation_timeout: Duration::from_secs(30),
            maxconnect: None,
        }
    }
}

/// One session's IPv4 addresses over its shared configuration's
/// (pppd's `LOCAL:REMOTE` for this call alone): an L2TP server leases
/// each session its own peer address, and its sessions still share one
/// [`SessionConfig`]. A side left `None` keeps the configuration's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpcpAddresses {
    /// Our address.
    pub local: Option<Ipv4Addr>,
    /// The address we give the peer.
    pub remote: Option<Ipv4Addr>,
}
