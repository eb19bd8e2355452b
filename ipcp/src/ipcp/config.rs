//! IPCP policy: pppd's address model and name server options.

use core::fmt;
use std::net::Ipv4Addr;
use std::sync::Arc;

use rppp_lcp::FsmConfig;

/// The addresses the peer may be given, from the secrets-file entry it
/// authenticated with (pppd's `auth_ip_addr`). The session builds it from
/// what the authentication crate parsed; this crate knows no secrets file.
///
/// pppd's rules, for the session to apply: an entry with no address words,
/// or whose first word is `-`, allows none; `*` allows any; otherwise the
/// words are checked in order (`!` excludes, `a.b.c.d/n` is a subnet). When
/// authentication is not required and no entry was used, any address is
/// allowed. When the list is one plain address, pppd suggests it to the
/// peer: pass it as `suggested`.
#[derive(Clone, Default)]
pub enum AllowedAddresses {
    /// No restriction.
    #[default]
    Any,
    /// No address is allowed: authentication was required and the peer's
    /// entry lists none. IPCP cannot succeed: [`Ipcp::open`] is refused with
    /// [`IpcpFailure::NoAllowedAddress`](super::IpcpFailure::NoAllowedAddress).
    ///
    /// [`Ipcp::open`]: crate::Ncp::open
    None,
    /// The addresses `allows` accepts.
    Only {
        /// Whether the peer may use an address.
        allows: Arc<dyn Fn(Ipv4Addr) -> bool + Send + Sync>,
        /// An address to give the peer when ours (the configured remote
        /// address) is missing or not allowed.
        suggested: Option<Ipv4Addr>,
    },
}

impl AllowedAddresses {
    /// Whether the restriction allows `address`. pppd never lets the peer
    /// have a loopback, multicast or class E address (`bad_ip_adrs`), nor
    /// 0.0.0.0, whatever the secrets file says.
    pub fn allows(&self, address: Ipv4Addr) -> bool {
        let octets = address.octets();
        if address.is_unspecified() || octets[0] == 127 || octets[0] >= 224 {
            return false;
        }
        match self {
            AllowedAddresses::Any => true,
            AllowedAddresses::None => false,
            AllowedAddresses::Only { allows, .. } => allows(address),
        }
    }

    /// The restriction's own suggestion for the peer, if it is allowed.
    pub fn suggested(&self) -> Option<Ipv4Addr> {
        match self {
            AllowedAddresses::Only {
                suggested: Some(address),
                ..
            } if self.allows(*address) => Some(*address),
            _ => None,
        }
    }
}

impl fmt::Debug for AllowedAddresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowedAddresses::Any => f.write_str("Any"),
            AllowedAddresses::None => f.write_str("None"),
            AllowedAddresses::Only { suggested, .. } => f
                .debug_struct("Only")
                .field("suggested", suggested)
                .finish_non_exhaustive(),
        }
    }
}

/// How IPCP negotiates, with pppd's defaults.
#[derive(Debug, Clone)]
pub struct IpcpConfig {
    /// The automaton's timers and counters (pppd `ipcp-restart`,
    /// `ipcp-max-configure`, `ipcp-max-terminate`, `ipcp-max-failure`).
    /// pppd's IPCP allows 100 Naks in a row rather than LCP's 5, because
    /// some 3G modems stall with Naks.
    pub fsm: FsmConfig,
    /// Our address, the left side of pppd's `local:remote`. When it is
    /// `None` we ask the peer for one (and take whatever it gives).
    pub local: Option<Ipv4Addr>,
    /// The peer's address, the right side of `local:remote`. When it is
    /// `None` the peer may have any allowed address it asks for.
    pub remote: Option<Ipv4Addr>,
    /// pppd `ipcp-accept-local`: take the peer's idea of our address even
    /// though `local` is configured.
    pub accept_local: bool,
    /// pppd `ipcp-accept-remote`: let the peer have the (allowed) address it
    /// asks for even though `remote` is configured.
    pub accept_remote: bool,
    /// pppd's default local address: the address of our host name, which
    /// the session looks up (this crate does no I/O). Asked for, but
    /// changeable by the peer, when `local` is `None`.
    pub hostname_address: Option<Ipv4Addr>,
    /// pppd `noipdefault`: ignore `hostname_address`, ask the peer for our
    /// address.
    pub noipdefault: bool,
    /// pppd `ms-dns`: the primary and secondary DNS servers we give a peer
    /// that asks (RFC 1877). A peer asking for one that is `None` is
    /// rejected. [`IpcpConfig::push_ms_dns`] applies pppd's rule for
    /// repeated options.
    pub ms_dns: [Option<Ipv4Addr>; 2],
    /// pppd `ms-wins`: the primary and secondary NBNS servers we give.
    pub ms_wins: [Option<Ipv4Addr>; 2],
    /// pppd `usepeerdns`: ask the peer for DNS servers.
    pub use_peer_dns: bool,
    /// pppd `usepeerwins`: ask the peer for NBNS servers.
    pub use_peer_wins: bool,
    /// The addresses the peer may have (from the secrets file).
    pub allowed: AllowedAddresses,
}

impl Default for IpcpConfig {
    fn default() -> Self {
        IpcpConfig {
            fsm: FsmConfig {
                max_failure: 100,
                ..FsmConfig::default()
            },
            local: None,
            remote: None,
            accept_local: false,
            accept_remote: false,
            hostname_address: None,
            noipdefault: false,
            ms_dns: [None; 2],
            ms_wins: [None; 2],
            use_peer_dns: false,
            use_peer_wins: false,
            allowed: AllowedAddresses::Any,
        }
    }
}

impl IpcpConfig {
    /// Adds one `ms-dns` option as pppd does: the last two given are the
    /// primary and the secondary; a single one is both.
    pub fn push_ms_dns(&mut self, address: Ipv4Addr) {
        push_pair(&mut self.ms_dns, address);
    }

    /// Adds one `ms-wins` option, with the same rule as
    /// [`push_ms_dns`](Self::push_ms_dns).
    pub fn push_ms_wins(&mut self, address: Ipv4Addr) {
        push_pair(&mut self.ms_wins, address);
    }
}

fn push_pair(pair: &mut [Option<Ipv4Addr>; 2], address: Ipv4Addr) {
    pair[0] = Some(pair[1].unwrap_or(address));
    pair[1] = Some(address);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_dns_keeps_the_last_two_and_doubles_a_single_one() {
        let (a, b, c) = (
            Ipv4Addr::new(8, 8, 8, 8),
            Ipv4Addr::new(1, 1, 1, 1),
            Ipv4Addr::new(9, 9, 9, 9),
        );
        let mut config = IpcpConfig::default();
        config.push_ms_dns(a);
        assert_eq!(config.ms_dns, [Some(a), Some(a)]);
        config.push_ms_dns(b);
        assert_eq!(config.ms_dns, [Some(a), Some(b)]);
        config.push_ms_dns(c);
        assert_eq!(config.ms_dns, [Some(b), Some(c)]);
        config.push_ms_wins(c);
        assert_eq!(config.ms_wins, [Some(c), Some(c)]);
    }

    #[test]
    fn never_loopback_multicast_class_e_or_zero() {
        let any = AllowedAddresses::Any;
        for bad in [
            Ipv4Addr::UNSPECIFIED,
            Ipv4Addr::new(127, 0, 0, 2),
            Ipv4Addr::new(224, 0, 0, 1),
            Ipv4Addr::new(240, 1, 2, 3),
            Ipv4Addr::BROADCAST,
        ] {
            assert!(!any.allows(bad), "{bad}");
        }
        assert!(any.allows(Ipv4Addr::new(10, 201, 0, 2)));
        assert!(!AllowedAddresses::None.allows(Ipv4Addr::new(10, 201, 0, 2)));
    }

    #[test]
    fn only_checks_and_suggests_allowed_addresses() {
        let only = AllowedAddresses::Only {
            allows: Arc::new(|a: Ipv4Addr| a.octets()[..3] == [10, 201, 0]),
            suggested: Some(Ipv4Addr::new(10, 201, 0, 7)),
        };
        assert!(only.allows(Ipv4Addr::new(10, 201, 0, 9)));
        assert!(!only.allows(Ipv4Addr::new(10, 9, 0, 9)));
        assert_eq!(only.suggested(), Some(Ipv4Addr::new(10, 201, 0, 7)));
        let outside = AllowedAddresses::Only {
            allows: Arc::new(|_| false),
            suggested: Some(Ipv4Addr::new(10, 201, 0, 7)),
        };
        assert_eq!(outside.suggested(), None);
        assert_eq!(
            format!("{outside:?}"),
            "Only { suggested: Some(10.201.0.7), .. }"
        );
    }
}
