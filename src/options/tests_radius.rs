//! pppd's RADIUS plugins as options (`radius.so`, `radattr.so`,
//! `radrealms.so`), and loading the files they name, in memory.

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use rppp_auth::Verification;
use rppp_lcp::AuthMethod;
use rppp_radius::config::ConfigErrorKind;

use super::radius::{NasPortFrom, DEFAULT_CONFIG_FILE, DEFAULT_REALMS_FILE};
use super::*;

const CONF: &str = include_str!("testdata/radius/radiusclient.conf");
const SERVERS: &str = include_str!("testdata/radius/servers");
const DICTIONARY: &str = include_str!("testdata/radius/dictionary");
const MICROSOFT: &str = include_str!("testdata/radius/dictionary.microsoft");

/// The radius plugin's files where the test data's radiusclient.conf
/// says they are, with `extra` added or replacing them.
fn files(extra: &[(&str, &str)]) -> HashMap<String, Vec<u8>> {
    let mut map: HashMap<String, Vec<u8>> = [
        (DEFAULT_CONFIG_FILE, CONF),
        ("/etc/radiusclient/servers", SERVERS),
        ("/etc/radiusclient/dictionary", DICTIONARY),
        ("/etc/radiusclient/dictionary.microsoft", MICROSOFT),
    ]
    .iter()
    .chain(extra)
    .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
    .collect();
    map.retain(|_, text| text != b"<missing>");
    map
}

fn reader(map: &HashMap<String, Vec<u8>>) -> impl FnMut(&str) -> io::Result<Vec<u8>> + '_ {
    move |path| {
        map.get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

fn parse_args(args: &str) -> Result<Options, OptionsError> {
    let args: Vec<&str> = args.split_whitespace().collect();
    parse(&args, &Context::new(true), &mut reader(&files(&[])))
}

/// Parses `args`, then loads the RADIUS files from `map`.
fn load(args: &str, map: &HashMap<String, Vec<u8>>) -> Result<radius::LoadedRadius, OptionsError> {
    let o = parse_args(args).expect("options parse");
    o.radius.expect("plugin radius.so").load(&mut reader(map))
}

#[test]
fn plugin_radius_so_from_any_directory_with_defaults() {
    let o = parse_args("plugin /usr/lib/pppd/2.4.9/radius.so").unwrap();
    let r = o.radius.unwrap();
    assert_eq!(r.config_file, DEFAULT_CONFIG_FILE);
    assert_eq!(r.config_source, Source::CommandLine { arg: 1 });
    assert!(r.avpairs.is_empty() && !r.radattr && r.realms_file.is_none());
    assert_eq!(r.nas_port, NasPortFrom::InterfaceName);
    assert!(parse_args("debug").unwrap().radius.is_none());
}

#[test]
fn radius_options_need_the_plugin_first() {
    for args in [
        "avpair NAS-Port-Type=Virtual plugin radius.so",
        "radius-config-file /etc/r.conf",
        "map-to-ifname",
        "map-to-ttyname",
        "plugin radattr.so plugin radius.so",
        "plugin radrealms.so",
    ] {
        let e = parse_args(args).expect_err(args);
        assert_eq!(
            e.kind,
            ErrorKind::NeedsPlugin {
                plugin: "radius.so"
            },
            "{args}"
        );
        assert_eq!(e.exit_code(), 2);
    }
    let e = parse_args("avpair A=1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "command line (argument 1): option 'avpair': needs plugin radius.so (given before it, or without it)"
    );
    let e = parse_args("plugin radius.so realms-config-file /etc/realms").unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::NeedsPlugin {
            plugin: "radrealms.so"
        }
    );
}

#[test]
fn options_after_the_plugin() {
    let o = parse_args(
        "plugin radius.so radius-config-file /etc/rc.conf avpair NAS-Port-Type=Virtual \
         avpair Called-Station-Id=lns avpair Called-Station-Id=second map-to-ttyname \
         plugin radattr.so plugin radrealms.so realms-config-file /etc/realms",
    )
    .unwrap();
    let r = o.radius.as_ref().unwrap();
    assert_eq!(r.config_file, "/etc/rc.conf");
    assert_eq!(r.config_source, Source::CommandLine { arg: 3 });
    let pairs: Vec<_> = r
        .avpairs
        .iter()
        .map(|p| (p.attribute.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("NAS-Port-Type", "Virtual"),
            ("Called-Station-Id", "lns"),
            ("Called-Station-Id", "second")
        ]
    );
    assert_eq!(r.avpairs[2].source, Source::CommandLine { arg: 9 });
    assert_eq!(r.nas_port, NasPortFrom::TtyName);
    assert!(r.radattr);
    assert_eq!(r.realms_file.as_deref(), Some("/etc/realms"));
    // What rppp reads but cannot honour is said.
    let warned: Vec<_> = o.warnings.iter().map(|w| w.option.as_str()).collect();
    assert_eq!(warned, ["map-to-ttyname"]);
    let o =
        parse_args("plugin radius.so plugin radrealms.so map-to-ttyname map-to-ifname").unwrap();
    let r = o.radius.unwrap();
    assert_eq!(r.nas_port, NasPortFrom::InterfaceName);
    assert_eq!(r.realms_file.as_deref(), Some(DEFAULT_REALMS_FILE));
}

#[test]
fn avpair_forms() {
    let o = parse_args("plugin radius.so avpair  Class=\"a=b\" avpair X-a.b:c=").unwrap();
    let r = o.radius.unwrap();
    assert_eq!(
        (r.avpairs[0].attribute.as_str(), r.avpairs[0].value.as_str()),
        ("Class", "a=b")
    );
    assert_eq!(r.avpairs[1].value, "");
    for bad in ["novalue", "=x", "two words=x"] {
        let args: Vec<&str> = vec!["plugin", "radius.so", "avpair", bad];
        let e = parse(&args, &Context::new(true), &mut reader(&files(&[]))).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::BadValue { .. }), "{bad}: {e:?}");
    }
}

#[test]
fn config_files_are_privileged() {
    let args = ["plugin", "radius.so", "radius-config-file", "/tmp/mine"];
    let map = files(&[("/etc/ppp/options", "plugin radius.so\n")]);
    let e = parse(&args[2..], &Context::new(false), &mut reader(&map)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NeedsPrivilege);
}

#[test]
fn loads_the_conf_servers_and_dictionary_with_includes() {
    let loaded = load(
        "plugin radius.so avpair NAS-Port-Type=Virtual avpair Framed-IP-Address=192.0.2.9 \
         avpair MS-CHAP-Challenge=0x00",
        &files(&[]),
    )
    .unwrap();
    let auth: Vec<_> = loaded
        .auth_servers
        .iter()
        .map(|s| (s.host.as_str(), s.port, s.secret.expose()))
        .collect();
    assert_eq!(
        auth,
        [
            ("192.0.2.10", 1812, &b"testing123"[..]),
            ("192.0.2.11", 1645, &b"older-secret"[..])
        ]
    );
    assert_eq!(loaded.acct_servers[0].port, 1813);
    assert!(loaded
        .dictionary
        .attribute_by_name("ms-chap2-success")
        .is_some());
    assert_eq!(loaded.conf.default_realm.as_deref(), Some("example.net"));
    // The login program's keys and seqfile: warned, with file and line.
    assert!(loaded
        .warnings
        .iter()
        .any(|w| w.option == "seqfile" && w.to_string().starts_with(DEFAULT_CONFIG_FILE)));
    // No secret in Debug.
    let debug = format!("{loaded:?}");
    assert!(!debug.contains("testing123") && !debug.contains("older-secret"));
}

#[test]
fn avpair_unknown_to_the_dictionary_names_the_option() {
    let args: Vec<&str> = vec!["plugin", "radius.so", "avpair", "Frobnicate=1"];
    let map = files(&[]);
    let o = parse(&args, &Context::new(true), &mut reader(&map)).unwrap();
    let e = o.radius.unwrap().load(&mut reader(&map)).unwrap_err();
    assert_eq!(e.source, Some(Source::CommandLine { arg: 3 }));
    assert_eq!(
        e.to_string(),
        "command line (argument 3): option 'avpair': attribute 'Frobnicate' is not in the dictionary /etc/radiusclient/dictionary"
    );
    let e = load("plugin radius.so avpair NAS-Port-Type=Bogus", &map).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::BadAttributeValue { .. }), "{e}");
    let e = load("plugin radius.so avpair NAS-IP-Address=host", &map).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::BadAttributeValue { .. }), "{e}");
}

#[test]
fn missing_config_file_points_at_the_option() {
    let e = load(
        "plugin radius.so radius-config-file /etc/ppp/radius.conf",
        &files(&[]),
    )
    .unwrap_err();
    assert_eq!(e.source, Some(Source::CommandLine { arg: 3 }));
    assert!(matches!(
        e.kind,
        ErrorKind::RadiusFileUnreadable {
            what: RadiusFile::Configuration,
            ..
        }
    ));
    assert!(e.to_string().contains("/etc/ppp/radius.conf"), "{e}");
    assert_eq!(e.exit_code(), 1);
    let e = load(
        "plugin radius.so",
        &files(&[("/etc/radiusclient/dictionary", "<missing>")]),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("dictionary file /etc/radiusclient/dictionary"),
        "{e}"
    );
}

#[test]
fn bad_lines_name_file_and_line() {
    let e = load(
        "plugin radius.so",
        &files(&[(
            "/etc/radiusclient/servers",
            "# c\n192.0.2.10 s\n192.0.2.11\n",
        )]),
    )
    .unwrap_err();
    assert_eq!(
        e.source,
        Some(Source::File {
            path: "/etc/radiusclient/servers".into(),
            line: 3
        })
    );
    assert_eq!(
        e.kind,
        ErrorKind::RadiusConfig(ConfigErrorKind::MissingSecret)
    );
    assert_eq!(
        e.to_string(),
        "/etc/radiusclient/servers:3: server without a secret"
    );
    let e = load(
        "plugin radius.so",
        &files(&[("/etc/radiusclient/dictionary.microsoft", "ATTRIBUTE X\n")]),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/etc/radiusclient/dictionary.microsoft:1: "),
        "{e}"
    );
    let conf = CONF.replace("radius_retries\t3", "radius_retries\tthree");
    let e = load("plugin radius.so", &files(&[(DEFAULT_CONFIG_FILE, &conf)])).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{DEFAULT_CONFIG_FILE}:18: ")),
        "{e}"
    );
}

#[test]
fn radrealms_reads_the_realms_file_and_checks_its_servers() {
    let realms = "# the realm's own servers\nauthserver example.net 192.0.2.10:1812\n";
    let r = load(
        "plugin radius.so plugin radrealms.so",
        &files(&[(DEFAULT_REALMS_FILE, realms)]),
    )
    .unwrap();
    let realms = r.realms.expect("the realms file");
    assert_eq!(realms.realms(), ["example.net"]);
    // Unreadable, a bad line, a server without a secret: errors.
    let e = load("plugin radius.so plugin radrealms.so", &files(&[])).unwrap_err();
    assert!(e.to_string().contains("/etc/radiusclient/realms"), "{e}");
    let e = load(
        "plugin radius.so plugin radrealms.so",
        &files(&[(
            DEFAULT_REALMS_FILE,
            "authserver x 192.0.2.10:1812\nrealm y\n",
        )]),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "/etc/radiusclient/realms:2: unknown keyword \"realm\""
    );
    let e = load(
        "plugin radius.so plugin radrealms.so",
        &files(&[(DEFAULT_REALMS_FILE, "acctserver x 203.0.113.9:1813\n")]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("203.0.113.9:1813"), "{e}");
}

#[test]
fn a_server_without_a_secret_is_named_and_the_secret_never_shown() {
    let e = load(
        "plugin radius.so",
        &files(&[("/etc/radiusclient/servers", "192.0.2.10 testing123\n")]),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no secret for RADIUS server 192.0.2.11:1645: none inline in radiusclient.conf and none in /etc/radiusclient/servers"
    );
    assert!(!format!("{e:?}").contains("testing123"));
    let conf = "authserver 192.0.2.1\ndictionary /etc/radiusclient/dictionary\n";
    let e = load("plugin radius.so", &files(&[(DEFAULT_CONFIG_FILE, conf)])).unwrap_err();
    assert!(matches!(
        e.kind,
        ErrorKind::RadiusNoSecret {
            servers_file: None,
            ..
        }
    ));
    let e = load(
        "plugin radius.so",
        &files(&[(DEFAULT_CONFIG_FILE, "servers /s\n")]),
    )
    .unwrap_err();
    assert!(matches!(
        e.kind,
        ErrorKind::RadiusIncomplete {
            missing: "authserver",
            ..
        }
    ));
}

#[test]
fn radius_verifies_the_peer_instead_of_the_secrets_files() {
    // No secrets file at all: with radius.so, as in pppd, that is fine.
    let o = parse_args("plugin radius.so auth require-mschap-v2").unwrap();
    let c = o.session_config(b"lns", &mut reader(&files(&[]))).unwrap();
    assert_eq!(c.auth.verification, Verification::External);
    assert!(c.lcp.require.contains(AuthMethod::MsChapV2));
    let o = parse_args("auth require-mschap-v2").unwrap();
    assert!(o.session_config(b"lns", &mut reader(&files(&[]))).is_err());
    let o = parse_args("noauth").unwrap();
    let c = o.session_config(b"lns", &mut reader(&files(&[]))).unwrap();
    assert_eq!(c.auth.verification, Verification::Local);
}

#[test]
fn radius_order_puts_the_secrets_files_before_or_after_radius() {
    let chap = ("/etc/ppp/chap-secrets", "erin * erin-pw *\n");
    for (order, want) in [
        ("radius,local", Verification::ExternalThenLocal),
        ("local,radius", Verification::LocalThenExternal),
        ("radius", Verification::External),
    ] {
        let o = parse_args(&format!(
            "plugin radius.so radius-order {order} auth require-chap"
        ))
        .unwrap();
        let c = o
            .session_config(b"lns", &mut reader(&files(&[chap])))
            .unwrap();
        assert_eq!(c.auth.verification, want, "{order}");
        if order != "radius" {
            // With `local` in the order the secrets file checks the peer.
            assert_eq!(c.auth.chap_secrets.entries().len(), 1, "{order}");
        }
    }
    let e = parse_args("plugin radius.so radius-order ldap,local").unwrap_err();
    assert!(e.to_string().contains("radius-order"), "{e}");
    let e = parse_args("radius-order local,radius").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NeedsPlugin { .. }), "{e}");
}

#[test]
fn radius_interim_interval_is_the_default_for_accounting_updates() {
    let o = parse_args("plugin radius.so radius-interim-interval 300").unwrap();
    let r = o.radius.as_ref().unwrap();
    assert_eq!(r.interim_interval, Some(Duration::from_secs(300)));
    let o = parse_args("plugin radius.so radius-interim-interval 0").unwrap();
    assert_eq!(o.radius.unwrap().interim_interval, None);
    let e = parse_args("plugin radius.so radius-interim-interval soon").unwrap_err();
    assert!(e.to_string().contains("radius-interim-interval"), "{e}");
    let e = parse_args("radius-interim-interval 300").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NeedsPlugin { .. }), "{e}");
}
