//! `rppp l2tpd` refusing what is wrong before it starts: xl2tpd.conf,
//! l2tp-secrets and each section's pppoptfile errors name the file, the
//! line and the key (or the section and the option), with pppd's exit
//! code for option errors (2), and no secret in the message. These need no
//! privilege: nothing is bound before the files are read. The running
//! daemon is tested in the lab (`tests/lab/scenarios/l2tpd.sh`).
#![cfg(feature = "l2tpd")]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::TempDir;

fn rppp_l2tpd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rppp"))
        .arg("l2tpd")
        .args(args)
        .output()
        .expect("rppp runs")
}

/// A fresh directory for test `name`, removed when the test is done.
fn dir(name: &str) -> TempDir {
    TempDir::new(&format!("l2tpd-cli-{name}"))
}

fn write(d: &Path, file: &str, text: &str) -> String {
    let p = d.join(file);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[track_caller]
/// `rppp ctl --socket CTL WORDS`: its exit code and what it printed.
fn ctl_ask(ctl: &str, words: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_rppp"))
        .args(["ctl", "--socket", ctl])
        .args(words)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// Waits (at most 20 s) for a daemon's control socket to appear.
fn wait_for_socket(ctl: &str) {
    let t0 = std::time::Instant::now();
    while !Path::new(ctl).exists() && t0.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn assert_error(o: &Output, needles: &[&str]) -> String {
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{e}");
    for n in needles {
        assert!(e.contains(n), "no {n:?} in: {e}");
    }
    e
}

#[test]
fn an_unknown_key_names_the_file_and_the_line() {
    let d = dir("unknown-key");
    let conf = write(
        &d,
        "xl2tpd.conf",
        "[global]\nport = 1701\n\n[lns default]\nip range = 10.0.0.2-10.0.0.9\nfrobnicate = yes\n",
    );
    let o = rppp_l2tpd(&["-c", &conf, "-C", &d.join("pipe").to_string_lossy()]);
    assert_error(&o, &[&format!("{conf}:6"), "frobnicate"]);
}

#[test]
fn a_missing_configuration_file_is_named() {
    let d = dir("missing");
    let conf = d.join("nope.conf").to_string_lossy().into_owned();
    let o = rppp_l2tpd(&["-c", &conf]);
    assert_error(&o, &[&conf]);
}

#[test]
fn a_bad_option_in_a_sections_pppoptfile_names_the_section_and_the_file() {
    let d = dir("pppoptfile");
    let opts = write(
        &d,
        "options.xl2tpd",
        "+mschap-v2\nms-dns 8.8.8.8\nfrobnicate\n",
    );
    let conf = write(
        &d,
        "xl2tpd.conf",
        &format!(
            "[lns vpn]\nip range = 10.0.0.2-10.0.0.9\nlocal ip = 10.0.0.1\npppoptfile = {opts}\n"
        ),
    );
    let o = rppp_l2tpd(&["-c", &conf, "-C", &d.join("pipe").to_string_lossy()]);
    assert_error(&o, &["[lns vpn]", "frobnicate", &opts]);
}

#[test]
fn a_bad_secrets_line_names_the_line_and_not_the_secret() {
    let d = dir("secrets");
    let secrets = write(
        &d,
        "l2tp-secrets",
        "# us them secret\nlns lac s3cr3t\nlonely\n",
    );
    let conf = write(&d, "xl2tpd.conf", "[lns default]\nchallenge = yes\n");
    let o = rppp_l2tpd(&["-c", &conf, "-s", &secrets]);
    let e = assert_error(&o, &[&format!("{secrets}:3")]);
    assert!(!e.contains("s3cr3t"), "{e}");
}

#[test]
fn a_missing_secrets_file_matters_only_when_a_section_needs_it() {
    let d = dir("no-secrets");
    let secrets = d.join("none").to_string_lossy().into_owned();
    let conf = write(
        &d,
        "xl2tpd.conf",
        "[lac vpn]\nlns = 192.0.2.1\nchallenge = yes\n",
    );
    let o = rppp_l2tpd(&["-c", &conf, "-s", &secrets]);
    assert_error(&o, &[&secrets]);
}

#[test]
fn flags_and_files_do_not_mix() {
    let o = rppp_l2tpd(&["-c", "/etc/xl2tpd/xl2tpd.conf", "--lns"]);
    assert_error(&o, &["-c"]);
    let o = rppp_l2tpd(&["--calls", "0"]);
    assert_error(&o, &["--calls"]);
}

/// Under systemd (`Type=notify`): READY=1 with a status once listening,
/// STOPPING=1 on SIGTERM, exit 0. The daemon listens on a loopback port
/// of its own and makes no tunnel, so no kernel module is needed.
#[test]
fn systemd_hears_ready_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    use std::time::Duration;

    let d = dir("systemd");
    let sock_path = d.join("notify");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rppp"))
        .args([
            "l2tpd",
            "--listen",
            "127.0.0.1:0",
            "--lns",
            "--local-ip",
            "10.0.0.1",
            "--ip-range",
            "10.0.0.2-10.0.0.9",
        ])
        .env("NOTIFY_SOCKET", &sock_path)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 512];
    let n = sock.recv(&mut buf).expect("a notification");
    let ready = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(ready.contains("READY=1"), "{ready}");
    assert!(
        ready.contains("STATUS=0 tunnel(s), 0 PPP session(s)"),
        "{ready}"
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    // STATUS lines may come first; STOPPING must come.
    let mut heard = Vec::new();
    loop {
        let n = sock.recv(&mut buf).expect("STOPPING=1");
        let m = String::from_utf8_lossy(&buf[..n]).into_owned();
        let stopping = m.contains("STOPPING=1");
        heard.push(m);
        if stopping {
            break;
        }
        assert!(heard.len() < 10, "{heard:?}");
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `rppp ctl reload` re-reads xl2tpd.conf: a good file is taken and said
/// so; a file with an error changes nothing and the answer names the file
/// and the line; `show tunnels` answers (none here); the metrics carry
/// the L2TP families; `shutdown --soft` ends it. No privilege: the
/// daemon listens on a loopback port of its own.
#[test]
fn reload_takes_a_good_file_and_refuses_a_bad_one() {
    let d = dir("reload");
    let conf = write(
        &d,
        "xl2tpd.conf",
        "[lns default]\nip range = 10.0.0.2-10.0.0.9\nlocal ip = 10.0.0.1\n",
    );
    let ctl = d.join("ctl").to_string_lossy().into_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let metrics = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_rppp"))
        .args(["l2tpd", "-c", &conf, "--listen", "127.0.0.1:0"])
        .args(["--ctl", &ctl, "--metrics", &metrics])
        .args(["-C", &d.join("pipe").to_string_lossy()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let ask = |words: &[&str]| ctl_ask(&ctl, words);
    wait_for_socket(&ctl);
    let (code, out) = ask(&["show", "tunnels"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("tunnel") && out.contains("peer-tunnel"),
        "{out}"
    );
    write(
        &d,
        "xl2tpd.conf",
        "[lns default]\nip range = 10.0.0.2-10.0.0.9\n[lns branch]\nlac = 192.0.2.0-255\n",
    );
    let (code, out) = ask(&["reload"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("2 [lns] and 0 [lac] section(s)"), "{out}");
    write(
        &d,
        "xl2tpd.conf",
        "[lns default]\nip range = 10.0.0.2-10.0.0.9\nbogus = 1\n",
    );
    let (code, out) = ask(&["reload"]);
    assert_ne!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("{conf}:3")) && out.contains("bogus"),
        "{out}"
    );
    // Still running, with the good configuration.
    let (code, out) = ask(&["show", "tunnels", "--json"]);
    assert_eq!((code, out.trim()), (Some(0), "[]"));
    // The metrics carry the daemon's L2TP families.
    let scrape = {
        use std::io::{Read, Write};
        let mut c = std::net::TcpStream::connect(&metrics).unwrap();
        c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut s = String::new();
        c.read_to_string(&mut s).unwrap();
        s
    };
    for line in [
        "rppp_l2tp_tunnels{state=\"established\"} 0",
        "rppp_l2tp_sessions 0",
        "rppp_l2tp_control_messages_sent_total 0",
        "rppp_sessions_started_total 0",
        "rppp_l2tp_refused_total{reason=\"max_sessions\"} 0",
        "rppp_l2tp_refused_total{reason=\"shutting_down\"} 0",
    ] {
        assert!(scrape.contains(line), "no {line} in {scrape}");
    }
    // A soft shutdown with nothing running: the daemon exits at once.
    let (code, out) = ask(&["shutdown", "--soft"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("shutting down softly") && out.contains("0 PPP session(s) in 0 tunnel(s)"),
        "{out}"
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Started with flags, `rppp ctl reload` keeps the command line's
/// configuration and checks the PPP options file it names: an error
/// there is answered with the file; then a plain `shutdown` ends it.
#[test]
fn reload_with_flags_checks_the_ppp_options_file() {
    let d = dir("reload-flags");
    let options = write(&d, "options.lns", "noauth\nmtu 1400\n");
    let ctl = d.join("ctl").to_string_lossy().into_owned();
    let child = Command::new(env!("CARGO_BIN_EXE_rppp"))
        .args(["l2tpd", "--listen", "127.0.0.1:0", "--lns"])
        .args(["--local-ip", "10.0.0.1", "--ip-range", "10.0.0.2-10.0.0.9"])
        .args(["--ppp-options", &options, "--ctl", &ctl])
        .args(["-C", &d.join("pipe").to_string_lossy()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let ask = |words: &[&str]| ctl_ask(&ctl, words);
    wait_for_socket(&ctl);
    let (code, out) = ask(&["reload"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("the configuration stays"), "{out}");
    write(&d, "options.lns", "noauth\nmtu lots\n");
    let (code, out) = ask(&["reload"]);
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("options.lns") && out.contains("mtu"), "{out}");
    let (code, out) = ask(&["shutdown"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("shutting down: closing 0 PPP session(s)"),
        "{out}"
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Dynamic Authorization flags: both or neither, and a clients file
/// whose wrong line is named (with no secret in the message).
#[cfg(feature = "radius")]
#[test]
fn dynamic_authorization_flags_are_checked_before_the_start() {
    let d = dir("dae");
    let conf = write(
        &d,
        "xl2tpd.conf",
        "[lns default]\nip range = 10.0.0.2-10.0.0.9\n",
    );
    let o = rppp_l2tpd(&["-c", &conf, "--dae-listen", "127.0.0.1:3799"]);
    assert_error(&o, &["--dae-listen and --dae-clients go together"]);
    let clients = write(&d, "dae-clients", "192.0.2.1 s3cret-one\nradius.example\n");
    let o = rppp_l2tpd(&[
        "-c",
        &conf,
        "--dae-listen",
        "127.0.0.1:3799",
        "--dae-clients",
        &clients,
    ]);
    let e = assert_error(&o, &["dae-clients", ":2"]);
    assert!(!e.contains("s3cret-one"), "{e}");
}
