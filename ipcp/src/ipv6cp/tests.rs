//! IPv6CP's Interface-Identifier in both roles against byte fixtures (the
//! lab's pppd exchange), identifier collisions and zero, Max-Failure,
//! rejected options, and a peer that Protocol-Rejects IPv6CP.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_lcp::option::OptionIter;
use rppp_lcp::packet::{Code, Repr};
use rppp_lcp::State;

use super::options::Ipv6cpOption;
use super::*;

fn t0() -> Instant {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

fn packet(code: Code, identifier: u8, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Repr {
        code: code.into(),
        identifier,
        data,
    }
    .append_to(&mut out);
    out
}

fn drain(ncp: &mut Ipv6cp) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    loop {
        let mut out = Vec::new();
        if !ncp.poll_transmit(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

fn events(ncp: &mut Ipv6cp) -> Vec<Ipv6cpEvent> {
    std::iter::from_fn(|| ncp.poll_event()).collect()
}

fn shown(packet: &[u8]) -> String {
    let repr = Repr::parse_bytes(packet).unwrap();
    let mut text = format!(
        "{} id={:#x}",
        Code::from(repr.code).pppd_name().unwrap(),
        repr.identifier
    );
    if repr.code <= 4 {
        for option in OptionIter::new(repr.data) {
            text.push(' ');
            text.push_str(&Ipv6cpOption::parse_lossy(option.unwrap()).to_string());
        }
    }
    text
}

/// The identifier an option list carries.
fn identifier(options: &[u8]) -> InterfaceId {
    match Ipv6cpOption::parse(OptionIter::new(options).next().unwrap().unwrap()) {
        Ok(Ipv6cpOption::InterfaceIdentifier(id)) => id,
        other => panic!("not an identifier: {other:?}"),
    }
}

fn id_option(id: InterfaceId) -> Vec<u8> {
    let mut out = vec![];
    Ipv6cpOption::InterfaceIdentifier(id).append_to(&mut out);
    out
}

const LNS_ID: InterfaceId = InterfaceId([0x78, 0x6a, 0xf5, 0x6f, 0x70, 0xe9, 0x09, 0x9c]);
const LAC_ID: InterfaceId = InterfaceId([0xf8, 0xb2, 0x33, 0x64, 0xf0, 0xc7, 0xb1, 0x65]);

fn started(config: Ipv6cpConfig, seed: u64) -> (Ipv6cp, Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut ncp = Ipv6cp::new(config);
    ncp.lower_up(t0(), &mut rng);
    ncp.open(t0(), &mut rng);
    let mut sent = drain(&mut ncp);
    assert_eq!(sent.len(), 1);
    (ncp, sent.remove(0), rng)
}

/// Our reply to a peer request with `options`, in pppd's spelling.
fn judge(ncp: &mut Ipv6cp, rng: &mut StdRng, options: &[u8]) -> (String, Vec<u8>) {
    ncp.handle_packet(t0(), &packet(Code::ConfigureRequest, 0x42, options), rng);
    let mut sent = drain(ncp);
    assert_eq!(sent.len(), 1);
    let reply = sent.remove(0);
    (shown(&reply), reply[4..].to_vec())
}

fn peer_replies(
    ncp: &mut Ipv6cp,
    rng: &mut StdRng,
    request: &[u8],
    code: Code,
    options: &[u8],
) -> Vec<u8> {
    ncp.handle_packet(t0(), &packet(code, request[1], options), rng);
    let mut sent = drain(ncp);
    assert_eq!(sent.len(), 1, "a new request");
    sent.remove(0)
}

/// The LNS side of the lab's passing run, with its identifier configured:
/// ```text
/// sent [IPV6CP ConfReq id=0x1 <addr fe80::786a:f56f:70e9:099c>]
/// rcvd [IPV6CP ConfReq id=0x1 <addr fe80::f8b2:3364:f0c7:b165>]
/// sent [IPV6CP ConfAck id=0x1 <addr fe80::f8b2:3364:f0c7:b165>]
/// rcvd [IPV6CP ConfAck id=0x1 <addr fe80::786a:f56f:70e9:099c>]
/// ```
#[test]
fn lab_exchange_byte_for_byte() {
    let config = Ipv6cpConfig {
        local: Some(LNS_ID),
        ..Ipv6cpConfig::default()
    };
    let (mut ncp, request, mut rng) = started(config, 5072);
    assert_eq!(
        request,
        [0x01, 0x01, 0x00, 0x0e, 0x01, 0x0a, 0x78, 0x6a, 0xf5, 0x6f, 0x70, 0xe9, 0x09, 0x9c]
    );
    let rcvd = [
        0x01, 0x01, 0x00, 0x0e, 0x01, 0x0a, 0xf8, 0xb2, 0x33, 0x64, 0xf0, 0xc7, 0xb1, 0x65,
    ];
    ncp.handle_packet(t0(), &rcvd, &mut rng);
    let mut ack = rcvd;
    ack[0] = 0x02;
    assert_eq!(drain(&mut ncp), [ack.to_vec()]);
    let mut rcvd_ack = request.clone();
    rcvd_ack[0] = 0x02;
    ncp.handle_packet(t0(), &rcvd_ack, &mut rng);
    assert_eq!(events(&mut ncp), [Ipv6cpEvent::Up]);
    let negotiated = *ncp.negotiated().unwrap();
    assert_eq!(
        negotiated,
        Ipv6cpNegotiated {
            local: LNS_ID,
            peer: LAC_ID
        }
    );
    assert_eq!(
        negotiated.local_address().to_string(),
        "fe80::786a:f56f:70e9:99c"
    );
    assert_eq!(
        negotiated.peer_address().to_string(),
        "fe80::f8b2:3364:f0c7:b165"
    );
}

#[test]
fn a_random_nonzero_identifier_by_default_kept_for_the_instance() {
    let (mut ncp, request, mut rng) = started(Ipv6cpConfig::default(), 1);
    assert_eq!(request.len(), 14);
    let first = identifier(&request[4..]);
    assert!(!first.is_zero());
    let (_, other, _) = started(Ipv6cpConfig::default(), 2);
    assert_ne!(identifier(&other[4..]), first, "drawn from the rng");
    ncp.lower_down(t0(), &mut rng);
    ncp.lower_up(t0(), &mut rng);
    let again = drain(&mut ncp).remove(0);
    assert_eq!(
        identifier(&again[4..]),
        first,
        "a new negotiation starts from the same one"
    );
}

#[test]
fn identifier_collision_is_nakked_with_a_fresh_suggestion() {
    let config = Ipv6cpConfig {
        local: Some(LNS_ID),
        ..Ipv6cpConfig::default()
    };
    let (mut ncp, _, mut rng) = started(config, 3);
    let (reply, options) = judge(&mut ncp, &mut rng, &id_option(LNS_ID));
    assert!(reply.starts_with("ConfNak id=0x42 <addr fe80::"), "{reply}");
    let suggestion = identifier(&options);
    assert!(!suggestion.is_zero());
    assert_ne!(suggestion, LNS_ID);
    let (reply, _) = judge(&mut ncp, &mut rng, &id_option(suggestion));
    assert_eq!(reply, format!("ConfAck id=0x42 <addr {suggestion}>"));
}

#[test]
fn zero_is_nakked_with_the_configured_remote_first_then_random() {
    let config = Ipv6cpConfig {
        local: Some(LNS_ID),
        remote: Some(LAC_ID),
        accept_remote: true,
        ..Ipv6cpConfig::default()
    };
    let (mut ncp, _, mut rng) = started(config, 4);
    let zero = id_option(InterfaceId::ZERO);
    let (reply, _) = judge(&mut ncp, &mut rng, &zero);
    assert_eq!(reply, "ConfNak id=0x42 <addr fe80::f8b2:3364:f0c7:b165>");
    let (_, options) = judge(&mut ncp, &mut rng, &zero);
    let fresh = identifier(&options);
    assert!(![InterfaceId::ZERO, LNS_ID, LAC_ID].contains(&fresh));
    // With accept_remote the peer may keep an identifier of its own.
    let own = InterfaceId([1, 2, 3, 4, 5, 6, 7, 8]);
    let (reply, _) = judge(&mut ncp, &mut rng, &id_option(own));
    assert_eq!(reply, "ConfAck id=0x42 <addr fe80::0102:0304:0506:0708>");
}

#[test]
fn a_configured_remote_is_insisted_on_unless_accept_remote() {
    let config = Ipv6cpConfig {
        local: Some(LNS_ID),
        remote: Some(LAC_ID),
        ..Ipv6cpConfig::default()
    };
    let (mut ncp, _, mut rng) = started(config, 5);
    let own = InterfaceId([1, 2, 3, 4, 5, 6, 7, 8]);
    let (reply, _) = judge(&mut ncp, &mut rng, &id_option(own));
    assert_eq!(reply, "ConfNak id=0x42 <addr fe80::f8b2:3364:f0c7:b165>");
    let (reply, _) = judge(&mut ncp, &mut rng, &id_option(LAC_ID));
    assert_eq!(reply, "ConfAck id=0x42 <addr fe80::f8b2:3364:f0c7:b165>");
}

#[test]
fn a_peer_that_keeps_sending_zero_is_rejected_after_max_failure() {
    let mut config = Ipv6cpConfig::default();
    config.fsm.max_failure = 2;
    let (mut ncp, _, mut rng) = started(config, 6);
    let zero = id_option(InterfaceId::ZERO);
    for _ in 0..2 {
        let (reply, _) = judge(&mut ncp, &mut rng, &zero);
        assert!(reply.starts_with("ConfNak"), "{reply}");
    }
    let (reply, options) = judge(&mut ncp, &mut rng, &zero);
    assert_eq!(reply, "ConfRej id=0x42 <addr fe80::0000:0000:0000:0000>");
    assert_eq!(options, zero);
}

#[test]
fn compression_bad_lengths_and_unknown_options_are_rejected() {
    let (mut ncp, _, mut rng) = started(Ipv6cpConfig::default(), 7);
    let mut request = id_option(LAC_ID);
    request.extend_from_slice(&[
        0x02, 0x04, 0x00, 0x4f, 0x01, 0x09, 1, 2, 3, 4, 5, 6, 7, 0x09, 0x02,
    ]);
    let (reply, options) = judge(&mut ncp, &mut rng, &request);
    assert_eq!(
        options,
        [0x02, 0x04, 0x00, 0x4f, 0x01, 0x09, 1, 2, 3, 4, 5, 6, 7, 0x09, 0x02]
    );
    assert_eq!(
        reply,
        "ConfRej id=0x42 <compress 0x4f> < 01 09 01 02 03 04 05 06 07> < 09 02>"
    );
}

#[test]
fn we_take_the_peers_idea_of_our_identifier_when_we_have_none_configured() {
    let (mut ncp, request, mut rng) = started(Ipv6cpConfig::default(), 8);
    let next = peer_replies(
        &mut ncp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &id_option(LNS_ID),
    );
    assert_eq!(
        shown(&next),
        "ConfReq id=0x2 <addr fe80::786a:f56f:70e9:099c>"
    );
    // A Nak with zero gets a fresh random identifier instead.
    let next = peer_replies(
        &mut ncp,
        &mut rng,
        &next,
        Code::ConfigureNak,
        &id_option(InterfaceId::ZERO),
    );
    let ours = identifier(&next[4..]);
    assert!(!ours.is_zero());
    assert_ne!(ours, LNS_ID);
}

#[test]
fn a_configured_identifier_is_kept_against_a_nak_unless_accept_local() {
    let config = Ipv6cpConfig {
        local: Some(LNS_ID),
        ..Ipv6cpConfig::default()
    };
    let (mut ncp, request, mut rng) = started(config.clone(), 9);
    let next = peer_replies(
        &mut ncp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &id_option(LAC_ID),
    );
    assert_eq!(identifier(&next[4..]), LNS_ID);
    let config = Ipv6cpConfig {
        accept_local: true,
        ..config
    };
    let (mut ncp, request, mut rng) = started(config, 9);
    let next = peer_replies(
        &mut ncp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &id_option(LAC_ID),
    );
    assert_eq!(identifier(&next[4..]), LAC_ID);
}

#[test]
fn after_max_failure_naks_we_stop_sending_the_identifier() {
    let mut config = Ipv6cpConfig::default();
    config.fsm.max_failure = 2;
    let (mut ncp, mut request, mut rng) = started(config, 10);
    request = peer_replies(
        &mut ncp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &id_option(LNS_ID),
    );
    request = peer_replies(
        &mut ncp,
        &mut rng,
        &request,
        Code::ConfigureNak,
        &id_option(LAC_ID),
    );
    assert_eq!(shown(&request), "ConfReq id=0x3");
}

#[test]
fn a_rejected_identifier_still_gives_a_result() {
    let config = Ipv6cpConfig {
        local: Some(LNS_ID),
        ..Ipv6cpConfig::default()
    };
    let (mut ncp, request, mut rng) = started(config, 11);
    let next = peer_replies(
        &mut ncp,
        &mut rng,
        &request,
        Code::ConfigureReject,
        &request[4..],
    );
    assert_eq!(shown(&next), "ConfReq id=0x2");
    ncp.handle_packet(t0(), &packet(Code::ConfigureAck, next[1], &[]), &mut rng);
    judge(&mut ncp, &mut rng, &id_option(LAC_ID));
    assert_eq!(events(&mut ncp), [Ipv6cpEvent::Up]);
    assert_eq!(ncp.negotiated().unwrap().local, LNS_ID);
}

#[test]
fn a_peer_without_an_identifier_makes_ipv6cp_fail() {
    let (mut ncp, request, mut rng) = started(Ipv6cpConfig::default(), 12);
    let mut ack = request.clone();
    ack[0] = 0x02;
    ncp.handle_packet(t0(), &ack, &mut rng);
    ncp.handle_packet(t0(), &packet(Code::ConfigureRequest, 5, &[]), &mut rng);
    let sent = drain(&mut ncp);
    assert_eq!(shown(&sent[0]), "ConfAck id=0x5");
    assert_eq!(&sent[1][4..], b"Could not determine remote LL address");
    assert_eq!(
        events(&mut ncp),
        [Ipv6cpEvent::Failed(Ipv6cpFailure::NoPeerIdentifier)]
    );
    assert_eq!(ncp.state(), State::Closing);
    assert!(ncp.negotiated().is_none());
}

#[test]
fn protocol_reject_while_negotiating_stops_cleanly() {
    let (mut ncp, _, mut rng) = started(Ipv6cpConfig::default(), 13);
    ncp.protocol_rejected(t0(), &mut rng);
    assert_eq!(ncp.state(), State::Stopped);
    assert_eq!(events(&mut ncp), [Ipv6cpEvent::Finished]);
    assert!(drain(&mut ncp).is_empty());
    assert_eq!(ncp.poll_timeout(), None, "no more retransmissions");
}

#[test]
fn protocol_reject_when_opened_reports_down() {
    let (mut ncp, request, mut rng) = started(Ipv6cpConfig::default(), 14);
    let mut ack = request.clone();
    ack[0] = 0x02;
    ncp.handle_packet(t0(), &ack, &mut rng);
    judge(&mut ncp, &mut rng, &id_option(LAC_ID));
    assert_eq!(events(&mut ncp), [Ipv6cpEvent::Up]);
    ncp.protocol_rejected(t0(), &mut rng);
    assert_eq!(events(&mut ncp), [Ipv6cpEvent::Down]);
    assert!(ncp.negotiated().is_none());
    assert_eq!(ncp.state(), State::Stopping);
}
