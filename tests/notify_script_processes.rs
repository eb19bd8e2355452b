//! The processes of pppd-style scripts: hung scripts and their background
//! children are killed at the deadline, a child left behind is not waited
//! for, and no socket of ours is inherited.

mod common;
mod scripts_common;

use std::path::Path;
use std::time::{Duration, Instant};

use rppp::notify::{Script, ScriptOutcome};

use common::TempDir;
use scripts_common::*;

/// Whether process `pid` exists and is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
    })
}

fn wait_gone(pid: u32) -> bool {
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn read_pid(path: &Path) -> u32 {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_hung_script_and_its_background_child_are_killed_at_the_deadline() {
    let dir = TempDir::new("hung");
    let (me, bg) = (dir.join("script.pid"), dir.join("child.pid"));
    dir.script(
        "ip-up",
        &format!(
            "#!/bin/sh\necho $$ > '{}'\n/bin/sleep 1000 &\necho $! > '{}'\n/bin/sleep 1000\n",
            me.display(),
            bg.display()
        ),
        0o755,
    );
    let _x = EXEC_LOCK.read().await;
    let start = Instant::now();
    let outcome = runner(&dir, 300).run(Script::IpUp, &session()).await;
    let took = start.elapsed();
    assert!(matches!(outcome, ScriptOutcome::TimedOut), "{outcome:?}");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let (me, bg) = (read_pid(&me), read_pid(&bg));
    assert!(wait_gone(me), "script {me} still running");
    assert!(wait_gone(bg), "background child {bg} still running");
}

#[tokio::test]
async fn a_script_ignoring_sigterm_is_killed_too() {
    let dir = TempDir::new("stubborn");
    let bg = dir.join("child.pid");
    dir.script(
        "ipv6-down",
        &format!(
            "#!/bin/sh\ntrap '' TERM\n/bin/sleep 1000 &\necho $! > '{}'\nwhile :; do /bin/sleep 1; done\n",
            bg.display()
        ),
        0o755,
    );
    let _x = EXEC_LOCK.read().await;
    let start = Instant::now();
    let outcome = runner(&dir, 300).run(Script::Ipv6Down, &session()).await;
    assert!(matches!(outcome, ScriptOutcome::TimedOut), "{outcome:?}");
    assert!(start.elapsed() < Duration::from_secs(4));
    assert!(wait_gone(read_pid(&bg)));
}

#[tokio::test]
async fn a_script_that_leaves_a_child_behind_is_not_waited_for() {
    let dir = TempDir::new("leaves");
    let bg = dir.join("child.pid");
    dir.script(
        "ip-up",
        &format!(
            "#!/bin/sh\n/bin/sleep 30 &\necho $! > '{}'\nexit 0\n",
            bg.display()
        ),
        0o755,
    );
    let _x = EXEC_LOCK.read().await;
    let start = Instant::now();
    let outcome = runner(&dir, 10_000).run(Script::IpUp, &session()).await;
    assert!(outcome.succeeded(), "{outcome:?}");
    assert!(start.elapsed() < Duration::from_secs(5));
    // As with pppd, a script that finished is not killed; clean up here.
    let pid = read_pid(&bg);
    let _ = std::process::Command::new("/bin/kill")
        .arg(pid.to_string())
        .status();
}

#[tokio::test]
async fn scripts_inherit_no_socket_of_ours() {
    let dir = TempDir::new("fds");
    let out = dir.join("fds");
    dir.script(
        "ip-up",
        &format!("#!/bin/sh\n/bin/ls -l /proc/$$/fd/ > '{}'\n", out.display()),
        0o755,
    );
    // Sockets like the session's: they must not reach the script.
    let _udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let _unix = std::os::unix::net::UnixDatagram::bind(dir.join("s")).unwrap();
    let _x = EXEC_LOCK.read().await;
    assert!(runner(&dir, 5000)
        .run(Script::IpUp, &session())
        .await
        .succeeded());
    let listing = std::fs::read_to_string(out).unwrap();
    assert!(!listing.contains("socket:"), "{listing}");
    assert!(listing.contains("/dev/null"), "{listing}");
}
