//! l2tp-static: L2TPv2 data paths made directly in the kernel, without a
//! control plane, with a PPP engine on each end of each session.
//!
//! Two network namespaces (made beforehand with `ip netns add`) hold the two
//! ends: "lns" and "lac" by default. On each side the tool opens a UDP
//! socket and the kernel's tunnel (a PPPoL2TP socket with session ids 0/0),
//! then one PPPoL2TP session socket per session, and starts the engine on it
//! exactly as xl2tpd does:
//!
//! ```text
//! <engine> plugin pppol2tp.so pppol2tp <fd> pppol2tp_lns_mode pppol2tp_tunnel_id T pppol2tp_session_id S <lns args>
//! <engine> plugin pppol2tp.so pppol2tp <fd> <lac args>
//! ```
//!
//! Session i (0-based) has id `first-session + i` on the LNS and
//! `0x8000 + first-session + i` on the LAC, addresses `ip-base + 4i + 1`
//! (LNS) and `ip-base + 4i + 2` (LAC); `{lns_ip}`, `{lac_ip}`, `{tunnel}`,
//! `{session}` and `{index}` in the engine arguments are replaced per session.
//!
//! While running it reads commands, one per line, from the control FIFO:
//! `mem` prints each running engine's VmRSS and PSS and a summary per side;
//! `stop` ends the engines cleanly (SIGTERM to the LAC side first, whose
//! LCP Terminate-Request ends the LNS side; stragglers after
//! `--stop-grace` seconds, default 10, get SIGTERM, then SIGKILL) and
//! exits. Tunnels and sessions are deleted from outside with
//! `ip l2tp del tunnel|session ...`. Every engine's exit is printed (and
//! appended to the events file) as it happens:
//! `EXIT side=lns index=3 session=4 pid=123 code=16`.
//! With `--one-process` each side's sessions all go to one engine process
//! (`<engine> --sessions-file FILE plugin pppol2tp.so`, one line of
//! `pppol2tp <fd> ...` per session), as rppp runs many sessions.
//! The tool exits when no engine is left; its exit code is 0 unless setting
//! up failed (1) or an engine had to be killed with SIGKILL (3).
#![forbid(unsafe_code)]

mod control;
mod engines;

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::ExitCode;
use std::time::Instant;

use rppp::kernel::PppoL2tpSocket;
use rppp_lab::{enter_netns, err, raise_fd_limit, BoxError, StaticTunnel};

use control::{open_control, serve};
use engines::{spawn_one_per_side, spawn_per_session};

const USAGE: &str =
    "usage: l2tp-static --sessions N --control FIFO [--events FILE] [--sessions-file FILE]
    [--engine PATH] [--lns-engine PATH] [--lac-engine PATH] [--lns-netns NAME] [--lac-netns NAME]
    [--lns-addr IP:PORT] [--lac-addr IP:PORT] [--lns-tunnel ID] [--lac-tunnel ID]
    [--first-session ID] [--ip-base IP] [--lns-args ARGS] [--lac-args ARGS] [--one-process] [--stop-grace SECS]";

#[derive(Debug)]
struct Config {
    sessions: u16,
    control: String,
    events: Option<String>,
    sessions_file: Option<String>,
    lns_engine: String,
    lac_engine: String,
    lns_netns: String,
    lac_netns: String,
    lns_addr: SocketAddrV4,
    lac_addr: SocketAddrV4,
    lns_tunnel: u16,
    lac_tunnel: u16,
    first_session: u16,
    ip_base: Ipv4Addr,
    lns_args: String,
    lac_args: String,
    one_process: bool,
    stop_grace: u64,
}

impl Config {
    /// Every setting but `--sessions` and `--control`, which have none.
    fn defaults() -> Result<Config, BoxError> {
        Ok(Config {
            sessions: 0,
            control: String::new(),
            events: None,
            sessions_file: None,
            lns_engine: "/usr/sbin/pppd".into(),
            lac_engine: "/usr/sbin/pppd".into(),
            lns_netns: "lns".into(),
            lac_netns: "lac".into(),
            lns_addr: "10.200.0.1:1701".parse()?,
            lac_addr: "10.200.0.2:1701".parse()?,
            lns_tunnel: 100,
            lac_tunnel: 200,
            first_session: 1,
            ip_base: Ipv4Addr::new(10, 128, 0, 0),
            lns_args: "nodetach noauth {lns_ip}:{lac_ip}".into(),
            lac_args: "nodetach noauth noipdefault ipcp-accept-local ipcp-accept-remote".into(),
            one_process: false,
            stop_grace: 10,
        })
    }

    /// The checks `parse_args` makes once every flag is read.
    fn validate(&self) -> Result<(), BoxError> {
        if self.sessions == 0 || self.control.is_empty() {
            return Err(err(USAGE));
        }
        if self.lns_tunnel == 0 || self.lac_tunnel == 0 || self.first_session == 0 {
            return Err(err("tunnel and session ids must not be 0"));
        }
        let last = u32::from(self.first_session) + u32::from(self.sessions) - 1;
        if last >= 0x8000 {
            return Err(err(
                "first-session + sessions must stay below 0x8000 (LAC ids are 0x8000 + the LNS id)",
            ));
        }
        if u64::from(u32::from(self.ip_base)) + 4 * u64::from(self.sessions) > u64::from(u32::MAX) {
            return Err(err("ip-base too high for that many sessions"));
        }
        Ok(())
    }
}

fn parse_args() -> Result<Config, BoxError> {
    let mut c = Config::defaults()?;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| err(format!("{flag} needs a value\n{USAGE}")))
        };
        let bad = |v: &str, e: &dyn std::fmt::Display| err(format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--sessions" => {
                let v = value()?;
                c.sessions = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--control" => c.control = value()?,
            "--events" => c.events = Some(value()?),
            "--sessions-file" => c.sessions_file = Some(value()?),
            "--engine" => {
                c.lns_engine = value()?;
                c.lac_engine = c.lns_engine.clone();
            }
            "--lns-engine" => c.lns_engine = value()?,
            "--lac-engine" => c.lac_engine = value()?,
            "--lns-netns" => c.lns_netns = value()?,
            "--lac-netns" => c.lac_netns = value()?,
            "--lns-addr" => {
                let v = value()?;
                c.lns_addr = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--lac-addr" => {
                let v = value()?;
                c.lac_addr = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--lns-tunnel" => {
                let v = value()?;
                c.lns_tunnel = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--lac-tunnel" => {
                let v = value()?;
                c.lac_tunnel = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--first-session" => {
                let v = value()?;
                c.first_session = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--ip-base" => {
                let v = value()?;
                c.ip_base = v.parse().map_err(|e| bad(&v, &e))?;
            }
            "--lns-args" => c.lns_args = value()?,
            "--one-process" => c.one_process = true,
            "--stop-grace" => {
                c.stop_grace = value()?.parse().map_err(|_| err("--stop-grace: seconds"))?
            }
            "--lac-args" => c.lac_args = value()?,
            _ => return Err(err(format!("unknown argument {flag}\n{USAGE}"))),
        }
    }
    c.validate()?;
    Ok(c)
}

/// One session's plan and its two engines.
#[derive(Debug)]
struct Session {
    index: u16,
    lns_sid: u16,
    lac_sid: u16,
    lns_ip: Ipv4Addr,
    lac_ip: Ipv4Addr,
}

/// Where the events go: stdout, and the events file if there is one.
struct Log {
    events: Option<std::fs::File>,
}

impl Log {
    /// stdout, and the events file if there is one (appended to).
    fn open(events: Option<&str>) -> Result<Log, BoxError> {
        let events = match events {
            Some(p) => Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| err(format!("open {p}: {e}")))?,
            ),
            None => None,
        };
        Ok(Log { events })
    }

    /// One line, on stdout and in the events file.
    fn line(&mut self, s: &str) {
        println!("{s}");
        if let Some(f) = self.events.as_mut() {
            // The events file is a convenience for the scenario script; the
            // same line is on stdout, so a failed write loses nothing.
            let _ = writeln!(f, "{s}");
        }
    }
}

/// Each side's kernel tunnel and its session sockets (one per session, in
/// plan order), until the engines take the sockets.
struct Kernel {
    lns_tunnel: StaticTunnel,
    lac_tunnel: StaticTunnel,
    lns_socks: Vec<PppoL2tpSocket>,
    lac_socks: Vec<PppoL2tpSocket>,
}

/// Every session's ids and addresses (see the module's documentation).
fn plan(c: &Config) -> Vec<Session> {
    let base = u32::from(c.ip_base);
    (0..c.sessions)
        .map(|i| Session {
            index: i,
            lns_sid: c.first_session + i,
            lac_sid: 0x8000 + c.first_session + i,
            lns_ip: Ipv4Addr::from(base + 4 * u32::from(i) + 1),
            lac_ip: Ipv4Addr::from(base + 4 * u32::from(i) + 2),
        })
        .collect()
}

/// Every kernel object on both sides, each in its namespace, before any
/// engine starts: no engine talks to a peer whose session does not exist
/// yet.
fn open_kernel(c: &Config, plan: &[Session]) -> Result<Kernel, BoxError> {
    // Two session sockets per session, plus the tunnels and stdio.
    raise_fd_limit(2 * u64::from(c.sessions) + 32)?;
    enter_netns(&c.lns_netns)?;
    let lns_tunnel = StaticTunnel::open(c.lns_addr, c.lac_addr, c.lns_tunnel, c.lac_tunnel)?;
    let mut lns_socks = Vec::new();
    for s in plan {
        lns_socks.push(lns_tunnel.session(s.lns_sid, s.lac_sid)?);
    }
    enter_netns(&c.lac_netns)?;
    let lac_tunnel = StaticTunnel::open(c.lac_addr, c.lns_addr, c.lac_tunnel, c.lns_tunnel)?;
    let mut lac_socks = Vec::new();
    for s in plan {
        lac_socks.push(lac_tunnel.session(s.lac_sid, s.lns_sid)?);
    }
    Ok(Kernel {
        lns_tunnel,
        lac_tunnel,
        lns_socks,
        lac_socks,
    })
}

/// `--sessions-file`: one line per session, `index lns_tunnel lns_session
/// lac_tunnel lac_session lns_ip lac_ip`.
fn write_sessions_file(path: &str, c: &Config, plan: &[Session]) -> Result<(), BoxError> {
    let mut f = std::fs::File::create(path).map_err(|e| err(format!("create {path}: {e}")))?;
    for s in plan {
        writeln!(
            f,
            "{} {} {} {} {} {} {}",
            s.index, c.lns_tunnel, s.lns_sid, c.lac_tunnel, s.lac_sid, s.lns_ip, s.lac_ip
        )?;
    }
    Ok(())
}

fn run(c: Config) -> Result<u8, BoxError> {
    let t0 = Instant::now();
    let mut log = Log::open(c.events.as_deref())?;
    let mut control = open_control(&c.control)?;
    let plan = plan(&c);
    let Kernel {
        lns_tunnel,
        lac_tunnel,
        lns_socks,
        lac_socks,
    } = open_kernel(&c, &plan)?;
    let t_kernel = t0.elapsed();
    if let Some(p) = &c.sessions_file {
        write_sessions_file(p, &c, &plan)?;
    }
    let mut engines = if c.one_process {
        spawn_one_per_side(&c, &plan, lns_socks, lac_socks)?
    } else {
        spawn_per_session(&c, &plan, lns_socks, lac_socks)?
    };
    log.line(&format!(
        "READY sessions={} kernel_objects_ms={} engines_spawned_ms={}",
        c.sessions,
        t_kernel.as_millis(),
        t0.elapsed().as_millis()
    ));
    let killed = serve(&c, &mut control, &mut engines, &mut log)?;
    let mut codes: BTreeMap<i32, u32> = BTreeMap::new();
    for e in &engines {
        *codes.entry(e.code.unwrap_or(-1)).or_default() += 1;
    }
    log.line(&format!(
        "DONE engines={} exit_codes={codes:?} killed={killed}",
        engines.len()
    ));
    drop((lns_tunnel, lac_tunnel));
    Ok(if killed { 3 } else { 0 })
}

fn main() -> ExitCode {
    let result = parse_args().and_then(run);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("l2tp-static: {e}");
            ExitCode::from(1)
        }
    }
}
