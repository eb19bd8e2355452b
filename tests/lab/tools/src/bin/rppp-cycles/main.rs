//! rppp-cycles: connect and disconnect sessions over and over through
//! rppp's library [`Engine`](rppp::driver::Engine), and check after every
//! round that nothing leaked: no fd in this process, no ppp interface, no
//! address, no kernel session.
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

mod side;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use rppp_lab::{err, raise_fd_limit, BoxError};
use tokio::sync::Barrier;

use side::{side, SideRound};

#[derive(Debug, Clone, Copy)]
struct Plan {
    sessions: u16,
    rounds: u32,
    /// Worker threads of each side's tokio runtime; 0: a current-thread
    /// runtime.
    threads: usize,
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

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(usize::MAX, |d| d.count())
}

/// What the main thread and the two sides share.
struct Shared {
    plan: Plan,
    barrier: Barrier,
    /// Each round's report from each side, to the main thread.
    reports: std::sync::mpsc::Sender<(bool, u32, SideRound)>,
}

/// What the main thread adds up over the rounds.
#[derive(Debug)]
struct Tally {
    ok: bool,
    leaks: usize,
    fds_after_first: Option<usize>,
    fds: usize,
    rounds_done: u32,
    fds_per_round: Vec<usize>,
}

/// Starts the two sides' threads, "lns" and "lac".
fn spawn_sides(
    shared: &Arc<Shared>,
) -> Result<Vec<std::thread::JoinHandle<Result<(), BoxError>>>, BoxError> {
    let mut threads = Vec::new();
    for lac in [false, true] {
        let s = Arc::clone(shared);
        threads.push(
            std::thread::Builder::new()
                .name(if lac { "lac" } else { "lns" }.into())
                .spawn(move || side(lac, s))
                .map_err(|e| err(format!("spawn a thread: {e}")))?,
        );
    }
    Ok(threads)
}

/// The main thread's part of one round: both sides' reports, then the fd
/// count between the sides' rounds. False if a side is gone.
async fn main_round(
    round: u32,
    shared: &Shared,
    rx: &std::sync::mpsc::Receiver<(bool, u32, SideRound)>,
    tally: &mut Tally,
) -> bool {
    let t_round = Instant::now();
    // Sockets made; then up; then each side reports after down.
    shared.barrier.wait().await;
    shared.barrier.wait().await;
    let mut up_ms = 0;
    let mut down_ms = 0;
    let mut phases = Vec::new();
    for _ in 0..2 {
        let Ok((lac, r, report)) = rx.recv() else {
            tally.ok = false;
            return false;
        };
        let side = if lac { "lac" } else { "lns" };
        up_ms = up_ms.max(report.up.as_millis());
        down_ms = down_ms.max(report.down.as_millis());
        phases.push(format!("PHASES {r} {side} {}", report.phases));
        for f in &report.failures {
            println!("FAIL round={r} {f}");
            tally.ok = false;
        }
        for l in &report.leaks {
            println!("LEAK round={r} side={side} {l}");
            tally.leaks += 1;
        }
    }
    shared.barrier.wait().await;
    let fds = open_fds();
    tally.fds = fds;
    tally.fds_per_round.push(fds);
    let baseline = *tally.fds_after_first.get_or_insert(fds);
    if fds != baseline {
        println!("LEAK round={round} fds={fds} after round 0: {baseline}");
        tally.leaks += 1;
    }
    if round < 10 || (round + 1) % 10 == 0 || round + 1 == shared.plan.rounds {
        println!(
            "ROUND {round} up_ms={up_ms} down_ms={down_ms} round_ms={} fds={fds}",
            t_round.elapsed().as_millis()
        );
        for p in &phases {
            println!("{p}");
        }
    }
    tally.rounds_done += 1;
    // A failed round is reported and the rounds go on: the next
    // one shows whether it left anything behind.
    shared.barrier.wait().await;
    true
}

/// `--control FIFO`: prints `HOLD` and waits for a line on the FIFO.
fn hold(fifo: &str) -> Result<(), BoxError> {
    println!("HOLD");
    let mut line = String::new();
    let f = std::fs::File::open(fifo).map_err(|e| err(format!("open {fifo}: {e}")))?;
    std::io::BufRead::read_line(&mut std::io::BufReader::new(f), &mut line)
        .map_err(|e| err(format!("read {fifo}: {e}")))?;
    Ok(())
}

/// Joins the sides' threads; false if one failed or panicked.
fn join_sides(threads: Vec<std::thread::JoinHandle<Result<(), BoxError>>>) -> bool {
    let mut ok = true;
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
    ok
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
    let threads = spawn_sides(&shared)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| err(format!("tokio runtime: {e}")))?;
    let fds_start = open_fds();
    let t0 = Instant::now();
    let mut tally = Tally {
        ok: true,
        leaks: 0,
        fds_after_first: None,
        fds: fds_start,
        rounds_done: 0,
        fds_per_round: Vec::new(),
    };
    rt.block_on(async {
        for round in 0..plan.rounds {
            if !main_round(round, &shared, &rx, &mut tally).await {
                break;
            }
        }
    });
    let Tally {
        mut ok,
        leaks,
        fds,
        rounds_done,
        fds_per_round,
        ..
    } = tally;
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "CYCLES sessions={} rounds={rounds_done} cycles={} seconds={secs:.1} fds_start={fds_start} fds_end={fds} leaks={leaks}",
        plan.sessions,
        u32::from(plan.sessions) * rounds_done
    );
    let list: Vec<String> = fds_per_round.iter().map(|n| n.to_string()).collect();
    println!("FDS {}", list.join(" "));
    if let Some(fifo) = control {
        hold(&fifo)?;
    }
    rt.block_on(shared.barrier.wait());
    ok &= join_sides(threads);
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
