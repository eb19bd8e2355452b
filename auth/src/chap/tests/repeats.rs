//! What is sent again and what is dropped: fresh challenges, duplicate and
//! stale packets, retransmissions and their limits, re-challenges, and
//! the timers.

use super::*;

#[test]
fn duplicate_response_gets_the_same_answer_and_stale_ones_nothing() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(6);
    for method in METHODS {
        for password in ["s3cret", "wrong"] {
            let mut a = authenticator(method);
            let mut p = peer(method, "joe", password);
            let (_, response, verdict) = exchange(&mut a, &mut p, now, &mut rng);
            a.handle_packet(now, &response, &mut rng);
            assert_eq!(
                drain_a(&mut a),
                std::slice::from_ref(&verdict),
                "{method} {password}"
            );
            // A Response with another Identifier is stale.
            let mut stale = response.clone();
            stale[1] = stale[1].wrapping_add(1);
            a.handle_packet(now, &stale, &mut rng);
            assert!(drain_a(&mut a).is_empty());
            assert_eq!(a.discarded(), 1);
            // Events were given once.
            assert!(a.poll_event().is_some());
            assert!(a.poll_event().is_none());
        }
    }
}

#[test]
fn retransmitted_challenge_gets_the_same_response() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(7);
    for method in METHODS {
        let mut a = authenticator(method);
        let mut p = peer(method, "joe", "s3cret");
        a.start(now, &mut rng);
        let challenge = drain_a(&mut a).pop().unwrap();
        p.handle_packet(now, &challenge, &mut rng);
        let first = drain_p(&mut p);
        // The Response is lost; the authenticator resends the Challenge.
        let later = now + Duration::from_secs(3);
        assert_eq!(a.poll_timeout(), Some(later));
        a.handle_timeout(later, &mut rng);
        let again = drain_a(&mut a).pop().unwrap();
        assert_eq!(again, challenge);
        p.handle_packet(later, &again, &mut rng);
        let second = drain_p(&mut p);
        assert_eq!(first, second, "{method}");
        a.handle_packet(later, &second[0], &mut rng);
        let verdict = drain_a(&mut a).pop().unwrap();
        p.handle_packet(later, &verdict, &mut rng);
        assert!(p.is_authenticated(), "{method}");
    }
}

#[test]
fn unanswered_challenges_give_up_after_chap_max_challenge() {
    let mut now = Instant::now();
    let mut rng = StdRng::seed_from_u64(8);
    let mut a = authenticator(AuthMethod::ChapMd5);
    a.start(now, &mut rng);
    let mut sent = drain_a(&mut a).len();
    // Early timeouts do nothing.
    a.handle_timeout(now, &mut rng);
    assert!(drain_a(&mut a).is_empty());
    while let Some(deadline) = a.poll_timeout() {
        now = deadline;
        a.handle_timeout(now, &mut rng);
        sent += drain_a(&mut a).len();
    }
    assert_eq!(sent, 10);
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!()
    };
    assert_eq!(f.reason, FailureReason::NoResponse { transmissions: 10 });
    assert_eq!(f.exit_code(), 11);
}

#[test]
fn rechallenge_after_chap_interval() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(9);
    let mut a = ChapAuthenticator::new(
        AuthMethod::ChapMd5,
        ChapAuthenticatorConfig {
            name: b"lns".to_vec(),
            interval: Some(Duration::from_secs(60)),
            ..Default::default()
        },
        secrets("joe lns s3cret\n"),
    );
    let mut p = peer(AuthMethod::ChapMd5, "joe", "s3cret");
    let (first, _, _) = exchange(&mut a, &mut p, now, &mut rng);
    let later = now + Duration::from_secs(60);
    assert_eq!(a.poll_timeout(), Some(later));
    a.handle_timeout(later, &mut rng);
    let second = drain_a(&mut a).pop().unwrap();
    assert_ne!(first[1], second[1], "a new Identifier");
    assert_ne!(first[5..], second[5..], "a new value");
    p.handle_packet(later, &second, &mut rng);
    let response = drain_p(&mut p).pop().unwrap();
    a.handle_packet(later, &response, &mut rng);
    let verdict = drain_a(&mut a).pop().unwrap();
    assert!(matches!(
        ChapRepr::parse(&verdict),
        Ok(ChapRepr::Success { .. })
    ));
    // Only the first success is an event.
    assert!(matches!(
        a.poll_event(),
        Some(AuthEvent::PeerAuthenticated(_))
    ));
    assert!(a.poll_event().is_none());
    p.handle_packet(later, &verdict, &mut rng);
    assert!(matches!(
        p.poll_event(),
        Some(AuthEvent::Authenticated { .. })
    ));
    assert!(p.poll_event().is_none());
}

#[test]
fn stale_success_and_unexpected_codes_are_discarded_by_the_peer() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(11);
    let mut p = peer(AuthMethod::ChapMd5, "joe", "s3cret");
    // A Success before any Challenge, a Response (the authenticator's code),
    // an unknown code and a truncated Challenge.
    let mut success = Vec::new();
    ChapRepr::Success {
        identifier: 1,
        message: b"",
    }
    .append_to(&mut success);
    for junk in [
        success.clone(),
        vec![2, 1, 0, 6, 1, 0],
        vec![9, 1, 0, 4],
        vec![1, 1, 0, 8, 9, 1, 2, 3],
    ] {
        p.handle_packet(now, &junk, &mut rng);
    }
    assert_eq!(p.discarded(), 4);
    assert!(p.poll_event().is_none());
    assert!(drain_p(&mut p).is_empty());
    // An MS-CHAPv2 Challenge must be 16 octets.
    let mut p = peer(AuthMethod::MsChapV2, "joe", "s3cret");
    let mut short = Vec::new();
    ChapRepr::Challenge {
        identifier: 1,
        value: &[0; 8],
        name: b"lns",
    }
    .append_to(&mut short);
    p.handle_packet(now, &short, &mut rng);
    assert!(drain_p(&mut p).is_empty());
}

#[test]
fn unexpected_codes_and_malformed_responses_at_the_authenticator() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(12);
    let mut a = authenticator(AuthMethod::ChapMd5);
    a.start(now, &mut rng);
    let challenge = drain_a(&mut a).pop().unwrap();
    let id = challenge[1];
    // Its own Challenge echoed back, a Success, a truncated Response.
    a.handle_packet(now, &challenge, &mut rng);
    a.handle_packet(now, &[3, id, 0, 4], &mut rng);
    a.handle_packet(now, &[2, id, 0, 9, 16, 1, 2, 3, 4], &mut rng);
    assert_eq!(a.discarded(), 3);
    assert!(drain_a(&mut a).is_empty());
    // An oversized value is a Failure.
    let mut response = Vec::new();
    ChapRepr::Response {
        identifier: id,
        value: &[0; 17],
        name: b"joe",
    }
    .append_to(&mut response);
    a.handle_packet(now, &response, &mut rng);
    assert!(matches!(
        ChapRepr::parse(&drain_a(&mut a)[0]),
        Ok(ChapRepr::Failure { .. })
    ));
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!()
    };
    assert!(matches!(f.reason, FailureReason::MalformedResponse { .. }));
}

#[test]
fn peer_wait_bounds_the_time_to_the_first_challenge() {
    let now = Instant::now();
    let mut p = ChapPeer::new(
        AuthMethod::ChapMd5,
        PeerCredentials::default(),
        Some(Duration::from_secs(20)),
    );
    p.start(now);
    assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(20)));
    p.handle_timeout(now + Duration::from_secs(20));
    let Some(AuthEvent::Failed(f)) = p.poll_event() else {
        panic!()
    };
    assert_eq!((f.exit_code(), f.reason), (19, FailureReason::NoRequest));
}

/// RFC 1994 section 4.3: a lost Success. The peer resends its Response
/// every `chap-restart`; the authenticator, already done, answers the
/// repeat with the same Success, and the peer is in.
#[test]
fn a_lost_success_is_recovered_by_the_repeated_response() {
    for method in METHODS {
        let t0 = Instant::now();
        let mut rng = StdRng::seed_from_u64(7);
        let mut a = authenticator(method);
        let mut p = peer(method, "joe", "s3cret").with_retransmit(Duration::from_secs(2), 3);
        a.start(t0, &mut rng);
        p.start(t0);
        let challenge = drain_a(&mut a).remove(0);
        p.handle_packet(t0, &challenge, &mut rng);
        let mut response = Vec::new();
        assert!(p.poll_transmit(&mut response));
        a.handle_packet(t0, &response, &mut rng);
        let success = drain_a(&mut a).remove(0);
        // The Success is lost. The peer resends its Response at the deadline.
        let t1 = t0 + Duration::from_secs(2);
        assert_eq!(p.poll_timeout(), Some(t1), "{method:?}");
        p.handle_timeout(t1);
        let mut again = Vec::new();
        assert!(p.poll_transmit(&mut again));
        assert_eq!(again, response, "{method:?}: the same Response again");
        a.handle_packet(t1, &again, &mut rng);
        assert_eq!(
            drain_a(&mut a),
            vec![success.clone()],
            "{method:?}: the same Success"
        );
        p.handle_packet(t1, &success, &mut rng);
        assert!(p.is_authenticated(), "{method:?}");
        assert_eq!(p.poll_timeout(), None);
    }
}

/// A Response that is never answered is sent `max_responses` times, then
/// the exchange fails (exit 19: we failed to authenticate to the peer).
#[test]
fn an_unanswered_response_is_sent_max_times_then_fails() {
    let t0 = Instant::now();
    let mut rng = StdRng::seed_from_u64(8);
    let mut p = peer(AuthMethod::ChapMd5, "joe", "pw").with_retransmit(Duration::from_secs(1), 3);
    let mut challenge = Vec::new();
    ChapRepr::Challenge {
        identifier: 9,
        value: &[1; 16],
        name: b"lns",
    }
    .append_to(&mut challenge);
    p.handle_packet(t0, &challenge, &mut rng);
    let mut sent = 0;
    let mut now = t0;
    let mut buf = Vec::new();
    loop {
        while p.poll_transmit(&mut buf) {
            sent += 1;
        }
        let Some(deadline) = p.poll_timeout() else {
            break;
        };
        now = deadline;
        p.handle_timeout(now);
    }
    assert_eq!(sent, 3);
    assert_eq!(now, t0 + Duration::from_secs(3));
    let Some(AuthEvent::Failed(f)) = p.poll_event() else {
        panic!("no failure")
    };
    assert_eq!(f.reason, FailureReason::NoResponse { transmissions: 3 });
    assert_eq!(f.exit_code(), 19);
}
