//! One side of the cycles, on a thread of its own in its network
//! namespace: its static tunnel, its runtime and Engine, and each round's
//! sessions brought up, closed and checked for leftovers.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rppp::driver::fake::{SessionHandle, TestEngine};
use rppp::driver::{Engine, EngineEvent, KernelSessionOptions, UnitNaming};
use rppp::kernel::PppoL2tpSocket;
use rppp::session::{Role, SessionConfig, SessionEvent};
use rppp_lab::{enter_netns, err, BoxError, StaticTunnel};

use super::{Plan, Shared};

const LNS_ADDR: &str = "10.200.0.1:1711";
const LAC_ADDR: &str = "10.200.0.2:1711";
const LNS_TUNNEL: u16 = 700;
const LAC_TUNNEL: u16 = 800;
/// How long one round may take to bring every session up, or down.
const ROUND_LIMIT: Duration = Duration::from_secs(300);

/// What one side saw in one round.
#[derive(Debug, Default)]
pub(super) struct SideRound {
    pub(super) failures: Vec<String>,
    pub(super) leaks: Vec<String>,
    /// From the start of the round until every session was up.
    pub(super) up: Duration,
    /// From the close until every session ended.
    pub(super) down: Duration,
    /// Each phase's median and slowest session (see `PHASES` lines).
    pub(super) phases: String,
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

/// This side's static tunnel to the other, in this thread's namespace.
fn open_tunnel(lac: bool) -> Result<StaticTunnel, BoxError> {
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
    StaticTunnel::open(ours, theirs, tid, peer_tid)
}

/// This side's tokio runtime: current-thread, or `threads` workers.
fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, BoxError> {
    if threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        // Worker threads start here, so they are in this side's netns.
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .map_err(|e| err(format!("tokio runtime: {e}")))
}

/// One thread, one side: its namespace, tunnel, runtime and Engine, and
/// every round.
pub(super) fn side(lac: bool, shared: Arc<Shared>) -> Result<(), BoxError> {
    let name = if lac { "lac" } else { "lns" };
    enter_netns(name)?;
    let tunnel = open_tunnel(lac)?;
    let rt = runtime(shared.plan.threads)?;
    rt.block_on(async {
        // Each session's events on a handle of its own (the test
        // harness sorts the engine's one stream by session).
        let engine =
            TestEngine::from_engine(Engine::new().map_err(|e| err(format!("Engine::new: {e}")))?);
        let side = Side {
            lac,
            name,
            tunnel: &tunnel,
            engine: &engine,
            shared: &shared,
        };
        for round in 0..shared.plan.rounds {
            side.round(round).await?;
        }
        Ok::<(), BoxError>(())
    })?;
    // The tunnel stays until the main thread says (after HOLD).
    rt.block_on(shared.barrier.wait());
    drop(tunnel);
    Ok(())
}

/// What a side's rounds share.
struct Side<'a> {
    lac: bool,
    name: &'static str,
    tunnel: &'a StaticTunnel,
    engine: &'a TestEngine,
    shared: &'a Shared,
}

impl Side<'_> {
    /// One round: sessions opened, brought up, closed, the leak check,
    /// and the report to the main thread, in step with the other side.
    async fn round(&self, round: u32) -> Result<(), BoxError> {
        let plan = self.shared.plan;
        let mut report = SideRound::default();
        let t_open = Instant::now();
        let mut sockets: Vec<PppoL2tpSocket> = Vec::new();
        for i in 0..plan.sessions {
            let us = session_id(plan, round, i, self.lac);
            let them = session_id(plan, round, i, !self.lac);
            sockets.push(self.tunnel.session(us, them)?);
        }
        let open = t_open.elapsed();
        // Both sides' kernel sessions exist before either engine speaks.
        self.shared.barrier.wait().await;
        let t0 = Instant::now();
        let (handles, ups) = self.up(sockets, t0, &mut report).await?;
        report.up = t0.elapsed();
        self.shared.barrier.wait().await;
        let t1 = Instant::now();
        let downs = self.down(handles, t1, &mut report).await?;
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
        self.shared
            .reports
            .send((self.lac, round, report))
            .map_err(|_| err("the main thread is gone"))?;
        // The main thread counts fds between rounds.
        self.shared.barrier.wait().await;
        self.shared.barrier.wait().await;
        Ok(())
    }

    /// Adds every session to the Engine (unit `c<side><i>`) and waits
    /// until each is up or failed; the handles of those not ended yet.
    async fn up(
        &self,
        sockets: Vec<PppoL2tpSocket>,
        t0: Instant,
        report: &mut SideRound,
    ) -> Result<(Vec<(usize, SessionHandle)>, Vec<UpTimes>), BoxError> {
        let watchers: Vec<_> = sockets
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let i = i as u16;
                let options = KernelSessionOptions {
                    naming: UnitNaming {
                        ifname: Some(format!("c{}{i}", self.name)),
                        ..UnitNaming::default()
                    },
                    ..KernelSessionOptions::default()
                };
                let id = self
                    .engine
                    .engine
                    .add_kernel_session(s, config(self.lac, i), options, ());
                let h = self.engine.handle(id);
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
                    .push(format!("{} session {i} did not come up: {e}", self.name)),
            }
            if let Some(h) = h {
                handles.push((i, h));
            }
        }
        Ok((handles, ups))
    }

    /// The LAC closes every session (exit 5); the LNS's end on the peer's
    /// Terminate-Request (0, as pppd), or when the peer's data path goes
    /// first (16). Waits until each ended with one of those codes.
    async fn down(
        &self,
        handles: Vec<(usize, SessionHandle)>,
        t1: Instant,
        report: &mut SideRound,
    ) -> Result<Vec<DownTimes>, BoxError> {
        let ok: &'static [u8] = if self.lac { &[5] } else { &[0, 5, 16] };
        let watchers: Vec<_> = handles
            .into_iter()
            .map(|(i, h)| {
                if self.lac {
                    h.close();
                }
                (i, tokio::spawn(watch_down(h, t1, ok)))
            })
            .collect();
        let mut downs = Vec::with_capacity(watchers.len());
        for (i, w) in watchers {
            match w.await.map_err(|e| err(format!("a watcher failed: {e}")))? {
                Ok(t) => downs.push(t),
                Err(e) => report
                    .failures
                    .push(format!("{} session {i}: {e}", self.name)),
            }
        }
        Ok(downs)
    }
}
