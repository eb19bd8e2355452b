//! Dynamic Authorization (RFC 5176) as an operator uses it: FreeRADIUS's
//! `radclient` sends a Disconnect-Request or a CoA-Request to rppp's
//! listener, which finds the session (authenticated through a real
//! FreeRADIUS) by Acct-Session-Id or User-Name and ends it, or gives it
//! a new Session-Timeout, and answers ACK or NAK with an Error-Cause.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rppp::driver::fake::{FakeDataPath, TestEngine};
use rppp::driver::{CloseReason, EndReason, LinkOptions};
use rppp::radius_client::dae::{self, DaeSettings};
use rppp::radius_client::{Directory, RadiusContext, RadiusHooks};
use rppp::session::{exit, SessionConfig, TerminationReason, Verification};
use rppp_auth::AuthMethod;

mod fake_pair;
mod radius_common;
use fake_pair::*;
use radius_common::client::{nas, service};
use radius_common::*;

const DAE_SECRET: &str = "dae-s3cret";

/// radclient's answer to `attributes` sent as `kind` (disconnect, coa),
/// off the runtime (the listener answers on it).
async fn radclient(port: u16, kind: &'static str, attributes: &'static str) -> String {
    tokio::task::spawn_blocking(move || radclient_blocking(port, kind, attributes))
        .await
        .unwrap()
}

fn radclient_blocking(port: u16, kind: &str, attributes: &str) -> String {
    let mut child = Command::new("radclient")
        .args(["-x", "-r", "1", "-t", "3"])
        .arg(format!("127.0.0.1:{port}"))
        .args([kind, DAE_SECRET])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("radclient (freeradius-utils)");
    // radclient computes a Message-Authenticator given as zeros.
    let input = format!("{attributes}\nMessage-Authenticator = 0x00\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn configs() -> (SessionConfig, SessionConfig) {
    let (mut lns, mut lac) = fake_pair::configs(Some(AuthMethod::Pap));
    lns.auth.verification = Verification::External;
    lns.auth.pap_secrets = secrets("");
    let (user, password) = PAP_USER;
    lac.auth.user = user.as_bytes().to_vec();
    lac.auth.pap_secrets = secrets(&format!("{user} * {password}\n"));
    (lns, lac)
}

#[tokio::test]
async fn radclient_disconnects_and_changes_sessions_by_their_radius_names() {
    let Some(radius) = FreeRadius::start_new() else {
        return;
    };
    if Command::new("radclient").arg("-h").output().is_err() {
        assert!(!required(), "radclient (freeradius-utils) is missing");
        return;
    }
    let service = service(vec![radius.auth_addr()], vec![radius.acct_addr()]).await;
    let directory = Directory::new();
    let context = RadiusContext {
        handle: service.handle(),
        nas: nas(),
        avpairs: Arc::default(),
        interim_default: None,
        directory: Some(directory.clone()),
        radattr: None,
        pools: None,
        realms: None,
    };
    let engine = TestEngine::new();
    let port = free_udp_port();
    let settings = DaeSettings::from_clients_file(
        format!("127.0.0.1:{port}").parse().unwrap(),
        "dae-clients",
        &format!("127.0.0.1 {DAE_SECRET}\n"),
    )
    .unwrap();
    let socket = dae::bind(&settings).await.unwrap();
    let listener = tokio::spawn(dae::serve(
        socket,
        settings.config,
        engine.engine.clone(),
        directory.clone(),
    ));

    // Two sessions of alice, up.
    let mut running = Vec::new();
    for n in 0..2 {
        let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
        let (lns, lac) = configs();
        let hooks = RadiusHooks::new((), context.clone(), format!("DAE{n:05}"), None, None);
        let acct = hooks.acct_session_id();
        let lns = engine.add_session_with(lns_dp, lns, LinkOptions::default(), hooks);
        directory.bind(&acct, lns.id());
        let mut r = Running {
            lns,
            lac: engine.add_session(lac_dp, lac),
            lns_kernel,
            lac_kernel,
        };
        events_until(&mut r.lns, ip_up).await;
        events_until(&mut r.lac, ip_up).await;
        running.push(r);
    }
    let second = running.pop().unwrap();
    let first = running.pop().unwrap();

    // No such session: NAK, Session-Context-Not-Found.
    let out = radclient(port, "disconnect", "Acct-Session-Id = \"NOSUCH\"").await;
    assert!(out.contains("Disconnect-NAK"), "{out}");
    assert!(out.contains("Session-Context-Not-Found"), "{out}");

    // Disconnect the first by its Acct-Session-Id.
    let out = radclient(port, "disconnect", "Acct-Session-Id = \"DAE00000\"").await;
    assert!(out.contains("Disconnect-ACK"), "{out}");
    let end = ended(first.lns).await;
    assert_eq!(end.reason, EndReason::Closed(CloseReason::Admin), "{end:?}");
    ended(first.lac).await;

    // A CoA for alice (now only the second): a two-second Session-Timeout.
    let out = radclient(port, "coa", "User-Name = \"alice\"\nSession-Timeout = 2").await;
    assert!(out.contains("CoA-ACK"), "{out}");
    let end = ended(second.lns).await;
    assert_eq!(
        end.reason,
        EndReason::Protocol {
            reason: TerminationReason::ConnectTime,
            exit_code: exit::CONNECT_TIME
        },
        "{end:?}"
    );
    ended(second.lac).await;
    assert!(directory.is_empty(), "ended sessions leave the directory");

    // A CoA with an attribute rppp cannot apply: NAK, Unsupported-Attribute.
    let out = radclient(port, "coa", "User-Name = \"alice\"\nFilter-Id = \"gold\"").await;
    assert!(out.contains("CoA-NAK"), "{out}");
    assert!(out.contains("Unsupported-Attribute"), "{out}");

    // The Stop of the disconnected session says Admin-Reset.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        radius
            .detail()
            .contains("Acct-Terminate-Cause = Admin-Reset"),
        "{}",
        radius.detail()
    );
    listener.abort();
    service.shutdown(Duration::from_secs(1)).await;
}

fn required() -> bool {
    std::env::var_os("RPPP_REQUIRE_FREERADIUS").is_some_and(|v| v == "1")
}
