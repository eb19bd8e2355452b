//! Applying one option to [`Options`], with pppd's meaning (pppd(8), and
//! the option tables of `options.c`, `auth.c`, `lcp.c`, `ipcp.c`,
//! `ipv6cp.c`, `chap-new.c`, `upap.c` and the pppol2tp plugin).
//!
//! Limits that pppd leaves to the kernel or to chance are checked here:
//! `mtu` and `mru` lie in 128..=16384 (pppd's MINMRU and MAXMRU), restart
//! timers are at least 1 s and the `*-max-*` counters at least 1 (0 would
//! make the automaton give up before it starts, or spin).

use rppp_auth::Secret;
use rppp_lcp::FsmConfig;

use super::error::{ErrorKind, Source};
use super::types::{InfoRequest, Options};
use super::value::{self, u32_in};

/// pppd's MINMRU and MAXMRU.
const MIN_MRU: u32 = 128;
const MAX_MRU: u32 = 16384;

/// What the parser remembers between options, beyond [`Options`].
#[derive(Debug, Default)]
pub(crate) struct State {
    /// `nodefaultroute` (as written) and where: `defaultroute` is then
    /// an error (pppd's `OPT_ENABLE`).
    defaultroute_off: Option<(String, Source)>,
    /// `noproxyarp` and where, likewise for `proxyarp`.
    proxyarp_off: Option<(String, Source)>,
    /// Where `pppol2tp` was given: once only.
    pppol2tp_at: Option<Source>,
}

/// The outcome of an option that applied.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// Done.
    Done,
    /// Done, and the user should know this.
    Warn(&'static str),
}

/// The plugins rppp has built in, by file name (any directory).
fn plugin(options: &mut Options, arg: &[u8]) -> Result<Applied, ErrorKind> {
    let path = value::utf8(arg)?;
    let file = path.rsplit('/').next().unwrap_or(path);
    match file {
        "pppol2tp.so" => options.plugins.pppol2tp = true,
        "openl2tp.so" => options.plugins.openl2tp = true,
        "passwordfd.so" => options.plugins.passwordfd = true,
        _ => {
            return Err(ErrorKind::UnknownPlugin {
                plugin: path.to_string(),
            })
        }
    }
    Ok(Applied::Done)
}

/// `set NAME=VALUE` and `unset NAME`.
fn environment(options: &mut Options, set: bool, arg: &[u8]) -> Result<Applied, ErrorKind> {
    let text = value::utf8(arg)?;
    let bad = |expected| ErrorKind::BadValue {
        value: text.to_string(),
        expected,
    };
    let entry = if set {
        match text.split_once('=') {
            Some((name, value)) if !name.is_empty() => (name.to_string(), Some(value.to_string())),
            _ => return Err(bad("NAME=VALUE")),
        }
    } else {
        if text.is_empty() || text.contains('=') {
            return Err(bad("a variable name without '='"));
        }
        (text.to_string(), None)
    };
    options.env.push(entry);
    Ok(Applied::Done)
}

/// The `*-restart` and `*-max-*` options of one automaton.
fn fsm(fsm: &mut FsmConfig, which: &str, arg: &[u8]) -> Result<(), ErrorKind> {
    match which {
        "restart" => fsm.restart_interval = value::seconds(arg, 1)?,
        "max-terminate" => fsm.max_terminate = u32_in(arg, 1, u32::MAX)?,
        "max-configure" => fsm.max_configure = u32_in(arg, 1, u32::MAX)?,
        "max-failure" => fsm.max_failure = u32_in(arg, 1, u32::MAX)?,
        _ => return Err(ErrorKind::UnknownOption),
    }
    Ok(())
}

/// Applies the option `name` (its canonical name) with its argument `arg`
/// (empty for an option without one).
pub(crate) fn apply(
    options: &mut Options,
    state: &mut State,
    name: &str,
    written: &str,
    arg: &[u8],
    source: &Source,
) -> Result<Applied, ErrorKind> {
    let o = options;
    match name {
        // options.c
        "debug" => o.debug = o.debug.saturating_add(1),
        "kdebug" => o.kdebug = u32_in(arg, 0, i32::MAX as u32)?,
        "nodetach" => o.nodetach = true,
        "updetach" => {
            o.updetach = true;
            o.nodetach = false;
        }
        "holdoff" => o.holdoff = value::seconds(arg, 0)?,
        "idle" => o.idle = value::seconds_or_off(arg)?,
        "maxconnect" => o.maxconnect = value::seconds_or_off(arg)?,
        "domain" => o.auth.domain = Some(arg.to_vec()),
        "persist" => {
            o.persist = true;
            return Ok(Applied::Warn(
                "not applicable: the L2TP daemon starts rppp again for a new session; rppp never redials",
            ));
        }
        "nopersist" => o.persist = false,
        "--version" => o.request = Some(InfoRequest::Version),
        "--help" => o.request = Some(InfoRequest::Help),
        "logfile" => o.logfile = Some(value::utf8(arg)?.to_string()),
        "logfd" => o.logfd = Some(value::fd(arg)?),
        "nolog" => o.logfd = Some(-1),
        "linkname" => o.linkname = Some(value::utf8(arg)?.to_string()),
        "maxfail" => o.maxfail = u32_in(arg, 0, u32::MAX)?,
        "unit" => o.unit = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "ifname" => o.ifname = Some(value::interface_name(arg)?),
        "dump" => o.dump = true,
        "dryrun" => o.dryrun = true,
        "child-timeout" => o.child_timeout = value::seconds(arg, 0)?,
        "set" => return environment(o, true, arg),
        "unset" => return environment(o, false, arg),
        "defaultroute-metric" => o.defaultroute_metric = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "multilink" => {
            o.multilink = true;
            return Ok(Applied::Warn(
                "multilink is not supported: this link is never bundled with others",
            ));
        }
        "nomultilink" => o.multilink = false,
        "plugin" => return plugin(o, arg),

        // auth.c: the policy options, `require-chap` meaning CHAP-MD5 only.
        "auth" | "noauth" | "require-pap" | "require-chap" | "require-mschap"
        | "require-mschap-v2" => {
            o.auth.policy.apply_option(name);
            o.auth.explicit = true;
        }
        "refuse-pap" | "refuse-chap" | "refuse-mschap" | "refuse-mschap-v2" | "refuse-eap" => {
            o.auth.policy.apply_option(name);
        }
        "name" => o.auth.name = Some(arg.to_vec()),
        "user" => o.auth.user = Some(arg.to_vec()),
        "password" => o.auth.password = Some(Secret::new(arg)),
        "usehostname" => o.auth.usehostname = true,
        "remotename" => o.auth.remote_name = Some(arg.to_vec()),
        "pap-secrets" => o.auth.pap_secrets = value::utf8(arg)?.to_string(),
        "chap-secrets" => o.auth.chap_secrets = value::utf8(arg)?.to_string(),
        "chap-restart" => o.auth.chap_restart = value::seconds(arg, 1)?,
        "chap-max-challenge" => o.auth.chap_max_challenge = u32_in(arg, 1, u32::MAX)?,
        "chap-interval" => o.auth.chap_interval = value::seconds_or_off(arg)?,
        "pap-restart" => o.auth.pap_restart = value::seconds(arg, 1)?,
        "pap-max-authreq" => o.auth.pap_max_authreq = u32_in(arg, 1, u32::MAX)?,
        "pap-timeout" => o.auth.pap_timeout = value::seconds_or_off(arg)?,
        "ms-ignore-domain" => o.auth.ms_ignore_domain = true,
        "hide-password" => o.show_password = false,
        "show-password" => o.show_password = true,

        // lcp.c
        "noaccomp" => o.lcp.accept_acfc = false,
        "nopcomp" => o.lcp.accept_pfc = false,
        // Repeated asyncmap options are ORed together (pppd(8)); after
        // default-asyncmap the map is all ones.
        "asyncmap" => {
            let map = value::hex_u32(arg)?;
            o.lcp.asyncmap = Some(o.lcp.asyncmap.unwrap_or(u32::MAX) | map);
        }
        "default-asyncmap" => o.lcp.asyncmap = None,
        "nomagic" => o.lcp.magic_number = false,
        "mru" => o.lcp.mru = u32_in(arg, MIN_MRU, MAX_MRU)? as u16,
        "default-mru" => o.lcp.mru = 1500,
        "mtu" => o.lcp.mtu = u32_in(arg, MIN_MRU, MAX_MRU)? as u16,
        "passive" => o.lcp.fsm.passive = true,
        "silent" => o.lcp.fsm.silent = true,
        "lcp-echo-failure" => o.lcp.echo_failure = u32_in(arg, 0, u32::MAX)?,
        "lcp-echo-interval" => o.lcp.echo_interval = value::seconds_or_off(arg)?,
        "lcp-restart" | "lcp-max-terminate" | "lcp-max-configure" | "lcp-max-failure" => {
            fsm(&mut o.lcp.fsm, &name["lcp-".len()..], arg)?
        }

        // ipcp.c
        "ms-dns" => o.ipcp.push_ms_dns(value::ipv4(arg)?),
        "ms-wins" => o.ipcp.push_ms_wins(value::ipv4(arg)?),
        "ipcp-accept-local" => o.ipcp.accept_local = true,
        "ipcp-accept-remote" => o.ipcp.accept_remote = true,
        "noipdefault" => o.ipcp.noipdefault = true,
        "ipcp-restart" | "ipcp-max-terminate" | "ipcp-max-configure" | "ipcp-max-failure" => {
            fsm(&mut o.ipcp.fsm, &name["ipcp-".len()..], arg)?
        }
        "defaultroute" => {
            if let Some((by, at)) = &state.defaultroute_off {
                return Err(ErrorKind::Disabled {
                    by: by.clone(),
                    at: at.clone(),
                });
            }
            o.defaultroute = true;
        }
        "nodefaultroute" => {
            o.defaultroute = false;
            state.defaultroute_off = Some((written.to_string(), source.clone()));
        }
        "replacedefaultroute" => o.replacedefaultroute = true,
        "noreplacedefaultroute" => o.replacedefaultroute = false,
        "proxyarp" => {
            if let Some((by, at)) = &state.proxyarp_off {
                return Err(ErrorKind::Disabled {
                    by: by.clone(),
                    at: at.clone(),
                });
            }
            o.proxyarp = true;
        }
        "noproxyarp" => {
            o.proxyarp = false;
            state.proxyarp_off = Some((written.to_string(), source.clone()));
        }
        "usepeerdns" => o.ipcp.use_peer_dns = true,
        "usepeerwins" => o.ipcp.use_peer_wins = true,
        "ipparam" => o.ipparam = Some(value::utf8(arg)?.to_string()),
        "ip-pre-up-script" => o.scripts.ip_pre_up = Some(value::utf8(arg)?.to_string()),
        "ip-up-script" => o.scripts.ip_up = Some(value::utf8(arg)?.to_string()),
        "ip-down-script" => o.scripts.ip_down = Some(value::utf8(arg)?.to_string()),

        // ipv6cp.c
        "ipv6" => {
            let (local, remote) = value::interface_ids(arg)?;
            if local.is_some() {
                o.ipv6cp.local = local;
            }
            if remote.is_some() {
                o.ipv6cp.remote = remote;
            }
        }
        "+ipv6" => o.ipv6 = true,
        "noipv6" => o.ipv6 = false,
        "ipv6cp-accept-local" => o.ipv6cp.accept_local = true,
        "ipv6cp-accept-remote" => o.ipv6cp.accept_remote = true,
        "ipv6cp-use-ipaddr" => o.ipv6cp_use_ipaddr = true,
        "ipv6cp-restart"
        | "ipv6cp-max-terminate"
        | "ipv6cp-max-configure"
        | "ipv6cp-max-failure" => fsm(&mut o.ipv6cp.fsm, &name["ipv6cp-".len()..], arg)?,
        "ipv6-up-script" => o.scripts.ipv6_up = Some(value::utf8(arg)?.to_string()),
        "ipv6-down-script" => o.scripts.ipv6_down = Some(value::utf8(arg)?.to_string()),

        // plugins/pppol2tp/pppol2tp.c
        "pppol2tp" => {
            if let Some(first) = &state.pppol2tp_at {
                return Err(ErrorKind::Repeated {
                    first: first.clone(),
                });
            }
            o.pppol2tp.fd = Some(value::fd(arg)?);
            state.pppol2tp_at = Some(source.clone());
        }
        "pppol2tp_lns_mode" => o.pppol2tp.lns_mode = true,
        "pppol2tp_send_seq" => o.pppol2tp.send_seq = true,
        "pppol2tp_recv_seq" => o.pppol2tp.recv_seq = true,
        "pppol2tp_reorderto" => {
            o.pppol2tp.reorder_timeout_ms = Some(u32_in(arg, 0, i32::MAX as u32)?)
        }
        "pppol2tp_debug_mask" => o.pppol2tp.debug_mask = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "pppol2tp_ifname" => o.pppol2tp.ifname = Some(value::interface_name(arg)?),
        "pppol2tp_tunnel_id" => o.pppol2tp.tunnel_id = Some(u32_in(arg, 0, u32::MAX)?),
        "pppol2tp_session_id" => o.pppol2tp.session_id = Some(u32_in(arg, 0, u32::MAX)?),

        // plugins/passwordfd.c
        "passwordfd" => o.auth.passwordfd = Some(value::fd(arg)?),

        _ => return Err(ErrorKind::UnknownOption),
    }
    Ok(Applied::Done)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use rppp_lcp::{AuthMethod, AuthMethods};

    use super::super::table::{Class, TABLE};
    use super::*;

    fn at() -> Source {
        Source::CommandLine { arg: 1 }
    }

    fn run(o: &mut Options, name: &str, arg: &str) -> Result<Applied, ErrorKind> {
        apply(o, &mut State::default(), name, name, arg.as_bytes(), &at())
    }

    /// A plausible argument for each option that takes one.
    fn sample(name: &str) -> &'static str {
        match name {
            "plugin" => "pppol2tp.so",
            "ms-dns" | "ms-wins" => "8.8.8.8",
            "ipv6" => "::1,::2",
            "asyncmap" => "0",
            "mru" | "mtu" => "1400",
            "ifname" | "pppol2tp_ifname" => "l2tp0",
            "set" => "A=b",
            "unset" => "A",
            _ => "3",
        }
    }

    #[test]
    fn every_applied_option_is_handled() {
        for spec in TABLE {
            if spec.class != Class::Apply || matches!(spec.canonical, "file" | "call" | "+ua") {
                continue;
            }
            let mut o = Options::default();
            let arg = if spec.args == 1 {
                sample(spec.canonical)
            } else {
                ""
            };
            let result = apply(
                &mut o,
                &mut State::default(),
                spec.canonical,
                spec.name,
                arg.as_bytes(),
                &at(),
            );
            assert!(result.is_ok(), "{}: {result:?}", spec.name);
        }
    }

    #[test]
    fn lcp_values() {
        let mut o = Options::default();
        run(&mut o, "mtu", "1410").unwrap();
        run(&mut o, "mru", "1280").unwrap();
        assert_eq!((o.lcp.mtu, o.lcp.mru), (1410, 1280));
        assert!(matches!(
            run(&mut o, "mru", "127"),
            Err(ErrorKind::OutOfRange {
                min: 128,
                max: 16384,
                ..
            })
        ));
        assert!(run(&mut o, "mtu", "16385").is_err());
        run(&mut o, "asyncmap", "000a0000").unwrap();
        run(&mut o, "asyncmap", "0x20000000").unwrap();
        assert_eq!(o.lcp.asyncmap, Some(0x200a_0000));
        run(&mut o, "default-asyncmap", "").unwrap();
        assert_eq!(o.lcp.asyncmap, None);
        run(&mut o, "asyncmap", "1").unwrap();
        assert_eq!(o.lcp.asyncmap, Some(u32::MAX));
        run(&mut o, "lcp-echo-interval", "30").unwrap();
        run(&mut o, "lcp-echo-failure", "4").unwrap();
        assert_eq!(o.lcp.echo_interval, Some(Duration::from_secs(30)));
        assert_eq!(o.lcp.echo_failure, 4);
        run(&mut o, "lcp-echo-interval", "0").unwrap();
        assert_eq!(o.lcp.echo_interval, None);
        run(&mut o, "lcp-restart", "2").unwrap();
        run(&mut o, "lcp-max-configure", "20").unwrap();
        run(&mut o, "lcp-max-terminate", "3").unwrap();
        run(&mut o, "lcp-max-failure", "7").unwrap();
        assert_eq!(o.lcp.fsm.restart_interval, Duration::from_secs(2));
        assert_eq!(
            (
                o.lcp.fsm.max_configure,
                o.lcp.fsm.max_terminate,
                o.lcp.fsm.max_failure
            ),
            (20, 3, 7)
        );
        assert!(run(&mut o, "lcp-restart", "0").is_err());
        assert!(run(&mut o, "lcp-max-configure", "0").is_err());
        for (name, check) in [
            (
                "noaccomp",
                &(|o: &Options| !o.lcp.accept_acfc) as &dyn Fn(&Options) -> bool,
            ),
            ("nopcomp", &|o: &Options| !o.lcp.accept_pfc),
            ("nomagic", &|o: &Options| !o.lcp.magic_number),
            ("passive", &|o: &Options| o.lcp.fsm.passive),
            ("silent", &|o: &Options| o.lcp.fsm.silent),
        ] {
            let mut o = Options::default();
            assert!(!check(&o), "{name}");
            run(&mut o, name, "").unwrap();
            assert!(check(&o), "{name}");
        }
    }

    #[test]
    fn ipcp_values() {
        let mut o = Options::default();
        for dns in ["8.8.8.8", "8.8.4.4", "1.1.1.1"] {
            run(&mut o, "ms-dns", dns).unwrap();
        }
        assert_eq!(
            o.ipcp.ms_dns,
            [
                Some(Ipv4Addr::new(8, 8, 4, 4)),
                Some(Ipv4Addr::new(1, 1, 1, 1))
            ]
        );
        run(&mut o, "ms-wins", "10.0.0.5").unwrap();
        assert_eq!(o.ipcp.ms_wins, [Some(Ipv4Addr::new(10, 0, 0, 5)); 2]);
        assert!(matches!(
            run(&mut o, "ms-dns", "dns.example"),
            Err(ErrorKind::BadAddress { .. })
        ));
        run(&mut o, "ipcp-max-failure", "30").unwrap();
        assert_eq!(o.ipcp.fsm.max_failure, 30);
        run(&mut o, "usepeerdns", "").unwrap();
        assert!(o.ipcp.use_peer_dns);
    }

    #[test]
    fn nodefaultroute_disables_defaultroute_as_in_pppd() {
        let mut o = Options::default();
        let mut state = State::default();
        let file = Source::File {
            path: "/etc/ppp/options.lac".into(),
            line: 3,
        };
        apply(
            &mut o,
            &mut state,
            "defaultroute",
            "defaultroute",
            b"",
            &at(),
        )
        .unwrap();
        assert!(o.defaultroute);
        apply(
            &mut o,
            &mut state,
            "nodefaultroute",
            "-defaultroute",
            b"",
            &file,
        )
        .unwrap();
        assert!(!o.defaultroute);
        assert_eq!(
            apply(
                &mut o,
                &mut state,
                "defaultroute",
                "defaultroute",
                b"",
                &at()
            ),
            Err(ErrorKind::Disabled {
                by: "-defaultroute".into(),
                at: file.clone()
            })
        );
        apply(&mut o, &mut state, "noproxyarp", "noproxyarp", b"", &file).unwrap();
        assert!(matches!(
            apply(&mut o, &mut state, "proxyarp", "proxyarp", b"", &at()),
            Err(ErrorKind::Disabled { .. })
        ));
    }

    #[test]
    fn auth_options_build_the_policy() {
        let mut o = Options::default();
        for name in ["refuse-pap", "auth", "require-chap", "require-mschap-v2"] {
            run(&mut o, name, "").unwrap();
        }
        let p = o.auth.policy;
        assert!(p.auth_required && o.auth.explicit);
        assert_eq!(
            p.peer_methods(),
            [AuthMethod::ChapMd5, AuthMethod::MsChapV2]
                .into_iter()
                .collect::<AuthMethods>()
        );
        assert!(!p.our_methods().contains(AuthMethod::Pap));
        run(&mut o, "password", "s3cret").unwrap();
        assert_eq!(
            o.auth.password.as_ref().map(|s| s.expose()),
            Some(&b"s3cret"[..])
        );
        assert!(!format!("{o:?}").contains("s3cret"));
    }

    #[test]
    fn plugins_by_file_name() {
        let mut o = Options::default();
        run(&mut o, "plugin", "/usr/lib/pppd/2.4.9/pppol2tp.so").unwrap();
        run(&mut o, "plugin", "openl2tp.so").unwrap();
        run(&mut o, "plugin", "passwordfd.so").unwrap();
        assert!(o.plugins.pppol2tp && o.plugins.openl2tp && o.plugins.passwordfd);
        for other in ["radius.so", "/usr/lib/pppd/2.5.0/ippool.so", "pppol2tp"] {
            assert!(
                matches!(
                    run(&mut o, "plugin", other),
                    Err(ErrorKind::UnknownPlugin { .. })
                ),
                "{other}"
            );
        }
    }

    #[test]
    fn pppol2tp_once_and_ids() {
        let mut o = Options::default();
        let mut state = State::default();
        apply(&mut o, &mut state, "pppol2tp", "pppol2tp", b"7", &at()).unwrap();
        assert_eq!(o.pppol2tp.fd, Some(7));
        assert_eq!(
            apply(&mut o, &mut state, "pppol2tp", "pppol2tp", b"8", &at()),
            Err(ErrorKind::Repeated { first: at() })
        );
        run(&mut o, "pppol2tp_tunnel_id", "42162").unwrap();
        run(&mut o, "pppol2tp_session_id", "4294967295").unwrap();
        assert_eq!(o.pppol2tp.tunnel_id, Some(42162));
        assert_eq!(o.pppol2tp.session_id, Some(u32::MAX));
        assert!(run(&mut o, "pppol2tp", "-1").is_err());
        assert!(run(&mut o, "pppol2tp_ifname", "much-too-long-name").is_err());
    }

    #[test]
    fn environment_and_ipv6() {
        let mut o = Options::default();
        run(&mut o, "set", "A=b=c").unwrap();
        run(&mut o, "unset", "B").unwrap();
        assert_eq!(
            o.env,
            [
                ("A".to_string(), Some("b=c".to_string())),
                ("B".to_string(), None)
            ]
        );
        assert!(run(&mut o, "set", "=x").is_err());
        assert!(run(&mut o, "unset", "A=b").is_err());
        run(&mut o, "ipv6", "::1,::2").unwrap();
        run(&mut o, "ipv6", ",::3").unwrap();
        assert_eq!(o.ipv6cp.local.map(|i| i.0[7]), Some(1));
        assert_eq!(o.ipv6cp.remote.map(|i| i.0[7]), Some(3));
        assert!(!o.ipv6);
        run(&mut o, "+ipv6", "").unwrap();
        assert!(o.ipv6);
    }
}
