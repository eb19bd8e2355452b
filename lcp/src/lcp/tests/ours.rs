//! Our request: what we ask for, and how we take the peer's Ack, Nak and
//! Reject of it.

use super::*;

#[test]
fn our_request_has_pppds_defaults() {
    let (_, request, _) = started(LcpConfig::default());
    let text = shown(&request);
    assert!(
        text.starts_with("ConfReq <asyncmap 0x0> <magic 0x"),
        "{text}"
    );
    assert_eq!(request.len(), 4 + 6 + 6, "no MRU when it is 1500");
}

#[test]
fn our_request_as_the_lab_lns_sends_it() {
    // sent [LCP ConfReq id=0x1 <mru 1400> <asyncmap 0x0> <auth chap MD5> <magic 0x...>]
    let config = LcpConfig {
        mru: 1400,
        require: AuthMethods::NONE.with(AuthMethod::ChapMd5),
        ..LcpConfig::default()
    };
    let (_, request, _) = started(config);
    assert_eq!(&request[..4], &[1, 1, 0, 25]);
    assert_eq!(
        &request[4..19],
        &[1, 4, 5, 0x78, 2, 6, 0, 0, 0, 0, 3, 5, 0xc2, 0x23, 5]
    );
    assert_eq!(&request[19..21], &[5, 6]);
    assert_ne!(
        &request[21..],
        &[0, 0, 0, 0],
        "the magic number is not zero"
    );
}

#[test]
fn peer_acks_our_request() {
    let config = LcpConfig {
        mru: 1400,
        mtu: 1400,
        ..LcpConfig::default()
    };
    let (lcp, _) = opened(
        config,
        &[
            1, 4, 0x05, 0xdc, 2, 6, 0, 0, 0, 0, 5, 6, 0xc2, 0xa8, 0x73, 0x75, 7, 2, 8, 2,
        ],
    );
    let n = *lcp.negotiated().unwrap();
    assert_eq!(n.mru, 1400);
    assert_eq!(n.peer_mru, 1500);
    assert_eq!(n.mtu, 1400, "min(peer MRU, mtu)");
    assert_eq!((n.send_accm, n.recv_accm), (0, 0));
    assert_eq!(n.peer_magic, 0xc2a8_7375);
    assert_ne!(n.magic, 0);
    assert!(n.pfc && n.acfc);
    assert_eq!(
        (n.peer_auth, n.our_auth, n.auth_refused),
        (None, None, false)
    );
}

#[test]
fn peer_naks_our_mru() {
    let config = LcpConfig {
        mru: 1400,
        ..LcpConfig::default()
    };
    let (mut lcp, request, mut rng) = started(config);
    // A smaller MRU is taken.
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &[1, 4, 0x04, 0xb0]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert!(
        shown(&next).starts_with("ConfReq <mru 1200> <asyncmap 0x0>"),
        "{}",
        shown(&next)
    );
    // One above both ours and 1500 is not.
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, next[1], &[1, 4, 0x23, 0x28]),
        &mut rng,
    );
    let again = drain(&mut lcp).remove(0);
    assert_eq!(&again[4..8], &[1, 4, 0x04, 0xb0]);
}

#[test]
fn peer_rejects_our_mru_accm_and_magic() {
    let config = LcpConfig {
        mru: 1400,
        ..LcpConfig::default()
    };
    let (mut lcp, request, mut rng) = started(config);
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureReject, request[1], &request[4..]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert_eq!(next, packet(Code::ConfigureRequest, request[1] + 1, &[]));
    lcp.handle_packet(t0(), &packet(Code::ConfigureAck, next[1], &[]), &mut rng);
    judge(&mut lcp, &mut rng, &PEER_MAGIC);
    let n = *lcp.negotiated().unwrap();
    assert_eq!(n.mru, 1500);
    assert_eq!(n.recv_accm, u32::MAX, "a rejected ACCM leaves the default");
    assert_eq!(n.send_accm, u32::MAX, "the peer asked for none");
    assert_eq!(n.magic, 0);
}

#[test]
fn peer_naks_our_accm() {
    let (mut lcp, request, mut rng) = started(LcpConfig::default());
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &[2, 6, 0, 0x0a, 0, 0]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert!(
        shown(&next).starts_with("ConfReq <asyncmap 0xa0000>"),
        "{}",
        shown(&next)
    );
}

#[test]
fn peer_naks_our_magic_and_we_pick_another() {
    let (mut lcp, request, mut rng) = started(LcpConfig::default());
    let ours = &request[12..16];
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &[5, 6, 1, 2, 3, 4]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert_ne!(&next[12..16], ours);
    assert_ne!(&next[12..16], &[1, 2, 3, 4]);
    assert_ne!(&next[12..16], &[0, 0, 0, 0]);
    assert_eq!(lcp.counters().magic_collisions, 1);
}

#[test]
fn peer_naks_our_auth_and_we_walk_pppds_order() {
    let config = LcpConfig {
        require: [AuthMethod::MsChapV2, AuthMethod::ChapMd5, AuthMethod::Pap]
            .into_iter()
            .collect(),
        ..LcpConfig::default()
    };
    let (mut lcp, request, mut rng) = started(config);
    assert!(shown(&request).contains("<auth chap MS-v2>"));
    // The peer suggests EAP, which we do not do: the next in our order.
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &[3, 4, 0xc2, 0x27]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert!(shown(&next).contains("<auth chap MD5>"), "{}", shown(&next));
    // It suggests PAP, which we accept: taken.
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, next[1], &[3, 4, 0xc0, 0x23]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert!(shown(&next).contains("<auth pap>"), "{}", shown(&next));
    // It Naks PAP too, suggesting MS-CHAPv2 again, which we gave up: none left.
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, next[1], &[3, 5, 0xc2, 0x23, 0x81]),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert!(!shown(&next).contains("<auth"), "{}", shown(&next));
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, next[1], &next[4..]),
        &mut rng,
    );
    judge(&mut lcp, &mut rng, &PEER_MAGIC);
    let n = lcp.negotiated().unwrap();
    assert_eq!(n.peer_auth, None);
    assert!(
        n.auth_refused,
        "we required authentication and the peer refused all"
    );
}

#[test]
fn a_nak_suggesting_our_own_auth_back_is_discarded() {
    let config = LcpConfig {
        require: AuthMethods::NONE.with(AuthMethod::ChapMd5),
        ..LcpConfig::default()
    };
    let (mut lcp, request, mut rng) = started(config);
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &[3, 5, 0xc2, 0x23, 5]),
        &mut rng,
    );
    assert!(drain(&mut lcp).is_empty());
    assert_eq!(lcp.fsm_counters().rx_bad_naks, 1);
}

#[test]
fn peer_rejects_our_auth() {
    let config = LcpConfig {
        require: AuthMethods::NONE.with(AuthMethod::Pap),
        ..LcpConfig::default()
    };
    let (mut lcp, request, mut rng) = started(config);
    let auth = [3, 4, 0xc0, 0x23];
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureReject, request[1], &auth),
        &mut rng,
    );
    let next = drain(&mut lcp).remove(0);
    assert!(!shown(&next).contains("<auth"));
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, next[1], &next[4..]),
        &mut rng,
    );
    judge(&mut lcp, &mut rng, &PEER_MAGIC);
    assert!(lcp.negotiated().unwrap().auth_refused);
}
