//! pppd-style scripts run for real: shell scripts in a temporary directory
//! record their arguments and environment, and the tests compare them with
//! what pppd passes; missing and non-executable scripts, pppd's ordering
//! rule, and the rule that no password reaches a script or a log. Hung
//! scripts and their children are in `notify_script_processes.rs`, the
//! session's hooks in `notify_session_hooks.rs`.

mod common;
mod scripts_common;

use std::time::{Duration, Instant};

use rppp::notify::{
    LinkStats, ProcessInfo, Script, ScriptOutcome, ScriptPair, ScriptRunner, SkipReason,
};

use common::{capture_logs, TempDir};
use scripts_common::*;

const PASSWORD: &str = "s3cret-Pa55w0rd";

#[tokio::test]
async fn ip_up_gets_pppds_arguments_and_environment_exactly() {
    let dir = TempDir::new("ip-up");
    dir.recorder("ip-up");
    let ctx = session();
    let r = runner(&dir, 5000);
    let _x = EXEC_LOCK.read().await;
    let outcome = r.run(Script::IpUp, &ctx).await;
    assert!(outcome.succeeded(), "{outcome:?}");
    let (args, mut env) = dir.recorded("ip-up");
    assert_eq!(
        args,
        ["ppp0", "", "0", "10.201.0.1", "10.201.0.2", "198.51.100.20"]
    );
    env.sort();
    let me = ProcessInfo::current();
    let mut want = vec![
        format!("ORIG_UID={}", me.orig_uid),
        format!("PPPLOGNAME={}", me.login_name),
        format!("PPPD_PID={}", std::process::id()),
        "LINKNAME=l2tp-42162-58224".to_owned(),
        "IFNAME=ppp0".to_owned(),
        "UNIT=0".to_owned(),
        "PEERNAME=lac".to_owned(),
        "IPLOCAL=10.201.0.1".to_owned(),
        "IPREMOTE=10.201.0.2".to_owned(),
        "DNS1=192.0.2.53".to_owned(),
        "USEPEERDNS=1".to_owned(),
        "LLLOCAL=fe80::0200:0000:0000:0001".to_owned(),
        "LLREMOTE=fe80::0200:0000:0000:0002".to_owned(),
    ];
    want.sort();
    assert_eq!(env, want);
}

#[tokio::test]
async fn every_script_gets_exactly_its_invocation() {
    let dir = TempDir::new("all");
    for s in Script::ALL {
        dir.recorder(s.file_name());
    }
    let ctx = session();
    let r = runner(&dir, 5000);
    let _x = EXEC_LOCK.read().await;
    for s in Script::ALL {
        let outcome = r.run(s, &ctx).await;
        assert!(outcome.succeeded(), "{s:?}: {outcome:?}");
        let inv = r.invocation(s, &ctx);
        assert_eq!(inv.path, dir.join(s.file_name()));
        let (args, mut env) = dir.recorded(s.file_name());
        assert_eq!(args, inv.args, "{s:?}");
        env.sort();
        assert_eq!(env, pairs(&inv.env), "{s:?}");
        let stats = env.iter().any(|e| e.starts_with("BYTES_SENT="));
        assert_eq!(stats, s.is_down(), "{s:?}");
    }
    let (args, _) = dir.recorded("auth-up");
    assert_eq!(
        args,
        [
            "ppp0",
            "lac",
            ProcessInfo::current().user_name.as_str(),
            "",
            "0"
        ]
    );
    let (args, _) = dir.recorded("ipv6-down");
    assert_eq!(
        args,
        [
            "ppp0",
            "",
            "0",
            "fe80::0200:0000:0000:0001",
            "fe80::0200:0000:0000:0002",
            "198.51.100.20"
        ]
    );
}

#[tokio::test]
async fn a_missing_script_is_skipped_silently() {
    let dir = TempDir::new("missing");
    let (logs, _guard) = capture_logs();
    let outcome = runner(&dir, 1000).run(Script::IpDown, &session()).await;
    assert!(
        matches!(outcome, ScriptOutcome::Skipped(SkipReason::Missing)),
        "{outcome:?}"
    );
    assert_eq!(
        logs.count_at_least(tracing::Level::INFO),
        0,
        "{:?}",
        logs.all()
    );
    // A missing directory too.
    let gone = ScriptRunner::new(dir.join("no/such/dir"), Duration::from_secs(1));
    let outcome = gone.run(Script::IpUp, &session()).await;
    assert!(matches!(
        outcome,
        ScriptOutcome::Skipped(SkipReason::Missing)
    ));
}

#[tokio::test]
async fn a_non_executable_script_is_skipped_with_a_warning() {
    let dir = TempDir::new("noexec");
    let marker = dir.join("ran");
    dir.script(
        "ip-up",
        &format!("#!/bin/sh\n: > '{}'\n", marker.display()),
        0o644,
    );
    std::fs::create_dir(dir.join("ip-down")).unwrap();
    let (logs, _guard) = capture_logs();
    let r = runner(&dir, 1000);
    let _x = EXEC_LOCK.read().await;
    let outcome = r.run(Script::IpUp, &session()).await;
    assert!(
        matches!(outcome, ScriptOutcome::Skipped(SkipReason::NotExecutable)),
        "{outcome:?}"
    );
    let outcome = r.run(Script::IpDown, &session()).await;
    assert!(matches!(
        outcome,
        ScriptOutcome::Skipped(SkipReason::NotExecutable)
    ));
    assert!(!marker.exists());
    assert_eq!(
        logs.count_at_least(tracing::Level::WARN),
        2,
        "{:?}",
        logs.all()
    );
}

#[tokio::test]
async fn exit_status_is_reported() {
    let dir = TempDir::new("status");
    dir.script("auth-up", "#!/bin/sh\nexit 3\n", 0o700);
    let _x = EXEC_LOCK.read().await;
    match runner(&dir, 5000).run(Script::AuthUp, &session()).await {
        ScriptOutcome::Exited(s) => assert_eq!(s.code(), Some(3)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn spawn_returns_at_once_and_the_handle_gives_the_outcome() {
    let dir = TempDir::new("spawn");
    dir.script("ip-up", "#!/bin/sh\n/bin/sleep 0.5\nexit 0\n", 0o755);
    let _x = EXEC_LOCK.read().await;
    let start = Instant::now();
    let handle = runner(&dir, 5000).spawn(Script::IpUp, &session());
    assert!(start.elapsed() < Duration::from_millis(200));
    let outcome = handle.await.unwrap();
    assert!(outcome.succeeded(), "{outcome:?}");
    assert!(start.elapsed() >= Duration::from_millis(500));
}

#[tokio::test]
async fn ip_down_waits_for_ip_up_to_finish() {
    let dir = TempDir::new("order");
    let log = dir.join("log");
    let log = log.display();
    dir.script(
        "ip-up",
        &format!("#!/bin/sh\necho up-start >> '{log}'\n/bin/sleep 0.6\necho up-end >> '{log}'\n"),
        0o755,
    );
    dir.script(
        "ip-down",
        &format!("#!/bin/sh\necho \"down $BYTES_SENT\" >> '{log}'\n"),
        0o755,
    );
    let r = runner(&dir, 5000);
    let mut ctx = session();
    ctx.stats = None;
    let mut pair = ScriptPair::ip();
    let _x = EXEC_LOCK.read().await;
    assert!(!pair.down(&r, &ctx), "no ip-down before ip-up");
    assert!(pair.up(&r, &ctx));
    assert!(!pair.up(&r, &ctx), "no second ip-up");
    ctx.stats = Some(LinkStats {
        connect_time: 1,
        bytes_sent: 99,
        bytes_rcvd: 1,
    });
    assert!(pair.down(&r, &ctx));
    let outcome = pair.finish().await.unwrap();
    assert!(outcome.succeeded(), "{outcome:?}");
    assert!(pair.finish().await.is_none());
    let text = std::fs::read_to_string(dir.join("log")).unwrap();
    assert_eq!(text, "up-start\nup-end\ndown 99\n");
}

#[tokio::test]
async fn ip_down_still_runs_after_a_hung_ip_up_is_killed() {
    let dir = TempDir::new("order-hung");
    let log = dir.join("log");
    dir.script("ipv6-up", "#!/bin/sh\n/bin/sleep 1000\n", 0o755);
    dir.script(
        "ipv6-down",
        &format!("#!/bin/sh\necho down >> '{}'\n", log.display()),
        0o755,
    );
    let r = runner(&dir, 300);
    let ctx = session();
    let mut pair = ScriptPair::ipv6();
    let _x = EXEC_LOCK.read().await;
    assert!(pair.up(&r, &ctx));
    assert!(pair.down(&r, &ctx));
    let start = Instant::now();
    assert!(pair.finish().await.unwrap().succeeded());
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(std::fs::read_to_string(log).unwrap(), "down\n");
}

#[test]
fn no_password_reaches_a_script_or_a_log() {
    // Run the check in a child test process whose environment holds the
    // password, as a daemon's might (setting it here would race with the
    // other tests' threads).
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "password_check_in_child",
            "--ignored",
            "--nocapture",
        ])
        .env("RPPP_TEST_PASSWORD", PASSWORD)
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
#[ignore = "run by no_password_reaches_a_script_or_a_log"]
async fn password_check_in_child() {
    if std::env::var("RPPP_TEST_PASSWORD").as_deref() != Ok(PASSWORD) {
        return;
    }
    let dir = TempDir::new("secret");
    for s in Script::ALL {
        dir.recorder(s.file_name());
    }
    dir.script("ip-pre-up", "#!/bin/sh\n/bin/sleep 1000\n", 0o755);
    let (logs, _guard) = capture_logs();
    let ctx = session();
    // ip-pre-up sleeps: a short limit ends it. The recorders get a long
    // one, so that a loaded machine does not cut them off half written.
    let r = runner(&dir, 30_000);
    let pre_up = runner(&dir, 300);
    {
        let _x = EXEC_LOCK.read().await;
        for s in Script::ALL {
            let runner = if s == Script::IpPreUp { &pre_up } else { &r };
            let _ = runner.run(s, &ctx).await;
        }
        let gone = ScriptRunner::new(dir.join("nowhere"), Duration::from_secs(1));
        let _ = gone.run(Script::IpUp, &ctx).await;
    }
    for s in Script::ALL {
        let inv = r.invocation(s, &ctx);
        assert!(!format!("{inv:?}").contains(PASSWORD));
        if s == Script::IpPreUp {
            continue;
        }
        let (args, mut env) = dir.recorded(s.file_name());
        for item in args.iter().chain(&env) {
            assert!(!item.contains(PASSWORD), "{s:?}: {item}");
        }
        // Only pppd's variables: nothing of this process's environment
        // (PATH, HOME, the password) reaches a script.
        env.sort();
        assert_eq!(env, pairs(&inv.env), "{s:?}");
        assert!(!env.iter().any(|e| e.starts_with("RPPP_TEST_PASSWORD=")));
    }
    let all = logs.all();
    assert!(all.iter().any(|l| l.contains("Script")), "{all:?}");
    assert!(all.iter().all(|l| !l.contains(PASSWORD)), "{all:?}");
}
