use std::io;
use std::net::Ipv4Addr;
use std::time::Duration;

use rppp_l2tp::Role;

use super::*;

fn ip(a: u8, b: u8, c: u8, d: u8) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
}

fn range(start: Ipv4Addr, end: Ipv4Addr) -> IpRange {
    IpRange::new(start, end).unwrap()
}

fn allow(start: Ipv4Addr, end: Ipv4Addr) -> RangeRule {
    RangeRule {
        sense: Sense::Allow,
        range: range(start, end),
    }
}

fn parse_str(text: &str) -> Result<Config, ConfigError> {
    parse("/etc/xl2tpd/xl2tpd.conf", text.as_bytes())
}

#[test]
fn a_recipe_lns_parses_to_its_typed_config() {
    let text = include_bytes!("testdata/recipe-lns.conf");
    let config = parse("/etc/xl2tpd/xl2tpd.conf", text).unwrap();
    assert_eq!(config.global, Global::default());
    assert!(config.lns.is_empty() && config.lac.is_empty() && config.lac_default.is_none());
    let lns = config.lns_default.as_ref().unwrap();
    let mut expected = Lns::new("default");
    expected.ip_range.rules = vec![allow(ip(10, 201, 0, 10), ip(10, 201, 0, 250))];
    expected.local_ip = Some(ip(10, 201, 0, 1));
    expected.common.auth = PppAuth {
        require_chap: true,
        refuse_pap: true,
        require_authentication: true,
        ..PppAuth::default()
    };
    expected.common.name = Some("l2tpd".into());
    expected.common.ppp_debug = true;
    expected.common.pppoptfile = Some("/etc/ppp/options.xl2tpd".into());
    expected.common.length_bit = true;
    assert_eq!(lns, &expected);
    // The one key the kernel's data path cannot honour.
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    let w = &config.warnings[0];
    assert_eq!((w.line, w.key.as_str()), (16, "length bit"));
    assert!(w
        .to_string()
        .starts_with("/etc/xl2tpd/xl2tpd.conf:16: key 'length bit': the kernel"));
    // Every peer lands on it: no access control.
    assert_eq!(config.lns_for(ip(198, 51, 100, 7)), Some(lns));
}

#[test]
fn a_lac_section_parses_to_its_typed_config() {
    let config = parse("lac.conf", include_bytes!("testdata/lac.conf")).unwrap();
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert_eq!(config.global.auth_file, "/etc/xl2tpd/l2tp-secrets");
    let lac = config.lac_named("OFFICE").unwrap();
    assert_eq!(
        lac.lns,
        vec![
            LnsHost {
                host: "lns.example.net".into(),
                port: 1702
            },
            LnsHost {
                host: "192.0.2.2".into(),
                port: 1701
            },
        ]
    );
    assert!(lac.autodial && lac.redial && lac.defaultroute);
    assert_eq!(lac.redial_timeout, Duration::from_secs(15));
    assert_eq!(lac.max_redials, Some(5));
    let c = &lac.common;
    assert_eq!(c.section, "office");
    assert_eq!(c.name.as_deref(), Some("alice"));
    assert_eq!(c.hostname.as_deref(), Some("branch-7"));
    assert_eq!(
        c.pppoptfile.as_deref(),
        Some("/etc/ppp/options.l2tpd.client")
    );
    assert!(c.auth.refuse_pap && !c.auth.require_chap && !c.auth.refuse_authentication);
    assert!(c.hidden_bit && c.challenge);
    assert_eq!(
        (c.tunnel_rws, c.tx_bps, c.rx_bps),
        (8, 100_000_000, 50_000_000)
    );

    let tunnel = c.tunnel_config(Role::Lac, &config.global, "router", Some(b"s3cret"));
    assert_eq!(tunnel.role, Role::Lac);
    assert_eq!(tunnel.host_name, b"branch-7");
    assert_eq!(tunnel.secret.as_deref(), Some(&b"s3cret"[..]));
    assert!(tunnel.hide_avps);
    assert_eq!(tunnel.reliable.receive_window, 8);
    assert_eq!(tunnel.reliable.max_retransmits, 5);
    assert_eq!(tunnel.connect_speed, 100_000_000);
    // Without `challenge` or `hidden bit` the secret is not used.
    let plain = Common::new("x").tunnel_config(Role::Lns, &config.global, "router", Some(b"s"));
    assert_eq!((plain.secret, plain.host_name), (None, b"router".to_vec()));
}

#[test]
fn sections_reopen_and_keys_and_values_take_any_case_and_spacing() {
    let config = parse_str(
        "[GLOBAL]\n  Access Control=YES  \n\tlisten-addr =192.0.2.1;c\n\
         [lns a]\nip range = 10.0.0.1 - 10.0.0.5\nno ip range = 10.0.0.3\n\
         [lns b]\nlac = 192.0.2.0-255\n[LNS A]\nip range = 10.0.1.1-1.9\n\
         [lns]\nname = x\n[lns]\nname = y\n[lac default]\nredial = y\n",
    )
    .unwrap();
    assert!(config.global.access_control);
    assert_eq!(config.global.listen_addr, ip(192, 0, 2, 1));
    let names: Vec<_> = config
        .lns
        .iter()
        .map(|l| l.common.section.as_str())
        .collect();
    assert_eq!(names, ["a", "b", "", ""]);
    let a = &config.lns[0].ip_range.rules;
    assert_eq!(a.len(), 3);
    assert_eq!(a[1].sense, Sense::Deny);
    assert_eq!(a[2].range, range(ip(10, 0, 1, 1), ip(10, 0, 1, 9)));
    assert!(config.lac_default.as_ref().unwrap().redial);
    // Access control: only b admits 192.0.2.x; nobody else has a section.
    assert_eq!(
        config.lns_for(ip(192, 0, 2, 9)).map(|l| &*l.common.section),
        Some("b")
    );
    assert_eq!(config.lns_for(ip(198, 51, 100, 1)), None);
}

#[test]
fn lns_for_follows_xl2tpd_order_and_access_control() {
    let text = "[lns first]\nlac = 10.0.0.0-10.0.0.255\n\
                [lns second]\nlac = 10.0.0.0-10.0.0.255\nno lac = 10.0.0.7\n\
                [lns default]\nlac = 10.9.9.9\n";
    let config = parse_str(text).unwrap();
    let pick = |c: &Config, a| c.lns_for(a).map(|l| l.common.section.clone());
    // The last named section is tried first; its `no lac` hands .7 on.
    assert_eq!(pick(&config, ip(10, 0, 0, 1)).as_deref(), Some("second"));
    assert_eq!(pick(&config, ip(10, 0, 0, 7)).as_deref(), Some("first"));
    assert_eq!(pick(&config, ip(10, 9, 9, 9)).as_deref(), Some("default"));
    // No match: the default, unless access control is on.
    assert_eq!(pick(&config, ip(172, 16, 0, 1)).as_deref(), Some("default"));
    let strict = parse_str(&format!("[global]\naccess control = yes\n{text}")).unwrap();
    assert_eq!(pick(&strict, ip(172, 16, 0, 1)), None);
}

/// Each bad input: the line and key its error names, and a piece of the
/// message.
type ErrorCase<'a> = (&'a str, usize, Option<&'a str>, &'a str);

/// Every case's error names the file, its line and its key, and says what
/// is wrong.
fn assert_errors_name_file_line_and_key(cases: &[ErrorCase]) {
    for &(text, line, key, message) in cases {
        let e = parse_str(text).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (line, key), "{e}");
        let shown = e.to_string();
        let place = format!("/etc/xl2tpd/xl2tpd.conf:{line}: ");
        assert!(shown.starts_with(&place), "{shown}");
        if let Some(key) = key {
            assert!(shown.contains(&format!("key '{key}'")), "{shown}");
        }
        assert!(shown.contains(message), "{shown} lacks {message}");
    }
}

/// A line outside any section, an unclosed or unknown section, a line that
/// is neither.
#[test]
fn the_file_structure_errors_name_file_and_line() {
    assert_errors_name_file_line_and_key(&[
        ("port = 1701\n", 1, None, "before any section"),
        ("[global]\n\n[lns x\n", 3, None, "no closing ']'"),
        ("[global]\n[pptp x]\n", 2, None, "unknown section '[pptp]'"),
        (
            "[global]\nport 1701\n",
            2,
            None,
            "expected '[section]' or 'key = value'",
        ),
    ]);
}

/// An unknown key, or a known one in a section that does not take it.
#[test]
fn keys_out_of_place_name_file_line_and_key() {
    assert_errors_name_file_line_and_key(&[
        (
            "[global]\nfrobnicate = yes\n",
            2,
            Some("frobnicate"),
            "unknown key in [global]",
        ),
        (
            "[lns x]\nip  range = 10.0.0.1\n",
            2,
            Some("ip  range"),
            "unknown key",
        ),
        (
            "[global]\nip range = 10.0.0.1\n",
            2,
            Some("ip range"),
            "not valid in [global]",
        ),
        (
            "[lac x]\nexclusive = yes\n",
            2,
            Some("exclusive"),
            "not valid in [lac]",
        ),
        ("[lns x]\nlns = a\n", 2, Some("lns"), "not valid in [lns]"),
        (
            "[lns x]\nlisten-addr = 1.2.3.4\n",
            2,
            Some("listen-addr"),
            "not valid in [lns]",
        ),
    ]);
}

/// Bad values in [global].
#[test]
fn bad_global_values_name_file_line_and_key() {
    assert_errors_name_file_line_and_key(&[
        (
            "[global]\nport = 70000\n",
            2,
            Some("port"),
            "'70000': expected a UDP port",
        ),
        ("[global]\nport = 17x\n", 2, Some("port"), "bad value '17x'"),
        (
            "[global]\nlisten-addr = any\n",
            2,
            Some("listen-addr"),
            "dotted-quad",
        ),
        (
            "[global]\naccess control = maybe\n",
            2,
            Some("access control"),
            "'yes' or 'no'",
        ),
        (
            "[global]\nauth file =\n",
            2,
            Some("auth file"),
            "l2tp-secrets file",
        ),
        (
            "[global]\nrand source = hw\n",
            2,
            Some("rand source"),
            "dev, sys or egd",
        ),
        (
            "[global]\nmax retries = -1\n",
            2,
            Some("max retries"),
            "from 0 to 1000",
        ),
    ]);
}

/// Bad values in [lns].
#[test]
fn bad_lns_values_name_file_line_and_key() {
    assert_errors_name_file_line_and_key(&[
        (
            "[lns x]\nip range = 10.0.0.9-10.0.0.1\n",
            2,
            Some("ip range"),
            "not above the end",
        ),
        (
            "[lns x]\nno lac = trusted.example\n",
            2,
            Some("no lac"),
            "bad value",
        ),
        (
            "[lns x]\nlocal ip = 10.0.0.1\nlocal ip range = 10.0.0.2-9\n",
            3,
            Some("local ip range"),
            "exclude each other",
        ),
        (
            "[lns x]\nlocal ip range = 10.0.0.2-9\nlocal ip = 10.0.0.1\n",
            3,
            Some("local ip"),
            "exclude each other",
        ),
        (
            "[lns x]\ntunnel rws = 0\n",
            2,
            Some("tunnel rws"),
            "from 1 to 65535",
        ),
        ("[lns x]\ncall rws = -2\n", 2, Some("call rws"), "from -1"),
        (
            "[lns x]\ntx bps = 0\n",
            2,
            Some("tx bps"),
            "bits per second",
        ),
        (
            "[lns x]\nunix authentication = yes\n",
            2,
            Some("unix authentication"),
            "not supported",
        ),
        (
            "[lns x]\nrequire chap = sure\n",
            2,
            Some("require chap"),
            "'yes' or 'no'",
        ),
    ]);
}

/// Bad values in [lac].
#[test]
fn bad_lac_values_name_file_line_and_key() {
    assert_errors_name_file_line_and_key(&[
        (
            "[lac x]\nlns = lns.example:0\n",
            2,
            Some("lns"),
            "optional ':PORT'",
        ),
        ("[lac x]\nlns =\n", 2, Some("lns"), "host name or address"),
        (
            "[lac x]\nredial timeout = 0\n",
            2,
            Some("redial timeout"),
            "seconds from 1",
        ),
        (
            "[lac x]\nmax redials = 0\n",
            2,
            Some("max redials"),
            "a number from 1",
        ),
        (
            "[lac x]\nremote ip = peer\n",
            2,
            Some("remote ip"),
            "dotted-quad",
        ),
    ]);
}

#[test]
fn bytes_that_are_not_utf8_are_an_error_outside_comments_only() {
    let e = parse("x.conf", b"[lac x]\nname = caf\xe9\n").unwrap_err();
    assert_eq!((e.line, e.kind), (2, ErrorKind::NotUtf8));
    assert!(parse("x.conf", b"[lac x] ; caf\xe9\nname = a ; \xff\n").is_ok());
}

#[test]
fn an_unreadable_file_is_named() {
    let mut read = |_: &str| -> io::Result<Vec<u8>> { Err(io::ErrorKind::NotFound.into()) };
    let e = load("/etc/xl2tpd/xl2tpd.conf", &mut read).unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e
        .to_string()
        .starts_with("/etc/xl2tpd/xl2tpd.conf: can't read the file"));
    let e = L2tpSecrets::load("/etc/xl2tpd/l2tp-secrets", &mut read).unwrap_err();
    assert!(
        e.to_string().starts_with("/etc/xl2tpd/l2tp-secrets: "),
        "{e}"
    );
}

#[test]
fn keys_rppp_cannot_honour_are_warnings_with_file_and_line() {
    let text = "[global]\nipsec saref = yes\nsaref refinfo = 30\nforce userspace = yes\n\
                debug avp = yes\ndebug network = yes\ndebug packet = yes\ndebug state = yes\n\
                debug tunnel = yes\nrand source = dev\ncap backoff = 10\nmax retries = 9\n\
                debug tunnel = no\nipsec saref = no\n\
                [lns x]\nlength bit = yes\ncall rws = 10\nflow bit = no\n\
                [global] trailing\n";
    let config = parse("c.conf", text.as_bytes()).unwrap();
    let seen: Vec<(usize, &str)> = config
        .warnings
        .iter()
        .map(|w| (w.line, w.key.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (2, "ipsec saref"),
            (3, "saref refinfo"),
            (4, "force userspace"),
            (5, "debug avp"),
            (6, "debug network"),
            (7, "debug packet"),
            (8, "debug state"),
            (9, "debug tunnel"),
            (10, "rand source"),
            (11, "cap backoff"),
            (16, "length bit"),
            (17, "call rws"),
            (18, "flow bit"),
            (19, "[global]"),
        ]
    );
    assert!(config
        .warnings
        .iter()
        .all(|w| w.to_string().starts_with("c.conf:")));
    // max retries has a place: the control channel's retransmissions.
    assert_eq!(config.global.max_retries, 9);
    assert_eq!(config.lns[0].common.call_rws, -1);
}

#[test]
fn secrets_follow_xl2tpd_matching_order() {
    let secrets =
        L2tpSecrets::parse("l2tp-secrets", include_bytes!("testdata/l2tp-secrets")).unwrap();
    assert_eq!(secrets.lines().len(), 4);
    assert_eq!(secrets.lines()[0].line, 2);
    // The first matching line wins, names in any case, `*` for any name;
    // white space inside the secret is kept, the comment dropped.
    assert_eq!(
        secrets.secret_for(b"lns-a", b"lac-1"),
        Some(&b"first secret"[..])
    );
    assert_eq!(
        secrets.secret_for(b"LNS-A", b"LAC-1"),
        Some(&b"first secret"[..])
    );
    assert_eq!(
        secrets.secret_for(b"lns-b", b"lac-1"),
        Some(&b"wildcard-us"[..])
    );
    assert_eq!(
        secrets.secret_for(b"lns-a", b"lac-2"),
        Some(&b"wildcard-them"[..])
    );
    assert_eq!(
        secrets.secret_for(b"lns-b", b"lac-2"),
        Some(&b"catch all"[..])
    );
    assert_eq!(
        secrets.line_for(b"lns-b", b"lac-2").map(|l| l.line),
        Some(5)
    );
    // Without the catch-all line nothing matches.
    let strict = L2tpSecrets::parse("s", b"lns-a lac-1 x\n").unwrap();
    assert_eq!(strict.secret_for(b"lns-a", b"lac-2"), None);
    // A wildcard first shadows the specific lines after it.
    let shadow = L2tpSecrets::parse("s", b"* * any\nlns-a lac-1 specific\n").unwrap();
    assert_eq!(shadow.secret_for(b"lns-a", b"lac-1"), Some(&b"any"[..]));
}

#[test]
fn secrets_errors_name_the_line_and_never_the_secret() {
    for (text, line, missing) in [
        ("# only a comment\nlns-a\n", 2, "them"),
        ("lns-a lac-1 ok\n\nlns-a lac-2 ; hidden\n", 3, "secret"),
    ] {
        let e = L2tpSecrets::parse("/etc/xl2tpd/l2tp-secrets", text.as_bytes()).unwrap_err();
        assert_eq!(
            (e.line, e.kind.clone()),
            (line, ErrorKind::IncompleteSecret { missing })
        );
        assert!(e
            .to_string()
            .starts_with(&format!("/etc/xl2tpd/l2tp-secrets:{line}: ")));
    }
    let secrets = L2tpSecrets::parse("s", b"a b topsecret\n").unwrap();
    assert!(!format!("{secrets:?}").contains("topsecret"));
    assert!(L2tpSecrets::parse("s", b"").unwrap().lines().is_empty());
}
