//! The automaton against RFC 1661: every cell of the section 4.1 table, random
//! event sequences checked against the table, and the packet-level checks
//! that decide which packets become events.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng};
use rand_core::Rng;

use super::*;
use crate::option::{append_u16, OptionIter, RawOption};

/// A protocol with one negotiable option: type 1, a u16. The peer's value is
/// acceptable when even; an odd one is Nak'd with the next even number.
/// Type 2 is rejected, like anything unknown.
#[derive(Debug, Default)]
struct Toy {
    want: Option<u16>,
    configured: Option<u16>,
    peer_value: Option<u16>,
    resets: u32,
}

impl ControlProtocol for Toy {
    const NAME: &'static str = "TOY";

    fn reset(&mut self, _rng: &mut dyn Rng) {
        self.want = self.configured;
        self.resets += 1;
    }

    fn write_request(&mut self, out: &mut Vec<u8>) {
        if let Some(v) = self.want {
            append_u16(out, 1, v);
        }
    }

    fn begin_peer_request(&mut self) {
        self.peer_value = None;
    }

    fn judge_option(
        &mut self,
        option: RawOption<'_>,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
        _rng: &mut dyn Rng,
    ) -> Verdict {
        match (option.kind, option.data_u16()) {
            (1, Some(v)) if v % 2 == 0 => {
                self.peer_value = Some(v);
                Verdict::Ack
            }
            (1, Some(v)) if !reject_if_disagree => {
                append_u16(nak, 1, v.wrapping_add(1));
                Verdict::Nak
            }
            _ => Verdict::Reject,
        }
    }

    fn apply_nak(
        &mut self,
        options: &[u8],
        treat_as_reject: bool,
        _rng: &mut dyn Rng,
    ) -> Result<(), BadReply> {
        for option in OptionIter::new(options) {
            let option = option.map_err(|_| BadReply::Malformed)?;
            if option.kind == 1 && self.want.is_some() {
                let v = option
                    .data_u16()
                    .ok_or(BadReply::BadOptionLength { kind: 1 })?;
                self.want = if treat_as_reject { None } else { Some(v) };
            }
        }
        Ok(())
    }

    fn apply_reject(&mut self, options: &[u8]) -> Result<(), BadReply> {
        for option in OptionIter::new(options).flatten() {
            if option.kind == 1 {
                self.want = None;
            }
        }
        Ok(())
    }

    fn receive_code(&mut self, code: u8, _identifier: u8, data: &[u8], _state: State) -> Extension {
        match code {
            9 if data.len() >= 4 => Extension::EchoRequest,
            10 | 11 => Extension::Rxr,
            _ => Extension::Unknown,
        }
    }
}

fn t0() -> Instant {
    // One fixed origin per process is enough: only differences matter.
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(1661)
}

fn toy(value: Option<u16>) -> Fsm<Toy> {
    Fsm::new(
        Toy {
            configured: value,
            ..Toy::default()
        },
        FsmConfig::default(),
    )
}

fn drain(fsm: &mut Fsm<Toy>) -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    loop {
        let mut out = Vec::new();
        if !fsm.poll_transmit(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

fn events(fsm: &mut Fsm<Toy>) -> Vec<FsmEvent> {
    std::iter::from_fn(|| fsm.poll_event()).collect()
}

fn packet(code: Code, identifier: u8, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Repr {
        code: code.into(),
        identifier,
        data,
    }
    .append_to(&mut out);
    out
}

/// Drives a fresh automaton to Req-Sent and returns it with its first
/// request.
fn requesting(value: Option<u16>) -> (Fsm<Toy>, Vec<u8>, StdRng) {
    let mut rng = rng();
    let mut fsm = toy(value);
    fsm.lower_up(t0(), &mut rng);
    fsm.open(t0(), &mut rng);
    let mut packets = drain(&mut fsm);
    assert_eq!(packets.len(), 1);
    assert_eq!(fsm.state(), State::ReqSent);
    (fsm, packets.remove(0), rng)
}

mod limits;
mod packets;
mod table;
