//! IP-Address in the peer's request: what we Ack, Nak and Reject, forbidden
//! addresses, a peer that insists, and options we reject outright.

use super::*;

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
