//! The session hooks the `rppp` command uses, running pppd-style scripts for
//! a session over the fake data path.

mod common;
mod scripts_common;

use std::time::{Duration, Instant};

use rppp::driver::fake::{FakeDataPath, TestEngine};
use rppp::driver::EngineEvent;
use rppp::notify::{PeerDnsHooks, ProcessInfo, SessionHooks};
use rppp::options::Options;
use rppp::session::{network_protocol, Phase, Role, SessionConfig, SessionEvent};

use common::TempDir;
use scripts_common::*;

/// The arguments, as xl2tpd gives them, that the recorders must see.
const EXPECTED_ARGS: [&str; 6] = ["ppp-fake0", "", "0", "10.201.0.1", "10.201.0.2", "lab"];

/// An `ip-pre-up` that records like [`TempDir::recorder`] and then takes
/// its time (0.5 s): the interface must wait for it.
fn write_slow_ip_pre_up(dir: &TempDir) {
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
}

/// The LNS's options and session from an xl2tpd-style command line.
fn lns_from_command_line() -> (Options, SessionConfig) {
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
    (o, lns)
}

/// A LAC that takes the addresses the LNS gives.
fn lac() -> SessionConfig {
    let mut lac = SessionConfig::new(Role::Lac);
    lac.ipcp.noipdefault = true;
    lac.ipcp.accept_local = true;
    lac.ipcp.accept_remote = true;
    lac
}

/// What ip-pre-up, ip-up and ip-down recorded: pppd's arguments, the
/// addresses and the interface, and for ip-down the bytes (3 × 300 sent,
/// 120 received) and the connect time.
fn assert_recorded(dir: &TempDir) {
    let (args, env) = dir.recorded("ip-pre-up");
    assert_eq!(args, EXPECTED_ARGS);
    assert!(env.contains(&"IPLOCAL=10.201.0.1".to_owned()), "{env:?}");
    assert!(env.contains(&"IFNAME=ppp-fake0".to_owned()), "{env:?}");
    assert_eq!(dir.recorded("ip-up").0, EXPECTED_ARGS);
    let (args, env) = dir.recorded("ip-down");
    assert_eq!(args, EXPECTED_ARGS);
    assert!(env.contains(&"BYTES_SENT=900".to_owned()), "{env:?}");
    assert!(env.contains(&"BYTES_RCVD=120".to_owned()), "{env:?}");
    assert!(
        env.iter()
            .any(|e| e == "CONNECT_TIME=0" || e == "CONNECT_TIME=1"),
        "{env:?}"
    );
}

/// The session hooks the `rppp` command uses, on a session from a command
/// line over the fake data path: `ip-pre-up` runs, and the session waits
/// for it, before the interface comes up; `ip-down` gets the bytes that
/// crossed the interface and the connect time.
#[tokio::test]
async fn the_session_hooks_run_ip_pre_up_first_and_give_ip_down_the_byte_counts() {
    let dir = TempDir::new("hooks");
    write_slow_ip_pre_up(&dir);
    dir.recorder("ip-up");
    dir.recorder("ip-down");
    let _x = EXEC_LOCK.read().await;

    let (o, lns) = lns_from_command_line();
    let link = o.link_options();
    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    let hooks = SessionHooks::with_runner(&o, ProcessInfo::current(), runner(&dir, 5000));
    let mut handle = engine.add_session_with(lns_dp, lns, link, hooks);
    let peer = engine.add_session(lac_dp, lac());
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
    assert_recorded(&dir);
}

/// The LAC's options from a command line with `usepeerdns`, as an
/// xl2tpd-style LAC runs it.
fn lac_with_usepeerdns() -> (Options, SessionConfig) {
    let line = "plugin pppol2tp.so pppol2tp 7 pppol2tp_tunnel_id 42 pppol2tp_session_id 7 \
                nodetach noauth name lac noipdefault ipcp-accept-local ipcp-accept-remote \
                usepeerdns";
    let args: Vec<&str> = line.split_whitespace().collect();
    let mut no_files = |p: &str| -> std::io::Result<Vec<u8>> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            p.to_owned(),
        ))
    };
    let o = rppp::options::parse(&args, &rppp::options::Context::new(true), &mut no_files).unwrap();
    let lac = o.session_config(b"lac-host", &mut no_files).unwrap();
    (o, lac)
}

/// pppd's `usepeerdns`: when IPCP comes up, the DNS servers the LNS gave
/// (its `ms-dns`) replace resolv.conf, before `ip-up` runs, and `ip-up`
/// gets `USEPEERDNS=1`, `DNS1` and `DNS2`.
#[tokio::test]
async fn usepeerdns_writes_the_peers_dns_servers_to_resolv_conf() {
    let dir = TempDir::new("usepeerdns");
    dir.script(
        "ip-up",
        &format!(
            "#!/bin/sh\n/bin/cat '{0}' > '{0}.at-ip-up'\n/bin/cat /proc/$$/environ > '{1}.env'\nprintf '' > '{1}.args'\n",
            dir.join("resolv.conf").display(),
            dir.join("ip-up").display()
        ),
        0o755,
    );
    std::fs::write(dir.join("resolv.conf"), "nameserver 203.0.113.1\n").unwrap();
    let _x = EXEC_LOCK.read().await;

    let (o, lac) = lac_with_usepeerdns();
    let (_, mut lns) = lns_from_command_line();
    lns.ipcp.ms_dns = [
        Some("192.0.2.53".parse().unwrap()),
        Some("198.51.100.53".parse().unwrap()),
    ];
    let link = o.link_options();
    let ((lac_dp, _lac_kernel), (lns_dp, _lns_kernel), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    let hooks = SessionHooks::with_runner(&o, ProcessInfo::current(), runner(&dir, 5000))
        .with_resolv_conf(dir.join("resolv.conf"));
    let mut handle = engine.add_session_with(lac_dp, lac, link, hooks);
    let peer = engine.add_session(lns_dp, lns);
    let run = async {
        let mut closed = false;
        while let Some(event) = handle.next_event().await {
            if let EngineEvent::Session(SessionEvent::IpUp { .. }) = &event {
                if !closed {
                    closed = true;
                    peer.close();
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the session ended");
    let expected = "nameserver 192.0.2.53\nnameserver 198.51.100.53\n";
    assert_eq!(
        std::fs::read_to_string(dir.join("resolv.conf")).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("resolv.conf.at-ip-up")).unwrap(),
        expected
    );
    let (_, env) = dir.recorded("ip-up");
    for var in ["USEPEERDNS=1", "DNS1=192.0.2.53", "DNS2=198.51.100.53"] {
        assert!(env.contains(&var.to_owned()), "{var}: {env:?}");
    }
}

/// `rppp l2tpd` runs no scripts: its sessions' hooks write resolv.conf
/// alone, with `usepeerdns`, and nothing without it.
#[tokio::test]
async fn the_daemons_hooks_write_resolv_conf_only_with_usepeerdns() {
    for use_peer_dns in [true, false] {
        let dir = TempDir::new("peerdns");
        let path = dir.join("resolv.conf");
        let (_, mut lac) = lac_with_usepeerdns();
        lac.ipcp.use_peer_dns = use_peer_dns;
        let (_, mut lns) = lns_from_command_line();
        lns.ipcp.ms_dns = [Some("192.0.2.53".parse().unwrap()), None];
        let hooks = PeerDnsHooks::for_config(&lac).with_path(&path);
        let ((lac_dp, _k1), (lns_dp, _k2), _relay) = FakeDataPath::pair().unwrap();
        let engine = TestEngine::new();
        let mut handle = engine.add_session_with(lac_dp, lac, Default::default(), hooks);
        let peer = engine.add_session(lns_dp, lns);
        let run = async {
            while let Some(event) = handle.next_event().await {
                if let EngineEvent::Session(SessionEvent::IpUp { .. }) = &event {
                    peer.close();
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(30), run)
            .await
            .expect("the session ended");
        match use_peer_dns {
            true => assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                "nameserver 192.0.2.53\n"
            ),
            false => assert!(!path.exists()),
        }
    }
}
