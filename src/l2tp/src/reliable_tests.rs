use super::*;

fn t0() -> Instant {
    Instant::now()
}

fn message(ns: u16) -> Vec<u8> {
    let mut d = vec![0; CONTROL_HEADER_LEN + 8];
    HeaderRepr::control(9, 0, ns, 0).emit(&mut d);
    d
}

fn ns_nr(d: &[u8]) -> (u16, u16) {
    let (h, _) = HeaderRepr::parse(d).unwrap();
    h.sequence.unwrap()
}

fn drain(r: &mut Reliable) -> Vec<Vec<u8>> {
    std::iter::from_fn(|| r.poll_transmit()).collect()
}

/// A StopCCN behind a queue: the messages never sent are dropped and the
/// next message takes the first of their Ns; those in flight stay.
#[test]
fn dropping_the_unsent_leaves_no_gap_in_ns() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.set_peer_window(2);
    for _ in 0..5 {
        r.push(now, message);
    }
    assert_eq!(drain(&mut r).len(), 2);
    r.drop_unsent();
    assert_eq!(r.queued(), 2);
    assert_eq!(r.next_ns(), 2);
    r.push(now, message);
    // Acknowledging the two in flight lets Ns 2 go.
    r.on_receive(now, 0, 2, true);
    let sent = drain(&mut r);
    assert_eq!(sent.iter().map(|d| ns_nr(d).0).collect::<Vec<_>>(), [2]);
    r.on_receive(now, 0, 3, true);
    assert!(r.is_idle());
}

#[test]
fn the_window_limits_what_is_in_flight() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.set_peer_window(2);
    for _ in 0..4 {
        r.push(now, message);
    }
    let sent = drain(&mut r);
    assert_eq!(sent.iter().map(|d| ns_nr(d).0).collect::<Vec<_>>(), [0, 1]);
    // The peer acknowledges Ns 0: Ns 2 goes out.
    assert_eq!(r.on_receive(now, 0, 1, true), Received::Ack);
    let sent = drain(&mut r);
    assert_eq!(sent.iter().map(|d| ns_nr(d).0).collect::<Vec<_>>(), [2]);
    // An Nr acknowledging more than was sent is ignored.
    r.on_receive(now, 0, 9, true);
    assert!(drain(&mut r).is_empty());
    r.on_receive(now, 0, 4, true);
    assert!(drain(&mut r).is_empty());
    r.on_receive(now, 0, 3, true);
    assert_eq!(drain(&mut r).len(), 1);
    r.on_receive(now, 0, 4, true);
    assert!(r.is_idle());
}

#[test]
fn retransmissions_back_off_and_give_up() {
    let start = t0();
    let config = ReliableConfig::default();
    let mut r = Reliable::new(config.clone());
    r.push(start, message);
    drain(&mut r);
    let mut waits = Vec::new();
    let mut now = start;
    loop {
        let due = r.poll_timeout().unwrap();
        waits.push((due - now).as_secs());
        now = due;
        match r.handle_timeout(now) {
            Ok(()) => assert_eq!(drain(&mut r).len(), 1),
            Err(e) => {
                assert_eq!(e, Unreachable { ns: 0, attempts: 6 });
                break;
            }
        }
    }
    assert_eq!(waits, [1, 2, 4, 8, 8, 8]);
    assert_eq!(r.counters().retransmissions, 5);
    assert_eq!(now - start, config.full_cycle());
}

#[test]
fn in_order_messages_are_acknowledged_by_a_zlb_after_the_delay() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.set_peer_tunnel_id(9);
    assert_eq!(r.on_receive(now, 0, 0, false), Received::Deliver);
    assert!(drain(&mut r).is_empty());
    let due = r.poll_timeout().unwrap();
    assert_eq!(due - now, Duration::from_millis(200));
    r.handle_timeout(due).unwrap();
    let zlb = drain(&mut r);
    assert_eq!(zlb.len(), 1);
    assert_eq!(zlb[0].len(), CONTROL_HEADER_LEN);
    assert_eq!(ns_nr(&zlb[0]), (0, 1));
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn half_our_window_unacknowledged_is_acknowledged_at_once() {
    let now = t0();
    let config = ReliableConfig {
        receive_window: 8,
        ..ReliableConfig::default()
    };
    let mut r = Reliable::new(config);
    for ns in 0..3 {
        assert_eq!(r.on_receive(now, ns, 0, false), Received::Deliver);
    }
    // Three of eight: the ZLB waits for the delay.
    assert_eq!(r.poll_timeout(), Some(now + Duration::from_millis(200)));
    r.on_receive(now, 3, 0, false);
    // Four: it is due now.
    assert_eq!(r.poll_timeout(), Some(now));
    r.handle_timeout(now).unwrap();
    let zlb = drain(&mut r);
    assert_eq!(zlb.len(), 1);
    assert_eq!(ns_nr(&zlb[0]), (0, 4));
    // The count starts again.
    r.on_receive(now, 4, 0, false);
    assert_eq!(r.poll_timeout(), Some(now + Duration::from_millis(200)));
}

#[test]
fn a_message_we_send_carries_the_ack() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.on_receive(now, 0, 0, false);
    r.push(now, message);
    let sent = drain(&mut r);
    assert_eq!(ns_nr(&sent[0]), (0, 1));
    // No ZLB is due, only the retransmission.
    assert_eq!(r.poll_timeout(), Some(now + Duration::from_secs(1)));
}

#[test]
fn duplicates_are_acknowledged_at_once_and_dropped() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.on_receive(now, 0, 0, false);
    assert_eq!(r.on_receive(now, 0, 0, false), Received::Duplicate);
    assert_eq!(r.poll_timeout(), Some(now));
    r.handle_timeout(now).unwrap();
    assert_eq!(drain(&mut r).len(), 1);
    assert_eq!(r.counters().duplicates, 1);
    // Far behind (wrapped) is a duplicate too.
    assert_eq!(r.on_receive(now, 0x9000, 0, false), Received::Duplicate);
}

#[test]
fn out_of_order_messages_are_held_within_the_window() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    assert_eq!(r.on_receive(now, 2, 0, false), Received::Held);
    r.hold(2, message(2));
    assert_eq!(r.on_receive(now, 2, 0, false), Received::Duplicate);
    assert_eq!(r.on_receive(now, 1, 0, false), Received::Held);
    r.hold(1, message(1));
    assert_eq!(r.on_receive(now, 8, 0, false), Received::OutOfWindow);
    assert_eq!(r.next_held(now), None);
    assert_eq!(r.on_receive(now, 0, 0, false), Received::Deliver);
    assert_eq!(r.next_held(now).map(|d| ns_nr(&d).0), Some(1));
    assert_eq!(r.next_held(now).map(|d| ns_nr(&d).0), Some(2));
    assert_eq!(r.next_held(now), None);
    assert_eq!(r.expected(), 3);
    let c = r.counters();
    assert_eq!((c.delivered, c.out_of_order, c.out_of_window), (3, 2, 1));
}

#[test]
fn sequence_numbers_wrap() {
    let now = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.expected = 0xffff;
    assert_eq!(r.on_receive(now, 0xffff, 0, false), Received::Deliver);
    assert_eq!(r.expected(), 0);
    assert_eq!(r.on_receive(now, 1, 0, false), Received::Held);
    r.next_ns = 0xffff;
    r.push(now, message);
    r.push(now, message);
    drain(&mut r);
    r.on_receive(now, 0, 1, true);
    assert!(r.is_idle());
}

/// Found by fuzzing (fuzz/seeds/l2tp_tunnel): with a peer window of 248
/// and 77 messages unacknowledged, one timeout sent all 77 again at once.
#[test]
fn a_timeout_resends_the_oldest_only_and_the_window_reopens_by_slow_start() {
    let start = t0();
    let mut r = Reliable::new(ReliableConfig::default());
    r.set_peer_window(64);
    for _ in 0..40 {
        r.push(start, message);
    }
    assert_eq!(drain(&mut r).len(), 40);
    let due = r.poll_timeout().unwrap();
    r.handle_timeout(due).unwrap();
    let again = drain(&mut r);
    assert_eq!(again.iter().map(|d| ns_nr(d).0).collect::<Vec<_>>(), [0]);
    // Nothing more goes out until the peer acknowledges.
    r.handle_timeout(due).unwrap();
    assert!(drain(&mut r).is_empty());
    // Ns 0 acknowledged: CWND 2, so Ns 1 and 2 go again.
    r.on_receive(due, 0, 1, true);
    let again = drain(&mut r);
    assert_eq!(again.iter().map(|d| ns_nr(d).0).collect::<Vec<_>>(), [1, 2]);
    // An acknowledgement of messages the peer had from the first sending
    // (it lost only Ns 0) is taken: they were sent.
    r.on_receive(due, 0, 30, true);
    assert_eq!(r.counters().acknowledged, 30);
    let again = drain(&mut r);
    // CWND reached SSTHRESH (20) by slow start: the ten left all fit.
    assert_eq!(
        again.iter().map(|d| ns_nr(d).0).collect::<Vec<_>>(),
        (30..40).collect::<Vec<_>>()
    );
    let c = r.counters();
    assert_eq!((c.sent, c.timeouts, c.retransmissions), (40, 1, 13));
}
