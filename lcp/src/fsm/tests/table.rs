//! Every cell of RFC 1661 section 4.1's table, the transition function
//! against the table written as data, and random event sequences checked
//! cell by cell.

use super::*;

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
