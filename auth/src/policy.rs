//! [`AuthPolicy`]: pppd's authentication options, and the two sets of
//! methods LCP negotiates with.
//!
//! pppd's options name one digest each: `require-chap` and `refuse-chap`
//! mean CHAP with MD5 only, `require-mschap` MS-CHAP, `require-mschap-v2`
//! MS-CHAPv2. As in pppd:
//! - `require-*` and `auth` make the peer authenticate itself; `noauth`
//!   undoes that (the last one given wins). With `auth` and no `require-*`,
//!   every method is asked for; with `require-*`, only those named.
//! - `refuse-*` removes a method from those we authenticate ourselves with;
//!   it never changes what we require of the peer.
//! - EAP (`require-eap`, `refuse-eap`) is recorded but not implemented: no
//!   EAP method is ever negotiated.

use rppp_lcp::{AuthMethod, AuthMethods};

/// pppd's authentication options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthPolicy {
    /// The peer must authenticate itself (`auth`, `require-*`; `noauth`
    /// clears it).
    pub auth_required: bool,
    /// The methods named by `require-*` (`+pap`, `+chap`, ...).
    pub require: AuthMethods,
    /// `require-eap` was given.
    pub require_eap: bool,
    /// The methods named by `refuse-*` (`-pap`, `-chap`, ...).
    pub refuse: AuthMethods,
    /// `refuse-eap` was given.
    pub refuse_eap: bool,
}

impl Default for AuthPolicy {
    /// pppd's default: authenticate ourselves with anything, require nothing.
    fn default() -> Self {
        AuthPolicy {
            auth_required: false,
            require: AuthMethods::NONE,
            require_eap: false,
            refuse: AuthMethods::NONE,
            refuse_eap: false,
        }
    }
}

impl AuthPolicy {
    /// Applies one of pppd's authentication options by name. Returns false,
    /// and changes nothing, for a name that is not one of them.
    pub fn apply_option(&mut self, name: &str) -> bool {
        let require = |p: &mut AuthPolicy, m| {
            p.auth_required = true;
            p.require = p.require.with(m);
        };
        match name {
            "auth" => self.auth_required = true,
            "noauth" => self.auth_required = false,
            "require-pap" | "+pap" => require(self, AuthMethod::Pap),
            "require-chap" | "+chap" => require(self, AuthMethod::ChapMd5),
            "require-mschap" | "+mschap" => require(self, AuthMethod::MsChap),
            "require-mschap-v2" | "+mschap-v2" => require(self, AuthMethod::MsChapV2),
            "require-eap" => {
                self.auth_required = true;
                self.require_eap = true;
            }
            "refuse-pap" | "-pap" => self.refuse = self.refuse.with(AuthMethod::Pap),
            "refuse-chap" | "-chap" => self.refuse = self.refuse.with(AuthMethod::ChapMd5),
            "refuse-mschap" | "-mschap" => self.refuse = self.refuse.with(AuthMethod::MsChap),
            "refuse-mschap-v2" | "-mschap-v2" => {
                self.refuse = self.refuse.with(AuthMethod::MsChapV2)
            }
            "refuse-eap" => self.refuse_eap = true,
            _ => return false,
        }
        true
    }

    /// The policy after the options `names`, in order; the first unknown
    /// name is the error.
    pub fn from_options<'a>(
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<AuthPolicy, &'a str> {
        let mut policy = AuthPolicy::default();
        for name in names {
            if !policy.apply_option(name) {
                return Err(name);
            }
        }
        Ok(policy)
    }

    /// The methods the peer may authenticate itself with
    /// (`LcpConfig::require`): none unless authentication is required; all
    /// when `auth` named none; otherwise those `require-*` named.
    pub fn peer_methods(&self) -> AuthMethods {
        if !self.auth_required {
            AuthMethods::NONE
        } else if self.require.is_empty() && !self.require_eap {
            AuthMethods::ALL
        } else {
            self.require
        }
    }

    /// The methods we authenticate ourselves with when the peer asks
    /// (`LcpConfig::allow`): every one not refused.
    pub fn our_methods(&self) -> AuthMethods {
        AuthMethod::PREFERENCE
            .into_iter()
            .filter(|m| !self.refuse.contains(*m))
            .collect()
    }

    /// `(require, allow)` for `LcpConfig`.
    pub fn lcp_methods(&self) -> (AuthMethods, AuthMethods) {
        (self.peer_methods(), self.our_methods())
    }

    /// Authentication is required but no method we implement can satisfy it
    /// (only `require-eap` was given): the session cannot start.
    pub fn unsatisfiable(&self) -> bool {
        self.auth_required && self.peer_methods().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use AuthMethod::*;

    fn set(methods: &[AuthMethod]) -> AuthMethods {
        methods.iter().copied().collect()
    }

    fn policy(options: &[&str]) -> AuthPolicy {
        AuthPolicy::from_options(options.iter().copied()).unwrap()
    }

    #[test]
    fn default_requires_nothing_and_allows_everything() {
        let p = AuthPolicy::default();
        assert_eq!(p.lcp_methods(), (AuthMethods::NONE, AuthMethods::ALL));
    }

    #[test]
    fn xl2tpd_lns_command_line() {
        // `refuse-pap auth require-chap` from xl2tpd's argv for an LNS.
        let p = policy(&["refuse-pap", "auth", "require-chap"]);
        assert_eq!(p.peer_methods(), set(&[ChapMd5]));
        assert_eq!(p.our_methods(), set(&[ChapMd5, MsChap, MsChapV2]));
    }

    #[test]
    fn auth_alone_asks_for_every_method() {
        assert_eq!(policy(&["auth"]).peer_methods(), AuthMethods::ALL);
    }

    #[test]
    fn each_require_names_one_digest() {
        for (option, method) in [
            ("require-pap", Pap),
            ("+pap", Pap),
            ("require-chap", ChapMd5),
            ("+chap", ChapMd5),
            ("require-mschap", MsChap),
            ("+mschap", MsChap),
            ("require-mschap-v2", MsChapV2),
            ("+mschap-v2", MsChapV2),
        ] {
            let p = policy(&[option]);
            assert!(p.auth_required, "{option}");
            assert_eq!(p.peer_methods(), set(&[method]), "{option}");
            assert_eq!(p.our_methods(), AuthMethods::ALL, "{option}");
        }
        assert_eq!(
            policy(&["require-mschap-v2", "require-chap"]).peer_methods(),
            set(&[MsChapV2, ChapMd5])
        );
    }

    #[test]
    fn each_refuse_names_one_digest() {
        for (option, method) in [
            ("refuse-pap", Pap),
            ("-pap", Pap),
            ("refuse-chap", ChapMd5),
            ("-chap", ChapMd5),
            ("refuse-mschap", MsChap),
            ("-mschap", MsChap),
            ("refuse-mschap-v2", MsChapV2),
            ("-mschap-v2", MsChapV2),
        ] {
            let p = policy(&[option]);
            assert_eq!(
                p.our_methods(),
                AuthMethods::ALL.without(method),
                "{option}"
            );
            assert_eq!(p.peer_methods(), AuthMethods::NONE, "{option}");
        }
        // openl2tpd refuses all but one.
        let p = policy(&[
            "refuse-eap",
            "refuse-mschap-v2",
            "refuse-mschap",
            "refuse-pap",
        ]);
        assert_eq!(p.our_methods(), set(&[ChapMd5]));
        assert!(p.refuse_eap);
    }

    #[test]
    fn every_combination_of_require_and_refuse_is_expressible() {
        let all = AuthMethod::PREFERENCE;
        for req_bits in 0u8..16 {
            for ref_bits in 0u8..16 {
                let mut options = Vec::new();
                let mut want_req = AuthMethods::NONE;
                let mut want_allow = AuthMethods::ALL;
                for (i, m) in all.iter().enumerate() {
                    let name = match m {
                        Pap => "pap",
                        ChapMd5 => "chap",
                        MsChap => "mschap",
                        MsChapV2 => "mschap-v2",
                    };
                    if req_bits & 1 << i != 0 {
                        options.push(format!("require-{name}"));
                        want_req = want_req.with(*m);
                    }
                    if ref_bits & 1 << i != 0 {
                        options.push(format!("refuse-{name}"));
                        want_allow = want_allow.without(*m);
                    }
                }
                let p = AuthPolicy::from_options(options.iter().map(String::as_str)).unwrap();
                assert_eq!(p.lcp_methods(), (want_req, want_allow), "{options:?}");
            }
        }
    }

    #[test]
    fn noauth_wins_when_last_and_loses_when_first() {
        assert_eq!(
            policy(&["require-chap", "noauth"]).peer_methods(),
            AuthMethods::NONE
        );
        assert_eq!(
            policy(&["noauth", "require-chap"]).peer_methods(),
            set(&[ChapMd5])
        );
    }

    #[test]
    fn eap_only_is_unsatisfiable_and_unknown_options_are_errors() {
        let p = policy(&["require-eap"]);
        assert!(p.unsatisfiable());
        assert!(!policy(&["auth"]).unsatisfiable());
        assert_eq!(AuthPolicy::from_options(["auth", "bogus"]), Err("bogus"));
    }
}
