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
//! [`Settings::shutdown_grace`]; the kernel tunnels are deleted last.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::SysRng;
use rand_core::UnwrapErr;
use rppp_l2tp::{CallParams, Endpoint, Event, HeaderRepr, Incoming, ResultCode, Role, SessionInfo};
use rppp_l2tp::{ErrorCode, StopCcnResult};
use tokio::net::UdpSocket;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::glue::{Command, Glue};
use super::kernel::{lac_udp_socket, reapable, udp_socket, KernelTunnel};
use super::settings::{LacSettings, Settings};
use crate::driver::{Engine, EngineEvent, EngineEvents, KernelSessionOptions, SessionId};
use crate::session::SessionConfig;

/// Where each PPP session's configuration comes from.
pub trait SessionSetup: Send + 'static {
    /// PPP's configuration and the kernel socket's options for a session
    /// that just came up; an error refuses the call (a CDN with it).
    fn prepare(
        &mut self,
        role: Role,
        info: &SessionInfo,
    ) -> Result<(SessionConfig, KernelSessionOptions), String>;

    /// The session `prepare` was called for is over (whatever it held,
    /// an address from a pool, goes back).
    fn released(&mut self, tunnel_id: u16, session_id: u16) {
        let _ = (tunnel_id, session_id);
    }
}

/// A datagram a reader task got: from which listening address's sockets
/// (or which LAC tunnel's own socket), and from whom.
#[derive(Debug)]
struct Datagram {
    local: usize,
    own: Option<u16>,
    from: SocketAddr,
    bytes: Vec<u8>,
}

/// What the loop is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    /// Waiting for every PPP session to end, until then.
    StoppingPpp(Instant),
    /// StopCCN sent; waiting for the acknowledgements, until then.
    StoppingTunnels(Instant),
}

/// One tunnel's place: the listening socket it belongs to and its peer.
#[derive(Debug, Clone, Copy)]
struct Place {
    local: usize,
    remote: SocketAddr,
}

/// The L2TP daemon: see the module's documentation.
pub struct Daemon<S: SessionSetup> {
    settings: Settings,
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
    setup: S,
    phase: Phase,
}

impl<S: SessionSetup> std::fmt::Debug for Daemon<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Daemon")
            .field("settings", &self.settings)
            .field("glue", &self.glue)
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

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}

impl<S: SessionSetup> Daemon<S> {
    /// Binds the listening sockets and starts the Engine. Must be called
    /// inside a tokio runtime.
    pub fn new(settings: Settings, setup: S) -> io::Result<Daemon<S>> {
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
        Ok(Daemon {
            settings,
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
            phase: Phase::Running,
        })
    }

    /// The Engine every PPP session runs in.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// LAC: opens a tunnel to `lac.lns` from a UDP socket of its own on
    /// the first listening address (an ephemeral port); `lac.calls`
    /// incoming calls are placed once it is up. Returns our Tunnel ID.
    pub fn dial(&mut self, lac: &LacSettings) -> io::Result<u16> {
        let config = lac.tunnel.tunnel_config(Role::Lac);
        let ip = self.settings.listen[0].ip();
        let socket = lac_udp_socket(ip)
            .map_err(|e| io::Error::new(e.kind(), format!("a UDP socket on {ip}: {e}")))?;
        let socket = Arc::new(UdpSocket::from_std(socket)?);
        let id = self
            .endpoint
            .connect(config, lac.lns, Instant::now(), &mut self.rng)
            .map_err(|e| io::Error::other(format!("{e:?}")))?;
        let reader = spawn_reader(Arc::clone(&socket), 0, Some(id), self.tx.clone());
        self.own.insert(id, socket);
        self.own_readers.insert(id, reader);
        self.places.insert(
            id,
            Place {
                local: 0,
                remote: lac.lns,
            },
        );
        self.glue.tunnel_opened(id, Role::Lac, lac.calls);
        tracing::info!("tunnel {id}: dialling {}", lac.lns);
        Ok(id)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down cleanly.
    pub async fn run(mut self) -> io::Result<()> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        for lac in self.settings.lacs.clone() {
            if let Err(e) = self.dial(&lac) {
                tracing::error!("dial {}: {e}", lac.lns);
            }
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
                Phase::Running => None,
                Phase::StoppingPpp(t) | Phase::StoppingTunnels(t) => Some(t),
            };
            let running = self.phase == Phase::Running;
            tokio::select! {
                Some(d) = self.rx.recv() => self.on_datagram(d),
                Some((id, event)) = self.events.next() => self.on_engine(id, event),
                () = sleep_until(self.endpoint.poll_timeout()) => {
                    self.endpoint.handle_timeout(Instant::now(), &mut self.rng);
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
                _ = term.recv(), if running => self.begin_shutdown(),
                _ = int.recv(), if running => self.begin_shutdown(),
            }
        }
        self.pump().await;
        self.delete_all_kernel().await;
        tracing::info!("l2tpd stopped");
        Ok(())
    }

    fn begin_shutdown(&mut self) {
        tracing::info!("terminating on signal: closing every session");
        self.phase = Phase::StoppingPpp(Instant::now() + self.settings.shutdown_grace);
        let engine = self.engine.clone();
        tokio::spawn(async move { engine.shutdown().await });
    }

    /// Moves the shutdown along; false once it is complete.
    fn advance_shutdown(&mut self) -> bool {
        match self.phase {
            Phase::Running => true,
            Phase::StoppingPpp(_) if self.glue.ppp_sessions() > 0 => true,
            Phase::StoppingPpp(_) => {
                self.close_tunnels();
                // StopCCN goes out with the next pump.
                true
            }
            Phase::StoppingTunnels(_) => !self.endpoint.tunnel_ids().all(|id| {
                self.endpoint
                    .tunnel(id)
                    .is_none_or(|t| t.all_acknowledged())
            }),
        }
    }

    /// StopCCN on every tunnel.
    fn close_tunnels(&mut self) {
        let now = Instant::now();
        let ids: Vec<u16> = self.endpoint.tunnel_ids().collect();
        for id in ids {
            if let Some(t) = self.endpoint.tunnel_mut(id) {
                t.close(now, ResultCode::stop(StopCcnResult::ShuttingDown));
            }
        }
        self.phase = Phase::StoppingTunnels(now + self.settings.shutdown_grace);
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
        if self.phase != Phase::Running {
            return;
        }
        let Some(config) = self.settings.lns.as_ref().and_then(|l| l.accept(remote)) else {
            tracing::warn!("SCCRQ from {remote}: no LNS section allows it; ignored");
            return;
        };
        match self
            .endpoint
            .accept(incoming, config, Instant::now(), &mut self.rng)
        {
            Ok(id) => {
                tracing::info!("tunnel {id}: SCCRQ from {remote} accepted");
                self.places.insert(id, Place { local, remote });
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
                log_event(tunnel_id, &event);
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

    fn apply(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::CreateKernelTunnel {
                tunnel_id,
                peer_tunnel_id,
            } => {
                let Some(place) = self.places.get(&tunnel_id).copied() else {
                    return;
                };
                let local = self.settings.listen[place.local];
                // A LAC tunnel's kernel tunnel is on its own socket,
                // whose reader carries on; an LNS tunnel's gets a new one.
                let opened = match self.own.get(&tunnel_id) {
                    Some(s) => KernelTunnel::on_socket(
                        Arc::clone(s),
                        place.remote,
                        tunnel_id,
                        peer_tunnel_id,
                    ),
                    None => KernelTunnel::open(local, place.remote, tunnel_id, peer_tunnel_id),
                };
                match opened {
                    Ok(kt) => {
                        let reader = self.own_readers.remove(&tunnel_id).unwrap_or_else(|| {
                            spawn_reader(Arc::clone(&kt.udp), place.local, None, self.tx.clone())
                        });
                        self.kernel.insert(tunnel_id, (kt, reader));
                    }
                    Err(e) => {
                        tracing::error!("tunnel {tunnel_id}: cannot create the kernel tunnel: {e}");
                        if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                            let result = ResultCode::stop(StopCcnResult::GeneralError)
                                .with_error(ErrorCode::NoResources, &e.to_string());
                            t.close(now, result);
                        }
                    }
                }
            }
            Command::PlaceCall { tunnel_id } => {
                if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                    match t.open_session(now, CallParams::default(), &mut self.rng) {
                        Ok(sid) => tracing::info!("tunnel {tunnel_id}: call {sid} placed"),
                        Err(e) => tracing::error!("tunnel {tunnel_id}: cannot place a call: {e}"),
                    }
                }
            }
            Command::StartSession { role, info } => self.start_session(role, info),
            Command::SendLinkInfo {
                tunnel_id,
                session_id,
                send_accm,
                recv_accm,
            } => {
                if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                    if let Err(e) = t.send_link_info(now, session_id, send_accm, recv_accm) {
                        tracing::debug!("tunnel {tunnel_id}: Set-Link-Info: {e}");
                    }
                }
            }
            Command::CloseL2tpSession {
                tunnel_id,
                session_id,
                result,
            } => {
                if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                    if let Err(e) = t.close_session(now, session_id, result) {
                        tracing::debug!("tunnel {tunnel_id}: CDN: {e}");
                    }
                }
            }
            Command::ClosePpp { id, reason } => {
                // A session that already ended is not there any more.
                let _ = self.engine.close(id, reason);
            }
            Command::DeleteKernelTunnel { tunnel_id } => {
                if !self.doomed.contains(&tunnel_id) {
                    self.doomed.push(tunnel_id);
                }
                self.reap_kernel_tunnels();
            }
        }
    }

    /// Deletes the kernel tunnels the glue gave up once everything we sent
    /// on them is acknowledged (or the endpoint gave up on them). The
    /// peer answers our CDN and StopCCN to the tunnel's connected socket:
    /// deleting it at once lost those acknowledgements (xl2tpd acks
    /// both at once), and the StopCCN was resent until the shutdown grace
    /// ran out.
    fn reap_kernel_tunnels(&mut self) {
        for id in reapable(&self.endpoint, &mut self.doomed) {
            if let Some((kt, reader)) = self.kernel.remove(&id) {
                reader.abort();
                drop(kt);
                tracing::info!("tunnel {id}: kernel tunnel deleted");
            }
            if let Some(reader) = self.own_readers.remove(&id) {
                reader.abort();
            }
            self.own.remove(&id);
            self.places.remove(&id);
        }
    }

    fn start_session(&mut self, role: Role, info: SessionInfo) {
        let (t, s) = (info.tunnel_id, info.session_id);
        let started = (|| {
            let (kt, _) = self
                .kernel
                .get(&t)
                .ok_or_else(|| "the tunnel has no kernel tunnel".to_string())?;
            let (config, mut options) = self.setup.prepare(role, &info)?;
            if role == Role::Lns {
                options.socket.lns_mode = Some(true);
            }
            if info.sequencing_required {
                options.socket.send_seq = Some(true);
            }
            match kt.session(s, info.peer_session_id) {
                Ok(socket) => Ok(self.engine.add_kernel_session(socket, config, options, ())),
                Err(e) => {
                    self.setup.released(t, s);
                    Err(format!("cannot create the kernel session: {e}"))
                }
            }
        })();
        match started {
            Ok(id) => {
                tracing::info!(
                    "tunnel {t} session {s} (peer {}/{}): PPP session {id}",
                    info.peer_tunnel_id,
                    info.peer_session_id
                );
                self.sessions.insert(id, (t, s));
                self.glue.session_started(t, s, id);
            }
            Err(why) => {
                tracing::error!("tunnel {t} session {s}: {why}");
                for c in self.glue.session_failed(t, s, &why) {
                    self.apply(c);
                }
            }
        }
    }

    /// Deletes every kernel tunnel left and waits for their sockets to
    /// close; the readers of the listening sockets stop.
    async fn delete_all_kernel(&mut self) {
        let ids: Vec<u16> = self.kernel.keys().copied().collect();
        for id in ids {
            if let Some((kt, reader)) = self.kernel.remove(&id) {
                reader.abort();
                drop(kt);
                let _ = reader.await;
                tracing::info!("tunnel {id}: kernel tunnel deleted");
            }
        }
        for (_, r) in self.own_readers.drain() {
            r.abort();
        }
        self.own.clear();
        for r in self.readers.drain(..) {
            r.abort();
        }
    }
}

/// At debug level, one line per control datagram: its header only (no
/// AVP, so no secret or hidden value reaches the log).
fn log_datagram(dir: &str, remote: SocketAddr, bytes: &[u8]) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    match HeaderRepr::parse(bytes) {
        Ok((h, body)) => {
            let (ns, nr) = h.sequence.unwrap_or_default();
            tracing::debug!(
                "L2TP {dir} {remote}: tunnel {} session {} Ns {ns} Nr {nr}, {} octets of AVPs{}",
                h.tunnel_id,
                h.session_id,
                body.len(),
                if body.is_empty() { " (ZLB)" } else { "" }
            );
        }
        Err(_) => tracing::debug!(
            "L2TP {dir} {remote}: {} octets, no L2TP header",
            bytes.len()
        ),
    }
}

fn log_event(tunnel_id: u16, event: &Event) {
    match event {
        Event::TunnelUp(i) => tracing::info!(
            "tunnel {tunnel_id}: up, peer {} (tunnel {})",
            String::from_utf8_lossy(&i.peer_host_name),
            i.peer_tunnel_id
        ),
        Event::SessionUp(i) => tracing::info!(
            "tunnel {tunnel_id}: session {} up (peer's {})",
            i.session_id,
            i.peer_session_id
        ),
        Event::SessionDown {
            session_id, reason, ..
        } => tracing::info!("tunnel {tunnel_id}: session {session_id} down: {reason}"),
        Event::LinkInfo {
            session_id,
            send_accm,
            recv_accm,
        } => tracing::info!(
            "tunnel {tunnel_id}: session {session_id}: Set-Link-Info send {send_accm:#010x} recv {recv_accm:#010x}"
        ),
        Event::WanError { session_id, errors } => {
            tracing::warn!("tunnel {tunnel_id}: session {session_id}: WAN errors {errors:?}")
        }
        Event::TunnelDown(end) => tracing::info!("tunnel {tunnel_id}: down: {end}"),
    }
}
