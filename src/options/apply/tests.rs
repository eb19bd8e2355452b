//! Each option family of [`super::apply`], one option at a time.

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

/// Options after `plugin radius.so` and `plugin radrealms.so`, whose
/// options need them.
fn with_radius() -> Options {
    let mut o = Options::default();
    run(&mut o, "plugin", "radius.so").unwrap();
    run(&mut o, "plugin", "radrealms.so").unwrap();
    o
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
        "avpair" => "NAS-Port-Type=Virtual",
        "radius-order" => "local,radius",
        "radius-interim-interval" => "600",
        _ => "3",
    }
}

#[test]
fn every_applied_option_is_handled() {
    for spec in TABLE {
        if spec.class != Class::Apply || matches!(spec.canonical, "file" | "call" | "+ua") {
            continue;
        }
        let mut o = with_radius();
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
fn each_applied_option_belongs_to_one_family() {
    for spec in TABLE {
        if spec.class != Class::Apply || matches!(spec.canonical, "file" | "call" | "+ua") {
            continue;
        }
        let arg = if spec.args == 1 {
            sample(spec.canonical)
        } else {
            ""
        };
        let given = Given {
            name: spec.canonical,
            written: spec.name,
            arg: arg.as_bytes(),
            source: &at(),
        };
        let owners = FAMILIES
            .iter()
            .filter(|family| {
                let mut o = with_radius();
                matches!(family(&mut o, &mut State::default(), &given), Ok(Some(_)))
            })
            .count();
        assert_eq!(owners, 1, "{}", spec.name);
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
fn proxyarp_needs_a_build_with_rtnetlink() {
    let mut o = Options::default();
    let r = run(&mut o, "proxyarp", "");
    if cfg!(feature = "rtnetlink") {
        assert!(r.is_ok() && o.proxyarp, "{r:?}");
    } else {
        assert!(matches!(r, Err(ErrorKind::NotSupported { .. })), "{r:?}");
        assert!(!o.proxyarp);
    }
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
    run(&mut o, "plugin", "/usr/lib/pppd/2.4.9/radius.so").unwrap();
    run(&mut o, "plugin", "radattr.so").unwrap();
    run(&mut o, "plugin", "radrealms.so").unwrap();
    let radius = o.radius.as_ref().unwrap();
    assert!(radius.radattr && radius.realms_file.is_some());
    for other in ["/usr/lib/pppd/2.5.0/ippool.so", "pppol2tp", "radius"] {
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
    assert!(o.ipv6, "on by default");
    run(&mut o, "noipv6", "").unwrap();
    assert!(!o.ipv6);
    run(&mut o, "+ipv6", "").unwrap();
    assert!(o.ipv6);
    // Identifiers turn IPv6CP on again, as pppd's setifaceid does.
    run(&mut o, "noipv6", "").unwrap();
    run(&mut o, "ipv6", "::4,").unwrap();
    assert!(o.ipv6);
    assert_eq!(o.ipv6cp.local.map(|i| i.0[7]), Some(4));
}
