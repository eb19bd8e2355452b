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

/// The observable actions behind what the automaton emitted, sorted.
fn observed(packets: &[Vec<u8>], events: &[FsmEvent]) -> Vec<Action> {
    let mut actions: Vec<Action> = packets
        .iter()
        .map(|p| match Code::from(p[0]) {
            Code::ConfigureRequest => Action::Scr,
            Code::ConfigureAck => Action::Sca,
            Code::ConfigureNak | Code::ConfigureReject => Action::Scn,
            Code::TerminateRequest => Action::Str,
            Code::TerminateAck => Action::Sta,
            Code::CodeReject => Action::Scj,
            Code::EchoReply => Action::Ser,
            other => panic!("unexpected packet {other:?}"),
        })
        .collect();
    actions.extend(events.iter().filter_map(|e| match e {
        FsmEvent::Up => Some(Action::Tlu),
        FsmEvent::Down => Some(Action::Tld),
        FsmEvent::Started => Some(Action::Tls),
        FsmEvent::Finished => Some(Action::Tlf),
        _ => None,
    }));
    actions.sort();
    actions
}

const SENTINEL_COUNT: u32 = 5;

/// Puts `fsm` in `state` as if it had got there: the restart timer runs where
/// the state has one, and a request is outstanding.
fn force(fsm: &mut Fsm<Toy>, state: State, now: Instant) {
    fsm.state = state;
    fsm.restart_count = SENTINEL_COUNT;
    fsm.deadline = state
        .has_restart_timer()
        .then(|| now + Duration::from_secs(1));
    let mut request = Vec::new();
    fsm.protocol.write_request(&mut request);
    fsm.request = request;
}

/// Fires `event` in `fsm`'s current state and checks what it did against the
/// RFC's cell.
fn check_cell(fsm: &mut Fsm<Toy>, event: Event, now: Instant, rng: &mut dyn Rng) {
    let state = fsm.state();
    let count_before = fsm.restart_count;
    let deadline_before = fsm.deadline;
    let illegal_before = fsm.counters().illegal_events;
    fsm.inject(now, event, rng);
    let packets = drain(fsm);
    let events = events(fsm);
    let context = format!("{event} in {state}");
    let Some(cell) = rfc1661_table::cell(state, event) else {
        assert_eq!(
            fsm.state(),
            state,
            "{context}: a dash must not change state"
        );
        assert!(
            packets.is_empty() && events.is_empty(),
            "{context}: a dash must do nothing"
        );
        assert_eq!(fsm.restart_count, count_before, "{context}");
        assert_eq!(fsm.deadline, deadline_before, "{context}");
        assert_eq!(
            fsm.counters().illegal_events,
            illegal_before + 1,
            "{context}"
        );
        return;
    };
    assert_eq!(fsm.state(), cell.next, "{context}: next state");

    let mut expected: Vec<Action> = cell
        .actions
        .iter()
        .copied()
        .filter(|a| !matches!(a, Action::Irc | Action::Zrc))
        .collect();
    expected.sort();
    assert_eq!(observed(&packets, &events), expected, "{context}: actions");

    let sends = cell
        .actions
        .iter()
        .filter(|a| matches!(a, Action::Scr | Action::Str))
        .count() as u32;
    let config = FsmConfig::default();
    let count = if cell.actions.contains(&Action::Zrc) {
        0
    } else if cell.actions.contains(&Action::Irc) {
        let base = if cell.actions.contains(&Action::Str) {
            config.max_terminate
        } else {
            config.max_configure
        };
        base - sends
    } else {
        // Injected TO+ can find the counter at zero; it never goes below.
        count_before.saturating_sub(sends)
    };
    assert_eq!(fsm.restart_count, count, "{context}: restart counter");

    let restarts_timer = cell
        .actions
        .iter()
        .any(|a| matches!(a, Action::Scr | Action::Str | Action::Zrc));
    let deadline = if !cell.next.has_restart_timer() {
        None
    } else if restarts_timer {
        Some(now + config.restart_interval)
    } else {
        deadline_before
    };
    assert_eq!(fsm.deadline, deadline, "{context}: restart timer");
}

#[test]
fn every_cell_of_the_rfc1661_table() {
    let now = t0() + Duration::from_secs(100);
    let mut rng = rng();
    let mut cells = 0;
    for state in State::ALL {
        for event in Event::ALL {
            let mut fsm = toy(Some(4));
            force(&mut fsm, state, now);
            check_cell(&mut fsm, event, now, &mut rng);
            cells += 1;
        }
    }
    assert_eq!(cells, 160);
}

#[test]
fn the_transition_function_is_the_table() {
    for state in State::ALL {
        for event in Event::ALL {
            let ours = transition(state, event).map(|t| (t.actions.to_vec(), t.next));
            let rfc = rfc1661_table::cell(state, event).map(|c| (c.actions, c.next));
            assert_eq!(ours, rfc, "{event} in {state}");
        }
    }
}

#[test]
fn random_event_sequences_follow_the_table() {
    for seed in 0..200 {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut fsm = toy(Some(4));
        let mut now = t0();
        for _ in 0..500 {
            now += Duration::from_millis(rng.random_range(0..4000));
            let event = Event::ALL[rng.random_range(0..Event::ALL.len())];
            check_cell(&mut fsm, event, now, &mut rng);
        }
    }
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

#[test]
fn a_reply_with_a_stale_identifier_is_dropped() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    let id = request[1];
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, id.wrapping_add(1), &request[4..]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    assert_eq!(fsm.counters().rx_stale_replies, 1);
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, id, &request[4..]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::AckRcvd);
    // A second Ack of the same request is not a second event.
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, id, &request[4..]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::AckRcvd);
    assert_eq!(fsm.counters().rx_stale_replies, 2);
}

#[test]
fn an_ack_that_differs_from_our_request_is_dropped() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    let mut altered = request[4..].to_vec();
    altered[3] ^= 1;
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, request[1], &altered),
        &mut rng,
    );
    fsm.handle_packet(t0(), &packet(Code::ConfigureAck, request[1], &[]), &mut rng);
    assert_eq!(fsm.state(), State::ReqSent);
    assert_eq!(fsm.counters().rx_bad_acks, 2);
}

#[test]
fn a_reject_must_be_an_ordered_subset_of_our_request() {
    // Two options in our request: type 1 from the protocol, plus type 3
    // we add by hand to have something to reorder.
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let mut request = Vec::new();
    append_u16(&mut request, 1, 4);
    append_u16(&mut request, 3, 9);
    fsm.request = request.clone();
    let id = fsm.reqid;
    let mut reordered = request[4..].to_vec();
    reordered.extend_from_slice(&request[..4]);
    let mut modified = request[..4].to_vec();
    modified[3] = 5;
    for bad in [reordered.as_slice(), &modified, &[7, 2], &[]] {
        fsm.handle_packet(t0(), &packet(Code::ConfigureReject, id, bad), &mut rng);
    }
    assert_eq!(fsm.counters().rx_bad_rejects, 4);
    assert_eq!(fsm.state(), State::ReqSent);
    assert!(drain(&mut fsm).is_empty());
    // A proper subset, in order: RCN, and a new request without the option.
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureReject, id, &request[..4]),
        &mut rng,
    );
    let sent = drain(&mut fsm);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0][0], 1);
    assert_ne!(sent[0][1], id, "a new request gets a new Identifier");
    assert_eq!(&sent[0][4..], &[] as &[u8]);
}

#[test]
fn a_nak_naming_options_we_never_sent_is_harmless() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    // Types 3 and 200 were never in our request.
    let nak = [3, 4, 0, 1, 200, 3, 9];
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, request[1], &nak),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    let sent = drain(&mut fsm);
    assert_eq!(sent.len(), 1, "RCN: a new request");
    assert_eq!(&sent[0][4..], &request[4..], "our options are unchanged");
    // A malformed Nak is discarded.
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureNak, sent[0][1], &[1, 1]),
        &mut rng,
    );
    assert_eq!(fsm.counters().rx_bad_naks, 1);
    assert!(drain(&mut fsm).is_empty());
}

#[test]
fn a_duplicated_option_is_judged_once_and_the_repeat_rejected() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let request = [1, 4, 0, 6, 1, 4, 0, 8];
    fsm.handle_packet(t0(), &packet(Code::ConfigureRequest, 9, &request), &mut rng);
    let sent = drain(&mut fsm);
    assert_eq!(sent, [packet(Code::ConfigureReject, 9, &request[4..])]);
    assert_eq!(fsm.counters().rx_duplicate_options, 1);
    assert_eq!(
        fsm.protocol().peer_value,
        Some(6),
        "the first occurrence counts"
    );
}

#[test]
fn a_malformed_request_is_discarded_not_answered() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    for options in [&[1u8, 0][..], &[1, 1], &[1, 4, 0], &[1, 4, 0, 2, 9]] {
        fsm.handle_packet(t0(), &packet(Code::ConfigureRequest, 1, options), &mut rng);
    }
    assert_eq!(fsm.counters().rx_bad_options, 4);
    for bytes in [&[1u8, 1, 0][..], &[1, 1, 0, 3], &[1, 1, 0, 9, 0, 0, 0]] {
        fsm.handle_packet(t0(), bytes, &mut rng);
    }
    assert_eq!(fsm.counters().rx_malformed, 3);
    assert!(drain(&mut fsm).is_empty());
    assert_eq!(fsm.state(), State::ReqSent);
}

#[test]
fn identifiers_wrap_around() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    fsm.id = 254;
    // Peer Naks: new request with id 255, then 0.
    for expected in [255u8, 0, 1] {
        let reqid = fsm.reqid;
        fsm.handle_packet(
            t0(),
            &packet(Code::ConfigureNak, reqid, &[1, 4, 0, 4]),
            &mut rng,
        );
        let sent = drain(&mut fsm);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0][1], expected);
    }
    let reqid = fsm.reqid;
    assert_eq!(reqid, 1);
    let request = fsm.last_request().to_vec();
    fsm.handle_packet(t0(), &packet(Code::ConfigureAck, reqid, &request), &mut rng);
    assert_eq!(fsm.state(), State::AckRcvd);
}

#[test]
fn code_reject_of_a_needed_code_is_fatal_of_another_is_not() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    // RXJ+: the peer rejects an Echo-Request (code 9).
    fsm.handle_packet(
        t0(),
        &packet(Code::CodeReject, 3, &[9, 1, 0, 8, 0, 0, 0, 0]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    assert_eq!(
        events(&mut fsm),
        [FsmEvent::CodeRejected {
            code: 9,
            fatal: false
        }]
    );
    // RXJ-: the peer rejects our Configure-Request itself.
    fsm.handle_packet(t0(), &packet(Code::CodeReject, 4, &request), &mut rng);
    assert_eq!(fsm.state(), State::Stopped);
    assert_eq!(
        events(&mut fsm),
        [
            FsmEvent::CodeRejected {
                code: 1,
                fatal: true
            },
            FsmEvent::Finished
        ]
    );
    // An empty Code-Reject is malformed.
    fsm.handle_packet(t0(), &packet(Code::CodeReject, 5, &[]), &mut rng);
    assert_eq!(fsm.counters().rx_discarded, 1);
}

#[test]
fn unknown_codes_get_a_code_reject_cut_to_the_peer_mru() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    drain(&mut fsm);
    let unknown = packet(Code::Unknown(200), 7, &[0x55; 300]);
    fsm.set_peer_mru(200);
    fsm.handle_packet(t0(), &unknown, &mut rng);
    let sent = drain(&mut fsm);
    assert_eq!(sent.len(), 1);
    let reject = Repr::parse_bytes(&sent[0]).unwrap();
    assert_eq!(reject.code, u8::from(Code::CodeReject));
    assert_eq!(sent[0].len(), 200);
    assert_eq!(reject.data, &unknown[..196]);
    assert_eq!(fsm.counters().rx_unknown_codes, 1);
}

#[test]
fn max_configure_ends_in_tlf() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let mut now = t0();
    let mut requests = 1;
    while let Some(deadline) = fsm.poll_timeout() {
        now = deadline;
        fsm.handle_timeout(now, &mut rng);
        requests += drain(&mut fsm).len();
    }
    assert_eq!(requests, 10);
    assert_eq!(fsm.state(), State::Stopped);
    assert_eq!(events(&mut fsm), [FsmEvent::Finished]);
    assert_eq!(now - t0(), Duration::from_secs(30));
}

#[test]
fn passive_keeps_listening_after_max_configure() {
    let mut rng = rng();
    let config = FsmConfig {
        passive: true,
        max_configure: 3,
        ..FsmConfig::default()
    };
    let mut fsm = Fsm::new(
        Toy {
            configured: Some(4),
            ..Toy::default()
        },
        config,
    );
    fsm.lower_up(t0(), &mut rng);
    fsm.open(t0(), &mut rng);
    let mut now = t0();
    while let Some(deadline) = fsm.poll_timeout() {
        now = deadline;
        fsm.handle_timeout(now, &mut rng);
    }
    assert_eq!(drain(&mut fsm).len(), 3);
    assert_eq!(fsm.state(), State::Stopped);
    assert!(events(&mut fsm).is_empty(), "passive: no tlf");
    // The peer shows up: negotiation starts again.
    fsm.handle_packet(
        now,
        &packet(Code::ConfigureRequest, 1, &[1, 4, 0, 2]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::AckSent);
    let codes: Vec<u8> = drain(&mut fsm).iter().map(|p| p[0]).collect();
    assert_eq!(codes, [1, 2]);
}

#[test]
fn silent_sends_nothing_until_the_peer_speaks() {
    let mut rng = rng();
    let config = FsmConfig {
        silent: true,
        ..FsmConfig::default()
    };
    let mut fsm = Fsm::new(
        Toy {
            configured: Some(4),
            ..Toy::default()
        },
        config,
    );
    fsm.open(t0(), &mut rng);
    fsm.lower_up(t0(), &mut rng);
    assert_eq!(fsm.state(), State::Stopped);
    assert!(drain(&mut fsm).is_empty());
    assert_eq!(fsm.poll_timeout(), None);
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureRequest, 1, &[1, 4, 0, 3]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::ReqSent);
    let codes: Vec<u8> = drain(&mut fsm).iter().map(|p| p[0]).collect();
    assert_eq!(codes, [1, 3], "irc,scr,scn");
}

#[test]
fn max_failure_turns_our_naks_into_rejects() {
    let (mut fsm, _, mut rng) = requesting(None);
    let mut codes = Vec::new();
    for id in 0..7 {
        fsm.handle_packet(
            t0(),
            &packet(Code::ConfigureRequest, id, &[1, 4, 0, 3]),
            &mut rng,
        );
        codes.extend(drain(&mut fsm).iter().map(|p| p[0]));
    }
    // Five Naks, then Rejects.
    assert_eq!(codes, [3, 3, 3, 3, 3, 4, 4]);
}

#[test]
fn max_failure_treats_the_peers_naks_as_rejects() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let mut values = Vec::new();
    for _ in 0..6 {
        let reqid = fsm.reqid;
        let nak_value = 100 + u16::from(reqid);
        fsm.handle_packet(
            t0(),
            &packet(Code::ConfigureNak, reqid, &[1, 4, 0, nak_value as u8]),
            &mut rng,
        );
        for sent in drain(&mut fsm) {
            values.push(sent[4..].to_vec());
        }
    }
    // Four Naks are honoured; the fifth is treated as a Reject, so the
    // option goes; after that a Nak changes nothing and is discarded.
    assert_eq!(values.len(), 5);
    assert_eq!(values[0], [1, 4, 0, 101]);
    assert_eq!(values[3], [1, 4, 0, 104]);
    assert_eq!(values[4], [] as [u8; 0]);
    assert_eq!(fsm.counters().rx_nonconverging_naks, 1);
}

#[test]
fn a_peer_that_naks_forever_is_bounded_by_max_configure() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let mut now = t0();
    let mut requests = 1;
    for _ in 0..1000 {
        let reqid = fsm.reqid;
        fsm.handle_packet(
            now,
            &packet(Code::ConfigureNak, reqid, &[1, 4, 0, 9]),
            &mut rng,
        );
        requests += drain(&mut fsm).len();
        match fsm.poll_timeout() {
            Some(deadline) => {
                now = deadline;
                fsm.handle_timeout(now, &mut rng);
                requests += drain(&mut fsm).len();
            }
            None => break,
        }
    }
    assert_eq!(fsm.state(), State::Stopped);
    assert!(events(&mut fsm).contains(&FsmEvent::Finished));
    assert!(requests < 30, "{requests} requests");
}

#[test]
fn terminate_request_in_opened_then_tlf_after_the_restart_timer() {
    let (mut fsm, request, mut rng) = requesting(Some(4));
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureAck, request[1], &request[4..]),
        &mut rng,
    );
    fsm.handle_packet(
        t0(),
        &packet(Code::ConfigureRequest, 1, &[1, 4, 0, 2]),
        &mut rng,
    );
    assert_eq!(fsm.state(), State::Opened);
    drain(&mut fsm);
    assert_eq!(events(&mut fsm), [FsmEvent::Up]);
    fsm.handle_packet(t0(), &packet(Code::TerminateRequest, 9, b"bye"), &mut rng);
    assert_eq!(drain(&mut fsm), [packet(Code::TerminateAck, 9, &[])]);
    assert_eq!(fsm.state(), State::Stopping);
    assert_eq!(
        events(&mut fsm),
        [
            FsmEvent::TerminateRequested {
                reason: b"bye".to_vec()
            },
            FsmEvent::Down
        ]
    );
    let deadline = fsm.poll_timeout().unwrap();
    assert_eq!(deadline, t0() + Duration::from_secs(3));
    fsm.handle_timeout(deadline, &mut rng);
    assert_eq!(fsm.state(), State::Stopped);
    assert_eq!(events(&mut fsm), [FsmEvent::Finished]);
}

#[test]
fn close_sends_max_terminate_requests_with_the_reason() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    drain(&mut fsm);
    fsm.close(t0(), "User request", &mut rng);
    let mut sent = drain(&mut fsm);
    while let Some(deadline) = fsm.poll_timeout() {
        fsm.handle_timeout(deadline, &mut rng);
        sent.extend(drain(&mut fsm));
    }
    assert_eq!(sent.len(), 2);
    for p in &sent {
        assert_eq!(Repr::parse_bytes(p).unwrap().data, b"User request");
    }
    assert_ne!(sent[0][1], sent[1][1]);
    assert_eq!(fsm.state(), State::Closed);
    assert_eq!(events(&mut fsm), [FsmEvent::Finished]);
}

#[test]
fn early_and_spurious_timeouts_do_nothing() {
    let (mut fsm, _, mut rng) = requesting(Some(4));
    let deadline = fsm.poll_timeout().unwrap();
    fsm.handle_timeout(deadline - Duration::from_millis(1), &mut rng);
    assert!(drain(&mut fsm).is_empty());
    assert_eq!(fsm.restart_count(), 9);
    let mut idle = toy(None);
    idle.handle_timeout(t0() + Duration::from_secs(1000), &mut rng);
    assert_eq!(idle.state(), State::Initial);
    assert_eq!(idle.counters().illegal_events, 0);
}
