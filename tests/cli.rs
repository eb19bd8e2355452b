//! The `rppp` command as an L2TP daemon runs it: errors that name the
//! option and where it came from with pppd's exit codes, the hand-over of
//! command lines that are not PPPoL2TP to the real pppd, and the
//! multi-session file.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

fn rppp(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rppp"));
    c.args(args).env_remove("RPPP_REAL_PPPD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("rppp runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmpdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("rppp-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
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
    let o = rppp(
        &[
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            "7",
            "nodetach",
            "frobnicate",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("frobnicate") && e.contains("command line"),
        "{e}"
    );
}

#[test]
fn an_error_in_an_options_file_names_the_file_and_line() {
    let d = tmpdir("file");
    let f = d.join("options.lns");
    std::fs::write(&f, "ms-dns 8.8.8.8\n# a comment\nmtu lots\n").unwrap();
    let f = f.to_str().unwrap();
    let o = rppp(&["plugin", "pppol2tp.so", "pppol2tp", "7", "file", f], &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains(&format!("{f}:3")) && e.contains("mtu"), "{e}");
}

#[test]
fn another_plugin_is_a_clear_error() {
    let o = rppp(
        &[
            "plugin",
            "radius.so",
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            "7",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("radius.so"), "{}", stderr(&o));
}

#[test]
fn a_fd_that_is_not_open_is_exit_1_naming_it() {
    let o = rppp(
        &[
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            "250",
            "nodetach",
            "noauth",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("pppol2tp 250") && e.contains("EBADF"), "{e}");
}

#[test]
fn a_fd_that_is_not_a_socket_is_exit_1() {
    // fd 0 is /dev/null here (Command gives the child a null stdin).
    let o = rppp(
        &[
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            "0",
            "nodetach",
            "noauth",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a socket"), "{}", stderr(&o));
}

#[test]
fn a_command_line_without_pppol2tp_goes_to_the_real_pppd() {
    let d = tmpdir("real");
    let log = d.join("args");
    let real = d.join("pppd.real");
    std::fs::write(
        &real,
        format!("#!/bin/sh\necho \"$@\" > {}\nexit 7\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = rppp(
        &["plugin", "rp-pppoe.so", "eth0", "user", "bob"],
        &[("RPPP_REAL_PPPD", real.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(7), "the real pppd's exit code");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().trim(),
        "plugin rp-pppoe.so eth0 user bob"
    );
}

#[test]
fn without_a_real_pppd_it_is_a_clear_error() {
    let o = rppp(
        &["/dev/ttyS0", "115200", "crtscts"],
        &[("RPPP_REAL_PPPD", "/nonexistent/pppd")],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("PPPoL2TP") && e.contains("/nonexistent/pppd"),
        "{e}"
    );
}

#[test]
fn the_sessions_file_names_its_bad_line() {
    let d = tmpdir("multi");
    let f = d.join("sessions");
    std::fs::write(
        &f,
        "# index 0\npppol2tp 250 10.0.0.1:10.0.0.2\n\npppol2tp 251 mru huge\n",
    )
    .unwrap();
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
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("mru") && e.contains("line 4"), "{e}");
}

#[test]
fn dryrun_prints_the_options_and_exits_0_without_a_password() {
    let o = rppp(
        &[
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            "250",
            "nodetach",
            "noauth",
            "mtu",
            "1410",
            "password",
            "hunter2",
            "dryrun",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("options in force") && e.contains("1410"), "{e}");
    assert!(!e.contains("hunter2"), "the password never shows: {e}");
}
