//! Both directions of an authentication phase fed arbitrary PAP and CHAP
//! frames and time steps: never panics, output stays bounded, and what it
//! sends parses.
//!
//! The first octet picks the methods (and with 0x40 an outside verifier,
//! ExternalThenLocal); then each instruction is an opcode octet and its
//! operands (see `rppp_fuzz::run`). Opcodes 0 and 1 with 0x10 set deliver
//! a verdict (an operand octet picks which, and whether for the pending
//! request or a stale one); a verdict is accepted at most once.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rppp_auth::chap::packet::ChapRepr;
use rppp_auth::pap::packet::PapRepr;
use rppp_auth::{
    AllowedAddresses, Auth, AuthConfig, AuthEvent, AuthMethod, Secrets, Verdict, Verification,
    VerifyHandle,
};
use rppp_fuzz::{Machine, Program};

const METHODS: [Option<AuthMethod>; 5] = [
    None,
    Some(AuthMethod::Pap),
    Some(AuthMethod::ChapMd5),
    Some(AuthMethod::MsChap),
    Some(AuthMethod::MsChapV2),
];

/// No single input may make either side send more than this many
/// packets, or report more than this many events.
const MAX_OUTPUT_PER_INPUT: usize = 4;

fn config(flags: u8) -> AuthConfig {
    let secrets = Arc::new(
        Secrets::parse("s", b"joe lns pw *\nlns * pw2 10.0.0.1\n", &mut |_| Err(String::new()))
            .expect("fixed secrets parse"),
    );
    AuthConfig {
        name: b"lns".to_vec(),
        user: b"lns".to_vec(),
        chap_secrets: secrets.clone(),
        pap_secrets: secrets,
        chap_interval: (flags & 0x80 != 0).then(|| Duration::from_secs(5)),
        chap_peer_wait: Some(Duration::from_secs(30)),
        verification: if flags & 0x40 != 0 {
            Verification::ExternalThenLocal
        } else {
            Verification::Local
        },
        ..AuthConfig::default()
    }
}

struct Target(Auth, Option<VerifyHandle>);

/// The verdict an operand octet picks.
fn verdict(pick: u8) -> Verdict {
    match pick % 5 {
        0 => Verdict::accept(),
        1 => Verdict::Accept {
            message: Some(vec![pick; usize::from(pick >> 3)]),
            mschapv2_success: Some(b"S=0123456789ABCDEF0123456789ABCDEF01234567".to_vec()),
            addresses: AllowedAddresses::any(),
        },
        2 => Verdict::Reject { message: None },
        3 => Verdict::Reject {
            message: Some(b"E=691 R=0 V=3".to_vec()),
        },
        _ => Verdict::Unavailable,
    }
}

impl Machine for Target {
    const OPCODES: u8 = 4;

    fn poll_timeout(&self) -> Option<Instant> {
        self.0.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng) {
        self.0.handle_timeout(now, rng);
    }

    fn input(&mut self, op: u8, program: &mut Program<'_>, now: Instant, rng: &mut StdRng) -> Option<()> {
        // 0 or 1 with 0x10: a verdict, operand octet: which, and with 0x80
        // for a handle nobody was given.
        if op & 0x10 != 0 {
            let pick = program.octet()?;
            let handle = match (self.1, pick & 0x80 != 0) {
                (Some(h), false) => h,
                (h, _) => VerifyHandle::from_raw(h.map_or(7, |h| h.get() ^ 0x55)),
            };
            if self.0.verdict(now, handle, verdict(pick)).is_ok() {
                assert_eq!(self.1, Some(handle), "a verdict for a handle never given");
                self.1 = None;
                assert!(self.0.verdict(now, handle, Verdict::Unavailable).is_err(), "a verdict taken twice");
            }
            return Some(());
        }
        // 0 or 1: a frame, PAP or CHAP by `op & 4`: length octet, octets.
        let protocol = if op & 4 == 0 { 0xc023 } else { 0xc223 };
        let _ = self.0.handle_frame(now, protocol, program.bytes()?, rng);
        Some(())
    }

    fn check_outputs(&mut self, out: &mut Vec<u8>) {
        let mut sent = 0;
        loop {
            out.clear();
            let Some(protocol) = self.0.poll_transmit(out) else { break };
            match protocol {
                0xc023 => assert!(PapRepr::parse(out).is_ok(), "bad PAP sent"),
                0xc223 => assert!(ChapRepr::parse(out).is_ok(), "bad CHAP sent"),
                other => panic!("sent protocol {other:#x}"),
            }
            sent += 1;
            assert!(sent <= MAX_OUTPUT_PER_INPUT, "unbounded output");
        }
        let mut events = 0;
        while let Some(event) = self.0.poll_event() {
            if let AuthEvent::VerifyRequest(request) = event {
                self.1 = Some(request.handle);
            }
            events += 1;
            assert!(events <= MAX_OUTPUT_PER_INPUT, "unbounded events");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    rppp_fuzz::run(data, |flags, now, rng| {
        let peer = METHODS[usize::from(flags & 7) % 5];
        let ours = METHODS[usize::from(flags >> 3 & 7) % 5];
        let mut auth = Auth::new(&config(flags), peer, ours);
        auth.start(now, rng);
        Target(auth, None)
    });
});
