//! From what openl2tpd knows of a session (its configuration, its
//! tunnel, its PPP profile) to rppp's options: the pppd words ppp_unix
//! would put on pppd's command line, read by rppp's own option parser, so
//! a profile means the same to the plugin as to rppp under ppp_unix
//! (and `/etc/ppp/options` and the secrets files are read as pppd reads
//! them).
//!
//! Where ppp_unix gets a profile wrong, the plugin does not copy it: it
//! reads `local_name`/`remote_name` from the flag word openl2tpd sets
//! (`flags2`; ppp_unix tests `flags`), and passes `asyncmap` in hex, as
//! pppd reads it (ppp_unix writes it in decimal).

use std::ffi::OsString;
use std::fmt;
use std::net::Ipv4Addr;

use crate::ffi::{text, OlSession};

/// openl2tpd's `L2TP_DEBUG_PPP` trace flag: pppd's `debug`.
const TRACE_PPP: u32 = 1024;
/// `L2TP_API_PPP_SYNCMODE_SYNC`: the profile asks for synchronous PPP.
const SYNC_MODE_SYNC: i32 = 1;

/// Why a session cannot run PPP in the plugin: said in openl2tpd's log,
/// and the session is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The session's PPP profile is not there.
    NoProfile { name: String, error: i32 },
    /// `use_ppp_proxy`: the proxied LCP and authentication are not taken
    /// over (ppp_unix refuses it too).
    PppProxy,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoProfile { name, error } => {
                write!(f, "PPP profile '{name}' not found (error {error})")
            }
            Refusal::PppProxy => f.write_str("PPP proxy requested, which rppp does not support"),
        }
    }
}

/// The option words for one session. Debug hides the password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Words(pub(crate) Vec<OsString>);

impl fmt::Debug for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        let mut hide = false;
        for w in &self.0 {
            if hide {
                list.entry(&"<hidden>");
            } else {
                list.entry(w);
            }
            hide = w == "password";
        }
        list.finish()
    }
}

/// Our tunnel and session ids: how openl2tpd names a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Ids {
    pub(crate) tunnel_id: u16,
    pub(crate) session_id: u16,
}

fn addr(network_order: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from_be(network_order))
}

fn string(field: &[u8; crate::ffi::TEXT]) -> Option<String> {
    let t = text(field);
    (!t.is_empty()).then(|| String::from_utf8_lossy(t).into_owned())
}

struct Builder(Vec<OsString>);

impl Builder {
    fn word(&mut self, w: impl Into<OsString>) {
        self.0.push(w.into());
    }

    fn pair(&mut self, option: &str, value: impl Into<OsString>) {
        self.word(option);
        self.word(value);
    }

    fn number(&mut self, option: &str, value: i32) {
        if value > 0 {
            self.pair(option, value.to_string());
        }
    }
}

/// The words for session `ids` as `s` describes it; `None` when the
/// session has no PPP (`no_ppp`).
pub(crate) fn option_words(s: &OlSession, ids: Ids) -> Result<Option<Words>, Refusal> {
    if s.no_ppp != 0 {
        return Ok(None);
    }
    if s.use_ppp_proxy != 0 {
        return Err(Refusal::PppProxy);
    }
    if s.profile_result < 0 {
        let name = string(&s.ppp_profile_name).unwrap_or_else(|| "default".into());
        return Err(Refusal::NoProfile {
            name,
            error: s.profile_result,
        });
    }
    let mut b = Builder(Vec::with_capacity(64));
    b.pair("plugin", "pppol2tp.so");
    addresses(&mut b, s);
    if s.trace_flags & TRACE_PPP != 0 {
        b.word("debug");
    }
    b.number("mtu", s.mtu);
    b.number("mru", s.mru);
    if s.asyncmap != 0 {
        b.pair("asyncmap", format!("{:x}", s.asyncmap));
    }
    if let Some(name) = string(&s.local_name) {
        b.pair("name", name);
    }
    if let Some(name) = string(&s.remote_name) {
        b.pair("remotename", name);
    }
    if s.use_radius != 0 {
        // As ppp_unix: radiusclient.conf at its default place.
        b.pair("plugin", "radius.so");
    }
    if string(&s.ip_pool_name).is_some() {
        // rppp refuses it with a message that names it.
        b.pair("plugin", "ippool.so");
    }
    if s.sync_mode_set != 0 && s.sync_mode == SYNC_MODE_SYNC {
        // rppp's parser says what `sync` means on a PPPoL2TP link.
        b.word("sync");
    }
    if s.default_route_set != 0 {
        b.word(if s.default_route != 0 {
            "defaultroute"
        } else {
            "nodefaultroute"
        });
    }
    b.word("noipdefault");
    authentication(&mut b, s);
    timers(&mut b, s);
    for w in [
        "noaccomp",
        "nopcomp",
        "nobsdcomp",
        "nodeflate",
        "nopredictor1",
        "novj",
        "novjccomp",
    ] {
        b.word(w);
    }
    if s.multilink != 0 {
        b.word("multilink");
    }
    if s.proxy_arp != 0 {
        b.word("proxyarp");
    }
    l2tp(&mut b, s, ids);
    Ok(Some(Words(b.0)))
}

fn addresses(b: &mut Builder, s: &OlSession) {
    if s.local_ip != 0 || s.peer_ip != 0 {
        let side = |a: u32| {
            if a == 0 {
                String::new()
            } else {
                addr(a).to_string()
            }
        };
        b.word(format!("{}:{}", side(s.local_ip), side(s.peer_ip)));
    }
    for a in [s.dns_1, s.dns_2] {
        if a != 0 {
            b.pair("ms-dns", addr(a).to_string());
        }
    }
    for a in [s.wins_1, s.wins_2] {
        if a != 0 {
            b.pair("ms-wins", addr(a).to_string());
        }
    }
}

/// `refuse-*` for each method the profile refuses, `require-*` when one
/// method alone is left (ppp_unix's rule, for peers that try only one),
/// the session's `user`/`password`, and `auth`/`noauth`: `auth_peer`,
/// else `auth_none`, else `noauth` for a session an administrator
/// created and `auth` for one a peer asked for.
fn authentication(b: &mut Builder, s: &OlSession) {
    let methods = [
        (s.refuse_eap, "eap"),
        (s.refuse_mschapv2, "mschap-v2"),
        (s.refuse_mschap, "mschap"),
        (s.refuse_chap, "chap"),
        (s.refuse_pap, "pap"),
    ];
    for (refused, name) in methods {
        if refused != 0 {
            b.word(format!("refuse-{name}"));
        }
    }
    let left: Vec<&str> = methods
        .iter()
        .filter(|(r, _)| *r == 0)
        .map(|(_, n)| *n)
        .collect();
    if let [only] = left.as_slice() {
        if *only != "eap" {
            b.word(format!("require-{only}"));
        }
    }
    if let Some(user) = string(&s.user_name) {
        b.pair("user", user);
    }
    if let Some(password) = string(&s.user_password) {
        b.pair("password", password);
    }
    let auth = if s.auth_peer != 0 {
        true
    } else if s.auth_none != 0 {
        false
    } else {
        s.created_by_admin == 0
    };
    b.word(if auth { "auth" } else { "noauth" });
}

fn timers(b: &mut Builder, s: &OlSession) {
    let all = [
        ("chap-interval", s.chap_interval),
        ("chap-max-challenge", s.chap_max_challenge),
        ("chap-restart", s.chap_restart),
        ("pap-max-authreq", s.pap_max_auth_requests),
        ("pap-restart", s.pap_restart_interval),
        ("pap-timeout", s.pap_timeout),
        ("idle", s.idle_timeout),
        ("ipcp-max-configure", s.ipcp_max_config_requests),
        ("ipcp-max-failure", s.ipcp_max_config_naks),
        ("ipcp-max-terminate", s.ipcp_max_terminate_requests),
        ("ipcp-restart", s.ipcp_retransmit_interval),
        ("lcp-echo-failure", s.lcp_echo_failure_count),
        ("lcp-echo-interval", s.lcp_echo_interval),
        ("lcp-max-configure", s.lcp_max_config_requests),
        ("lcp-max-failure", s.lcp_max_config_naks),
        ("lcp-max-terminate", s.lcp_max_terminate_requests),
        ("lcp-restart", s.lcp_retransmit_interval),
        ("maxconnect", s.max_connect_time),
        ("maxfail", s.max_failure_count),
    ];
    for (option, value) in all {
        b.number(option, value);
    }
}

fn l2tp(b: &mut Builder, s: &OlSession, ids: Ids) {
    if s.send_seq != 0 {
        b.word("pppol2tp_send_seq");
    }
    if s.recv_seq != 0 {
        b.word("pppol2tp_recv_seq");
    }
    b.number("pppol2tp_reorderto", s.reorder_timeout);
    if s.is_lns != 0 {
        b.word("pppol2tp_lns_mode");
    }
    b.pair("pppol2tp_tunnel_id", ids.tunnel_id.to_string());
    b.pair("pppol2tp_session_id", ids.session_id.to_string());
    if let Some(ifname) = string(&s.interface_name) {
        b.pair("pppol2tp_ifname", ifname);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(field: &mut [u8; crate::ffi::TEXT], value: &str) {
        field[..value.len()].copy_from_slice(value.as_bytes());
    }

    fn lns() -> Box<OlSession> {
        let mut s = OlSession::zeroed();
        s.is_lns = 1;
        s.mtu = 1400;
        s.mru = 1400;
        s.local_ip = u32::from(Ipv4Addr::new(10, 0, 0, 1)).to_be();
        s.peer_ip = u32::from(Ipv4Addr::new(10, 0, 0, 2)).to_be();
        s.dns_1 = u32::from(Ipv4Addr::new(10, 0, 0, 53)).to_be();
        s.auth_peer = 1;
        s.refuse_eap = 1;
        s.refuse_mschap = 1;
        s.refuse_mschapv2 = 1;
        s.refuse_pap = 1;
        s.lcp_echo_interval = 10;
        s.asyncmap = 0xa0000;
        set(&mut s.local_name, "lns");
        s
    }

    fn words(s: &OlSession) -> Vec<String> {
        let ids = Ids {
            tunnel_id: 7,
            session_id: 9,
        };
        let w = option_words(s, ids).unwrap().unwrap();
        w.0.iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect()
    }

    fn has(words: &[String], seq: &[&str]) -> bool {
        words.windows(seq.len()).any(|w| w == seq)
    }

    #[test]
    fn a_chap_lns_profile() {
        let w = words(&lns());
        for seq in [
            &["plugin", "pppol2tp.so"][..],
            &["10.0.0.1:10.0.0.2"],
            &["ms-dns", "10.0.0.53"],
            &["mtu", "1400"],
            &["asyncmap", "a0000"],
            &["name", "lns"],
            &["refuse-pap"],
            &["require-chap"],
            &["auth"],
            &["lcp-echo-interval", "10"],
            &["pppol2tp_lns_mode"],
            &["pppol2tp_tunnel_id", "7", "pppol2tp_session_id", "9"],
        ] {
            assert!(has(&w, seq), "{seq:?} missing from {w:?}");
        }
        assert!(!w
            .iter()
            .any(|w| w == "debug" || w == "noauth" || w.starts_with("require-pap")));
    }

    #[test]
    fn auth_follows_the_profile_then_who_made_the_session() {
        let mut s = OlSession::zeroed();
        assert!(words(&s).contains(&"auth".to_string()));
        s.created_by_admin = 1;
        assert!(words(&s).contains(&"noauth".to_string()));
        s.auth_peer = 1;
        assert!(words(&s).contains(&"auth".to_string()));
        // No require- while several methods are left.
        assert!(!words(&s).iter().any(|w| w.starts_with("require-")));
    }

    #[test]
    fn the_password_is_passed_but_never_shown() {
        let mut s = OlSession::zeroed();
        set(&mut s.user_name, "alice");
        set(&mut s.user_password, "s3cret-word");
        let w = option_words(
            &s,
            Ids {
                tunnel_id: 1,
                session_id: 2,
            },
        )
        .unwrap()
        .unwrap();
        assert!(has(&words(&s), &["password", "s3cret-word"]));
        let shown = format!("{w:?}");
        assert!(!shown.contains("s3cret-word"), "{shown}");
        assert!(shown.contains("alice"));
    }

    #[test]
    fn radius_and_pools_become_plugins() {
        let mut s = OlSession::zeroed();
        s.use_radius = 1;
        set(&mut s.ip_pool_name, "pool1");
        let w = words(&s);
        assert!(has(&w, &["plugin", "radius.so"]));
        assert!(has(&w, &["plugin", "ippool.so"]));
    }

    #[test]
    fn only_an_explicit_sync_mode_passes_sync() {
        let mut s = OlSession::zeroed();
        assert!(!words(&s).contains(&"sync".to_string()));
        s.sync_mode = SYNC_MODE_SYNC;
        assert!(
            !words(&s).contains(&"sync".to_string()),
            "a mode the profile did not set"
        );
        s.sync_mode_set = 1;
        assert!(words(&s).contains(&"sync".to_string()));
    }

    #[test]
    fn refusals() {
        let ids = Ids {
            tunnel_id: 1,
            session_id: 2,
        };
        let mut s = OlSession::zeroed();
        s.no_ppp = 1;
        assert_eq!(option_words(&s, ids), Ok(None));
        s.no_ppp = 0;
        s.use_ppp_proxy = 1;
        assert_eq!(option_words(&s, ids), Err(Refusal::PppProxy));
        s.use_ppp_proxy = 0;
        s.profile_result = -2;
        set(&mut s.ppp_profile_name, "gold");
        let e = option_words(&s, ids).unwrap_err();
        assert_eq!(e.to_string(), "PPP profile 'gold' not found (error -2)");
    }
}
