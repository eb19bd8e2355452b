//! The driver asks a session's hooks to verify the peer (the hook RADIUS
//! uses, issue #18): the session waits for the answer without stopping
//! its frames and timers, applies the limits that come with an accept,
//! and takes new limits later through the engine (a CoA-Request).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rppp::driver::fake::{FakeDataPath, TestEngine};
use std::net::Ipv4Addr;

use rppp::driver::{
    Authorization, EndReason, EngineEvent, FramedRoute, Hooks, LinkOptions, SessionLimits,
};
use rppp::nd::message::{RouterAdvertisement, RouterSolicitation};
use rppp::nd::Ipv6Prefix;
use rppp::session::{
    exit, DataPathAction, SessionEvent, TerminationReason, Verdict, Verification, VerifyRequest,
};
use rppp_auth::AuthMethod;
use rppp_ipcp::Ipv6cpConfig;

mod fake_pair;
use fake_pair::*;

/// Answers every request with `answer` after `delay`, counting them.
#[derive(Clone)]
struct Verifier {
    answer: Authorization,
    delay: Duration,
    asked: Arc<AtomicUsize>,
}

impl Hooks for Verifier {
    fn verify(
        &mut self,
        request: &VerifyRequest,
    ) -> impl std::future::Future<Output = Authorization> + Send + 'static {
        assert_eq!(request.name, b"lac");
        self.asked.fetch_add(1, Ordering::SeqCst);
        let (answer, delay) = (self.answer.clone(), self.delay);
        async move {
            tokio::time::sleep(delay).await;
            answer
        }
    }
}

/// An LNS that knows no secrets and asks `verifier`, and a LAC with the
/// password, on one engine.
fn start_verified(verifier: Verifier) -> Running {
    start_verified_with(verifier, false)
}

/// As [`start_verified`], with IPv6CP on both ends when `ipv6`.
fn start_verified_with(verifier: Verifier, ipv6: bool) -> Running {
    let (mut lns, mut lac) = configs(Some(AuthMethod::ChapMd5));
    lns.auth.verification = Verification::External;
    lns.auth.chap_secrets = secrets("");
    lns.auth.pap_secrets = secrets("");
    if ipv6 {
        lns.ipv6cp = Some(Ipv6cpConfig::default());
        lac.ipv6cp = Some(Ipv6cpConfig::default());
    }
    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    Running {
        lns: engine.add_session_with(lns_dp, lns, LinkOptions::default(), verifier),
        lac: engine.add_session(lac_dp, lac),
        lns_kernel,
        lac_kernel,
    }
}

fn verifier(answer: Authorization) -> Verifier {
    Verifier {
        answer,
        // Longer than the LCP echo and CHAP timers' first tick: the
        // session runs on while it waits.
        delay: Duration::from_millis(300),
        asked: Arc::default(),
    }
}

#[tokio::test]
async fn an_accept_with_a_session_timeout_ends_the_link_on_time() {
    let v = verifier(Authorization {
        verdict: Verdict::accept(),
        limits: SessionLimits {
            session_timeout: Some(Duration::from_secs(2)),
            idle_timeout: None,
        },
        dns: [None; 2],
        nbns: [None; 2],
        mtu: None,
        interface_id: None,
        routes: Vec::new(),
        ipv6_prefix: None,
    });
    let asked = Arc::clone(&v.asked);
    let mut r = start_verified(v);
    events_until(&mut r.lns, ip_up).await;
    events_until(&mut r.lac, ip_up).await;
    let end = ended(r.lns).await;
    assert_eq!(
        end.reason,
        EndReason::Protocol {
            reason: TerminationReason::ConnectTime,
            exit_code: exit::CONNECT_TIME
        },
        "{end:?}"
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    nothing_left(&r.lns_kernel).await;
    ended(r.lac).await;
}

#[tokio::test]
async fn an_accepts_mtu_lowers_the_interfaces_mtu_before_the_network_comes_up() {
    let mut answer = Authorization::from(Verdict::accept());
    answer.mtu = Some(1200);
    let mut r = start_verified(verifier(answer));
    events_until(&mut r.lns, ip_up).await;
    events_until(&mut r.lac, ip_up).await;
    {
        let k = r.lns_kernel.lock();
        let mtus: Vec<u16> = k
            .actions
            .iter()
            .filter_map(|a| match a {
                DataPathAction::SetMtu(m) => Some(*m),
                _ => None,
            })
            .collect();
        // LCP's MTU at link up, then the server's, lower.
        assert_eq!(mtus.last(), Some(&1200), "{mtus:?}");
        assert!(mtus.first().is_some_and(|m| *m > 1200), "{mtus:?}");
        let at = |a: &DataPathAction| k.actions.iter().position(|b| b == a);
        assert!(at(&DataPathAction::SetMtu(1200)) < at(&DataPathAction::InterfaceUp));
    }
    // The LAC's MTU is its own: the limit is the LNS's interface only.
    let lac_last = r
        .lac_kernel
        .lock()
        .actions
        .iter()
        .rev()
        .find_map(|a| match a {
            DataPathAction::SetMtu(m) => Some(*m),
            _ => None,
        });
    assert_ne!(lac_last, Some(1200));
    r.lac.close();
    ended(r.lac).await;
    ended(r.lns).await;
}

#[tokio::test]
async fn an_accepts_interface_id_is_the_peers_in_ipv6cp() {
    let mut answer = Authorization::from(Verdict::accept());
    answer.interface_id = Some([0x02, 0, 0, 0, 0, 0, 0, 0x42]);
    let Running {
        mut lns, mut lac, ..
    } = start_verified_with(verifier(answer), true);
    let ipv6_up = |e: &EngineEvent| matches!(e, EngineEvent::Session(SessionEvent::Ipv6Up { .. }));
    let seen = events_until(&mut lac, ipv6_up).await;
    let expected: std::net::Ipv6Addr = "fe80::200:0:0:42".parse().unwrap();
    assert!(
        matches!(seen.last(), Some(EngineEvent::Session(SessionEvent::Ipv6Up { local, .. })) if *local == expected),
        "{:?}",
        seen.last()
    );
    let seen = events_until(&mut lns, ipv6_up).await;
    assert!(
        matches!(seen.last(), Some(EngineEvent::Session(SessionEvent::Ipv6Up { peer, .. })) if *peer == expected),
        "{:?}",
        seen.last()
    );
    lac.close();
    ended(lac).await;
    ended(lns).await;
}

#[tokio::test]
async fn an_accepts_routes_go_through_the_interface_while_ipv4_is_up() {
    let mut answer = Authorization::from(Verdict::accept());
    let route = FramedRoute::new(Ipv4Addr::new(10, 50, 0, 0), 24, Some(5)).unwrap();
    answer.routes = vec![route];
    let mut r = start_verified(verifier(answer));
    events_until(&mut r.lns, ip_up).await;
    events_until(&mut r.lac, ip_up).await;
    assert_eq!(r.lns_kernel.lock().framed_routes, [route]);
    assert!(r.lac_kernel.lock().framed_routes.is_empty());
    r.lac.close();
    ended(r.lac).await;
    ended(r.lns).await;
    assert!(r.lns_kernel.lock().framed_routes.is_empty());
}

/// The Router Advertisements the fake kernel's link carried, waiting up
/// to `within` for at least `n`.
async fn advertisements(
    kernel: &rppp::driver::fake::FakeHandle,
    n: usize,
    within: Duration,
) -> Vec<RouterAdvertisement> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while seen.len() < n && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        for m in kernel.lock().router_advertisements() {
            seen.push(RouterAdvertisement::parse(&m, 255).expect("a valid advertisement"));
        }
    }
    seen
}

#[tokio::test]
async fn an_accepts_ipv6_prefix_is_routed_and_advertised_while_ipv6_is_up() {
    let prefix = Ipv6Prefix::new("2001:db8:77:1::".parse().unwrap(), 64).unwrap();
    let mut answer = Authorization::from(Verdict::accept());
    answer.ipv6_prefix = Some(prefix);
    let Running {
        mut lns,
        lac,
        lns_kernel,
        lac_kernel,
    } = start_verified_with(verifier(answer), true);
    let ipv6_up = |e: &EngineEvent| matches!(e, EngineEvent::Session(SessionEvent::Ipv6Up { .. }));
    events_until(&mut lns, ipv6_up).await;
    // The first advertisement goes at once, with the prefix for SLAAC
    // and this end as the peer's default router.
    let first = advertisements(&lns_kernel, 1, Duration::from_secs(2)).await;
    assert_eq!(first.len(), 1, "{first:?}");
    let p = first[0]
        .prefixes()
        .next()
        .expect("a Prefix Information option");
    assert_eq!(p.prefix, prefix);
    assert!(p.on_link && p.autonomous);
    assert_eq!(first[0].router_lifetime, 1800);
    assert_eq!(lns_kernel.lock().ipv6_prefix, Some(prefix));
    assert_eq!(lac_kernel.lock().ipv6_prefix, None);
    // A solicitation is answered, no sooner than 3 s after the first
    // (MIN_DELAY_BETWEEN_RAS), long before the next unsolicited one
    // (16 s). One that is not valid (code 1) is dropped.
    assert!(lns_kernel
        .lock()
        .send_to_router(&[133, 1, 0, 0, 0, 0, 0, 0]));
    assert!(lns_kernel
        .lock()
        .send_to_router(&RouterSolicitation::default().encode()));
    let answer = advertisements(&lns_kernel, 1, Duration::from_secs(5)).await;
    assert_eq!(answer.len(), 1, "{answer:?}");
    assert_eq!(answer[0], first[0]);
    lac.close();
    ended(lac).await;
    ended(lns).await;
    assert_eq!(lns_kernel.lock().ipv6_prefix, None);
}

#[tokio::test]
async fn a_reject_fails_the_peer_with_pppds_exit_code() {
    let v = verifier(Authorization::from(Verdict::Reject { message: None }));
    let r = start_verified(v);
    let end = ended(r.lns).await;
    assert!(
        matches!(
            end.reason,
            EndReason::Protocol {
                reason: TerminationReason::PeerAuthFailed { .. },
                exit_code: exit::PEER_AUTH_FAILED
            }
        ),
        "{end:?}"
    );
    let end = ended(r.lac).await;
    assert!(
        matches!(
            end.reason,
            EndReason::Protocol {
                reason: TerminationReason::AuthToPeerFailed { .. },
                ..
            }
        ),
        "{end:?}"
    );
    nothing_left(&r.lns_kernel).await;
}

#[tokio::test]
async fn new_limits_through_the_engine_take_effect_on_a_running_link() {
    let v = verifier(Authorization::from(Verdict::accept()));
    let mut r = start_verified(v);
    events_until(&mut r.lns, ip_up).await;
    events_until(&mut r.lac, ip_up).await;
    // A CoA-Request's Idle-Timeout: the fake unit reports no traffic.
    r.lns
        .set_limits(SessionLimits {
            session_timeout: None,
            idle_timeout: Some(Duration::from_secs(1)),
        })
        .unwrap();
    let end = ended(r.lns).await;
    assert_eq!(
        end.reason,
        EndReason::Protocol {
            reason: TerminationReason::Idle,
            exit_code: exit::IDLE_TIMEOUT
        },
        "{end:?}"
    );
    ended(r.lac).await;
}
