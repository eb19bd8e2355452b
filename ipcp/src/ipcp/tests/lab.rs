//! The lab's pppd exchanges, byte for byte, from each side.

use super::*;

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
