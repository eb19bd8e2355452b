//! An LNS session and a LAC session negotiating on a virtual clock: every
//! authentication method, failures in each direction, IPCP with DNS, IPv6CP
//! on, off and rejected, a silent peer, a peer that never finishes, closes
//! from either side, renegotiation, CCP, and all of it again under loss,
//! duplication and reordering.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{
    exit, network_protocol, protocol, DataPathAction, NpMode, Phase, Role, SessionConfig,
    SessionEvent, TerminationReason,
};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};
use rppp_ipcp::Ipv6cpConfig;

const LNS_ADDR: Ipv4Addr = Ipv4Addr::new(10, 201, 0, 1);
const LAC_ADDR: Ipv4Addr = Ipv4Addr::new(10, 201, 0, 2);
const MINUTE: Duration = Duration::from_secs(60);

fn secrets(text: &str) -> Arc<Secrets> {
    let mut no_files = |path: &str| Err(format!("no file {path} in tests"));
    Arc::new(Secrets::parse("chap-secrets", text.as_bytes(), &mut no_files).unwrap())
}

fn lns() -> SessionConfig {
    let mut c = SessionConfig::new(Role::Lns);
    c.lcp.mru = 1400;
    c.lcp.mtu = 1400;
    c.ipcp.local = Some(LNS_ADDR);
    c.ipcp.remote = Some(LAC_ADDR);
    c.auth.name = b"lns".to_vec();
    c.auth.user = b"lns".to_vec();
    c
}

fn lac() -> SessionConfig {
    let mut c = SessionConfig::new(Role::Lac);
    c.lcp.mru = 1400;
    c.lcp.mtu = 1400;
    c.ipcp.noipdefault = true;
    c.ipcp.accept_local = true;
    c.ipcp.accept_remote = true;
    c.auth.name = b"lac".to_vec();
    c.auth.user = b"lac".to_vec();
    c
}

/// The LNS requires `method` of the LAC; both know the secret `lns_secret`
/// and `lac_secret` respectively.
fn with_auth(
    method: AuthMethod,
    lns_secret: &str,
    lac_secret: &str,
) -> (SessionConfig, SessionConfig) {
    let (mut lns, mut lac) = (lns(), lac());
    lns.lcp.require = AuthMethods::NONE.with(method);
    let lns_secrets = secrets(&format!("lac lns {lns_secret} *\n"));
    lns.auth.chap_secrets = Arc::clone(&lns_secrets);
    lns.auth.pap_secrets = lns_secrets;
    let lac_secrets = secrets(&format!("lac lns {lac_secret}\n"));
    // PAP carries no authenticator name: like pppd, the LAC needs
    // `remotename` to find the line for server "lns".
    lac.auth.remote_name = Some(b"lns".to_vec());
    lac.auth.chap_secrets = Arc::clone(&lac_secrets);
    lac.auth.pap_secrets = lac_secrets;
    (lns, lac)
}

fn run(lns: SessionConfig, lac: SessionConfig, seed: u64, faults: Faults) -> Pair {
    let mut pair = Pair::new(lns, lac, seed).with_faults(faults);
    pair.start();
    pair
}

fn both_ip_up(pair: &Pair) -> bool {
    pair.side(Side::Lns).ip_up().is_some() && pair.side(Side::Lac).ip_up().is_some()
}

/// Runs until both have IPv4 up, and checks the addresses.
fn assert_link_up(pair: &mut Pair) {
    pair.drive_until(5 * MINUTE, both_ip_up);
    assert_eq!(
        pair.side(Side::Lns).ip_up(),
        Some((LNS_ADDR, LAC_ADDR)),
        "{:#?}",
        pair.side(Side::Lns).events
    );
    assert_eq!(
        pair.side(Side::Lac).ip_up(),
        Some((LAC_ADDR, LNS_ADDR)),
        "{:#?}",
        pair.side(Side::Lac).events
    );
}

fn events(pair: &Pair, side: Side) -> &[SessionEvent] {
    &pair.side(side).events
}

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

fn assert_authenticated(pair: &Pair) {
    assert!(
        events(pair, Side::Lns).contains(&SessionEvent::Authenticated {
            peer_name: "lac".into()
        })
    );
    assert!(events(pair, Side::Lac).contains(&SessionEvent::AuthenticatedToPeer));
}

#[test]
fn every_method_authenticates() {
    for method in AuthMethod::PREFERENCE {
        let (lns, lac) = with_auth(method, "s3cret", "s3cret");
        let mut pair = run(lns, lac, 2, Faults::default());
        assert_link_up(&mut pair);
        assert_authenticated(&pair);
        let n = pair
            .side(Side::Lns)
            .session
            .lcp()
            .negotiated()
            .copied()
            .unwrap();
        assert_eq!(n.peer_auth, Some(method), "{method}");
    }
}

#[test]
fn authentication_in_both_directions() {
    let (mut lns, mut lac) = with_auth(AuthMethod::ChapMd5, "s3cret", "s3cret");
    lac.lcp.require = AuthMethods::NONE.with(AuthMethod::MsChapV2);
    lac.auth.chap_secrets = secrets("lns lac other * \nlac lns s3cret\n");
    lns.auth.chap_secrets = secrets("lac lns s3cret *\nlns lac other\n");
    let mut pair = run(lns, lac, 3, Faults::default());
    assert_link_up(&mut pair);
    assert_authenticated(&pair);
    assert!(
        events(&pair, Side::Lac).contains(&SessionEvent::Authenticated {
            peer_name: "lns".into()
        })
    );
    assert!(events(&pair, Side::Lns).contains(&SessionEvent::AuthenticatedToPeer));
}

#[test]
fn a_wrong_secret_fails_the_right_side() {
    for method in AuthMethod::PREFERENCE {
        let (lns, lac) = with_auth(method, "s3cret", "wrong");
        let mut pair = run(lns, lac, 4, Faults::default());
        pair.drive(5 * MINUTE);
        assert!(pair.both_terminated(), "{method}");
        assert_eq!(
            pair.side(Side::Lns).exit_code(),
            Some(exit::PEER_AUTH_FAILED),
            "{method}"
        );
        assert_eq!(
            pair.side(Side::Lac).exit_code(),
            Some(exit::AUTH_TO_PEER_FAILED),
            "{method}"
        );
        assert_eq!(pair.side(Side::Lns).ip_up(), None);
    }
}

#[test]
fn the_peer_refusing_the_only_auth_we_accept() {
    let (mut lns, mut lac) = with_auth(AuthMethod::MsChapV2, "s3cret", "s3cret");
    lac.lcp.allow = AuthMethods::NONE.with(AuthMethod::Pap);
    lns.lcp.require = AuthMethods::NONE.with(AuthMethod::MsChapV2);
    let mut pair = run(lns, lac, 5, Faults::default());
    pair.drive(5 * MINUTE);
    assert!(pair.both_terminated());
    let lns = pair.side(Side::Lns);
    assert_eq!(lns.exit_code(), Some(exit::PEER_AUTH_FAILED));
    assert!(lns.events.iter().any(|e| matches!(
        e,
        SessionEvent::Terminated {
            reason: TerminationReason::PeerRefusedAuth,
            ..
        }
    )));
    assert_eq!(
        pair.side(Side::Lac).exit_code(),
        Some(exit::NEGOTIATION_FAILED)
    );
}

#[test]
fn ipcp_gives_dns_and_nbns() {
    let (mut lns, mut lac) = (lns(), lac());
    lns.ipcp.ms_dns = [
        Some(Ipv4Addr::new(8, 8, 8, 8)),
        Some(Ipv4Addr::new(8, 8, 4, 4)),
    ];
    lns.ipcp.ms_wins = [Some(Ipv4Addr::new(10, 0, 0, 53)), None];
    lac.ipcp.use_peer_dns = true;
    let mut pair = run(lns, lac, 6, Faults::default());
    assert_link_up(&mut pair);
    let dns = events(&pair, Side::Lac).iter().find_map(|e| match e {
        SessionEvent::IpUp { dns, .. } => Some(*dns),
        _ => None,
    });
    assert_eq!(
        dns,
        Some([
            Some(Ipv4Addr::new(8, 8, 8, 8)),
            Some(Ipv4Addr::new(8, 8, 4, 4))
        ])
    );
}

#[test]
fn ipv6cp_on_both_sides() {
    let (mut lns, mut lac) = (lns(), lac());
    lns.ipv6cp = Some(Ipv6cpConfig::default());
    lac.ipv6cp = Some(Ipv6cpConfig::default());
    let mut pair = run(lns, lac, 7, Faults::default());
    pair.drive(MINUTE);
    let ipv6 = |side| {
        events(&pair, side).iter().find_map(|e| match e {
            SessionEvent::Ipv6Up { local, peer } => Some((*local, *peer)),
            _ => None,
        })
    };
    let (lns_local, lns_peer) = ipv6(Side::Lns).expect("IPv6 up at the LNS");
    let (lac_local, lac_peer) = ipv6(Side::Lac).expect("IPv6 up at the LAC");
    assert_eq!((lns_local, lns_peer), (lac_peer, lac_local));
    assert_eq!(lns_local.segments()[0], 0xfe80);
    assert!(pair
        .side(Side::Lns)
        .actions
        .contains(&DataPathAction::SetNpMode {
            protocol: network_protocol::IPV6,
            mode: NpMode::Pass
        }));
}

#[test]
fn ipv6cp_off_here_is_protocol_rejected_and_ipv4_stays() {
    let mut lac = lac();
    lac.ipv6cp = Some(Ipv6cpConfig::default());
    let mut pair = run(lns(), lac, 8, Faults::default());
    assert_link_up(&mut pair);
    pair.drive(MINUTE);
    assert!(
        pair.side(Side::Lns)
            .session
            .counters()
            .protocol_rejects_sent
            >= 1
    );
    assert!(!events(&pair, Side::Lac)
        .iter()
        .any(|e| matches!(e, SessionEvent::Ipv6Up { .. })));
    assert_eq!(pair.side(Side::Lac).ip_up(), Some((LAC_ADDR, LNS_ADDR)));
    assert!(!pair.side(Side::Lac).session.is_terminated());
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

/// A named pair of configurations.
type Scenario = (&'static str, fn() -> (SessionConfig, SessionConfig));

/// The scenarios that end with the link up, under 10-30 % loss,
/// duplication and reordering: each converges, or ends exactly as the
/// timers and counters say.
#[test]
fn every_scenario_under_faults() {
    let scenarios: [Scenario; 6] = [
        ("no auth", || (lns(), lac())),
        ("pap", || with_auth(AuthMethod::Pap, "s", "s")),
        ("chap", || with_auth(AuthMethod::ChapMd5, "s", "s")),
        ("mschapv2", || with_auth(AuthMethod::MsChapV2, "s", "s")),
        ("dns", || {
            let (mut lns, mut lac) = (lns(), lac());
            lns.ipcp.ms_dns = [Some(Ipv4Addr::new(8, 8, 8, 8)), None];
            lac.ipcp.use_peer_dns = true;
            (lns, lac)
        }),
        ("ipv6", || {
            let (mut lns, mut lac) = (lns(), lac());
            lns.ipv6cp = Some(Ipv6cpConfig::default());
            lac.ipv6cp = Some(Ipv6cpConfig::default());
            (lns, lac)
        }),
    ];
    for (name, configs) in &scenarios {
        let mut up = 0;
        let seeds = 60;
        for seed in 0..seeds {
            let p = 0.1 + 0.2 * (seed as f64 / seeds as f64);
            let (lns, lac) = configs();
            let mut pair = run(lns, lac, 1000 + seed, Faults::uniform(p));
            pair.drive_until(10 * MINUTE, both_ip_up);
            if both_ip_up(&pair) {
                up += 1;
                assert_eq!(
                    pair.side(Side::Lns).ip_up(),
                    Some((LNS_ADDR, LAC_ADDR)),
                    "{name} seed {seed}"
                );
                continue;
            }
            // Not up: it ended, with an exit code that names a timer or
            // counter running out, never a crash or a hang.
            pair.drive(10 * MINUTE);
            for side in [Side::Lns, Side::Lac] {
                let code = pair.side(side).exit_code();
                assert!(
                    matches!(
                        code,
                        Some(
                            exit::NEGOTIATION_FAILED
                                | exit::PEER_AUTH_FAILED
                                | exit::AUTH_TO_PEER_FAILED
                                | exit::OK
                        )
                    ),
                    "{name} seed {seed} {side:?}: {code:?} {:#?}",
                    pair.side(side).events
                );
            }
        }
        assert!(up >= seeds * 9 / 10, "{name}: only {up} of {seeds} came up");
    }
}

/// The failing scenarios under 10-30 % loss, duplication and reordering:
/// none ever brings IPv4 up, each side ends with the exit code the
/// fault-free run gives, or with 10 (negotiation failed) when the frames
/// that carry the verdict were lost: a LAC whose Authenticate-Nak or
/// Failure was lost learns of the end only from the Terminate-Request, and
/// pppd too exits with 10 then, since its status leaves 10 only when
/// authentication fails or a network protocol comes up.
#[test]
fn every_failure_under_faults() {
    type Failing = (&'static str, fn() -> (SessionConfig, SessionConfig), u8, u8);
    let scenarios: [Failing; 4] = [
        (
            "wrong secret, pap",
            || with_auth(AuthMethod::Pap, "s", "wrong"),
            exit::PEER_AUTH_FAILED,
            exit::AUTH_TO_PEER_FAILED,
        ),
        (
            "wrong secret, chap",
            || with_auth(AuthMethod::ChapMd5, "s", "wrong"),
            exit::PEER_AUTH_FAILED,
            exit::AUTH_TO_PEER_FAILED,
        ),
        (
            "wrong secret, mschapv2",
            || with_auth(AuthMethod::MsChapV2, "s", "wrong"),
            exit::PEER_AUTH_FAILED,
            exit::AUTH_TO_PEER_FAILED,
        ),
        (
            "auth refused",
            || {
                let (lns, mut lac) = with_auth(AuthMethod::MsChapV2, "s", "s");
                lac.lcp.allow = AuthMethods::NONE.with(AuthMethod::Pap);
                (lns, lac)
            },
            exit::PEER_AUTH_FAILED,
            exit::NEGOTIATION_FAILED,
        ),
    ];
    for (name, configs, lns_code, lac_code) in &scenarios {
        let seeds = 60;
        let mut exact = 0;
        for seed in 0..seeds {
            let p = 0.1 + 0.2 * (seed as f64 / seeds as f64);
            let (lns, lac) = configs();
            let mut pair = run(lns, lac, 5000 + seed, Faults::uniform(p));
            pair.drive(10 * MINUTE);
            assert!(pair.both_terminated(), "{name} seed {seed}");
            for side in [Side::Lns, Side::Lac] {
                let e = &pair.side(side).events;
                assert!(
                    !e.iter().any(|e| matches!(e, SessionEvent::IpUp { .. })),
                    "{name} seed {seed} {side:?}: IPv4 came up"
                );
            }
            let codes = (
                pair.side(Side::Lns).exit_code(),
                pair.side(Side::Lac).exit_code(),
            );
            if codes == (Some(*lns_code), Some(*lac_code)) {
                exact += 1;
                continue;
            }
            println!("{name} seed {seed} p {p:.2}: {codes:?}");
            assert!(
                matches!(codes.0, Some(c) if c == *lns_code || c == exit::NEGOTIATION_FAILED),
                "{name} seed {seed}: LNS {codes:?} {:#?}",
                pair.side(Side::Lns).events
            );
            assert!(
                matches!(codes.1, Some(c) if c == *lac_code || c == exit::NEGOTIATION_FAILED),
                "{name} seed {seed}: LAC {codes:?} {:#?}",
                pair.side(Side::Lac).events
            );
        }
        assert!(
            exact >= seeds / 2,
            "{name}: only {exact} of {seeds} ended as without faults"
        );
    }
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

/// How a side ended: its Terminated event.
fn ended(pair: &Pair, side: Side) -> Option<(TerminationReason, u8)> {
    events(pair, side).iter().find_map(|e| match e {
        SessionEvent::Terminated { reason, exit_code } => Some((reason.clone(), *exit_code)),
        _ => None,
    })
}

/// A LAC whose IPCP never gives up (a client that retries for ever):
/// whatever ends the link, it is not the LAC's own IPCP timing out.
fn retrying_lac() -> SessionConfig {
    let mut lac = lac();
    lac.ipcp.fsm.max_configure = 100_000;
    lac.ipcp.fsm.max_failure = 100_000;
    lac.negotiation_timeout = 120 * MINUTE;
    lac
}

/// The LNS authenticates the LAC with CHAP against a secrets line whose
/// fourth word on is `addresses`.
fn lns_allowing(addresses: &str, lac: SessionConfig) -> (SessionConfig, SessionConfig) {
    let (mut lns, mut lac) = (lns(), lac);
    lns.lcp.require = AuthMethods::NONE.with(AuthMethod::ChapMd5);
    let lns_secrets = secrets(&format!("lac lns s {addresses}\n"));
    lns.auth.chap_secrets = Arc::clone(&lns_secrets);
    lns.auth.pap_secrets = lns_secrets;
    let lac_secrets = secrets("lac lns s\n");
    lac.auth.remote_name = Some(b"lns".to_vec());
    lac.auth.chap_secrets = Arc::clone(&lac_secrets);
    lac.auth.pap_secrets = lac_secrets;
    (lns, lac)
}

/// The LNS ended the link itself because IPCP, its only network protocol,
/// finished (pppd's `np_finished`), with 10
/// since no network protocol ever came up; IPv4 never came up.
fn assert_no_network_protocols(pair: &Pair, what: &str) {
    let lns = pair.side(Side::Lns);
    assert_eq!(
        ended(pair, Side::Lns),
        Some((
            TerminationReason::NoNetworkProtocols,
            exit::NEGOTIATION_FAILED
        )),
        "{what}: {:#?}",
        lns.events
    );
    assert!(!lns
        .events
        .iter()
        .any(|e| matches!(e, SessionEvent::IpUp { .. })));
    // Our own Terminate-Request says why, as pppd's does.
    let reason = b"No network protocols running";
    assert!(
        lns.sent
            .iter()
            .any(|(p, i)| p == protocol::LCP && i[0] == 5 && i.ends_with(reason)),
        "{what}: no LCP Terminate-Request with pppd's reason"
    );
    assert!(pair.side(Side::Lns).session.is_terminated());
}

/// The secrets line allows the LAC no address at all (`-`): IPCP cannot
/// succeed whatever the LAC asks, and the LNS ends the link at once rather
/// than answer a LAC that keeps retrying with Terminate-Acks for ever.
#[test]
fn no_address_allowed_ends_the_link_with_no_network_protocols() {
    let (lns, lac) = lns_allowing("-", retrying_lac());
    let mut pair = run(lns, lac, 31, Faults::default());
    let start = pair.now;
    pair.drive_until(60 * MINUTE, |p| p.side(Side::Lns).session.is_terminated());
    assert!(
        pair.now - start <= MINUTE,
        "ended after {:?}",
        pair.now - start
    );
    assert_no_network_protocols(&pair, "no address allowed");
}

/// The secrets line allows one address and the LAC insists on another
/// (its own `local`, without `ipcp-accept-local`): the LNS Naks, then
/// after Max-Failure Rejects, and never agrees. The LAC keeps retrying;
/// the LNS ends the link in bounded time.
#[test]
fn an_address_the_secrets_refuse_ends_the_link_with_no_network_protocols() {
    let mut lac = retrying_lac();
    lac.ipcp.noipdefault = false;
    lac.ipcp.local = Some(LAC_ADDR);
    lac.ipcp.accept_local = false;
    let (mut lns, lac) = lns_allowing("10.201.0.9", lac);
    lns.ipcp.fsm.max_failure = 5;
    let mut pair = run(lns, lac, 32, Faults::default());
    let start = pair.now;
    pair.drive_until(60 * MINUTE, |p| p.side(Side::Lns).session.is_terminated());
    assert!(
        pair.now - start <= 5 * MINUTE,
        "ended after {:?}",
        pair.now - start
    );
    assert_no_network_protocols(&pair, "refused address");
}

/// The peer never answers IPCP: our IPCP reaches Max-Configure (tlf), and
/// with no other network protocol the link ends.
#[test]
fn ipcp_max_configure_ends_the_link_with_no_network_protocols() {
    let mut pair =
        Pair::new(lns(), retrying_lac(), 33).with_filter(Box::new(|from, protocol_number, _| {
            !(from == Side::Lac && protocol_number == protocol::IPCP)
        }));
    pair.start();
    let start = pair.now;
    pair.drive_until(60 * MINUTE, |p| p.side(Side::Lns).session.is_terminated());
    // Ten Configure-Requests three seconds apart, and the tenth's timeout
    // (the Network phase's deadline is one restart interval later).
    assert!(
        pair.now - start <= Duration::from_secs(31),
        "ended after {:?}",
        pair.now - start
    );
    assert_eq!(pair.side(Side::Lns).sent_count(protocol::IPCP), 10);
    assert_no_network_protocols(&pair, "max-configure");
}

/// The peer answers IPCP only with Naks we cannot follow (it insists on
/// an address for us other than ours): after Max-Failure Naks we treat the
/// Nak as a Reject and drop our address from the request, the peer
/// acknowledges that, and IPCP opens with no local address, which fails
/// ("Could not determine local IP address"): IPCP closes and finishes, and
/// the link ends with it.
#[test]
fn ipcp_max_failure_ends_the_link_with_no_network_protocols() {
    let mut lac = retrying_lac();
    lac.ipcp.remote = Some(Ipv4Addr::new(10, 201, 0, 77));
    lac.ipcp.accept_remote = false;
    let mut lns = lns();
    lns.ipcp.fsm.max_failure = 5;
    let mut pair = run(lns, lac, 34, Faults::default());
    let start = pair.now;
    pair.drive_until(60 * MINUTE, |p| p.side(Side::Lns).session.is_terminated());
    assert!(
        pair.now - start <= 5 * MINUTE,
        "ended after {:?}",
        pair.now - start
    );
    assert_no_network_protocols(&pair, "max-failure");
}

/// A LAC that insists on its address whatever we answer: every IPCP
/// Configure-Request it sends asks for 10.201.0.2, even after our Reject
/// (the filter puts the option back). It acknowledges our own requests, so
/// our restart counter never runs out (RCA re-initializes it) and IPCP
/// never finishes; the Network phase's deadline ends the link, for the
/// same reason.
#[test]
fn a_peer_that_never_takes_no_for_an_answer_ends_with_no_network_protocols() {
    let (mut lns, lac) = lns_allowing("10.201.0.9", retrying_lac());
    lns.ipcp.fsm.max_failure = 5;
    let mut pair = Pair::new(lns, lac, 35).with_filter(Box::new(|from, number, info| {
        if from == Side::Lac && number == protocol::IPCP && info[0] == 1 {
            info.truncate(4);
            info.extend_from_slice(&[3, 6, 10, 201, 0, 2]);
            info[3] = 10;
        }
        true
    }));
    pair.start();
    let start = pair.now;
    pair.drive_until(60 * MINUTE, |p| p.side(Side::Lns).session.is_terminated());
    // The Network phase's deadline: Max-Configure's ten restart intervals
    // and one more, 33 s after it began.
    let took = pair.now - start;
    assert!(
        took >= Duration::from_secs(33) && took <= Duration::from_secs(34),
        "ended after {took:?}"
    );
    assert_no_network_protocols(&pair, "stubborn peer");
}

/// The data path in the order pppd sets it up, whichever NCP opens first:
/// IPv4 gets its addresses before the interface comes up (pppd's ipcp_up:
/// sifaddr, then sifup); IPv6 gets its link-local address after (pppd's
/// ipv6cp_up: sif6up, then sif6addr), or the kernel has no route to the
/// peer. `late` is the protocol whose first two frames from the LAC are
/// lost, so the other one opens first.
fn ncp_actions(late: u16, seed: u64) -> Vec<DataPathAction> {
    let (mut lns, mut lac) = (lns(), lac());
    lns.ipv6cp = Some(Ipv6cpConfig::default());
    lac.ipv6cp = Some(Ipv6cpConfig::default());
    let mut dropped = 0;
    let mut pair = Pair::new(lns, lac, seed).with_filter(Box::new(move |from, number, _| {
        let drop = from == Side::Lac && number == late && dropped < 2;
        dropped += usize::from(drop);
        !drop
    }));
    pair.start();
    pair.drive(MINUTE);
    let lns = pair.side(Side::Lns);
    let v6 = lns
        .events
        .iter()
        .find_map(|e| match e {
            SessionEvent::Ipv6Up { local, peer } => Some((*local, *peer)),
            _ => None,
        })
        .expect("IPv6 up");
    assert!(lns.ip_up().is_some(), "IPv4 up");
    // What follows LCP's MTU and MRU.
    let mut actions = lns.actions[3..].to_vec();
    let (local, peer) = v6;
    for action in &mut actions {
        if let DataPathAction::SetIpv6LinkLocal { local: l, peer: p } = action {
            assert_eq!((*l, *p), (local, peer));
        }
    }
    actions
}

#[test]
fn ipv6cp_first_brings_the_interface_up_before_the_link_local_address() {
    let actions = ncp_actions(protocol::IPCP, 41);
    let up = actions
        .iter()
        .position(|a| *a == DataPathAction::InterfaceUp);
    let ll = actions
        .iter()
        .position(|a| matches!(a, DataPathAction::SetIpv6LinkLocal { .. }));
    let v4 = actions
        .iter()
        .position(|a| matches!(a, DataPathAction::SetIpv4Addresses { .. }));
    assert_eq!(up, Some(0), "{actions:#?}");
    assert_eq!(ll, Some(1), "{actions:#?}");
    assert_eq!(
        actions[2],
        DataPathAction::SetNpMode {
            protocol: network_protocol::IPV6,
            mode: NpMode::Pass
        }
    );
    // IPv4 later, on the interface already up: addresses, PASS, no second up.
    assert_eq!(v4, Some(3), "{actions:#?}");
    assert_eq!(
        actions[4..],
        [DataPathAction::SetNpMode {
            protocol: network_protocol::IPV4,
            mode: NpMode::Pass
        }]
    );
}

#[test]
fn ipcp_first_sets_its_addresses_before_the_interface_comes_up() {
    let actions = ncp_actions(protocol::IPV6CP, 42);
    assert_eq!(
        actions[..3],
        [
            DataPathAction::SetIpv4Addresses {
                local: LNS_ADDR,
                peer: LAC_ADDR
            },
            DataPathAction::InterfaceUp,
            DataPathAction::SetNpMode {
                protocol: network_protocol::IPV4,
                mode: NpMode::Pass
            },
        ],
        "{actions:#?}"
    );
    // IPv6 later: the interface is up already, the address, then PASS.
    assert!(
        matches!(actions[3], DataPathAction::SetIpv6LinkLocal { .. }),
        "{actions:#?}"
    );
    assert_eq!(
        actions[4..],
        [DataPathAction::SetNpMode {
            protocol: network_protocol::IPV6,
            mode: NpMode::Pass
        }]
    );
}
