//! The packet-level checks that decide which packets become events: stale
//! and mismatched replies, malformed and duplicated options, identifiers,
//! Code-Rejects and unknown codes.

use super::*;

#[test]
fn a_reply_with_a_stale_identifier_is_dropped() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    let id = request[1];
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, id.wrapping_add(1), &request[4..]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    assert_eq!(fsm.counters().rx_stale_replies, 1);
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, id, &request[4..]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::AckRcvd);
    // A second Ack of the same request is not a second event.
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, id, &request[4..]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::AckRcvd);
    assert_eq!(fsm.counters().rx_stale_replies, 2);
}

#[test]
fn an_ack_that_differs_from_our_request_is_dropped() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    let mut altered = request[4..].to_vec();
    altered[3] ^= 1;
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, request[1], &altered),
        &mut rng,
    );
    fsm.handle_packet(t0(), &packet(Code::ConfigureAck, request[1], &[]), &mut rng);
    assert_eq!(fsm.state(), State::ReqSent);
    assert_eq!(fsm.counters().rx_bad_acks, 2);
}

#[test]
fn a_reject_must_be_an_ordered_subset_of_our_request() {
    // Two options in our request: type 1 from the protocol, plus type 3
    // we add by hand to have something to reorder.
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let mut request = Vec::new();
    append_u16(&mut request, 1, 4);
    append_u16(&mut request, 3, 9);
    fsm.request = request.clone();
    let id = fsm.reqid;
    let mut reordered = request[4..].to_vec();
    reordered.extend_from_slice(&request[..4]);
    let mut modified = request[..4].to_vec();
    modified[3] = 5;
    for bad in [reordered.as_slice(), &modified, &[7, 2], &[]] {
        fsm.handle_packet(t0(), &packet(Code::ConfigureReject, id, bad), &mut rng);
    }
    assert_eq!(fsm.counters().rx_bad_rejects, 4);
    assert_eq!(fsm.state(), State::ReqSent);
    assert!(drain(&mut fsm).is_empty());
    // A proper subset, in order: RCN, and a new request without the option.
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureReject, id, &request[..4]),
        &mut rng,
    );
    let sent = drain(&mut fsm);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0][0], 1);
    assert_ne!(sent[0][1], id, "a new request gets a new Identifier");
    assert_eq!(&sent[0][4..], &[] as &[u8]);
}

#[test]
fn a_nak_naming_options_we_never_sent_is_harmless() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    // Types 3 and 200 were never in our request.
    let nak = [3, 4, 0, 1, 200, 3, 9];
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &nak),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    let sent = drain(&mut fsm);
    assert_eq!(sent.len(), 1, "RCN: a new request");
    assert_eq!(&sent[0][4..], &request[4..], "our options are unchanged");
    // A malformed Nak is discarded.
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, sent[0][1], &[1, 1]),
        &mut rng,
    );
    assert_eq!(fsm.counters().rx_bad_naks, 1);
    assert!(drain(&mut fsm).is_empty());
}

#[test]
fn a_duplicated_option_is_judged_once_and_the_repeat_rejected() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let request = [1, 4, 0, 6, 1, 4, 0, 8];
    fsm.handle_packet(t0(), &packet(Code::ConfigureRequest, 9, &request), &mut rng);
    let sent = drain(&mut fsm);
    assert_eq!(sent, [packet(Code::ConfigureReject, 9, &request[4..])]);
    assert_eq!(fsm.counters().rx_duplicate_options, 1);
    assert_eq!(
        fsm.protocol().peer_value,
        Some(6),
        "the first occurrence counts"
    );
}

#[test]
fn a_malformed_request_is_discarded_not_answered() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    for options in [&[1u8, 0][..], &[1, 1], &[1, 4, 0], &[1, 4, 0, 2, 9]] {
        fsm.handle_packet(t0(), &packet(Code::ConfigureRequest, 1, options), &mut rng);
    }
    assert_eq!(fsm.counters().rx_bad_options, 4);
    for bytes in [&[1u8, 1, 0][..], &[1, 1, 0, 3], &[1, 1, 0, 9, 0, 0, 0]] {
        fsm.handle_packet(t0(), bytes, &mut rng);
    }
    assert_eq!(fsm.counters().rx_malformed, 3);
    assert!(drain(&mut fsm).is_empty());
    assert_eq!(fsm.state(), State::ReqSent);
}

#[test]
fn identifiers_wrap_around() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    fsm.id = 254;
    // Peer Naks: new request with id 255, then 0.
    for expected in [255u8, 0, 1] {
        let reqid = fsm.reqid;
        fsm.handle_packet(
            t0(),
            &packet(Code::ConfigureNak, reqid, &[1, 4, 0, 4]),
            &mut rng,
        );
        let sent = drain(&mut fsm);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0][1], expected);
    }
    let reqid = fsm.reqid;
    assert_eq!(reqid, 1);
    let request = fsm.last_request().to_vec();
    fsm.handle_packet(t0(), &packet(Code::ConfigureAck, reqid, &request), &mut rng);
    assert_eq!(fsm.state(), State::AckRcvd);
}

#[test]
fn code_reject_of_a_needed_code_is_fatal_of_another_is_not() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    // RXJ+: the peer rejects an Echo-Request (code 9).
    fsm.handle_packet(
        t0(),
        &packet(Code::CodeReject, 3, &[9, 1, 0, 8, 0, 0, 0, 0]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    assert_eq!(
        events(&mut fsm),
        [FsmEvent::CodeRejected {
            code: 9,
            fatal: false
        }]
    );
    // RXJ-: the peer rejects our Configure-Request itself.
    fsm.handle_packet(t0(), &packet(Code::CodeReject, 4, &request), &mut rng);
    assert_eq!(fsm.state(), State::Stopped);
    assert_eq!(
        events(&mut fsm),
        [
            FsmEvent::CodeRejected {
                code: 1,
                fatal: true
            },
            FsmEvent::Finished
        ]
    );
    // An empty Code-Reject is malformed.
    fsm.handle_packet(t0(), &packet(Code::CodeReject, 5, &[]), &mut rng);
    assert_eq!(fsm.counters().rx_discarded, 1);
}

#[test]
fn unknown_codes_get_a_code_reject_cut_to_the_peer_mru() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    drain(&mut fsm);
    let unknown = packet(Code::Unknown(200), 7, &[0x55; 300]);
    fsm.set_peer_mru(200);
    fsm.handle_packet(t0(), &unknown, &mut rng);
    let sent = drain(&mut fsm);
    assert_eq!(sent.len(), 1);
    let reject = Repr::parse_bytes(&sent[0]).unwrap();
    assert_eq!(reject.code, u8::from(Code::CodeReject));
    assert_eq!(sent[0].len(), 200);
    assert_eq!(reject.data, &unknown[..196]);
    assert_eq!(fsm.counters().rx_unknown_codes, 1);
}
