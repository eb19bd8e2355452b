//! pppd-style scripts run for real: shell scripts in a temporary directory
//! record their arguments and environment, and the tests compare them with
//! what pppd passes; missing, non-executable and hung scripts, pppd's
//! ordering rule, and the rule that no password reaches a script or a log.

mod common;

use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{capture_logs, TempDir};
use rppp::notify::{
    Ipv4Info, Ipv6Info, LinkStats, ProcessInfo, Script, ScriptContext, ScriptOutcome, ScriptPair,
    ScriptRunner, SkipReason,
};

/// Writing an executable while another thread forks can make a later exec
/// of it fail with ETXTBSY (the forked child briefly holds the write
/// descriptor). Scripts are written under the write lock; anything that
/// may spawn holds a read lock.
static EXEC_LOCK: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

const PASSWORD: &str = "s3cret-Pa55w0rd";

/// A temporary directory as a script directory.
impl TempDir {
    /// Writes `dir/name` with `body` and permission bits `mode`.
    fn script(&self, name: &str, body: &str, mode: u32) {
        // Called from async tests: poll rather than block the runtime
        // (each test has its own thread and runtime).
        let _w = loop {
            match EXEC_LOCK.try_write() {
                Ok(w) => break w,
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        };
        let p = self.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A script that records its arguments and its initial environment
    /// (NUL-separated) in `<name>.args` and `<name>.env`.
    fn recorder(&self, name: &str) {
        let out = self.join(name);
        let out = out.display();
        self.script(
            name,
            &format!(
                "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{out}.args'\n/bin/cat /proc/$$/environ > '{out}.env'\n"
            ),
            0o755,
        );
    }

    /// What a recorder script recorded: (arguments, environment).
    fn recorded(&self, name: &str) -> (Vec<String>, Vec<String>) {
        let read = |ext: &str| -> Vec<String> {
            let raw = std::fs::read(self.join(&format!("{name}.{ext}"))).unwrap();
            let text = String::from_utf8(raw).unwrap();
            let mut v: Vec<String> = text.split('\0').map(str::to_owned).collect();
            assert_eq!(v.pop().as_deref(), Some(""), "NUL-terminated");
            v
        };
        (read("args"), read("env"))
    }
}

/// An LNS session as xl2tpd starts it, with everything up.
fn session() -> ScriptContext {
    ScriptContext {
        process: ProcessInfo::current(),
        ifname: "ppp0".into(),
        unit: Some(0),
        ipparam: Some("198.51.100.20".into()),
        linkname: Some("l2tp-42162-58224".into()),
        peer_name: Some("lac".into()),
        ipv4: Some(Ipv4Info {
            local: Ipv4Addr::new(10, 201, 0, 1),
            remote: Some(Ipv4Addr::new(10, 201, 0, 2)),
            dns: [Some(Ipv4Addr::new(192, 0, 2, 53)), None],
            wins: [None; 2],
        }),
        ipv6: Some(Ipv6Info {
            local_id: [0x02, 0, 0, 0, 0, 0, 0, 1],
            remote_id: [0x02, 0, 0, 0, 0, 0, 0, 2],
        }),
        stats: Some(LinkStats {
            connect_time: 12,
            bytes_sent: 3456,
            bytes_rcvd: 7890,
        }),
        ..ScriptContext::default()
    }
}

fn runner(dir: &TempDir, timeout_ms: u64) -> ScriptRunner {
    ScriptRunner::new(dir.path(), Duration::from_millis(timeout_ms))
}

fn pairs(env: &[(String, String)]) -> Vec<String> {
    let mut v: Vec<String> = env.iter().map(|(k, val)| format!("{k}={val}")).collect();
    v.sort();
    v
}

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

/// The session hooks the `rppp` command uses, on a session from a command
/// line over the fake data path: `ip-pre-up` runs, and the session waits
/// for it, before the interface comes up; `ip-down` gets the bytes that
/// crossed the interface and the connect time.
#[tokio::test]
async fn the_session_hooks_run_ip_pre_up_first_and_give_ip_down_the_byte_counts() {
    use rppp::driver::fake::{FakeDataPath, TestEngine};
    use rppp::driver::EngineEvent;
    use rppp::notify::SessionHooks;
    use rppp::session::{network_protocol, Phase, Role, SessionConfig, SessionEvent};

    let dir = TempDir::new("hooks");
    // ip-pre-up takes its time: the interface must wait for it.
    let out = dir.join("ip-pre-up");
    dir.script(
        "ip-pre-up",
        &format!(
            "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{}.args'\n/bin/cat /proc/$$/environ > '{}.env'\n/bin/sleep 0.5\n",
            out.display(),
            out.display()
        ),
        0o755,
    );
    dir.recorder("ip-up");
    dir.recorder("ip-down");
    let _x = EXEC_LOCK.read().await;

    let line = "plugin pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 42 \
                pppol2tp_session_id 7 nodetach noauth name lns 10.201.0.1:10.201.0.2 ipparam lab";
    let args: Vec<&str> = line.split_whitespace().collect();
    let mut no_files = |p: &str| -> std::io::Result<Vec<u8>> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            p.to_owned(),
        ))
    };
    let o = rppp::options::parse(&args, &rppp::options::Context::new(true), &mut no_files).unwrap();
    let lns = o.session_config(b"lns-host", &mut no_files).unwrap();
    let link = o.link_options();
    let mut lac = SessionConfig::new(Role::Lac);
    lac.ipcp.noipdefault = true;
    lac.ipcp.accept_local = true;
    lac.ipcp.accept_remote = true;

    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    let hooks = SessionHooks::with_runner(&o, ProcessInfo::current(), runner(&dir, 5000));
    let mut handle = engine.add_session_with(lns_dp, lns, link, hooks);
    let peer = engine.add_session(lac_dp, lac);
    let run = async {
        let mut network_at = None;
        let mut sent = false;
        while let Some(event) = handle.next_event().await {
            match &event {
                EngineEvent::Session(SessionEvent::Phase(Phase::Network)) => {
                    network_at = Some(Instant::now())
                }
                EngineEvent::Session(SessionEvent::IpUp { .. }) if !sent => {
                    // IPCP takes a few milliseconds; ip-pre-up sleeps 0.5 s.
                    let waited = network_at.expect("Network before IpUp").elapsed();
                    assert!(waited >= Duration::from_millis(400), "{waited:?}");
                    for _ in 0..3 {
                        assert!(lns_kernel.send_data(network_protocol::IPV4, &[0x45; 300]));
                    }
                    assert!(lac_kernel.send_data(network_protocol::IPV4, &[0x45; 120]));
                    sent = true;
                    peer.close();
                }
                _ => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the session ended");

    let expected = ["ppp-fake0", "", "0", "10.201.0.1", "10.201.0.2", "lab"];
    let (args, env) = dir.recorded("ip-pre-up");
    assert_eq!(args, expected);
    assert!(env.contains(&"IPLOCAL=10.201.0.1".to_owned()), "{env:?}");
    assert!(env.contains(&"IFNAME=ppp-fake0".to_owned()), "{env:?}");
    assert_eq!(dir.recorded("ip-up").0, expected);
    let (args, env) = dir.recorded("ip-down");
    assert_eq!(args, expected);
    assert!(env.contains(&"BYTES_SENT=900".to_owned()), "{env:?}");
    assert!(env.contains(&"BYTES_RCVD=120".to_owned()), "{env:?}");
    assert!(
        env.iter()
            .any(|e| e == "CONNECT_TIME=0" || e == "CONNECT_TIME=1"),
        "{env:?}"
    );
}
