//! An IPCP instance, in a server or a client configuration, fed arbitrary
//! packets, commands and time steps. It never panics, sends only
//! well-formed packets, keeps its output per input bounded, and whatever
//! it reports as negotiated is usable: a non-zero local address and a peer
//! address the restriction allows.
//!
//! The input is a program: the first octet picks the configuration, then
//! each instruction is an opcode octet and its operands (see
//! `rppp_fuzz::run_automaton`).
#![no_main]

use std::net::Ipv4Addr;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use rppp_fuzz::Invariants;
use rppp_ipcp::{AllowedAddresses, Ipcp, IpcpConfig, IpcpEvent, NcpEvent};

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

/// Up means a result; the result has a local address and a peer address
/// the restriction allows.
struct IpcpInvariants {
    allowed: AllowedAddresses,
}

impl Invariants<Ipcp> for IpcpInvariants {
    fn event(&self, ipcp: &Ipcp, event: &IpcpEvent) {
        if *event == NcpEvent::Up {
            assert!(ipcp.negotiated().is_some() || ipcp.state() != rppp_lcp::State::Opened);
        }
    }

    fn after_input(&self, ipcp: &Ipcp) {
        if let Some(n) = ipcp.negotiated() {
            assert!(!n.local.is_unspecified());
            match n.peer {
                Some(peer) => assert!(self.allowed.allows(peer), "{peer} not allowed"),
                None => assert!(matches!(self.allowed, AllowedAddresses::Any)),
            }
            assert!(n.dns.iter().chain(&n.nbns).flatten().all(|a| !a.is_unspecified()));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    rppp_fuzz::run_automaton(data, |flags| {
        let config = config(flags);
        let allowed = config.allowed.clone();
        (Ipcp::new(config), IpcpInvariants { allowed })
    });
});
