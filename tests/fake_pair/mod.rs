//! What the driver's tests over the fake data path share: an LNS and a
//! LAC configured to meet, started on one engine, and waits for their
//! events, their ends and a kernel left clean.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp::driver::fake::{FakeDataPath, FakeHandle, SessionHandle, TestEngine};
use rppp::driver::{Ended, EngineEvent};
use rppp::session::{Role, SessionConfig, SessionEvent};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};

pub(crate) const LNS_ADDR: Ipv4Addr = Ipv4Addr::new(10, 201, 0, 1);
pub(crate) const LAC_ADDR: Ipv4Addr = Ipv4Addr::new(10, 201, 0, 2);

pub(crate) fn secrets(text: &str) -> Arc<Secrets> {
    let mut no_files = |path: &str| Err(format!("no file {path} in tests"));
    Arc::new(Secrets::parse("chap-secrets", text.as_bytes(), &mut no_files).unwrap())
}

pub(crate) fn configs(method: Option<AuthMethod>) -> (SessionConfig, SessionConfig) {
    let mut lns = SessionConfig::new(Role::Lns);
    lns.ipcp.local = Some(LNS_ADDR);
    lns.ipcp.remote = Some(LAC_ADDR);
    lns.auth.name = b"lns".to_vec();
    lns.negotiation_timeout = Duration::from_secs(3);
    let mut lac = SessionConfig::new(Role::Lac);
    lac.ipcp.noipdefault = true;
    lac.ipcp.accept_local = true;
    lac.ipcp.accept_remote = true;
    lac.auth.user = b"lac".to_vec();
    lac.auth.remote_name = Some(b"lns".to_vec());
    lac.negotiation_timeout = Duration::from_secs(3);
    if let Some(method) = method {
        lns.lcp.require = AuthMethods::NONE.with(method);
        let s = secrets("lac lns s3cret *\n");
        lns.auth.chap_secrets = Arc::clone(&s);
        lns.auth.pap_secrets = s;
        let s = secrets("lac lns s3cret\n");
        lac.auth.chap_secrets = Arc::clone(&s);
        lac.auth.pap_secrets = s;
    }
    (lns, lac)
}

pub(crate) struct Running {
    pub(crate) lns: SessionHandle,
    pub(crate) lac: SessionHandle,
    pub(crate) lns_kernel: FakeHandle,
    pub(crate) lac_kernel: FakeHandle,
}

pub(crate) fn start(lns: SessionConfig, lac: SessionConfig) -> Running {
    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    Running {
        lns: engine.add_session(lns_dp, lns),
        lac: engine.add_session(lac_dp, lac),
        lns_kernel,
        lac_kernel,
    }
}

/// Two sessions started and waited for until IPCP is up on both.
pub(crate) async fn start_up(lns: SessionConfig, lac: SessionConfig) -> Running {
    let mut r = start(lns, lac);
    events_until(&mut r.lns, ip_up).await;
    events_until(&mut r.lac, ip_up).await;
    r
}

/// Events until `done` says stop (or the session ended), within 20 s.
pub(crate) async fn events_until(
    handle: &mut SessionHandle,
    mut done: impl FnMut(&EngineEvent) -> bool,
) -> Vec<EngineEvent> {
    let mut seen = Vec::new();
    let collect = async {
        while let Some(event) = handle.next_event().await {
            let stop = done(&event) || matches!(event, EngineEvent::Ended(_));
            seen.push(event);
            if stop {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), collect)
        .await
        .expect("the session moved on within 20 s");
    seen
}

pub(crate) fn ip_up(e: &EngineEvent) -> bool {
    matches!(e, EngineEvent::Session(SessionEvent::IpUp { .. }))
}

pub(crate) async fn ended(handle: SessionHandle) -> Ended {
    tokio::time::timeout(Duration::from_secs(20), handle.wait())
        .await
        .expect("ended within 20 s")
}

/// Nothing the session set up is left: teardown ran, no interface, and
/// the engine closed both of its fds.
pub(crate) async fn nothing_left(kernel: &FakeHandle) {
    for _ in 0..100 {
        {
            let k = kernel.lock();
            if k.torn_down && !k.unit_exists && k.ipv4.is_none() && (k.channel_closed || k.hung_up)
            {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("left behind: {:?}", kernel.lock());
}

/// Waits until `f` holds, for at most 5 s.
pub(crate) async fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(5), "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
