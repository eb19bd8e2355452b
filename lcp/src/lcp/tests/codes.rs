//! LCP's own codes: echo and keepalive, Protocol-Reject, RFC 1570's
//! Identification and Time-Remaining, unknown codes, and loopback.

use super::*;

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
