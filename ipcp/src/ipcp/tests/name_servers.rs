//! DNS and NBNS as the server: what we Nak the peer with, a Windows-style
//! request, and name servers asked for but not configured.

use super::*;

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
