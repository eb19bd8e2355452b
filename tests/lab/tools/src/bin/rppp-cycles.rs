//! rppp-cycles: connect and disconnect sessions over and over through
//! rppp's library [`Engine`], and check after every round that nothing
//! leaked: no fd in this process, no ppp interface, no address, no kernel
//! session.
//!
//! Two threads, one per network namespace ("lns" and "lac"), each with its
//! own static L2TPv2 tunnel (made as `l2tp-static` makes them), its own
//! tokio runtime (current-thread unless `--threads`) and its own `Engine`:
//! one long-lived engine per side, as an L2TP daemon embedding rppp would
//! hold. Each round, both sides open `--sessions` new PPPoL2TP sessions
//! (fresh ids), add them to their engine (named units `c<side><i>`, so a
//! leaked interface makes the next round fail with EEXIST), wait until
//! every session on both sides has IPCP up, then the LAC side closes all of
//! them (Terminate-Request) and both wait until every session ended. Every
//! session's events are followed by its own task, so each phase is timed
//! when it happens. After each round the process's open fds are counted
//! (`/proc/self/fd`) and must equal the count after the first round; each
//! side lists its interfaces and addresses, and none but `lo` and the veth
//! may be left.
//!
//! ```text
//! rppp-cycles --sessions N --rounds R [--threads T] [--control FIFO]
//! ```
//!
//! Prints, for every round up to 10, then every 10th and the last:
//! `ROUND r up_ms=.. down_ms=.. round_ms=.. fds=..` and one line per side
//! `PHASES r side open_ms=.. created_ms=m/M lcp_ms=m/M up_ms=m/M
//! ipdown_ms=m/M ended_ms=m/M check_ms=..`: the time to open the kernel
//! sessions, then the median (m) and slowest (M) session's time from the
//! round's start until its unit existed, LCP opened and IPCP was up, and
//! from the close until IPCP went down and the session ended, and the leak
//! check's time. `LEAK ...` for anything left behind; at the end `FDS` with
//! every round's fd count and `CYCLES sessions=N rounds=R cycles=N*R
//! seconds=.. fds_start=.. fds_end=.. leaks=..`. With `--control FIFO` it
//! then prints `HOLD` and keeps its tunnels until a line arrives on the
//! FIFO, so that the scenario can check with `ip l2tp show session` that
//! the kernel has no session left. Exit 0 only when every session came up,
//! ended with the expected exit code (5 on the LAC, which closed; 0, 5 or
//! 16 on the LNS) and nothing leaked.
#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp::driver::fake::{SessionHandle, TestEngine};
use rppp::driver::{Engine, EngineEvent, KernelSessionOptions, UnitNaming};
use rppp::kernel::PppoL2tpSocket;
use rppp::session::{Role, SessionConfig, SessionEvent};
use rppp_lab::{enter_netns, err, raise_fd_limit, BoxError, StaticTunnel};
use tokio::sync::Barrier;

const LNS_ADDR: &str = "10.200.0.1:1711";
const LAC_ADDR: &str = "10.200.0.2:1711";
const LNS_TUNNEL: u16 = 700;
const LAC_TUNNEL: u16 = 800;
/// How long one round may take to bring every session up, or down.
const ROUND_LIMIT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy)]
struct Plan {
    sessions: u16,
    rounds: u32,
    /// Worker threads of each side's tokio runtime; 0: a current-thread
    /// runtime.
    threads: usize,
}

/// What one side saw in one round.
#[derive(Debug, Default)]
struct SideRound {
    failures: Vec<String>,
    leaks: Vec<String>,
    /// From the start of the round until every session was up.
    up: Duration,
    /// From the close until every session ended.
    down: Duration,
    /// Each phase's median and slowest session (see `PHASES` lines).
    phases: String,
}

fn parse() -> Result<(Plan, Option<String>), BoxError> {
    let mut plan = Plan {
        sessions: 0,
        rounds: 0,
        threads: 0,
    };
    let mut control = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let v = args
            .next()
            .ok_or_else(|| err(format!("{flag} needs a value")))?;
        let bad = |e: &dyn std::fmt::Display| err(format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--sessions" => plan.sessions = v.parse().map_err(|e| bad(&e))?,
            "--rounds" => plan.rounds = v.parse().map_err(|e| bad(&e))?,
            "--threads" => plan.threads = v.parse().map_err(|e| bad(&e))?,
            "--control" => control = Some(v),
            _ => {
                return Err(err(
                    "usage: rppp-cycles --sessions N --rounds R [--threads T] [--control FIFO]",
                ))
            }
        }
    }
    if plan.sessions == 0 || plan.rounds == 0 {
        return Err(err("--sessions and --rounds must be at least 1"));
    }
    // Session ids are fresh every round: 1 + round * N + i, below 0x8000
    // (the LAC's ids are 0x8000 + the LNS's).
    if u64::from(plan.sessions) * u64::from(plan.rounds) >= 0x7fff {
        return Err(err("sessions * rounds must stay below 32767 (session ids)"));
    }
    Ok((plan, control))
}

fn session_id(plan: Plan, round: u32, i: u16, lac: bool) -> u16 {
    let id = 1 + round * u32::from(plan.sessions) + u32::from(i);
    (id as u16) | if lac { 0x8000 } else { 0 }
}

/// The LNS gives session i the addresses 10.130.x.y (LNS) and +1 (LAC).
fn addresses(i: u16) -> (Ipv4Addr, Ipv4Addr) {
    let base = u32::from(Ipv4Addr::new(10, 130, 0, 0)) + 4 * u32::from(i);
    (Ipv4Addr::from(base + 1), Ipv4Addr::from(base + 2))
}

fn config(lac: bool, i: u16) -> SessionConfig {
    if lac {
        let mut c = SessionConfig::new(Role::Lac);
        c.ipcp.accept_local = true;
        c.ipcp.accept_remote = true;
        c.ipcp.noipdefault = true;
        c
    } else {
        let mut c = SessionConfig::new(Role::Lns);
        let (lns, lac) = addresses(i);
        c.ipcp.local = Some(lns);
        c.ipcp.remote = Some(lac);
        c
    }
}

/// Interfaces other than lo and the veth, and their addresses, in this
/// thread's network namespace.
fn leftovers() -> Vec<String> {
    let mut left = Vec::new();
    match nix::net::if_::if_nameindex() {
        Ok(list) => {
            for i in list.iter() {
                let name = i.name().to_string_lossy();
                if name != "lo" && !name.starts_with("veth") {
                    left.push(format!("interface {name}"));
                }
            }
        }
        Err(e) => left.push(format!("if_nameindex failed: {e}")),
    }
    match nix::ifaddrs::getifaddrs() {
        Ok(addrs) => {
            for a in addrs {
                let name = &a.interface_name;
                if name != "lo" && !name.starts_with("veth") && a.address.is_some() {
                    let is_ip = a.address.as_ref().is_some_and(|s| {
                        s.as_sockaddr_in().is_some() || s.as_sockaddr_in6().is_some()
                    });
                    if is_ip {
                        left.push(format!("address on {name}"));
                    }
                }
            }
        }
        Err(e) => left.push(format!("getifaddrs failed: {e}")),
    }
    left
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(usize::MAX, |d| d.count())
}

/// When one session reached each step of its setup, from the round's start.
#[derive(Debug, Clone, Copy, Default)]
struct UpTimes {
    /// The unit exists (`Created`).
    created: Duration,
    /// LCP is open (`LinkUp`).
    lcp: Duration,
    /// IPCP is up (`IpUp`): the addresses are set and the interface is up.
    ip: Duration,
}

/// When one session reached each step of its end, from the close.
#[derive(Debug, Clone, Copy, Default)]
struct DownTimes {
    /// IPCP went down (`IpDown`): NP mode DROP, addresses removed,
    /// interface down.
    ip_down: Duration,
    /// The session ended (`Ended`): LCP is finished and the unit, the
    /// channel and the socket are closed.
    ended: Duration,
}

/// Follows one session's events until IPCP is up; a session that ends
/// first fails. Gives the handle back for the close, unless the session
/// already ended (its end was reported here, not again when closing).
async fn watch_up(
    mut h: SessionHandle,
    t0: Instant,
) -> (Option<SessionHandle>, Result<UpTimes, String>) {
    let mut times = UpTimes::default();
    let mut ended = false;
    let r = tokio::time::timeout(ROUND_LIMIT, async {
        while let Some(ev) = h.next_event().await {
            match ev {
                EngineEvent::Created { .. } => times.created = t0.elapsed(),
                EngineEvent::Session(SessionEvent::LinkUp(_)) => times.lcp = t0.elapsed(),
                EngineEvent::Session(SessionEvent::IpUp { .. }) => {
                    times.ip = t0.elapsed();
                    return Ok(times);
                }
                EngineEvent::Ended(e) => {
                    ended = true;
                    return Err(format!("exit {} ({})", e.exit_code, e.reason));
                }
                _ => {}
            }
        }
        ended = true;
        Err("no more events".to_string())
    })
    .await
    .unwrap_or_else(|_| Err(format!("not up within {ROUND_LIMIT:?}")));
    (if ended { None } else { Some(h) }, r)
}

/// Follows one session's events until it ended; checks its exit code.
async fn watch_down(mut h: SessionHandle, t1: Instant, ok: &[u8]) -> Result<DownTimes, String> {
    let mut times = DownTimes::default();
    let r = tokio::time::timeout(ROUND_LIMIT, async {
        while let Some(ev) = h.next_event().await {
            match ev {
                EngineEvent::Session(SessionEvent::IpDown) => times.ip_down = t1.elapsed(),
                EngineEvent::Ended(e) => {
                    times.ended = t1.elapsed();
                    return Ok(e);
                }
                _ => {}
            }
        }
        Err("no Ended event".to_string())
    })
    .await
    .unwrap_or_else(|_| Err(format!("not ended within {ROUND_LIMIT:?}")))?;
    // The task is over once it sent Ended; join it all the same.
    let ended = h.wait().await;
    if r != ended {
        return Err(format!("Ended said {r:?}, the task {ended:?}"));
    }
    if ok.contains(&ended.exit_code) {
        Ok(times)
    } else {
        Err(format!("ended with {} ({})", ended.exit_code, ended.reason))
    }
}

/// "median/max" of a phase over a round's sessions, in milliseconds.
fn spread(mut v: Vec<Duration>) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.sort();
    format!(
        "{}/{}",
        v[v.len() / 2].as_millis(),
        v[v.len() - 1].as_millis()
    )
}

struct Shared {
    plan: Plan,
    barrier: Barrier,
    /// Each round's report from each side, to the main thread.
    reports: std::sync::mpsc::Sender<(bool, u32, SideRound)>,
}

fn side(lac: bool, shared: Arc<Shared>) -> Result<(), BoxError> {
    let name = if lac { "lac" } else { "lns" };
    enter_netns(name)?;
    let (ours, theirs): (SocketAddrV4, SocketAddrV4) = if lac {
        (LAC_ADDR.parse()?, LNS_ADDR.parse()?)
    } else {
        (LNS_ADDR.parse()?, LAC_ADDR.parse()?)
    };
    let (tid, peer_tid) = if lac {
        (LAC_TUNNEL, LNS_TUNNEL)
    } else {
        (LNS_TUNNEL, LAC_TUNNEL)
    };
    let tunnel = StaticTunnel::open(ours, theirs, tid, peer_tid)?;
    let plan = shared.plan;
    let rt = if plan.threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        // Worker threads start here, so they are in this side's netns.
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(plan.threads)
            .enable_all()
            .build()
    }
    .map_err(|e| err(format!("tokio runtime: {e}")))?;
    rt.block_on(async {
        // Each session's events on a handle of its own (the test
        // harness sorts the engine's one stream by session).
        let engine =
            TestEngine::from_engine(Engine::new().map_err(|e| err(format!("Engine::new: {e}")))?);
        for round in 0..plan.rounds {
            let mut report = SideRound::default();
            let t_open = Instant::now();
            let mut sockets: Vec<PppoL2tpSocket> = Vec::new();
            for i in 0..plan.sessions {
                let us = session_id(plan, round, i, lac);
                let them = session_id(plan, round, i, !lac);
                sockets.push(tunnel.session(us, them)?);
            }
            let open = t_open.elapsed();
            // Both sides' kernel sessions exist before either engine speaks.
            shared.barrier.wait().await;
            let t0 = Instant::now();
            let watchers: Vec<_> = sockets
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let i = i as u16;
                    let options = KernelSessionOptions {
                        naming: UnitNaming {
                            ifname: Some(format!("c{name}{i}")),
                            ..UnitNaming::default()
                        },
                        ..KernelSessionOptions::default()
                    };
                    let id = engine
                        .engine
                        .add_kernel_session(s, config(lac, i), options, ());
                    let h = engine.handle(id);
                    tokio::spawn(watch_up(h, t0))
                })
                .collect();
            let mut handles = Vec::with_capacity(watchers.len());
            let mut ups = Vec::with_capacity(watchers.len());
            for (i, w) in watchers.into_iter().enumerate() {
                let (h, r) = w.await.map_err(|e| err(format!("a watcher failed: {e}")))?;
                match r {
                    Ok(t) => ups.push(t),
                    Err(e) => report
                        .failures
                        .push(format!("{name} session {i} did not come up: {e}")),
                }
                if let Some(h) = h {
                    handles.push((i, h));
                }
            }
            report.up = t0.elapsed();
            shared.barrier.wait().await;
            let t1 = Instant::now();
            // The LAC closes (exit 5); the LNS ends on the peer's
            // Terminate-Request (0, as pppd), or when the peer's data path
            // goes first (16).
            let ok: &'static [u8] = if lac { &[5] } else { &[0, 5, 16] };
            let watchers: Vec<_> = handles
                .into_iter()
                .map(|(i, h)| {
                    if lac {
                        h.close();
                    }
                    (i, tokio::spawn(watch_down(h, t1, ok)))
                })
                .collect();
            let mut downs = Vec::with_capacity(watchers.len());
            for (i, w) in watchers {
                match w.await.map_err(|e| err(format!("a watcher failed: {e}")))? {
                    Ok(t) => downs.push(t),
                    Err(e) => report.failures.push(format!("{name} session {i}: {e}")),
                }
            }
            report.down = t1.elapsed();
            let t_check = Instant::now();
            report.leaks = leftovers();
            report.phases = format!(
                "open_ms={} created_ms={} lcp_ms={} up_ms={} ipdown_ms={} ended_ms={} check_ms={}",
                open.as_millis(),
                spread(ups.iter().map(|t| t.created).collect()),
                spread(ups.iter().map(|t| t.lcp).collect()),
                spread(ups.iter().map(|t| t.ip).collect()),
                spread(downs.iter().map(|t| t.ip_down).collect()),
                spread(downs.iter().map(|t| t.ended).collect()),
                t_check.elapsed().as_millis(),
            );
            shared
                .reports
                .send((lac, round, report))
                .map_err(|_| err("the main thread is gone"))?;
            // The main thread counts fds between rounds.
            shared.barrier.wait().await;
            shared.barrier.wait().await;
        }
        Ok::<(), BoxError>(())
    })?;
    // The tunnel stays until the main thread says (after HOLD).
    rt.block_on(shared.barrier.wait());
    drop(tunnel);
    Ok(())
}

fn run() -> Result<bool, BoxError> {
    let (plan, control) = parse()?;
    // Three fds per session per side, plus the tunnels and tokio's.
    raise_fd_limit(6 * u64::from(plan.sessions) + 64)?;
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = Arc::new(Shared {
        plan,
        barrier: Barrier::new(3),
        reports: tx,
    });
    let mut threads = Vec::new();
    for lac in [false, true] {
        let s = Arc::clone(&shared);
        threads.push(
            std::thread::Builder::new()
                .name(if lac { "lac" } else { "lns" }.into())
                .spawn(move || side(lac, s))
                .map_err(|e| err(format!("spawn a thread: {e}")))?,
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| err(format!("tokio runtime: {e}")))?;
    let fds_start = open_fds();
    let t0 = Instant::now();
    let mut ok = true;
    let mut leaks = 0usize;
    let mut fds_after_first = None;
    let mut fds = fds_start;
    let mut rounds_done = 0;
    let mut fds_per_round = Vec::new();
    rt.block_on(async {
        for round in 0..plan.rounds {
            let t_round = Instant::now();
            // Sockets made; then up; then each side reports after down.
            shared.barrier.wait().await;
            shared.barrier.wait().await;
            let mut up_ms = 0;
            let mut down_ms = 0;
            let mut phases = Vec::new();
            for _ in 0..2 {
                let Ok((lac, r, report)) = rx.recv() else {
                    ok = false;
                    return;
                };
                let side = if lac { "lac" } else { "lns" };
                up_ms = up_ms.max(report.up.as_millis());
                down_ms = down_ms.max(report.down.as_millis());
                phases.push(format!("PHASES {r} {side} {}", report.phases));
                for f in &report.failures {
                    println!("FAIL round={r} {f}");
                    ok = false;
                }
                for l in &report.leaks {
                    println!("LEAK round={r} side={side} {l}");
                    leaks += 1;
                }
            }
            shared.barrier.wait().await;
            fds = open_fds();
            fds_per_round.push(fds);
            let baseline = *fds_after_first.get_or_insert(fds);
            if fds != baseline {
                println!("LEAK round={round} fds={fds} after round 0: {baseline}");
                leaks += 1;
            }
            if round < 10 || (round + 1) % 10 == 0 || round + 1 == plan.rounds {
                println!(
                    "ROUND {round} up_ms={up_ms} down_ms={down_ms} round_ms={} fds={fds}",
                    t_round.elapsed().as_millis()
                );
                for p in &phases {
                    println!("{p}");
                }
            }
            rounds_done += 1;
            // A failed round is reported and the rounds go on: the next
            // one shows whether it left anything behind.
            shared.barrier.wait().await;
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "CYCLES sessions={} rounds={rounds_done} cycles={} seconds={secs:.1} fds_start={fds_start} fds_end={fds} leaks={leaks}",
        plan.sessions,
        u32::from(plan.sessions) * rounds_done
    );
    let list: Vec<String> = fds_per_round.iter().map(|n| n.to_string()).collect();
    println!("FDS {}", list.join(" "));
    if let Some(fifo) = control {
        println!("HOLD");
        let mut line = String::new();
        let f = std::fs::File::open(&fifo).map_err(|e| err(format!("open {fifo}: {e}")))?;
        std::io::BufRead::read_line(&mut std::io::BufReader::new(f), &mut line)
            .map_err(|e| err(format!("read {fifo}: {e}")))?;
    }
    rt.block_on(shared.barrier.wait());
    for t in threads {
        match t.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                println!("FAIL {e}");
                ok = false;
            }
            Err(_) => {
                println!("FAIL a side's thread panicked");
                ok = false;
            }
        }
    }
    Ok(ok && leaks == 0)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("rppp-cycles: {e}");
            ExitCode::from(1)
        }
    }
}
