//! A LAC and an LNS connected in memory on a virtual clock.

mod util;

use std::sync::Arc;
use std::time::Duration;

use rppp_l2tp::avp::StopCcnResult;
use rppp_l2tp::{
    CallParams, CdnResult, Event, ResultCode, Role, SessionEnd, TunnelConfig, TunnelEnd,
};
use util::{Faults, Pair, Side};

fn config(role: Role, name: &str) -> Arc<TunnelConfig> {
    Arc::new(TunnelConfig::new(role, name))
}

fn pair(lac: TunnelConfig, lns: TunnelConfig, seed: u64) -> (Pair, u16) {
    let a = Side::new("192.0.2.1:1701", None);
    let b = Side::new("192.0.2.2:1701", Some(Arc::new(lns)));
    let mut p = Pair::new(a, b, seed);
    let (now, to) = (p.now, p.b.addr);
    let id =
        p.a.endpoint
            .connect(Arc::new(lac), to, now, &mut p.rng)
            .unwrap();
    (p, id)
}

fn open(p: &mut Pair, tunnel: u16, calling: &str) -> u16 {
    let params = CallParams {
        calling_number: Some(calling.as_bytes().to_vec()),
        ..CallParams::default()
    };
    let now = p.now;
    let t = p.a.endpoint.tunnel_mut(tunnel).unwrap();
    t.open_session(now, params, &mut p.rng).unwrap()
}

fn up(p: &Pair, sessions: usize) -> bool {
    p.a.tunnel_up().is_some()
        && p.b.tunnel_up().is_some()
        && p.a.sessions_up().len() == sessions
        && p.b.sessions_up().len() == sessions
}

#[test]
fn tunnel_and_sessions_come_up_link_info_flows_and_everything_closes() {
    let (mut p, t) = pair(
        TunnelConfig::new(Role::Lac, "lac"),
        TunnelConfig::new(Role::Lns, "lns"),
        1,
    );
    // Calls placed before the tunnel is up wait for it.
    let s1 = open(&mut p, t, "5551");
    let s2 = open(&mut p, t, "5552");
    assert!(p.drive_until(1000, Duration::from_secs(10), |p| up(p, 2)));
    let lns_tunnel = p.b.tunnel_up().unwrap();
    let Event::TunnelUp(info) = &p.a.events[0].1 else {
        panic!()
    };
    assert_eq!(info.peer_host_name, b"lns");
    assert_eq!(info.peer_tunnel_id, lns_tunnel);
    ids_match(&p, t, lns_tunnel);
    link_info_reaches_the_lac(&mut p, t, lns_tunnel, s1);
    lac_hangs_up_one_call(&mut p, t, s2);
    tunnel_close_takes_the_other_session(&mut p, t);
}

/// LAC tunnel `t`'s sessions and the LNS's (tunnel `lns_tunnel`) name each
/// other.
fn ids_match(p: &Pair, t: u16, lns_tunnel: u16) {
    // Each side's ids are the other's peer ids: what PPPoL2TP needs.
    for lac in p.a.sessions_up() {
        let lns =
            p.b.sessions_up()
                .into_iter()
                .find(|i| i.session_id == lac.peer_session_id)
                .unwrap();
        assert_eq!(
            (lns.peer_session_id, lns.peer_tunnel_id),
            (lac.session_id, t)
        );
        assert_eq!(lac.peer_tunnel_id, lns_tunnel);
        assert_eq!(lns.call_serial_number, lac.call_serial_number);
        assert!(lns.calling_number.is_some());
    }
}

/// Set-Link-Info on the LNS's side of LAC session `s1`.
fn link_info_reaches_the_lac(p: &mut Pair, t: u16, lns_tunnel: u16, s1: u16) {
    // The LNS sends Set-Link-Info; the LAC reports it.
    let lns_s1 =
        p.a.sessions_up()
            .iter()
            .find(|i| i.session_id == s1)
            .unwrap()
            .peer_session_id;
    let now = p.now;
    p.b.endpoint
        .tunnel_mut(lns_tunnel)
        .unwrap()
        .send_link_info(now, lns_s1, 0, 0xffff_ffff)
        .unwrap();
    let link = |p: &Pair| {
        p.a.count(|e| {
            matches!(
                e,
                Event::LinkInfo {
                    send_accm: 0,
                    recv_accm: 0xffff_ffff,
                    ..
                }
            )
        }) == 1
    };
    assert!(p.drive_until(100, Duration::from_secs(20), link));
    assert_eq!(
        p.a.endpoint.tunnel(t).unwrap().session_accm(s1),
        Some((0, 0xffff_ffff))
    );
}

/// A CDN for LAC session `s2`.
fn lac_hangs_up_one_call(p: &mut Pair, t: u16, s2: u16) {
    // The LAC hangs up one call: the LNS hears the result.
    let now = p.now;
    let result = ResultCode::cdn(CdnResult::LostCarrier);
    p.a.endpoint
        .tunnel_mut(t)
        .unwrap()
        .close_session(now, s2, result.clone())
        .unwrap();
    let cdn = |p: &Pair| {
        p.b.count(|e| {
            matches!(
                e,
                Event::SessionDown {
                    reason: SessionEnd::Peer { .. },
                    ..
                }
            )
        }) == 1
    };
    assert!(p.drive_until(100, Duration::from_secs(30), cdn));
}

/// StopCCN for LAC tunnel `t`.
fn tunnel_close_takes_the_other_session(p: &mut Pair, t: u16) {
    // Then the whole tunnel: the other session goes down with it.
    let now = p.now;
    p.a.endpoint
        .tunnel_mut(t)
        .unwrap()
        .close(now, ResultCode::stop(StopCcnResult::GeneralClear));
    let gone = |p: &Pair| {
        p.b.tunnel_down().is_some()
            && p.a.endpoint.tunnel_ids().count() == 0
            && p.b.endpoint.tunnel_ids().count() == 0
    };
    assert!(p.drive_until(1000, Duration::from_secs(120), gone));
    assert!(matches!(p.b.tunnel_down(), Some(TunnelEnd::Peer(r)) if r.result == 1));
    assert_eq!(
        p.b.count(|e| matches!(
            e,
            Event::SessionDown {
                reason: SessionEnd::TunnelClosed,
                ..
            }
        )),
        1
    );
    assert_eq!(p.a.count(|e| matches!(e, Event::SessionDown { .. })), 2);
}

/// Over many seeds, with loss, duplication and reordering: the tunnel and
/// its sessions come up on both sides with matching ids, or both sides
/// end with a reason; no run hangs.
#[test]
fn faulty_networks_converge_or_fail_cleanly() {
    let (mut up_runs, mut failed_runs) = (0, 0);
    for seed in 0..500u64 {
        let (mut p, t) = pair(
            TunnelConfig::new(Role::Lac, "lac"),
            TunnelConfig::new(Role::Lns, "lns"),
            seed,
        );
        p.faults = Faults {
            loss: 0.15,
            duplicate: 0.1,
            reorder: 0.2,
            cut: false,
        };
        open(&mut p, t, "1");
        open(&mut p, t, "2");
        let settled = |p: &Pair| {
            up(p, 2)
                || (p.a.tunnel_down().is_some()
                    && (p.b.tunnel_down().is_some() || p.b.tunnel_up().is_none()))
        };
        assert!(
            p.drive_until(20_000, Duration::from_secs(400), settled),
            "seed {seed} hung: {:?} / {:?}",
            p.a.events,
            p.b.events
        );
        if up(&p, 2) {
            up_runs += 1;
            let lns = p.b.sessions_up();
            for lac in p.a.sessions_up() {
                assert!(
                    lns.iter().any(|l| l.session_id == lac.peer_session_id
                        && l.peer_session_id == lac.session_id),
                    "seed {seed}"
                );
            }
        } else {
            failed_runs += 1;
            // Given up after every retransmission, or told so by the peer
            // that gave up first.
            let ok = match p.a.tunnel_down() {
                Some(TunnelEnd::Unreachable(u)) => u.attempts == 6,
                Some(TunnelEnd::Peer(_)) => true,
                _ => false,
            };
            assert!(ok, "seed {seed}: {:?}", p.a.tunnel_down());
        }
    }
    assert!(
        up_runs > 400,
        "only {up_runs} of 500 came up ({failed_runs} failed)"
    );
}

#[test]
fn a_cut_link_is_found_by_hello_and_tears_everything_down() {
    let (mut p, t) = pair(
        TunnelConfig::new(Role::Lac, "lac"),
        TunnelConfig::new(Role::Lns, "lns"),
        7,
    );
    open(&mut p, t, "1");
    assert!(p.drive_until(1000, Duration::from_secs(10), |p| up(p, 1)));
    let cut_at = p.elapsed();
    p.faults.cut = true;
    let down = |p: &Pair| p.a.tunnel_down().is_some() && p.b.tunnel_down().is_some();
    assert!(p.drive_until(1000, Duration::from_secs(300), down));
    // HELLO after 60 s of silence, then 1+2+4+8+8+8 s of retransmissions.
    let took = p.elapsed() - cut_at;
    assert!(
        took >= Duration::from_secs(90) && took <= Duration::from_secs(93),
        "{took:?}"
    );
    for side in [&p.a, &p.b] {
        assert!(matches!(side.tunnel_down(), Some(TunnelEnd::Unreachable(u)) if u.attempts == 6));
        assert_eq!(
            side.count(|e| matches!(
                e,
                Event::SessionDown {
                    reason: SessionEnd::TunnelClosed,
                    ..
                }
            )),
            1
        );
    }
}

#[test]
fn tunnel_authentication_with_the_same_secret_and_hidden_avps() {
    let mut lac = TunnelConfig::new(Role::Lac, "lac").with_secret(b"shh");
    let mut lns = TunnelConfig::new(Role::Lns, "lns").with_secret(b"shh");
    lac.hide_avps = true;
    lns.hide_avps = true;
    let (mut p, t) = pair(lac, lns, 3);
    assert!(p.drive_until(1000, Duration::from_secs(10), |p| up(p, 0)));
    // Opened once the tunnel is up: its ICRQ hides the Assigned Session ID.
    open(&mut p, t, "secret-number");
    assert!(p.drive_until(1000, Duration::from_secs(10), |p| up(p, 1)));
    assert_eq!(
        p.b.sessions_up()[0].calling_number.as_deref(),
        Some(&b"secret-number"[..])
    );
}

fn refused(lac: TunnelConfig, lns: TunnelConfig) -> Pair {
    let (mut p, _) = pair(lac, lns, 4);
    let down = |p: &Pair| p.a.tunnel_down().is_some() && p.b.tunnel_down().is_some();
    assert!(p.drive_until(1000, Duration::from_secs(60), down));
    assert!(p.a.tunnel_up().is_none() && p.b.tunnel_up().is_none());
    p
}

fn not_authorized(end: Option<&TunnelEnd>) -> bool {
    matches!(end, Some(TunnelEnd::Refused(r) | TunnelEnd::Peer(r)) if r.result == u16::from(StopCcnResult::NotAuthorized))
}

#[test]
fn a_wrong_secret_is_refused_with_not_authorized() {
    let p = refused(
        TunnelConfig::new(Role::Lac, "lac").with_secret(b"one"),
        TunnelConfig::new(Role::Lns, "lns").with_secret(b"two"),
    );
    // The LAC finds the LNS's response wrong and sends StopCCN.
    assert!(matches!(p.a.tunnel_down(), Some(TunnelEnd::Refused(_))));
    assert!(matches!(p.b.tunnel_down(), Some(TunnelEnd::Peer(_))));
    assert!(not_authorized(p.a.tunnel_down()) && not_authorized(p.b.tunnel_down()));
}

#[test]
fn a_secret_on_one_side_only_is_refused() {
    // The LNS challenges, the LAC has no secret to answer with.
    let p = refused(
        TunnelConfig::new(Role::Lac, "lac"),
        TunnelConfig::new(Role::Lns, "lns").with_secret(b"x"),
    );
    assert!(matches!(p.a.tunnel_down(), Some(TunnelEnd::Refused(_))));
    assert!(not_authorized(p.b.tunnel_down()));
    // The LAC challenges, the LNS has no secret.
    let p = refused(
        TunnelConfig::new(Role::Lac, "lac").with_secret(b"x"),
        TunnelConfig::new(Role::Lns, "lns"),
    );
    assert!(matches!(p.b.tunnel_down(), Some(TunnelEnd::Refused(_))));
    assert!(not_authorized(p.a.tunnel_down()));
}

#[test]
fn simultaneous_sccrqs_leave_one_tunnel_by_the_tie_breaker() {
    for seed in 0..50 {
        let a_cfg = config(Role::Lac, "a");
        let b_cfg = config(Role::Lns, "b");
        let a = Side::new("192.0.2.1:1701", Some(a_cfg.clone()));
        let b = Side::new("192.0.2.2:1701", Some(b_cfg.clone()));
        let mut p = Pair::new(a, b, seed);
        let now = p.now;
        let (a_addr, b_addr) = (p.a.addr, p.b.addr);
        p.a.endpoint
            .connect(a_cfg, b_addr, now, &mut p.rng)
            .unwrap();
        p.b.endpoint
            .connect(b_cfg, a_addr, now, &mut p.rng)
            .unwrap();
        let one = |p: &Pair| p.a.tunnel_up().is_some() && p.b.tunnel_up().is_some();
        assert!(
            p.drive_until(1000, Duration::from_secs(30), one),
            "seed {seed}"
        );
        p.drive_until(1000, Duration::from_secs(40), |_| false);
        assert_eq!(p.a.endpoint.tunnel_ids().count(), 1, "seed {seed}");
        assert_eq!(p.b.endpoint.tunnel_ids().count(), 1, "seed {seed}");
        let lost =
            |s: &Side| s.count(|e| matches!(e, Event::TunnelDown(TunnelEnd::TieBreakerLost)));
        assert_eq!(lost(&p.a) + lost(&p.b), 1, "seed {seed}");
        let won = p.a.endpoint.counters().ties_won + p.b.endpoint.counters().ties_won;
        assert_eq!(won, 1);
    }
}

/// Fifty calls hung up at once queue more CDNs than the peer's window
/// lets out; a StopCCN right behind them still reaches the peer, which
/// acknowledges it (no gap in Ns: what never left is dropped).
#[test]
fn a_stopccn_behind_a_queue_of_cdns_is_delivered_and_acknowledged() {
    let (mut p, t) = pair(
        TunnelConfig::new(Role::Lac, "lac"),
        TunnelConfig::new(Role::Lns, "lns"),
        3,
    );
    let calls: Vec<u16> = (0..50).map(|i| open(&mut p, t, &format!("{i}"))).collect();
    assert!(p.drive_until(10_000, Duration::from_secs(60), |p| up(p, 50)));
    let now = p.now;
    let tunnel = p.a.endpoint.tunnel_mut(t).unwrap();
    for s in calls {
        tunnel
            .close_session(now, s, ResultCode::cdn(CdnResult::Administrative))
            .unwrap();
    }
    assert!(tunnel.queued() > 4, "more than a window queued");
    tunnel.close(now, ResultCode::stop(StopCcnResult::ShuttingDown));
    let acknowledged = |p: &Pair| {
        p.b.tunnel_down().is_some() && p.a.endpoint.tunnel(t).is_none_or(|t| t.all_acknowledged())
    };
    assert!(p.drive_until(10_000, Duration::from_secs(20), acknowledged));
    assert!(matches!(p.b.tunnel_down(), Some(TunnelEnd::Peer(r)) if r.result == 6));
}
