//! Both roles of PAP against each other and against fixed bytes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::packet::PapRepr;
use super::*;
use crate::chap::PeerCredentials;
use crate::outcome::{AuthEvent, FailureReason, Role};
use crate::secret::Secret;
use crate::secrets::Secrets;

fn authenticator() -> PapAuthenticator {
    let secrets = Secrets::parse("pap-secrets", b"lac lns s3cret 10.0.0.9\n", &mut |_| {
        Err("no".into())
    })
    .unwrap();
    PapAuthenticator::new(
        PapAuthenticatorConfig {
            name: b"lns".to_vec(),
            ..Default::default()
        },
        Arc::new(secrets),
    )
}

fn peer(user: &str, password: &str) -> PapPeer {
    PapPeer::new(
        PapPeerConfig::default(),
        &PeerCredentials {
            user: user.as_bytes().to_vec(),
            password: Some(Secret::from(password)),
            ..Default::default()
        },
    )
}

fn one(f: impl FnOnce(&mut Vec<u8>) -> bool) -> Vec<u8> {
    let mut out = Vec::new();
    assert!(f(&mut out), "nothing to send");
    out
}

#[test]
fn peer_sends_the_fixture_request_and_accepts_the_ack() {
    let now = Instant::now();
    let mut p = peer("lac", "s3cret");
    p.start(now, 1);
    let request = one(|o| p.poll_transmit(o));
    assert_eq!(
        request,
        [1, 1, 0, 15, 3, b'l', b'a', b'c', 6, b's', b'3', b'c', b'r', b'e', b't']
    );
    p.handle_packet(
        now,
        &[
            2, 1, 0, 13, 8, b'L', b'o', b'g', b'i', b'n', b' ', b'o', b'k',
        ],
    );
    assert_eq!(
        p.poll_event(),
        Some(AuthEvent::Authenticated {
            method: rppp_lcp::AuthMethod::Pap
        })
    );
    assert!(p.is_authenticated());
    assert_eq!(p.poll_timeout(), None);
}

#[test]
fn both_roles_together() {
    let now = Instant::now();
    let mut a = authenticator();
    let mut p = peer("lac", "s3cret");
    a.start(now);
    p.start(now, 77);
    a.handle_packet(now, &one(|o| p.poll_transmit(o)));
    let ack = one(|o| a.poll_transmit(o));
    assert_eq!(
        PapRepr::parse(&ack).unwrap(),
        PapRepr::Ack {
            identifier: 77,
            message: b"Login ok"
        }
    );
    p.handle_packet(now, &ack);
    assert!(a.is_authenticated() && p.is_authenticated());
    let Some(AuthEvent::PeerAuthenticated(who)) = a.poll_event() else {
        panic!()
    };
    assert_eq!(who.name, b"lac");
    assert!(who.addresses.permits("10.0.0.9".parse().unwrap(), None));
    assert!(!who.addresses.permits("10.0.0.8".parse().unwrap(), None));
}

#[test]
fn wrong_password_and_wrong_name_get_a_nak() {
    let now = Instant::now();
    for (user, password, reason) in [
        (
            "lac",
            "s3creT",
            FailureReason::WrongSecret {
                name: b"lac".to_vec(),
            },
        ),
        (
            "lax",
            "s3cret",
            FailureReason::UnknownName {
                name: b"lax".to_vec(),
            },
        ),
    ] {
        let mut a = authenticator();
        let mut p = peer(user, password);
        p.start(now, 1);
        a.handle_packet(now, &one(|o| p.poll_transmit(o)));
        let nak = one(|o| a.poll_transmit(o));
        assert!(matches!(PapRepr::parse(&nak), Ok(PapRepr::Nak { .. })));
        let Some(AuthEvent::Failed(f)) = a.poll_event() else {
            panic!()
        };
        assert_eq!((f.exit_code(), f.role), (11, Role::Authenticator));
        assert_eq!(f.reason, reason);
        p.handle_packet(now, &nak);
        let Some(AuthEvent::Failed(f)) = p.poll_event() else {
            panic!()
        };
        assert_eq!(f.exit_code(), 19);
        assert_eq!(
            f.reason,
            FailureReason::Rejected {
                error_code: None,
                message: "Login incorrect".into()
            }
        );
    }
}

#[test]
fn duplicate_requests_get_the_same_answer() {
    let now = Instant::now();
    for password in ["s3cret", "nope"] {
        let mut a = authenticator();
        let mut p = peer("lac", password);
        p.start(now, 5);
        let first = one(|o| p.poll_transmit(o));
        a.handle_packet(now, &first);
        let answer = one(|o| a.poll_transmit(o));
        // The same request again, and a retransmission with a new Identifier.
        a.handle_packet(now, &first);
        assert_eq!(one(|o| a.poll_transmit(o)), answer);
        p.handle_timeout(now + Duration::from_secs(3));
        let second = one(|o| p.poll_transmit(o));
        assert_eq!(second[1], 6);
        a.handle_packet(now, &second);
        let again = one(|o| a.poll_transmit(o));
        assert_eq!(again[0], answer[0]);
        assert_eq!(again[1], 6);
        assert_eq!(again[2..], answer[2..]);
        // One event only.
        assert!(a.poll_event().is_some());
        assert!(a.poll_event().is_none());
    }
}

#[test]
fn stale_and_unexpected_answers_are_discarded_by_the_peer() {
    let now = Instant::now();
    let mut p = peer("lac", "s3cret");
    p.start(now, 1);
    let _ = one(|o| p.poll_transmit(o));
    p.handle_timeout(now + Duration::from_secs(3));
    let _ = one(|o| p.poll_transmit(o)); // Identifier 2 now.
    p.handle_packet(now, &[2, 1, 0, 5, 0]); // Ack of the old Identifier.
    p.handle_packet(now, &[1, 2, 0, 6, 0, 0]); // A request: not ours to take.
    p.handle_packet(now, &[7, 2, 0, 4]); // Unknown code.
    p.handle_packet(now, &[2, 2, 0, 6, 5, b'x']); // Truncated message.
    assert_eq!(p.discarded(), 4);
    assert!(p.poll_event().is_none());
    p.handle_packet(now, &[2, 2, 0, 4]);
    assert!(p.is_authenticated());
}

#[test]
fn unanswered_requests_give_up_after_pap_max_authreq() {
    let mut now = Instant::now();
    let mut p = peer("lac", "s3cret");
    p.start(now, 250);
    let mut ids = Vec::new();
    loop {
        let mut out = Vec::new();
        while p.poll_transmit(&mut out) {
            ids.push(out[1]);
            out.clear();
        }
        let Some(deadline) = p.poll_timeout() else {
            break;
        };
        assert_eq!(deadline, now + Duration::from_secs(3));
        now = deadline;
        p.handle_timeout(now);
    }
    assert_eq!(ids, [250, 251, 252, 253, 254, 255, 0, 1, 2, 3]);
    let Some(AuthEvent::Failed(f)) = p.poll_event() else {
        panic!()
    };
    assert_eq!(f.reason, FailureReason::NoResponse { transmissions: 10 });
}

#[test]
fn authenticator_times_out_waiting_and_rejects_junk() {
    let now = Instant::now();
    let mut a = authenticator();
    a.start(now);
    a.handle_packet(now, &[1, 1, 0, 5, 9]); // Truncated Peer-ID.
    a.handle_packet(now, &[2, 1, 0, 4]); // An Ack: not ours to take.
    assert_eq!(a.discarded(), 2);
    let deadline = now + Duration::from_secs(30);
    assert_eq!(a.poll_timeout(), Some(deadline));
    a.handle_timeout(deadline - Duration::from_millis(1));
    assert!(a.poll_event().is_none());
    a.handle_timeout(deadline);
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!()
    };
    assert_eq!((f.exit_code(), f.reason), (11, FailureReason::NoRequest));
}

#[test]
fn longest_peer_id_is_looked_up() {
    let now = Instant::now();
    let mut a = authenticator();
    let mut packet = vec![1, 1, 1, 5, 255];
    packet.extend(std::iter::repeat_n(b'x', 255));
    packet.extend_from_slice(&[0; 4]); // Passwd-Length 0 and padding
    packet[2..4].copy_from_slice(&(261u16).to_be_bytes());
    a.handle_packet(now, &packet);
    // 255 octets is the most a Peer-ID can hold: the name is unknown, not
    // malformed.
    let Some(AuthEvent::Failed(f)) = a.poll_event() else {
        panic!()
    };
    assert!(matches!(f.reason, FailureReason::UnknownName { .. }));
}
