//! The counters and options that bound a negotiation (Max-Configure,
//! Max-Failure, Max-Terminate, passive, silent) and the restart timer.

use super::*;

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
