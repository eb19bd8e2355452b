//! Verification outside the session (RADIUS, issue #18): what a session's
//! [`Hooks::verify`](super::Hooks::verify) answers a
//! [`SessionEvent::VerifyRequest`](crate::session::SessionEvent::VerifyRequest)
//! with, and the limits a verifier may set on a session, with the
//! Access-Accept or later (a CoA-Request, RFC 5176).

use std::net::Ipv4Addr;
use std::time::Duration;

use super::FramedRoute;
use crate::session::Verdict;

/// Limits on one session; `None` leaves a limit as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionLimits {
    /// The connect time (RADIUS Session-Timeout, RFC 2865 section 5.27;
    /// pppd's `maxconnect`): counted from the first network protocol up,
    /// or from now on a link that is up.
    pub session_timeout: Option<Duration>,
    /// The idle time (RADIUS Idle-Timeout, RFC 2865 section 5.28; pppd's
    /// `idle`).
    pub idle_timeout: Option<Duration>,
}

impl SessionLimits {
    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        self.session_timeout.is_none() && self.idle_timeout.is_none()
    }
}

/// An outside verifier's answer: the verdict, and for an accept what the
/// server set for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// Accept, reject or unavailable.
    pub verdict: Verdict,
    /// Applied before the verdict, so they hold from the link's start.
    pub limits: SessionLimits,
    /// DNS servers for the peer (RADIUS MS-Primary-DNS-Server and
    /// MS-Secondary-DNS-Server), over the configuration's `ms-dns`.
    pub dns: [Option<Ipv4Addr>; 2],
    /// NBNS servers for the peer, over `ms-wins`.
    pub nbns: [Option<Ipv4Addr>; 2],
    /// The largest MTU the interface may have (RADIUS Framed-MTU, RFC 2865
    /// section 5.12): lowers what LCP negotiated, never raises it.
    pub mtu: Option<u16>,
    /// The peer's IPv6 interface identifier (RADIUS Framed-Interface-Id,
    /// RFC 3162 section 2.2), where IPv6CP runs.
    pub interface_id: Option<[u8; 8]>,
    /// Routes through the interface to the peer's networks, while IPv4 is
    /// up (RADIUS Framed-Route, Framed-IP-Netmask).
    pub routes: Vec<FramedRoute>,
    /// The peer's IPv6 prefix (RADIUS Framed-IPv6-Prefix, RFC 3162
    /// section 2.3), where IPv6CP runs: routed through the interface and
    /// advertised to the peer for SLAAC while IPv6 is up.
    pub ipv6_prefix: Option<crate::nd::Ipv6Prefix>,
}

impl From<Verdict> for Authorization {
    fn from(verdict: Verdict) -> Authorization {
        Authorization {
            verdict,
            limits: SessionLimits::default(),
            dns: [None; 2],
            nbns: [None; 2],
            mtu: None,
            interface_id: None,
            routes: Vec::new(),
            ipv6_prefix: None,
        }
    }
}
