//! Both roles of CHAP against each other and against fixed bytes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_lcp::AuthMethod;

use super::packet::ChapRepr;
use super::*;
use crate::mschap::{crypto, message};
use crate::outcome::{AuthEvent, FailureReason, Role};
use crate::secret::Secret;
use crate::secrets::Secrets;

const METHODS: [AuthMethod; 3] = [
    AuthMethod::ChapMd5,
    AuthMethod::MsChap,
    AuthMethod::MsChapV2,
];

fn secrets(text: &str) -> Arc<Secrets> {
    Arc::new(Secrets::parse("chap-secrets", text.as_bytes(), &mut |_| Err("no".into())).unwrap())
}

fn authenticator(method: AuthMethod) -> ChapAuthenticator {
    ChapAuthenticator::new(
        method,
        ChapAuthenticatorConfig {
            name: b"lns".to_vec(),
            ..Default::default()
        },
        secrets("\"CORP\\\\joe\" lns s3cret 10.0.0.2\njoe lns s3cret 10.0.0.2\n"),
    )
}

fn peer(method: AuthMethod, user: &str, password: &str) -> ChapPeer {
    ChapPeer::new(
        method,
        PeerCredentials {
            user: user.as_bytes().to_vec(),
            password: Some(Secret::from(password)),
            ..Default::default()
        },
        None,
    )
}

fn drain_a(a: &mut ChapAuthenticator) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let mut p = Vec::new();
        if !a.poll_transmit(&mut p) {
            return out;
        }
        out.push(p);
    }
}

fn drain_p(p: &mut ChapPeer) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let mut b = Vec::new();
        if !p.poll_transmit(&mut b) {
            return out;
        }
        out.push(b);
    }
}

/// Runs challenge → response → verdict and returns the three packets.
fn exchange(
    a: &mut ChapAuthenticator,
    p: &mut ChapPeer,
    now: Instant,
    rng: &mut StdRng,
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    a.start(now, rng);
    let challenge = drain_a(a).pop().expect("a challenge");
    p.handle_packet(now, &challenge, rng);
    let response = drain_p(p).pop().expect("a response");
    a.handle_packet(now, &response, rng);
    let verdict = drain_a(a).pop().expect("a verdict");
    p.handle_packet(now, &verdict, rng);
    (challenge, response, verdict)
}

#[test]
fn each_method_authenticates_against_itself() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(1);
    for method in METHODS {
        for user in ["joe", "CORP\\joe"] {
            let mut a = authenticator(method);
            let mut p = peer(method, user, "s3cret");
            let (challenge, _, verdict) = exchange(&mut a, &mut p, now, &mut rng);
            let ChapRepr::Challenge { value, name, .. } = ChapRepr::parse(&challenge).unwrap()
            else {
                panic!("not a challenge");
            };
            assert_eq!(name, b"lns");
            match method {
                AuthMethod::MsChap => assert_eq!(value.len(), 8),
                AuthMethod::MsChapV2 => assert_eq!(value.len(), 16),
                _ => assert!((16..=24).contains(&value.len())),
            }
            assert!(matches!(
                ChapRepr::parse(&verdict),
                Ok(ChapRepr::Success { .. })
            ));
            let Some(AuthEvent::PeerAuthenticated(who)) = a.poll_event() else {
                panic!("{method}: no PeerAuthenticated");
            };
            assert_eq!(who.name, user.as_bytes());
            assert_eq!(who.method, method);
            assert!(who.addresses.permits("10.0.0.2".parse().unwrap(), None));
            assert_eq!(p.poll_event(), Some(AuthEvent::Authenticated { method }));
            assert!(a.is_authenticated() && p.is_authenticated());
            assert_eq!(a.poll_timeout(), None, "no re-challenge configured");
        }
    }
}

#[test]
fn challenges_are_fresh_per_challenge() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(2);
    let mut seen = Vec::new();
    for _ in 0..4 {
        let mut a = authenticator(AuthMethod::MsChapV2);
        a.start(now, &mut rng);
        let packet = drain_a(&mut a).pop().unwrap();
        let ChapRepr::Challenge { value, .. } = ChapRepr::parse(&packet).unwrap() else {
            panic!()
        };
        assert!(!seen.contains(&value.to_vec()));
        seen.push(value.to_vec());
    }
}

#[test]
fn wrong_secret_fails_both_sides_with_their_exit_codes() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(3);
    for method in METHODS {
        let mut a = authenticator(method);
        let mut p = peer(method, "joe", "wrong");
        let (_, _, verdict) = exchange(&mut a, &mut p, now, &mut rng);
        let Ok(ChapRepr::Failure { message: text, .. }) = ChapRepr::parse(&verdict) else {
            panic!("{method}: no Failure");
        };
        if method != AuthMethod::ChapMd5 {
            let parsed = message::parse_failure(text);
            assert_eq!(parsed.error, Some(691));
            assert_eq!(parsed.retry, Some(false));
            assert!(parsed.challenge.is_some());
        }
        let Some(AuthEvent::Failed(f)) = a.poll_event() else {
            panic!()
        };
        assert_eq!(
            f.reason,
            FailureReason::WrongSecret {
                name: b"joe".to_vec()
            }
        );
        assert_eq!((f.role, f.exit_code()), (Role::Authenticator, 11));
        let Some(AuthEvent::Failed(f)) = p.poll_event() else {
            panic!()
        };
        assert_eq!((f.role, f.exit_code()), (Role::Peer, 19));
        assert!(a.is_failed() && p.is_failed());
    }
}

#[test]
fn unknown_name_fails() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(4);
    let mut a = authenticator(AuthMethod::ChapMd5);
    let mut p = peer(AuthMethod::ChapMd5, "mallory", "s3cret");
    exchange(&mut a, &mut p, now, &mut rng);
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!()
    };
    assert_eq!(
        f.reason,
        FailureReason::UnknownName {
            name: b"mallory".to_vec()
        }
    );
}

#[test]
fn ms_ignore_domain_looks_up_the_bare_name() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(5);
    let mut a = ChapAuthenticator::new(
        AuthMethod::MsChapV2,
        ChapAuthenticatorConfig {
            name: b"lns".to_vec(),
            ms_ignore_domain: true,
            ..Default::default()
        },
        secrets("joe lns s3cret *\n"),
    );
    let mut p = peer(AuthMethod::MsChapV2, "OTHER\\joe", "s3cret");
    exchange(&mut a, &mut p, now, &mut rng);
    assert!(a.is_authenticated());
    assert!(p.is_authenticated());
}

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
fn wrong_authenticator_response_fails_the_peer() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(10);
    for bad in [
        &b"S=0000000000000000000000000000000000000000 M=Access granted"[..],
        b"Access granted",
        b"",
    ] {
        let mut a = authenticator(AuthMethod::MsChapV2);
        let mut p = peer(AuthMethod::MsChapV2, "joe", "s3cret");
        a.start(now, &mut rng);
        let challenge = drain_a(&mut a).pop().unwrap();
        p.handle_packet(now, &challenge, &mut rng);
        let response = drain_p(&mut p).pop().unwrap();
        let mut forged = Vec::new();
        ChapRepr::Success {
            identifier: response[1],
            message: bad,
        }
        .append_to(&mut forged);
        p.handle_packet(now, &forged, &mut rng);
        let Some(AuthEvent::Failed(f)) = p.poll_event() else {
            panic!()
        };
        assert_eq!(f.reason, FailureReason::BadAuthenticatorResponse);
        assert_eq!(f.exit_code(), 19);
    }
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
fn oversized_name_is_a_failure() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(13);
    let mut a = authenticator(AuthMethod::ChapMd5);
    let long = "j".repeat(300);
    let mut p = peer(AuthMethod::ChapMd5, &long, "s3cret");
    exchange(&mut a, &mut p, now, &mut rng);
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!()
    };
    assert!(matches!(f.reason, FailureReason::MalformedResponse { .. }));
}

#[test]
fn peer_finds_its_secret_by_the_authenticators_name() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(14);
    let credentials = PeerCredentials {
        user: b"joe".to_vec(),
        password: None,
        remote_name: None,
        secrets: Some(secrets("joe other nope\njoe lns s3cret\n")),
    };
    let mut a = authenticator(AuthMethod::ChapMd5);
    let mut p = ChapPeer::new(AuthMethod::ChapMd5, credentials.clone(), None);
    exchange(&mut a, &mut p, now, &mut rng);
    assert!(p.is_authenticated());
    // remotename overrides the name in the Challenge.
    let mut a = authenticator(AuthMethod::ChapMd5);
    let mut p = ChapPeer::new(
        AuthMethod::ChapMd5,
        PeerCredentials {
            remote_name: Some(b"other".to_vec()),
            ..credentials
        },
        None,
    );
    exchange(&mut a, &mut p, now, &mut rng);
    assert!(p.is_failed());
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

/// A Windows-style MS-CHAPv2 Response built from the RFC 2759 section 9.2
/// values, checked byte for byte by the authenticator.
#[test]
fn rfc2759_fixture_through_the_authenticator() {
    let auth_challenge: [u8; 16] = [
        0x5B, 0x5D, 0x7C, 0x7D, 0x7B, 0x3F, 0x2F, 0x3E, 0x3C, 0x2C, 0x60, 0x21, 0x32, 0x26, 0x26,
        0x28,
    ];
    let peer_challenge: [u8; 16] = [
        0x21, 0x40, 0x23, 0x24, 0x25, 0x5E, 0x26, 0x2A, 0x28, 0x29, 0x5F, 0x2B, 0x3A, 0x33, 0x7C,
        0x7E,
    ];
    let nt: [u8; 24] = [
        0x82, 0x30, 0x9E, 0xCD, 0x8D, 0x70, 0x8B, 0x5E, 0xA0, 0x8F, 0xAA, 0x39, 0x81, 0xCD, 0x83,
        0x54, 0x42, 0x33, 0x11, 0x4A, 0x3D, 0x85, 0xD6, 0xDF,
    ];
    let mut value = Vec::new();
    value.extend_from_slice(&peer_challenge);
    value.extend_from_slice(&[0; 8]);
    value.extend_from_slice(&nt);
    value.push(0);
    let secret = Secret::from("clientPass");
    assert_eq!(
        digest::check(
            AuthMethod::MsChapV2,
            7,
            &auth_challenge,
            b"User",
            &value,
            &secret
        ),
        digest::Check::Good(Some(crypto::generate_authenticator_response(
            &secret,
            &nt,
            &peer_challenge,
            &auth_challenge,
            b"User"
        )))
    );
    let s = message::success_v2(
        &crypto::generate_authenticator_response(
            &secret,
            &nt,
            &peer_challenge,
            &auth_challenge,
            b"User",
        ),
        "Access granted",
    );
    assert_eq!(
        s,
        b"S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted"
    );
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
