//! LCP's options, each in both directions (we judge the peer's request; the
//! peer judges ours), against byte fixtures, and LCP's own packets: echo,
//! Protocol-Reject, RFC 1570, loopback.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::options::tests::WINDOWS_CONFREQ_OPTIONS;
use super::options::LcpOption;
use super::*;
use crate::option::OptionIter;
use crate::packet::Repr;

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

fn drain(lcp: &mut Lcp) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    loop {
        let mut out = Vec::new();
        if !lcp.poll_transmit(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

fn events(lcp: &mut Lcp) -> Vec<LcpEvent> {
    std::iter::from_fn(|| lcp.poll_event()).collect()
}

/// The options of a packet, in pppd's log spelling.
fn shown(packet: &[u8]) -> String {
    let repr = Repr::parse_bytes(packet).unwrap();
    let options: Vec<String> = OptionIter::new(repr.data)
        .map(|o| LcpOption::parse(o.unwrap()).unwrap().to_string())
        .collect();
    format!(
        "{} {}",
        Code::from(repr.code).pppd_name().unwrap(),
        options.join(" ")
    )
}

/// LCP up to Req-Sent, with its first request.
fn started(config: LcpConfig) -> (Lcp, Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(21);
    let mut lcp = Lcp::new(config);
    lcp.lower_up(t0(), &mut rng);
    lcp.open(t0(), &mut rng);
    let mut sent = drain(&mut lcp);
    assert_eq!(sent.len(), 1);
    assert_eq!(events(&mut lcp), []);
    (lcp, sent.remove(0), rng)
}

/// Answers the peer's request `options` and returns our reply.
fn judge(lcp: &mut Lcp, rng: &mut StdRng, options: &[u8]) -> Vec<u8> {
    lcp.handle_packet(t0(), &packet(Code::ConfigureRequest, 0x42, options), rng);
    let mut sent = drain(lcp);
    assert_eq!(sent.len(), 1, "one reply");
    assert_eq!(
        sent[0][1], 0x42,
        "the reply carries the request's Identifier"
    );
    sent.remove(0)
}

/// Opens LCP: the peer acks our request and sends `peer_options`, which
/// we ack.
fn opened(config: LcpConfig, peer_options: &[u8]) -> (Lcp, StdRng) {
    let (mut lcp, request, mut rng) = started(config);
    lcp.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, request[1], &request[4..]),
        &mut rng,
    );
    let reply = judge(&mut lcp, &mut rng, peer_options);
    assert_eq!(reply[0], u8::from(Code::ConfigureAck), "{}", shown(&reply));
    assert_eq!(lcp.state(), State::Opened);
    assert_eq!(events(&mut lcp), [LcpEvent::Up]);
    (lcp, rng)
}

const PEER_MAGIC: [u8; 6] = [5, 6, 0xc2, 0xa8, 0x73, 0x75];

mod codes;
mod ours;
mod peers;
