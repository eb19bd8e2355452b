//! A session pair's network protocols: IPCP with DNS, IPv6CP on, off and
//! rejected, the ends of a link with no network protocol, and the order in
//! which the data path is set up.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{
    exit, network_protocol, protocol, DataPathAction, NpMode, SessionConfig, SessionEvent,
    TerminationReason,
};
use rppp_auth::{AuthMethod, AuthMethods};
use rppp_ipcp::Ipv6cpConfig;

mod session_common;
use session_common::*;

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
