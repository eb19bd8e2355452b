//! `rppp ctl` from the command line: its exit codes and first lines.

use std::process::Command;

fn rppp_ctl(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rppp"))
        .arg("ctl")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn no_daemon_listening_is_a_clear_error() {
    let (code, _, err) = rppp_ctl(&["--socket", "/nonexistent/rppp.ctl", "show", "sessions"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("rppp ctl: no rppp answers on /nonexistent/rppp.ctl"),
        "{err}"
    );
}

#[test]
fn usage_on_help_and_on_nothing() {
    let (code, out, _) = rppp_ctl(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: rppp ctl"), "{out}");
    let (code, _, err) = rppp_ctl(&[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("usage: rppp ctl"), "{err}");
    let (code, _, err) = rppp_ctl(&["--socket"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("rppp ctl: --socket needs a path"), "{err}");
}
