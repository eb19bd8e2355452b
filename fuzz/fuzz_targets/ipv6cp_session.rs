//! An IPv6CP instance fed arbitrary packets, commands and time steps. It
//! never panics, sends only well-formed packets, keeps its output per input
//! bounded, and whatever it reports as negotiated is two different
//! non-zero identifiers.
//!
//! The input is a program: the first octet picks the configuration, then
//! each instruction is an opcode octet and its operands (see
//! `rppp_fuzz::run_automaton`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_fuzz::Invariants;
use rppp_ipcp::{InterfaceId, Ipv6cp, Ipv6cpConfig};

fn config(flags: u8) -> Ipv6cpConfig {
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
    config
}

/// The negotiated identifiers are non-zero and differ.
struct Ipv6cpInvariants;

impl Invariants<Ipv6cp> for Ipv6cpInvariants {
    fn after_input(&self, ncp: &Ipv6cp) {
        if let Some(n) = ncp.negotiated() {
            assert!(!n.local.is_zero() && !n.peer.is_zero());
            assert_ne!(n.local, n.peer);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    rppp_fuzz::run_automaton(data, |flags| (Ipv6cp::new(config(flags)), Ipv6cpInvariants));
});
