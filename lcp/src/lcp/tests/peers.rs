//! The peer's request: what we Ack, Nak and Reject of it.

use super::*;

#[test]
fn we_ack_the_lab_lac_request() {
    // rcvd [LCP ConfReq id=0x1 <mru 1400> <asyncmap 0x0> <magic 0xc2a87375>]
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    let options = [
        1, 4, 5, 0x78, 2, 6, 0, 0, 0, 0, 5, 6, 0xc2, 0xa8, 0x73, 0x75,
    ];
    assert_eq!(
        judge(&mut lcp, &mut rng, &options),
        packet(Code::ConfigureAck, 0x42, &options)
    );
    assert_eq!(lcp.state(), State::AckSent);
}

#[test]
fn peer_mru_below_128_is_naked_with_128() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    assert_eq!(
        judge(&mut lcp, &mut rng, &[1, 4, 0, 100]),
        packet(Code::ConfigureNak, 0x42, &[1, 4, 0, 128])
    );
    assert_eq!(
        judge(&mut lcp, &mut rng, &[1, 4, 0, 128]),
        packet(Code::ConfigureAck, 0x42, &[1, 4, 0, 128])
    );
}

#[test]
fn peer_magic_zero_or_ours_is_naked() {
    let (mut lcp, request, mut rng) = started(LcpConfig::default());
    let reply = judge(&mut lcp, &mut rng, &[5, 6, 0, 0, 0, 0]);
    assert_eq!(&reply[..6], &[3, 0x42, 0, 10, 5, 6]);
    assert_ne!(&reply[6..], &[0, 0, 0, 0]);
    let ours = &request[12..16];
    let mut collision = vec![5, 6];
    collision.extend_from_slice(ours);
    let reply = judge(&mut lcp, &mut rng, &collision);
    assert_eq!(reply[0], 3);
    assert_ne!(&reply[6..], ours);
    assert_eq!(lcp.counters().magic_collisions, 1);
}

#[test]
fn peer_auth_request_acked_naked_or_rejected_by_policy() {
    let chap_md5 = [3, 5, 0xc2, 0x23, 5];
    let pap = [3, 4, 0xc0, 0x23];
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    assert_eq!(judge(&mut lcp, &mut rng, &chap_md5)[0], 2, "allowed: Ack");
    let (mut lcp, _, mut rng) = started(LcpConfig {
        allow: AuthMethods::ALL.without(AuthMethod::Pap),
        ..LcpConfig::default()
    });
    assert_eq!(
        judge(&mut lcp, &mut rng, &pap),
        packet(Code::ConfigureNak, 0x42, &[3, 5, 0xc2, 0x23, 0x81]),
        "refuse-pap: Nak with our most preferred, MS-CHAPv2"
    );
    let (mut lcp, _, mut rng) = started(LcpConfig {
        allow: AuthMethods::NONE,
        ..LcpConfig::default()
    });
    assert_eq!(
        judge(&mut lcp, &mut rng, &pap),
        packet(Code::ConfigureReject, 0x42, &pap)
    );
    let eap = [3, 4, 0xc2, 0x27];
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    assert_eq!(
        judge(&mut lcp, &mut rng, &eap),
        packet(Code::ConfigureNak, 0x42, &[3, 5, 0xc2, 0x23, 0x81]),
        "EAP is not offered: Nak"
    );
}

#[test]
fn pfc_and_acfc_accepted_unless_refused() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    assert_eq!(judge(&mut lcp, &mut rng, &[7, 2, 8, 2])[0], 2);
    let (mut lcp, _, mut rng) = started(LcpConfig {
        accept_pfc: false,
        accept_acfc: false,
        ..LcpConfig::default()
    });
    assert_eq!(
        judge(&mut lcp, &mut rng, &[7, 2, 8, 2]),
        packet(Code::ConfigureReject, 0x42, &[7, 2, 8, 2])
    );
}

#[test]
fn quality_callback_mrru_and_unknown_are_rejected() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    let options = [
        4, 8, 0xc0, 0x25, 0, 0, 0, 10, // Quality-Protocol LQR
        13, 3, 6, // Callback CBCP
        17, 4, 0x06, 0x4e, // MRRU 1614
        0x17, 4, 0x0e, 0x2d, // type 23 (BACP link discriminator)
        1, 3, 5, // MRU with a bad length
    ];
    assert_eq!(
        judge(&mut lcp, &mut rng, &options),
        packet(Code::ConfigureReject, 0x42, &options)
    );
}

#[test]
fn endpoint_discriminator_accepted_up_to_20_octets() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    let mut long = vec![19, 24, 1];
    long.extend_from_slice(&[7; 21]);
    assert_eq!(judge(&mut lcp, &mut rng, &long)[0], 4);
    let short = [19, 9, 3, 0, 0x15, 0x5d, 1, 2, 3];
    assert_eq!(judge(&mut lcp, &mut rng, &short)[0], 2);
}

#[test]
fn windows_request_gets_pppds_answer() {
    // pppd answered it: sent [LCP ConfRej id=0x0 <callback CBCP> <mrru 1614> < 17 04 0e 2d>]
    let (mut lcp, request, mut rng) = started(LcpConfig::default());
    let reply = judge(&mut lcp, &mut rng, &WINDOWS_CONFREQ_OPTIONS);
    assert_eq!(
        shown(&reply),
        "ConfRej <callback CBCP> <mrru 1614> < 17 04 0e 2d>"
    );
    // Windows asks again without them, and the rest is acknowledged,
    // MS-CHAPv2 included.
    let retry: Vec<u8> = [
        &WINDOWS_CONFREQ_OPTIONS[..19],
        &WINDOWS_CONFREQ_OPTIONS[26..49],
    ]
    .concat();
    assert_eq!(judge(&mut lcp, &mut rng, &retry)[0], 2);
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, request[1], &request[4..]),
        &mut rng,
    );
    let n = *lcp.negotiated().unwrap();
    assert_eq!(n.our_auth, Some(AuthMethod::MsChapV2));
    assert_eq!(n.peer_mru, 1400);
    assert_eq!(n.endpoint.unwrap().class, 1);
    assert_eq!(n.endpoint.unwrap().address().len(), 20);
}
