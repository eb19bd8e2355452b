//! The CHAP authenticator with an outside verifier: the credentials it
//! hands out (checked with the crate's own digests, so they are the right
//! octets), each verdict as the peer sees it, the modes' order, repeats,
//! re-challenges and stale verdicts.

use super::*;
use crate::secrets::AllowedAddresses;
use crate::verify::{Credentials, StaleVerdict, Verdict, Verification, VerifyRequest};

fn external(method: AuthMethod, verification: Verification) -> ChapAuthenticator {
    let mut a = ChapAuthenticator::new(
        method,
        ChapAuthenticatorConfig {
            name: b"lns".to_vec(),
            interval: Some(Duration::from_secs(60)),
            verification,
            ..Default::default()
        },
        secrets("joe lns s3cret 10.0.0.2\n"),
    );
    a.seed_handles(40);
    a
}

/// Challenge → Response; returns the Challenge packet and the request the
/// Response caused.
fn ask(
    a: &mut ChapAuthenticator,
    p: &mut ChapPeer,
    now: Instant,
    rng: &mut StdRng,
) -> (Vec<u8>, VerifyRequest, Vec<u8>) {
    a.start(now, rng);
    let challenge = drain_a(a).pop().expect("a challenge");
    p.handle_packet(now, &challenge, rng);
    let response = drain_p(p).pop().expect("a response");
    a.handle_packet(now, &response, rng);
    assert!(drain_a(a).is_empty(), "no answer before the verdict");
    let Some(AuthEvent::VerifyRequest(request)) = a.poll_event() else {
        panic!("no request");
    };
    (challenge, request, response)
}

fn challenge_value(packet: &[u8]) -> Vec<u8> {
    let Ok(ChapRepr::Challenge { value, .. }) = ChapRepr::parse(packet) else {
        panic!("not a challenge");
    };
    value.to_vec()
}

#[test]
fn md5_request_fields_and_accept() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(1);
    let mut a = external(AuthMethod::ChapMd5, Verification::External);
    let mut p = peer(AuthMethod::ChapMd5, "someone", "their pw");
    let (challenge_packet, r, _) = ask(&mut a, &mut p, now, &mut rng);
    assert_eq!(
        (r.method, r.name.as_slice()),
        (AuthMethod::ChapMd5, &b"someone"[..])
    );
    let Credentials::ChapMd5 {
        identifier,
        challenge,
        response,
    } = &r.credentials
    else {
        panic!("{:?}", r.credentials);
    };
    assert_eq!(*identifier, challenge_packet[1]);
    assert_eq!(*challenge, challenge_value(&challenge_packet));
    let mut md5 = md5::Context::new();
    md5.consume([*identifier]);
    md5.consume(b"their pw");
    md5.consume(challenge);
    assert_eq!(*response, md5.finalize().0, "RFC 1994 section 4.1's digest");
    let text = format!("{r:?}");
    assert!(!text.contains("their pw"));
    a.verdict(
        now,
        r.handle,
        Verdict::Accept {
            message: Some(b"Welcome".to_vec()),
            mschapv2_success: None,
            addresses: AllowedAddresses::any(),
        },
    )
    .unwrap();
    let success = drain_a(&mut a).pop().unwrap();
    assert_eq!(
        ChapRepr::parse(&success).unwrap(),
        ChapRepr::Success {
            identifier: *identifier,
            message: b"Welcome"
        }
    );
    assert!(
        matches!(a.poll_event(), Some(AuthEvent::PeerAuthenticated(who)) if who.name == b"someone")
    );
    p.handle_packet(now, &success, &mut rng);
    assert!(p.is_authenticated());
    assert_eq!(
        a.verdict(now, r.handle, Verdict::accept()),
        Err(StaleVerdict(r.handle))
    );
}

#[test]
fn mschapv2_request_proves_its_fields_and_accept_needs_the_s_string() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(2);
    let password = Secret::from("clientPass");
    let mut a = external(AuthMethod::MsChapV2, Verification::External);
    let mut p = peer(AuthMethod::MsChapV2, "User", "clientPass");
    let (challenge_packet, r, _) = ask(&mut a, &mut p, now, &mut rng);
    let Credentials::MsChapV2 {
        identifier,
        authenticator_challenge,
        peer_challenge,
        nt_response,
        flags,
    } = r.credentials.clone()
    else {
        panic!("{:?}", r.credentials);
    };
    assert_eq!(identifier, challenge_packet[1]);
    assert_eq!(flags, 0);
    assert_eq!(
        authenticator_challenge.to_vec(),
        challenge_value(&challenge_packet)
    );
    let expected = crypto::generate_nt_response(
        &authenticator_challenge,
        &peer_challenge,
        b"User",
        &password,
    );
    assert_eq!(nt_response, expected, "RFC 2759 section 8.1's NT-Response");
    // What a RADIUS server answers in MS-CHAP2-Success.
    let s = crypto::generate_authenticator_response(
        &password,
        &nt_response,
        &peer_challenge,
        &authenticator_challenge,
        b"User",
    );
    let s = crypto::authenticator_response_string(&s);
    a.verdict(
        now,
        r.handle,
        Verdict::Accept {
            message: Some(b"Hello".to_vec()),
            mschapv2_success: Some(s.clone().into_bytes()),
            addresses: AllowedAddresses::any(),
        },
    )
    .unwrap();
    let success = drain_a(&mut a).pop().unwrap();
    let Ok(ChapRepr::Success { message, .. }) = ChapRepr::parse(&success) else {
        panic!("not a success");
    };
    assert_eq!(message, format!("{s} M=Hello").as_bytes());
    p.handle_packet(now, &success, &mut rng);
    assert!(p.is_authenticated(), "the peer checked the S= string");
    assert!(matches!(
        a.poll_event(),
        Some(AuthEvent::PeerAuthenticated(_))
    ));
}

#[test]
fn mschapv2_accept_without_the_s_string_fails() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(3);
    for success in [None, Some(b"S=nothex".to_vec())] {
        let mut a = external(AuthMethod::MsChapV2, Verification::External);
        let mut p = peer(AuthMethod::MsChapV2, "joe", "s3cret");
        let (_, r, _) = ask(&mut a, &mut p, now, &mut rng);
        let verdict = Verdict::Accept {
            message: None,
            mschapv2_success: success,
            addresses: AllowedAddresses::any(),
        };
        a.verdict(now, r.handle, verdict).unwrap();
        let answer = drain_a(&mut a).pop().unwrap();
        assert!(matches!(
            ChapRepr::parse(&answer),
            Ok(ChapRepr::Failure { .. })
        ));
        assert!(matches!(
            a.poll_event(),
            Some(AuthEvent::Failed(f)) if matches!(f.reason, FailureReason::IncompleteVerdict { .. })
        ));
        assert!(a.is_failed());
    }
}

#[test]
fn reject_sends_the_verifiers_text() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(4);
    for method in METHODS {
        let mut a = external(method, Verification::External);
        let mut p = peer(method, "joe", "s3cret");
        let (_, r, _) = ask(&mut a, &mut p, now, &mut rng);
        let text = b"E=691 R=0 V=3 M=Denied by RADIUS".to_vec();
        a.verdict(
            now,
            r.handle,
            Verdict::Reject {
                message: Some(text.clone()),
            },
        )
        .unwrap();
        let answer = drain_a(&mut a).pop().unwrap();
        assert_eq!(
            ChapRepr::parse(&answer).unwrap(),
            ChapRepr::Failure {
                identifier: answer[1],
                message: &text
            },
            "{method}"
        );
        let Some(AuthEvent::Failed(f)) = a.poll_event() else {
            panic!("{method}: not failed");
        };
        assert_eq!(
            f.reason,
            FailureReason::RejectedByVerifier {
                name: b"joe".to_vec()
            }
        );
        assert_eq!((f.role, f.exit_code()), (Role::Authenticator, 11));
        p.handle_packet(now, &answer, &mut rng);
        assert!(p.is_failed(), "{method}");
    }
}

#[test]
fn mschap_v1_request_fields() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(5);
    let mut a = external(AuthMethod::MsChap, Verification::External);
    let mut p = peer(AuthMethod::MsChap, "joe", "s3cret");
    let (challenge_packet, r, _) = ask(&mut a, &mut p, now, &mut rng);
    let Credentials::MsChap {
        challenge,
        nt_response,
        lm_response,
        flags,
        ..
    } = r.credentials
    else {
        panic!();
    };
    assert_eq!(challenge.to_vec(), challenge_value(&challenge_packet));
    assert_eq!(
        nt_response,
        crypto::nt_challenge_response(&challenge, &Secret::from("s3cret"))
    );
    assert_eq!((lm_response, flags), ([0; 24], 1));
}

#[test]
fn unavailable_and_the_order_of_the_modes() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(6);
    for method in METHODS {
        // ExternalThenLocal: no server answered, the secrets decide.
        for (password, good) in [("s3cret", true), ("wrong", false)] {
            let mut a = external(method, Verification::ExternalThenLocal);
            let mut p = peer(method, "joe", password);
            let (_, r, _) = ask(&mut a, &mut p, now, &mut rng);
            a.verdict(now, r.handle, Verdict::Unavailable).unwrap();
            let answer = drain_a(&mut a).pop().unwrap();
            p.handle_packet(now, &answer, &mut rng);
            assert_eq!(p.is_authenticated(), good, "{method} {password}");
            match a.poll_event() {
                Some(AuthEvent::PeerAuthenticated(who)) if good => {
                    assert!(who.addresses.permits("10.0.0.2".parse().unwrap(), None));
                }
                Some(AuthEvent::Failed(f)) if !good => assert_eq!(
                    f.reason,
                    FailureReason::WrongSecret {
                        name: b"joe".to_vec()
                    }
                ),
                other => panic!("{method} {password}: {other:?}"),
            }
        }
        // External alone: unavailable fails, and says so.
        let mut a = external(method, Verification::External);
        let mut p = peer(method, "joe", "s3cret");
        let (_, r, _) = ask(&mut a, &mut p, now, &mut rng);
        a.verdict(now, r.handle, Verdict::Unavailable).unwrap();
        assert!(matches!(
            a.poll_event(),
            Some(AuthEvent::Failed(f)) if f.reason == FailureReason::VerifierUnavailable { name: b"joe".to_vec() }
        ));
        // LocalThenExternal: a name in the secrets is never asked about.
        let mut a = external(method, Verification::LocalThenExternal);
        let mut p = peer(method, "joe", "s3cret");
        let (_, _, verdict) = exchange(&mut a, &mut p, now, &mut rng);
        assert!(matches!(
            ChapRepr::parse(&verdict),
            Ok(ChapRepr::Success { .. })
        ));
        assert!(matches!(
            a.poll_event(),
            Some(AuthEvent::PeerAuthenticated(_))
        ));
        assert_eq!(a.poll_event(), None);
        // ... and any other name is.
        let mut a = external(method, Verification::LocalThenExternal);
        let mut p = peer(method, "ann", "s3cret");
        let (_, r, _) = ask(&mut a, &mut p, now, &mut rng);
        assert_eq!(r.name, b"ann");
    }
}

#[test]
fn while_pending_repeats_are_ignored_and_no_timer_runs() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(7);
    let mut a = external(AuthMethod::MsChapV2, Verification::External);
    let mut p = peer(AuthMethod::MsChapV2, "joe", "s3cret");
    let (_, r, response) = ask(&mut a, &mut p, now, &mut rng);
    let discarded = a.discarded();
    a.handle_packet(now, &response, &mut rng);
    assert_eq!(a.poll_event(), None, "no second request");
    assert!(drain_a(&mut a).is_empty());
    assert_eq!(a.discarded(), discarded + 1);
    assert_eq!(a.poll_timeout(), None);
    a.handle_timeout(now + Duration::from_secs(600), &mut rng);
    assert!(drain_a(&mut a).is_empty(), "no retransmitted Challenge");
    assert_eq!(a.poll_event(), None);
    // A stale handle changes nothing; the right one still works.
    let other = crate::verify::VerifyHandle::from_raw(r.handle.get() ^ 1);
    assert_eq!(
        a.verdict(now, other, Verdict::Unavailable),
        Err(StaleVerdict(other))
    );
    assert_eq!(a.pending_verification(), Some(r.handle));
    assert!(!a.is_failed());
}

#[test]
fn rechallenges_go_to_the_verifier_too() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(8);
    let mut a = external(AuthMethod::ChapMd5, Verification::External);
    let mut p = peer(AuthMethod::ChapMd5, "joe", "s3cret");
    let (_, first, first_response) = ask(&mut a, &mut p, now, &mut rng);
    a.verdict(now, first.handle, Verdict::accept()).unwrap();
    p.handle_packet(now, &drain_a(&mut a).pop().unwrap(), &mut rng);
    assert!(matches!(
        a.poll_event(),
        Some(AuthEvent::PeerAuthenticated(_))
    ));
    let later = now + Duration::from_secs(60);
    assert_eq!(a.poll_timeout(), Some(later));
    a.handle_timeout(later, &mut rng);
    let challenge = drain_a(&mut a).pop().unwrap();
    p.handle_packet(later, &challenge, &mut rng);
    a.handle_packet(later, &drain_p(&mut p).pop().unwrap(), &mut rng);
    let Some(AuthEvent::VerifyRequest(second)) = a.poll_event() else {
        panic!("the re-challenge's Response was not handed out");
    };
    assert_ne!(second.handle, first.handle);
    assert_eq!(second.credentials.identifier(), Some(challenge[1]));
    assert!(a.is_authenticated(), "still, while the re-challenge waits");
    // The first round's Response again: while the re-challenge waits it
    // is not answered with the first round's Success (as while the
    // re-challenge is outstanding).
    a.handle_packet(later, &first_response, &mut rng);
    assert!(drain_a(&mut a).is_empty());
    assert_eq!(a.poll_event(), None);
    // The re-challenge rejected: the link fails.
    a.verdict(later, second.handle, Verdict::Reject { message: None })
        .unwrap();
    assert_eq!(drain_a(&mut a).pop().unwrap(), {
        let mut f = Vec::new();
        ChapRepr::Failure {
            identifier: challenge[1],
            message: b"Access denied",
        }
        .append_to(&mut f);
        f
    });
    assert!(a.is_failed() && !a.is_authenticated());
}
