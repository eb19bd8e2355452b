//! LCP's options, each in both directions (we judge the peer's request; the
//! peer judges ours), against byte fixtures, and LCP's own packets: echo,
//! Protocol-Reject, RFC 1570, loopback.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::options::tests::WINDOWS_CONFREQ_OPTIONS;
use super::options::LcpOption;
use super::*;
use crate::option::OptionIter;
use crate::packet::Repr;

fn t0() -> Instant {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
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

fn drain(lcp: &mut Lcp) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    loop {
        let mut out = Vec::new();
        if !lcp.poll_transmit(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

fn events(lcp: &mut Lcp) -> Vec<LcpEvent> {
    std::iter::from_fn(|| lcp.poll_event()).collect()
}

/// The options of a packet, in pppd's log spelling.
fn shown(packet: &[u8]) -> String {
    let repr = Repr::parse_bytes(packet).unwrap();
    let options: Vec<String> = OptionIter::new(repr.data)
        .map(|o| LcpOption::parse(o.unwrap()).unwrap().to_string())
        .collect();
    format!(
        "{} {}",
        Code::from(repr.code).pppd_name().unwrap(),
        options.join(" ")
    )
}

/// LCP up to Req-Sent, with its first request.
fn started(config: LcpConfig) -> (Lcp, Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(21);
    let mut lcp = Lcp::new(config);
    lcp.lower_up(t0(), &mut rng);
    lcp.open(t0(), &mut rng);
    let mut sent = drain(&mut lcp);
    assert_eq!(sent.len(), 1);
    assert_eq!(events(&mut lcp), []);
    (lcp, sent.remove(0), rng)
}

/// Answers the peer's request `options` and returns our reply.
fn judge(lcp: &mut Lcp, rng: &mut StdRng, options: &[u8]) -> Vec<u8> {
    lcp.handle_packet(t0(), &packet(Code::ConfigureRequest, 0x42, options), rng);
    let mut sent = drain(lcp);
    assert_eq!(sent.len(), 1, "one reply");
    assert_eq!(
        sent[0][1], 0x42,
        "the reply carries the request's Identifier"
    );
    sent.remove(0)
}

/// Opens LCP: the peer acks our request and sends `peer_options`, which
/// we ack.
fn opened(config: LcpConfig, peer_options: &[u8]) -> (Lcp, StdRng) {
    let (mut lcp, request, mut rng) = started(config);
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, request[1], &request[4..]),
        &mut rng,
    );
    let reply = judge(&mut lcp, &mut rng, peer_options);
    assert_eq!(reply[0], u8::from(Code::ConfigureAck), "{}", shown(&reply));
    assert_eq!(lcp.state(), State::Opened);
    assert_eq!(events(&mut lcp), [LcpEvent::Up]);
    (lcp, rng)
}

const PEER_MAGIC: [u8; 6] = [5, 6, 0xc2, 0xa8, 0x73, 0x75];

// ---------------------------------------------------------------- our request

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

// --------------------------------------------------------- the peer's request

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

// ----------------------------------------------------------- LCP's own codes

#[test]
fn echo_keepalive_reports_the_peer_dead() {
    let config = LcpConfig {
        echo_interval: Some(Duration::from_secs(10)),
        echo_failure: 3,
        ..LcpConfig::default()
    };
    let (mut lcp, mut rng) = opened(config, &PEER_MAGIC);
    let magic = lcp.negotiated().unwrap().magic;
    assert_eq!(lcp.poll_timeout(), Some(t0() + Duration::from_secs(10)));
    let mut now = t0();
    let mut requests = Vec::new();
    for _ in 0..4 {
        now = lcp.poll_timeout().unwrap();
        lcp.handle_timeout(now, &mut rng);
        requests.extend(drain(&mut lcp));
    }
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r[0], 9);
        assert_eq!(&r[4..], &magic.to_be_bytes());
    }
    assert_eq!(events(&mut lcp), [LcpEvent::PeerDead { unanswered: 3 }]);
    assert_eq!(now, t0() + Duration::from_secs(40));
    assert_eq!(lcp.poll_timeout(), None);
}

#[test]
fn echo_replies_keep_the_link_alive_and_are_checked() {
    let config = LcpConfig {
        echo_interval: Some(Duration::from_secs(10)),
        echo_failure: 2,
        ..LcpConfig::default()
    };
    let (mut lcp, mut rng) = opened(config, &PEER_MAGIC);
    let ours = lcp.negotiated().unwrap().magic.to_be_bytes();
    for round in 0..10u64 {
        let now = t0() + Duration::from_secs(10 * (round + 1));
        lcp.handle_timeout(now, &mut rng);
        let request = drain(&mut lcp).remove(0);
        // Our own magic coming back is not an answer; the peer's is.
        lcp.handle_packet(now, &packet(Code::EchoReply, request[1], &ours), &mut rng);
        lcp.handle_packet(
            now,
            &packet(Code::EchoReply, request[1], &PEER_MAGIC[2..]),
            &mut rng,
        );
    }
    assert_eq!(events(&mut lcp), []);
    assert_eq!(lcp.counters().rx_echo_replies, 10);
    assert_eq!(lcp.counters().rx_bad_echo_replies, 10);
}

#[test]
fn echo_request_answered_only_when_opened() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    lcp.handle_packet(
        t0(),
        &packet(Code::EchoRequest, 5, &[0xc2, 0xa8, 0x73, 0x75, b'x']),
        &mut rng,
    );
    assert!(drain(&mut lcp).is_empty(), "not in Req-Sent");
    let (mut lcp, mut rng) = opened(LcpConfig::default(), &PEER_MAGIC);
    let ours = lcp.negotiated().unwrap().magic.to_be_bytes();
    lcp.handle_packet(
        t0(),
        &packet(Code::EchoRequest, 5, &[0xc2, 0xa8, 0x73, 0x75, b'x']),
        &mut rng,
    );
    assert_eq!(
        drain(&mut lcp),
        [packet(
            Code::EchoReply,
            5,
            &[ours[0], ours[1], ours[2], ours[3], b'x']
        )]
    );
    lcp.handle_packet(t0(), &packet(Code::EchoRequest, 6, &[1, 2]), &mut rng);
    assert!(drain(&mut lcp).is_empty(), "too short: discarded");
    lcp.handle_packet(
        t0(),
        &packet(Code::DiscardRequest, 7, &[0xc2, 0xa8, 0x73, 0x75]),
        &mut rng,
    );
    assert!(drain(&mut lcp).is_empty());
}

#[test]
fn a_code_reject_of_echo_stops_the_keepalive() {
    let config = LcpConfig {
        echo_interval: Some(Duration::from_secs(10)),
        echo_failure: 1,
        ..LcpConfig::default()
    };
    let (mut lcp, mut rng) = opened(config, &PEER_MAGIC);
    lcp.handle_timeout(t0() + Duration::from_secs(10), &mut rng);
    let echo = drain(&mut lcp).remove(0);
    lcp.handle_packet(t0(), &packet(Code::CodeReject, 9, &echo), &mut rng);
    assert_eq!(lcp.state(), State::Opened, "RXJ+");
    assert_eq!(
        events(&mut lcp),
        [LcpEvent::CodeRejected {
            code: 9,
            fatal: false
        }]
    );
    assert_eq!(lcp.poll_timeout(), None);
}

#[test]
fn protocol_reject_sent_only_when_opened_and_cut_to_the_peer_mru() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    assert!(!lcp.protocol_reject(0x80fd, &[1, 1, 0, 4]));
    assert!(drain(&mut lcp).is_empty());
    let _ = &mut rng;
    let (mut lcp, _) = opened(
        LcpConfig::default(),
        &[1, 4, 0, 200, 5, 6, 0xc2, 0xa8, 0x73, 0x75],
    );
    assert!(lcp.protocol_reject(0x80fd, &[0xee; 400]));
    let sent = drain(&mut lcp).remove(0);
    assert_eq!(sent.len(), 200);
    assert_eq!(&sent[..2], &[8, 2]);
    assert_eq!(&sent[4..6], &[0x80, 0xfd]);
}

#[test]
fn protocol_reject_received() {
    let (mut lcp, mut rng) = opened(LcpConfig::default(), &PEER_MAGIC);
    lcp.handle_packet(
        t0(),
        &packet(Code::ProtocolReject, 3, &[0x80, 0x57, 1, 1, 0, 4]),
        &mut rng,
    );
    assert_eq!(lcp.state(), State::Opened);
    assert_eq!(
        events(&mut lcp),
        [LcpEvent::ProtocolRejected { protocol: 0x8057 }]
    );
    // Protocol-Reject of LCP itself is catastrophic: tld, irc, str.
    lcp.handle_packet(
        t0(),
        &packet(Code::ProtocolReject, 4, &[0xc0, 0x21, 1, 1, 0, 4]),
        &mut rng,
    );
    assert_eq!(lcp.state(), State::Stopping);
    assert_eq!(events(&mut lcp), [LcpEvent::Down]);
    assert_eq!(drain(&mut lcp)[0][0], 5);
    assert_eq!(lcp.counters().rx_protocol_rejects, 2);
}

#[test]
fn protocol_reject_outside_opened_is_discarded() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    lcp.handle_packet(
        t0(),
        &packet(Code::ProtocolReject, 3, &[0xc0, 0x21]),
        &mut rng,
    );
    lcp.handle_packet(t0(), &packet(Code::ProtocolReject, 3, &[0xc0]), &mut rng);
    assert_eq!(lcp.state(), State::ReqSent);
    assert_eq!(lcp.fsm_counters().rx_discarded, 2);
}

#[test]
fn identification_and_time_remaining_are_reported() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    lcp.handle_packet(
        t0(),
        &packet(Code::Identification, 1, b"\0\0\0\0MSRASV5.20"),
        &mut rng,
    );
    lcp.handle_packet(
        t0(),
        &packet(
            Code::TimeRemaining,
            2,
            &[0, 0, 0, 0, 0, 0, 0x0e, 0x10, b'!'],
        ),
        &mut rng,
    );
    lcp.handle_packet(
        t0(),
        &packet(Code::TimeRemaining, 3, &[0, 0, 0, 0, 0]),
        &mut rng,
    );
    assert!(
        drain(&mut lcp).is_empty(),
        "neither is answered, nor rejected"
    );
    assert_eq!(
        events(&mut lcp),
        [
            LcpEvent::Identification {
                message: b"MSRASV5.20".to_vec()
            },
            LcpEvent::TimeRemaining {
                seconds: 3600,
                message: b"!".to_vec()
            },
        ]
    );
    assert_eq!(lcp.fsm_counters().rx_discarded, 1);
    assert_eq!(lcp.state(), State::ReqSent);
}

#[test]
fn unknown_codes_are_code_rejected() {
    let (mut lcp, _, mut rng) = started(LcpConfig::default());
    let unknown = packet(Code::Unknown(42), 9, b"?");
    lcp.handle_packet(t0(), &unknown, &mut rng);
    let sent = drain(&mut lcp);
    assert_eq!(sent.len(), 1);
    assert_eq!(Repr::parse_bytes(&sent[0]).unwrap().data, &unknown[..]);
}

#[test]
fn a_looped_back_link_is_detected() {
    let (mut lcp, first, mut rng) = started(LcpConfig::default());
    let mut wire = vec![first];
    let mut now = t0();
    let mut rounds = 0;
    while rounds < 200 {
        rounds += 1;
        if wire.is_empty() {
            match lcp.poll_timeout() {
                Some(deadline) => {
                    now = deadline;
                    lcp.handle_timeout(now, &mut rng);
                }
                None => break,
            }
        }
        for p in std::mem::take(&mut wire) {
            lcp.handle_packet(now, &p, &mut rng);
        }
        wire = drain(&mut lcp);
        if lcp.state() == State::Closing {
            break;
        }
    }
    let events = events(&mut lcp);
    assert!(events.contains(&LcpEvent::LoopbackDetected), "{events:?}");
    assert_eq!(lcp.state(), State::Closing);
    assert!(lcp.counters().magic_collisions >= 10);
}
