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

fn main() {
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
    let names = ["lns", "lac"];
    let mut sides = [Lcp::new(lns), Lcp::new(lac)];
    let mut rng = StdRng::seed_from_u64(seed);
    let start = Instant::now();
    let mut now = start;
    let latency = Duration::from_millis(20);
    let mut wire: Vec<(Instant, usize, Vec<u8>)> = Vec::new();

    for side in &mut sides {
        side.lower_up(now, &mut rng);
        side.open(now, &mut rng);
    }
    loop {
        for (i, side) in sides.iter_mut().enumerate() {
            let mut packet = Vec::new();
            while side.poll_transmit(&mut packet) {
                let fate = if rng.random_bool(loss) { " (lost)" } else { "" };
                let t = (now - start).as_secs_f64();
                println!(
                    "{t:7.3} {}: sent [{}]{fate}",
                    names[i],
                    LcpPacketDisplay(&packet)
                );
                if fate.is_empty() {
                    wire.push((now + latency, 1 - i, std::mem::take(&mut packet)));
                }
                packet.clear();
            }
            while let Some(event) = side.poll_event() {
                println!(
                    "{:7.3} {}: {event:?}",
                    (now - start).as_secs_f64(),
                    names[i]
                );
            }
        }
        let next_packet = wire.iter().map(|w| w.0).min();
        let next_timer = sides.iter().filter_map(|s| s.poll_timeout()).min();
        let Some(next) = [next_packet, next_timer].into_iter().flatten().min() else {
            break;
        };
        now = next;
        let (due, later): (Vec<_>, Vec<_>) = wire.into_iter().partition(|w| w.0 <= now);
        wire = later;
        for (_, to, packet) in due {
            let t = (now - start).as_secs_f64();
            println!(
                "{t:7.3} {}: rcvd [{}]",
                names[to],
                LcpPacketDisplay(&packet)
            );
            sides[to].handle_packet(now, &packet, &mut rng);
        }
        for side in &mut sides {
            side.handle_timeout(now, &mut rng);
        }
    }
    for (i, side) in sides.iter().enumerate() {
        match side.negotiated() {
            Some(n) => println!(
                "{}: LCP {}: mru {} peer mru {} mtu {} send accm {:#x} recv accm {:#x} \
                 peer authenticates with {:?}, we with {:?}",
                names[i],
                side.state(),
                n.mru,
                n.peer_mru,
                n.mtu,
                n.send_accm,
                n.recv_accm,
                n.peer_auth,
                n.our_auth
            ),
            None => println!("{}: LCP {} (not opened)", names[i], side.state()),
        }
    }
}
