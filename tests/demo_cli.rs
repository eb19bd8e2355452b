//! The README's main job: `rppp-demo` brings an LNS and a LAC up in one
//! process with each authentication method, and refuses bad options.

use std::process::Command;

fn demo(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rppp-demo"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_method_brings_the_link_up() {
    for (auth, shown, logged) in [
        (
            "none",
            "lns: link up: mtu 1400, mru 1400, peer mru 1400; no authentication",
            None,
        ),
        (
            "pap",
            "lns: link up: mtu 1400, mru 1400, peer mru 1400; peer authenticated with PAP",
            Some("lns: PAP peer authentication succeeded for lac"),
        ),
        (
            "chap",
            "lac: link up: mtu 1400, mru 1400, peer mru 1400; we authenticated with CHAP",
            Some("lac: CHAP authentication succeeded"),
        ),
        (
            "mschapv2",
            "lns: link up: mtu 1400, mru 1400, peer mru 1400; peer authenticated with MS-CHAP-v2",
            Some("lns: MS-CHAP-v2 peer authentication succeeded for lac"),
        ),
    ] {
        let (code, out, err) = demo(&["--auth", auth]);
        assert_eq!(code, 0, "{auth}: {out}{err}");
        assert!(out.contains(shown), "{auth}: {out}");
        if let Some(logged) = logged {
            assert!(out.contains(logged), "{auth}: {out}");
        }
        assert!(out.contains("sent [LCP ConfReq id=0x1"), "{auth}: {out}");
        assert!(
            out.contains("lac: primary   DNS address 10.201.0.53"),
            "{out}"
        );
        assert!(
            out.contains("lac: link up") && out.contains("local IP address 10.201.0.2"),
            "{auth}: {out}"
        );
        assert!(out.contains("\nlac: DNS 10.201.0.53\n"), "{out}");
        assert!(!out.contains("demo-secret"), "the secret never shows");
        no_debug_renderings(&out);
    }
}

/// What a reader of pppd's log never sees: Rust's Debug renderings.
#[track_caller]
fn no_debug_renderings(out: &str) {
    for debug in ["Some(", "None", "LinkUp", "Phase(", " { ", "IpUp"] {
        assert!(!out.contains(debug), "{debug:?} in: {out}");
    }
}

#[test]
fn ipv6_and_loss() {
    let (code, out, err) = demo(&["--auth", "chap", "--ipv6", "--loss", "0.3", "--seed", "2"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("lac: local LL address fe80::"), "{out}");
    assert!(out.contains("] -- dropped: lost on the link\n"), "{out}");
    no_debug_renderings(&out);
    // Loss alone: no frame arrives twice, so no more frames are received
    // than were sent and not dropped.
    let delivered = out
        .lines()
        .filter(|l| l.contains(": sent [") && !l.contains("-- dropped"))
        .count();
    let received = out.lines().filter(|l| l.contains(": rcvd [")).count();
    assert!(received <= delivered, "{received} > {delivered}: {out}");
}

#[test]
fn help_is_the_usage_once_on_stdout() {
    for flag in ["--help", "-h"] {
        let (code, out, err) = demo(&[flag]);
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "{err}");
        assert!(out.starts_with("usage: rppp-demo [--auth"), "{out}");
        assert_eq!(out.matches("usage:").count(), 1, "{out}");
        assert!(out.contains("--loss P"), "{out}");
    }
}

#[test]
fn bad_options_are_errors_with_exit_2() {
    for args in [
        &["--auth", "eap"][..],
        &["--loss", "2"],
        &["--seed"],
        &["--frobnicate"],
    ] {
        let (code, _, err) = demo(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains("usage: rppp-demo"), "{args:?}: {err}");
    }
}
