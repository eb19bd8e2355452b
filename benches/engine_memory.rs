//! `engine_memory`: the heap an Engine holds per session once its sessions
//! are up, counted with a counting global allocator: the sans-IO session,
//! its task and timers, the registry's entry, its span and its data
//! path's userland state. Sessions run in pairs on the fake data path (as
//! an LNS and a LAC with CHAP), in one engine; the fake kernels' own
//! state is made before the count starts and is not counted.
//!
//! This is the part of the lab's PSS per session (`l2tpd-scale`) that
//! rppp's own allocations make; the rest is the L2TP daemon's state,
//! allocator overhead and the shared text of the binary.
//!
//! `cargo bench --features test-util --bench engine_memory`

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rppp::driver::fake::FakeDataPath;
use rppp::driver::{Engine, LinkOptions};
use rppp::session::{Role, SessionConfig};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};

#[path = "common/counting.rs"]
mod counting;
use counting::live;

/// Pairs of sessions (twice as many sessions).
const PAIRS: usize = 500;

fn configs() -> (Arc<SessionConfig>, Arc<SessionConfig>) {
    let secrets = |text: &str| {
        let mut no_files = |path: &str| Err(format!("no file {path} here"));
        Arc::new(Secrets::parse("chap-secrets", text.as_bytes(), &mut no_files).expect("secrets"))
    };
    let mut lns = SessionConfig::new(Role::Lns);
    lns.ipcp.local = Some(Ipv4Addr::new(10, 0, 0, 1));
    lns.ipcp.remote = Some(Ipv4Addr::new(10, 0, 0, 2));
    lns.auth.name = b"lns".to_vec();
    lns.lcp.require = AuthMethods::NONE.with(AuthMethod::ChapMd5);
    lns.auth.chap_secrets = secrets("lac lns s3cret *\n");
    let mut lac = SessionConfig::new(Role::Lac);
    lac.ipcp.noipdefault = true;
    lac.ipcp.accept_local = true;
    lac.ipcp.accept_remote = true;
    lac.auth.user = b"lac".to_vec();
    lac.auth.remote_name = Some(b"lns".to_vec());
    lac.auth.chap_secrets = secrets("lac lns s3cret\n");
    for c in [&mut lns, &mut lac] {
        c.negotiation_timeout = Duration::from_secs(600);
    }
    (Arc::new(lns), Arc::new(lac))
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let (engine, mut events) = Engine::without_kernel();
        let engine = engine.negotiation_window(None);
        tokio::spawn(async move { while events.next().await.is_some() {} });
        let (lns, lac) = configs();
        let mut kernels = Vec::with_capacity(PAIRS);
        let mut paths = Vec::with_capacity(PAIRS);
        for _ in 0..PAIRS {
            let ((a, ka), (b, kb), relay) = FakeDataPath::pair().expect("a fake pair");
            kernels.push((ka, kb, relay));
            paths.push((a, b));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = live();
        for (a, b) in paths {
            engine.add_session(a, Arc::clone(&lns), LinkOptions::default(), ());
            engine.add_session(b, Arc::clone(&lac), LinkOptions::default(), ());
        }
        let sessions = 2 * PAIRS as u64;
        while engine.tally().up < sessions {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Settled: what the negotiations left behind is gone.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = live();
        let per = (after - before) as f64 / sessions as f64;
        println!(
            "engine_memory: {sessions} sessions up, {:.0} bytes of heap each ({:.2} KiB)",
            per,
            per / 1024.0
        );
        engine.shutdown().await;
        drop(kernels);
    });
}
