//! Our request and the peer's reply to it: our address, the name servers
//! we ask for (usepeerdns), and Naks that do not parse.

use super::*;

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
