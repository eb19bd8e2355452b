//! An LCP instance fed arbitrary packets, commands and time steps. It never
//! panics, and its output per input stays bounded.
//!
//! The input is a program: the first octet picks the configuration, then
//! each instruction is an opcode octet and its operands.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_lcp::lcp::{AuthMethods, Lcp, LcpConfig};
use rppp_lcp::packet::Repr;

/// No single input may make LCP queue more than this many packets.
const MAX_PACKETS_PER_INPUT: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut program)) = data.split_first() else { return };
    let mut config = LcpConfig::default();
    config.fsm.passive = flags & 1 != 0;
    config.fsm.silent = flags & 2 != 0;
    if flags & 4 != 0 {
        config.require = AuthMethods::ALL;
    }
    if flags & 8 != 0 {
        config.echo_interval = Some(Duration::from_secs(1));
        config.echo_failure = 3;
    }
    if flags & 16 != 0 {
        config.mru = 1400;
        config.mtu = 1400;
    }
    config.fsm.max_configure = u32::from(flags >> 5) + 1;
    let mut rng = StdRng::seed_from_u64(u64::from(flags));
    let mut lcp = Lcp::new(config);
    let mut now = Instant::now();
    let mut out = Vec::new();

    while let Some((&op, rest)) = program.split_first() {
        program = rest;
        match op % 8 {
            // A raw packet: length octet, then the octets.
            0 => {
                let Some((&n, rest)) = program.split_first() else { break };
                let n = usize::from(n).min(rest.len());
                lcp.handle_packet(now, &rest[..n], &mut rng);
                program = &rest[n..];
            }
            // A well-framed packet: code, identifier, length octet, data.
            1 => {
                let [code, identifier, n, ..] = *program else { break };
                let n = usize::from(n).min(program.len() - 3);
                let data = &program[3..3 + n];
                let mut packet = Vec::new();
                Repr { code: code % 16, identifier, data }.append_to(&mut packet);
                lcp.handle_packet(now, &packet, &mut rng);
                program = &program[3 + n..];
            }
            // Time passes: up to 25.5 s in 100 ms steps.
            2 => {
                let step = program.first().copied().unwrap_or(30);
                program = program.get(1..).unwrap_or_default();
                now += Duration::from_millis(100 * u64::from(step));
                lcp.handle_timeout(now, &mut rng);
            }
            // Jump to the next deadline.
            3 => {
                if let Some(deadline) = lcp.poll_timeout() {
                    assert!(deadline >= now, "a deadline in the past");
                    now = deadline;
                    lcp.handle_timeout(now, &mut rng);
                }
            }
            4 => lcp.open(now, &mut rng),
            5 => lcp.close(now, "fuzz", &mut rng),
            6 => lcp.lower_up(now, &mut rng),
            _ => {
                if op & 8 != 0 {
                    lcp.lower_down(now, &mut rng);
                } else {
                    let _ = lcp.protocol_reject(0x8021, program);
                }
            }
        }
        let mut sent = 0;
        loop {
            out.clear();
            if !lcp.poll_transmit(&mut out) {
                break;
            }
            assert!(Repr::parse_bytes(&out).is_ok(), "LCP sent a malformed packet");
            sent += 1;
            assert!(sent <= MAX_PACKETS_PER_INPUT, "unbounded output");
        }
        let mut events = 0;
        while lcp.poll_event().is_some() {
            events += 1;
            assert!(events <= MAX_PACKETS_PER_INPUT, "unbounded events");
        }
        if let Some(n) = lcp.negotiated() {
            assert!(n.mtu <= n.peer_mru && n.peer_mru >= 128);
        }
    }
});
