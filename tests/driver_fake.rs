//! The tokio driver and the Engine, two sessions over the fake data path
//! (socketpairs that behave like the channel and unit fds): every
//! authentication method, closing, a peer that dies, the lower layer going
//! away, a failure injected at each data-path step, many sessions in one
//! engine, the read budget, the engine's counters. pppd's options that act
//! beside the protocols are in `driver_link.rs`.

mod common;
mod fake_pair;

use fake_pair::*;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp::driver::fake::{FakeDataPath, FakeHandle, SessionHandle, Step, TestEngine};
use rppp::driver::{DataPathStep, EndReason, EngineEvent};
use rppp::session::{exit, network_protocol, DataPathAction, NpMode, SessionEvent};
use rppp_auth::AuthMethod;

#[tokio::test]
async fn every_method_brings_the_link_up_and_closes_cleanly() {
    for method in [
        None,
        Some(AuthMethod::Pap),
        Some(AuthMethod::ChapMd5),
        Some(AuthMethod::MsChapV2),
    ] {
        let (lns, lac) = configs(method);
        let mut r = start(lns, lac);
        let lns_events = events_until(&mut r.lns, ip_up).await;
        let lac_events = events_until(&mut r.lac, ip_up).await;
        assert!(
            matches!(lns_events.first(), Some(EngineEvent::Created { ifname, unit: 0, l2tp: None }) if ifname == "ppp-fake0"),
            "{method:?}: {lns_events:?}"
        );
        assert!(
            lns_events.iter().any(|e| matches!(e,
                EngineEvent::Session(SessionEvent::IpUp { local, peer, .. })
                    if *local == LNS_ADDR && *peer == LAC_ADDR)),
            "{method:?}: {lns_events:?}"
        );
        assert!(lac_events.iter().any(ip_up), "{method:?}: {lac_events:?}");
        if let Some(m) = method {
            assert!(
                lns_events.iter().any(|e| matches!(e,
                    EngineEvent::Session(SessionEvent::Authenticated { peer_name }) if peer_name == "lac")),
                "{m:?}"
            );
        }
        assert!(lns_events.iter().any(|e| matches!(
            e,
            EngineEvent::Session(SessionEvent::SendAccm { send: 0, recv: 0 })
        )));
        {
            // The kernel side as the session asked: created with every NP
            // mode DROP, then the MTU, the addresses, up, and IPv4 PASS.
            let k = r.lns_kernel.lock();
            assert_eq!(k.actions.first(), Some(&DataPathAction::CreateUnit));
            assert_eq!(k.ipv4, Some((LNS_ADDR, LAC_ADDR)));
            assert!(k.up);
            assert_eq!(k.np_mode, [Some(NpMode::Pass), Some(NpMode::Drop)]);
            let pos = |a: &DataPathAction| k.actions.iter().position(|b| b == a).unwrap();
            assert!(
                pos(&DataPathAction::InterfaceUp)
                    > pos(&DataPathAction::SetIpv4Addresses {
                        local: LNS_ADDR,
                        peer: LAC_ADDR
                    })
            );
            assert!(
                pos(&DataPathAction::SetNpMode {
                    protocol: network_protocol::IPV4,
                    mode: NpMode::Pass
                }) > pos(&DataPathAction::InterfaceUp)
            );
        }
        // The LAC closes (SIGTERM): Terminate-Request, exit 5; the LNS
        // sees the peer's request and ends with 0.
        r.lac.close();
        let lac_end = ended(r.lac).await;
        let lns_end = ended(r.lns).await;
        assert_eq!(
            lac_end.exit_code,
            exit::USER_REQUEST,
            "{method:?}: {lac_end:?}"
        );
        assert_eq!(lns_end.exit_code, exit::OK, "{method:?}: {lns_end:?}");
        nothing_left(&r.lns_kernel).await;
        nothing_left(&r.lac_kernel).await;
    }
}

#[tokio::test]
async fn the_lower_layer_going_away_ends_with_16_and_a_dead_peer_with_15() {
    let (mut lns, lac) = configs(None);
    lns.lcp.echo_interval = Some(Duration::from_millis(200));
    lns.lcp.echo_failure = 3;
    let r = start_up(lns, lac).await;
    // The LAC's L2TP session is deleted: its channel reads end-of-file.
    // It ends at once with 16; the LNS hears nothing more, and its echo
    // keepalive finds the peer dead.
    r.lac_kernel.hang_up();
    let lac_end = ended(r.lac).await;
    assert_eq!(lac_end.exit_code, exit::HANGUP, "{lac_end:?}");
    let lns_end = ended(r.lns).await;
    assert_eq!(lns_end.exit_code, exit::PEER_DEAD, "{lns_end:?}");
    nothing_left(&r.lns_kernel).await;
    nothing_left(&r.lac_kernel).await;
}

/// The L2TP session deleted with no hangup (Linux 6.1), the kernel
/// announcing it: that side ends at once with 16, long before its echoes
/// (1 s x 3) could fail; the other side's echoes fail (its peer went
/// silent) and it asks the kernel, which still has its session: 15.
#[tokio::test]
async fn an_announced_deletion_ends_that_side_at_once_with_16() {
    let (mut lns, mut lac) = configs(None);
    for c in [&mut lns.lcp, &mut lac.lcp] {
        c.echo_interval = Some(Duration::from_secs(1));
        c.echo_failure = 3;
    }
    lns.lcp.echo_interval = Some(Duration::from_millis(200));
    let r = start_up(lns, lac).await;
    let t0 = Instant::now();
    r.lac_kernel.delete_session(true);
    let lac_end = ended(r.lac).await;
    assert_eq!(lac_end.exit_code, exit::HANGUP, "{lac_end:?}");
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "ended after {:?}",
        t0.elapsed()
    );
    let lns_end = ended(r.lns).await;
    assert_eq!(lns_end.exit_code, exit::PEER_DEAD, "{lns_end:?}");
    nothing_left(&r.lns_kernel).await;
    nothing_left(&r.lac_kernel).await;
}

/// A deletion nobody announced: the echoes fail, and the kernel, asked,
/// has no such session any more: 16, not 15.
#[tokio::test]
async fn an_unannounced_deletion_is_a_hangup_once_the_echoes_fail() {
    let (mut lns, lac) = configs(None);
    lns.lcp.echo_interval = Some(Duration::from_millis(200));
    lns.lcp.echo_failure = 3;
    let r = start_up(lns, lac).await;
    r.lns_kernel.delete_session(false);
    let lns_end = ended(r.lns).await;
    assert_eq!(lns_end.exit_code, exit::HANGUP, "{lns_end:?}");
    assert_eq!(lns_end.reason, EndReason::LowerLayerGone, "{lns_end:?}");
    r.lac.close();
    ended(r.lac).await;
    nothing_left(&r.lns_kernel).await;
    nothing_left(&r.lac_kernel).await;
}

/// `Ended` reaches the embedder only once the session's fds are closed
/// (the data path, which holds the PPPoL2TP socket, dropped): a daemon
/// that deletes the L2TP session upon it does not race with us.
#[tokio::test]
async fn ended_comes_after_every_fd_is_closed() {
    for how in ["close", "peer", "deleted", "fail"] {
        let (lns, lac) = configs(None);
        let ((lns_dp, lns_kernel), (lac_dp, _lac_kernel), _relay) = FakeDataPath::pair().unwrap();
        if how == "fail" {
            lns_kernel.lock().fail_at = Some(Step::SetIpv4);
        }
        let engine = TestEngine::new();
        let mut lns = engine.add_session(lns_dp, lns);
        let mut lac = engine.add_session(lac_dp, lac);
        if how != "fail" {
            events_until(&mut lns, ip_up).await;
            events_until(&mut lac, ip_up).await;
        }
        match how {
            "close" => lns.close(),
            "peer" => lac.close(),
            "deleted" => lns_kernel.delete_session(true),
            _ => {}
        }
        let events = events_until(&mut lns, |_| false).await;
        let Some(EngineEvent::Ended(end)) = events.last() else {
            panic!("{how}: no Ended: {events:?}")
        };
        // Checked as the event arrives, before anything else can run.
        let k = lns_kernel.clone();
        assert!(k.lock().data_path_dropped, "{how}: {end:?}");
        assert!(k.lock().torn_down, "{how}");
        assert!(k.engine_fds_closed(), "{how}: {:?}", k.lock());
        lac.close();
        ended(lac).await;
    }
}

#[tokio::test]
async fn a_failure_at_each_data_path_step_ends_that_session_cleanly() {
    for (step, typed) in [
        (Step::Channel, DataPathStep::Channel),
        (Step::CreateUnit, DataPathStep::CreateUnit),
        (Step::SetMtu, DataPathStep::Mtu),
        (Step::SetIpv4, DataPathStep::Ipv4Addresses),
        (Step::InterfaceUp, DataPathStep::InterfaceUp),
        (Step::SetNpMode, DataPathStep::NpMode),
    ] {
        let (lns, lac) = configs(Some(AuthMethod::ChapMd5));
        let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
        lns_kernel.lock().fail_at = Some(step);
        let engine = TestEngine::new();
        let lns = engine.add_session(lns_dp, lns);
        let lac = engine.add_session(lac_dp, lac);
        let lns_end = ended(lns).await;
        assert_eq!(
            lns_end.exit_code,
            exit::FATAL_ERROR,
            "{step:?}: {lns_end:?}"
        );
        assert!(
            lns_end
                .reason
                .to_string()
                .contains(&format!("{step:?} failed on purpose")),
            "{step:?}: the error names the step: {lns_end:?}"
        );
        // A program tells the steps apart by the typed step.
        match &lns_end.reason {
            EndReason::DataPath(e) => assert_eq!(e.step, typed, "{step:?}: {e:?}"),
            other => panic!("{step:?}: not a data-path failure: {other:?}"),
        }
        assert!(
            lns_end.reason.to_string().starts_with(&typed.to_string()),
            "{step:?}: the error says the step in words: {lns_end:?}"
        );
        {
            let k = lns_kernel.lock();
            assert!(k.torn_down, "{step:?}");
            assert!(
                !k.unit_exists && k.ipv4.is_none() && !k.up,
                "{step:?}: {k:?}"
            );
        }
        // The other session is not affected beyond losing its peer: it
        // ends by its own timers.
        let lac_end = ended(lac).await;
        assert_ne!(
            lac_end.exit_code,
            exit::FATAL_ERROR,
            "{step:?}: {lac_end:?}"
        );
        nothing_left(&lac_kernel).await;
        if step != Step::Channel {
            nothing_left(&lns_kernel).await;
        }
    }
}

#[tokio::test]
async fn many_sessions_in_one_engine_and_one_slow_failure_blocks_none() {
    let engine = TestEngine::new();
    let mut running = Vec::new();
    for i in 0..50u32 {
        let ((a, ka), (b, kb), _relay) = FakeDataPath::pair().unwrap();
        let (lns, lac) = configs(Some(AuthMethod::ChapMd5));
        if i == 7 {
            // This one's peer never answers.
            kb.lock().fail_at = Some(Step::Channel);
        }
        running.push((
            engine.add_session(a, lns),
            engine.add_session(b, lac),
            ka,
            kb,
            i,
        ));
    }
    let mut up = 0;
    for (lns, lac, ka, _kb, i) in &mut running {
        let events = events_until(lns, ip_up).await;
        if *i == 7 {
            assert!(!events.iter().any(ip_up));
            continue;
        }
        assert!(events.iter().any(ip_up), "session {i}");
        events_until(lac, ip_up).await;
        assert_eq!(ka.lock().ipv4, Some((LNS_ADDR, LAC_ADDR)));
        up += 1;
    }
    assert_eq!(up, 49);
    for (lns, lac, ..) in &running {
        lns.close();
        lac.close();
    }
    for (lns, lac, ka, kb, i) in running {
        let a = ended(lns).await;
        let b = ended(lac).await;
        if i != 7 {
            assert!(
                matches!(a.exit_code, exit::USER_REQUEST | exit::OK),
                "{i}: {a:?}"
            );
            assert!(
                matches!(b.exit_code, exit::USER_REQUEST | exit::OK),
                "{i}: {b:?}"
            );
            nothing_left(&kb).await;
        }
        nothing_left(&ka).await;
    }
}

#[tokio::test]
async fn the_negotiation_window_holds_sessions_back_until_a_peer_is_heard() {
    // Two sessions may start before their peers answer; these peers are
    // silent (no relay), so the other two wait.
    let engine = TestEngine::new().negotiation_window(Some(2));
    let mut sessions = Vec::new();
    for _ in 0..4 {
        let (dp, kernel) = FakeDataPath::new().unwrap();
        let (mut lns, _) = configs(None);
        lns.negotiation_timeout = Duration::from_secs(30);
        sessions.push((engine.add_session(dp, lns), kernel));
    }
    let started = |s: &[(SessionHandle, FakeHandle)]| -> Vec<bool> {
        s.iter().map(|(_, k)| k.lock().unit_exists).collect()
    };
    eventually("two units", || {
        started(&sessions) == [true, true, false, false]
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(started(&sessions), [true, true, false, false]);
    // The first session's peer speaks (an LCP Configure-Request, no
    // options): the third may start.
    assert!(sessions[0].1.inject(0xc021, &[1, 1, 0, 4]));
    eventually("the third unit", || started(&sessions)[2]).await;
    assert!(!started(&sessions)[3]);
    // A session that ends gives its turn back as well.
    sessions[1].0.close();
    eventually("the fourth unit", || started(&sessions)[3]).await;
    for (s, _) in &sessions {
        s.close();
    }
    for (s, k) in sessions {
        ended(s).await;
        let k = k.lock();
        assert!(k.torn_down && !k.unit_exists, "{k:?}");
    }
}

/// Every frame queued at once is handled without waiting for new input,
/// however many the read budget leaves for later: an idle link (no
/// echoes, no timers) with 40 and then 1,000 LCP Echo-Requests queued on
/// the LNS's channel in one go.
#[tokio::test]
async fn every_queued_frame_is_handled_whatever_the_read_budget() {
    let (lns, lac) = configs(None);
    let r = start_up(lns, lac).await;
    for n in [40u64, 1000] {
        let before = r.lns.stats().await.unwrap().rx_frames.lcp;
        for i in 0..n {
            // Echo-Request, Identifier i, Magic-Number 0.
            let echo = [9, i as u8, 0, 8, 0, 0, 0, 0];
            assert!(
                r.lns_kernel.inject(0xc021, &echo),
                "frame {i} of {n} queued"
            );
        }
        let start = Instant::now();
        loop {
            let handled = r.lns.stats().await.unwrap().rx_frames.lcp - before;
            if handled == n {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "{handled} of {n} frames handled; the rest wait for input that never comes"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    r.lac.close();
    ended(r.lns).await;
}

/// A frame the peer sent before the channel existed (queued on the
/// PPPoL2TP socket before `PPPIOCGCHAN`) is logged as `rcvd` like any
/// other: the log never shows an answer to nothing.
#[tokio::test]
async fn frames_from_before_the_channel_are_logged() {
    let (logs, _guard) = common::capture_logs();
    let (lns, lac) = configs(None);
    let ((lns_dp, lns_kernel), (lac_dp, _lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    // The peer's Configure-Request with no options, Identifier 0x42.
    lns_kernel.lock().early_frames = vec![vec![0xc0, 0x21, 1, 0x42, 0, 4]];
    let engine = TestEngine::new();
    let mut lns = engine.add_session(lns_dp, lns);
    let lac = engine.add_session(lac_dp, lac);
    events_until(&mut lns, ip_up).await;
    let all = logs.all();
    assert!(
        all.iter().any(|l| l.contains("rcvd [LCP ConfReq id=0x42")),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|l| l.contains("sent [LCP ConfAck id=0x42")),
        "{all:#?}"
    );
    lac.close();
    ended(lns).await;
}

/// Through the driver: the LNS's secrets line allows the LAC no address,
/// the LAC keeps asking; the LNS ends the link itself (pppd's
/// `np_finished`: "No network protocols running") and its interface
/// goes, instead of sitting with LCP up and IPCP closed.
#[tokio::test]
async fn a_failed_ncp_ends_the_session_through_the_driver() {
    let (mut lns, mut lac) = configs(Some(AuthMethod::ChapMd5));
    let s = secrets("lac lns s3cret -\n");
    lns.auth.chap_secrets = Arc::clone(&s);
    lns.auth.pap_secrets = s;
    lns.negotiation_timeout = Duration::from_secs(30);
    lac.negotiation_timeout = Duration::from_secs(30);
    lac.ipcp.fsm.max_configure = 100_000;
    lac.ipcp.fsm.max_failure = 100_000;
    let r = start(lns, lac);
    let end = ended(r.lns).await;
    assert_eq!(
        end.reason,
        EndReason::Protocol {
            reason: rppp::session::TerminationReason::NoNetworkProtocols,
            exit_code: exit::NEGOTIATION_FAILED
        },
        "{end:?}"
    );
    nothing_left(&r.lns_kernel).await;
    r.lac.close();
    ended(r.lac).await;
}

/// IPv6 the kernel will not configure (a host with IPv6 disabled) closes
/// IPv6CP alone, as pppd does ("Interface configuration failed"): IPv4
/// stays up.
#[tokio::test]
async fn ipv6_that_cannot_be_configured_closes_ipv6cp_only() {
    let (mut lns, mut lac) = configs(None);
    lns.ipv6cp = Some(Default::default());
    lac.ipv6cp = Some(Default::default());
    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    lns_kernel.lock().fail_at = Some(Step::SetIpv6);
    let engine = TestEngine::new();
    let mut lns = engine.add_session(lns_dp, lns);
    let lac = engine.add_session(lac_dp, lac);
    let (mut ipv4_up, mut ipv6_down) = (false, false);
    let events = events_until(&mut lns, |e| {
        ipv4_up |= ip_up(e);
        ipv6_down |= matches!(e, EngineEvent::Session(SessionEvent::Ipv6Down));
        ipv4_up && ipv6_down
    })
    .await;
    assert!(ipv4_up && ipv6_down, "{events:?}");
    assert!(
        !events.iter().any(|e| matches!(e, EngineEvent::Ended(_))),
        "{events:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stats = lns.stats().await.expect("the session runs on");
    assert_eq!(stats.info.ipv4, Some((LNS_ADDR, LAC_ADDR)));
    assert!(lns_kernel.lock().up);
    lac.close();
    let end = ended(lns).await;
    assert_eq!(end.exit_code, exit::OK, "{end:?}");
    nothing_left(&lns_kernel).await;
    nothing_left(&lac_kernel).await;
}

/// The engine counts what its sessions did: started, set up (with the
/// time it took), authenticated by method, ended by kind.
#[tokio::test]
async fn the_engine_counts_sessions_by_how_they_went() {
    use rppp::driver::EndKind;
    let ((lns_dp, _), (lac_dp, _), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    let (lns, lac) = configs(Some(AuthMethod::ChapMd5));
    let mut lns = engine.add_session(lns_dp, lns);
    let mut lac = engine.add_session(lac_dp, lac);
    events_until(&mut lns, ip_up).await;
    events_until(&mut lac, ip_up).await;
    let c = engine.engine.counters();
    assert_eq!((c.started, c.setups(), c.ended_total()), (2, 2, 0), "{c:?}");
    assert_eq!(c.auth_successes, [0, 1, 0, 0], "the LNS checked CHAP once");
    lac.close();
    ended(lac).await;
    ended(lns).await;
    let c = engine.engine.counters();
    assert_eq!(c.ended(EndKind::UserRequest), 1, "{c:?}");
    assert_eq!(c.ended(EndKind::PeerRequest), 1, "{c:?}");
    assert!(engine.engine.is_empty());
}

/// A peer that fails our CHAP is counted as an auth failure of that
/// method (the metrics' `rppp_auth_failures_total`), and as an end of
/// its kind on each side.
#[tokio::test]
async fn an_authentication_failure_is_counted_by_method() {
    use rppp::driver::EndKind;
    let ((lns_dp, _), (lac_dp, _), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    let (lns, mut lac) = configs(Some(AuthMethod::ChapMd5));
    let wrong = secrets("lac lns wr0ng\n");
    lac.auth.chap_secrets = std::sync::Arc::clone(&wrong);
    lac.auth.pap_secrets = wrong;
    let lns = engine.add_session(lns_dp, lns);
    let lac = engine.add_session(lac_dp, lac);
    ended(lns).await;
    ended(lac).await;
    let c = engine.engine.counters();
    assert_eq!(c.auth_failures, [0, 1, 0, 0], "{c:?}");
    assert_eq!(c.auth_successes, [0, 0, 0, 0], "{c:?}");
    assert_eq!(c.ended(EndKind::AuthFailedByPeer), 1, "{c:?}");
    assert_eq!(c.ended(EndKind::AuthFailedByUs), 1, "{c:?}");
}
