//! The tokio driver: UDP sockets, the [`Endpoint`], the kernel's tunnels
//! and sessions, and the PPP [`Engine`], joined by the [`Glue`]'s
//! commands.
//!
//! One UDP socket per listening address takes datagrams from peers (and
//! one connected socket per tunnel once the kernel has it, see
//! [`super::kernel`]); each socket has a reader task that hands its
//! datagrams to the daemon's loop, which owns everything else: the
//! endpoint, its timer (a tokio sleep until `poll_timeout`), the glue, the
//! kernel tunnels. An LNS tunnel's control messages go out of the
//! listening socket the peer was heard on. A LAC tunnel has its own UDP
//! socket from its SCCRQ on (the first listening address, an ephemeral
//! port), which its kernel tunnel uses too: every tunnel to one LNS gets
//! its own 4-tuple, which the kernel's data path needs.
//!
//! SIGTERM or SIGINT: the Engine shuts down (a Terminate-Request on every
//! PPP session; each end becomes a CDN), then every tunnel sends StopCCN
//! and the daemon waits for their acknowledgements, each step bounded by
//! [`Settings::shutdown_grace`] (longer with many sessions); the kernel
//! tunnels are deleted last. SIGHUP reloads the configuration.
//!
//! The loop also answers, each concern in a file of its own: xl2tpd's
//! control pipe (`control`), `rppp ctl`'s `show tunnels` and `reload`
//! (`ctl`, `reload`), the metrics endpoint's L2TP figures (`metrics`), a
//! LAC's dialling (`dialling`), when to give memory back (`memory`);
//! and it tells systemd how it is doing ([`crate::systemd`]).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::SysRng;
use rand_core::UnwrapErr;
use rppp_l2tp::{Endpoint, Incoming, ResultCode, Role};
use rppp_l2tp::{ErrorCode, StopCcnResult};
use tokio::net::UdpSocket;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

mod commands;
mod control;
#[cfg(feature = "ctl")]
mod ctl;
#[cfg(not(feature = "ctl"))]
#[path = "ctl_absent.rs"]
mod ctl;
mod dialling;
mod log;
mod memory;
#[cfg(feature = "metrics")]
mod metrics;
#[cfg(not(feature = "metrics"))]
#[path = "metrics_absent.rs"]
mod metrics;
mod ppp;
mod reload;
mod shutdown;

use super::control::{ControlPipe, Message};
use super::dialer::{Dialer, Redial};
use super::glue::Glue;
use super::kernel::{udp_socket, KernelTunnel};
use super::pacer::CallPacer;
use super::settings::{Section, Settings};
use super::setup::PppSetup;
#[cfg(feature = "ctl")]
use crate::ctl::server::DaemonRequest;
use crate::driver::{Engine, EngineEvent, EngineEvents, SessionId};
use crate::limits::Limits;
#[cfg(not(feature = "ctl"))]
use ctl::DaemonRequest;
use log::{log_datagram, log_event};

/// A datagram a reader task got: from which listening address's sockets
/// (or which LAC tunnel's own socket), and from whom.
#[derive(Debug)]
struct Datagram {
    local: usize,
    own: Option<u16>,
    from: SocketAddr,
    bytes: Vec<u8>,
}

/// How often owed calls are looked at (each look counts the sessions
/// being set up: a pass over the tunnels and the Engine's registry).
const PACE_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

/// What the loop is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    /// A soft shutdown: no new tunnels or calls; waiting for the PPP
    /// sessions to end by themselves (`rppp ctl shutdown --soft` only).
    #[cfg_attr(not(feature = "ctl"), allow(dead_code))]
    Draining,
    /// Waiting for every PPP session to end, until then.
    StoppingPpp(Instant),
    /// StopCCN sent; waiting for the acknowledgements, until then.
    StoppingTunnels(Instant),
}

/// One tunnel's place: the listening socket it belongs to, its peer and
/// its section.
#[derive(Debug, Clone, Copy)]
struct Place {
    local: usize,
    remote: SocketAddr,
    section: Section,
}

/// The L2TP daemon: see the module's documentation.
pub struct Daemon {
    settings: Settings,
    dialer: Dialer,
    pacer: CallPacer,
    endpoint: Endpoint,
    glue: Glue,
    engine: Engine,
    events: EngineEvents,
    listen: Vec<Arc<UdpSocket>>,
    readers: Vec<JoinHandle<()>>,
    /// The listening socket each peer address was heard on.
    routes: HashMap<SocketAddr, usize>,
    places: HashMap<u16, Place>,
    kernel: HashMap<u16, (KernelTunnel, JoinHandle<()>)>,
    /// Each LAC tunnel's own UDP socket, until the tunnel is reaped; its
    /// reader moves to `kernel` with the kernel tunnel.
    own: HashMap<u16, Arc<UdpSocket>>,
    own_readers: HashMap<u16, JoinHandle<()>>,
    /// Kernel tunnels to delete once their control messages are
    /// acknowledged ([`Self::reap_kernel_tunnels`]).
    doomed: Vec<u16>,
    /// Our (tunnel, session) of each PPP session, for `released`.
    sessions: HashMap<SessionId, (u16, u16)>,
    tx: mpsc::Sender<Datagram>,
    rx: mpsc::Receiver<Datagram>,
    rng: UnwrapErr<SysRng>,
    setup: PppSetup,
    /// xl2tpd's control pipe, once `run` has opened it.
    pipe: Option<ControlPipe>,
    /// What `rppp ctl` asks of the daemon (tunnels, reload).
    ctl: Option<mpsc::Receiver<DaemonRequest>>,
    /// The L2TP figures for the metrics endpoint, when it runs.
    published: Option<metrics::Published>,
    /// max-sessions, max-starting, the rate per peer.
    limits: Limits,
    /// When to give free memory back ([`memory::Trimmer`]).
    trimmer: memory::Trimmer,
    phase: Phase,
    /// While the tunnels close: messages each peer has acknowledged so
    /// far (progress puts the deadline off).
    stop_acked: HashMap<u16, u64>,
    /// `plugin radius.so`'s clients.
    #[cfg(feature = "radius")]
    radius: ppp::Radius,
    /// The sessions by their RADIUS names, with a Dynamic Authorization
    /// listener.
    #[cfg(feature = "radius")]
    directory: Option<crate::radius_client::Directory>,
}

impl std::fmt::Debug for Daemon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daemon")
            .field("settings", &self.settings)
            .field("glue", &self.glue)
            .field("dialer", &self.dialer)
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

thread_local! {
    /// The one receive buffer of every reader task on this thread: a
    /// buffer per task cost 64 KiB per tunnel (6.5 KiB per session with
    /// 10 sessions a tunnel).
    static RECV_BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 65536]);
}

fn spawn_reader(
    socket: Arc<UdpSocket>,
    local: usize,
    own: Option<u16>,
    tx: mpsc::Sender<Datagram>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if socket.readable().await.is_err() {
                return;
            }
            let got = RECV_BUF.with_borrow_mut(|buf| {
                socket
                    .try_recv_from(buf)
                    .map(|(n, from)| (from, buf[..n].to_vec()))
            });
            match got {
                Ok((from, bytes)) => {
                    let d = Datagram {
                        local,
                        own,
                        from,
                        bytes,
                    };
                    if tx.send(d).await.is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // ICMP errors (ECONNREFUSED on a connected socket) and
                // the like: the protocol's retransmission copes.
                Err(e) => tracing::debug!("UDP receive: {e}"),
            }
        }
    })
}

/// How often systemd hears the counts (when they changed).
const STATUS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// `rppp ctl`'s next request for the daemon; never, without a socket.
async fn next_ctl(ctl: &mut Option<mpsc::Receiver<DaemonRequest>>) -> Option<DaemonRequest> {
    match ctl {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// The control pipe's next message; never, without a pipe.
async fn next_message(pipe: &mut Option<ControlPipe>) -> io::Result<Message> {
    match pipe {
        Some(p) => p.next().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}

impl Daemon {
    /// Binds the listening sockets and starts the Engine. Must be called
    /// inside a tokio runtime.
    pub fn new(settings: Settings, setup: PppSetup) -> io::Result<Daemon> {
        let (engine, events) = Engine::new()?;
        let (tx, rx) = mpsc::channel(1024);
        let mut listen = Vec::new();
        let mut readers = Vec::new();
        for (i, &addr) in settings.listen.iter().enumerate() {
            let s = udp_socket(addr, None)
                .map_err(|e| io::Error::new(e.kind(), format!("listen on {addr}: {e}")))?;
            let s = Arc::new(UdpSocket::from_std(s)?);
            readers.push(spawn_reader(Arc::clone(&s), i, None, tx.clone()));
            listen.push(s);
        }
        if listen.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no address to listen on",
            ));
        }
        let dialer = Dialer::new(settings.config.lac.iter().map(Redial::of))
            .calls_per_tunnel(settings.calls);
        let limits = Limits::new(settings.limits);
        Ok(Daemon {
            settings,
            dialer,
            pacer: CallPacer::default(),
            endpoint: Endpoint::new(),
            glue: Glue::new(),
            engine,
            events,
            listen,
            readers,
            routes: HashMap::new(),
            places: HashMap::new(),
            kernel: HashMap::new(),
            own: HashMap::new(),
            own_readers: HashMap::new(),
            doomed: Vec::new(),
            sessions: HashMap::new(),
            tx,
            rx,
            rng: UnwrapErr(SysRng),
            setup,
            pipe: None,
            ctl: None,
            published: None,
            limits,
            trimmer: memory::Trimmer::default(),
            phase: Phase::Running,
            stop_acked: HashMap::new(),
            #[cfg(feature = "radius")]
            radius: ppp::Radius::default(),
            #[cfg(feature = "radius")]
            directory: None,
        })
    }

    /// The Engine every PPP session runs in.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Serves `rppp ctl` on the control socket while the daemon runs (a
    /// path that cannot be bound is said once; the daemon runs without).
    #[cfg(feature = "ctl")]
    async fn control_socket(&mut self) -> Option<crate::ctl::server::Serving> {
        let path = self.settings.ctl_socket.clone()?;
        match crate::ctl::ControlSocket::bind(&path).await {
            Ok(socket) => {
                tracing::info!("control socket {}", socket.path().display());
                let (tx, rx) = mpsc::channel(16);
                self.ctl = Some(rx);
                Some(crate::ctl::server::Serving::spawn(
                    socket,
                    self.engine.clone(),
                    Some(tx),
                ))
            }
            Err(e) => {
                tracing::warn!("no control socket at {}: {e}", path.display());
                None
            }
        }
    }

    /// `lns NAME` or `lac NAME`, for the logs.
    fn section_name(&self, s: Section) -> String {
        match s {
            Section::Lac(i) => format!("lac {}", self.lac_name(i)),
            _ => format!(
                "lns {}",
                self.settings
                    .lns(s)
                    .map_or("?", |l| l.common.section.as_str())
            ),
        }
    }

    /// Runs until SIGTERM or SIGINT, then shuts down cleanly.
    pub async fn run(mut self) -> io::Result<()> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let mut hup = signal(SignalKind::hangup())?;
        if let Some(path) = self.settings.control_pipe.clone() {
            let pipe = ControlPipe::open(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("control pipe {path}: {e}")))?;
            tracing::info!("control pipe {path}");
            self.pipe = Some(pipe);
        }
        let ctl = self.control_socket().await;
        let metrics = match self.settings.metrics {
            Some(addr) => {
                let per_session = self.settings.metrics_per_session;
                self.metrics_endpoint(addr, per_session).await
            }
            None => None,
        };
        let dae = self.start_dae().await?;
        let mut publish_tick = tokio::time::interval(metrics::PUBLISH_INTERVAL);
        let mut pace_tick = tokio::time::interval(PACE_INTERVAL);
        let mut last_status = self.status_line();
        crate::systemd::ready(&last_status);
        let mut status_tick = tokio::time::interval_at(
            tokio::time::Instant::now() + STATUS_INTERVAL,
            STATUS_INTERVAL,
        );
        let autodial: Vec<usize> = (0..self.settings.config.lac.len())
            .filter(|&i| self.settings.config.lac[i].autodial)
            .collect();
        for lac in autodial {
            self.connect_lac(lac, None);
        }
        loop {
            self.pump().await;
            self.reap_kernel_tunnels();
            let phase = self.phase;
            if !self.advance_shutdown() {
                break;
            }
            if self.phase != phase {
                // Moved on (StopCCN queued): send it before waiting.
                continue;
            }
            let phase_deadline = match self.phase {
                Phase::Running | Phase::Draining => None,
                Phase::StoppingPpp(t) | Phase::StoppingTunnels(t) => Some(t),
            };
            let running = self.phase == Phase::Running;
            let stopping = self.stopping();
            tokio::select! {
                Some(d) = self.rx.recv() => self.on_datagram(d),
                Some((id, event)) = self.events.next() => self.on_engine(id, event),
                () = sleep_until(self.endpoint.poll_timeout()) => {
                    self.endpoint.handle_timeout(Instant::now(), &mut self.rng);
                }
                () = sleep_until(self.dialer.poll_timeout()), if running => {
                    for r in self.dialer.handle_timeout(Instant::now()) {
                        match r {
                            Ok(a) => self.dial_action(a),
                            Err((lac, e)) => tracing::warn!("[lac {}]: {e}", self.lac_name(lac)),
                        }
                    }
                }
                () = sleep_until(phase_deadline) => {
                    if let Phase::StoppingPpp(_) = self.phase {
                        tracing::warn!("shutdown: PPP sessions still running; closing the tunnels");
                        self.close_tunnels();
                    } else {
                        tracing::warn!("shutdown: StopCCN not acknowledged by every peer");
                        break;
                    }
                }
                Some(r) = next_ctl(&mut self.ctl) => self.on_ctl(r),
                m = next_message(&mut self.pipe), if running => match m {
                    Ok(m) => self.on_control(m),
                    Err(e) => {
                        tracing::error!("control pipe: {e}; closed");
                        self.pipe = None;
                    }
                },
                _ = publish_tick.tick(), if self.published.is_some() => self.publish_metrics(),
                _ = pace_tick.tick(), if running && !self.pacer.is_empty() => self.pace_calls(),
                _ = status_tick.tick(), if !stopping => {
                    for (why, n) in self.limits.take_log(Instant::now()) {
                        tracing::warn!("refused {n} call(s) or tunnel(s): {why}");
                    }
                    let tally = self.engine.tally();
                    if self.trimmer.due(tally.sessions, tally.starting()) {
                        crate::kernel::heap::trim();
                    }
                    let line = self.status_line();
                    if line != last_status {
                        crate::systemd::status(&line);
                        last_status = line;
                    }
                }
                _ = hup.recv(), if !stopping => {
                    if let Err(e) = self.reload() {
                        tracing::error!("reload on SIGHUP: {e}; the running configuration stays");
                    }
                }
                _ = term.recv(), if !stopping => self.begin_shutdown("on signal"),
                _ = int.recv(), if !stopping => self.begin_shutdown("on signal"),
            }
        }
        self.pump().await;
        self.delete_all_kernel().await;
        self.stop_radius().await;
        if let Some(m) = metrics {
            m.abort();
        }
        if let Some(d) = dae {
            d.abort();
        }
        if let Some(ctl) = ctl {
            ctl.close(std::time::Duration::from_secs(1)).await;
        }
        tracing::info!("l2tpd stopped");
        Ok(())
    }

    /// systemd's STATUS line: what runs.
    fn status_line(&self) -> String {
        format!(
            "{} tunnel(s), {} PPP session(s)",
            self.endpoint.tunnel_ids().count(),
            self.glue.ppp_sessions()
        )
    }

    fn on_datagram(&mut self, d: Datagram) {
        log_datagram("rcvd from", d.from, &d.bytes);
        if d.own.is_none() {
            self.routes.insert(d.from, d.local);
        }
        let incoming =
            self.endpoint
                .handle_datagram(Instant::now(), d.from, &d.bytes, &mut self.rng);
        match (incoming, d.own) {
            (Some(incoming), None) => self.accept(d.local, incoming),
            (Some(incoming), Some(t)) => tracing::warn!(
                "SCCRQ from {} to tunnel {t}'s own socket: ignored",
                incoming.remote()
            ),
            (None, _) => {}
        }
    }

    fn accept(&mut self, local: usize, incoming: Incoming) {
        let remote = incoming.remote();
        if self.stopping() {
            return;
        }
        let host_name = incoming.host_name().unwrap_or_default().to_vec();
        let (section, config) = match self.settings.accept(remote, &host_name) {
            Ok(a) => a,
            Err(why) => {
                tracing::warn!("SCCRQ from {remote}: {why}; ignored");
                return;
            }
        };
        match self
            .endpoint
            .accept(incoming, config, Instant::now(), &mut self.rng)
        {
            Ok(id) => {
                let admitted = match self.not_accepting() {
                    Some(why) => Err(self.limits.refuse(why)),
                    None => self.limits.admit_tunnel(Instant::now(), remote.ip()),
                };
                if let Err(why) = admitted {
                    // Answered, then closed at once: the peer hears why.
                    if let Some(t) = self.endpoint.tunnel_mut(id) {
                        let result = ResultCode::stop(StopCcnResult::GeneralError)
                            .with_error(ErrorCode::NoResources, &why.to_string());
                        t.close(Instant::now(), result);
                    }
                }
                tracing::info!("tunnel {id}: SCCRQ from {remote} accepted");
                self.places.insert(
                    id,
                    Place {
                        local,
                        remote,
                        section,
                    },
                );
                self.glue.tunnel_opened(id, Role::Lns, 0);
            }
            Err(e) => tracing::warn!("SCCRQ from {remote}: {e:?}"),
        }
    }

    fn on_engine(&mut self, id: SessionId, event: EngineEvent) {
        if let EngineEvent::Ended(ended) = &event {
            tracing::info!("PPP session {id} ended: {ended}");
            if let Some((t, s)) = self.sessions.remove(&id) {
                self.setup.released(t, s);
            }
        }
        for c in self.glue.on_engine(id, &event) {
            self.apply(c);
        }
    }

    /// Drains the endpoint's events (through the glue) and datagrams.
    async fn pump(&mut self) {
        loop {
            let mut busy = false;
            while let Some((tunnel_id, event)) = self.endpoint.poll_event() {
                busy = true;
                let place = self.places.get(&tunnel_id).map(|p| (p.remote, p.section));
                let name = place.map(|(_, s)| self.section_name(s)).unwrap_or_default();
                log_event(tunnel_id, place.map(|(r, _)| (r, name.as_str())), &event);
                self.dial_event(tunnel_id, &event);
                for c in self.glue.on_l2tp(tunnel_id, &event) {
                    self.apply(c);
                }
            }
            let mut out = Vec::new();
            while let Some((tunnel_id, remote)) = self.endpoint.poll_transmit_tunnel(&mut out) {
                busy = true;
                let socket = match self.own.get(&tunnel_id) {
                    Some(s) => Arc::clone(s),
                    None => {
                        let local = self.routes.get(&remote).copied().unwrap_or(0);
                        Arc::clone(&self.listen[local])
                    }
                };
                log_datagram("sent to", remote, &out);
                if let Err(e) = socket.send_to(&out, remote).await {
                    tracing::debug!("send to {remote}: {e}");
                }
                out.clear();
            }
            if !busy {
                return;
            }
        }
    }
}
