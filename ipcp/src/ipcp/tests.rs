//! IPCP's options, each in both roles (we judge the peer's request; the
//! peer judges ours), against byte fixtures: the lab's pppd exchanges, a
//! Windows-style request, forbidden addresses, a peer that insists, name
//! servers asked for but not configured, and the failures found at
//! This-Layer-Up.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_lcp::option::OptionIter;
use rppp_lcp::packet::{Code, Repr};
use rppp_lcp::State;

use super::options::IpcpOption;
use super::*;

fn t0() -> Instant {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

fn ip(a: u8, b: u8, c: u8, d: u8) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
}

fn packet(code: Code, identifier: u8, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Repr {
        code: code.into(),
        identifier,
        data,
    }
    .append_to(&mut out);
    out
}

fn drain(ipcp: &mut Ipcp) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    loop {
        let mut out = Vec::new();
        if !ipcp.poll_transmit(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

fn events(ipcp: &mut Ipcp) -> Vec<IpcpEvent> {
    std::iter::from_fn(|| ipcp.poll_event()).collect()
}

/// A packet in pppd's log spelling: `ConfNak id=0x1 <addr 10.201.0.2>`.
fn shown(packet: &[u8]) -> String {
    let repr = Repr::parse_bytes(packet).unwrap();
    let mut text = format!(
        "{} id={:#x}",
        Code::from(repr.code).pppd_name().unwrap(),
        repr.identifier
    );
    if repr.code <= 4 {
        for option in OptionIter::new(repr.data) {
            text.push(' ');
            text.push_str(&IpcpOption::parse_lossy(option.unwrap()).to_string());
        }
    }
    text
}

fn lns_config() -> IpcpConfig {
    // xl2tpd's LNS: `10.201.0.1:10.201.0.2`.
    IpcpConfig {
        local: Some(ip(10, 201, 0, 1)),
        remote: Some(ip(10, 201, 0, 2)),
        ..IpcpConfig::default()
    }
}

/// IPCP up to Req-Sent, with its first request.
fn started(config: IpcpConfig) -> (Ipcp, Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(1332);
    let mut ipcp = Ipcp::new(config);
    ipcp.lower_up(t0(), &mut rng);
    ipcp.open(t0(), &mut rng);
    let mut sent = drain(&mut ipcp);
    assert_eq!(sent.len(), 1);
    assert_eq!(events(&mut ipcp), []);
    (ipcp, sent.remove(0), rng)
}

/// Answers the peer's request with `options` (Identifier 0x42) and
/// returns our reply as pppd would log it.
fn judge(ipcp: &mut Ipcp, rng: &mut StdRng, options: &[u8]) -> String {
    let request = packet(Code::ConfigureRequest, 0x42, options);
    ipcp.handle_packet(t0(), &request, rng);
    let sent = drain(ipcp);
    assert_eq!(sent.len(), 1, "one reply to {}", shown(&request));
    assert_eq!(
        sent[0][1], 0x42,
        "the reply carries the request's Identifier"
    );
    shown(&sent[0])
}

/// The peer acks our outstanding request.
fn peer_acks(ipcp: &mut Ipcp, rng: &mut StdRng, request: &[u8]) {
    let ack = packet(Code::ConfigureAck, request[1], &request[4..]);
    ipcp.handle_packet(t0(), &ack, rng);
}

/// The peer answers our outstanding request with `code` and `options`;
/// returns what we send next.
fn peer_replies(
    ipcp: &mut Ipcp,
    rng: &mut StdRng,
    request: &[u8],
    code: Code,
    options: &[u8],
) -> Vec<Vec<u8>> {
    ipcp.handle_packet(t0(), &packet(code, request[1], options), rng);
    drain(ipcp)
}

const ADDR_ZERO: [u8; 6] = [3, 6, 0, 0, 0, 0];

fn addr(a: Ipv4Addr) -> Vec<u8> {
    let mut out = vec![];
    IpcpOption::IpAddress(a).append_to(&mut out);
    out
}

// ----------------------------------------------------------- the lab, bytes

/// The LNS side of the lab's passing run:
/// ```text
/// sent [IPCP ConfReq id=0x1 <addr 10.201.0.1>]
/// rcvd [IPCP ConfReq id=0x1 <addr 0.0.0.0>]
/// sent [IPCP ConfNak id=0x1 <addr 10.201.0.2>]
/// rcvd [IPCP ConfAck id=0x1 <addr 10.201.0.1>]
/// rcvd [IPCP ConfReq id=0x2 <addr 10.201.0.2>]
/// sent [IPCP ConfAck id=0x2 <addr 10.201.0.2>]
/// ```
#[test]
fn lab_lns_exchange_byte_for_byte() {
    let (mut ipcp, request, mut rng) = started(lns_config());
    assert_eq!(request, [0x01, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 1]);
    let rcvd = [0x01, 0x01, 0x00, 0x0a, 0x03, 0x06, 0, 0, 0, 0];
    ipcp.handle_packet(t0(), &rcvd, &mut rng);
    assert_eq!(
        drain(&mut ipcp),
        [vec![0x03, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 2]]
    );
    let ack = [0x02, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 1];
    ipcp.handle_packet(t0(), &ack, &mut rng);
    assert_eq!(ipcp.state(), State::AckRcvd);
    let rcvd = [0x01, 0x02, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 2];
    ipcp.handle_packet(t0(), &rcvd, &mut rng);
    assert_eq!(
        drain(&mut ipcp),
        [vec![0x02, 0x02, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 2]]
    );
    assert_eq!(ipcp.state(), State::Opened);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    assert_eq!(
        ipcp.negotiated(),
        Some(&IpcpNegotiated {
            local: ip(10, 201, 0, 1),
            peer: Some(ip(10, 201, 0, 2)),
            dns: [None; 2],
            nbns: [None; 2],
        })
    );
}

/// The LAC side (`:`, nothing configured):
/// ```text
/// sent [IPCP ConfReq id=0x1 <addr 0.0.0.0>]
/// rcvd [IPCP ConfReq id=0x1 <addr 10.201.0.1>]
/// sent [IPCP ConfAck id=0x1 <addr 10.201.0.1>]
/// rcvd [IPCP ConfNak id=0x1 <addr 10.201.0.2>]
/// sent [IPCP ConfReq id=0x2 <addr 10.201.0.2>]
/// rcvd [IPCP ConfAck id=0x2 <addr 10.201.0.2>]
/// ```
#[test]
fn lab_lac_exchange_byte_for_byte() {
    let config = IpcpConfig {
        noipdefault: true,
        ..IpcpConfig::default()
    };
    let (mut ipcp, request, mut rng) = started(config);
    assert_eq!(request, [0x01, 0x01, 0x00, 0x0a, 0x03, 0x06, 0, 0, 0, 0]);
    let rcvd = [0x01, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 1];
    ipcp.handle_packet(t0(), &rcvd, &mut rng);
    assert_eq!(
        drain(&mut ipcp),
        [vec![0x02, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 1]]
    );
    let nak = [0x03, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 2];
    ipcp.handle_packet(t0(), &nak, &mut rng);
    assert_eq!(
        drain(&mut ipcp),
        [vec![0x01, 0x02, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 2]]
    );
    let ack = [0x02, 0x02, 0x00, 0x0a, 0x03, 0x06, 10, 201, 0, 2];
    ipcp.handle_packet(t0(), &ack, &mut rng);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    let negotiated = ipcp.negotiated().unwrap();
    assert_eq!(negotiated.local, ip(10, 201, 0, 2));
    assert_eq!(negotiated.peer, Some(ip(10, 201, 0, 1)));
}

// ----------------------------------------- IP-Address, the peer's request

#[test]
fn peer_asking_for_its_configured_address_is_acked() {
    let (mut ipcp, _, mut rng) = started(lns_config());
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 2)));
    assert_eq!(reply, "ConfAck id=0x42 <addr 10.201.0.2>");
}

#[test]
fn peer_asking_for_another_address_is_nakked_unless_accept_remote() {
    let (mut ipcp, _, mut rng) = started(lns_config());
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 9)));
    assert_eq!(reply, "ConfNak id=0x42 <addr 10.201.0.2>");

    let config = IpcpConfig {
        accept_remote: true,
        ..lns_config()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 9)));
    assert_eq!(reply, "ConfAck id=0x42 <addr 10.201.0.9>");
    peer_acks(&mut ipcp, &mut rng, &request);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    assert_eq!(ipcp.negotiated().unwrap().peer, Some(ip(10, 201, 0, 9)));
}

#[test]
fn with_no_remote_configured_the_peer_chooses() {
    let config = IpcpConfig {
        local: Some(ip(10, 201, 0, 1)),
        ..IpcpConfig::default()
    };
    let (mut ipcp, _, mut rng) = started(config);
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(192, 0, 2, 7)));
    assert_eq!(reply, "ConfAck id=0x42 <addr 192.0.2.7>");
    // pppd rejects 0.0.0.0 when it has no address to give.
    let reply = judge(&mut ipcp, &mut rng, &ADDR_ZERO);
    assert_eq!(reply, "ConfRej id=0x42 <addr 0.0.0.0>");
}

#[test]
fn peer_proposing_a_forbidden_address_is_nakked_with_the_one_it_gets() {
    // The secrets entry allows 10.201.0.0/24 only; the peer may choose.
    let allowed = AllowedAddresses::Only {
        allows: Arc::new(|a: Ipv4Addr| a.octets()[..3] == [10, 201, 0]),
        suggested: None,
    };
    let config = IpcpConfig {
        allowed,
        accept_remote: true,
        ..lns_config()
    };
    let (mut ipcp, _, mut rng) = started(config);
    for forbidden in [ip(10, 9, 9, 9), ip(127, 0, 0, 1), ip(224, 0, 0, 5)] {
        let reply = judge(&mut ipcp, &mut rng, &addr(forbidden));
        assert_eq!(reply, "ConfNak id=0x42 <addr 10.201.0.2>", "{forbidden}");
    }
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 77)));
    assert_eq!(reply, "ConfAck id=0x42 <addr 10.201.0.77>");
}

#[test]
fn a_single_allowed_address_replaces_a_configured_remote_it_forbids() {
    // pppd's set_allowed_addrs: the one address of the secrets entry.
    let allowed = AllowedAddresses::Only {
        allows: Arc::new(|a: Ipv4Addr| a == Ipv4Addr::new(10, 201, 0, 50)),
        suggested: Some(ip(10, 201, 0, 50)),
    };
    let config = IpcpConfig {
        allowed,
        ..lns_config()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let reply = judge(&mut ipcp, &mut rng, &ADDR_ZERO);
    assert_eq!(reply, "ConfNak id=0x42 <addr 10.201.0.50>");
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 2)));
    assert_eq!(reply, "ConfNak id=0x42 <addr 10.201.0.50>");
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 50)));
    assert_eq!(reply, "ConfAck id=0x42 <addr 10.201.0.50>");
    peer_acks(&mut ipcp, &mut rng, &request);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
}

#[test]
fn forbidden_address_with_nothing_to_suggest_is_rejected() {
    let allowed = AllowedAddresses::Only {
        allows: Arc::new(|a: Ipv4Addr| a.octets()[0] == 10),
        suggested: None,
    };
    let config = IpcpConfig {
        local: Some(ip(10, 201, 0, 1)),
        allowed,
        ..IpcpConfig::default()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let reply = judge(&mut ipcp, &mut rng, &addr(ip(192, 0, 2, 1)));
    assert_eq!(reply, "ConfRej id=0x42 <addr 192.0.2.1>");
    // The peer goes on without an address: no restriction is satisfied.
    let reply = judge(&mut ipcp, &mut rng, &[]);
    assert_eq!(reply, "ConfAck id=0x42");
    peer_acks(&mut ipcp, &mut rng, &request);
    let failure = IpcpFailure::UnauthorizedPeerAddress { peer: None };
    assert_eq!(events(&mut ipcp), [IpcpEvent::Failed(failure)]);
    let sent = drain(&mut ipcp);
    assert_eq!(sent.len(), 1);
    assert_eq!(&sent[0][4..], b"Unauthorized remote IP address");
    assert_eq!(ipcp.state(), State::Closing);
}

#[test]
fn peer_leaving_its_address_out_is_nakked_with_one_once() {
    let config = IpcpConfig {
        ms_dns: [Some(ip(8, 8, 8, 8)), None],
        ..lns_config()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let dns = [0x81, 6, 8, 8, 8, 8];
    let reply = judge(&mut ipcp, &mut rng, &dns);
    assert_eq!(reply, "ConfNak id=0x42 <addr 10.201.0.2>");
    // pppd asks once; a peer that still leaves it out is acked...
    let reply = judge(&mut ipcp, &mut rng, &dns);
    assert_eq!(reply, "ConfAck id=0x42 <ms-dns1 8.8.8.8>");
    // ...but did not agree to the address we insisted on: IPCP fails.
    peer_acks(&mut ipcp, &mut rng, &request);
    let failure = IpcpFailure::PeerRefusedItsAddress {
        ours: ip(10, 201, 0, 2),
    };
    assert_eq!(events(&mut ipcp), [IpcpEvent::Failed(failure)]);
    assert!(ipcp.negotiated().is_none());
    let sent = drain(&mut ipcp);
    assert_eq!(shown(&sent[0]), "TermReq id=0x2");
    assert_eq!(&sent[0][4..], b"Refused his IP address");
}

#[test]
fn peer_leaving_its_address_out_is_fine_when_it_may_choose() {
    let config = IpcpConfig {
        accept_remote: true,
        ..lns_config()
    };
    let (mut ipcp, request, mut rng) = started(config);
    assert_eq!(
        judge(&mut ipcp, &mut rng, &[]),
        "ConfNak id=0x42 <addr 10.201.0.2>"
    );
    assert_eq!(judge(&mut ipcp, &mut rng, &[]), "ConfAck id=0x42");
    peer_acks(&mut ipcp, &mut rng, &request);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    // pppd: a peer that negotiated no address gets the configured one.
    assert_eq!(ipcp.negotiated().unwrap().peer, Some(ip(10, 201, 0, 2)));
}

/// A peer that insists on an address it may not have: Max-Failure Naks,
/// then the option is rejected; when the peer then goes on without it,
/// IPCP fails because it never agreed to the address we insisted on.
#[test]
fn peer_that_insists_meets_max_failure() {
    let mut config = lns_config();
    config.fsm.max_failure = 3;
    let (mut ipcp, request, mut rng) = started(config);
    let insisting = addr(ip(10, 9, 9, 9));
    for _ in 0..3 {
        let reply = judge(&mut ipcp, &mut rng, &insisting);
        assert_eq!(reply, "ConfNak id=0x42 <addr 10.201.0.2>");
    }
    let reply = judge(&mut ipcp, &mut rng, &insisting);
    assert_eq!(reply, "ConfRej id=0x42 <addr 10.9.9.9>");
    // Rejected, it is no better the next time either.
    let reply = judge(&mut ipcp, &mut rng, &insisting);
    assert_eq!(reply, "ConfRej id=0x42 <addr 10.9.9.9>");
    // Max-Failure also stops the Nak of a missing address.
    assert_eq!(judge(&mut ipcp, &mut rng, &[]), "ConfAck id=0x42");
    peer_acks(&mut ipcp, &mut rng, &request);
    assert!(matches!(
        events(&mut ipcp)[..],
        [IpcpEvent::Failed(IpcpFailure::PeerRefusedItsAddress { .. })]
    ));
}

#[test]
fn bad_lengths_old_addresses_vj_and_unknown_options_are_rejected() {
    let (mut ipcp, _, mut rng) = started(lns_config());
    for (options, reply) in [
        (
            &[3u8, 5, 10, 201, 0][..],
            "ConfRej id=0x42 < 03 05 0a c9 00>",
        ),
        (
            &[1, 10, 0, 0, 0, 0, 10, 201, 0, 1],
            "ConfRej id=0x42 <addrs 0.0.0.0 10.201.0.1>",
        ),
        (
            &[2, 6, 0x00, 0x2d, 0x0f, 0x01],
            "ConfRej id=0x42 <compress VJ 0f 01>",
        ),
        (&[2, 4, 0x00, 0x37], "ConfRej id=0x42 <compress old-VJ>"),
        (&[4, 3, 0], "ConfRej id=0x42 < 04 03 00>"),
    ] {
        // Rejects win over the Nak the address would get.
        let mut request = ADDR_ZERO.to_vec();
        request.extend_from_slice(options);
        assert_eq!(judge(&mut ipcp, &mut rng, &request), reply);
    }
}

// ------------------------------------------------- DNS and NBNS, as server

#[test]
fn name_servers_are_nakked_with_the_configured_ones_and_acked() {
    let mut config = lns_config();
    config.push_ms_dns(ip(8, 8, 8, 8));
    config.push_ms_dns(ip(1, 1, 1, 1));
    config.push_ms_wins(ip(10, 201, 0, 53));
    let (mut ipcp, _, mut rng) = started(config);
    let asking = [
        0x81, 6, 0, 0, 0, 0, 0x82, 6, 0, 0, 0, 0, 0x83, 6, 0, 0, 0, 0, 0x84, 6, 0, 0, 0, 0,
    ];
    let mut request = addr(ip(10, 201, 0, 2));
    request.extend_from_slice(&asking);
    ipcp.handle_packet(t0(), &packet(Code::ConfigureRequest, 7, &request), &mut rng);
    let nak = drain(&mut ipcp).remove(0);
    assert_eq!(
        nak,
        [
            0x03, 0x07, 0x00, 0x1c, 0x81, 6, 8, 8, 8, 8, 0x82, 6, 10, 201, 0, 53, 0x83, 6, 1, 1, 1,
            1, 0x84, 6, 10, 201, 0, 53
        ]
    );
    assert_eq!(
        shown(&nak),
        "ConfNak id=0x7 <ms-dns1 8.8.8.8> <ms-wins 10.201.0.53> <ms-dns2 1.1.1.1> \
         <ms-wins 10.201.0.53>"
    );
    let mut request = addr(ip(10, 201, 0, 2));
    request.extend_from_slice(&nak[4..]);
    assert_eq!(
        judge(&mut ipcp, &mut rng, &request),
        "ConfAck id=0x42 <addr 10.201.0.2> <ms-dns1 8.8.8.8> <ms-wins 10.201.0.53> \
         <ms-dns2 1.1.1.1> <ms-wins 10.201.0.53>"
    );
}

/// A Windows-style request that asks for everything, against a server
/// with DNS but no NBNS configured: VJ and NBNS are rejected first, then
/// the address and DNS are Nak'd, then everything is acked.
#[test]
fn windows_style_request_against_dns_only_server() {
    let mut config = lns_config();
    config.push_ms_dns(ip(8, 8, 8, 8));
    let (mut ipcp, _, mut rng) = started(config);
    let windows = [
        0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01, 0x03, 0x06, 0, 0, 0, 0, 0x81, 0x06, 0, 0, 0, 0, 0x82,
        0x06, 0, 0, 0, 0, 0x83, 0x06, 0, 0, 0, 0, 0x84, 0x06, 0, 0, 0, 0,
    ];
    ipcp.handle_packet(t0(), &packet(Code::ConfigureRequest, 1, &windows), &mut rng);
    let rej = drain(&mut ipcp).remove(0);
    assert_eq!(
        rej,
        [
            0x04, 0x01, 0x00, 0x16, 0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01, 0x82, 0x06, 0, 0, 0, 0,
            0x84, 0x06, 0, 0, 0, 0
        ]
    );
    assert_eq!(
        shown(&rej),
        "ConfRej id=0x1 <compress VJ 0f 01> <ms-wins 0.0.0.0> <ms-wins 0.0.0.0>"
    );
    let second = [
        0x03, 0x06, 0, 0, 0, 0, 0x81, 0x06, 0, 0, 0, 0, 0x83, 0x06, 0, 0, 0, 0,
    ];
    assert_eq!(
        judge(&mut ipcp, &mut rng, &second),
        "ConfNak id=0x42 <addr 10.201.0.2> <ms-dns1 8.8.8.8> <ms-dns2 8.8.8.8>"
    );
    let third = [
        0x03, 0x06, 10, 201, 0, 2, 0x81, 0x06, 8, 8, 8, 8, 0x83, 0x06, 8, 8, 8, 8,
    ];
    assert_eq!(
        judge(&mut ipcp, &mut rng, &third),
        "ConfAck id=0x42 <addr 10.201.0.2> <ms-dns1 8.8.8.8> <ms-dns2 8.8.8.8>"
    );
}

#[test]
fn dns_asked_for_but_not_configured_is_rejected() {
    let (mut ipcp, _, mut rng) = started(lns_config());
    let mut request = addr(ip(10, 201, 0, 2));
    request.extend_from_slice(&[0x81, 6, 0, 0, 0, 0, 0x83, 6, 0, 0, 0, 0]);
    assert_eq!(
        judge(&mut ipcp, &mut rng, &request),
        "ConfRej id=0x42 <ms-dns1 0.0.0.0> <ms-dns2 0.0.0.0>"
    );
}

#[test]
fn name_server_naks_become_rejects_after_max_failure() {
    let mut config = lns_config();
    config.fsm.max_failure = 2;
    config.push_ms_dns(ip(8, 8, 8, 8));
    let (mut ipcp, _, mut rng) = started(config);
    let mut request = addr(ip(10, 201, 0, 2));
    request.extend_from_slice(&[0x81, 6, 9, 9, 9, 9]);
    for _ in 0..2 {
        assert_eq!(
            judge(&mut ipcp, &mut rng, &request),
            "ConfNak id=0x42 <ms-dns1 8.8.8.8>"
        );
    }
    assert_eq!(
        judge(&mut ipcp, &mut rng, &request),
        "ConfRej id=0x42 <ms-dns1 9.9.9.9>"
    );
}

// ------------------------------------------ our request, the peer's reply

#[test]
fn our_request_asks_for_the_host_name_address_unless_noipdefault() {
    let config = IpcpConfig {
        hostname_address: Some(ip(192, 0, 2, 10)),
        ..IpcpConfig::default()
    };
    let (_, request, _) = started(config.clone());
    assert_eq!(shown(&request), "ConfReq id=0x1 <addr 192.0.2.10>");
    let config = IpcpConfig {
        noipdefault: true,
        ..config
    };
    let (_, request, _) = started(config);
    assert_eq!(shown(&request), "ConfReq id=0x1 <addr 0.0.0.0>");
}

#[test]
fn a_configured_local_address_is_kept_against_a_nak_unless_accept_local() {
    let (mut ipcp, request, mut rng) = started(lns_config());
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &addr(ip(10, 0, 0, 5)),
    );
    assert_eq!(shown(&next[0]), "ConfReq id=0x2 <addr 10.201.0.1>");

    let config = IpcpConfig {
        accept_local: true,
        ..lns_config()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &addr(ip(10, 0, 0, 5)),
    );
    assert_eq!(shown(&next[0]), "ConfReq id=0x2 <addr 10.0.0.5>");
}

#[test]
fn a_nak_of_zero_leaves_us_asking() {
    let config = IpcpConfig {
        noipdefault: true,
        ..IpcpConfig::default()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &ADDR_ZERO,
    );
    assert_eq!(shown(&next[0]), "ConfReq id=0x2 <addr 0.0.0.0>");
}

#[test]
fn peer_rejecting_our_configured_address_makes_ipcp_fail() {
    let (mut ipcp, request, mut rng) = started(lns_config());
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureReject,
        &request[4..],
    );
    assert_eq!(shown(&next[0]), "ConfReq id=0x2");
    peer_acks(&mut ipcp, &mut rng, &next[0]);
    let request = packet(Code::ConfigureRequest, 9, &addr(ip(10, 201, 0, 2)));
    ipcp.handle_packet(t0(), &request, &mut rng);
    let sent: Vec<_> = drain(&mut ipcp).iter().map(|p| shown(p)).collect();
    assert_eq!(sent, ["ConfAck id=0x9 <addr 10.201.0.2>", "TermReq id=0x3"]);
    assert_eq!(
        events(&mut ipcp),
        [IpcpEvent::Failed(IpcpFailure::PeerRefusedOurAddress)]
    );
    assert_eq!(ipcp.state(), State::Closing);
}

#[test]
fn peer_rejecting_our_request_for_an_address_leaves_us_without_one() {
    let config = IpcpConfig {
        noipdefault: true,
        ..IpcpConfig::default()
    };
    let (mut ipcp, request, mut rng) = started(config);
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureReject,
        &ADDR_ZERO,
    );
    peer_acks(&mut ipcp, &mut rng, &next[0]);
    let request = packet(Code::ConfigureRequest, 9, &addr(ip(10, 201, 0, 1)));
    ipcp.handle_packet(t0(), &request, &mut rng);
    let sent = drain(&mut ipcp);
    assert_eq!(shown(&sent[0]), "ConfAck id=0x9 <addr 10.201.0.1>");
    assert_eq!(&sent[1][4..], b"Could not determine local IP address");
    assert_eq!(
        events(&mut ipcp),
        [IpcpEvent::Failed(IpcpFailure::NoLocalAddress)]
    );
}

#[test]
fn usepeerdns_asks_takes_the_nak_and_reports_the_servers() {
    let config = IpcpConfig {
        noipdefault: true,
        use_peer_dns: true,
        use_peer_wins: true,
        ..IpcpConfig::default()
    };
    let (mut ipcp, request, mut rng) = started(config);
    assert_eq!(
        request,
        [
            0x01, 0x01, 0x00, 0x22, 0x03, 6, 0, 0, 0, 0, 0x81, 6, 0, 0, 0, 0, 0x83, 6, 0, 0, 0, 0,
            0x82, 6, 0, 0, 0, 0, 0x84, 6, 0, 0, 0, 0
        ]
    );
    assert_eq!(
        shown(&request),
        "ConfReq id=0x1 <addr 0.0.0.0> <ms-dns1 0.0.0.0> <ms-dns2 0.0.0.0> \
         <ms-wins 0.0.0.0> <ms-wins 0.0.0.0>"
    );
    // A server with DNS but no NBNS: it rejects NBNS, Naks the rest.
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureReject,
        &[0x82, 6, 0, 0, 0, 0, 0x84, 6, 0, 0, 0, 0],
    );
    assert_eq!(
        shown(&next[0]),
        "ConfReq id=0x2 <addr 0.0.0.0> <ms-dns1 0.0.0.0> <ms-dns2 0.0.0.0>"
    );
    let nak = [
        0x03, 6, 10, 201, 0, 2, 0x81, 6, 8, 8, 8, 8, 0x83, 6, 1, 1, 1, 1,
    ];
    let next = peer_replies(&mut ipcp, &mut rng, &next[0], Code::ConfigureNak, &nak);
    assert_eq!(next[0][4..], nak);
    peer_acks(&mut ipcp, &mut rng, &next[0]);
    judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 1)));
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    assert_eq!(
        ipcp.negotiated(),
        Some(&IpcpNegotiated {
            local: ip(10, 201, 0, 2),
            peer: Some(ip(10, 201, 0, 1)),
            dns: [Some(ip(8, 8, 8, 8)), Some(ip(1, 1, 1, 1))],
            nbns: [None; 2],
        })
    );
}

#[test]
fn a_dns_hint_we_did_not_ask_for_is_taken_as_pppd_does() {
    let (mut ipcp, request, mut rng) = started(lns_config());
    let next = peer_replies(
        &mut ipcp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &[0x81, 6, 8, 8, 4, 4],
    );
    assert_eq!(
        shown(&next[0]),
        "ConfReq id=0x2 <addr 10.201.0.1> <ms-dns1 8.8.4.4>"
    );
}

#[test]
fn a_peer_that_keeps_nakking_dns_with_nothing_is_treated_as_rejecting() {
    let mut config = lns_config();
    config.fsm.max_failure = 3;
    config.use_peer_dns = true;
    let (mut ipcp, mut request, mut rng) = started(config);
    for _ in 0..2 {
        let nak = [0x81, 6, 0, 0, 0, 0, 0x83, 6, 0, 0, 0, 0];
        request = peer_replies(&mut ipcp, &mut rng, &request, Code::ConfigureNak, &nak).remove(0);
        assert!(shown(&request).contains("<ms-dns1 0.0.0.0>"));
    }
    let nak = [0x81, 6, 0, 0, 0, 0, 0x83, 6, 0, 0, 0, 0];
    let next = peer_replies(&mut ipcp, &mut rng, &request, Code::ConfigureNak, &nak);
    assert_eq!(shown(&next[0]), "ConfReq id=0x4 <addr 10.201.0.1>");
}

#[test]
fn naks_that_do_not_parse_as_ipcp_are_discarded() {
    let (mut ipcp, request, mut rng) = started(lns_config());
    for bad in [
        &[3u8, 5, 10, 0, 0][..],
        &[3, 6, 10, 0, 0, 5, 3, 6, 10, 0, 0, 6],
        &[0x81, 4, 0, 0],
    ] {
        let next = peer_replies(&mut ipcp, &mut rng, &request, Code::ConfigureNak, bad);
        assert!(next.is_empty(), "{bad:?}");
    }
    assert_eq!(ipcp.fsm_counters().rx_bad_naks, 3);
    assert_eq!(ipcp.state(), State::ReqSent);
}

// -------------------------------------------------------- open and reject

#[test]
fn no_allowed_address_refuses_to_open() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut ipcp = Ipcp::new(lns_config());
    ipcp.set_allowed_addresses(AllowedAddresses::None);
    ipcp.lower_up(t0(), &mut rng);
    ipcp.open(t0(), &mut rng);
    assert_eq!(
        events(&mut ipcp),
        [IpcpEvent::Failed(IpcpFailure::NoAllowedAddress)]
    );
    assert!(drain(&mut ipcp).is_empty());
    assert_eq!(ipcp.state(), State::Closed);
    assert_eq!(ipcp.poll_timeout(), None);
    // The peer's requests get the Closed state's Terminate-Ack.
    ipcp.handle_packet(
        t0(),
        &packet(Code::ConfigureRequest, 3, &ADDR_ZERO),
        &mut rng,
    );
    assert_eq!(shown(&drain(&mut ipcp)[0]), "TermAck id=0x3");
}

#[test]
fn protocol_reject_stops_ipcp() {
    let (mut ipcp, _, mut rng) = started(lns_config());
    ipcp.protocol_rejected(t0(), &mut rng);
    assert_eq!(ipcp.state(), State::Stopped);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Finished]);
    assert!(drain(&mut ipcp).is_empty());
    assert_eq!(ipcp.poll_timeout(), None);
}

#[test]
fn down_and_up_again_renegotiates_from_the_configuration() {
    let (mut ipcp, request, mut rng) = started(lns_config());
    judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 2)));
    peer_acks(&mut ipcp, &mut rng, &request);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    ipcp.lower_down(t0(), &mut rng);
    assert_eq!(events(&mut ipcp), [IpcpEvent::Down]);
    assert!(ipcp.negotiated().is_none());
    ipcp.lower_up(t0(), &mut rng);
    assert_eq!(
        shown(&drain(&mut ipcp)[0]),
        "ConfReq id=0x2 <addr 10.201.0.1>"
    );
}

#[test]
fn usepeerwins_takes_the_nbns_servers_the_peer_naks_with() {
    let config = IpcpConfig {
        use_peer_wins: true,
        ..lns_config()
    };
    let (mut ipcp, request, mut rng) = started(config);
    assert_eq!(
        request,
        [
            0x01, 0x01, 0x00, 0x16, 0x03, 6, 10, 201, 0, 1, 0x82, 6, 0, 0, 0, 0, 0x84, 6, 0, 0, 0,
            0
        ]
    );
    let nak = [0x82, 6, 10, 201, 0, 53, 0x84, 6, 10, 201, 0, 54];
    let next = peer_replies(&mut ipcp, &mut rng, &request, Code::ConfigureNak, &nak);
    assert_eq!(
        shown(&next[0]),
        "ConfReq id=0x2 <addr 10.201.0.1> <ms-wins 10.201.0.53> <ms-wins 10.201.0.54>"
    );
    peer_acks(&mut ipcp, &mut rng, &next[0]);
    judge(&mut ipcp, &mut rng, &addr(ip(10, 201, 0, 2)));
    assert_eq!(events(&mut ipcp), [IpcpEvent::Up]);
    let negotiated = ipcp.negotiated().unwrap();
    assert_eq!(
        negotiated.nbns,
        [Some(ip(10, 201, 0, 53)), Some(ip(10, 201, 0, 54))]
    );
    assert_eq!(negotiated.dns, [None; 2]);
}
