//! IPv6CP policy: which interface identifiers we use and accept.

use rppp_lcp::FsmConfig;

use super::options::InterfaceId;

/// How IPv6CP negotiates, with pppd's defaults (`+ipv6`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ipv6cpConfig {
    /// The automaton's timers and counters (pppd `ipv6cp-restart`,
    /// `ipv6cp-max-configure`, `ipv6cp-max-terminate`,
    /// `ipv6cp-max-failure`).
    pub fsm: FsmConfig,
    /// Our identifier, the left side of pppd's `ipv6 <local>,<remote>`.
    /// `None` (or zero) draws a random non-zero one for each negotiation,
    /// which the peer may then change.
    pub local: Option<InterfaceId>,
    /// The peer's identifier, the right side of `ipv6 <local>,<remote>`:
    /// suggested when the peer proposes zero or ours, and insisted on
    /// unless `accept_remote`. The session may derive both identifiers
    /// from the IPv4 addresses (pppd's `ipv6cp-use-ipaddr`).
    pub remote: Option<InterfaceId>,
    /// pppd `ipv6cp-accept-local`: take the peer's idea of our identifier
    /// even though `local` is configured.
    pub accept_local: bool,
    /// pppd `ipv6cp-accept-remote`: let the peer keep its own identifier
    /// even though `remote` is configured.
    pub accept_remote: bool,
}
