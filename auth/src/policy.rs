//! [`AuthPolicy`]: whether the peer must authenticate itself and with what,
//! and how we agree to authenticate ourselves; from it, the two sets of
//! methods LCP negotiates with.
//!
//! Each [`AuthMethod`] is one digest: CHAP means CHAP with MD5 only. The
//! rules are pppd's (pppd(8), "AUTHENTICATION"; `auth.c`):
//! - [`require`](AuthPolicy::require) and [`set_auth(true)`](AuthPolicy::set_auth)
//!   make the peer authenticate itself; `set_auth(false)` undoes that (the
//!   last call wins). With authentication required and no method named,
//!   every method is asked for; otherwise only those named.
//! - [`refuse`](AuthPolicy::refuse) removes a method from those we
//!   authenticate ourselves with; it never changes what we require of the
//!   peer.
//! - EAP is not implemented: no EAP method is ever negotiated, so there is
//!   nothing to require or refuse.
//!
//! Reading pppd's option names (`require-chap`, `refuse-pap`, `+chap`,
//! `noauth`, ...) into this policy is the options layer's job, not this
//! crate's.

use rppp_lcp::{AuthMethod, AuthMethods};

/// Which authentication the peer owes us and which we agree to give.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthPolicy {
    /// The peer must authenticate itself.
    pub auth_required: bool,
    /// The methods named as required; none means any, when
    /// [`auth_required`](Self::auth_required).
    pub required: AuthMethods,
    /// The methods we refuse to authenticate ourselves with.
    pub refused: AuthMethods,
}

impl AuthPolicy {
    /// Whether the peer must authenticate itself, keeping the methods
    /// named so far (pppd's `auth` and `noauth`).
    pub fn set_auth(&mut self, required: bool) {
        self.auth_required = required;
    }

    /// Requires the peer to authenticate itself, and allows it `method`
    /// (with the methods required before).
    pub fn require(&mut self, method: AuthMethod) {
        self.auth_required = true;
        self.required = self.required.with(method);
    }

    /// Refuses to authenticate ourselves with `method`.
    pub fn refuse(&mut self, method: AuthMethod) {
        self.refused = self.refused.with(method);
    }

    /// The methods the peer may authenticate itself with
    /// (`LcpConfig::require`): none unless authentication is required; all
    /// when none was named; otherwise those named.
    pub fn peer_methods(&self) -> AuthMethods {
        if !self.auth_required {
            AuthMethods::NONE
        } else if self.required.is_empty() {
            AuthMethods::ALL
        } else {
            self.required
        }
    }

    /// The methods we authenticate ourselves with when the peer asks
    /// (`LcpConfig::allow`): every one not refused.
    pub fn our_methods(&self) -> AuthMethods {
        AuthMethod::PREFERENCE
            .into_iter()
            .filter(|m| !self.refused.contains(*m))
            .collect()
    }

    /// `(require, allow)` for `LcpConfig`.
    pub fn lcp_methods(&self) -> (AuthMethods, AuthMethods) {
        (self.peer_methods(), self.our_methods())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use AuthMethod::*;

    fn set(methods: &[AuthMethod]) -> AuthMethods {
        methods.iter().copied().collect()
    }

    #[test]
    fn default_requires_nothing_and_allows_everything() {
        let p = AuthPolicy::default();
        assert!(!p.auth_required);
        assert_eq!(p.lcp_methods(), (AuthMethods::NONE, AuthMethods::ALL));
    }

    #[test]
    fn an_lns_that_requires_chap_and_refuses_pap() {
        let mut p = AuthPolicy::default();
        p.refuse(Pap);
        p.set_auth(true);
        p.require(ChapMd5);
        assert_eq!(p.peer_methods(), set(&[ChapMd5]));
        assert_eq!(p.our_methods(), set(&[ChapMd5, MsChap, MsChapV2]));
    }

    #[test]
    fn auth_alone_asks_for_every_method() {
        let mut p = AuthPolicy::default();
        p.set_auth(true);
        assert_eq!(p.peer_methods(), AuthMethods::ALL);
    }

    #[test]
    fn each_require_names_one_method_and_they_add_up() {
        for method in AuthMethod::PREFERENCE {
            let mut p = AuthPolicy::default();
            p.require(method);
            assert!(p.auth_required, "{method:?}");
            assert_eq!(p.peer_methods(), set(&[method]), "{method:?}");
            assert_eq!(p.our_methods(), AuthMethods::ALL, "{method:?}");
        }
        let mut p = AuthPolicy::default();
        p.require(MsChapV2);
        p.require(ChapMd5);
        assert_eq!(p.peer_methods(), set(&[MsChapV2, ChapMd5]));
    }

    #[test]
    fn each_refuse_names_one_method_and_never_requires() {
        for method in AuthMethod::PREFERENCE {
            let mut p = AuthPolicy::default();
            p.refuse(method);
            assert_eq!(
                p.our_methods(),
                AuthMethods::ALL.without(method),
                "{method:?}"
            );
            assert_eq!(p.peer_methods(), AuthMethods::NONE, "{method:?}");
        }
        // openl2tpd refuses all but one.
        let mut p = AuthPolicy::default();
        for method in [MsChapV2, MsChap, Pap] {
            p.refuse(method);
        }
        assert_eq!(p.our_methods(), set(&[ChapMd5]));
    }

    #[test]
    fn every_combination_of_require_and_refuse_is_expressible() {
        let all = AuthMethod::PREFERENCE;
        for req_bits in 0u8..16 {
            for ref_bits in 0u8..16 {
                let mut p = AuthPolicy::default();
                let mut want_req = AuthMethods::NONE;
                let mut want_allow = AuthMethods::ALL;
                for (i, m) in all.iter().enumerate() {
                    if req_bits & 1 << i != 0 {
                        p.require(*m);
                        want_req = want_req.with(*m);
                    }
                    if ref_bits & 1 << i != 0 {
                        p.refuse(*m);
                        want_allow = want_allow.without(*m);
                    }
                }
                assert_eq!(
                    p.lcp_methods(),
                    (want_req, want_allow),
                    "{req_bits:b} {ref_bits:b}"
                );
            }
        }
    }

    #[test]
    fn no_auth_wins_when_last_and_loses_when_first() {
        let mut p = AuthPolicy::default();
        p.require(ChapMd5);
        p.set_auth(false);
        assert_eq!(p.peer_methods(), AuthMethods::NONE);
        // Authentication required again: the methods named still count.
        p.set_auth(true);
        assert_eq!(p.peer_methods(), set(&[ChapMd5]));

        let mut p = AuthPolicy::default();
        p.set_auth(false);
        p.require(ChapMd5);
        assert_eq!(p.peer_methods(), set(&[ChapMd5]));
    }
}
