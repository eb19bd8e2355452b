//! `metrics_render`: the cost of a Prometheus scrape with 10,000
//! sessions: counting the sessions by phase and authentication method
//! (the one pass the registry's lock is held for), rendering the
//! exposition, and rendering it with the opt-in per-session counters
//! (four series per session).
//!
//! `cargo bench --bench metrics_render`

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rppp::driver::{EngineCounters, SessionId, SessionTally, AUTH_METHODS, PHASES};
use rppp::lcp::AuthMethod;
use rppp::metrics::{render, L2tpMetrics, SessionTraffic, Snapshot};
use rppp::session::Phase;

const SESSIONS: u64 = 10_000;

fn sessions() -> Vec<(Phase, Option<AuthMethod>, bool)> {
    (0..SESSIONS as usize)
        .map(|n| {
            let phase = PHASES[if n % 50 == 0 { n % 5 } else { 3 }];
            let auth = (n % 10 != 0).then(|| AUTH_METHODS[n % 4]);
            (phase, auth, phase == Phase::Network)
        })
        .collect()
}

fn snapshot(per_session: bool) -> Snapshot {
    let tally = SessionTally::count(sessions());
    let mut counters = EngineCounters {
        started: 3 * SESSIONS,
        ..EngineCounters::default()
    };
    counters.ended[0] = 2 * SESSIONS;
    counters.auth_successes = [100, 20_000, 10, 9_000];
    counters.setup_buckets = [5_000, 10_000, 9_000, 5_000, 900, 80, 10, 5, 3, 1, 1];
    counters.setup_sum = Duration::from_secs(9_000);
    Snapshot {
        counters,
        tally,
        open_fds: Some(3 * SESSIONS + 20),
        max_fds: Some(65_536),
        l2tp: Some(L2tpMetrics {
            tunnels_by_state: vec![("established".into(), 100), ("wait_ctl_conn".into(), 1)],
            sessions: SESSIONS,
            control_sent: 1_000_000,
            control_received: 990_000,
            control_retransmissions: 500,
            control_timeouts: 3,
            refused: vec![("max_sessions".into(), 12), ("shutting_down".into(), 0)],
        }),
        sessions: per_session.then(|| {
            (1..=SESSIONS)
                .map(|n| SessionTraffic {
                    id: SessionId::from_number(n).unwrap(),
                    ifname: Some(format!("ppp{n}")),
                    rx_bytes: n * 123_456,
                    tx_bytes: n * 654_321,
                    rx_packets: n * 1_000,
                    tx_packets: n * 2_000,
                })
                .collect()
        }),
    }
}

fn scrape(c: &mut Criterion) {
    let all = sessions();
    let plain = snapshot(false);
    let per_session = snapshot(true);
    let mut g = c.benchmark_group("metrics_10000_sessions");
    g.throughput(Throughput::Elements(SESSIONS));
    g.sample_size(30);
    g.bench_function("tally", |b| {
        b.iter(|| SessionTally::count(all.iter().copied()))
    });
    g.bench_function("render", |b| b.iter(|| render(&plain)));
    g.bench_function("render_per_session", |b| b.iter(|| render(&per_session)));
    g.finish();
    let text = render(&per_session);
    println!(
        "exposition: {} bytes without per-session counters, {} with",
        render(&plain).len(),
        text.len()
    );
}

criterion_group!(benches, scrape);
criterion_main!(benches);
