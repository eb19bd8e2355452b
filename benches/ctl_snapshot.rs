//! `ctl_snapshot`: what `show sessions` does on the engine's runtime
//! before it hands the rows to a blocking thread: `Engine::sessions()`,
//! a copy of every session's summary taken under the registry's lock,
//! with 10,000 sessions running. Every session task that reports a change
//! waits for that lock meanwhile, so this is how long a `show sessions`
//! can hold the sessions back (sorting and rendering: `ctl_show`).
//!
//! The sessions run on the fake data path and never meet a peer: they
//! stay in LCP's Establish phase, sending Configure-Requests, for the
//! length of the run.
//!
//! `cargo bench --bench ctl_snapshot`

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rppp::driver::fake::{FakeDataPath, TestEngine};
use rppp::session::{Role, SessionConfig};

const SESSIONS: usize = 10_000;

/// Several fds a session (the fake channel and unit, both ends): the
/// hard limit is raised too where that is allowed.
fn raise_fd_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        let want = hard.max(8 * SESSIONS as u64 + 1024);
        if setrlimit(Resource::RLIMIT_NOFILE, want, want).is_err() {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
        }
    }
}

fn snapshot(c: &mut Criterion) {
    raise_fd_limit();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let engine = TestEngine::new();
    let mut kept = Vec::with_capacity(SESSIONS);
    // As many as the open-file limit allows (each fake session holds a
    // few fds: where the hard limit cannot be raised, fewer than 10,000).
    while kept.len() < SESSIONS {
        let Ok((dp, handle)) = FakeDataPath::new() else {
            break;
        };
        let mut config = SessionConfig::new(Role::Lns);
        config.negotiation_timeout = Duration::from_secs(3600);
        kept.push((engine.add_session(dp, config), handle));
    }
    let n = kept.len();
    rt.block_on(async {
        while engine.engine.len() < n {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut g = c.benchmark_group(format!("ctl_snapshot_{n}_sessions"));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("engine_sessions", |b| {
        b.iter(|| {
            let rows = engine.engine.sessions();
            assert_eq!(rows.len(), n);
            rows
        })
    });
    g.finish();
    drop(kept);
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
