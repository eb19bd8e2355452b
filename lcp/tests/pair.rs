//! Two LCP instances negotiating over an in-memory link on a virtual clock,
//! with latency, loss, duplication, reordering and corruption chosen by a
//! seeded random source, so every run is reproducible from its seed.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng};
use rppp_lcp::lcp::{AuthMethod, AuthMethods, Lcp, LcpConfig, LcpEvent};
use rppp_lcp::packet::{Code, Repr};
use rppp_lcp::State;

/// What the link does to packets, as probabilities per packet.
#[derive(Debug, Clone, Copy, Default)]
struct Faults {
    loss: f64,
    duplication: f64,
    reordering: f64,
    corruption: f64,
}

struct Side {
    lcp: Lcp,
    events: Vec<LcpEvent>,
    requests_sent: usize,
}

struct Pair {
    sides: [Side; 2],
    now: Instant,
    /// Packets on the wire: when they arrive, to which side, the octets.
    wire: Vec<(Instant, usize, Vec<u8>)>,
    rng: StdRng,
    faults: Faults,
    latency: Duration,
}

impl Pair {
    fn new(a: LcpConfig, b: LcpConfig, seed: u64, faults: Faults) -> Pair {
        let side = |config| Side {
            lcp: Lcp::new(config),
            events: Vec::new(),
            requests_sent: 0,
        };
        Pair {
            sides: [side(a), side(b)],
            now: Instant::now(),
            wire: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
            faults,
            latency: Duration::from_millis(20),
        }
    }

    fn start(&mut self) {
        for i in 0..2 {
            let side = &mut self.sides[i];
            side.lcp.lower_up(self.now, &mut self.rng);
            side.lcp.open(self.now, &mut self.rng);
        }
        self.flush();
    }

    /// Moves what each side sent onto the wire, through the faults.
    fn flush(&mut self) {
        for from in 0..2 {
            loop {
                let mut packet = Vec::new();
                if !self.sides[from].lcp.poll_transmit(&mut packet) {
                    break;
                }
                if packet[0] == u8::from(Code::ConfigureRequest) {
                    self.sides[from].requests_sent += 1;
                }
                let f = self.faults;
                if self.rng.random_bool(f.loss) {
                    continue;
                }
                let copies = if self.rng.random_bool(f.duplication) {
                    2
                } else {
                    1
                };
                for _ in 0..copies {
                    let mut packet = packet.clone();
                    if self.rng.random_bool(f.corruption) {
                        let i = self.rng.random_range(0..packet.len());
                        packet[i] ^= 1 << self.rng.random_range(0..8);
                    }
                    let mut delay = self.latency;
                    if self.rng.random_bool(f.reordering) {
                        delay += Duration::from_millis(self.rng.random_range(1..1500));
                    }
                    self.wire.push((self.now + delay, 1 - from, packet));
                }
            }
            while let Some(event) = self.sides[from].lcp.poll_event() {
                self.sides[from].events.push(event);
            }
        }
    }

    /// Advances to the next thing that happens; false when nothing will.
    fn step(&mut self) -> bool {
        let next_packet = self.wire.iter().map(|w| w.0).min();
        let next_timer = self.sides.iter().filter_map(|s| s.lcp.poll_timeout()).min();
        let Some(next) = [next_packet, next_timer].into_iter().flatten().min() else {
            return false;
        };
        assert!(next >= self.now, "time never goes back");
        self.now = next;
        let mut due: Vec<_> = Vec::new();
        self.wire.retain(|w| {
            if w.0 <= next {
                due.push(w.clone());
                false
            } else {
                true
            }
        });
        due.sort_by_key(|w| w.0);
        for (_, to, packet) in due {
            self.sides[to]
                .lcp
                .handle_packet(self.now, &packet, &mut self.rng);
            self.flush();
        }
        for i in 0..2 {
            self.sides[i].lcp.handle_timeout(self.now, &mut self.rng);
        }
        self.flush();
        true
    }

    /// Runs until nothing more happens, or `limit` of virtual time.
    fn drive(&mut self, limit: Duration) {
        let end = self.now + limit;
        let mut steps = 0;
        while self.now < end && self.step() {
            steps += 1;
            assert!(steps < 100_000, "the pair does not settle");
        }
    }

    fn opened(&self) -> bool {
        self.sides.iter().all(|s| s.lcp.state() == State::Opened)
    }
}

fn lns() -> LcpConfig {
    LcpConfig {
        mru: 1400,
        mtu: 1400,
        require: AuthMethods::NONE.with(AuthMethod::ChapMd5),
        ..LcpConfig::default()
    }
}

fn lac() -> LcpConfig {
    LcpConfig {
        mru: 1400,
        mtu: 1400,
        allow: AuthMethods::NONE.with(AuthMethod::ChapMd5),
        ..LcpConfig::default()
    }
}

fn assert_agree(pair: &Pair) {
    let [a, b] = [0, 1].map(|i| *pair.sides[i].lcp.negotiated().expect("Opened"));
    assert_eq!(a.mru, b.peer_mru);
    assert_eq!(b.mru, a.peer_mru);
    assert_eq!(a.magic, b.peer_magic);
    assert_eq!(b.magic, a.peer_magic);
    assert_ne!(a.magic, b.magic);
    assert_eq!(a.send_accm, b.recv_accm);
    assert_eq!(b.send_accm, a.recv_accm);
    assert_eq!(a.peer_auth, b.our_auth);
    assert_eq!(b.peer_auth, a.our_auth);
}

#[test]
fn lns_and_lac_negotiate_without_faults() {
    let mut pair = Pair::new(lns(), lac(), 1, Faults::default());
    pair.start();
    pair.drive(Duration::from_secs(60));
    assert!(pair.opened());
    assert_agree(&pair);
    let lns = pair.sides[0].lcp.negotiated().unwrap();
    assert_eq!(lns.peer_auth, Some(AuthMethod::ChapMd5));
    assert_eq!((lns.mtu, lns.send_accm, lns.recv_accm), (1400, 0, 0));
    assert_eq!(pair.sides[0].requests_sent + pair.sides[1].requests_sent, 2);
    assert_eq!(pair.sides[0].events, [LcpEvent::Up]);
}

#[test]
fn the_lac_refusing_the_only_auth_we_accept_opens_with_auth_refused() {
    let lac = LcpConfig {
        allow: AuthMethods::NONE.with(AuthMethod::Pap),
        ..lac()
    };
    let mut pair = Pair::new(lns(), lac, 2, Faults::default());
    pair.start();
    pair.drive(Duration::from_secs(60));
    assert!(pair.opened());
    let lns = pair.sides[0].lcp.negotiated().unwrap();
    assert!(lns.auth_refused, "the session turns this into exit 11");
    assert_eq!(lns.peer_auth, None);
}

/// Runs `runs` seeded pairs under `faults(rng)`; each must end Opened on
/// both sides with agreeing values, or with every side that is not Opened
/// having given up exactly as Max-Configure says. Returns how many opened
/// and the Configure-Requests sent in all.
fn converge_or_give_up(runs: u64, faults: impl Fn(&mut StdRng) -> Faults) -> (u64, usize) {
    let mut converged = 0;
    let mut total_requests = 0;
    for seed in 0..runs {
        let mut pair = Pair::new(lns(), lac(), seed, faults(&mut StdRng::seed_from_u64(seed)));
        pair.start();
        pair.drive(Duration::from_secs(600));
        total_requests += pair.sides[0].requests_sent + pair.sides[1].requests_sent;
        if pair.opened() {
            converged += 1;
            assert_agree(&pair);
            continue;
        }
        for side in &pair.sides {
            if side.lcp.state() != State::Opened {
                assert_eq!(side.lcp.state(), State::Stopped, "seed {seed}");
                assert!(side.events.contains(&LcpEvent::Finished), "seed {seed}");
                // The last irc,scr started a round of Max-Configure (10)
                // requests that went unanswered.
                assert!(side.lcp.fsm().restart_count() == 0, "seed {seed}");
                assert!(
                    side.requests_sent >= 10,
                    "seed {seed}: gave up after {}",
                    side.requests_sent
                );
            }
        }
    }
    (converged, total_requests)
}

/// Loss, duplication and reordering between 10 and 30 percent each.
#[test]
fn converge_or_give_up_under_faults() {
    let runs = 300;
    let (converged, requests) = converge_or_give_up(runs, |rng| Faults {
        loss: rng.random_range(0.1..0.3),
        duplication: rng.random_range(0.1..0.3),
        reordering: rng.random_range(0.1..0.3),
        corruption: 0.0,
    });
    // Without faults a run takes two requests; the faults must cost more.
    assert!(
        requests > 3 * runs as usize,
        "the faults did not bite: {requests}"
    );
    assert!(
        converged >= runs * 95 / 100,
        "only {converged} of {runs} converged"
    );
}

/// So much loss that some runs give up: both outcomes occur, and each is
/// checked.
#[test]
fn converge_or_give_up_under_heavy_loss() {
    let runs = 300;
    let (converged, _) = converge_or_give_up(runs, |_| Faults {
        loss: 0.75,
        ..Faults::default()
    });
    assert!(
        converged > 0 && converged < runs,
        "{converged} of {runs} converged"
    );
}

#[test]
fn corruption_never_breaks_an_instance() {
    for seed in 0..200 {
        let faults = Faults {
            loss: 0.1,
            duplication: 0.1,
            reordering: 0.1,
            corruption: 0.3,
        };
        let mut pair = Pair::new(lns(), lac(), seed, faults);
        pair.start();
        pair.drive(Duration::from_secs(600));
        for side in &pair.sides {
            if let Some(n) = side.lcp.negotiated() {
                assert!(n.peer_mru >= 128 && n.mtu <= n.peer_mru);
            }
        }
    }
}

#[test]
fn a_peer_that_never_answers() {
    let mut pair = Pair::new(
        lns(),
        lac(),
        3,
        Faults {
            loss: 1.0,
            ..Faults::default()
        },
    );
    let start = pair.now;
    pair.start();
    pair.drive(Duration::from_secs(600));
    for side in &pair.sides {
        assert_eq!(side.lcp.state(), State::Stopped);
        assert_eq!(side.requests_sent, 10, "Max-Configure");
        assert_eq!(side.events, [LcpEvent::Finished]);
    }
    assert_eq!(
        pair.now - start,
        Duration::from_secs(30),
        "10 requests, 3 s apart"
    );
}

#[test]
fn passive_waits_for_a_late_peer() {
    let passive = LcpConfig {
        fsm: rppp_lcp::FsmConfig {
            passive: true,
            ..Default::default()
        },
        ..lns()
    };
    let mut pair = Pair::new(passive, lac(), 4, Faults::default());
    // Only the passive side starts; it gives up sending but keeps listening.
    pair.sides[0].lcp.lower_up(pair.now, &mut pair.rng);
    pair.sides[0].lcp.open(pair.now, &mut pair.rng);
    let mut sink = Vec::new();
    while pair.sides[0].lcp.poll_transmit(&mut sink) {}
    while let Some(deadline) = pair.sides[0].lcp.poll_timeout() {
        pair.now = deadline;
        pair.sides[0].lcp.handle_timeout(pair.now, &mut pair.rng);
        while pair.sides[0].lcp.poll_transmit(&mut sink) {}
    }
    assert_eq!(pair.sides[0].lcp.state(), State::Stopped);
    assert_eq!(
        pair.sides[0].lcp.poll_event(),
        None,
        "no tlf in passive mode"
    );
    // The peer arrives a minute later.
    pair.now += Duration::from_secs(60);
    pair.sides[1].lcp.lower_up(pair.now, &mut pair.rng);
    pair.sides[1].lcp.open(pair.now, &mut pair.rng);
    pair.flush();
    pair.drive(Duration::from_secs(60));
    assert!(pair.opened());
    assert_agree(&pair);
}

/// A peer that answers every Configure-Request with a Nak asking for an MRU
/// we never accept, and every Configure-Ack... never.
#[test]
fn a_peer_that_naks_forever_is_given_up_on() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut lcp = Lcp::new(LcpConfig {
        mru: 1400,
        ..LcpConfig::default()
    });
    let mut now = Instant::now();
    let start = now;
    lcp.lower_up(now, &mut rng);
    lcp.open(now, &mut rng);
    let mut requests = 0;
    for _ in 0..10_000 {
        let mut packet = Vec::new();
        while lcp.poll_transmit(&mut packet) {
            let repr = Repr::parse_bytes(&packet).unwrap();
            if repr.code == u8::from(Code::ConfigureRequest) {
                requests += 1;
                let mut nak = Vec::new();
                let options = [1, 4, 0x23, 0x28, 2, 6, 0xff, 0xff, 0xff, 0xff];
                Repr {
                    code: Code::ConfigureNak.into(),
                    identifier: repr.identifier,
                    data: &options,
                }
                .append_to(&mut nak);
                lcp.handle_packet(now, &nak, &mut rng);
            }
            packet.clear();
        }
        match lcp.poll_timeout() {
            Some(deadline) => {
                now = deadline;
                lcp.handle_timeout(now, &mut rng);
            }
            None => break,
        }
    }
    assert_eq!(lcp.state(), State::Stopped);
    assert!(std::iter::from_fn(|| lcp.poll_event()).any(|e| e == LcpEvent::Finished));
    // Four Naks honoured, the fifth taken as a Reject, then Max-Configure
    // retransmissions of the last request, 3 s apart.
    assert!(requests <= 5 + 10, "{requests} requests");
    assert!(now - start <= Duration::from_secs(30));
}

#[test]
fn a_looped_back_link_is_detected_on_the_virtual_clock() {
    let mut rng = StdRng::seed_from_u64(6);
    let mut lcp = Lcp::new(LcpConfig::default());
    let mut now = Instant::now();
    lcp.lower_up(now, &mut rng);
    lcp.open(now, &mut rng);
    let mut events = Vec::new();
    for _ in 0..1000 {
        let mut wire = Vec::new();
        let mut packet = Vec::new();
        while lcp.poll_transmit(&mut packet) {
            wire.push(std::mem::take(&mut packet));
        }
        events.extend(std::iter::from_fn(|| lcp.poll_event()));
        if wire.is_empty() {
            match lcp.poll_timeout() {
                Some(deadline) => {
                    now = deadline;
                    lcp.handle_timeout(now, &mut rng);
                    continue;
                }
                None => break,
            }
        }
        now += Duration::from_millis(10);
        for p in wire {
            lcp.handle_packet(now, &p, &mut rng);
        }
    }
    assert!(events.contains(&LcpEvent::LoopbackDetected), "{events:?}");
    assert!(!events.contains(&LcpEvent::Up));
    assert!(matches!(lcp.state(), State::Closed | State::Closing));
}
