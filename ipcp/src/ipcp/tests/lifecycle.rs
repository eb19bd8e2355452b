//! Opening and closing: no allowed address, Protocol-Reject, Down and Up
//! again, and the NBNS servers taken at This-Layer-Up.

use super::*;

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
