//! The PAP authenticator with an outside verifier: the request it hands
//! out, each verdict, the modes' order, retransmissions and stale verdicts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp_lcp::AuthMethod;

use super::packet::PapRepr;
use super::*;
use crate::chap::PeerCredentials;
use crate::outcome::{AuthEvent, FailureReason};
use crate::secret::Secret;
use crate::secrets::{AllowedAddresses, Secrets};
use crate::verify::{Credentials, StaleVerdict, Verdict, Verification, VerifyRequest};

fn authenticator(verification: Verification) -> PapAuthenticator {
    let secrets = Secrets::parse("pap-secrets", b"lac lns s3cret 10.0.0.9\n", &mut |_| {
        Err("no".into())
    })
    .unwrap();
    let mut a = PapAuthenticator::new(
        PapAuthenticatorConfig {
            name: b"lns".to_vec(),
            verification,
            ..Default::default()
        },
        Arc::new(secrets),
    );
    a.seed_handles(1000);
    a
}

fn request(user: &str, password: &str, identifier: u8) -> Vec<u8> {
    let mut p = PapPeer::new(
        PapPeerConfig::default(),
        &PeerCredentials {
            user: user.as_bytes().to_vec(),
            password: Some(Secret::from(password)),
            ..Default::default()
        },
    );
    p.start(Instant::now(), identifier);
    let mut out = Vec::new();
    assert!(p.poll_transmit(&mut out));
    out
}

fn sent(a: &mut PapAuthenticator) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    let mut out = Vec::new();
    while a.poll_transmit(&mut out) {
        all.push(std::mem::take(&mut out));
    }
    all
}

/// Sends the request and takes the VerifyRequest it must cause.
fn asked(a: &mut PapAuthenticator, now: Instant, user: &str, password: &str) -> VerifyRequest {
    a.start(now);
    a.handle_packet(now, &request(user, password, 5));
    assert!(sent(a).is_empty(), "no answer before the verdict");
    match a.poll_event() {
        Some(AuthEvent::VerifyRequest(r)) => r,
        other => panic!("not a request: {other:?}"),
    }
}

#[test]
fn the_request_carries_the_name_and_password() {
    let now = Instant::now();
    let mut a = authenticator(Verification::External);
    let r = asked(&mut a, now, "joe", "pw of joe");
    assert_eq!(r.method, AuthMethod::Pap);
    assert_eq!(r.name, b"joe");
    assert_eq!(r.our_name, b"lns");
    assert_eq!(a.pending_verification(), Some(r.handle));
    let Credentials::Pap { password } = &r.credentials else {
        panic!("{:?}", r.credentials);
    };
    assert_eq!(password.expose(), b"pw of joe");
    assert!(!format!("{r:?}").contains("pw of joe"));
    // No pap-timeout while the verdict is pending.
    assert_eq!(a.poll_timeout(), None);
    a.handle_timeout(now + Duration::from_secs(3600));
    assert_eq!(a.poll_event(), None);
    assert!(!a.is_failed() && !a.is_authenticated());
}

#[test]
fn accept_acks_with_the_message_and_the_addresses() {
    let now = Instant::now();
    let mut a = authenticator(Verification::External);
    let r = asked(&mut a, now, "joe", "pw");
    // A retransmission (new Identifier) while pending: no second request.
    a.handle_packet(now, &request("joe", "pw", 6));
    assert_eq!(a.poll_event(), None);
    assert!(sent(&mut a).is_empty());
    let addresses = AllowedAddresses::from_rules(vec![]);
    a.verdict(
        now,
        r.handle,
        Verdict::Accept {
            message: Some(b"Welcome".to_vec()),
            mschapv2_success: None,
            addresses: addresses.clone(),
        },
    )
    .unwrap();
    let ack = sent(&mut a).pop().unwrap();
    assert_eq!(
        PapRepr::parse(&ack).unwrap(),
        PapRepr::Ack {
            identifier: 6,
            message: b"Welcome"
        }
    );
    let Some(AuthEvent::PeerAuthenticated(who)) = a.poll_event() else {
        panic!("not authenticated");
    };
    assert_eq!(
        (who.name.as_slice(), who.addresses),
        (&b"joe"[..], addresses)
    );
    assert!(a.is_authenticated());
    // Answered: the same handle again is stale, and a later request gets
    // the same Ack.
    assert_eq!(
        a.verdict(now, r.handle, Verdict::accept()),
        Err(StaleVerdict(r.handle))
    );
    a.handle_packet(now, &request("joe", "pw", 7));
    assert_eq!(PapRepr::parse(&sent(&mut a)[0]).unwrap().identifier(), 7);
}

#[test]
fn reject_naks_with_the_message_and_fails() {
    let now = Instant::now();
    let mut a = authenticator(Verification::External);
    let r = asked(&mut a, now, "lac", "s3cret");
    a.verdict(
        now,
        r.handle,
        Verdict::Reject {
            message: Some(b"Go away".to_vec()),
        },
    )
    .unwrap();
    assert_eq!(
        PapRepr::parse(&sent(&mut a)[0]).unwrap(),
        PapRepr::Nak {
            identifier: 5,
            message: b"Go away"
        }
    );
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!("not failed");
    };
    assert_eq!(
        f.reason,
        FailureReason::RejectedByVerifier {
            name: b"lac".to_vec()
        }
    );
    assert!(a.is_failed());
}

#[test]
fn unavailable_falls_back_only_under_external_then_local() {
    let now = Instant::now();
    for (mode, password, outcome) in [
        (Verification::ExternalThenLocal, "s3cret", None),
        (
            Verification::ExternalThenLocal,
            "wrong",
            Some(FailureReason::WrongSecret {
                name: b"lac".to_vec(),
            }),
        ),
        (
            Verification::External,
            "s3cret",
            Some(FailureReason::VerifierUnavailable {
                name: b"lac".to_vec(),
            }),
        ),
    ] {
        let mut a = authenticator(mode);
        let r = asked(&mut a, now, "lac", password);
        a.verdict(now, r.handle, Verdict::Unavailable).unwrap();
        let answer = sent(&mut a).pop().unwrap();
        match (a.poll_event(), outcome) {
            (Some(AuthEvent::PeerAuthenticated(who)), None) => {
                // The local line's addresses.
                assert!(who.addresses.permits("10.0.0.9".parse().unwrap(), None));
                assert!(matches!(PapRepr::parse(&answer), Ok(PapRepr::Ack { .. })));
            }
            (Some(AuthEvent::Failed(f)), Some(reason)) => {
                assert_eq!(f.reason, reason, "{mode:?}");
                assert!(matches!(PapRepr::parse(&answer), Ok(PapRepr::Nak { .. })));
            }
            (event, _) => panic!("{mode:?} {password}: {event:?}"),
        }
    }
}

#[test]
fn local_then_external_asks_only_for_unknown_names() {
    let now = Instant::now();
    let mut a = authenticator(Verification::LocalThenExternal);
    a.start(now);
    // Known locally, wrong password: the local verdict is final.
    a.handle_packet(now, &request("lac", "wrong", 1));
    assert!(matches!(
        a.poll_event(),
        Some(AuthEvent::Failed(f)) if f.reason == FailureReason::WrongSecret { name: b"lac".to_vec() }
    ));
    let mut a = authenticator(Verification::LocalThenExternal);
    let r = asked(&mut a, now, "stranger", "pw");
    assert_eq!(r.name, b"stranger");
}

#[test]
fn a_stale_handle_changes_nothing() {
    let now = Instant::now();
    let mut a = authenticator(Verification::External);
    let r = asked(&mut a, now, "joe", "pw");
    let other = crate::verify::VerifyHandle::from_raw(r.handle.get() + 1);
    assert_eq!(
        a.verdict(now, other, Verdict::accept()),
        Err(StaleVerdict(other))
    );
    assert!(sent(&mut a).is_empty());
    assert_eq!(a.poll_event(), None);
    assert_eq!(a.pending_verification(), Some(r.handle));
    // Local mode never asks, and has nothing pending.
    let mut local = authenticator(Verification::Local);
    local.handle_packet(now, &request("lac", "s3cret", 1));
    assert!(matches!(
        local.poll_event(),
        Some(AuthEvent::PeerAuthenticated(_))
    ));
    assert_eq!(
        local.verdict(now, r.handle, Verdict::accept()),
        Err(StaleVerdict(r.handle))
    );
}
