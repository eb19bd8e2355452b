//! An LNS session and a LAC session negotiating on a virtual clock: LCP
//! alone, a silent peer, a peer that never finishes, closes from either
//! side, the session's time limits, renegotiation, CCP, and the harness
//! itself. Authentication, the network protocols and the runs under loss
//! are in `session_auth.rs`, `session_ncp.rs` and `session_faults.rs`.

use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{
    exit, network_protocol, protocol, DataPathAction, NpMode, Phase, SessionEvent,
    TerminationReason,
};
use rppp_auth::AuthMethod;

mod session_common;
use session_common::*;

#[test]
fn no_authentication() {
    let mut pair = run(lns(), lac(), 1, Faults::default());
    assert_link_up(&mut pair);
    let lns = pair.side(Side::Lns);
    assert!(matches!(
        lns.events[0],
        SessionEvent::Phase(Phase::Establish)
    ));
    assert!(matches!(lns.events[1], SessionEvent::LinkUp(n) if n.mtu == 1400));
    assert_eq!(lns.events[2], SessionEvent::SendAccm { send: 0, recv: 0 });
    assert_eq!(lns.events[3], SessionEvent::Phase(Phase::Network));
    assert_eq!(
        lns.actions,
        [
            DataPathAction::CreateUnit,
            DataPathAction::SetMtu(1400),
            DataPathAction::SetMru(1400),
            DataPathAction::SetIpv4Addresses {
                local: LNS_ADDR,
                peer: LAC_ADDR
            },
            DataPathAction::InterfaceUp,
            DataPathAction::SetNpMode {
                protocol: network_protocol::IPV4,
                mode: NpMode::Pass
            },
        ]
    );
}

#[test]
fn a_silent_peer_is_found_dead_by_echo() {
    let (mut lns, lac) = (lns(), lac());
    lns.lcp.echo_interval = Some(Duration::from_secs(10));
    lns.lcp.echo_failure = 3;
    let mut pair = run(lns, lac, 9, Faults::default());
    assert_link_up(&mut pair);
    let up_at = pair.now;
    pair.faults.loss = 1.0;
    pair.drive(5 * MINUTE);
    let lns = pair.side(Side::Lns);
    assert_eq!(lns.exit_code(), Some(exit::PEER_DEAD));
    assert!(
        pair.now - up_at <= Duration::from_secs(41),
        "dead at {:?}",
        pair.now - up_at
    );
    // It stopped at once: one Terminate-Request, no retransmissions.
    let term_requests = lns
        .sent
        .iter()
        .filter(|(p, i)| *p == protocol::LCP && i[0] == 5)
        .count();
    assert_eq!(term_requests, 1);
    assert!(lns.actions.contains(&DataPathAction::SetNpMode {
        protocol: network_protocol::IPV4,
        mode: NpMode::Drop
    }));
}

#[test]
fn a_peer_that_never_finishes_negotiating_hits_the_deadline() {
    let mut lns = lns();
    lns.lcp.fsm.passive = true;
    let mut pair = Pair::new(lns, lac(), 10);
    // The LAC never starts: a passive LNS would wait forever; the deadline
    // ends it.
    pair.start_one(Side::Lns);
    pair.drive(5 * MINUTE);
    let lns = pair.side(Side::Lns);
    assert_eq!(lns.exit_code(), Some(exit::NEGOTIATION_FAILED));
    assert!(lns.events.iter().any(|e| matches!(
        e,
        SessionEvent::Terminated {
            reason: TerminationReason::NegotiationTimeout,
            ..
        }
    )));
}

#[test]
fn close_from_either_side() {
    for closer in [Side::Lns, Side::Lac] {
        let other = if closer == Side::Lns {
            Side::Lac
        } else {
            Side::Lns
        };
        let mut pair = run(lns(), lac(), 11, Faults::default());
        assert_link_up(&mut pair);
        pair.close(closer);
        pair.drive(MINUTE);
        assert!(pair.both_terminated());
        assert_eq!(pair.side(closer).exit_code(), Some(exit::USER_REQUEST));
        assert_eq!(
            pair.side(other).exit_code(),
            Some(exit::OK),
            "the link was up"
        );
        for side in [closer, other] {
            let actions = &pair.side(side).actions;
            let tail = &actions[actions.len() - 3..];
            assert_eq!(
                tail,
                [
                    DataPathAction::SetNpMode {
                        protocol: network_protocol::IPV4,
                        mode: NpMode::Drop
                    },
                    DataPathAction::RemoveIpv4Addresses,
                    DataPathAction::InterfaceDown,
                ]
            );
            assert!(pair.side(side).events.contains(&SessionEvent::IpDown));
        }
    }
}

#[test]
fn an_idle_close_says_link_inactive_and_ends_with_12() {
    let mut pair = run(lns(), lac(), 14, Faults::default());
    assert_link_up(&mut pair);
    pair.close_idle(Side::Lns);
    pair.drive(MINUTE);
    assert!(pair.both_terminated());
    assert_eq!(pair.side(Side::Lns).exit_code(), Some(exit::IDLE_TIMEOUT));
    assert_eq!(pair.side(Side::Lac).exit_code(), Some(exit::OK));
    // pppd's Terminate-Request for an idle link carries "Link inactive".
    let (_, request) = pair
        .side(Side::Lns)
        .sent
        .iter()
        .find(|(p, i)| *p == protocol::LCP && i[0] == 5)
        .unwrap();
    assert_eq!(&request[4..], b"Link inactive");
    assert!(events(&pair, Side::Lac).iter().any(|e| matches!(
        e,
        SessionEvent::Terminated {
            reason: TerminationReason::PeerRequest { reason },
            ..
        } if reason == "Link inactive"
    )));
}

#[test]
fn lower_layer_down_ends_at_once_with_16() {
    let mut pair = run(lns(), lac(), 12, Faults::default());
    assert_link_up(&mut pair);
    let sent_before = pair.side(Side::Lns).sent.len();
    pair.lower_down(Side::Lns);
    assert!(pair.side(Side::Lns).session.is_terminated());
    assert_eq!(pair.side(Side::Lns).exit_code(), Some(exit::HANGUP));
    assert_eq!(
        pair.side(Side::Lns).sent.len(),
        sent_before,
        "nothing sent on a dead channel"
    );
}

#[test]
fn maxconnect_ends_the_session_with_13() {
    let mut lns = lns();
    lns.maxconnect = Some(Duration::from_secs(120));
    let mut pair = run(lns, lac(), 13, Faults::default());
    assert_link_up(&mut pair);
    let up_at = pair.now;
    pair.drive(10 * MINUTE);
    assert_eq!(pair.side(Side::Lns).exit_code(), Some(exit::CONNECT_TIME));
    assert!(pair.now - up_at >= Duration::from_secs(120));
}

#[test]
fn lcp_renegotiation_while_up_runs_everything_again() {
    let (lns, lac) = with_auth(AuthMethod::ChapMd5, "s3cret", "s3cret");
    let mut pair = run(lns, lac, 14, Faults::default());
    assert_link_up(&mut pair);
    // The LAC's LCP asks again, as a peer renegotiating would: its first
    // Configure-Request, with a new Identifier.
    let mut request = pair
        .side(Side::Lac)
        .sent
        .iter()
        .find(|(p, _)| *p == protocol::LCP)
        .unwrap()
        .1
        .to_vec();
    request[1] = 0x77;
    pair.inject(Side::Lns, protocol::LCP, &request);
    pair.drive(MINUTE);
    let lns = &pair.side(Side::Lns).events;
    let count = |f: &dyn Fn(&SessionEvent) -> bool| lns.iter().filter(|e| f(e)).count();
    assert_eq!(count(&|e| matches!(e, SessionEvent::LinkUp(_))), 2);
    assert_eq!(count(&|e| matches!(e, SessionEvent::SendAccm { .. })), 2);
    assert_eq!(
        count(&|e| matches!(e, SessionEvent::Authenticated { .. })),
        2
    );
    assert_eq!(count(&|e| matches!(e, SessionEvent::IpDown)), 1);
    assert_eq!(count(&|e| matches!(e, SessionEvent::IpUp { .. })), 2);
    assert!(both_ip_up(&pair));
}

#[test]
fn ccp_with_mppe_is_protocol_rejected_only_once_lcp_is_open() {
    let mut pair = Pair::new(lns(), lac(), 15);
    // CCP Configure-Request with MPPE (option 18), as Windows sends it.
    let ccp = [1, 1, 0, 10, 18, 6, 0x01, 0x00, 0x00, 0x60];
    pair.start_one(Side::Lns);
    pair.inject(Side::Lns, protocol::CCP, &ccp);
    assert_eq!(
        pair.side(Side::Lns)
            .session
            .counters()
            .protocol_rejects_sent,
        0
    );
    assert_eq!(
        pair.side(Side::Lns).session.counters().rx_unknown_discarded,
        1
    );
    pair.start_one(Side::Lac);
    assert_link_up(&mut pair);
    pair.inject(Side::Lns, protocol::CCP, &ccp);
    let (_, reject) = pair.side(Side::Lns).sent.last().unwrap();
    assert_eq!(&reject[..2], &[8, reject[1]]);
    assert_eq!(&reject[4..6], &[0x80, 0xfd]);
    assert_eq!(&reject[6..], &ccp[..]);
}

#[test]
fn ip_data_before_ipcp_is_discarded_not_rejected() {
    let mut pair = run(lns(), lac(), 16, Faults::default());
    pair.drive_until(MINUTE, |p| {
        p.side(Side::Lns).session.phase() == Phase::Network
    });
    pair.inject(Side::Lns, network_protocol::IPV4, &[0x45, 0, 0, 20]);
    pair.inject(Side::Lns, network_protocol::IPV6, &[0x60, 0, 0, 0]);
    let counters = *pair.side(Side::Lns).session.counters();
    assert_eq!(counters.rx_data_discarded, 2);
    assert_eq!(counters.protocol_rejects_sent, 0);
}

/// A restarted pair is a new pair: the same seed gives the same frames and
/// events as `Pair::new`, whatever the harness held before (frames still on
/// the wire included), so benchmarks may reuse one harness.
#[test]
fn a_restarted_pair_runs_as_a_new_one() {
    let faults = Faults::uniform(0.2);
    let (lns_config, lac_config) = with_auth(AuthMethod::ChapMd5, "s3cret", "s3cret");
    let (lns_config, lac_config) = (Arc::new(lns_config), Arc::new(lac_config));
    let mut fresh =
        Pair::new(Arc::clone(&lns_config), Arc::clone(&lac_config), 42).with_faults(faults);
    fresh.start();
    fresh.drive_until(5 * MINUTE, both_ip_up);
    assert!(both_ip_up(&fresh));

    let mut reused = Pair::new(lns(), lac(), 7).with_faults(faults);
    reused.start();
    // Stop half way, with frames in flight.
    reused.step();
    reused.restart(Arc::clone(&lns_config), Arc::clone(&lac_config), 42);
    reused.start();
    reused.drive_until(5 * MINUTE, both_ip_up);
    for side in [Side::Lns, Side::Lac] {
        let (a, b) = (fresh.side(side), reused.side(side));
        assert_eq!(a.events, b.events, "{side:?}");
        assert_eq!(a.actions, b.actions, "{side:?}");
        assert!(a.sent.iter().eq(b.sent.iter()), "{side:?}");
    }
}

/// A pair without records (the benchmark's) negotiates exactly as one with
/// them: same steps, same addresses, and it still reports them and the exit
/// code; only the records stay empty.
#[test]
fn a_pair_without_records_negotiates_the_same() {
    let faults = Faults::uniform(0.2);
    let (lns_config, lac_config) = with_auth(AuthMethod::ChapMd5, "s3cret", "s3cret");
    let (lns_config, lac_config) = (Arc::new(lns_config), Arc::new(lac_config));
    let run = |records: bool| {
        let mut pair =
            Pair::new(Arc::clone(&lns_config), Arc::clone(&lac_config), 42).with_faults(faults);
        if !records {
            pair = pair.without_records();
        }
        pair.start();
        let steps = pair.drive_until(5 * MINUTE, both_ip_up);
        let up = [Side::Lns, Side::Lac].map(|s| pair.side(s).ip_up());
        pair.close(Side::Lac);
        pair.drive(MINUTE);
        let exits = [Side::Lns, Side::Lac].map(|s| pair.side(s).exit_code());
        (pair, steps, up, exits)
    };
    let (kept, steps, up, exits) = run(true);
    let (bare, bare_steps, bare_up, bare_exits) = run(false);
    assert_eq!(steps, bare_steps);
    assert!(up.iter().all(Option::is_some), "{up:?}");
    assert_eq!(up, bare_up);
    assert_eq!(exits, [Some(0), Some(5)]);
    assert_eq!(exits, bare_exits);
    assert!(!kept.side(Side::Lns).events.is_empty());
    for side in [Side::Lns, Side::Lac] {
        let s = bare.side(side);
        assert!(s.events.is_empty() && s.actions.is_empty() && s.sent.is_empty());
    }
}

/// Found with openl2tpd's plugin: the peer's Terminate-Request was
/// acknowledged, then the L2TP session went (its CDN) before the
/// Stopping timer ran out. The link ended because the peer asked: a
/// hangup in the Terminate phase keeps that reason.
#[test]
fn a_hangup_after_the_peers_terminate_request_keeps_the_peers_reason() {
    let mut pair = run(lns(), lac(), 15, Faults::default());
    assert_link_up(&mut pair);
    pair.close(Side::Lac);
    // The LNS has the Terminate-Request and is Stopping.
    pair.drive_until(MINUTE, |p| {
        p.side(Side::Lns)
            .events
            .iter()
            .any(|e| matches!(e, SessionEvent::IpDown))
    });
    assert!(!pair.side(Side::Lns).session.is_terminated());
    pair.lower_down(Side::Lns);
    assert!(pair.side(Side::Lns).session.is_terminated());
    assert_eq!(pair.side(Side::Lns).exit_code(), Some(exit::OK));
    assert!(events(&pair, Side::Lns).iter().any(|e| matches!(
        e,
        SessionEvent::Terminated {
            reason: TerminationReason::PeerRequest { .. },
            ..
        }
    )));
}
