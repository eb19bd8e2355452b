//! `--help` of each program a newcomer runs: the usage on stdout, exit 0,
//! saying what the README's first hour needs (rppp-demo's is in
//! tests/demo_cli.rs).

use std::path::Path;
use std::process::{Command, Output};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn rppp_help_says_the_modes_the_environment_and_the_install() {
    let o = Command::new(env!("CARGO_BIN_EXE_rppp"))
        .arg("--help")
        .env_remove("RPPP_REAL_PPPD")
        .output()
        .expect("rppp runs");
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("rppp "), "{out}");
    for needle in [
        // The modes.
        "plugin pppol2tp.so pppol2tp FD",
        "--sessions-file FILE",
        "rppp l2tpd",
        "rppp ctl",
        // Where the options are documented.
        "pppd(8)",
        "rppp::options",
        // The environment.
        "RPPP_REAL_PPPD",
        "/usr/sbin/pppd.real",
        // In pppd's place under xl2tpd.
        "mv /usr/sbin/pppd /usr/sbin/pppd.real",
        "install -m 755 target/release/rppp /usr/sbin/pppd",
    ] {
        assert!(out.contains(needle), "no {needle:?} in: {out}");
    }
    // The same from -h, and wherever --help stands.
    for args in [&["-h"][..], &["nodetach", "--help"]] {
        let o = Command::new(env!("CARGO_BIN_EXE_rppp"))
            .args(args)
            .output()
            .expect("rppp runs");
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert_eq!(stdout(&o), out, "{args:?}");
    }
}

/// Runs one of the repository's scripts with `args`.
fn script(path: &str, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .args(args)
        .output()
        .expect("bash runs")
}

#[test]
fn run_all_help_prints_its_usage_instead_of_running() {
    let o = script("tests/run-all.sh", &["--help"]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("usage: bash tests/run-all.sh [--help]"),
        "{out}"
    );
    for needle in [
        "RPPP_SKIP_LAB",
        "RPPP_SKIP_FUZZ",
        "cargo-fuzz",
        "~/.cargo/bin",
    ] {
        assert!(out.contains(needle), "no {needle:?} in: {out}");
    }
    assert!(!out.contains("=== cargo fmt"), "it started a run: {out}");
    let o = script("tests/run-all.sh", &["--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("run-all: unknown argument --bogus"));
}

#[test]
fn run_lab_help_prints_its_usage_instead_of_running() {
    let o = script("tests/lab/run-lab.sh", &["--help"]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("usage: tests/lab/run-lab.sh [--only NAME]"),
        "{out}"
    );
    assert!(out.contains("--demo"), "{out}");
    assert!(!out.contains("=== lab"), "it started a run: {out}");
    let o = script("tests/lab/run-lab.sh", &["--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("run-lab: unknown option --bogus"));
    // A misspelt group is refused before anything is built.
    let o = script("tests/lab/run-lab.sh", &["--only", "kernel-fact"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("run-lab: --only kernel-fact: no such scenario group"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
