//! Reading whole command lines and files, in memory.

use std::collections::HashMap;
use std::io;
use std::net::Ipv4Addr;

use super::*;

/// An in-memory file system.
fn fs(files: &[(&str, &str)]) -> impl FnMut(&str) -> io::Result<Vec<u8>> {
    let map: HashMap<String, Vec<u8>> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
    move |path| {
        map.get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

fn root() -> Context {
    Context::new(true)
}

fn parse_with(args: &str, files: &[(&str, &str)]) -> Result<Options, OptionsError> {
    let args: Vec<&str> = args.split_whitespace().collect();
    parse(&args, &root(), &mut fs(files))
}

fn err(args: &str, files: &[(&str, &str)]) -> OptionsError {
    parse_with(args, files).expect_err("must fail")
}

#[test]
fn system_options_come_first_and_the_command_line_wins() {
    let o = parse_with(
        "mtu 1400 file /etc/ppp/options.lns",
        &[
            (
                "/etc/ppp/options",
                "mtu 1200\nmru 1300\nlcp-echo-interval 10\n",
            ),
            ("/etc/ppp/options.lns", "lcp-echo-interval 30\n"),
        ],
    )
    .unwrap();
    assert_eq!(o.lcp.mtu, 1400);
    assert_eq!(o.lcp.mru, 1300);
    assert_eq!(
        o.lcp.echo_interval,
        Some(std::time::Duration::from_secs(30))
    );
}

#[test]
fn file_expands_in_place() {
    // `file` between two mtu options: the later command-line one wins,
    // the file's beats the earlier one.
    let o = parse_with("mtu 1300 file /f", &[("/f", "mtu 1350")]).unwrap();
    assert_eq!(o.lcp.mtu, 1350);
    let o = parse_with("file /f mtu 1300", &[("/f", "mtu 1350")]).unwrap();
    assert_eq!(o.lcp.mtu, 1300);
}

#[test]
fn arguments_may_be_on_the_next_line() {
    let o = parse_with(
        "file /f",
        &[("/f", "ms-dns\n\n  # the primary\n 8.8.8.8\n")],
    )
    .unwrap();
    assert_eq!(o.ipcp.ms_dns[0], Some(Ipv4Addr::new(8, 8, 8, 8)));
}

#[test]
fn missing_system_options_is_fine_for_root_only() {
    assert!(parse_with("debug", &[]).is_ok());
    let e = parse(&["debug"], &Context::new(false), &mut fs(&[])).unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::FileUnreadable { ref path, .. } if path == "/etc/ppp/options")
    );
}

#[test]
fn user_options_are_read_after_the_system_ones() {
    let mut context = root();
    context.user_options = Some("/root/.ppprc".into());
    let mut read = fs(&[
        ("/etc/ppp/options", "mtu 1200"),
        ("/root/.ppprc", "mtu 1280"),
    ]);
    let o = parse(&["debug"], &context, &mut read).unwrap();
    assert_eq!(o.lcp.mtu, 1280);
    // Missing is fine.
    context.user_options = Some("/nowhere".into());
    assert!(parse(&["debug"], &context, &mut fs(&[])).is_ok());
}

#[test]
fn call_reads_the_peers_directory() {
    let o = parse_with(
        "call vpn",
        &[("/etc/ppp/peers/vpn", "name vpn-lns\nnoauth")],
    )
    .unwrap();
    assert_eq!(o.auth.name.as_deref(), Some(&b"vpn-lns"[..]));
    for bad in ["/etc/passwd", "../x", "a/../../x"] {
        let e = err(&format!("call {bad}"), &[]);
        assert!(matches!(e.kind, ErrorKind::BadValue { .. }), "{bad}: {e}");
    }
}

#[test]
fn call_files_are_privileged_and_file_inherits() {
    let user = Context::new(false);
    let files = [
        ("/etc/ppp/options", ""),
        ("/etc/ppp/peers/vpn", "noauth name lns"),
        ("/home/u/opts", "name lns"),
    ];
    let o = parse(&["call", "vpn"], &user, &mut fs(&files)).unwrap();
    assert!(!o.auth.policy.auth_required);
    let e = parse(&["file", "/home/u/opts"], &user, &mut fs(&files)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NeedsPrivilege);
    assert_eq!(e.option.as_deref(), Some("name"));
    assert_eq!(
        e.source,
        Some(Source::File {
            path: "/home/u/opts".into(),
            line: 1
        })
    );
    let e = parse(&["noauth"], &user, &mut fs(&files)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NeedsPrivilege);
    // A root-owned /etc/ppp/options may say noauth for everyone.
    let files = [("/etc/ppp/options", "noauth")];
    let o = parse(&["debug"], &user, &mut fs(&files)).unwrap();
    assert!(!o.auth.policy.auth_required && !o.auth.default_auth);
}

#[test]
fn authentication_default() {
    // Root (any L2TP daemon): nothing required unless asked for.
    let o = parse_with("debug", &[]).unwrap();
    assert!(!o.auth.policy.auth_required && !o.auth.default_auth);
    // Not root, no noauth: required.
    let user = Context::new(false);
    let o = parse(&["debug"], &user, &mut fs(&[("/etc/ppp/options", "")])).unwrap();
    assert!(o.auth.policy.auth_required && o.auth.default_auth);
    // Not root, explicit require-pap: required, not by default.
    let o = parse(
        &["require-pap"],
        &user,
        &mut fs(&[("/etc/ppp/options", "")]),
    )
    .unwrap();
    assert!(o.auth.policy.auth_required && !o.auth.default_auth);
}

#[test]
fn include_depth_is_limited() {
    let e = err("file /loop", &[("/loop", "debug\nfile /loop\n")]);
    assert!(matches!(e.kind, ErrorKind::IncludeTooDeep { .. }), "{e}");
    assert_eq!(e.option.as_deref(), Some("file"));
    assert_eq!(
        e.source,
        Some(Source::File {
            path: "/loop".into(),
            line: 2
        })
    );
}

#[test]
fn nested_errors_name_the_inner_file_and_line() {
    let e = err(
        "file /etc/ppp/options.xl2tpd",
        &[
            ("/etc/ppp/options.xl2tpd", "auth\nfile /etc/ppp/extra\n"),
            (
                "/etc/ppp/extra",
                "# extra\n\nmtu 1400\nlcp-echo-interval thirty\n",
            ),
        ],
    );
    assert_eq!(
        e.to_string(),
        "/etc/ppp/extra:4: option 'lcp-echo-interval': invalid numeric parameter 'thirty'"
    );
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn syntax_errors_name_the_line() {
    let e = err("file /f", &[("/f", "auth\nname \"l2tpd\nmtu 1400\n")]);
    assert_eq!(e.kind, ErrorKind::Syntax(SyntaxError::UnterminatedQuote));
    assert_eq!(
        e.to_string(),
        "/f:2: quoted word has no closing quote before the end of the file"
    );
}

#[test]
fn a_missing_file_is_an_error_naming_the_option() {
    let e = err("debug file /etc/ppp/options.missing", &[]);
    assert!(
        matches!(e.kind, ErrorKind::FileUnreadable { ref path, .. } if path == "/etc/ppp/options.missing")
    );
    assert_eq!(e.source, Some(Source::CommandLine { arg: 2 }));
    assert!(e.to_string().starts_with("command line (argument 2): option 'file': can't open options file /etc/ppp/options.missing"), "{e}");
}

#[test]
fn unknown_missing_and_bad() {
    let e = err("debug frobnicate", &[]);
    assert_eq!(
        (e.kind.clone(), e.option.as_deref(), e.source.clone()),
        (
            ErrorKind::UnknownOption,
            Some("frobnicate"),
            Some(Source::CommandLine { arg: 2 })
        )
    );
    let e = err("nodetach mtu", &[]);
    assert_eq!(e.kind, ErrorKind::MissingArgument);
    assert_eq!(e.option.as_deref(), Some("mtu"));
    let e = err("file /f", &[("/f", "auth\nms-dns\n")]);
    assert_eq!(e.kind, ErrorKind::MissingArgument);
    assert_eq!(e.to_string(), "/f:2: option 'ms-dns': needs an argument");
    let e = err("mtu 14o0", &[]);
    assert!(matches!(e.kind, ErrorKind::BadNumber { .. }));
    let e = err("ms-dns 8.8.8", &[]);
    assert!(matches!(e.kind, ErrorKind::BadAddress { .. }));
    let e = err("10.0.0.1:127.0.0.1", &[]);
    assert!(matches!(e.kind, ErrorKind::BadAddress { .. }));
    assert_eq!(e.option.as_deref(), Some("10.0.0.1:127.0.0.1"));
}

#[test]
fn eap_and_other_refusals_are_clear() {
    let e = err("auth require-eap", &[]);
    assert!(e.to_string().contains("EAP is not implemented"), "{e}");
    assert_eq!(e.option.as_deref(), Some("require-eap"));
    for option in [
        "login",
        "require-mppe-128",
        "demand",
        "papcrypt",
        "/dev/ttyS0",
        "notty",
    ] {
        let e = err(option, &[]);
        assert!(
            matches!(e.kind, ErrorKind::NotSupported { .. }),
            "{option}: {e}"
        );
    }
    // refuse-eap is fine: we never do EAP, so it changes nothing.
    let o = parse_with("refuse-eap", &[]).unwrap();
    assert_eq!(o.auth.policy, Default::default());
    assert!(o.warnings.is_empty());
}

#[test]
fn unknown_plugins_are_errors() {
    let e = err("plugin radius.so plugin ippool.so", &[]);
    assert_eq!(
        e.kind,
        ErrorKind::UnknownPlugin {
            plugin: "ippool.so".into()
        }
    );
    assert!(
        e.to_string().contains("'ippool.so' is not available"),
        "{e}"
    );
    let e = err(
        "file /f",
        &[("/f", "plugin /usr/lib/pppd/2.4.9/ippool.so\n")],
    );
    assert_eq!(
        e.source,
        Some(Source::File {
            path: "/f".into(),
            line: 1
        })
    );
}

#[test]
fn serial_options_warn_once_each() {
    let o = parse_with(
        "crtscts lock file /f 115200 crtscts",
        &[("/f", "lock\nconnect-delay 5000\nmodem\n")],
    )
    .unwrap();
    let names: Vec<_> = o.warnings.iter().map(|w| w.option.as_str()).collect();
    assert_eq!(
        names,
        ["crtscts", "lock", "connect-delay", "modem", "115200"]
    );
    assert_eq!(
        o.warnings[2].to_string(),
        "/f:2: connect-delay: only means something on a serial line: ignored"
    );
}

#[test]
fn address_pairs_keep_the_other_side() {
    let a = Ipv4Addr::new(10, 0, 0, 1);
    let b = Ipv4Addr::new(10, 0, 0, 2);
    let o = parse_with("10.0.0.1:10.0.0.2", &[]).unwrap();
    assert_eq!((o.ipcp.local, o.ipcp.remote), (Some(a), Some(b)));
    let o = parse_with("10.0.0.1:10.0.0.2 :", &[]).unwrap();
    assert_eq!((o.ipcp.local, o.ipcp.remote), (Some(a), Some(b)));
    let o = parse_with("10.0.0.1: :10.0.0.2", &[]).unwrap();
    assert_eq!((o.ipcp.local, o.ipcp.remote), (Some(a), Some(b)));
    let o = parse_with(":", &[]).unwrap();
    assert_eq!((o.ipcp.local, o.ipcp.remote), (None, None));
}

#[test]
fn version_and_help_stop_parsing() {
    let o = parse_with("--version frobnicate", &[]).unwrap();
    assert_eq!(o.request, Some(InfoRequest::Version));
    let o = parse_with("debug -h", &[]).unwrap();
    assert_eq!(o.request, Some(InfoRequest::Help));
}

#[test]
fn lns_mode_needs_both_ids() {
    let e = err(
        "plugin pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 5",
        &[],
    );
    assert!(matches!(e.kind, ErrorKind::Inconsistent { .. }));
    assert_eq!(e.exit_code(), 1);
    assert!(parse_with(
        "pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 5 pppol2tp_session_id 6",
        &[]
    )
    .is_ok());
}

#[test]
fn passwords_never_show() {
    let o = parse_with(
        "file /f",
        &[("/f", "user alice password \"correct horse\"\n")],
    )
    .unwrap();
    assert_eq!(
        o.auth.password.as_ref().map(|s| s.expose()),
        Some(&b"correct horse"[..])
    );
    assert!(!format!("{o:?}").contains("correct horse"));
    let o = parse_with("+ua /ua", &[("/ua", "bob\nhunter2\n")]).unwrap();
    assert_eq!(o.auth.user.as_deref(), Some(&b"bob"[..]));
    assert_eq!(
        o.auth.password.as_ref().map(|s| s.expose()),
        Some(&b"hunter2"[..])
    );
    assert!(!format!("{o:?}").contains("hunter2"));
}

#[test]
fn mentions_pppol2tp_looks_at_words_only() {
    assert!(mentions_pppol2tp(&[
        "plugin",
        "pppol2tp.so",
        "pppol2tp",
        "7"
    ]));
    assert!(!mentions_pppol2tp(&[
        "plugin",
        "rp-pppoe.so",
        "eth0",
        "user",
        "x"
    ]));
    assert!(!mentions_pppol2tp(&["/dev/pts/3", "passive", "nodetach"]));
    assert!(!mentions_pppol2tp(&["debug", "pppol2tp"]));
}

#[test]
fn non_utf8_arguments() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let args = [OsStr::from_bytes(b"name"), OsStr::from_bytes(b"caf\xe9")];
    let o = parse(&args, &root(), &mut fs(&[])).unwrap();
    assert_eq!(o.auth.name.as_deref(), Some(&b"caf\xe9"[..]));
    let args = [OsStr::from_bytes(b"ifname"), OsStr::from_bytes(b"caf\xe9")];
    let e = parse(&args, &root(), &mut fs(&[])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotUtf8);
    let args = [OsStr::from_bytes(b"\xff\xfe")];
    let e = parse(&args, &root(), &mut fs(&[])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownOption);
}

#[test]
fn authentication_option_names_and_their_aliases() {
    use rppp_lcp::{AuthMethod::*, AuthMethods};
    let one = |m| [m].into_iter().collect::<AuthMethods>();
    for (names, method) in [
        (["require-pap", "+pap"], Pap),
        (["require-chap", "+chap"], ChapMd5),
        (["require-mschap", "+mschap"], MsChap),
        (["require-mschap-v2", "+mschap-v2"], MsChapV2),
    ] {
        for name in names {
            let p = parse_with(name, &[]).unwrap().auth.policy;
            assert!(p.auth_required, "{name}");
            assert_eq!(p.peer_methods(), one(method), "{name}");
            assert_eq!(p.our_methods(), AuthMethods::ALL, "{name}");
        }
    }
    for (names, method) in [
        (["refuse-pap", "-pap"], Pap),
        (["refuse-chap", "-chap"], ChapMd5),
        (["refuse-mschap", "-mschap"], MsChap),
        (["refuse-mschap-v2", "-mschap-v2"], MsChapV2),
    ] {
        for name in names {
            let o = parse_with(name, &[]).unwrap();
            let p = o.auth.policy;
            assert!(!p.auth_required && !o.auth.explicit, "{name}");
            assert_eq!(p.our_methods(), AuthMethods::ALL.without(method), "{name}");
        }
    }
    // The last of auth, noauth and require-* decides.
    let p = parse_with("require-chap noauth", &[]).unwrap().auth.policy;
    assert_eq!(p.peer_methods(), AuthMethods::NONE);
    let p = parse_with("noauth +chap", &[]).unwrap().auth.policy;
    assert_eq!(p.peer_methods(), one(ChapMd5));
    let p = parse_with("auth", &[]).unwrap().auth.policy;
    assert_eq!(p.peer_methods(), AuthMethods::ALL);
    // openl2tpd's refusals: all but CHAP-MD5.
    let p = parse_with("refuse-eap refuse-mschap-v2 refuse-mschap refuse-pap", &[])
        .unwrap()
        .auth
        .policy;
    assert_eq!(p.our_methods(), one(ChapMd5));
}

#[test]
fn ipv6cp_is_on_unless_noipv6() {
    // pppd 2.4.9 and later (ipv6cp.c, ipv6cp_protent's enabled_flag).
    assert!(parse_with("debug", &[]).unwrap().ipv6);
    assert!(!parse_with("noipv6", &[]).unwrap().ipv6);
    assert!(!parse_with("-ipv6", &[]).unwrap().ipv6);
    assert!(parse_with("-ipv6 +ipv6", &[]).unwrap().ipv6);
    assert!(parse_with("noipv6 ipv6 ::1,::2", &[]).unwrap().ipv6);
    // From a file, and the command line after it wins.
    let files = [("/etc/ppp/options", "noipv6\n")];
    assert!(!parse_with("debug", &files).unwrap().ipv6);
    assert!(parse_with("+ipv6", &files).unwrap().ipv6);
    assert!(
        !parse_with("+ipv6 file /f", &[("/f", "-ipv6")])
            .unwrap()
            .ipv6
    );
}
