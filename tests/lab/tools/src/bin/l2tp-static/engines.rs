//! The engine processes: started one per session end or one per side,
//! reaped, signalled, stopped, and their memory reported.

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::process::Child;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use rppp::kernel::PppoL2tpSocket;
use rppp_lab::{enter_netns, memory_of, spawn_engine, spawn_engine_multi, BoxError, Memory};

use super::{Config, Log, Session};

/// One engine process: its side, the session it runs (0 for one engine
/// per side) and its exit code once reaped.
#[derive(Debug)]
pub(super) struct Engine {
    side: &'static str,
    index: u16,
    session: u16,
    child: Child,
    pub(super) code: Option<i32>,
}

/// One session's engine arguments: the template's words with `{lns_ip}`,
/// `{lac_ip}`, `{tunnel}`, `{session}` and `{index}` replaced.
fn expand(template: &str, c: &Config, s: &Session, lns: bool) -> Vec<String> {
    let (tunnel, session) = if lns {
        (c.lns_tunnel, s.lns_sid)
    } else {
        (c.lac_tunnel, s.lac_sid)
    };
    template
        .split_whitespace()
        .map(|w| {
            w.replace("{lns_ip}", &s.lns_ip.to_string())
                .replace("{lac_ip}", &s.lac_ip.to_string())
                .replace("{tunnel}", &tunnel.to_string())
                .replace("{session}", &session.to_string())
                .replace("{index}", &s.index.to_string())
        })
        .collect()
}

/// `--one-process`: one engine per side for all its sessions (rppp
/// `--sessions-file`).
pub(super) fn spawn_one_per_side(
    c: &Config,
    plan: &[Session],
    lns_socks: Vec<PppoL2tpSocket>,
    lac_socks: Vec<PppoL2tpSocket>,
) -> Result<Vec<Engine>, BoxError> {
    let mut lns_all = Vec::new();
    let mut lac_all = Vec::new();
    for (s, (lns_sock, lac_sock)) in plan.iter().zip(lns_socks.into_iter().zip(lac_socks)) {
        lns_all.push((
            lns_sock,
            Some((c.lns_tunnel, s.lns_sid)),
            expand(&c.lns_args, c, s, true),
        ));
        lac_all.push((lac_sock, None, expand(&c.lac_args, c, s, false)));
    }
    let mut engines = Vec::new();
    for (side, netns, engine, all) in [
        ("lns", &c.lns_netns, &c.lns_engine, lns_all),
        ("lac", &c.lac_netns, &c.lac_engine, lac_all),
    ] {
        enter_netns(netns)?;
        let file = format!("/tmp/l2tp-static-{side}.sessions");
        let child = spawn_engine_multi(engine, all, &file)?;
        engines.push(Engine {
            side,
            index: 0,
            session: 0,
            child,
            code: None,
        });
    }
    Ok(engines)
}

/// One engine per session end: LNS and LAC of each session in turn, each
/// in its namespace.
pub(super) fn spawn_per_session(
    c: &Config,
    plan: &[Session],
    lns_socks: Vec<PppoL2tpSocket>,
    lac_socks: Vec<PppoL2tpSocket>,
) -> Result<Vec<Engine>, BoxError> {
    let mut engines = Vec::new();
    for (s, (lns_sock, lac_sock)) in plan.iter().zip(lns_socks.into_iter().zip(lac_socks)) {
        enter_netns(&c.lns_netns)?;
        let child = spawn_engine(
            &c.lns_engine,
            lns_sock,
            Some((c.lns_tunnel, s.lns_sid)),
            &expand(&c.lns_args, c, s, true),
        )?;
        engines.push(Engine {
            side: "lns",
            index: s.index,
            session: s.lns_sid,
            child,
            code: None,
        });
        enter_netns(&c.lac_netns)?;
        let child = spawn_engine(
            &c.lac_engine,
            lac_sock,
            None,
            &expand(&c.lac_args, c, s, false),
        )?;
        engines.push(Engine {
            side: "lac",
            index: s.index,
            session: s.lac_sid,
            child,
            code: None,
        });
    }
    Ok(engines)
}

pub(super) fn report_memory(engines: &[Engine]) {
    let mut per_side: BTreeMap<&str, Vec<Memory>> = BTreeMap::new();
    for e in engines.iter().filter(|e| e.code.is_none()) {
        match memory_of(e.child.id()) {
            Ok(m) => {
                println!(
                    "MEM side={} index={} pid={} vmrss_kib={} pss_kib={}",
                    e.side,
                    e.index,
                    e.child.id(),
                    m.rss_kib,
                    m.pss_kib
                );
                per_side.entry(e.side).or_default().push(m);
            }
            Err(x) => println!(
                "MEM side={} index={} pid={} error: {x}",
                e.side,
                e.index,
                e.child.id()
            ),
        }
    }
    for (side, ms) in per_side {
        let n = ms.len() as u64;
        let rss: u64 = ms.iter().map(|m| m.rss_kib).sum();
        let pss: u64 = ms.iter().map(|m| m.pss_kib).sum();
        println!(
            "MEMSUM side={side} engines={n} vmrss_avg_kib={} pss_avg_kib={} vmrss_total_kib={rss} pss_total_kib={pss}",
            rss / n,
            pss / n
        );
    }
}

/// Reap exited engines; true when none is left.
pub(super) fn reap(engines: &mut [Engine], log: &mut Log) -> bool {
    for e in engines.iter_mut().filter(|e| e.code.is_none()) {
        match e.child.try_wait() {
            Ok(Some(st)) => {
                let code = st.code().unwrap_or_else(|| 128 + st.signal().unwrap_or(0));
                e.code = Some(code);
                log.line(&format!(
                    "EXIT side={} index={} session={} pid={} code={code}",
                    e.side,
                    e.index,
                    e.session,
                    e.child.id()
                ));
            }
            Ok(None) => {}
            Err(x) => {
                e.code = Some(-1);
                log.line(&format!(
                    "EXIT side={} index={} pid={} wait error: {x}",
                    e.side,
                    e.index,
                    e.child.id()
                ));
            }
        }
    }
    engines.iter().all(|e| e.code.is_some())
}

fn signal_side(engines: &[Engine], side: Option<&str>, sig: Signal) {
    for e in engines
        .iter()
        .filter(|e| e.code.is_none() && side.is_none_or(|s| s == e.side))
    {
        // The engine may have exited since the last reap: ESRCH is fine.
        let _ = kill(Pid::from_raw(e.child.id() as i32), sig);
    }
}

/// Wait until every engine exited or the deadline passed; true if all did.
fn wait_all(engines: &mut [Engine], log: &mut Log, within: Duration) -> bool {
    let end = Instant::now() + within;
    loop {
        if reap(engines, log) {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `stop`: SIGTERM to the LAC side, whose Terminate-Requests end the LNS
/// side; stragglers after `grace` get SIGTERM, then SIGKILL. True if any
/// had to be killed.
pub(super) fn stop(engines: &mut [Engine], log: &mut Log, grace: Duration) -> bool {
    signal_side(engines, Some("lac"), Signal::SIGTERM);
    if wait_all(engines, log, grace) {
        return false;
    }
    signal_side(engines, None, Signal::SIGTERM);
    if wait_all(engines, log, Duration::from_secs(5)) {
        return false;
    }
    signal_side(engines, None, Signal::SIGKILL);
    wait_all(engines, log, Duration::from_secs(5));
    true
}
