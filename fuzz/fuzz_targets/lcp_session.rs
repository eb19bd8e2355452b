//! An LCP instance fed arbitrary packets, commands and time steps. It never
//! panics, and its output per input stays bounded.
//!
//! The input is a program: the first octet picks the configuration, then
//! each instruction is an opcode octet and its operands (see
//! `rppp_fuzz::run_automaton`).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use rppp_fuzz::Invariants;
use rppp_lcp::lcp::{AuthMethods, Lcp, LcpConfig};

fn config(flags: u8) -> LcpConfig {
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
    config
}

/// What LCP negotiates fits the peer's MRU, which is at least 128.
struct LcpInvariants;

impl Invariants<Lcp> for LcpInvariants {
    fn after_input(&self, lcp: &Lcp) {
        if let Some(n) = lcp.negotiated() {
            assert!(n.mtu <= n.peer_mru && n.peer_mru >= 128);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    rppp_fuzz::run_automaton(data, |flags| (Lcp::new(config(flags)), LcpInvariants));
});
