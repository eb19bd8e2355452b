//! The engine against a scripted server on a virtual clock.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;
use crate::attr::AttributeType;
use crate::builder::PacketBuilder;
use crate::crypto::{request_authenticator_valid, unhide_password};
use crate::secret::{Password, SharedSecret};

const A: &str = "192.0.2.1:1812";
const B: &str = "192.0.2.2:1812";
const ACCT: &str = "192.0.2.1:1813";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn server(a: &str, secret: &str) -> ServerConfig {
    ServerConfig {
        address: addr(a),
        secret: SharedSecret::new(secret),
        timeout: Duration::from_secs(3),
        retries: 2,
    }
}

fn client(rng: &mut StdRng) -> Client {
    let mut config = ClientConfig::new();
    config.auth_servers = vec![server(A, "secret-a"), server(B, "secret-b")];
    config.acct_servers = vec![server(ACCT, "secret-acct")];
    config.deadtime = Duration::from_secs(60);
    Client::new(config, rng)
}

fn access_request() -> Request {
    let mut r = Request::new(Code::AccessRequest);
    r.add_text(AttributeType::UserName, "nemo")
        .user_password(Password::new("arctangent"));
    r
}

/// The server's answer to `request` under `secret`.
fn answer(request: &[u8], code: Code, secret: &str, with_ma: bool) -> Vec<u8> {
    let p = Packet::parse(request).unwrap();
    let mut b = PacketBuilder::new(code, p.identifier());
    if with_ma {
        b.add_message_authenticator().unwrap();
    }
    b.add_u32(AttributeType::SessionTimeout, 3600).unwrap();
    b.finish(&SharedSecret::new(secret), Some(&p.authenticator()))
        .unwrap()
}

#[test]
fn verified_accept_is_delivered() {
    let mut rng = StdRng::seed_from_u64(1);
    let now = Instant::now();
    let mut c = client(&mut rng);
    let (id, tx) = c.send(now, access_request(), &mut rng).unwrap();
    assert_eq!(tx.destination, addr(A));
    assert_eq!(tx.service, Service::Authentication);
    // What the server sees: Message-Authenticator first and valid, the
    // password hidden under its secret.
    let req = Packet::parse(&tx.payload).unwrap();
    let secret = SharedSecret::new("secret-a");
    assert_eq!(
        req.attributes().next().unwrap().attribute_type(),
        AttributeType::MessageAuthenticator
    );
    assert_eq!(
        message_authenticator_status(&req, &secret, None),
        MessageAuthenticatorStatus::Valid
    );
    let hidden = req.find(AttributeType::UserPassword).unwrap().value();
    assert_eq!(
        unhide_password(hidden, &secret, &req.authenticator()).unwrap(),
        b"arctangent"
    );
    let reply = answer(&tx.payload, Code::AccessAccept, "secret-a", true);
    assert_eq!(c.handle_datagram(now, addr(A), &reply), Ok(id));
    let Some(Event::Reply(r)) = c.poll_event() else {
        panic!("no reply event");
    };
    assert_eq!(
        (r.request, r.code, r.server),
        (id, Code::AccessAccept, addr(A))
    );
    assert_eq!(r.request_authenticator, req.authenticator());
    let p = r.packet().unwrap();
    assert_eq!(
        p.find(AttributeType::SessionTimeout).unwrap().as_u32(),
        Ok(3600)
    );
    assert_eq!(c.in_flight(), 0);
    assert_eq!(c.counters().replies, 1);
    // The same reply again matches nothing.
    assert_eq!(
        c.handle_datagram(now, addr(A), &reply),
        Err(DropReason::NoMatchingRequest)
    );
}

#[test]
fn blastradius_replies_without_message_authenticator_are_dropped() {
    let mut rng = StdRng::seed_from_u64(2);
    let now = Instant::now();
    let mut c = client(&mut rng);
    for code in [
        Code::AccessAccept,
        Code::AccessReject,
        Code::AccessChallenge,
    ] {
        let (_, tx) = c.send(now, access_request(), &mut rng).unwrap();
        let reply = answer(&tx.payload, code, "secret-a", false);
        assert_eq!(
            c.handle_datagram(now, addr(A), &reply),
            Err(DropReason::MissingMessageAuthenticator)
        );
    }
    assert_eq!(c.counters().dropped.missing_message_authenticator, 3);
    assert_eq!(c.poll_event(), None);

    // A legacy server, with the requirement turned off.
    let mut config = ClientConfig::new();
    config.auth_servers = vec![server(A, "secret-a")];
    config.require_message_authenticator = false;
    let mut c = Client::new(config, &mut rng);
    let (id, tx) = c.send(now, access_request(), &mut rng).unwrap();
    let reply = answer(&tx.payload, Code::AccessAccept, "secret-a", false);
    assert_eq!(c.handle_datagram(now, addr(A), &reply), Ok(id));
}

#[test]
fn forged_and_stray_replies_are_dropped_by_reason() {
    let mut rng = StdRng::seed_from_u64(3);
    let now = Instant::now();
    let mut c = client(&mut rng);
    let (id, tx) = c.send(now, access_request(), &mut rng).unwrap();
    let good = answer(&tx.payload, Code::AccessAccept, "secret-a", true);
    // Right Identifier, wrong source address.
    assert_eq!(
        c.handle_datagram(now, addr(B), &good),
        Err(DropReason::NoMatchingRequest)
    );
    // Wrong Identifier.
    let mut other_id = good.clone();
    other_id[1] = other_id[1].wrapping_add(1);
    assert_eq!(
        c.handle_datagram(now, addr(A), &other_id),
        Err(DropReason::NoMatchingRequest)
    );
    // Signed with the wrong secret.
    let forged = answer(&tx.payload, Code::AccessAccept, "guess", true);
    assert_eq!(
        c.handle_datagram(now, addr(A), &forged),
        Err(DropReason::BadResponseAuthenticator)
    );
    // A wrong code for an Access-Request.
    let wrong = answer(&tx.payload, Code::AccountingResponse, "secret-a", true);
    assert_eq!(
        c.handle_datagram(now, addr(A), &wrong),
        Err(DropReason::UnexpectedCode)
    );
    // Message-Authenticator corrupted, Response Authenticator recomputed
    // over the corruption: only the HMAC catches it.
    let p = Packet::parse(&tx.payload).unwrap();
    let mut b = PacketBuilder::new(Code::AccessAccept, p.identifier());
    b.add(AttributeType::MessageAuthenticator, &[9; 16])
        .unwrap();
    let bad_ma = b
        .finish(&SharedSecret::new("secret-a"), Some(&p.authenticator()))
        .unwrap();
    assert_eq!(
        c.handle_datagram(now, addr(A), &bad_ma),
        Err(DropReason::BadMessageAuthenticator)
    );
    assert_eq!(
        c.handle_datagram(now, addr(A), &[2, 0, 0]),
        Err(DropReason::Malformed)
    );
    let d = c.counters().dropped;
    assert_eq!(
        (
            d.no_matching_request,
            d.bad_response_authenticator,
            d.unexpected_code
        ),
        (2, 1, 1)
    );
    assert_eq!((d.bad_message_authenticator, d.malformed), (1, 1));
    // The request is still waiting, and the genuine reply still lands.
    assert_eq!(c.handle_datagram(now, addr(A), &good), Ok(id));
}

#[test]
fn retransmit_then_fail_over_and_deadtime() {
    let mut rng = StdRng::seed_from_u64(4);
    let t0 = Instant::now();
    let mut c = client(&mut rng);
    let (id, first) = c.send(t0, access_request(), &mut rng).unwrap();
    assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_secs(3)));
    // Nothing before the deadline.
    c.handle_timeout(t0 + Duration::from_secs(2), &mut rng);
    assert_eq!(c.poll_transmit(), None);
    // Two retransmissions, byte-identical.
    let mut now = t0;
    for _ in 0..2 {
        now += Duration::from_secs(3);
        c.handle_timeout(now, &mut rng);
        let again = c.poll_transmit().unwrap();
        assert_eq!(again, first);
    }
    // Retries used up: server B, new Identifier space and authenticator.
    now += Duration::from_secs(3);
    c.handle_timeout(now, &mut rng);
    let to_b = c.poll_transmit().unwrap();
    assert_eq!(to_b.destination, addr(B));
    let pa = Packet::parse(&first.payload).unwrap();
    let pb = Packet::parse(&to_b.payload).unwrap();
    assert_ne!(pa.authenticator(), pb.authenticator());
    let counters = *c.counters();
    assert_eq!(
        (
            counters.retransmissions,
            counters.server_timeouts,
            counters.failovers
        ),
        (2, 1, 1)
    );
    // A's reply is too late: A is no longer asked.
    let late = answer(&first.payload, Code::AccessAccept, "secret-a", true);
    assert_eq!(
        c.handle_datagram(now, addr(A), &late),
        Err(DropReason::NoMatchingRequest)
    );
    let reply = answer(&to_b.payload, Code::AccessReject, "secret-b", true);
    assert_eq!(c.handle_datagram(now, addr(B), &reply), Ok(id));

    // A is dead for 60 s: new requests go to B first.
    let (_, tx) = c
        .send(now + Duration::from_secs(59), access_request(), &mut rng)
        .unwrap();
    assert_eq!(tx.destination, addr(B));
    let (_, tx) = c
        .send(now + Duration::from_secs(60), access_request(), &mut rng)
        .unwrap();
    assert_eq!(tx.destination, addr(A));
}

#[test]
fn no_server_answered() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut now = Instant::now();
    let mut c = client(&mut rng);
    let (id, _) = c.send(now, access_request(), &mut rng).unwrap();
    let mut sent = 1;
    for _ in 0..10 {
        now += Duration::from_secs(3);
        c.handle_timeout(now, &mut rng);
        while c.poll_transmit().is_some() {
            sent += 1;
        }
    }
    // Three sends to each of two servers.
    assert_eq!(sent, 6);
    assert_eq!(
        c.poll_event(),
        Some(Event::NoServerAnswered { request: id })
    );
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(c.counters().no_server_answered, 1);
    // Both are dead now; a new request still goes out, to the first.
    let (_, tx) = c.send(now, access_request(), &mut rng).unwrap();
    assert_eq!(tx.destination, addr(A));
}

#[test]
fn accounting_failover_adds_acct_delay_time() {
    let mut rng = StdRng::seed_from_u64(6);
    let mut config = ClientConfig::new();
    config.acct_servers = vec![server(ACCT, "secret-acct"), server(B, "secret-b")];
    let mut c = Client::new(config, &mut rng);
    let t0 = Instant::now();
    let mut r = Request::new(Code::AccountingRequest);
    r.add_u32(AttributeType::AcctStatusType, 1)
        .add_text(AttributeType::AcctSessionId, "42");
    let (id, tx) = c.send(t0, r, &mut rng).unwrap();
    assert_eq!(tx.service, Service::Accounting);
    let p = Packet::parse(&tx.payload).unwrap();
    assert!(request_authenticator_valid(
        &p,
        &SharedSecret::new("secret-acct")
    ));
    assert!(p.find(AttributeType::AcctDelayTime).is_none());
    let mut now = t0;
    let mut last = None;
    for _ in 0..3 {
        now += Duration::from_secs(3);
        c.handle_timeout(now, &mut rng);
        last = c.poll_transmit();
    }
    let to_b = last.unwrap();
    assert_eq!(to_b.destination, addr(B));
    let p = Packet::parse(&to_b.payload).unwrap();
    assert!(request_authenticator_valid(
        &p,
        &SharedSecret::new("secret-b")
    ));
    assert_eq!(
        p.find(AttributeType::AcctDelayTime).unwrap().as_u32(),
        Ok(9)
    );
    // Accounting-Response needs no Message-Authenticator.
    let reply = answer(&to_b.payload, Code::AccountingResponse, "secret-b", false);
    assert_eq!(c.handle_datagram(now, addr(B), &reply), Ok(id));
}

#[test]
fn identifiers_and_errors() {
    let mut rng = StdRng::seed_from_u64(7);
    let now = Instant::now();
    let mut config = ClientConfig::new();
    config.auth_servers = vec![server(A, "s")];
    let mut c = Client::new(config, &mut rng);
    let mut ids = std::collections::HashSet::new();
    for _ in 0..256 {
        let (_, tx) = c.send(now, access_request(), &mut rng).unwrap();
        assert!(ids.insert(tx.payload[1]));
    }
    assert_eq!(
        c.send(now, access_request(), &mut rng).unwrap_err(),
        SendError::IdentifiersExhausted
    );
    assert!(c.cancel(RequestId(5)));
    assert!(!c.cancel(RequestId(5)));
    assert!(c.send(now, access_request(), &mut rng).is_ok());
    let mut r = Request::new(Code::AccountingRequest);
    r.add_u32(AttributeType::AcctStatusType, 1);
    assert_eq!(
        c.send(now, r, &mut rng).unwrap_err(),
        SendError::NoServers(Service::Accounting)
    );
    let mut r = access_request();
    r.add(AttributeType::Class, vec![0; 300]);
    let mut config = ClientConfig::new();
    config.auth_servers = vec![server(A, "s")];
    let mut c = Client::new(config, &mut rng);
    assert!(matches!(c.send(now, r, &mut rng), Err(SendError::Build(_))));
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn debug_never_shows_secrets_or_passwords() {
    let mut rng = StdRng::seed_from_u64(8);
    let mut c = client(&mut rng);
    c.send(Instant::now(), access_request(), &mut rng).unwrap();
    let s = format!("{c:?} {:?}", access_request());
    assert!(!s.contains("secret-a") && !s.contains("arctangent"), "{s}");
    let mut r = Request::new(Code::AccessRequest);
    r.chap(1, &[0xab; 16], &[2; 16]);
    let s = format!("{r:?}");
    assert!(!s.contains("171"), "the CHAP response shows: {s}");
    // A CHAP request in flight: its encoded payload is not shown either.
    c.send(Instant::now(), r, &mut rng).unwrap();
    let s = format!("{c:?}");
    assert!(!s.contains("payload:") && !s.contains("171"), "{s}");
}

#[test]
fn chap_request_carries_password_and_challenge() {
    let mut rng = StdRng::seed_from_u64(9);
    let mut c = client(&mut rng);
    let mut r = Request::new(Code::AccessRequest);
    r.add_text(AttributeType::UserName, "flopsy").chap(
        0x16,
        &[0xab; 16],
        &[1, 2, 3, 4, 5, 6, 7, 8],
    );
    let (_, tx) = c.send(Instant::now(), r, &mut rng).unwrap();
    let p = Packet::parse(&tx.payload).unwrap();
    let chap = p.find(AttributeType::ChapPassword).unwrap().value();
    assert_eq!(chap.len(), 17);
    assert_eq!((chap[0], &chap[1..]), (0x16, &[0xab; 16][..]));
    assert_eq!(
        p.find(AttributeType::ChapChallenge).unwrap().value(),
        &[1, 2, 3, 4, 5, 6, 7, 8]
    );
    assert!(p.find(AttributeType::UserPassword).is_none());
    let mut b = PacketBuilder::new(Code::AccessRequest, 1);
    b.add_chap_password(0x16, &[0xab; 16]).unwrap();
    let bytes = b.finish(&SharedSecret::new("s"), None).unwrap();
    assert_eq!(
        &bytes[20..],
        &[
            3, 19, 0x16, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
            0xab, 0xab, 0xab, 0xab
        ][..]
    );
}
