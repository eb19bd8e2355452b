use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::*;
use crate::crypto::response_authenticator_valid;

const DAC: &str = "192.0.2.50:40000";

fn secret() -> SharedSecret {
    SharedSecret::new(b"dae-s3cret".to_vec())
}

fn server(require_ma: bool) -> DaeServer {
    DaeServer::new(DaeConfig {
        clients: vec![DaeClient {
            address: "192.0.2.50".parse().unwrap(),
            secret: secret(),
        }],
        require_message_authenticator: require_ma,
        nas_identifier: Some("lns1".into()),
        nas_ip_address: None,
    })
}

/// A request as radclient sends it, with the attributes `add` adds.
fn request(
    code: Code,
    ma: bool,
    key: &SharedSecret,
    add: impl FnOnce(&mut PacketBuilder),
) -> Vec<u8> {
    let mut b = PacketBuilder::new(code, 7);
    if ma {
        b.add_message_authenticator().unwrap();
    }
    add(&mut b);
    b.finish(key, None).unwrap()
}

fn by_session_id(b: &mut PacketBuilder) {
    b.add_text(AttributeType::AcctSessionId, "0000002A")
        .unwrap();
}

fn from() -> SocketAddr {
    DAC.parse().unwrap()
}

fn read(server: &mut DaeServer, datagram: &[u8]) -> DaeRequest {
    match server.handle_datagram(from(), datagram) {
        DaeInput::Request(r) => *r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_disconnect_by_acct_session_id_is_read_and_acked_with_valid_authenticators() {
    let mut s = server(true);
    let datagram = request(Code::DisconnectRequest, true, &secret(), |b| {
        by_session_id(b);
        b.add(AttributeType::ProxyState, b"hop1").unwrap();
    });
    let r = read(&mut s, &datagram);
    assert_eq!(r.kind, DaeKind::Disconnect);
    assert_eq!(r.selector.acct_session_id.as_deref(), Some("0000002A"));
    assert_eq!(r.refused, None);
    let answer = s.respond(&r, DaeOutcome::Ack).unwrap();
    let p = Packet::parse(&answer).unwrap();
    assert_eq!(p.code(), Code::DisconnectAck);
    assert_eq!(p.identifier(), 7);
    let req = Packet::parse(&datagram).unwrap();
    assert!(response_authenticator_valid(
        &p,
        &req.authenticator(),
        &secret()
    ));
    assert_eq!(
        message_authenticator_status(&p, &secret(), Some(&req.authenticator())),
        MessageAuthenticatorStatus::Valid
    );
    assert_eq!(p.find(AttributeType::ProxyState).unwrap().value(), b"hop1");
    // The DAC did not hear us and sends it again: the same answer, and
    // the session is not looked for twice.
    match s.handle_datagram(from(), &datagram) {
        DaeInput::Retransmit(again) => assert_eq!(again, answer),
        other => panic!("{other:?}"),
    }
    let c = s.counters();
    assert_eq!((c.requests, c.retransmissions, c.acks), (1, 1, 1));
}

#[test]
fn a_coa_carries_the_new_timeouts() {
    let mut s = server(false);
    let datagram = request(Code::CoaRequest, false, &secret(), |b| {
        b.add_text(AttributeType::UserName, "alice").unwrap();
        b.add_u32(AttributeType::SessionTimeout, 600).unwrap();
        b.add_u32(AttributeType::IdleTimeout, 60).unwrap();
    });
    let r = read(&mut s, &datagram);
    assert_eq!(r.kind, DaeKind::Coa);
    assert_eq!(r.selector.user_name.as_deref(), Some(&b"alice"[..]));
    assert_eq!(
        r.changes,
        CoaChanges {
            session_timeout: Some(Duration::from_secs(600)),
            idle_timeout: Some(Duration::from_secs(60)),
        }
    );
    assert_eq!(r.refused, None);
    let nak = s
        .respond(&r, DaeOutcome::Nak(ErrorCause::SessionContextNotFound))
        .unwrap();
    let p = Packet::parse(&nak).unwrap();
    assert_eq!(p.code(), Code::CoaNak);
    assert_eq!(
        p.error_cause(),
        Some(Ok(ErrorCause::SessionContextNotFound))
    );
}

/// What a test case adds to its request.
type Adds = dyn Fn(&mut PacketBuilder);

#[test]
fn requests_rppp_cannot_carry_out_are_refused_with_the_rfcs_cause() {
    let mut s = server(false);
    let cases: Vec<(Code, Box<Adds>, ErrorCause)> = vec![
        (
            Code::CoaRequest,
            Box::new(|b| {
                by_session_id(b);
                b.add_text(AttributeType::FilterId, "gold").unwrap();
            }),
            ErrorCause::UnsupportedAttribute,
        ),
        (
            Code::DisconnectRequest,
            Box::new(|b| {
                by_session_id(b);
                // Authorization attributes have no place in a Disconnect.
                b.add_u32(AttributeType::SessionTimeout, 5).unwrap();
            }),
            ErrorCause::UnsupportedAttribute,
        ),
        (
            Code::DisconnectRequest,
            Box::new(|b| {
                b.add_text(AttributeType::NasIdentifier, "lns1").unwrap();
            }),
            ErrorCause::MissingAttribute,
        ),
        (
            Code::DisconnectRequest,
            Box::new(|b| {
                by_session_id(b);
                b.add_text(AttributeType::NasIdentifier, "lns2").unwrap();
            }),
            ErrorCause::NasIdentificationMismatch,
        ),
        (
            Code::CoaRequest,
            Box::new(|b| {
                by_session_id(b);
                b.add_u32(AttributeType::ServiceType, 17).unwrap();
            }),
            ErrorCause::UnsupportedService,
        ),
        (
            Code::DisconnectRequest,
            Box::new(|b| {
                b.add(AttributeType::FramedIpAddress, &[10, 0, 0]).unwrap();
            }),
            ErrorCause::InvalidAttributeValue,
        ),
        (
            Code::CoaRequest,
            Box::new(by_session_id),
            ErrorCause::MissingAttribute,
        ),
    ];
    for (i, (code, add, cause)) in cases.into_iter().enumerate() {
        let mut b = PacketBuilder::new(code, i as u8);
        add(&mut b);
        let datagram = b.finish(&secret(), None).unwrap();
        let r = read(&mut s, &datagram);
        assert_eq!(r.refused, Some(cause), "case {i}: {r:?}");
    }
}

#[test]
fn forged_or_foreign_requests_are_dropped_unanswered() {
    let mut s = server(true);
    let wrong = SharedSecret::new(b"guess".to_vec());
    let cases = [
        (
            "127.0.0.1:1".parse().unwrap(),
            request(Code::DisconnectRequest, true, &secret(), by_session_id),
            DaeDrop::UnknownClient,
        ),
        (
            from(),
            request(Code::DisconnectRequest, true, &wrong, by_session_id),
            DaeDrop::BadAuthenticator,
        ),
        (
            from(),
            request(Code::DisconnectRequest, false, &secret(), by_session_id),
            DaeDrop::MissingMessageAuthenticator,
        ),
        (
            from(),
            request(Code::AccessRequest, true, &secret(), by_session_id),
            DaeDrop::NotARequest(Code::AccessRequest),
        ),
        (
            from(),
            vec![40, 1, 0],
            DaeDrop::Malformed(PacketError::TooShort { datagram: 3 }),
        ),
    ];
    for (i, (source, datagram, why)) in cases.into_iter().enumerate() {
        match s.handle_datagram(source, &datagram) {
            DaeInput::Dropped(got) => assert_eq!(got, why, "case {i}"),
            other => panic!("case {i}: {other:?}"),
        }
    }
    assert_eq!(s.counters().dropped, 5);
    // A Message-Authenticator that does not verify: one byte flipped
    // inside it, the Request Authenticator then recomputed as a forger
    // who knows the secret but not the rules would.
    let mut datagram = request(Code::DisconnectRequest, true, &secret(), by_session_id);
    datagram[HEADER_MA_VALUE] ^= 1;
    let fixed = recompute_request_authenticator(&datagram, &secret());
    match s.handle_datagram(from(), &fixed) {
        DaeInput::Dropped(got) => assert_eq!(got, DaeDrop::BadMessageAuthenticator),
        other => panic!("{other:?}"),
    }
}

/// Where the Message-Authenticator's value starts when it is the first
/// attribute: after the 20-octet header and its own type and length.
const HEADER_MA_VALUE: usize = 22;

fn recompute_request_authenticator(datagram: &[u8], key: &SharedSecret) -> Vec<u8> {
    let mut out = datagram.to_vec();
    out[4..20].fill(0);
    let mut ctx = md5::Context::new();
    ctx.consume(&out);
    ctx.consume(key.expose());
    out[4..20].copy_from_slice(&ctx.finalize().0);
    out
}

#[test]
fn a_selector_matches_a_session_by_every_attribute_it_gives() {
    let session = SessionIdentity {
        acct_session_id: "0000002A",
        acct_multi_session_id: None,
        user_name: b"alice",
        framed_ip_address: Some(Ipv4Addr::new(10, 0, 0, 2)),
        nas_port: Some(42),
        calling_station_id: Some(b"192.0.2.9"),
        called_station_id: None,
    };
    let mut sel = SessionSelector {
        user_name: Some(b"alice".to_vec()),
        framed_ip_address: Some(Ipv4Addr::new(10, 0, 0, 2)),
        ..SessionSelector::default()
    };
    assert!(sel.matches(&session));
    sel.nas_port = Some(43);
    assert!(!sel.matches(&session));
    sel.nas_port = None;
    sel.called_station_id = Some(b"x".to_vec());
    assert!(
        !sel.matches(&session),
        "an attribute the session lacks does not match"
    );
}
