//! A session pair authenticating: every method, in both directions, and
//! failures in each direction.

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{exit, SessionEvent, TerminationReason};
use rppp_auth::{AuthMethod, AuthMethods};

mod session_common;
use session_common::*;

fn assert_authenticated(pair: &Pair) {
    assert!(
        events(pair, Side::Lns).contains(&SessionEvent::Authenticated {
            peer_name: "lac".into()
        })
    );
    assert!(events(pair, Side::Lac).contains(&SessionEvent::AuthenticatedToPeer));
}

#[test]
fn every_method_authenticates() {
    for method in AuthMethod::PREFERENCE {
        let (lns, lac) = with_auth(method, "s3cret", "s3cret");
        let mut pair = run(lns, lac, 2, Faults::default());
        assert_link_up(&mut pair);
        assert_authenticated(&pair);
        let n = pair
            .side(Side::Lns)
            .session
            .lcp()
            .negotiated()
            .copied()
            .unwrap();
        assert_eq!(n.peer_auth, Some(method), "{method}");
    }
}

#[test]
fn authentication_in_both_directions() {
    let (mut lns, mut lac) = with_auth(AuthMethod::ChapMd5, "s3cret", "s3cret");
    lac.lcp.require = AuthMethods::NONE.with(AuthMethod::MsChapV2);
    lac.auth.chap_secrets = secrets("lns lac other * \nlac lns s3cret\n");
    lns.auth.chap_secrets = secrets("lac lns s3cret *\nlns lac other\n");
    let mut pair = run(lns, lac, 3, Faults::default());
    assert_link_up(&mut pair);
    assert_authenticated(&pair);
    assert!(
        events(&pair, Side::Lac).contains(&SessionEvent::Authenticated {
            peer_name: "lns".into()
        })
    );
    assert!(events(&pair, Side::Lns).contains(&SessionEvent::AuthenticatedToPeer));
}

#[test]
fn a_wrong_secret_fails_the_right_side() {
    for method in AuthMethod::PREFERENCE {
        let (lns, lac) = with_auth(method, "s3cret", "wrong");
        let mut pair = run(lns, lac, 4, Faults::default());
        pair.drive(5 * MINUTE);
        assert!(pair.both_terminated(), "{method}");
        assert_eq!(
            pair.side(Side::Lns).exit_code(),
            Some(exit::PEER_AUTH_FAILED),
            "{method}"
        );
        assert_eq!(
            pair.side(Side::Lac).exit_code(),
            Some(exit::AUTH_TO_PEER_FAILED),
            "{method}"
        );
        assert_eq!(pair.side(Side::Lns).ip_up(), None);
    }
}

#[test]
fn the_peer_refusing_the_only_auth_we_accept() {
    let (mut lns, mut lac) = with_auth(AuthMethod::MsChapV2, "s3cret", "s3cret");
    lac.lcp.allow = AuthMethods::NONE.with(AuthMethod::Pap);
    lns.lcp.require = AuthMethods::NONE.with(AuthMethod::MsChapV2);
    let mut pair = run(lns, lac, 5, Faults::default());
    pair.drive(5 * MINUTE);
    assert!(pair.both_terminated());
    let lns = pair.side(Side::Lns);
    assert_eq!(lns.exit_code(), Some(exit::PEER_AUTH_FAILED));
    assert!(lns.events.iter().any(|e| matches!(
        e,
        SessionEvent::Terminated {
            reason: TerminationReason::PeerRefusedAuth,
            ..
        }
    )));
    assert_eq!(
        pair.side(Side::Lac).exit_code(),
        Some(exit::NEGOTIATION_FAILED)
    );
}
