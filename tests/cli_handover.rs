//! What `rppp` does with a command line before it would hand it to the
//! real pppd: the options are read first, so an option error is exit 2
//! naming the option and its place (never "install the real pppd"), and
//! `pppol2tp FD` in an options file runs the session as on the command
//! line. An fd the daemon did not pass is said in plain words.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use common::TempDir;

/// Runs rppp with `args`; the real pppd, if anything hands over to it, is
/// `real_pppd`.
fn rppp(args: &[&str], real_pppd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rppp"))
        .args(args)
        .env("RPPP_REAL_PPPD", real_pppd)
        .output()
        .expect("rppp runs")
}

/// A stand-in for the real pppd in `dir` that exits 7, to tell whether
/// rppp handed over.
fn fake_pppd(dir: &TempDir) -> std::path::PathBuf {
    let real = dir.path().join("pppd.real");
    std::fs::write(&real, "#!/bin/sh\nexit 7\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
    real
}

/// The exit code and the first line of stderr.
fn outcome(o: &Output) -> (Option<i32>, String) {
    let e = String::from_utf8_lossy(&o.stderr);
    (o.status.code(), e.lines().next().unwrap_or("").to_string())
}

#[test]
fn an_unknown_option_without_pppol2tp_is_an_option_error() {
    let d = TempDir::new("handover-unknown");
    let real = fake_pppd(&d);
    for (args, first) in [
        (
            &["--bogus"][..],
            "rppp: command line (argument 1): option '--bogus': unrecognized option",
        ),
        (
            &["nodetach", "nodetahc"],
            "rppp: command line (argument 2): option 'nodetahc': unrecognized option",
        ),
        (
            &["mtu"],
            "rppp: command line (argument 1): option 'mtu': needs an argument",
        ),
    ] {
        assert_eq!(
            outcome(&rppp(args, &real)),
            (Some(2), first.into()),
            "{args:?}"
        );
    }
}

#[test]
fn a_broken_options_file_without_pppol2tp_names_its_line() {
    let d = TempDir::new("handover-file");
    let real = fake_pppd(&d);
    let f = d.path().join("options.broken");
    std::fs::write(&f, "nodetach\n# a comment\nmtu lots\n").unwrap();
    let f = f.to_str().unwrap();
    let (code, first) = outcome(&rppp(&["file", f], &real));
    assert_eq!(code, Some(2), "{first}");
    assert_eq!(
        first,
        format!("rppp: {f}:3: option 'mtu': invalid numeric parameter 'lots'")
    );
    let missing = format!("{}/missing", d.path().display());
    let (code, first) = outcome(&rppp(&["file", &missing], &real));
    assert_eq!(code, Some(2), "{first}");
    assert_eq!(
        first,
        format!(
            "rppp: command line (argument 1): option 'file': can't open options file {missing}: \
             No such file or directory"
        )
    );
}

#[test]
fn another_kind_of_link_still_goes_to_the_real_pppd() {
    let d = TempDir::new("handover-link");
    let real = fake_pppd(&d);
    for args in [
        &["/dev/ttyS0", "115200", "crtscts"][..],
        &["pty", "ssh host pppd", "noauth"],
        &["plugin", "rp-pppoe.so", "eth0", "rp_pppoe_service", "x"],
        &["nodetach"],
    ] {
        assert_eq!(rppp(args, &real).status.code(), Some(7), "{args:?}");
    }
}

#[test]
fn pppol2tp_in_an_options_file_runs_the_session() {
    let d = TempDir::new("handover-pppol2tp");
    let real = fake_pppd(&d);
    let f = d.path().join("options.l2tp");
    std::fs::write(&f, "plugin pppol2tp.so\npppol2tp 250\nnodetach\nnoauth\n").unwrap();
    let f = f.to_str().unwrap();
    let (code, first) = outcome(&rppp(&["file", f], &real));
    assert_eq!(code, Some(1), "{first}");
    assert!(first.starts_with("rppp: pppol2tp 250: "), "{first}");
    let o = rppp(&["file", f, "dryrun"], &real);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("options in force"));
}

#[test]
fn fd_errors_say_what_is_wrong() {
    let d = TempDir::new("handover-fd");
    let real = fake_pppd(&d);
    let args = |fd| {
        [
            "plugin",
            "pppol2tp.so",
            "pppol2tp",
            fd,
            "nodetach",
            "noauth",
        ]
    };
    assert_eq!(
        outcome(&rppp(&args("250"), &real)),
        (
            Some(1),
            "rppp: pppol2tp 250: the fd given for the PPPoL2TP socket is invalid: fd 250 is not \
             open (Bad file descriptor): an L2TP daemon passes it when it starts rppp"
                .into()
        )
    );
    // fd 0 is /dev/null here (Command gives the child a null stdin).
    assert_eq!(
        outcome(&rppp(&args("0"), &real)),
        (
            Some(1),
            "rppp: pppol2tp 0: the fd given for the PPPoL2TP socket is invalid: fd 0 is not a \
             socket (Socket operation on non-socket)"
                .into()
        )
    );
    assert_eq!(
        outcome(&rppp(&args("2"), &real)),
        (
            Some(1),
            "rppp: pppol2tp 2: the fd given for the PPPoL2TP socket is invalid: it is standard \
             output or error"
                .into()
        )
    );
}

#[test]
fn without_a_real_pppd_the_message_says_what_to_do() {
    let (code, first) = outcome(&rppp(&["/dev/ttyS0"], Path::new("/nonexistent/pppd")));
    assert_eq!(code, Some(1));
    assert_eq!(
        first,
        "rppp: this command line names no PPPoL2TP socket (pppol2tp FD), and rppp runs PPP over \
         L2TP only; it hands other PPP links to the real pppd, which is not at /nonexistent/pppd \
         (install it there, or name it in RPPP_REAL_PPPD). rppp --help says how rppp is run."
    );
}
