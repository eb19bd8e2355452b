//! xl2tpd.conf and l2tp-secrets: parsing arbitrary bytes never panics; an
//! error or a warning names a line that exists; what parses can pick a
//! section for a peer, build its tunnel settings, and lease addresses
//! from its ranges without ever leasing one address twice.
#![no_main]

use std::collections::HashSet;
use std::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use rppp::l2tpd::config::{self, AddressPool, L2tpSecrets, PoolError};
use rppp_l2tp::Role;

const PEERS: [Ipv4Addr; 3] = [
    Ipv4Addr::new(10, 0, 0, 1),
    Ipv4Addr::new(192, 0, 2, 7),
    Ipv4Addr::new(255, 255, 255, 255),
];

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&c| c == b'\n').count() + 1;
    secrets(data, lines);
    let config = match config::parse("fuzz.conf", data) {
        Ok(config) => config,
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "{e}");
            let _ = e.to_string();
            return;
        }
    };
    for w in &config.warnings {
        assert!(w.line >= 1 && w.line <= lines, "{w}");
        let _ = w.to_string();
    }
    for peer in PEERS {
        let _ = config.lns_for(peer);
    }
    for lac in &config.lac {
        let _ = lac.common.tunnel_config(Role::Lac, &config.global, "host", Some(b"s"));
    }
    let mut pool = AddressPool::new();
    let mut held = HashSet::new();
    let sections = config.lns.iter().chain(config.lns_default.as_ref());
    for (i, lns) in sections.take(8).enumerate() {
        let _ = lns.common.tunnel_config(Role::Lns, &config.global, "host", None);
        for session in 0..16 {
            match pool.allocate((i, session), lns) {
                Ok(lease) => {
                    if let Some(remote) = lease.remote {
                        assert!(held.insert(remote), "{remote} leased twice");
                        assert!(lns.ip_range.rules.iter().any(|r| r.range.contains(remote)));
                    }
                }
                Err(PoolError::Exhausted(_)) => break,
                Err(e) => panic!("{e}"),
            }
        }
    }
});

fn secrets(data: &[u8], lines: usize) {
    match L2tpSecrets::parse("fuzz-secrets", data) {
        Ok(secrets) => {
            for line in secrets.lines().iter().take(8) {
                assert!(line.line >= 1 && line.line <= lines);
                let found = secrets.line_for(&line.us, &line.them).expect("its own line");
                assert!(found.line <= line.line);
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "{e}");
            let _ = e.to_string();
        }
    }
}
