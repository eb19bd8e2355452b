//! An IPCP instance, in a server or a client configuration, fed arbitrary
//! packets, commands and time steps. It never panics, sends only
//! well-formed packets, keeps its output per input bounded, and whatever
//! it reports as negotiated is usable: a non-zero local address and a peer
//! address the restriction allows.
//!
//! The input is a program: the first octet picks the configuration, then
//! each instruction is an opcode octet and its operands.
#![no_main]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_ipcp::{AllowedAddresses, Ipcp, IpcpConfig, NcpEvent};
use rppp_lcp::option::OptionIter;
use rppp_lcp::packet::Repr;

/// No single input may make IPCP queue more than this many packets.
const MAX_PACKETS_PER_INPUT: usize = 16;

fn config(flags: u8) -> IpcpConfig {
    let mut config = IpcpConfig::default();
    if flags & 1 != 0 {
        // Server: `10.201.0.1:10.201.0.2`, name servers to give.
        config.local = Some(Ipv4Addr::new(10, 201, 0, 1));
        config.remote = Some(Ipv4Addr::new(10, 201, 0, 2));
        config.push_ms_dns(Ipv4Addr::new(8, 8, 8, 8));
        config.push_ms_wins(Ipv4Addr::new(10, 201, 0, 53));
    } else {
        // Client: ask for everything.
        config.noipdefault = flags & 2 != 0;
        config.hostname_address = Some(Ipv4Addr::new(192, 0, 2, 1));
        config.use_peer_dns = true;
        config.use_peer_wins = flags & 4 != 0;
    }
    config.accept_local = flags & 8 != 0;
    config.accept_remote = flags & 16 != 0;
    config.allowed = match (flags >> 5) & 3 {
        0 => AllowedAddresses::Any,
        1 => AllowedAddresses::None,
        2 => AllowedAddresses::Only {
            allows: Arc::new(|a: Ipv4Addr| a.octets()[0] == 10),
            suggested: Some(Ipv4Addr::new(10, 201, 0, 50)),
        },
        _ => AllowedAddresses::Only {
            allows: Arc::new(|a: Ipv4Addr| a.octets()[3] % 2 == 0),
            suggested: None,
        },
    };
    config.fsm.max_failure = 3;
    config.fsm.passive = flags & 128 != 0;
    config
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut program)) = data.split_first() else { return };
    let config = config(flags);
    let allowed = config.allowed.clone();
    let mut rng = StdRng::seed_from_u64(u64::from(flags));
    let mut ipcp = Ipcp::new(config);
    let mut now = Instant::now();
    let mut out = Vec::new();

    while let Some((&op, rest)) = program.split_first() {
        program = rest;
        match op % 8 {
            // A raw packet: length octet, then the octets.
            0 => {
                let Some((&n, rest)) = program.split_first() else { break };
                let n = usize::from(n).min(rest.len());
                ipcp.handle_packet(now, &rest[..n], &mut rng);
                program = &rest[n..];
            }
            // A well-framed packet: code, identifier, length octet, data.
            1 => {
                let [code, identifier, n, ..] = *program else { break };
                let n = usize::from(n).min(program.len() - 3);
                let data = &program[3..3 + n];
                let mut packet = Vec::new();
                Repr { code: code % 8, identifier, data }.append_to(&mut packet);
                ipcp.handle_packet(now, &packet, &mut rng);
                program = &program[3 + n..];
            }
            // Time passes: up to 25.5 s in 100 ms steps.
            2 => {
                let step = program.first().copied().unwrap_or(30);
                program = program.get(1..).unwrap_or_default();
                now += Duration::from_millis(100 * u64::from(step));
                ipcp.handle_timeout(now, &mut rng);
            }
            // Jump to the next deadline.
            3 => {
                if let Some(deadline) = ipcp.poll_timeout() {
                    assert!(deadline >= now, "a deadline in the past");
                    now = deadline;
                    ipcp.handle_timeout(now, &mut rng);
                }
            }
            4 => ipcp.open(now, &mut rng),
            5 => ipcp.close(now, "fuzz", &mut rng),
            6 => ipcp.lower_up(now, &mut rng),
            _ => {
                if op & 8 != 0 {
                    ipcp.lower_down(now, &mut rng);
                } else {
                    ipcp.protocol_rejected(now, &mut rng);
                }
            }
        }
        let mut sent = 0;
        loop {
            out.clear();
            if !ipcp.poll_transmit(&mut out) {
                break;
            }
            let repr = Repr::parse_bytes(&out).expect("IPCP sent a malformed packet");
            if (1..=4).contains(&repr.code) {
                assert!(OptionIter::validate(repr.data).is_ok(), "malformed options");
            }
            sent += 1;
            assert!(sent <= MAX_PACKETS_PER_INPUT, "unbounded output");
        }
        let mut events = 0;
        while let Some(event) = ipcp.poll_event() {
            if event == NcpEvent::Up {
                assert!(ipcp.negotiated().is_some() || ipcp.state() != rppp_lcp::State::Opened);
            }
            events += 1;
            assert!(events <= MAX_PACKETS_PER_INPUT, "unbounded events");
        }
        if let Some(n) = ipcp.negotiated() {
            assert!(!n.local.is_unspecified());
            match n.peer {
                Some(peer) => assert!(allowed.allows(peer), "{peer} not allowed"),
                None => assert!(matches!(allowed, AllowedAddresses::Any)),
            }
            assert!(n.dns.iter().chain(&n.nbns).flatten().all(|a| !a.is_unspecified()));
        }
    }
});
