//! IPCP's options, each in both roles (we judge the peer's request; the
//! peer judges ours), against byte fixtures: the lab's pppd exchanges, a
//! Windows-style request, forbidden addresses, a peer that insists, name
//! servers asked for but not configured, and the failures found at
//! This-Layer-Up.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_lcp::option::OptionIter;
use rppp_lcp::packet::{Code, Repr};
use rppp_lcp::State;

use super::options::IpcpOption;
use super::*;

fn t0() -> Instant {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

fn ip(a: u8, b: u8, c: u8, d: u8) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
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

fn drain(ipcp: &mut Ipcp) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    loop {
        let mut out = Vec::new();
        if !ipcp.poll_transmit(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

fn events(ipcp: &mut Ipcp) -> Vec<IpcpEvent> {
    std::iter::from_fn(|| ipcp.poll_event()).collect()
}

/// A packet in pppd's log spelling: `ConfNak id=0x1 <addr 10.201.0.2>`.
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
            text.push_str(&IpcpOption::parse_lossy(option.unwrap()).to_string());
        }
    }
    text
}

fn lns_config() -> IpcpConfig {
    // xl2tpd's LNS: `10.201.0.1:10.201.0.2`.
    IpcpConfig {
        local: Some(ip(10, 201, 0, 1)),
        remote: Some(ip(10, 201, 0, 2)),
        ..IpcpConfig::default()
    }
}

/// IPCP up to Req-Sent, with its first request.
fn started(config: IpcpConfig) -> (Ipcp, Vec<u8>, StdRng) {
    let mut rng = StdRng::seed_from_u64(1332);
    let mut ipcp = Ipcp::new(config);
    ipcp.lower_up(t0(), &mut rng);
    ipcp.open(t0(), &mut rng);
    let mut sent = drain(&mut ipcp);
    assert_eq!(sent.len(), 1);
    assert_eq!(events(&mut ipcp), []);
    (ipcp, sent.remove(0), rng)
}

/// Answers the peer's request with `options` (Identifier 0x42) and
/// returns our reply as pppd would log it.
fn judge(ipcp: &mut Ipcp, rng: &mut StdRng, options: &[u8]) -> String {
    let request = packet(Code::ConfigureRequest, 0x42, options);
    ipcp.handle_packet(t0(), &request, rng);
    let sent = drain(ipcp);
    assert_eq!(sent.len(), 1, "one reply to {}", shown(&request));
    assert_eq!(
        sent[0][1], 0x42,
        "the reply carries the request's Identifier"
    );
    shown(&sent[0])
}

/// The peer acks our outstanding request.
fn peer_acks(ipcp: &mut Ipcp, rng: &mut StdRng, request: &[u8]) {
    let ack = packet(Code::ConfigureAck, request[1], &request[4..]);
    ipcp.handle_packet(t0(), &ack, rng);
}

/// The peer answers our outstanding request with `code` and `options`;
/// returns what we send next.
fn peer_replies(
    ipcp: &mut Ipcp,
    rng: &mut StdRng,
    request: &[u8],
    code: Code,
    options: &[u8],
) -> Vec<Vec<u8>> {
    ipcp.handle_packet(t0(), &packet(code, request[1], options), rng);
    drain(ipcp)
}

const ADDR_ZERO: [u8; 6] = [3, 6, 0, 0, 0, 0];

fn addr(a: Ipv4Addr) -> Vec<u8> {
    let mut out = vec![];
    IpcpOption::IpAddress(a).append_to(&mut out);
    out
}

mod lab;
mod lifecycle;
mod name_servers;
mod ours;
mod peers_address;
