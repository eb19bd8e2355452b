//! `session_memory`: the heap bytes an established session holds, counted
//! with a counting global allocator, plus its inline size. Target: at most
//! 2 KiB per session.
//!
//! `cargo bench --bench session_memory` prints the figures; it fails when
//! the target is missed.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Pair, Side};
use rppp::session::{Role, Session, SessionConfig};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};

#[path = "common/counting.rs"]
mod counting;
use counting::live;

fn configs() -> (SessionConfig, SessionConfig) {
    let mut no_files = |path: &str| Err(format!("no file {path}"));
    let lns_secrets =
        Arc::new(Secrets::parse("chap-secrets", b"lac lns s3cret *\n", &mut no_files).unwrap());
    let lac_secrets =
        Arc::new(Secrets::parse("chap-secrets", b"lac lns s3cret\n", &mut no_files).unwrap());
    let mut lns = SessionConfig::new(Role::Lns);
    lns.lcp.require = AuthMethods::NONE.with(AuthMethod::ChapMd5);
    lns.lcp.echo_interval = Some(Duration::from_secs(30));
    lns.lcp.echo_failure = 4;
    lns.ipcp.local = Some(Ipv4Addr::new(10, 201, 0, 1));
    lns.ipcp.remote = Some(Ipv4Addr::new(10, 201, 0, 2));
    lns.ipcp.ms_dns = [Some(Ipv4Addr::new(8, 8, 8, 8)), None];
    lns.auth.name = b"lns".to_vec();
    lns.auth.chap_secrets = lns_secrets;
    let mut lac = SessionConfig::new(Role::Lac);
    lac.ipcp.noipdefault = true;
    lac.auth.name = b"lac".to_vec();
    lac.auth.user = b"lac".to_vec();
    lac.auth.chap_secrets = lac_secrets;
    (lns, lac)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // and wants a quick run: the measurement is the same either way.
    // One configuration per role, shared by every session made from it, as
    // an Engine or an L2TP daemon holds them: it is not per-session memory.
    let (lns, lac) = configs();
    let (lns, lac) = (Arc::new(lns), Arc::new(lac));
    let sessions = 1000;
    let mut established: Vec<Session> = Vec::with_capacity(2 * sessions);
    let before = live();
    for seed in 0..sessions as u64 {
        let mut pair = Pair::new(Arc::clone(&lns), Arc::clone(&lac), seed);
        pair.start();
        pair.drive_until(Duration::from_secs(60), |p| {
            p.side(Side::Lns).ip_up().is_some() && p.side(Side::Lac).ip_up().is_some()
        });
        assert!(
            pair.side(Side::Lns).ip_up().is_some(),
            "seed {seed} did not come up"
        );
        let [lns, lac] = pair.into_sessions();
        established.push(lns);
        established.push(lac);
    }
    let heap = (live() - before) as f64 / established.len() as f64;
    let inline = std::mem::size_of::<Session>();
    let total = heap + inline as f64;
    println!(
        "session_memory: {} established sessions (LNS with CHAP-MD5, echo, IPCP with DNS; LAC)",
        established.len()
    );
    println!("session_memory: heap {heap:.0} bytes + inline {inline} bytes = {total:.0} bytes per session");
    println!(
        "session_memory: target 2048 bytes: {}",
        if total <= 2048.0 { "met" } else { "MISSED" }
    );
    drop(established);
    if total > 2048.0 {
        std::process::exit(1);
    }
}
