//! An IPv6CP instance fed arbitrary packets, commands and time steps. It
//! never panics, sends only well-formed packets, keeps its output per input
//! bounded, and whatever it reports as negotiated is two different
//! non-zero identifiers.
//!
//! The input is a program: the first octet picks the configuration, then
//! each instruction is an opcode octet and its operands.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_ipcp::{InterfaceId, Ipv6cp, Ipv6cpConfig};
use rppp_lcp::option::OptionIter;
use rppp_lcp::packet::Repr;

/// No single input may make IPv6CP queue more than this many packets.
const MAX_PACKETS_PER_INPUT: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut program)) = data.split_first() else { return };
    let mut config = Ipv6cpConfig::default();
    if flags & 1 != 0 {
        config.local = Some(InterfaceId([0x78, 0x6a, 0xf5, 0x6f, 0x70, 0xe9, 0x09, 0x9c]));
    }
    if flags & 2 != 0 {
        config.remote = Some(InterfaceId([0xf8, 0xb2, 0x33, 0x64, 0xf0, 0xc7, 0xb1, 0x65]));
    }
    if flags & 4 != 0 {
        // A configured remote equal to our own identifier.
        config.remote = config.local;
    }
    config.accept_local = flags & 8 != 0;
    config.accept_remote = flags & 16 != 0;
    config.fsm.passive = flags & 32 != 0;
    config.fsm.max_failure = u32::from(flags >> 6) + 1;
    let mut rng = StdRng::seed_from_u64(u64::from(flags));
    let mut ncp = Ipv6cp::new(config);
    let mut now = Instant::now();
    let mut out = Vec::new();

    while let Some((&op, rest)) = program.split_first() {
        program = rest;
        match op % 8 {
            0 => {
                let Some((&n, rest)) = program.split_first() else { break };
                let n = usize::from(n).min(rest.len());
                ncp.handle_packet(now, &rest[..n], &mut rng);
                program = &rest[n..];
            }
            1 => {
                let [code, identifier, n, ..] = *program else { break };
                let n = usize::from(n).min(program.len() - 3);
                let data = &program[3..3 + n];
                let mut packet = Vec::new();
                Repr { code: code % 8, identifier, data }.append_to(&mut packet);
                ncp.handle_packet(now, &packet, &mut rng);
                program = &program[3 + n..];
            }
            2 => {
                let step = program.first().copied().unwrap_or(30);
                program = program.get(1..).unwrap_or_default();
                now += Duration::from_millis(100 * u64::from(step));
                ncp.handle_timeout(now, &mut rng);
            }
            3 => {
                if let Some(deadline) = ncp.poll_timeout() {
                    assert!(deadline >= now, "a deadline in the past");
                    now = deadline;
                    ncp.handle_timeout(now, &mut rng);
                }
            }
            4 => ncp.open(now, &mut rng),
            5 => ncp.close(now, "fuzz", &mut rng),
            6 => ncp.lower_up(now, &mut rng),
            _ => {
                if op & 8 != 0 {
                    ncp.lower_down(now, &mut rng);
                } else {
                    ncp.protocol_rejected(now, &mut rng);
                }
            }
        }
        let mut sent = 0;
        loop {
            out.clear();
            if !ncp.poll_transmit(&mut out) {
                break;
            }
            let repr = Repr::parse_bytes(&out).expect("IPv6CP sent a malformed packet");
            if (1..=4).contains(&repr.code) {
                assert!(OptionIter::validate(repr.data).is_ok(), "malformed options");
            }
            sent += 1;
            assert!(sent <= MAX_PACKETS_PER_INPUT, "unbounded output");
        }
        let mut events = 0;
        while ncp.poll_event().is_some() {
            events += 1;
            assert!(events <= MAX_PACKETS_PER_INPUT, "unbounded events");
        }
        if let Some(n) = ncp.negotiated() {
            assert!(!n.local.is_zero() && !n.peer.is_zero());
            assert_ne!(n.local, n.peer);
        }
    }
});
