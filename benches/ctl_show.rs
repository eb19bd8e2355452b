//! `ctl_show`: the cost of the control socket's `show sessions` over
//! 10,000 sessions (the rows built, filtered, sorted and rendered as a
//! table and as JSON), the work a request does on the engine's runtime
//! besides reading the registry.
//!
//! `cargo bench --bench ctl_show`

use std::net::Ipv4Addr;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rppp::ctl::table::{self, Column, Filter, Row};
use rppp::driver::{L2tpIds, SessionId, SessionInfo};
use rppp::session::Phase;

const SESSIONS: u64 = 10_000;

fn rows() -> Vec<Row> {
    (1..=SESSIONS)
        .map(|n| {
            let peer = Ipv4Addr::from(0x0a00_0000 + n as u32);
            Row {
                info: SessionInfo {
                    id: SessionId::from_number(n).unwrap(),
                    started: Instant::now(),
                    up_since: Some(Instant::now()),
                    phase: Phase::Network,
                    ifname: Some(format!("ppp{n}")),
                    unit: Some(n as u32),
                    l2tp: Some(L2tpIds {
                        tunnel_id: (n / 100) as u16,
                        session_id: n as u16,
                        peer_tunnel_id: (n / 100) as u16,
                        peer_session_id: n as u16,
                    }),
                    peer_name: Some(format!("user{n}")),
                    ipv4: Some((Ipv4Addr::new(10, 255, 255, 254), peer)),
                    ipv6: None,
                },
                counters: None,
            }
        })
        .collect()
}

fn show_sessions(c: &mut Criterion) {
    let all = rows();
    let columns = Column::ALL.to_vec();
    let mut g = c.benchmark_group("ctl_show_10000_sessions");
    g.throughput(Throughput::Elements(SESSIONS));
    g.sample_size(20);
    g.bench_function("table", |b| {
        b.iter(|| {
            let mut rows = all.clone();
            table::sort(&mut rows, Some(Column::User));
            table::render_table(&rows, &columns)
        })
    });
    g.bench_function("json", |b| {
        b.iter(|| {
            let mut rows = all.clone();
            table::sort(&mut rows, None);
            table::render_json(&rows, &columns)
        })
    });
    let filter = Filter {
        ip: Some(Ipv4Addr::from(0x0a00_0000 + 4242)),
        ..Filter::default()
    };
    g.bench_function("filter_by_ip", |b| {
        b.iter(|| all.iter().filter(|r| filter.matches(&r.info)).count())
    });
    g.finish();
}

criterion_group!(benches, show_sessions);
criterion_main!(benches);
