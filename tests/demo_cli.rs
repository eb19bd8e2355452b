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
    for (auth, shown) in [
        ("none", "peer authenticated with None"),
        ("pap", "peer authenticated with Some(Pap)"),
        ("chap", "peer authenticated with Some(ChapMd5)"),
        ("mschapv2", "peer authenticated with Some(MsChapV2)"),
    ] {
        let (code, out, err) = demo(&["--auth", auth]);
        assert_eq!(code, 0, "{auth}: {out}{err}");
        assert!(out.contains(shown), "{auth}: {out}");
        assert!(out.contains("sent [LCP ConfReq id=0x1"), "{auth}: {out}");
        assert!(
            out.contains("lac: link up") && out.contains("local IP address 10.201.0.2"),
            "{auth}: {out}"
        );
        assert!(out.contains("DNS servers [Some(10.201.0.53), None]"));
        assert!(!out.contains("demo-secret"), "the secret never shows");
    }
}

#[test]
fn ipv6_and_loss() {
    let (code, out, err) = demo(&["--auth", "chap", "--ipv6", "--loss", "0.3", "--seed", "2"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("remote LL address fe80::"), "{out}");
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
