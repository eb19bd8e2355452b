//! How an exchange ends: each method's success, the failures (wrong secret,
//! unknown or over-long name, wrong authenticator response), the secrets'
//! lookups, and RFC 2759's fixture byte for byte.

use super::*;

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
