//! A server and a client negotiate IPCP and IPv6CP over a link that loses,
//! duplicates and reorders packets, on a virtual clock, for many seeds.
//!
//! The loop is deterministic: `now` jumps to the earliest of the packets'
//! arrival times and the instances' `poll_timeout`; a generator seeded per
//! run decides each packet's fate (10-30 % loss, 10-30 % duplication, a
//! latency of 1 ms to 1 s, so later packets overtake earlier ones).
//!
//! Each run ends when nothing is in flight and no timer runs. Then each
//! side of each protocol is either Opened, and the two agree on the
//! result, or it gave up, and it did so exactly as RFC 1661's counters
//! say: the harness counts the Configure-Requests each side sent since its
//! restart counter was last initialized (a fresh start, or a reply to its
//! outstanding request), and a give-up (TO-, tlf) must come after exactly
//! Max-Configure of them.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::ops::Range;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng};
use rppp_ipcp::ipcp::IpcpNegotiation;
use rppp_ipcp::ipv6cp::Ipv6cpNegotiation;
use rppp_ipcp::{Ipcp, IpcpConfig, Ipv6cp, Ipv6cpConfig, Ncp, NcpEvent, NcpProtocol};
use rppp_lcp::State;

const MAX_CONFIGURE: u32 = 10;

/// One side of one protocol, with what the harness knows of it.
struct Side<P: NcpProtocol> {
    ncp: Ncp<P>,
    /// Configure-Requests sent since the restart counter was initialized.
    sent_since_irc: u32,
    /// The Identifier of its last Configure-Request, and whether a reply to
    /// it would still count.
    last_request: Option<u8>,
    reply_pending: bool,
    ups: u32,
    give_ups: u32,
}

impl<P: NcpProtocol> Side<P> {
    fn new(ncp: Ncp<P>) -> Self {
        Side {
            ncp,
            sent_since_irc: 0,
            last_request: None,
            reply_pending: false,
            ups: 0,
            give_ups: 0,
        }
    }

    /// Runs one input, keeping the counters the automaton keeps.
    fn input(&mut self, packet: Option<&[u8]>, now: Instant, rng: &mut StdRng) {
        let before = self.ncp.state();
        if let Some(packet) = packet {
            let is_reply = matches!(packet.first(), Some(2..=4));
            if is_reply && self.reply_pending && packet.get(1).copied() == self.last_request {
                // RCA or RCN: irc.
                self.reply_pending = false;
                self.sent_since_irc = 0;
            }
            self.ncp.handle_packet(now, packet, rng);
        } else {
            self.ncp.handle_timeout(now, rng);
        }
        let fresh_start = matches!(
            before,
            State::Initial | State::Starting | State::Closed | State::Stopped
        );
        if fresh_start && self.ncp.state().is_negotiating() {
            self.sent_since_irc = 0;
        }
        while let Some(event) = self.ncp.poll_event() {
            match event {
                NcpEvent::Up => self.ups += 1,
                NcpEvent::Down => {}
                NcpEvent::Finished => {
                    assert!(
                        packet.is_none() && before.is_negotiating(),
                        "tlf from {before}"
                    );
                    assert_eq!(
                        self.sent_since_irc, MAX_CONFIGURE,
                        "gave up after {} requests",
                        self.sent_since_irc
                    );
                    self.give_ups += 1;
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
    }

    /// The packets it sends now.
    fn transmit(&mut self) -> Vec<Vec<u8>> {
        let mut packets = vec![];
        loop {
            let mut out = vec![];
            if !self.ncp.poll_transmit(&mut out) {
                return packets;
            }
            if out[0] == 1 {
                self.sent_since_irc += 1;
                self.last_request = Some(out[1]);
                self.reply_pending = true;
            }
            packets.push(out);
        }
    }
}

/// A packet in flight: (protocol, destination side) and its octets.
type Flight = ((usize, usize), Vec<u8>);

struct Link {
    rng: StdRng,
    loss: f64,
    duplication: f64,
    /// Keyed by arrival time, then a sequence number for determinism.
    in_flight: BTreeMap<(Instant, u64), Flight>,
    sequence: u64,
    lost: u32,
    duplicated: u32,
}

impl Link {
    fn send(&mut self, now: Instant, to: (usize, usize), packet: Vec<u8>) {
        if self.rng.random_bool(self.loss) {
            self.lost += 1;
            return;
        }
        let copies = if self.rng.random_bool(self.duplication) {
            self.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let latency = Duration::from_millis(self.rng.random_range(1..1000));
            self.sequence += 1;
            self.in_flight
                .insert((now + latency, self.sequence), (to, packet.clone()));
        }
    }
}

fn server_ipcp() -> IpcpConfig {
    let mut config = IpcpConfig {
        local: Some(Ipv4Addr::new(10, 201, 0, 1)),
        remote: Some(Ipv4Addr::new(10, 201, 0, 2)),
        ..IpcpConfig::default()
    };
    config.push_ms_dns(Ipv4Addr::new(8, 8, 8, 8));
    config.push_ms_dns(Ipv4Addr::new(1, 1, 1, 1));
    config.push_ms_wins(Ipv4Addr::new(10, 201, 0, 53));
    config
}

fn client_ipcp() -> IpcpConfig {
    IpcpConfig {
        noipdefault: true,
        use_peer_dns: true,
        use_peer_wins: true,
        ..IpcpConfig::default()
    }
}

/// What one run ended with.
#[derive(Debug, Default)]
struct Outcome {
    ipcp_opened: bool,
    ipv6cp_opened: bool,
    gave_up: u32,
}

/// Both protocols, each with its server (0) and client (1).
struct Pair {
    ipcp: [Side<IpcpNegotiation>; 2],
    ipv6cp: [Side<Ipv6cpNegotiation>; 2],
}

impl Pair {
    fn new() -> Self {
        Pair {
            ipcp: [
                Side::new(Ipcp::new(server_ipcp())),
                Side::new(Ipcp::new(client_ipcp())),
            ],
            ipv6cp: [
                Side::new(Ipv6cp::new(Ipv6cpConfig::default())),
                Side::new(Ipv6cp::new(Ipv6cpConfig::default())),
            ],
        }
    }

    fn open(&mut self, now: Instant, rng: &mut StdRng) {
        for side in self.ipcp.iter_mut() {
            side.ncp.lower_up(now, rng);
            side.ncp.open(now, rng);
        }
        for side in self.ipv6cp.iter_mut() {
            side.ncp.lower_up(now, rng);
            side.ncp.open(now, rng);
        }
    }

    /// Drains every side's events and puts what it sends on the link.
    fn transmit(&mut self, now: Instant, rng: &mut StdRng, link: &mut Link) {
        for (i, side) in self.ipcp.iter_mut().enumerate() {
            side.input(None, now, rng); // drains the events of the commands
            for packet in side.transmit() {
                link.send(now, (0, 1 - i), packet);
            }
        }
        for (i, side) in self.ipv6cp.iter_mut().enumerate() {
            side.input(None, now, rng);
            for packet in side.transmit() {
                link.send(now, (1, 1 - i), packet);
            }
        }
    }

    /// The earliest timer of any side.
    fn next_timer(&self) -> Option<Instant> {
        let ipcp = self.ipcp.iter().filter_map(|s| s.ncp.poll_timeout());
        let ipv6cp = self.ipv6cp.iter().filter_map(|s| s.ncp.poll_timeout());
        ipcp.chain(ipv6cp).min()
    }

    /// Hands every packet that has arrived by `now` to its side.
    fn deliver(&mut self, now: Instant, rng: &mut StdRng, link: &mut Link) {
        while let Some(entry) = link.in_flight.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((protocol, to), packet) = entry.remove();
            match protocol {
                0 => self.ipcp[to].input(Some(&packet), now, rng),
                _ => self.ipv6cp[to].input(Some(&packet), now, rng),
            }
        }
    }

    fn give_ups(&self) -> u32 {
        self.ipcp.iter().map(|s| s.give_ups).sum::<u32>()
            + self.ipv6cp.iter().map(|s| s.give_ups).sum::<u32>()
    }

    /// IPCP: both Opened and agreeing, or a side that gave up. True when
    /// opened.
    fn check_ipcp(&self, seed: u64) -> bool {
        let ipcp = &self.ipcp;
        let opened = match (ipcp[0].ncp.negotiated(), ipcp[1].ncp.negotiated()) {
            (Some(server), Some(client)) => {
                assert_eq!(server.local, Ipv4Addr::new(10, 201, 0, 1), "seed {seed}");
                assert_eq!(server.peer, Some(Ipv4Addr::new(10, 201, 0, 2)));
                assert_eq!(client.local, Ipv4Addr::new(10, 201, 0, 2), "seed {seed}");
                assert_eq!(client.peer, Some(server.local));
                assert_eq!(
                    client.dns,
                    [
                        Some(Ipv4Addr::new(8, 8, 8, 8)),
                        Some(Ipv4Addr::new(1, 1, 1, 1))
                    ]
                );
                assert_eq!(client.nbns, [Some(Ipv4Addr::new(10, 201, 0, 53)); 2]);
                assert!(ipcp.iter().all(|s| s.ups >= 1));
                true
            }
            _ => {
                assert!(
                    ipcp.iter().any(|s| s.give_ups > 0),
                    "seed {seed}: IPCP stopped without giving up: {:?} {:?}",
                    ipcp[0].ncp.state(),
                    ipcp[1].ncp.state()
                );
                false
            }
        };
        for side in ipcp {
            let opened = side.ncp.state() == State::Opened;
            assert_eq!(opened, side.ncp.negotiated().is_some());
        }
        opened
    }

    /// IPv6CP: both Opened and agreeing, or a side that gave up. True when
    /// opened.
    fn check_ipv6cp(&self, seed: u64) -> bool {
        let ipv6cp = &self.ipv6cp;
        match (ipv6cp[0].ncp.negotiated(), ipv6cp[1].ncp.negotiated()) {
            (Some(a), Some(b)) => {
                assert_eq!(a.local, b.peer, "seed {seed}");
                assert_eq!(a.peer, b.local, "seed {seed}");
                assert_ne!(a.local, a.peer);
                assert!(!a.local.is_zero() && !a.peer.is_zero());
                true
            }
            _ => {
                assert!(
                    ipv6cp.iter().any(|s| s.give_ups > 0),
                    "seed {seed}: IPv6CP stopped without giving up"
                );
                false
            }
        }
    }
}

fn run(seed: u64, loss: Range<f64>) -> Outcome {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut link = Link {
        loss: rng.random_range(loss),
        duplication: rng.random_range(0.10..0.30),
        rng: StdRng::seed_from_u64(seed ^ 0x5eed),
        in_flight: BTreeMap::new(),
        sequence: 0,
        lost: 0,
        duplicated: 0,
    };
    let mut pair = Pair::new();
    let start = Instant::now();
    let mut now = start;
    pair.open(now, &mut rng);
    for step in 0.. {
        assert!(step < 100_000, "seed {seed}: no end in sight");
        pair.transmit(now, &mut rng, &mut link);
        let next = [
            pair.next_timer(),
            link.in_flight.keys().next().map(|(at, _)| *at),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else { break };
        assert!(next >= now, "a deadline in the past");
        now = next;
        pair.deliver(now, &mut rng, &mut link);
    }
    assert!(
        now - start < Duration::from_secs(3600),
        "seed {seed}: ran for {:?}",
        now - start
    );

    let outcome = Outcome {
        gave_up: pair.give_ups(),
        ipcp_opened: pair.check_ipcp(seed),
        ipv6cp_opened: pair.check_ipv6cp(seed),
    };
    assert!(link.lost > 0 || link.duplicated > 0 || outcome.ipcp_opened);
    outcome
}

#[test]
fn server_and_client_agree_under_loss_duplication_and_reordering() {
    let runs: Vec<Outcome> = (0..400).map(|seed| run(seed, 0.10..0.30)).collect();
    let ipcp = runs.iter().filter(|o| o.ipcp_opened).count();
    let ipv6cp = runs.iter().filter(|o| o.ipv6cp_opened).count();
    let gave_up: u32 = runs.iter().map(|o| o.gave_up).sum();
    // At 10-30 % loss ten unanswered requests in a row are rare, but they
    // happen; nearly every run must succeed.
    assert!(ipcp >= 390, "IPCP opened in {ipcp} of 400 runs");
    assert!(ipv6cp >= 390, "IPv6CP opened in {ipv6cp} of 400 runs");
    eprintln!("IPCP opened {ipcp}/400, IPv6CP {ipv6cp}/400, {gave_up} give-ups");
}

#[test]
fn runs_are_deterministic() {
    for seed in [3, 77, 1661] {
        let (a, b) = (run(seed, 0.10..0.30), run(seed, 0.10..0.30));
        assert_eq!(
            (a.ipcp_opened, a.ipv6cp_opened, a.gave_up),
            (b.ipcp_opened, b.ipv6cp_opened, b.gave_up)
        );
    }
}

/// On a link that loses most packets, sides give up; each give-up must
/// come after exactly Max-Configure unanswered requests (checked in
/// `Side::input`), and the sides that do open must still agree.
#[test]
fn give_ups_on_a_bad_link_follow_the_restart_counter() {
    let runs: Vec<Outcome> = (0..200).map(|seed| run(seed, 0.55..0.75)).collect();
    let gave_up: u32 = runs.iter().map(|o| o.gave_up).sum();
    let opened = runs.iter().filter(|o| o.ipcp_opened).count();
    assert!(gave_up > 0, "no run gave up");
    assert!(opened > 0, "no run opened");
    eprintln!("bad link: IPCP opened {opened}/200, {gave_up} give-ups");
}
