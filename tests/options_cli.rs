//! The pppd-compatible command line and options files, against the argv
//! xl2tpd and openl2tpd really pass and the options files their examples
//! and common L2TP/IPsec deployments use (fixtures in
//! `src/options/testdata/`), and every error path.

use std::collections::HashMap;
use std::io;
use std::net::Ipv4Addr;
use std::time::Duration;

use rppp::lcp::{AuthMethod, AuthMethods};
use rppp::options::{
    mentions_pppol2tp, parse, Context, ErrorKind, Options, OptionsError, Pppol2tpOptions, Source,
};
use rppp::session::Role;

const XL2TPD_SAMPLE: &str = include_str!("../src/options/testdata/ppp-options.xl2tpd");
const L2TPD_LNS: &str = include_str!("../src/options/testdata/options.l2tpd.lns");
const SETUP_IPSEC_VPN: &str =
    include_str!("../src/options/testdata/setup-ipsec-vpn.options.xl2tpd");
const L2TPD_CLIENT: &str = include_str!("../src/options/testdata/options.l2tpd.client");
const CHAP_SECRETS: &str = include_str!("../src/options/testdata/chap-secrets");
const RADIUS_OPTIONS: &str = include_str!("../src/options/testdata/radius/options.xl2tpd.radius");
const RADIUSCLIENT_CONF: &str = include_str!("../src/options/testdata/radius/radiusclient.conf");
const RADIUS_SERVERS: &str = include_str!("../src/options/testdata/radius/servers");
const RADIUS_DICTIONARY: &str = include_str!("../src/options/testdata/radius/dictionary");
const RADIUS_MICROSOFT: &str = include_str!("../src/options/testdata/radius/dictionary.microsoft");

/// An in-memory file system: path to contents.
struct Files(HashMap<String, Vec<u8>>);

impl Files {
    fn new(files: &[(&str, &str)]) -> Files {
        Files(
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn reader(&self) -> impl FnMut(&str) -> io::Result<Vec<u8>> + '_ {
        move |path| {
            self.0
                .get(path)
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        }
    }

    fn parse(&self, argv: &str) -> Result<Options, OptionsError> {
        let args: Vec<&str> = argv.split_whitespace().collect();
        parse(&args, &Context::new(true), &mut self.reader())
    }
}

fn ip(a: u8, b: u8, c: u8, d: u8) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
}

fn methods(list: &[AuthMethod]) -> AuthMethods {
    list.iter().copied().collect()
}

fn warned(o: &Options) -> Vec<&str> {
    o.warnings.iter().map(|w| w.option.as_str()).collect()
}

/// DESIGN.md's captured xl2tpd LNS argv, with xl2tpd's sample pppoptfile.
#[test]
fn xl2tpd_lns_argv_with_the_sample_options_file() {
    let files = Files::new(&[
        ("/etc/ppp/options.lns", XL2TPD_SAMPLE),
        ("/etc/ppp/chap-secrets", "client lns secret *\n"),
    ]);
    let argv = "plugin pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 42162 \
                pppol2tp_session_id 58224 passive nodetach 10.201.0.1:10.201.0.2 refuse-pap \
                auth require-chap name lns debug file /etc/ppp/options.lns";
    let o = files.parse(argv).unwrap();
    assert!(mentions_pppol2tp(
        &argv.split_whitespace().collect::<Vec<_>>()
    ));
    assert!(o.is_l2tp() && o.plugins.pppol2tp && !o.plugins.openl2tp);
    assert_eq!(o.pppol2tp.fd, Some(7));
    assert!(o.pppol2tp.lns_mode);
    assert_eq!(o.pppol2tp.tunnel_id, Some(42162));
    assert_eq!(o.pppol2tp.session_id, Some(58224));
    // Only what the daemon passed: no sequence numbers, no reorder timeout.
    assert_eq!(
        o.pppol2tp,
        Pppol2tpOptions {
            fd: Some(7),
            lns_mode: true,
            tunnel_id: Some(42162),
            session_id: Some(58224),
            ..Default::default()
        }
    );
    assert!(o.lcp.fsm.passive && o.nodetach);
    assert_eq!(o.ipcp.local, Some(ip(10, 201, 0, 1)));
    assert_eq!(o.ipcp.remote, Some(ip(10, 201, 0, 2)));
    assert!(o.ipcp.accept_local && o.ipcp.accept_remote);
    assert_eq!(
        o.ipcp.ms_dns,
        [Some(ip(192, 168, 1, 1)), Some(ip(192, 168, 1, 3))]
    );
    assert_eq!(
        o.ipcp.ms_wins,
        [Some(ip(192, 168, 1, 2)), Some(ip(192, 168, 1, 4))]
    );
    assert_eq!(o.idle, Some(Duration::from_secs(1800)));
    assert_eq!((o.lcp.mtu, o.lcp.mru), (1410, 1410));
    assert!(!o.defaultroute && o.proxyarp);
    assert_eq!(o.debug, 2, "debug on the command line and in the file");
    assert_eq!(o.auth.name.as_deref(), Some(&b"lns"[..]));
    assert_eq!(warned(&o), ["crtscts", "lock", "connect-delay"]);
    assert!(o.warnings[0]
        .to_string()
        .starts_with("/etc/ppp/options.lns:"));

    let config = o.session_config(b"host", &mut files.reader()).unwrap();
    assert_eq!(config.role, Role::Lns);
    assert_eq!(config.lcp.require, methods(&[AuthMethod::ChapMd5]));
    assert_eq!(config.lcp.allow, AuthMethods::NONE, "no secret of our own");
    assert_eq!(config.lcp.mtu, 1410);
    assert_eq!(config.auth.name, b"lns");
    assert_eq!(config.ipcp.local, Some(ip(10, 201, 0, 1)));
    // As pppd 2.4.9 and 2.5 do without noipv6: IPv6CP too.
    assert!(config.ipv6cp.is_some());
}

/// DESIGN.md's xl2tpd LAC argv, with a typical client file.
#[test]
fn xl2tpd_lac_argv_with_a_client_file() {
    let files = Files::new(&[("/etc/ppp/options.lac", L2TPD_CLIENT)]);
    let o = files
        .parse("plugin pppol2tp.so pppol2tp 7 passive nodetach : refuse-pap name lac debug file /etc/ppp/options.lac")
        .unwrap();
    assert_eq!(o.role(), Role::Lac);
    assert_eq!(
        o.pppol2tp,
        Pppol2tpOptions {
            fd: Some(7),
            ..Default::default()
        }
    );
    assert_eq!((o.ipcp.local, o.ipcp.remote), (None, None));
    // The file's later `name` wins over the command line's.
    assert_eq!(o.auth.name.as_deref(), Some(&b"vpn user"[..]));
    assert_eq!(
        o.auth.password.as_ref().map(|s| s.expose()),
        Some(&b"pa ss#word"[..])
    );
    assert!(!format!("{o:?}").contains("pa ss#word"));
    // require-mschap-v2 then noauth: the peer need not authenticate.
    assert!(!o.auth.policy.auth_required);
    assert!(o.defaultroute && o.ipcp.use_peer_dns);
    assert_eq!(warned(&o), ["connect-delay"]);

    // With a password nothing is read; every method but PAP is allowed.
    let config = o
        .session_config(b"host", &mut |p: &str| -> io::Result<Vec<u8>> {
            panic!("no file needed, read {p}")
        })
        .unwrap();
    assert_eq!(config.lcp.require, AuthMethods::NONE);
    assert_eq!(config.lcp.allow, AuthMethods::ALL.without(AuthMethod::Pap));
    assert_eq!(config.auth.user, b"vpn user");
}

/// xl2tpd's LAC with a password in xl2tpd.conf: passwordfd.
#[test]
fn xl2tpd_lac_with_passwordfd() {
    let files = Files::new(&[]);
    let o = files
        .parse("plugin pppol2tp.so pppol2tp 7 passive nodetach : refuse-pap refuse-chap name lac defaultroute plugin passwordfd.so passwordfd 9")
        .unwrap();
    assert!(o.plugins.passwordfd);
    assert_eq!(o.auth.passwordfd, Some(9));
    assert!(o.defaultroute);
    let config = o.session_config(b"host", &mut files.reader()).unwrap();
    assert_eq!(
        config.lcp.allow,
        methods(&[AuthMethod::MsChap, AuthMethod::MsChapV2])
    );
}

/// The options.l2tpd.lns of many how-tos, under xl2tpd's LNS argv.
#[test]
fn options_l2tpd_lns() {
    let files = Files::new(&[
        ("/etc/ppp/options.l2tpd.lns", L2TPD_LNS),
        ("/etc/ppp/chap-secrets", CHAP_SECRETS),
    ]);
    let o = files
        .parse("plugin /usr/lib/pppd/2.4.9/pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 1 pppol2tp_session_id 2 passive nodetach 192.168.42.1:192.168.42.10 refuse-pap auth require-chap name lns debug file /etc/ppp/options.l2tpd.lns ipparam 203.0.113.7")
        .unwrap();
    assert_eq!(o.auth.name.as_deref(), Some(&b"l2tpd"[..]));
    assert_eq!(o.ipparam.as_deref(), Some("203.0.113.7"));
    assert_eq!(o.ipcp.ms_dns, [Some(ip(8, 8, 8, 8)); 2]);
    let config = o.session_config(b"host", &mut files.reader()).unwrap();
    assert_eq!(
        config.lcp.require,
        methods(&[AuthMethod::ChapMd5, AuthMethod::MsChapV2])
    );
    assert_eq!(config.auth.chap_secrets.entries().len(), 2);
}

/// hwdsl2's setup-ipsec-vpn: xl2tpd.conf with `require chap`, `refuse pap`,
/// `require authentication`, `name = l2tpd`, and its options.xl2tpd.
#[test]
fn setup_ipsec_vpn() {
    let files = Files::new(&[
        ("/etc/ppp/options.xl2tpd", SETUP_IPSEC_VPN),
        ("/etc/ppp/chap-secrets", CHAP_SECRETS),
    ]);
    let o = files
        .parse("plugin pppol2tp.so pppol2tp 8 pppol2tp_lns_mode pppol2tp_tunnel_id 9 pppol2tp_session_id 10 passive nodetach 192.168.42.1:192.168.42.10 refuse-pap auth require-chap name l2tpd file /etc/ppp/options.xl2tpd")
        .unwrap();
    assert_eq!((o.lcp.mtu, o.lcp.mru), (1280, 1280));
    assert_eq!(o.lcp.echo_interval, Some(Duration::from_secs(30)));
    assert_eq!(o.lcp.echo_failure, 4);
    assert_eq!(o.ipcp.ms_dns, [Some(ip(8, 8, 8, 8)), Some(ip(8, 8, 4, 4))]);
    assert!(o.proxyarp);
    let config = o.session_config(b"vpnserver", &mut files.reader()).unwrap();
    assert_eq!(
        config.lcp.require,
        methods(&[AuthMethod::MsChapV2, AuthMethod::ChapMd5])
    );
    assert_eq!(config.lcp.require.preferred(), Some(AuthMethod::MsChapV2));
    assert_eq!(config.auth.name, b"l2tpd");
    let entry = config
        .auth
        .chap_secrets
        .lookup(b"vpnuser", b"l2tpd")
        .unwrap();
    assert_eq!(entry.secret.expose(), b"s3cret pass");
}

/// openl2tpd's argv (plugins/ppp_unix.c), LNS with everything it can pass.
#[test]
fn openl2tpd_argv() {
    let files = Files::new(&[("/etc/ppp/pap-secrets", "* lns pw *\n")]);
    let argv = "10.0.0.1:10.0.0.2 ms-dns 10.0.0.53 ms-dns 10.0.0.54 ms-wins 10.0.0.55 \
        debug kdebug 7 mtu 1460 mru 1460 name lns nodefaultroute noipdefault sync \
        refuse-eap refuse-mschap-v2 refuse-mschap refuse-chap require-pap \
        asyncmap 0 chap-interval 60 chap-max-challenge 5 chap-restart 4 \
        pap-max-authreq 6 pap-restart 5 pap-timeout 20 idle 600 \
        ipcp-max-configure 12 ipcp-max-failure 20 ipcp-max-terminate 3 ipcp-restart 2 \
        lcp-echo-failure 3 lcp-echo-interval 60 lcp-max-configure 11 lcp-max-failure 6 \
        lcp-max-terminate 4 lcp-restart 2 maxconnect 86400 maxfail 1 \
        nodetach local auth noaccomp nopcomp nobsdcomp nodeflate nopredictor1 novj novjccomp \
        noendpoint nomp proxyarp plugin pppol2tp.so plugin openl2tp.so pppol2tp 9 \
        pppol2tp_send_seq pppol2tp_recv_seq pppol2tp_reorderto 200 pppol2tp_lns_mode \
        pppol2tp_tunnel_id 3412 pppol2tp_session_id 8812 pppol2tp_debug_mask 15 \
        pppol2tp_ifname l2tp3412 ipparam l2tp-3412 unit 3";
    let o = files.parse(argv).unwrap();
    assert!(o.plugins.openl2tp);
    assert_eq!(
        o.pppol2tp,
        Pppol2tpOptions {
            fd: Some(9),
            lns_mode: true,
            send_seq: true,
            recv_seq: true,
            reorder_timeout_ms: Some(200),
            debug_mask: Some(15),
            tunnel_id: Some(3412),
            session_id: Some(8812),
            ifname: Some("l2tp3412".into()),
        }
    );
    assert_eq!(o.interface_name(), Some("l2tp3412"));
    assert_eq!(o.unit, Some(3));
    assert_eq!((o.debug, o.kdebug), (1, 7));
    assert!(o.ipcp.noipdefault);
    assert_eq!(o.ipcp.ms_wins, [Some(ip(10, 0, 0, 55)); 2]);
    assert_eq!(o.lcp.asyncmap, Some(0));
    assert!(!o.lcp.accept_acfc && !o.lcp.accept_pfc);
    assert_eq!(o.lcp.fsm.max_configure, 11);
    assert_eq!(o.ipcp.fsm.restart_interval, Duration::from_secs(2));
    assert_eq!(o.auth.chap_interval, Some(Duration::from_secs(60)));
    assert_eq!(o.auth.pap_timeout, Some(Duration::from_secs(20)));
    assert_eq!(o.maxconnect, Some(Duration::from_secs(86400)));
    assert_eq!(o.maxfail, 1);
    assert_eq!(o.ipparam.as_deref(), Some("l2tp-3412"));
    assert_eq!(warned(&o), ["sync", "local"]);

    let config = o.session_config(b"host", &mut files.reader()).unwrap();
    assert_eq!(config.lcp.require, methods(&[AuthMethod::Pap]));
    // Every method but PAP refused, and the `*` client line gives us a
    // PAP password too (pppd's get_pap_passwd).
    assert_eq!(config.lcp.allow, methods(&[AuthMethod::Pap]));
    assert_eq!(config.auth.chap_max_challenge, 5);
    assert_eq!(config.auth.pap_max_authreq, 6);
    assert_eq!(config.maxconnect, Some(Duration::from_secs(86400)));
}

/// openl2tpd as a LAC: user and password, noauth, multilink.
#[test]
fn openl2tpd_lac_with_user_password_and_multilink() {
    let files = Files::new(&[]);
    let o = files
        .parse("nodetach user bob password hunter2 local noauth multilink plugin pppol2tp.so pppol2tp 5 pppol2tp_tunnel_id 1 pppol2tp_session_id 2 ipparam l2tp-1 unit 0")
        .unwrap();
    assert_eq!(o.role(), Role::Lac);
    assert!(o.multilink);
    assert_eq!(warned(&o), ["local", "multilink"]);
    assert!(o.warnings[1].message.contains("multilink is not supported"));
    assert!(!format!("{o:?}").contains("hunter2"));
    let config = o.session_config(b"host", &mut files.reader()).unwrap();
    assert_eq!(config.auth.user, b"bob");
    assert_eq!(config.lcp.allow, AuthMethods::ALL);
    assert!(!format!("{config:?}").contains("hunter2"));
}

/// pppd 2.4.9 and later negotiate IPv6CP unless told `noipv6` (or
/// `-ipv6`), so rppp does: an L2TP daemon's usual argv brings up IPv6CP,
/// and `noipv6` on the command line or in its options file turns it off.
#[test]
fn ipv6cp_is_on_by_default_and_noipv6_turns_it_off() {
    let lns = "plugin pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 1 \
               pppol2tp_session_id 2 passive nodetach 10.201.0.1:10.201.0.2 noauth";
    let config_of = |files: &Files, argv: &str| {
        let o = files.parse(argv).unwrap();
        o.session_config(b"host", &mut files.reader()).unwrap()
    };
    let none = Files::new(&[]);
    let v6 = config_of(&none, lns).ipv6cp.expect("IPv6CP by default");
    assert_eq!((v6.local, v6.remote), (None, None), "random identifiers");
    for off in ["noipv6", "-ipv6"] {
        let config = config_of(&none, &format!("{lns} {off}"));
        assert!(config.ipv6cp.is_none(), "{off}");
    }
    let file = Files::new(&[("/etc/ppp/options.lns", "noipv6\n")]);
    let argv = format!("{lns} file /etc/ppp/options.lns");
    assert!(config_of(&file, &argv).ipv6cp.is_none());
    assert!(config_of(&file, &format!("{argv} +ipv6")).ipv6cp.is_some());
}

#[test]
fn ipv6_interface_identifiers() {
    let o = Files::new(&[])
        .parse("pppol2tp 3 +ipv6 ipv6 ::1,::2 ipv6cp-accept-local")
        .unwrap();
    let config = o
        .session_config(b"host", &mut Files::new(&[]).reader())
        .unwrap();
    let v6 = config.ipv6cp.unwrap();
    assert_eq!(v6.local.map(|i| i.0), Some([0, 0, 0, 0, 0, 0, 0, 1]));
    assert_eq!(v6.remote.map(|i| i.0), Some([0, 0, 0, 0, 0, 0, 0, 2]));
    assert!(v6.accept_local);
}

#[test]
fn a_pppoe_command_line_is_not_ours() {
    let argv = [
        "plugin",
        "rp-pppoe.so",
        "eth0",
        "user",
        "isp",
        "noipdefault",
    ];
    assert!(!mentions_pppol2tp(&argv));
    // xl2tpd's pty fallback.
    assert!(!mentions_pppol2tp(&[
        "/dev/pts/3",
        "passive",
        "nodetach",
        ":"
    ]));
    // Parsed anyway, it is an error and not silently accepted.
    let e = parse(&argv, &Context::new(true), &mut Files::new(&[]).reader()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::UnknownPlugin { .. }));
}

// Every error path: the option, the place, and pppd's exit code.

fn error(argv: &str, files: &[(&str, &str)]) -> OptionsError {
    Files::new(files).parse(argv).expect_err("must fail")
}

#[test]
fn error_unknown_option() {
    let e = error("pppol2tp 7 debugg", &[]);
    assert_eq!(e.kind, ErrorKind::UnknownOption);
    assert_eq!(
        e.to_string(),
        "command line (argument 3): option 'debugg': unrecognized option"
    );
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn error_missing_argument() {
    let e = error("pppol2tp 7 file /f", &[("/f", "noccp\nmtu 1400\nms-dns")]);
    assert_eq!(e.to_string(), "/f:3: option 'ms-dns': needs an argument");
    assert_eq!(e.exit_code(), 2);
    let e = error("pppol2tp", &[]);
    assert_eq!(e.kind, ErrorKind::MissingArgument);
}

#[test]
fn error_bad_number() {
    let e = error("pppol2tp seven", &[]);
    assert_eq!(
        e.to_string(),
        "command line (argument 1): option 'pppol2tp': invalid numeric parameter 'seven'"
    );
    let e = error("mtu 64", &[]);
    assert!(
        e.to_string().contains("must be between 128 and 16384"),
        "{e}"
    );
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn error_bad_address() {
    let e = error("file /f", &[("/f", "ms-dns 8.8.8.8\nms-dns dns.google\n")]);
    assert!(matches!(e.kind, ErrorKind::BadAddress { ref value } if value == "dns.google"));
    assert!(
        e.to_string()
            .starts_with("/f:2: option 'ms-dns': bad IP address 'dns.google'"),
        "{e}"
    );
    let e = error("10.0.0.1:224.0.0.1", &[]);
    assert!(matches!(e.kind, ErrorKind::BadAddress { .. }));
}

#[test]
fn error_unknown_plugin() {
    let e = error("plugin pppol2tp.so plugin ippool.so", &[]);
    assert_eq!(e.option.as_deref(), Some("plugin"));
    assert!(
        e.to_string()
            .contains("plugin 'ippool.so' is not available"),
        "{e}"
    );
    let e = error("plugin pppol2tp.so plugin ippool.so ippool_name pool1", &[]);
    assert_eq!(e.source, Some(Source::CommandLine { arg: 3 }));
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn error_file_not_found() {
    let e = error("pppol2tp 7 file /etc/ppp/options.xl2tpd", &[]);
    assert!(
        matches!(e.kind, ErrorKind::FileUnreadable { ref path, .. } if path == "/etc/ppp/options.xl2tpd")
    );
    assert_eq!(e.source, Some(Source::CommandLine { arg: 3 }));
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn error_in_a_nested_file_names_its_file_and_line() {
    let e = error(
        "pppol2tp 7 file /etc/ppp/options.xl2tpd",
        &[
            ("/etc/ppp/options.xl2tpd", "auth\n\nfile /etc/ppp/common\n"),
            (
                "/etc/ppp/common",
                "noccp\n# comment\nmru 1400\nfrobnicate\n",
            ),
        ],
    );
    assert_eq!(
        e.to_string(),
        "/etc/ppp/common:4: option 'frobnicate': unrecognized option"
    );
    assert_eq!(
        e.source,
        Some(Source::File {
            path: "/etc/ppp/common".into(),
            line: 4
        })
    );
}

#[test]
fn error_eap_required() {
    let e = error("pppol2tp 7 file /f", &[("/f", "auth\nrequire-eap\n")]);
    assert_eq!(e.option.as_deref(), Some("require-eap"));
    assert!(matches!(e.kind, ErrorKind::NotSupported { .. }));
    assert!(
        e.to_string()
            .starts_with("/f:2: option 'require-eap': not supported: EAP is not implemented"),
        "{e}"
    );
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn error_no_secret_for_a_required_peer() {
    let files = Files::new(&[("/etc/ppp/chap-secrets", "vpnuser otherserver pw *\n")]);
    let o = files
        .parse("pppol2tp 7 auth require-mschap-v2 name l2tpd")
        .unwrap();
    let e = o.session_config(b"host", &mut files.reader()).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NoSecretForPeer { .. }));
    assert_eq!(e.exit_code(), 1);
}

#[test]
fn error_password_never_in_messages() {
    // A bad option right after a password: the message shows neither.
    let e = error("password hunter2 bogus", &[]);
    assert!(!e.to_string().contains("hunter2"));
    assert!(!format!("{e:?}").contains("hunter2"));
}

/// Issue #18: xl2tpd's argv with a pppoptfile that loads pppd's radius
/// plugin, and the radiusclient files it names.
#[test]
fn xl2tpd_lns_with_the_radius_plugin() {
    let files = Files::new(&[
        ("/etc/ppp/options.xl2tpd", RADIUS_OPTIONS),
        ("/etc/radiusclient/radiusclient.conf", RADIUSCLIENT_CONF),
        ("/etc/radiusclient/servers", RADIUS_SERVERS),
        ("/etc/radiusclient/dictionary", RADIUS_DICTIONARY),
        ("/etc/radiusclient/dictionary.microsoft", RADIUS_MICROSOFT),
    ]);
    let argv = "plugin pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 4 \
                pppol2tp_session_id 9 passive nodetach :10.201.0.2 name lns \
                file /etc/ppp/options.xl2tpd";
    let o = files.parse(argv).unwrap();
    let radius = o.radius.as_ref().expect("plugin radius.so");
    assert_eq!(radius.config_file, "/etc/radiusclient/radiusclient.conf");
    assert_eq!(
        radius.config_source,
        Source::File {
            path: "/etc/ppp/options.xl2tpd".into(),
            line: 15
        }
    );
    let pairs: Vec<_> = radius
        .avpairs
        .iter()
        .map(|p| (p.attribute.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("NAS-Port-Type", "Virtual"),
            ("Called-Station-Id", "lns.example.net")
        ]
    );
    assert!(radius.radattr);
    assert!(
        !warned(&o).contains(&"plugin radattr.so"),
        "radattr.so is honoured now"
    );
    let loaded = radius.load(&mut files.reader()).unwrap();
    assert_eq!(loaded.auth_servers.len(), 2);
    assert_eq!(loaded.acct_servers.len(), 1);
    // No chap-secrets: the RADIUS server checks the peer.
    let c = o.session_config(b"host", &mut files.reader()).unwrap();
    assert_eq!(c.auth.verification, rppp::auth::Verification::External);
    assert_eq!(c.lcp.require, methods(&[AuthMethod::MsChapV2]));
}

#[test]
fn error_radius_option_without_the_plugin() {
    let e = error(
        "pppol2tp 7 file /etc/ppp/options.xl2tpd",
        &[(
            "/etc/ppp/options.xl2tpd",
            "auth\navpair NAS-Port-Type=Virtual\nplugin radius.so\n",
        )],
    );
    assert_eq!(
        e.kind,
        ErrorKind::NeedsPlugin {
            plugin: "radius.so"
        }
    );
    assert_eq!(e.exit_code(), 2);
    assert_eq!(
        e.to_string(),
        "/etc/ppp/options.xl2tpd:2: option 'avpair': needs plugin radius.so (given before it, or without it)"
    );
}
