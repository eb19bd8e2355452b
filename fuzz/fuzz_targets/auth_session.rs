//! Both directions of an authentication phase fed arbitrary PAP and CHAP
//! frames and time steps: never panics, output stays bounded, and what it
//! sends parses.
//!
//! The first octet picks the methods; then each instruction is an opcode
//! octet and its operands.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_auth::chap::packet::ChapRepr;
use rppp_auth::pap::packet::PapRepr;
use rppp_auth::{Auth, AuthConfig, AuthMethod, Secrets};

const METHODS: [Option<AuthMethod>; 5] = [
    None,
    Some(AuthMethod::Pap),
    Some(AuthMethod::ChapMd5),
    Some(AuthMethod::MsChap),
    Some(AuthMethod::MsChapV2),
];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut program)) = data.split_first() else { return };
    let secrets = Arc::new(
        Secrets::parse("s", b"joe lns pw *\nlns * pw2 10.0.0.1\n", &mut |_| Err(String::new()))
            .expect("fixed secrets parse"),
    );
    let config = AuthConfig {
        name: b"lns".to_vec(),
        user: b"lns".to_vec(),
        chap_secrets: secrets.clone(),
        pap_secrets: secrets,
        chap_interval: (flags & 0x80 != 0).then(|| Duration::from_secs(5)),
        chap_peer_wait: Some(Duration::from_secs(30)),
        ..AuthConfig::default()
    };
    let peer = METHODS[usize::from(flags & 7) % 5];
    let ours = METHODS[usize::from(flags >> 3 & 7) % 5];
    let mut rng = StdRng::seed_from_u64(u64::from(flags));
    let mut auth = Auth::new(&config, peer, ours);
    let mut now = Instant::now();
    auth.start(now, &mut rng);
    let mut out = Vec::new();
    while let Some((&op, rest)) = program.split_first() {
        program = rest;
        match op % 4 {
            // A frame: protocol choice, length, octets.
            0 | 1 => {
                let Some((&n, rest)) = program.split_first() else { break };
                let n = usize::from(n).min(rest.len());
                let protocol = if op & 4 == 0 { 0xc023 } else { 0xc223 };
                let _ = auth.handle_frame(now, protocol, &rest[..n], &mut rng);
                program = &rest[n..];
            }
            2 => {
                let step = program.first().copied().unwrap_or(30);
                program = program.get(1..).unwrap_or_default();
                now += Duration::from_millis(100 * u64::from(step));
                auth.handle_timeout(now, &mut rng);
            }
            _ => {
                if let Some(deadline) = auth.poll_timeout() {
                    assert!(deadline >= now, "a deadline in the past");
                    now = deadline;
                    auth.handle_timeout(now, &mut rng);
                }
            }
        }
        let mut sent = 0;
        loop {
            out.clear();
            let Some(protocol) = auth.poll_transmit(&mut out) else { break };
            match protocol {
                0xc023 => assert!(PapRepr::parse(&out).is_ok(), "bad PAP sent"),
                0xc223 => assert!(ChapRepr::parse(&out).is_ok(), "bad CHAP sent"),
                other => panic!("sent protocol {other:#x}"),
            }
            sent += 1;
            assert!(sent <= 4, "unbounded output");
        }
        let mut events = 0;
        while auth.poll_event().is_some() {
            events += 1;
            assert!(events <= 4, "unbounded events");
        }
    }
});
