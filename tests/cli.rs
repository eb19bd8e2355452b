//! The `rppp` command as an L2TP daemon runs it: errors that name the
//! option and where it came from with pppd's exit codes, the hand-over of
//! command lines that are not PPPoL2TP to the real pppd, and the
//! multi-session file.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use common::TempDir;

fn rppp(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rppp"));
    c.args(args).env_remove("RPPP_REAL_PPPD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("rppp runs")
}

/// `rppp` as an L2TP daemon starts it: the PPPoL2TP plugin with the
/// session's socket `fd`, then `options`.
fn rppp_pppol2tp(fd: &str, options: &[&str]) -> Output {
    let mut args = vec!["plugin", "pppol2tp.so", "pppol2tp", fd];
    args.extend_from_slice(options);
    rppp(&args, &[])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts that `o` exited with `code` and that its stderr contains every
/// one of `needles`; returns that stderr.
#[track_caller]
fn assert_exit(o: &Output, code: i32, needles: &[&str]) -> String {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{e}");
    for needle in needles {
        assert!(e.contains(needle), "no {needle:?} in: {e}");
    }
    e
}

/// `contents` written to `file` in a fresh directory for test `name`;
/// the directory goes when the returned guard is dropped.
fn temp_file(name: &str, file: &str, contents: &str) -> (TempDir, PathBuf) {
    let d = TempDir::new(&format!("cli-{name}"));
    let f = d.join(file);
    std::fs::write(&f, contents).unwrap();
    (d, f)
}

#[test]
fn version_and_help() {
    let o = rppp(&["--version"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("rppp version "));
    let o = rppp(&["--help"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("pppol2tp FD"));
}

#[test]
fn an_unknown_option_is_exit_2_naming_it() {
    let o = rppp_pppol2tp("7", &["nodetach", "frobnicate"]);
    assert_exit(&o, 2, &["frobnicate", "command line"]);
}

#[test]
fn an_error_in_an_options_file_names_the_file_and_line() {
    let (_dir, f) = temp_file(
        "file",
        "options.lns",
        "ms-dns 8.8.8.8\n# a comment\nmtu lots\n",
    );
    let f = f.to_str().unwrap();
    let o = rppp_pppol2tp("7", &["file", f]);
    assert_exit(&o, 2, &[&format!("{f}:3"), "mtu"]);
}

#[test]
fn another_plugin_is_a_clear_error() {
    let o = rppp(
        &[
            "plugin",
            "rp-pppoe.so",
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            "7",
        ],
        &[],
    );
    assert_exit(&o, 2, &["rp-pppoe.so"]);
}

#[test]
fn a_fd_that_is_not_open_is_exit_1_naming_it() {
    let o = rppp_pppol2tp("250", &["nodetach", "noauth"]);
    assert_exit(
        &o,
        1,
        &["pppol2tp 250", "is not open (Bad file descriptor)"],
    );
}

#[test]
fn a_fd_that_is_not_a_socket_is_exit_1() {
    // fd 0 is /dev/null here (Command gives the child a null stdin).
    let o = rppp_pppol2tp("0", &["nodetach", "noauth"]);
    assert_exit(&o, 1, &["not a socket"]);
}

#[test]
fn a_command_line_without_pppol2tp_goes_to_the_real_pppd() {
    // It records its arguments next to itself.
    let (_dir, real) = temp_file(
        "real",
        "pppd.real",
        "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\nexit 7\n",
    );
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = rppp(
        &["plugin", "rp-pppoe.so", "eth0", "user", "bob"],
        &[("RPPP_REAL_PPPD", real.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(7), "the real pppd's exit code");
    assert_eq!(
        std::fs::read_to_string(real.with_file_name("args"))
            .unwrap()
            .trim(),
        "plugin rp-pppoe.so eth0 user bob"
    );
}

#[test]
fn without_a_real_pppd_it_is_a_clear_error() {
    let o = rppp(
        &["/dev/ttyS0", "115200", "crtscts"],
        &[("RPPP_REAL_PPPD", "/nonexistent/pppd")],
    );
    assert_exit(&o, 1, &["PPPoL2TP", "/nonexistent/pppd"]);
}

#[test]
fn the_sessions_file_names_its_bad_line() {
    let (_dir, f) = temp_file(
        "multi",
        "sessions",
        "# index 0\npppol2tp 250 10.0.0.1:10.0.0.2\n\npppol2tp 251 mru huge\n",
    );
    let o = rppp(
        &[
            "--sessions-file",
            f.to_str().unwrap(),
            "plugin",
            "pppol2tp.so",
            "nodetach",
            "noauth",
        ],
        &[],
    );
    assert_exit(&o, 2, &["mru", "line 4"]);
}

#[test]
fn the_server_flags_come_before_the_sessions_file_and_are_checked() {
    let o = rppp(&["--metrics", "nowhere", "--sessions-file", "f"], &[]);
    assert_exit(&o, 2, &["--metrics needs an address and port"]);
    let o = rppp(&["--metrics", "127.0.0.1:9469"], &[]);
    assert_exit(&o, 2, &["go before --sessions-file"]);
    // Both flags, in either order, reach the sessions file.
    let o = rppp(
        &[
            "--metrics",
            "127.0.0.1:0",
            "--metrics-per-session",
            "--ctl",
            "/nonexistent/rppp.ctl",
            "--sessions-file",
            "/nonexistent/sessions",
        ],
        &[],
    );
    assert_exit(&o, 2, &["--sessions-file /nonexistent/sessions"]);
}

#[test]
fn dryrun_prints_the_options_and_exits_0_without_a_password() {
    let o = rppp_pppol2tp(
        "250",
        &[
            "nodetach", "noauth", "mtu", "1410", "password", "hunter2", "dryrun",
        ],
    );
    let e = assert_exit(&o, 0, &["options in force", "1410"]);
    assert!(!e.contains("hunter2"), "the password never shows: {e}");
}

#[test]
fn a_session_of_the_file_that_cannot_start_is_said_and_exit_1() {
    let (dir, f) = temp_file("multi-fd", "sessions", "pppol2tp 250\n");
    let ctl = dir.join("rppp.ctl");
    let o = rppp(
        &[
            "--ctl",
            ctl.to_str().unwrap(),
            "--sessions-file",
            f.to_str().unwrap(),
            "plugin",
            "pppol2tp.so",
            "nodetach",
            "noauth",
        ],
        &[],
    );
    let e = assert_exit(&o, 1, &[]);
    assert_eq!(
        e.lines().next().unwrap_or(""),
        "rppp: session 0: pppol2tp 250: the fd given for the PPPoL2TP socket is invalid: fd 250 \
         is not open (Bad file descriptor): an L2TP daemon passes it when it starts rppp (exit \
         code 1)"
    );
}
