//! `session_setup`: a complete LNS-LAC negotiation (LCP, CHAP-MD5, IPCP with
//! DNS) on the virtual clock, from two new sessions to IPv4 up on both.
//! Target: at least 200,000 session pairs per second on one core.

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rppp::pair::{Pair, Side};
use rppp::session::{Role, SessionConfig};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};

fn configs() -> (SessionConfig, SessionConfig) {
    let mut no_files = |path: &str| Err(format!("no file {path}"));
    let lns_secrets =
        Arc::new(Secrets::parse("chap-secrets", b"lac lns s3cret *\n", &mut no_files).unwrap());
    let lac_secrets =
        Arc::new(Secrets::parse("chap-secrets", b"lac lns s3cret\n", &mut no_files).unwrap());
    let mut lns = SessionConfig::new(Role::Lns);
    lns.lcp.mru = 1400;
    lns.lcp.require = AuthMethods::NONE.with(AuthMethod::ChapMd5);
    lns.ipcp.local = Some(Ipv4Addr::new(10, 201, 0, 1));
    lns.ipcp.remote = Some(Ipv4Addr::new(10, 201, 0, 2));
    lns.ipcp.ms_dns = [
        Some(Ipv4Addr::new(8, 8, 8, 8)),
        Some(Ipv4Addr::new(8, 8, 4, 4)),
    ];
    lns.auth.name = b"lns".to_vec();
    lns.auth.chap_secrets = lns_secrets;
    let mut lac = SessionConfig::new(Role::Lac);
    lac.lcp.mru = 1400;
    lac.ipcp.noipdefault = true;
    lac.ipcp.use_peer_dns = true;
    lac.auth.name = b"lac".to_vec();
    lac.auth.user = b"lac".to_vec();
    lac.auth.chap_secrets = lac_secrets;
    (lns, lac)
}

fn up(pair: &Pair) -> bool {
    pair.side(Side::Lns).ip_up().is_some() && pair.side(Side::Lac).ip_up().is_some()
}

fn session_setup(c: &mut Criterion) {
    // One configuration per role, shared by every pair as an Engine shares
    // it between sessions.
    let (lns, lac) = configs();
    let (lns, lac) = (Arc::new(lns), Arc::new(lac));
    // Check once that the benchmark measures what it says.
    let mut pair = Pair::new(Arc::clone(&lns), Arc::clone(&lac), 7).without_records();
    pair.start();
    pair.drive_until(Duration::from_secs(60), up);
    assert!(up(&pair), "the pair must come up");

    let mut group = c.benchmark_group("session_setup");
    group.throughput(Throughput::Elements(1));
    let mut seed = 0;
    group.bench_function("lcp_chap_md5_ipcp_dns", |b| {
        b.iter(|| {
            seed += 1;
            // Two new sessions each time; the harness's own buffers are
            // kept, as its records are not what this measures.
            pair.restart(Arc::clone(&lns), Arc::clone(&lac), seed);
            pair.start();
            pair.drive_until(Duration::from_secs(60), up);
            black_box(pair.side(Side::Lac).ip_up())
        })
    });
    group.finish();
}

criterion_group!(benches, session_setup);
criterion_main!(benches);
