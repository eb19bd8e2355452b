//! An L2TP control connection fed arbitrary datagrams, commands and time
//! steps. It never panics, everything it sends is a well-formed control
//! message, its output per input stays bounded (a fixed number, plus two
//! for each message the input acknowledged: the window it frees and the
//! congestion window's growth), and once closed it stays silent.
//!
//! The first octet picks the configuration (role, secret, hiding, who
//! opens); then each instruction is an opcode octet and its operands (see
//! `rppp_fuzz::run`). Opcode 1 wraps its operand octets in a header that
//! is in sequence, so the fuzzer reaches past reliable delivery into the
//! state machines.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rppp_fuzz::{Machine, Program};
use rppp_l2tp::avp::{Avp, ProtocolVersion};
use rppp_l2tp::message::{Message, MessageType};
use rppp_l2tp::{CallParams, CdnResult, HeaderRepr, ResultCode, Role, StopCcnResult, Tunnel, TunnelConfig, TunnelState};

const MAX_OUTPUT_PER_INPUT: usize = 64;

fn config(flags: u8) -> TunnelConfig {
    let role = if flags & 1 == 0 { Role::Lns } else { Role::Lac };
    let mut config = TunnelConfig::new(role, "fuzz");
    if flags & 2 != 0 {
        config.secret = Some(b"s3cret".to_vec());
        config.hide_avps = flags & 4 != 0;
    }
    config.hello_interval = (flags & 8 != 0).then(|| Duration::from_secs(5));
    config.max_sessions = usize::from(flags >> 5) + 1;
    config
}

/// A well-formed SCCRQ from a peer with Tunnel ID 77.
fn peer_sccrq() -> Vec<u8> {
    let m = Message::new(
        MessageType::Sccrq,
        [
            Avp::ProtocolVersion(ProtocolVersion::RFC2661),
            Avp::HostName(b"peer".to_vec()),
            Avp::FramingCapabilities(rppp_l2tp::avp::Framing::BOTH),
            Avp::AssignedTunnelId(77),
        ],
    );
    m.encode(HeaderRepr::control(0, 0, 0, 0), None)
}

struct Target {
    tunnel: Tunnel,
    closed: bool,
    /// Messages the peer had acknowledged after the last input.
    acknowledged: u64,
}

impl Target {
    fn session(&self, pick: u8) -> u16 {
        let ids: Vec<u16> = self.tunnel.session_ids().collect();
        if ids.is_empty() {
            u16::from(pick)
        } else {
            ids[usize::from(pick) % ids.len()]
        }
    }
}

impl Machine for Target {
    const OPCODES: u8 = 8;

    fn poll_timeout(&self) -> Option<Instant> {
        self.tunnel.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng) {
        self.tunnel.handle_timeout(now, rng);
    }

    fn input(&mut self, op: u8, program: &mut Program<'_>, now: Instant, rng: &mut StdRng) -> Option<()> {
        match op % Self::OPCODES {
            0 => self.tunnel.handle_datagram(now, program.bytes()?, rng),
            1 => {
                let session = u16::from(program.octet()?);
                let nr = u16::from(program.octet()?);
                let body = program.bytes()?;
                let header = HeaderRepr {
                    length: Some((12 + body.len()) as u16),
                    ..HeaderRepr::control(self.tunnel.local_id(), session, self.tunnel.receive_next(), nr)
                };
                let mut datagram = vec![0; 12];
                header.emit(&mut datagram);
                datagram.extend_from_slice(body);
                self.tunnel.handle_datagram(now, &datagram, rng);
            }
            4 => {
                let _ = self.tunnel.open_session(now, CallParams::default(), rng);
            }
            5 => {
                let id = self.session(program.octet()?);
                let _ = self.tunnel.close_session(now, id, ResultCode::cdn(CdnResult::Administrative));
            }
            6 => {
                let id = self.session(program.octet()?);
                let _ = self.tunnel.send_link_info(now, id, 0, u32::MAX);
            }
            _ => self.tunnel.close(now, ResultCode::stop(StopCcnResult::GeneralClear)),
        }
        Some(())
    }

    fn check_outputs(&mut self, out: &mut Vec<u8>) {
        let acknowledged = self.tunnel.counters().reliable.acknowledged;
        let freed = usize::try_from(acknowledged - self.acknowledged).unwrap_or(usize::MAX);
        self.acknowledged = acknowledged;
        let mut sent = 0;
        loop {
            out.clear();
            if !self.tunnel.poll_transmit(out) {
                break;
            }
            assert!(!self.closed, "a closed tunnel sent a datagram");
            sent += 1;
            assert!(
                sent <= MAX_OUTPUT_PER_INPUT.saturating_add(freed.saturating_mul(2)),
                "too many datagrams for one input"
            );
            let (header, body) = HeaderRepr::parse(out).expect("we send valid headers");
            assert!(header.control);
            if !body.is_empty() {
                let secret = self.tunnel.config().secret.clone();
                Message::parse(&out[body], secret.as_deref()).expect("we send valid messages");
            }
        }
        let mut events = 0;
        while self.tunnel.poll_event().is_some() {
            events += 1;
            assert!(events <= 70_000, "unbounded events");
        }
        self.closed = self.tunnel.state() == TunnelState::Closed;
    }
}

fuzz_target!(|data: &[u8]| {
    rppp_fuzz::run(data, |flags, now, rng| {
        let config = Arc::new(config(flags));
        let tunnel = if flags & 16 != 0 {
            Tunnel::connect(config, 1701, now, rng)
        } else {
            Tunnel::accept(config, 1701, &peer_sccrq(), now, rng).expect("a valid SCCRQ")
        };
        Target {
            tunnel,
            closed: false,
            acknowledged: 0,
        }
    });
});
