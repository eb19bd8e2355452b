//! From [`Options`] to a [`SessionConfig`]: our names, the secrets files,
//! and which authentication methods LCP asks for and agrees to, as pppd's
//! `auth_check_options` and `auth_reset` decide them (`auth.c`).
//!
//! - Our name is `name`, or the host name (with `domain`) when `name` is
//!   not given or `usehostname` is; the name we authenticate with is
//!   `user`, or our name.
//! - We ask the peer for the methods [`AuthPolicy::peer_methods`] names
//!   (`auth` alone: all four; `require-chap`: CHAP-MD5 only) that some
//!   line of the secrets file could satisfy: a line for the peer
//!   (`remotename`, or any client) and for us (our name, or `*`) that
//!   allows the peer an IP address. PAP needs a `pap-secrets` line, the
//!   CHAP family a `chap-secrets` line. If authentication is required and
//!   no method is left, the session cannot start (pppd exits 1 with "no
//!   suitable secret").
//! - We agree to authenticate ourselves with the methods not `refuse-*`d
//!   for which we have a password: `password` or `passwordfd` for all of
//!   them, otherwise a secrets line for our `user` (to the peer's
//!   `remotename`, or any server).
//! - With `plugin radius.so` the RADIUS server checks the peer, as
//!   pppd's `radius.c` does by setting `pap_check_hook`,
//!   `chap_check_hook` (always "we have a secret"), `pap_auth_hook` and
//!   `chap_verify_hook`: every method the policy asks for is offered,
//!   the secrets files are not read for the peer, and
//!   `AuthConfig::verification` is `Verification::External`. Our own
//!   credentials still come from `password` or the secrets files.
//! - A secrets file is read only when one of these needs it; a missing
//!   one has no lines. The options after `--` on a secrets line are not
//!   applied here (pppd applies them once the peer has authenticated).
//!
//! [`AuthPolicy::peer_methods`]: rppp_auth::AuthPolicy::peer_methods

use std::io;
use std::sync::Arc;

use rppp_auth::{AuthConfig, Secrets, Verification};

use super::radius::RadiusOrder;
use rppp_ipcp::{InterfaceId, Ipv6cpConfig};
use rppp_lcp::{AuthMethod, AuthMethods};

use super::error::{ErrorKind, OptionsError};
use super::types::Options;
use crate::driver::{
    DefaultRoute, KernelSessionOptions, L2tpSocketOptions, LinkOptions, UnitNaming,
};
use crate::session::{Role, SessionConfig};

/// The CHAP family: CHAP-MD5, MS-CHAP and MS-CHAPv2 share `chap-secrets`.
const CHAP_FAMILY: [AuthMethod; 3] = [
    AuthMethod::ChapMd5,
    AuthMethod::MsChap,
    AuthMethod::MsChapV2,
];

fn has_chap(methods: AuthMethods) -> bool {
    CHAP_FAMILY.iter().any(|m| methods.contains(*m))
}

fn without_chap(methods: AuthMethods) -> AuthMethods {
    CHAP_FAMILY.iter().fold(methods, |s, m| s.without(*m))
}

/// A secrets-file word matches `want` (`None` or empty: anyone) as pppd's
/// `scan_authfile` does: equal, or the word is `*`.
fn matches(word: &[u8], want: Option<&[u8]>) -> bool {
    match want {
        None | Some([]) => true,
        Some(want) => word == b"*" || word == want,
    }
}

/// Reads the secrets file `path`; a missing file has no lines.
fn load(
    path: &str,
    read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
) -> Result<Secrets, OptionsError> {
    let text = match read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Secrets::from_entries(path, Vec::new()))
        }
        Err(e) => {
            return Err(OptionsError::general(
                None,
                ErrorKind::SecretsUnreadable {
                    path: path.to_string(),
                    reason: crate::kernel::os_error_text(&e),
                },
            ))
        }
    };
    Secrets::parse(path, &text, &mut |p| {
        read(p).map_err(|e| crate::kernel::os_error_text(&e))
    })
    .map_err(|e| OptionsError::general(None, ErrorKind::Secrets(Box::new(e))))
}

impl Options {
    /// What the driver does beside the protocols: `idle`, `defaultroute`
    /// (with `replacedefaultroute` and `defaultroute-metric`) and
    /// `proxyarp`. The wait for `ip-pre-up` is the session hooks' (see
    /// [`crate::notify::SessionHooks`]). As in pppd, `replacedefaultroute`
    /// only qualifies `defaultroute`.
    pub fn link_options(&self) -> LinkOptions {
        LinkOptions {
            idle: self.idle,
            default_route: self.defaultroute.then_some(DefaultRoute {
                replace: self.replacedefaultroute,
                metric: self.defaultroute_metric,
            }),
            proxy_arp: self.proxyarp,
        }
    }

    /// How the kernel session is set up: the PPPoL2TP socket's options
    /// (`pppol2tp_debug_mask`, `_recv_seq`, `_send_seq`, `_lns_mode`,
    /// `_reorderto`), the unit's naming (`pppol2tp_ifname` or `ifname`,
    /// `unit`, `kdebug`) and [`link_options`](Self::link_options).
    pub fn kernel_session_options(&self) -> KernelSessionOptions {
        let p = &self.pppol2tp;
        KernelSessionOptions {
            socket: L2tpSocketOptions {
                debug: p.debug_mask.filter(|&m| m != 0).map(|m| m as i32),
                recv_seq: p.recv_seq.then_some(true),
                send_seq: p.send_seq.then_some(true),
                lns_mode: p.lns_mode.then_some(true),
                reorder_timeout: p.reorder_timeout_ms.filter(|&t| t > 0).map(|t| t as i32),
            },
            naming: UnitNaming {
                ifname: self.interface_name().map(str::to_owned),
                unit: self.unit,
                kdebug: i32::try_from(self.kdebug).ok().filter(|&k| k != 0),
            },
            link: self.link_options(),
            // The configuration's own addresses apply.
            addresses: crate::session::IpcpAddresses::default(),
        }
    }

    /// LNS with `pppol2tp_lns_mode`, LAC without.
    pub fn role(&self) -> Role {
        if self.pppol2tp.lns_mode {
            Role::Lns
        } else {
            Role::Lac
        }
    }

    /// Our name (pppd's `our_name`): `name`, or `hostname` (with `.domain`)
    /// when `name` is missing or empty or `usehostname` is given.
    pub fn our_name(&self, hostname: &[u8]) -> Vec<u8> {
        match &self.auth.name {
            Some(name) if !name.is_empty() && !self.auth.usehostname => name.clone(),
            _ => {
                let mut name = hostname.to_vec();
                if let Some(domain) = self.auth.domain.as_deref().filter(|d| !d.is_empty()) {
                    if !domain.starts_with(b".") {
                        name.push(b'.');
                    }
                    name.extend_from_slice(domain);
                }
                name
            }
        }
    }

    /// The session's configuration. `hostname` is the host's name (the
    /// default for `name`); `read` reads the secrets files (and the files
    /// their `@/path` secrets name). The password from `passwordfd`, if
    /// any, must already be in [`AuthOptions::password`](super::AuthOptions::password).
    pub fn session_config(
        &self,
        hostname: &[u8],
        read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
    ) -> Result<SessionConfig, OptionsError> {
        let auth = &self.auth;
        let our_name = self.our_name(hostname);
        let user = auth.user.clone().unwrap_or_else(|| our_name.clone());
        let (pap, chap) = self.secrets(read)?;
        let require = self.methods_we_can_check(&pap, &chap, &our_name)?;
        let allow = self.methods_we_can_prove(&pap, &chap, &user);

        let mut config = SessionConfig::new(self.role());
        config.lcp = self.lcp.clone();
        config.lcp.require = require;
        config.lcp.allow = allow;
        config.auth = AuthConfig {
            name: our_name,
            user,
            password: auth.password.clone(),
            remote_name: auth.remote_name.clone(),
            chap_secrets: Arc::new(chap),
            pap_secrets: Arc::new(pap),
            chap_restart: auth.chap_restart,
            chap_max_challenge: auth.chap_max_challenge,
            chap_interval: auth.chap_interval,
            pap_restart: auth.pap_restart,
            pap_max_authreq: auth.pap_max_authreq,
            pap_timeout: auth.pap_timeout,
            ms_ignore_domain: auth.ms_ignore_domain,
            verification: match self.radius.as_ref().map(|r| r.order) {
                Some(RadiusOrder::Radius) => Verification::External,
                Some(RadiusOrder::RadiusThenLocal) => Verification::ExternalThenLocal,
                Some(RadiusOrder::LocalThenRadius) => Verification::LocalThenExternal,
                None => Verification::Local,
            },
            ..AuthConfig::default()
        };
        config.ipcp = self.ipcp.clone();
        config.ipv6cp = self.ipv6cp_config();
        config.maxconnect = self.maxconnect;
        Ok(config)
    }

    /// Whether we have a password of our own (`password`, `passwordfd`).
    fn have_password(&self) -> bool {
        self.auth.password.is_some() || self.auth.passwordfd.is_some()
    }

    /// `pap-secrets` and `chap-secrets`, each read only when a method we
    /// may ask for or perform needs it (empty otherwise).
    fn secrets(
        &self,
        read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
    ) -> Result<(Secrets, Secrets), OptionsError> {
        let auth = &self.auth;
        let (peer, ours) = auth.policy.lcp_methods();
        let have_password = self.have_password();
        // radius.c: the RADIUS server, not the secrets files, checks the
        // peer; with `radius-order` naming `local` the files do too.
        let peer = match self.radius.as_ref().map(|r| r.order) {
            Some(RadiusOrder::Radius) => AuthMethods::NONE,
            Some(_) | None => peer,
        };
        let need_pap =
            peer.contains(AuthMethod::Pap) || (ours.contains(AuthMethod::Pap) && !have_password);
        let need_chap = has_chap(peer) || (has_chap(ours) && !have_password);
        let pap = match need_pap {
            true => load(&auth.pap_secrets, read)?,
            false => Secrets::from_entries(&auth.pap_secrets, Vec::new()),
        };
        let chap = match need_chap {
            true => load(&auth.chap_secrets, read)?,
            false => Secrets::from_entries(&auth.chap_secrets, Vec::new()),
        };
        Ok((pap, chap))
    }

    /// auth.c, auth_reset: the methods we ask the peer for, only those some
    /// line of the secrets files can check; none left while authentication
    /// is required is an error.
    fn methods_we_can_check(
        &self,
        pap: &Secrets,
        chap: &Secrets,
        our_name: &[u8],
    ) -> Result<AuthMethods, OptionsError> {
        let auth = &self.auth;
        let remote = auth.remote_name.as_deref();
        let can_check = |s: &Secrets| {
            s.entries().iter().any(|e| {
                matches(&e.client, remote)
                    && matches(&e.server, Some(our_name))
                    && !e.addresses.allows_none()
            })
        };
        let mut require = auth.policy.peer_methods();
        if self.radius.is_some() {
            // radius.c's radius_secret_check: always a secret.
            return Ok(require);
        }
        if !can_check(pap) {
            require = require.without(AuthMethod::Pap);
        }
        if !can_check(chap) {
            require = without_chap(require);
        }
        if auth.policy.auth_required && require.is_empty() {
            return Err(OptionsError::general(
                None,
                ErrorKind::NoSecretForPeer {
                    by_default: auth.default_auth,
                    remote_name: remote.map(|r| String::from_utf8_lossy(r).into_owned()),
                },
            ));
        }
        Ok(require)
    }

    /// The methods we agree to authenticate ourselves with: those not
    /// refused for which we have a password, or a secrets line for `user`.
    fn methods_we_can_prove(&self, pap: &Secrets, chap: &Secrets, user: &[u8]) -> AuthMethods {
        let remote = self.auth.remote_name.as_deref();
        let have_password = self.have_password();
        let can_prove = |s: &Secrets| {
            have_password
                || s.entries()
                    .iter()
                    .any(|e| matches(&e.client, Some(user)) && matches(&e.server, remote))
        };
        let mut allow = self.auth.policy.our_methods();
        if !can_prove(pap) {
            allow = allow.without(AuthMethod::Pap);
        }
        if !can_prove(chap) {
            allow = without_chap(allow);
        }
        allow
    }

    /// IPv6CP's configuration, or `None` when it is off.
    fn ipv6cp_config(&self) -> Option<Ipv6cpConfig> {
        self.ipv6.then(|| {
            let mut v6 = self.ipv6cp.clone();
            // ipv6cp.c, ipv6cp_check_options: ipv6cp-use-ipaddr takes each
            // identifier not given from the IPv4 address.
            if self.ipv6cp_use_ipaddr {
                let from = |a: std::net::Ipv4Addr| {
                    let mut id = [0; 8];
                    id[4..].copy_from_slice(&a.octets());
                    InterfaceId(id)
                };
                v6.local = v6.local.or(self.ipcp.local.map(from));
                v6.remote = v6.remote.or(self.ipcp.remote.map(from));
            }
            v6
        })
    }
}

#[cfg(test)]
mod link_tests {
    use std::time::Duration;

    use crate::driver::DefaultRoute;
    use crate::options::Options;

    #[test]
    fn link_options_follow_pppd() {
        let mut o = Options::default();
        assert_eq!(o.link_options(), Default::default());
        o.idle = Some(Duration::from_secs(30));
        o.replacedefaultroute = true;
        o.proxyarp = true;
        let l = o.link_options();
        assert_eq!(l.idle, Some(Duration::from_secs(30)));
        assert!(l.proxy_arp);
        // replacedefaultroute alone sets no route, as in pppd.
        assert_eq!(l.default_route, None);
        o.defaultroute = true;
        o.defaultroute_metric = Some(7);
        assert_eq!(
            o.link_options().default_route,
            Some(DefaultRoute {
                replace: true,
                metric: Some(7)
            })
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::net::Ipv4Addr;

    use rppp_auth::Secret;

    use super::super::apply::{apply, State};
    use super::super::error::Source;
    use super::*;

    fn set(methods: &[AuthMethod]) -> AuthMethods {
        methods.iter().copied().collect()
    }

    fn files(list: &[(&str, &str)]) -> impl FnMut(&str) -> io::Result<Vec<u8>> {
        let map: HashMap<String, Vec<u8>> = list
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect();
        move |path| {
            map.get(path)
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        }
    }

    fn lns(policy: &[&str]) -> Options {
        let mut o = Options::default();
        o.pppol2tp.lns_mode = true;
        o.auth.name = Some(b"l2tpd".to_vec());
        given(&mut o, policy);
        o
    }

    /// Applies the options `names` (none taking an argument), as the
    /// parser does.
    fn given(o: &mut Options, names: &[&str]) {
        let mut state = State::default();
        let at = Source::CommandLine { arg: 1 };
        for name in names {
            apply(o, &mut state, name, name, b"", &at).unwrap();
        }
    }

    #[test]
    fn lns_requires_what_chap_secrets_can_check() {
        let o = lns(&["refuse-pap", "auth", "require-chap", "require-mschap-v2"]);
        let mut read = files(&[("/etc/ppp/chap-secrets", "\"vpnuser\" l2tpd \"pw\" *\n")]);
        let c = o.session_config(b"host", &mut read).unwrap();
        assert_eq!(c.role, Role::Lns);
        assert_eq!(
            c.lcp.require,
            set(&[AuthMethod::ChapMd5, AuthMethod::MsChapV2])
        );
        // No password of our own: we authenticate ourselves with nothing.
        assert_eq!(c.lcp.allow, AuthMethods::NONE);
        assert_eq!(c.auth.name, b"l2tpd");
        assert_eq!(c.auth.user, b"l2tpd");
        assert_eq!(c.auth.chap_secrets.entries().len(), 1);
    }

    #[test]
    fn no_secret_for_the_peer_is_an_error() {
        let o = lns(&["auth", "require-chap"]);
        // A line for another server, and a line that allows no address.
        let mut read = files(&[("/etc/ppp/chap-secrets", "u other pw *\nu l2tpd pw -\n")]);
        let e = o.session_config(b"host", &mut read).unwrap_err();
        assert!(matches!(
            e.kind,
            ErrorKind::NoSecretForPeer {
                by_default: false,
                ..
            }
        ));
        assert_eq!(e.exit_code(), 1);
        // A missing file is no lines, not an error of its own.
        let e = o.session_config(b"host", &mut files(&[])).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::NoSecretForPeer { .. }));
    }

    #[test]
    fn auth_alone_asks_only_for_what_the_files_can_check() {
        let o = lns(&["auth"]);
        let mut read = files(&[("/etc/ppp/pap-secrets", "* l2tpd pw 10.0.0.0/24\n")]);
        let c = o.session_config(b"host", &mut read).unwrap();
        assert_eq!(c.lcp.require, set(&[AuthMethod::Pap]));
    }

    #[test]
    fn remotename_narrows_the_lookup() {
        let mut o = lns(&["auth", "require-pap"]);
        o.auth.remote_name = Some(b"alice".to_vec());
        let mut read = files(&[("/etc/ppp/pap-secrets", "bob l2tpd pw *\n")]);
        let e = o.session_config(b"host", &mut read).unwrap_err();
        assert!(e.to_string().contains("(alice)"), "{e}");
        let mut read = files(&[("/etc/ppp/pap-secrets", "alice * pw *\n")]);
        assert!(o.session_config(b"host", &mut read).is_ok());
    }

    #[test]
    fn lac_with_password_allows_every_method_not_refused() {
        let mut o = Options::default();
        given(&mut o, &["refuse-pap"]);
        o.auth.password = Some(Secret::from("pw"));
        o.auth.user = Some(b"client".to_vec());
        // No file is read: nothing needs one.
        let mut read = |p: &str| -> io::Result<Vec<u8>> { panic!("read {p}") };
        let c = o.session_config(b"host", &mut read).unwrap();
        assert_eq!(c.role, Role::Lac);
        assert_eq!(c.lcp.require, AuthMethods::NONE);
        assert_eq!(c.lcp.allow, AuthMethods::ALL.without(AuthMethod::Pap));
        assert_eq!(c.auth.user, b"client");
        assert_eq!(c.auth.name, b"host");
    }

    #[test]
    fn lac_without_password_uses_chap_secrets_for_its_user() {
        let mut o = Options::default();
        o.auth.name = Some(b"lac".to_vec());
        let mut read = files(&[("/etc/ppp/chap-secrets", "lac * secret\n")]);
        let c = o.session_config(b"host", &mut read).unwrap();
        assert_eq!(
            c.lcp.allow,
            set(&[
                AuthMethod::ChapMd5,
                AuthMethod::MsChap,
                AuthMethod::MsChapV2
            ])
        );
        assert_eq!(c.auth.chap_secrets.entries().len(), 1);
    }

    #[test]
    fn secrets_errors_name_file_and_line() {
        let o = lns(&["auth", "require-chap"]);
        let mut read = files(&[("/etc/ppp/chap-secrets", "ok l2tpd pw *\nbroken \"line\n")]);
        let e = o.session_config(b"host", &mut read).unwrap_err();
        assert!(e.to_string().starts_with("/etc/ppp/chap-secrets:2:"), "{e}");
        let mut denied = |_: &str| -> io::Result<Vec<u8>> {
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        };
        let e = o.session_config(b"host", &mut denied).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::SecretsUnreadable { .. }));
    }

    #[test]
    fn names_hostname_domain_and_ipv6_from_ipv4() {
        let mut o = Options::default();
        o.auth.domain = Some(b"example.net".to_vec());
        assert_eq!(o.our_name(b"gw"), b"gw.example.net");
        o.auth.name = Some(b"lns".to_vec());
        assert_eq!(o.our_name(b"gw"), b"lns");
        o.auth.usehostname = true;
        assert_eq!(o.our_name(b"gw"), b"gw.example.net");

        o.ipv6cp_use_ipaddr = true;
        o.ipcp.local = Some(Ipv4Addr::new(10, 201, 0, 1));
        o.ipcp.remote = Some(Ipv4Addr::new(10, 201, 0, 2));
        o.maxconnect = Some(std::time::Duration::from_secs(60));
        let c = o.session_config(b"gw", &mut files(&[])).unwrap();
        let v6 = c.ipv6cp.unwrap();
        assert_eq!(v6.local, Some(InterfaceId([0, 0, 0, 0, 10, 201, 0, 1])));
        assert_eq!(v6.remote, Some(InterfaceId([0, 0, 0, 0, 10, 201, 0, 2])));
        assert_eq!(c.maxconnect, Some(std::time::Duration::from_secs(60)));
        o.ipv6 = false;
        assert!(o
            .session_config(b"gw", &mut files(&[]))
            .unwrap()
            .ipv6cp
            .is_none());
    }
}
