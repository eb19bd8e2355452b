//! Packets from the peer: parsing, the checks pppd's `fsm.c` makes before
//! a Configure-Ack, -Nak or -Reject counts, judging the peer's
//! Configure-Request, and the event each packet fires (RFC 1661 sections
//! 4.3 and 5).

use std::time::Instant;

use rand_core::Rng;

use super::{ControlProtocol, Event, Extension, Fsm, FsmEvent, Received, State, Verdict};
use crate::option::OptionIter;
use crate::packet::{Code, Repr};
use crate::spare;

impl<P: ControlProtocol> Fsm<P> {
    /// A packet of this protocol, from the Code field on. Malformed packets
    /// are discarded and counted; nothing panics.
    pub fn handle_packet(&mut self, now: Instant, bytes: &[u8], rng: &mut dyn Rng) {
        self.counters.rx_packets = self.counters.rx_packets.wrapping_add(1);
        let repr = match Repr::parse_bytes(bytes) {
            Ok(repr) => repr,
            Err(_) => {
                self.counters.rx_malformed += 1;
                return;
            }
        };
        let received = Received {
            identifier: repr.identifier,
            packet: &bytes[..repr.buffer_len()],
            data: repr.data,
            echo_request: false,
        };
        match Code::from(repr.code) {
            Code::ConfigureRequest => self.receive_configure_request(now, received, rng),
            Code::ConfigureAck => self.receive_configure_ack(now, received, rng),
            Code::ConfigureNak | Code::ConfigureReject => {
                self.receive_configure_nak_reject(now, repr.code, received, rng)
            }
            Code::TerminateRequest => {
                if self.state.is_negotiating() || self.state == State::Opened {
                    let reason = repr.data[..repr.data.len().min(64)].to_vec();
                    self.events.push(FsmEvent::TerminateRequested { reason });
                }
                self.fire(now, Event::Rtr, received, rng);
            }
            Code::TerminateAck => self.fire(now, Event::Rta, received, rng),
            Code::CodeReject => {
                let Some(&code) = repr.data.first() else {
                    self.counters.rx_discarded += 1;
                    return;
                };
                self.counters.rx_code_rejects += 1;
                let permitted = self.protocol.code_rejected(code);
                if self.state > State::Starting {
                    self.events.push(FsmEvent::CodeRejected {
                        code,
                        fatal: !permitted,
                    });
                }
                let event = if permitted {
                    Event::RxjGood
                } else {
                    Event::RxjBad
                };
                self.fire(now, event, received, rng);
            }
            _ => {
                let extension =
                    self.protocol
                        .receive_code(repr.code, repr.identifier, repr.data, self.state);
                match extension {
                    Extension::EchoRequest => {
                        let received = Received {
                            echo_request: true,
                            ..received
                        };
                        self.fire(now, Event::Rxr, received, rng);
                    }
                    Extension::Rxr => self.fire(now, Event::Rxr, received, rng),
                    Extension::RxjGood => self.fire(now, Event::RxjGood, received, rng),
                    Extension::RxjBad => self.fire(now, Event::RxjBad, received, rng),
                    Extension::Consumed => {}
                    Extension::Discard => self.counters.rx_discarded += 1,
                    Extension::Unknown => {
                        self.counters.rx_unknown_codes += 1;
                        self.fire(now, Event::Ruc, received, rng);
                    }
                }
            }
        }
    }

    pub(super) fn receive_configure_request(
        &mut self,
        now: Instant,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        match self.state {
            // No judging: these cells answer the same for RCR+ and RCR-.
            State::Initial | State::Starting | State::Closed | State::Closing | State::Stopping => {
                self.fire(now, Event::RcrGood, received, rng);
            }
            State::Stopped | State::ReqSent | State::AckRcvd | State::AckSent | State::Opened => {
                if OptionIter::validate(received.data).is_err() {
                    self.counters.rx_bad_options += 1;
                    return;
                }
                if !self.state.is_negotiating() {
                    // A new negotiation: pppd resets its Nak counters here.
                    self.nak_loops = 0;
                    self.rnak_loops = 0;
                }
                let good = self.judge(received.data, rng);
                let event = if good { Event::RcrGood } else { Event::RcrBad };
                self.fire(now, event, received, rng);
            }
        }
    }

    /// Judges the peer's request and leaves the answer in `reply`; true when
    /// it is a Configure-Ack.
    pub(super) fn judge(&mut self, data: &[u8], rng: &mut dyn Rng) -> bool {
        let reject_if_disagree = self.nak_loops >= self.config.max_failure;
        self.protocol.begin_peer_request();
        // The Nak is built in `reply` itself (kept through a negotiation);
        // a Reject, rare, in a buffer of its own.
        let mut nak = std::mem::take(&mut self.reply);
        nak.clear();
        // Room for an Ack (the request itself) or a Nak of every option and
        // an address the peer left out, in one allocation.
        spare::reserve(&mut nak, data.len() + 8);
        let mut reject = Vec::new();
        let mut seen = [0u64; 4];
        for option in OptionIter::new(data).flatten() {
            let (word, bit) = (usize::from(option.kind / 64), 1u64 << (option.kind % 64));
            if seen[word] & bit != 0 {
                self.counters.rx_duplicate_options += 1;
                option.append_to(&mut reject);
                continue;
            }
            seen[word] |= bit;
            match self
                .protocol
                .judge_option(option, reject_if_disagree, &mut nak, rng)
            {
                Verdict::Ack | Verdict::Nak => {}
                Verdict::Reject => option.append_to(&mut reject),
            }
        }
        if reject.is_empty() {
            self.protocol.judge_missing(reject_if_disagree, &mut nak);
        }
        if !reject.is_empty() {
            self.reply_code = Code::ConfigureReject;
            spare::give(&mut nak);
            self.reply = reject;
        } else if !nak.is_empty() {
            self.reply_code = Code::ConfigureNak;
            self.reply = nak;
        } else {
            self.reply_code = Code::ConfigureAck;
            self.reply = nak;
            self.reply.extend_from_slice(data);
        }
        self.reply_code == Code::ConfigureAck
    }

    pub(super) fn expects_reply(&self, identifier: u8) -> bool {
        self.reply_pending && identifier == self.reqid
    }

    pub(super) fn receive_configure_ack(
        &mut self,
        now: Instant,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        if !self.expects_reply(received.identifier) {
            self.counters.rx_stale_replies += 1;
            return;
        }
        if received.data != self.request.as_slice() {
            self.counters.rx_bad_acks += 1;
            return;
        }
        self.reply_pending = false;
        self.rnak_loops = 0;
        self.protocol.apply_ack();
        self.fire(now, Event::Rca, received, rng);
    }

    pub(super) fn receive_configure_nak_reject(
        &mut self,
        now: Instant,
        code: u8,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        if !self.expects_reply(received.identifier) {
            self.counters.rx_stale_replies += 1;
            return;
        }
        let is_nak = code == u8::from(Code::ConfigureNak);
        let well_formed = !received.data.is_empty() && OptionIter::validate(received.data).is_ok();
        if is_nak {
            let treat_as_reject = well_formed && self.rnak_loops + 1 >= self.config.max_failure;
            if !well_formed
                || self
                    .protocol
                    .apply_nak(received.data, treat_as_reject, rng)
                    .is_err()
            {
                self.counters.rx_bad_naks += 1;
                return;
            }
            self.rnak_loops += 1;
            if treat_as_reject {
                let mut probe = Vec::new();
                self.protocol.write_request(&mut probe);
                if probe == self.request {
                    self.counters.rx_nonconverging_naks += 1;
                    return;
                }
            }
        } else {
            if !well_formed
                || !is_ordered_subset(received.data, &self.request)
                || self.protocol.apply_reject(received.data).is_err()
            {
                self.counters.rx_bad_rejects += 1;
                return;
            }
            self.rnak_loops = 0;
        }
        self.reply_pending = false;
        self.fire(now, Event::Rcn, received, rng);
    }
}

/// Whether every option of `rejected` appears, unmodified, in `request`,
/// in the same order (RFC 1661 section 5.4: "the Configuration Options in
/// a Configure-Reject MUST NOT be reordered or modified in any way").
fn is_ordered_subset(rejected: &[u8], request: &[u8]) -> bool {
    let mut ours = OptionIter::new(request).flatten();
    OptionIter::new(rejected)
        .flatten()
        .all(|theirs| ours.by_ref().any(|option| option == theirs))
}
