//! A whole session fed arbitrary frames, commands and time steps. It never
//! panics, its output per input stays bounded, and once terminated it stays
//! silent.
//!
//! The first octet picks the configuration; then each instruction is an
//! opcode octet and its operands (see `rppp_fuzz::run`).
#![no_main]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rppp::session::{Role, Session, SessionConfig, SessionEvent};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};
use rppp_fuzz::{Machine, Program};
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

struct Target {
    session: Session,
    /// It reported `Terminated`.
    terminated: bool,
}

impl Machine for Target {
    const OPCODES: u8 = 6;
    const DEFAULT_STEP: u8 = 10;

    fn poll_timeout(&self) -> Option<Instant> {
        self.session.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng) {
        self.session.handle_timeout(now, rng);
    }

    fn input(&mut self, op: u8, program: &mut Program<'_>, now: Instant, rng: &mut StdRng) -> Option<()> {
        match op % Self::OPCODES {
            0 | 1 => {
                // A frame: protocol index, length, octets.
                let protocol = PROTOCOLS[usize::from(program.octet()?) % PROTOCOLS.len()];
                self.session.handle_frame(now, protocol, program.bytes()?, rng);
            }
            4 => self.session.start(now, rng),
            _ if op & 8 == 0 => self.session.close(now, rng),
            _ => self.session.lower_down(now, rng),
        }
        Some(())
    }

    fn check_outputs(&mut self, out: &mut Vec<u8>) {
        let session = &mut self.session;
        let mut produced = 0;
        while session.poll_action().is_some() {
            produced += 1;
        }
        loop {
            out.clear();
            let Some(_) = session.poll_transmit(out) else { break };
            assert!(!self.terminated, "a terminated session sent a frame");
            produced += 1;
        }
        while let Some(event) = session.poll_event() {
            assert!(!self.terminated, "a terminated session reported {event:?}");
            self.terminated |= matches!(event, SessionEvent::Terminated { .. });
            produced += 1;
        }
        assert!(produced <= MAX_OUTPUT_PER_INPUT, "unbounded output: {produced}");
        assert_eq!(self.terminated, session.is_terminated());
        if self.terminated {
            assert_eq!(session.poll_timeout(), None);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    rppp_fuzz::run(data, |flags, _, _| Target { session: Session::new(config(flags)), terminated: false });
});
