//! pppd's options that act beside the protocols, from a command line, on
//! two sessions over the fake data path: `idle`, `defaultroute`
//! (`replacedefaultroute`, `defaultroute-metric`), `proxyarp`, the wait
//! for `ip-pre-up` (hooks), and the link's figures for `ip-down`.

mod fake_pair;

use fake_pair::*;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp::driver::fake::{FakeDataPath, FakeHandle, SessionHandle, TestEngine, FAKE_IFNAME};
use rppp::driver::{
    ArpInterface, EngineEvent, ExistingRoute, Hooks, IpPreUp, LinkOptions, NetworkStats,
};
use rppp::options::Context;
use rppp::session::{exit, network_protocol, NpMode, SessionConfig, SessionEvent};

/// The LNS as xl2tpd would start it, with `extra` options on its command
/// line: its session configuration and link options.
fn lns_from_command_line(extra: &str) -> (SessionConfig, LinkOptions) {
    let line = format!(
        "plugin pppol2tp.so pppol2tp 7 pppol2tp_lns_mode pppol2tp_tunnel_id 42 pppol2tp_session_id 7 nodetach noauth name lns \
         {LNS_ADDR}:{LAC_ADDR} {extra}"
    );
    let args: Vec<&str> = line.split_whitespace().collect();
    let mut no_files = |path: &str| -> std::io::Result<Vec<u8>> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no {path} in tests"),
        ))
    };
    let o = rppp::options::parse(&args, &Context::new(true), &mut no_files).unwrap();
    let mut config = o.session_config(b"lns-host", &mut no_files).unwrap();
    config.negotiation_timeout = Duration::from_secs(3);
    (config, o.link_options())
}

struct Pair {
    lns: SessionHandle,
    lac: SessionHandle,
    lns_kernel: FakeHandle,
    lac_kernel: FakeHandle,
}

/// The LNS with `link`, the LAC plain; `prepare` sets up the LNS's fake
/// kernel first.
fn start_with(lns: SessionConfig, link: LinkOptions, prepare: impl FnOnce(&FakeHandle)) -> Pair {
    start_hooked(lns, link, prepare, ())
}

/// [`start_with`], with hooks on the LNS.
fn start_hooked(
    lns: SessionConfig,
    link: LinkOptions,
    prepare: impl FnOnce(&FakeHandle),
    hooks: impl Hooks,
) -> Pair {
    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    prepare(&lns_kernel);
    let engine = TestEngine::new();
    Pair {
        lns: engine.add_session_with(lns_dp, lns, link, hooks),
        lac: engine.add_session(lac_dp, configs(None).1),
        lns_kernel,
        lac_kernel,
    }
}

#[tokio::test]
async fn idle_ends_the_link_with_12_but_not_while_data_arrives() {
    let (lns, link) = lns_from_command_line("idle 2");
    assert_eq!(link.idle, Some(Duration::from_secs(2)));
    let mut p = start_with(lns, link, |_| {});
    events_until(&mut p.lns, ip_up).await;
    events_until(&mut p.lac, ip_up).await;
    // Data in one direction only, for longer than idle: pppd takes the
    // smaller of the two idle times, so the link is not idle.
    let t = Instant::now();
    while t.elapsed() < Duration::from_millis(3500) {
        assert!(p.lac_kernel.send_data(network_protocol::IPV4, &[0x45; 84]));
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        !p.lns_kernel.lock().torn_down,
        "idle 2 ended the link while data arrived"
    );
    let quiet = Instant::now();
    let lns_end = ended(p.lns).await;
    assert_eq!(lns_end.exit_code, exit::IDLE_TIMEOUT, "{lns_end:?}");
    let after = quiet.elapsed();
    assert!(
        after >= Duration::from_secs(1) && after < Duration::from_secs(6),
        "ended {after:?} after the last packet"
    );
    // It sent a Terminate-Request: the peer ends as for any peer's close.
    let lac_end = ended(p.lac).await;
    assert_eq!(lac_end.exit_code, exit::OK, "{lac_end:?}");
    nothing_left(&p.lns_kernel).await;
}

#[tokio::test]
async fn defaultroute_and_proxyarp_are_set_while_ipcp_is_up_and_undone() {
    let (lns, link) = lns_from_command_line("defaultroute proxyarp");
    let mut p = start_with(lns, link, |k| {
        let iface = |name: &str, index, address: [u8; 4], prefix_len, usable| ArpInterface {
            name: name.into(),
            index,
            address: address.into(),
            prefix_len,
            usable,
        };
        k.lock().interfaces = vec![
            iface("lo", 1, [127, 0, 0, 1], 8, false),
            iface("eth1", 3, [10, 0, 0, 1], 8, true),
            // The longest prefix holding the peer's 10.201.0.2 wins.
            iface("eth0", 2, [10, 201, 0, 200], 24, true),
            iface("wg0", 4, [10, 201, 0, 1], 30, false),
        ];
    });
    events_until(&mut p.lns, ip_up).await;
    {
        let k = p.lns_kernel.lock();
        assert_eq!(
            k.default_routes,
            [ExistingRoute {
                gateway: None,
                dev: FAKE_IFNAME.into(),
                metric: 0
            }]
        );
        assert_eq!(k.proxy_arp, [(LAC_ADDR, "eth0".to_string())]);
    }
    p.lac.close();
    let lns_end = ended(p.lns).await;
    assert_eq!(lns_end.exit_code, exit::OK, "{lns_end:?}");
    let k = p.lns_kernel.lock();
    assert!(k.default_routes.is_empty(), "{:?}", k.default_routes);
    assert!(k.proxy_arp.is_empty(), "{:?}", k.proxy_arp);
}

#[tokio::test]
async fn an_existing_default_route_is_left_alone_or_replaced_and_put_back() {
    let theirs = ExistingRoute {
        gateway: Some(Ipv4Addr::new(192, 0, 2, 1)),
        dev: "eth0".into(),
        metric: 100,
    };
    let ours = |metric| ExistingRoute {
        gateway: None,
        dev: FAKE_IFNAME.into(),
        metric,
    };
    for (extra, while_up) in [
        // pppd: "not replacing existing default route".
        ("defaultroute", vec![theirs.clone()]),
        ("defaultroute replacedefaultroute", vec![ours(0)]),
        // Only a default route of the metric asked for is in the way.
        (
            "defaultroute defaultroute-metric 5",
            vec![theirs.clone(), ours(5)],
        ),
        // proxyarp with no interface on the peer's subnet: nothing.
        ("proxyarp", vec![theirs.clone()]),
    ] {
        let (lns, link) = lns_from_command_line(extra);
        let existing = theirs.clone();
        let mut p = start_with(lns, link, |k| k.lock().default_routes = vec![existing]);
        events_until(&mut p.lns, ip_up).await;
        {
            let k = p.lns_kernel.lock();
            assert_eq!(k.default_routes, while_up, "{extra}");
            assert!(k.proxy_arp.is_empty(), "{extra}");
        }
        p.lac.close();
        ended(p.lns).await;
        assert_eq!(
            p.lns_kernel.lock().default_routes,
            std::slice::from_ref(&theirs),
            "{extra}: as it was"
        );
    }
}

/// Hooks whose `ip-pre-up` lasts until the test says so, and that
/// record what it was given.
#[derive(Clone, Default)]
struct PreUpGate {
    seen: Arc<std::sync::Mutex<Option<IpPreUp>>>,
    done: Arc<tokio::sync::Notify>,
}

impl Hooks for PreUpGate {
    fn ip_pre_up(
        &mut self,
        info: &IpPreUp,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        *self.seen.lock().unwrap() = Some(*info);
        let done = Arc::clone(&self.done);
        async move { done.notified().await }
    }
}

#[tokio::test]
async fn the_interface_comes_up_only_once_ip_pre_up_is_done() {
    let (mut lns, _) = lns_from_command_line("");
    // The LNS's echoes must keep being answered by the LAC, and the LAC's
    // by the LNS, while ip-pre-up runs: a driver that stopped reading
    // frames would lose the link to echo failures here.
    lns.lcp.echo_interval = Some(Duration::from_millis(100));
    lns.lcp.echo_failure = 3;
    let gate = PreUpGate::default();
    let mut p = start_hooked(lns, LinkOptions::default(), |_| {}, gate.clone());
    eventually("ip-pre-up", || gate.seen.lock().unwrap().is_some()).await;
    assert_eq!(
        *gate.seen.lock().unwrap(),
        Some(IpPreUp {
            local: LNS_ADDR,
            peer: LAC_ADDR,
            dns: [None; 2],
            nbns: [None; 2]
        })
    );
    // Addresses set, interface down, IPv4 still dropped: waiting, while
    // echoes go both ways.
    for _ in 0..4 {
        {
            let k = p.lns_kernel.lock();
            assert_eq!(k.ipv4, Some((LNS_ADDR, LAC_ADDR)));
            assert!(!k.up);
            assert_eq!(k.np_mode[0], Some(NpMode::Drop));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let stats = p.lns.stats().await.expect("the session runs");
    assert!(
        stats.lcp_counters.rx_echo_replies >= 5,
        "echoes answered while waiting: {:?}",
        stats.lcp_counters
    );
    gate.done.notify_one();
    events_until(&mut p.lns, ip_up).await;
    assert!(p.lns_kernel.lock().up);
    p.lac.close();
    ended(p.lns).await;

    // A close while ip-pre-up runs ends the session at once.
    let (lns, _) = lns_from_command_line("");
    let gate = PreUpGate::default();
    let p = start_hooked(lns, LinkOptions::default(), |_| {}, gate.clone());
    eventually("ip-pre-up", || gate.seen.lock().unwrap().is_some()).await;
    p.lns.close();
    let end = ended(p.lns).await;
    assert_eq!(end.exit_code, exit::USER_REQUEST, "{end:?}");
    assert!(!p.lns_kernel.lock().unit_exists);
    p.lac.close();
    ended(p.lac).await;
}

#[tokio::test]
async fn ip_down_gets_the_bytes_since_the_network_came_up() {
    let (lns, link) = lns_from_command_line("");
    let mut p = start_with(lns, link, |_| {});
    events_until(&mut p.lns, ip_up).await;
    events_until(&mut p.lac, ip_up).await;
    for _ in 0..3 {
        assert!(p.lns_kernel.send_data(network_protocol::IPV4, &[0x45; 200]));
    }
    for _ in 0..2 {
        assert!(p.lac_kernel.send_data(network_protocol::IPV4, &[0x45; 100]));
    }
    p.lac.close();
    let events = events_until(&mut p.lns, |_| false).await;
    let down = events
        .iter()
        .position(|e| matches!(e, EngineEvent::Session(SessionEvent::IpDown)))
        .expect("IpDown");
    let Some(EngineEvent::LinkStats(NetworkStats {
        bytes_sent,
        bytes_rcvd,
        connect_time,
    })) = events[..down]
        .iter()
        .rev()
        .find(|e| matches!(e, EngineEvent::LinkStats(_)))
    else {
        panic!("no LinkStats before IpDown: {events:?}");
    };
    assert_eq!((*bytes_sent, *bytes_rcvd), (600, 200));
    assert!(*connect_time < Duration::from_secs(20));
}
