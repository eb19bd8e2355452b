//! A session pair whose LNS verifies the LAC outside the session (the hook
//! RADIUS uses, issue #18): the request comes out as an event, a verdict
//! goes in, and the link comes up, or fails, as with local secrets.

use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{
    exit, Credentials, SessionEvent, StaleVerdict, TerminationReason, Verdict, Verification,
    VerifyRequest,
};
use rppp_auth::mschap::crypto;
use rppp_auth::{AllowedAddresses, AuthMethod, Secret};

mod session_common;
use session_common::*;

/// The LNS requires `method` and verifies under `mode` with `local` as its
/// secrets; the LAC's password is "s3cret".
fn pair(method: AuthMethod, mode: Verification, local: &str, seed: u64) -> Pair {
    let (mut lns, lac) = with_auth(method, "unused", "s3cret");
    lns.auth.verification = mode;
    lns.auth.chap_secrets = secrets(local);
    lns.auth.pap_secrets = Arc::clone(&lns.auth.chap_secrets);
    run(lns, lac, seed, Faults::default())
}

fn requests(pair: &Pair) -> Vec<VerifyRequest> {
    events(pair, Side::Lns)
        .iter()
        .filter_map(|e| match e {
            SessionEvent::VerifyRequest(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

/// Drives until the LNS asks, and returns the request.
fn wait_for_request(pair: &mut Pair) -> VerifyRequest {
    pair.drive_until(MINUTE, |p| !requests(p).is_empty());
    let mut all = requests(pair);
    assert_eq!(all.len(), 1, "{:#?}", events(pair, Side::Lns));
    all.pop().unwrap()
}

/// What a RADIUS server that knows the LAC's password answers to an
/// MS-CHAPv2 request (RFC 2548 section 2.3.3's MS-CHAP2-Success).
fn radius_mschapv2(request: &VerifyRequest, password: &str) -> Verdict {
    let Credentials::MsChapV2 {
        authenticator_challenge,
        peer_challenge,
        nt_response,
        ..
    } = &request.credentials
    else {
        panic!("{request:?}");
    };
    let password = Secret::from(password);
    let expected = crypto::generate_nt_response(
        authenticator_challenge,
        peer_challenge,
        &request.name,
        &password,
    );
    if expected != *nt_response {
        return Verdict::Reject {
            message: Some(b"E=691 R=0 V=3 M=bad password".to_vec()),
        };
    }
    let s = crypto::generate_authenticator_response(
        &password,
        nt_response,
        peer_challenge,
        authenticator_challenge,
        &request.name,
    );
    Verdict::Accept {
        message: Some(b"Welcome".to_vec()),
        mschapv2_success: Some(crypto::authenticator_response_string(&s).into_bytes()),
        addresses: AllowedAddresses::any(),
    }
}

#[test]
fn an_external_accept_brings_the_link_up() {
    // No local secrets at all: only the verifier knows the LAC.
    let mut pair = pair(AuthMethod::MsChapV2, Verification::External, "", 1);
    let request = wait_for_request(&mut pair);
    assert_eq!(
        (request.method, request.name.as_slice()),
        (AuthMethod::MsChapV2, &b"lac"[..])
    );
    // Waiting: no Success yet, and the LAC is not authenticated.
    assert!(!events(&pair, Side::Lac).contains(&SessionEvent::AuthenticatedToPeer));
    let verdict = radius_mschapv2(&request, "s3cret");
    pair.verdict(Side::Lns, request.handle, verdict).unwrap();
    assert_link_up(&mut pair);
    assert!(
        events(&pair, Side::Lns).contains(&SessionEvent::Authenticated {
            peer_name: "lac".into()
        })
    );
    // The LAC checked the S= string the verifier gave.
    assert!(events(&pair, Side::Lac).contains(&SessionEvent::AuthenticatedToPeer));
    assert_eq!(requests(&pair).len(), 1);
    assert_eq!(
        pair.verdict(Side::Lns, request.handle, Verdict::Unavailable),
        Err(StaleVerdict(request.handle))
    );
}

#[test]
fn an_external_reject_fails_the_peer() {
    for method in [AuthMethod::Pap, AuthMethod::ChapMd5, AuthMethod::MsChapV2] {
        let mut pair = pair(method, Verification::External, "lac lns s3cret *\n", 2);
        let request = wait_for_request(&mut pair);
        pair.verdict(Side::Lns, request.handle, Verdict::Reject { message: None })
            .unwrap();
        pair.drive(5 * MINUTE);
        assert!(pair.both_terminated(), "{method}");
        assert_eq!(
            pair.side(Side::Lns).exit_code(),
            Some(exit::PEER_AUTH_FAILED)
        );
        assert_eq!(
            pair.side(Side::Lac).exit_code(),
            Some(exit::AUTH_TO_PEER_FAILED),
            "{method}"
        );
        assert!(events(&pair, Side::Lns).iter().any(|e| matches!(
            e,
            SessionEvent::Terminated {
                reason: TerminationReason::PeerAuthFailed { reason },
                ..
            } if reason.contains("the verifier rejected \"lac\"")
        )));
    }
}

#[test]
fn unavailable_falls_back_to_the_local_secrets() {
    for method in [AuthMethod::Pap, AuthMethod::ChapMd5, AuthMethod::MsChapV2] {
        let mut pair = pair(
            method,
            Verification::ExternalThenLocal,
            "lac lns s3cret *\n",
            3,
        );
        let request = wait_for_request(&mut pair);
        pair.verdict(Side::Lns, request.handle, Verdict::Unavailable)
            .unwrap();
        assert_link_up(&mut pair);
        assert!(events(&pair, Side::Lac).contains(&SessionEvent::AuthenticatedToPeer));
    }
}

#[test]
fn a_verifier_that_never_answers_times_the_negotiation_out() {
    let mut pair = pair(AuthMethod::ChapMd5, Verification::External, "", 4);
    let request = wait_for_request(&mut pair);
    pair.drive(5 * MINUTE);
    assert_eq!(
        pair.side(Side::Lns).exit_code(),
        Some(exit::NEGOTIATION_FAILED)
    );
    assert_eq!(
        pair.verdict(Side::Lns, request.handle, Verdict::accept()),
        Err(StaleVerdict(request.handle))
    );
}

#[test]
fn local_mode_never_asks() {
    for method in AuthMethod::PREFERENCE {
        let mut pair = pair(method, Verification::Local, "lac lns s3cret *\n", 5);
        assert_link_up(&mut pair);
        assert!(requests(&pair).is_empty());
    }
}

#[test]
fn a_session_timeout_from_the_verifier_ends_the_link_on_time() {
    // RADIUS Session-Timeout with the Access-Accept: pppd's maxconnect,
    // counted from IPCP up.
    let mut pair = pair(AuthMethod::ChapMd5, Verification::External, "", 3);
    let request = wait_for_request(&mut pair);
    pair.set_connect_limit(Side::Lns, Some(Duration::from_secs(90)));
    pair.verdict(Side::Lns, request.handle, Verdict::accept())
        .unwrap();
    assert_link_up(&mut pair);
    let up = pair.now;
    pair.drive_until(Duration::from_secs(300), |p| {
        p.side(Side::Lns).exit_code().is_some()
    });
    assert_eq!(pair.side(Side::Lns).exit_code(), Some(exit::CONNECT_TIME));
    let lasted = pair.now - up;
    assert!(
        lasted >= Duration::from_secs(89) && lasted < Duration::from_secs(95),
        "{lasted:?}"
    );
}

#[test]
fn a_new_session_timeout_on_a_running_link_counts_from_now() {
    // A CoA-Request's Session-Timeout (RFC 5176) on a link that is up.
    let mut pair = pair(AuthMethod::Pap, Verification::External, "", 4);
    let request = wait_for_request(&mut pair);
    pair.verdict(Side::Lns, request.handle, Verdict::accept())
        .unwrap();
    assert_link_up(&mut pair);
    pair.drive(Duration::from_secs(100));
    assert_eq!(pair.side(Side::Lns).exit_code(), None, "no limit yet");
    let set = pair.now;
    pair.set_connect_limit(Side::Lns, Some(Duration::from_secs(30)));
    pair.drive_until(Duration::from_secs(300), |p| {
        p.side(Side::Lns).exit_code().is_some()
    });
    assert_eq!(pair.side(Side::Lns).exit_code(), Some(exit::CONNECT_TIME));
    let lasted = pair.now - set;
    assert!(
        lasted >= Duration::from_secs(30) && lasted < Duration::from_secs(35),
        "{lasted:?}"
    );
}
