//! LCP policy: what we ask for, what we accept, and which authentication
//! protocols we require of the peer or are willing to perform, with pppd's
//! defaults under its pppol2tp plugin.

use core::fmt;
use std::time::Duration;

use super::options::{AuthProtocol, ChapAlgorithm};
use crate::fsm::FsmConfig;

/// An authentication protocol, as pppd's options name them: each names one
/// digest (`require-chap` is CHAP with MD5 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthMethod {
    /// PAP (RFC 1334).
    Pap,
    /// CHAP with MD5 (RFC 1994).
    ChapMd5,
    /// MS-CHAP (RFC 2433).
    MsChap,
    /// MS-CHAPv2 (RFC 2759).
    MsChapV2,
}

impl AuthMethod {
    /// pppd's order of preference, most preferred first: the order in which
    /// we ask the peer, and walk on when it Naks.
    pub const PREFERENCE: [AuthMethod; 4] = [
        AuthMethod::MsChapV2,
        AuthMethod::MsChap,
        AuthMethod::ChapMd5,
        AuthMethod::Pap,
    ];

    /// The Authentication-Protocol option value for the method.
    pub fn protocol(self) -> AuthProtocol<'static> {
        match self {
            AuthMethod::Pap => AuthProtocol::Pap,
            AuthMethod::ChapMd5 => AuthProtocol::Chap(ChapAlgorithm::Md5),
            AuthMethod::MsChap => AuthProtocol::Chap(ChapAlgorithm::MsChap),
            AuthMethod::MsChapV2 => AuthProtocol::Chap(ChapAlgorithm::MsChapV2),
        }
    }

    /// The method an Authentication-Protocol value names, if we know it.
    pub fn from_protocol(protocol: &AuthProtocol<'_>) -> Option<AuthMethod> {
        Some(match protocol {
            AuthProtocol::Pap => AuthMethod::Pap,
            AuthProtocol::Chap(ChapAlgorithm::Md5) => AuthMethod::ChapMd5,
            AuthProtocol::Chap(ChapAlgorithm::MsChap) => AuthMethod::MsChap,
            AuthProtocol::Chap(ChapAlgorithm::MsChapV2) => AuthMethod::MsChapV2,
            _ => return None,
        })
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMethod::Pap => "PAP",
            AuthMethod::ChapMd5 => "CHAP",
            AuthMethod::MsChap => "MS-CHAP",
            AuthMethod::MsChapV2 => "MS-CHAP-v2",
        })
    }
}

/// A set of [`AuthMethod`]s.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AuthMethods(u8);

impl AuthMethods {
    /// No method.
    pub const NONE: AuthMethods = AuthMethods(0);
    /// Every method.
    pub const ALL: AuthMethods = AuthMethods(0b1111);

    /// The set with `method` added.
    #[must_use]
    pub fn with(self, method: AuthMethod) -> AuthMethods {
        AuthMethods(self.0 | method.bit())
    }

    /// The set with `method` removed.
    #[must_use]
    pub fn without(self, method: AuthMethod) -> AuthMethods {
        AuthMethods(self.0 & !method.bit())
    }

    /// Whether `method` is in the set.
    pub fn contains(self, method: AuthMethod) -> bool {
        self.0 & method.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The most preferred method of the set, in pppd's order.
    pub fn preferred(self) -> Option<AuthMethod> {
        self.iter().next()
    }

    /// The methods, most preferred first.
    pub fn iter(self) -> impl Iterator<Item = AuthMethod> {
        AuthMethod::PREFERENCE
            .into_iter()
            .filter(move |m| self.contains(*m))
    }
}

impl FromIterator<AuthMethod> for AuthMethods {
    fn from_iter<I: IntoIterator<Item = AuthMethod>>(iter: I) -> Self {
        iter.into_iter().fold(AuthMethods::NONE, AuthMethods::with)
    }
}

impl fmt::Debug for AuthMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// How LCP negotiates, with pppd's defaults under the pppol2tp plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LcpConfig {
    /// The automaton's timers, counters and passive/silent options.
    pub fsm: FsmConfig,
    /// Our MRU (pppd `mru`); asked for only when it is not 1500.
    pub mru: u16,
    /// The largest MTU we send with (pppd `mtu`): the interface MTU is the
    /// smaller of this and the peer's MRU.
    pub mtu: u16,
    /// The ACCM we ask for (pppd `asyncmap`); `None` leaves it out
    /// (pppd `default-asyncmap`). Default `Some(0)`.
    pub asyncmap: Option<u32>,
    /// Whether we ask for a Magic-Number (pppd `nomagic` turns it off).
    pub magic_number: bool,
    /// Whether we accept the peer's Protocol-Field-Compression
    /// (pppd `nopcomp` turns it off). We never ask for it.
    pub accept_pfc: bool,
    /// Whether we accept the peer's Address-and-Control-Field-Compression
    /// (pppd `noaccomp` turns it off). We never ask for it.
    pub accept_acfc: bool,
    /// The methods the peer may authenticate itself to us with; we ask for
    /// the most preferred and walk on when the peer Naks (pppd `require-*`).
    pub require: AuthMethods,
    /// The methods we are willing to authenticate ourselves with when the
    /// peer asks (every method not `refuse-*`d).
    pub allow: AuthMethods,
    /// Echo-Request interval (pppd `lcp-echo-interval`); `None` is off.
    pub echo_interval: Option<Duration>,
    /// Unanswered Echo-Requests after which the peer is dead (pppd
    /// `lcp-echo-failure`); 0 never declares it dead.
    pub echo_failure: u32,
    /// Magic-Number collisions in a row that mean the link is looped back
    /// (pppd's built-in 10).
    pub loopback_fail: u32,
}

impl Default for LcpConfig {
    fn default() -> Self {
        LcpConfig {
            fsm: FsmConfig::default(),
            mru: 1500,
            mtu: 1500,
            asyncmap: Some(0),
            magic_number: true,
            accept_pfc: true,
            accept_acfc: true,
            require: AuthMethods::NONE,
            allow: AuthMethods::ALL,
            echo_interval: None,
            echo_failure: 0,
            loopback_fail: 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_order_is_pppds() {
        let all = AuthMethods::ALL;
        assert_eq!(
            all.iter().collect::<Vec<_>>(),
            [
                AuthMethod::MsChapV2,
                AuthMethod::MsChap,
                AuthMethod::ChapMd5,
                AuthMethod::Pap
            ]
        );
        let set: AuthMethods = [AuthMethod::Pap, AuthMethod::ChapMd5].into_iter().collect();
        assert_eq!(set.preferred(), Some(AuthMethod::ChapMd5));
        assert_eq!(
            set.without(AuthMethod::ChapMd5).preferred(),
            Some(AuthMethod::Pap)
        );
        assert!(AuthMethods::NONE.preferred().is_none());
        assert_eq!(format!("{set:?}"), "{ChapMd5, Pap}");
    }

    #[test]
    fn methods_and_protocols_map_both_ways() {
        for method in AuthMethod::PREFERENCE {
            assert_eq!(AuthMethod::from_protocol(&method.protocol()), Some(method));
        }
        assert_eq!(AuthMethod::from_protocol(&AuthProtocol::Eap), None);
    }
}
