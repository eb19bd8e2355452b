//! Two LCP instances, an LNS and a LAC with the policies xl2tpd gives them,
//! negotiate on a virtual clock; prints pppd's frame log and the result.
//!
//! ```text
//! cargo run -p rppp-lcp --example negotiate [-- --loss 0.3 --seed 7]
//! ```

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng};
use rppp_lcp::lcp::{AuthMethod, AuthMethods, Lcp, LcpConfig, LcpPacketDisplay};

const NAMES: [&str; 2] = ["lns", "lac"];

/// `--loss` and `--seed`, or the usage and exit status 2.
fn parse_args() -> (f64, u64) {
    let mut loss = 0.0;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = match (arg.as_str(), value.as_deref()) {
            ("--loss", Some(v)) => v.parse().map(|v| loss = v).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|v| seed = v).is_ok(),
            _ => false,
        };
        if !parsed || !(0.0..=1.0).contains(&loss) {
            eprintln!("usage: negotiate [--loss 0.0..=1.0] [--seed N]");
            std::process::exit(2);
        }
    }
    (loss, seed)
}

/// The LNS, which requires CHAP, and the LAC, which allows it.
fn sides() -> [Lcp; 2] {
    let lns = LcpConfig {
        mru: 1400,
        mtu: 1400,
        require: AuthMethods::NONE.with(AuthMethod::ChapMd5),
        ..LcpConfig::default()
    };
    let lac = LcpConfig {
        mru: 1400,
        mtu: 1400,
        allow: AuthMethods::NONE.with(AuthMethod::ChapMd5),
        ..LcpConfig::default()
    };
    [Lcp::new(lns), Lcp::new(lac)]
}

/// The two sides, the virtual clock and the packets in flight.
struct Simulation {
    sides: [Lcp; 2],
    rng: StdRng,
    loss: f64,
    start: Instant,
    now: Instant,
    latency: Duration,
    /// (arrival, destination side, packet).
    wire: Vec<(Instant, usize, Vec<u8>)>,
}

impl Simulation {
    fn seconds(&self) -> f64 {
        (self.now - self.start).as_secs_f64()
    }

    /// Puts what each side sends on the wire (or loses it) and prints its
    /// events.
    fn flush(&mut self) {
        for (i, name) in NAMES.into_iter().enumerate() {
            let mut packet = Vec::new();
            while self.sides[i].poll_transmit(&mut packet) {
                let fate = if self.rng.random_bool(self.loss) {
                    " (lost)"
                } else {
                    ""
                };
                let t = self.seconds();
                println!(
                    "{t:7.3} {}: sent [{}]{fate}",
                    name,
                    LcpPacketDisplay(&packet)
                );
                if fate.is_empty() {
                    let arrival = self.now + self.latency;
                    self.wire
                        .push((arrival, 1 - i, std::mem::take(&mut packet)));
                }
                packet.clear();
            }
            while let Some(event) = self.sides[i].poll_event() {
                println!("{:7.3} {}: {event:?}", self.seconds(), name);
            }
        }
    }

    /// Moves the clock to the next arrival or timer and runs what is due;
    /// false when nothing is left to happen.
    fn advance(&mut self) -> bool {
        let next_packet = self.wire.iter().map(|w| w.0).min();
        let next_timer = self.sides.iter().filter_map(|s| s.poll_timeout()).min();
        let Some(next) = [next_packet, next_timer].into_iter().flatten().min() else {
            return false;
        };
        self.now = next;
        let now = next;
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.wire)
            .into_iter()
            .partition(|w| w.0 <= now);
        self.wire = later;
        for (_, to, packet) in due {
            let t = self.seconds();
            println!(
                "{t:7.3} {}: rcvd [{}]",
                NAMES[to],
                LcpPacketDisplay(&packet)
            );
            self.sides[to].handle_packet(now, &packet, &mut self.rng);
        }
        for side in &mut self.sides {
            side.handle_timeout(now, &mut self.rng);
        }
        true
    }
}

/// What each side ended with.
fn print_result(sides: &[Lcp; 2]) {
    for (i, side) in sides.iter().enumerate() {
        match side.negotiated() {
            Some(n) => println!(
                "{}: LCP {}: mru {} peer mru {} mtu {} send accm {:#x} recv accm {:#x} \
                 peer authenticates with {:?}, we with {:?}",
                NAMES[i],
                side.state(),
                n.mru,
                n.peer_mru,
                n.mtu,
                n.send_accm,
                n.recv_accm,
                n.peer_auth,
                n.our_auth
            ),
            None => println!("{}: LCP {} (not opened)", NAMES[i], side.state()),
        }
    }
}

fn main() {
    let (loss, seed) = parse_args();
    let start = Instant::now();
    let mut sim = Simulation {
        sides: sides(),
        rng: StdRng::seed_from_u64(seed),
        loss,
        start,
        now: start,
        latency: Duration::from_millis(20),
        wire: Vec::new(),
    };
    for side in &mut sim.sides {
        side.lower_up(sim.now, &mut sim.rng);
        side.open(sim.now, &mut sim.rng);
    }
    loop {
        sim.flush();
        if !sim.advance() {
            break;
        }
    }
    print_result(&sim.sides);
}
