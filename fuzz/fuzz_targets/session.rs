//! A whole session fed arbitrary frames, commands and time steps. It never
//! panics, its output per input stays bounded, and once terminated it stays
//! silent.
//!
//! The first octet picks the configuration; then each instruction is an
//! opcode octet and its operands.
#![no_main]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp::session::{Role, Session, SessionConfig, SessionEvent};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};
use rppp_ipcp::Ipv6cpConfig;

const PROTOCOLS: [u16; 12] =
    [0xc021, 0xc023, 0xc223, 0x8021, 0x8057, 0x80fd, 0x0021, 0x0057, 0xc02b, 0xc227, 0x8281, 0x0000];
const MAX_OUTPUT_PER_INPUT: usize = 64;

fn config(flags: u8) -> SessionConfig {
    let mut config = SessionConfig::new(if flags & 1 == 0 { Role::Lns } else { Role::Lac });
    let mut no_files = |path: &str| Err(format!("no file {path}"));
    let secrets = Arc::new(Secrets::parse("chap-secrets", b"* * s3cret *\n", &mut no_files).expect("valid"));
    config.auth.name = b"lns".to_vec();
    config.auth.user = b"lac".to_vec();
    config.auth.chap_secrets = secrets.clone();
    config.auth.pap_secrets = secrets;
    config.lcp.require = match (flags >> 1) & 3 {
        0 => AuthMethods::NONE,
        1 => AuthMethods::NONE.with(AuthMethod::Pap),
        2 => AuthMethods::NONE.with(AuthMethod::ChapMd5),
        _ => AuthMethods::NONE.with(AuthMethod::MsChapV2),
    };
    if flags & 8 != 0 {
        config.ipv6cp = Some(Ipv6cpConfig::default());
    }
    if flags & 16 != 0 {
        config.lcp.echo_interval = Some(Duration::from_secs(5));
        config.lcp.echo_failure = 2;
    }
    config.lcp.fsm.passive = flags & 32 != 0;
    config.ipcp.local = Some(Ipv4Addr::new(10, 0, 0, 1));
    config.ipcp.remote = Some(Ipv4Addr::new(10, 0, 0, 2));
    config.maxconnect = (flags & 64 != 0).then(|| Duration::from_secs(60));
    config
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut program)) = data.split_first() else { return };
    let mut rng = StdRng::seed_from_u64(u64::from(flags));
    let mut session = Session::new(config(flags));
    let mut now = Instant::now();
    let mut terminated = false;
    let mut out = Vec::new();
    while let Some((&op, rest)) = program.split_first() {
        program = rest;
        match op % 6 {
            0 | 1 => {
                // A frame: protocol index, length, octets.
                let [which, n, ..] = *program else { break };
                let n = usize::from(n).min(program.len() - 2);
                let protocol = PROTOCOLS[usize::from(which) % PROTOCOLS.len()];
                session.handle_frame(now, protocol, &program[2..2 + n], &mut rng);
                program = &program[2 + n..];
            }
            2 => {
                let step = program.first().copied().unwrap_or(10);
                program = program.get(1..).unwrap_or_default();
                now += Duration::from_millis(100 * u64::from(step));
                session.handle_timeout(now, &mut rng);
            }
            3 => {
                if let Some(deadline) = session.poll_timeout() {
                    assert!(deadline >= now, "a deadline in the past");
                    now = deadline;
                    session.handle_timeout(now, &mut rng);
                }
            }
            4 => session.start(now, &mut rng),
            _ => {
                if op & 8 == 0 {
                    session.close(now, &mut rng);
                } else {
                    session.lower_down(now, &mut rng);
                }
            }
        }
        let mut produced = 0;
        while session.poll_action().is_some() {
            produced += 1;
        }
        loop {
            out.clear();
            let Some(_) = session.poll_transmit(&mut out) else { break };
            assert!(!terminated, "a terminated session sent a frame");
            produced += 1;
        }
        while let Some(event) = session.poll_event() {
            assert!(!terminated, "a terminated session reported {event:?}");
            terminated |= matches!(event, SessionEvent::Terminated { .. });
            produced += 1;
        }
        assert!(produced <= MAX_OUTPUT_PER_INPUT, "unbounded output: {produced}");
        assert_eq!(terminated, session.is_terminated());
        if terminated {
            assert_eq!(session.poll_timeout(), None);
        }
    }
});
