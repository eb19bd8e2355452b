//! The control socket driven as an operator would, with `rppp ctl`'s
//! client, over an engine whose sessions run on the fake data path: list
//! (table and JSON, filtered, sorted), show one, show the counters,
//! terminate by id, user, interface, address and all (soft and hard),
//! shutdown, and garbage on the socket.

mod common;
mod fake_pair;

use std::path::Path;
use std::time::Duration;

use fake_pair::*;
use rppp::ctl::client::{ask, Answer};
use rppp::ctl::ControlSocket;
use rppp::driver::fake::{FakeDataPath, SessionHandle, TestEngine};
use rppp::driver::{CloseReason, EndReason};
use rppp_auth::AuthMethod;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

/// An engine with `pairs` LNS/LAC pairs up (CHAP: the LNS knows the
/// LAC's name), its control socket served at `path`.
async fn daemon(path: &Path, pairs: usize) -> (TestEngine, Vec<(SessionHandle, SessionHandle)>) {
    let engine = TestEngine::new();
    let mut sessions = Vec::new();
    for _ in 0..pairs {
        let ((a, _), (b, _), _relay) = FakeDataPath::pair().unwrap();
        let (lns, lac) = configs(Some(AuthMethod::ChapMd5));
        let mut lns = engine.add_session(a, lns);
        let mut lac = engine.add_session(b, lac);
        events_until(&mut lns, ip_up).await;
        events_until(&mut lac, ip_up).await;
        sessions.push((lns, lac));
    }
    let socket = ControlSocket::bind(path).await.unwrap();
    tokio::spawn(socket.serve(engine.engine.clone()));
    (engine, sessions)
}

async fn ok(path: &Path, request: &str) -> String {
    match ask(path, request).await.unwrap() {
        Answer::Ok(body) => body,
        Answer::Error(e) => panic!("{request}: {e}"),
    }
}

async fn refused(path: &Path, request: &str) -> String {
    match ask(path, request).await.unwrap() {
        Answer::Error(e) => e,
        Answer::Ok(body) => panic!("{request} was carried out: {body}"),
    }
}

#[tokio::test]
async fn show_lists_filters_and_sorts_sessions() {
    let dir = common::TempDir::new("ctl-show");
    let path = dir.join("rppp.ctl");
    let (engine, sessions) = daemon(&path, 2).await;
    let table = ok(&path, "show sessions id user ip state").await;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "a header and four sessions:\n{table}");
    assert!(lines[0].starts_with("id"), "{table}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("10.201.0.2")).count(),
        2,
        "the LNS sessions show the peer's address:\n{table}"
    );
    // JSON, filtered by the peer's name: the two LNS sessions.
    let json = ok(&path, "show sessions id user ip --json user=lac").await;
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json}");
    assert!(rows
        .iter()
        .all(|r| r["user"] == "lac" && r["ip"] == "10.201.0.2"));
    // Sorted by user: the LAC sessions (no peer name) first.
    let sorted = ok(&path, "show sessions id user sort=user --json").await;
    let rows: serde_json::Value = serde_json::from_str(&sorted).unwrap();
    assert!(
        rows[0]["user"].is_null() && rows[3]["user"] == "lac",
        "{sorted}"
    );
    // One session, everything about it; one that is not there.
    let id = sessions[0].0.id();
    let one = ok(&path, &format!("show session {id} --json")).await;
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(one["user"], "lac");
    assert_eq!(one["ipcp"], "Opened");
    assert!(refused(&path, "show session 999")
        .await
        .contains("no session 999"));
    let stat = ok(&path, "show stat").await;
    assert!(stat.contains("sessions: 4"), "{stat}");
    assert!(stat.contains("chap-md5 2"), "{stat}");
    drop(engine);
}

#[tokio::test]
async fn terminate_ends_the_sessions_named_soft_or_hard() {
    let dir = common::TempDir::new("ctl-terminate");
    let path = dir.join("rppp.ctl");
    let (engine, mut sessions) = daemon(&path, 3).await;
    let e = &engine.engine;
    // By id, soft: the LNS sends Terminate-Request and ends as asked.
    let (lns, lac) = sessions.remove(0);
    let answer = ok(&path, &format!("terminate id {}", lns.id())).await;
    assert!(answer.contains("terminating 1"), "{answer}");
    let end = ended(lns).await;
    assert_eq!(end.reason, EndReason::Closed(CloseReason::Admin), "{end:?}");
    assert_eq!(end.exit_code, 5);
    ended(lac).await;
    // By interface, hard: at once, and the peer is told nothing.
    let (lns, lac) = sessions.remove(0);
    let ifname = e.session(lns.id()).unwrap().ifname.unwrap();
    // Every fake unit has the same name: all four left go.
    ok(&path, &format!("terminate ifname {ifname} --hard")).await;
    let end = ended(lns).await;
    assert_eq!(end.reason, EndReason::Closed(CloseReason::Admin), "{end:?}");
    ended(lac).await;
    for (lns, lac) in sessions {
        ended(lns).await;
        ended(lac).await;
    }
    assert!(e.is_empty());
    assert!(refused(&path, "terminate all")
        .await
        .contains("no session matches"));
    assert!(refused(&path, "terminate user nobody")
        .await
        .contains("no session"));
    assert!(refused(&path, "terminate").await.contains("terminate what"));
}

#[tokio::test]
async fn terminate_by_user_and_by_address() {
    let dir = common::TempDir::new("ctl-user-ip");
    let path = dir.join("rppp.ctl");
    let (engine, mut sessions) = daemon(&path, 1).await;
    let (lns, lac) = sessions.remove(0);
    ok(&path, "terminate user lac").await;
    assert_eq!(
        ended(lns).await.reason,
        EndReason::Closed(CloseReason::Admin)
    );
    ended(lac).await;
    drop(engine);
    let dir = common::TempDir::new("ctl-ip");
    let path = dir.join("rppp.ctl");
    let (_engine, mut sessions) = daemon(&path, 1).await;
    let (lns, lac) = sessions.remove(0);
    ok(&path, "terminate ip 10.201.0.2").await;
    assert_eq!(
        ended(lns).await.reason,
        EndReason::Closed(CloseReason::Admin)
    );
    ended(lac).await;
}

#[tokio::test]
async fn shutdown_closes_every_session() {
    let dir = common::TempDir::new("ctl-shutdown");
    let path = dir.join("rppp.ctl");
    let (engine, sessions) = daemon(&path, 2).await;
    assert!(refused(&path, "shutdown --now").await.contains("--now"));
    assert!(ok(&path, "shutdown").await.contains("closing 4 session(s)"));
    for (lns, lac) in sessions {
        assert_eq!(
            ended(lns).await.reason,
            EndReason::Closed(CloseReason::Shutdown)
        );
        ended(lac).await;
    }
    assert!(engine.engine.is_empty());
}

/// A soft shutdown leaves the sessions up and takes no new ones; they end
/// when terminated.
#[tokio::test]
async fn shutdown_soft_waits_for_the_sessions() {
    let dir = common::TempDir::new("ctl-shutdown-soft");
    let path = dir.join("rppp.ctl");
    let (engine, mut sessions) = daemon(&path, 1).await;
    let answer = ok(&path, "shutdown --soft").await;
    assert!(
        answer.contains("2 session(s) run until they end"),
        "{answer}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(engine.engine.len(), 2, "the sessions stay up");
    // A new session is closed as soon as it starts.
    let ((a, _), (b, _), _relay) = FakeDataPath::pair().unwrap();
    let (lns, lac) = configs(None);
    let late = engine.add_session(a, lns);
    let late_peer = engine.add_session(b, lac);
    assert_eq!(
        ended(late).await.reason,
        EndReason::Closed(CloseReason::Shutdown)
    );
    ended(late_peer).await;
    assert_eq!(engine.engine.len(), 2, "the first two are still up");
    let (lns, lac) = sessions.remove(0);
    ok(&path, "terminate all").await;
    ended(lns).await;
    ended(lac).await;
    assert!(engine.engine.is_empty());
}

/// Garbage, too much, and nothing: each answered or dropped, and the
/// socket still answers afterwards; nothing changed.
#[tokio::test]
async fn garbage_on_the_socket_changes_nothing() {
    let dir = common::TempDir::new("ctl-garbage");
    let path = dir.join("rppp.ctl");
    let (engine, _sessions) = daemon(&path, 1).await;
    for junk in [
        vec![0xff, 0xfe, b'\n'],
        vec![b'x'; 100_000],
        b"terminate all all\n".to_vec(),
        b"\n".to_vec(),
    ] {
        let mut s = UnixStream::connect(&path).await.unwrap();
        let _ = s.write_all(&junk).await;
        let _ = s.shutdown().await;
        let mut answer = String::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_string(&mut answer)).await;
        assert!(answer.is_empty() || answer.starts_with("ERROR"), "{answer}");
    }
    // A client that connects and goes away at once.
    drop(UnixStream::connect(&path).await.unwrap());
    assert_eq!(engine.engine.len(), 2);
    assert!(ok(&path, "show sessions id").await.lines().count() == 3);
}

#[tokio::test]
async fn a_second_instance_cannot_take_a_live_socket_but_a_stale_one_is_replaced() {
    let dir = common::TempDir::new("ctl-bind");
    let path = dir.join("rppp.ctl");
    let first = ControlSocket::bind(&path).await.unwrap();
    let e = ControlSocket::bind(&path).await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{e}");
    let mode = std::fs::metadata(&path).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    drop(first);
    assert!(!path.exists(), "the socket file goes with the server");
    // Left behind by a process that died: the file, and no listener.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let _again = ControlSocket::bind(&path)
        .await
        .expect("a stale socket is replaced");
}
