//! The [`Engine`]: every session of a process in one registry, by
//! [`SessionId`], each running on its own tokio task, and one bounded
//! stream of `(SessionId, EngineEvent)` for all of them.
//!
//! This is what a Rust L2TP endpoint embeds instead of exec'ing pppd, and
//! what rppp's own daemons are built on. The events are the session-side
//! counterparts of OpenL2TP's plugin hooks (created, up, down, deleted,
//! statistics) plus the two events an L2TP daemon needs from the PPP
//! engine: `send_accm` ([`SessionEvent::SendAccm`]) and `ip_updown`
//! ([`SessionEvent::IpUp`], [`SessionEvent::IpDown`]). The tunnel side
//! belongs to the daemon.
//!
//! [`SessionEvent::SendAccm`]: crate::session::SessionEvent::SendAccm
//! [`SessionEvent::IpUp`]: crate::session::SessionEvent::IpUp
//! [`SessionEvent::IpDown`]: crate::session::SessionEvent::IpDown

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::{oneshot, Semaphore};
use tracing::Instrument;

use super::config::{KernelSessionOptions, LinkOptions};
use super::counters::{EngineCounters, SessionTally};
use super::datapath::DataPath;
use super::end::{CloseReason, EndReason, Ended, SetupError};
use super::events::{EngineEvents, EventSender, Outbox, EVENT_STREAM_CAPACITY};
use super::hooks::Hooks;
use super::kernel_path::{self, KernelDataPath, Netif};
use super::l2tp_watch::L2tpWatch;
use super::log_span;
use super::registry::{Command, Registry};
use super::status::{SessionId, SessionInfo, SessionStats};
use super::task::{self, Start};
use super::verify::SessionLimits;
use crate::kernel::frames::{FrameFd, SharedFd};
use crate::kernel::PppoL2tpSocket;
use crate::session::{IpcpAddresses, SessionConfig};

/// The session named is not (or no longer) in the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownSession(pub SessionId);

impl fmt::Display for UnknownSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no session {}", self.0)
    }
}

impl std::error::Error for UnknownSession {}

/// A session's end, to be awaited: from [`Engine::close`] or
/// [`Engine::wait`].
#[derive(Debug)]
pub struct Closing(oneshot::Receiver<Ended>);

impl Future for Closing {
    type Output = Ended;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Ended> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.unwrap_or_else(|_| Ended::new(EndReason::Setup(SetupError::TaskFailed))))
    }
}

/// Any number of sessions in one process. Cloning gives another handle on
/// the same engine.
#[derive(Debug, Clone)]
pub struct Engine {
    registry: Registry,
    events: EventSender,
    netif: Option<Netif>,
    /// Deletions of L2TP sessions, announced by the kernel.
    l2tp_watch: Option<L2tpWatch>,
    /// Unit creations at once, shared by every kernel session.
    creation_slots: Arc<Semaphore>,
    /// Sessions started but not yet heard from their peer; see
    /// [`Engine::negotiation_window`].
    window: Option<Arc<Semaphore>>,
}

/// How many of an engine's sessions may be negotiating at once before
/// their peer is heard from; see [`Engine::negotiation_window`].
pub const NEGOTIATION_WINDOW: usize = 64;

/// How many of an engine's sessions create their unit at once. The kernel
/// serialises unit creation anyway (RTNL, and the ppp mutex that makes
/// `RTM_NEWLINK` answer EBUSY); a few at once keep the shared netlink
/// socket's queue short and bring sessions up in the order they came.
pub const CONCURRENT_UNIT_CREATIONS: usize = 8;

impl Engine {
    /// An engine with one rtnetlink socket shared by all its sessions
    /// (served on a thread of its own, so that waiting for the kernel's
    /// RTNL never stops the runtime; in builds without the `rtnetlink`
    /// feature, one socket for the interface ioctls instead), and
    /// one L2TP generic netlink watch that tells a session when its L2TP
    /// session or tunnel is deleted (it then ends with exit code 16, as on
    /// a hangup; without the kernel's l2tp netlink family the engine warns
    /// once and such a session ends when its LCP echoes fail); and the
    /// engine's event stream. Must be called inside a tokio runtime.
    pub fn new() -> io::Result<(Engine, EngineEvents)> {
        let netif = Netif::open()?;
        Ok(Self::build(Some(netif), Some(L2tpWatch::start())))
    }

    /// An engine for fake data paths only (no netlink socket), for tests.
    #[cfg(feature = "test-util")]
    pub fn without_kernel() -> (Engine, EngineEvents) {
        Self::build(None, None)
    }

    fn build(netif: Option<Netif>, l2tp_watch: Option<L2tpWatch>) -> (Engine, EngineEvents) {
        let (events, stream) = EngineEvents::channel(EVENT_STREAM_CAPACITY);
        let engine = Engine {
            registry: Registry::default(),
            events,
            netif,
            l2tp_watch,
            creation_slots: Arc::new(Semaphore::new(CONCURRENT_UNIT_CREATIONS)),
            window: Some(Arc::new(Semaphore::new(NEGOTIATION_WINDOW))),
        };
        (engine, stream)
    }

    /// Sets how many sessions may be starting at once: from before their
    /// channel is attached until the first frame from their peer (or
    /// their end). `None` lifts the limit. The default is
    /// [`NEGOTIATION_WINDOW`]; sessions take their turn in the order
    /// they were added.
    ///
    /// Once a session's unit exists its LCP runs against a deadline (the
    /// restart timer and Max-Configure, and the 30 s negotiation
    /// deadline). When a thousand sessions start together and the peer
    /// brings its side up more slowly than we do, sessions far ahead of
    /// the peer would give up before the peer gets to them, and each
    /// that ends deletes its interface, more work for a kernel that is
    /// already the bottleneck: bring-up then stops converging. The window
    /// keeps us at most this many sessions ahead of the peer, and costs
    /// nothing while the peer keeps up. A peer that never answers holds
    /// its slot until the negotiation deadline ends the session. A
    /// session whose peer has already sent it a frame does not wait for
    /// a slot: two engines that start their sessions in different orders
    /// would otherwise fill their windows with sessions waiting for each
    /// other.
    ///
    /// An engine that holds both ends of many sessions (a test) should add
    /// them pairwise, or lift the limit: ends waiting behind a full
    /// window of peers that wait for them would wait for the deadline.
    pub fn negotiation_window(mut self, sessions: Option<usize>) -> Self {
        self.window = sessions.map(|n| Arc::new(Semaphore::new(n.max(1))));
        self
    }

    fn start<H: Hooks>(
        &self,
        config: Arc<SessionConfig>,
        addresses: IpcpAddresses,
        link: LinkOptions,
        hooks: H,
    ) -> Start<H> {
        let (id, commands) = self.registry.add();
        Start {
            id,
            registry: self.registry.clone(),
            outbox: Outbox::new(id, self.events.clone()),
            commands,
            config,
            addresses,
            link,
            hooks,
            window: self.window.clone(),
            finished: false,
            span: log_span::session_span(id),
        }
    }

    /// Runs a session on any data path, with `idle`, `defaultroute` and
    /// `proxyarp` as `link` says and `hooks` called as it goes (`()` for
    /// none).
    pub fn add_session<D: DataPath, H: Hooks>(
        &self,
        data_path: D,
        config: impl Into<Arc<SessionConfig>>,
        link: LinkOptions,
        hooks: H,
    ) -> SessionId {
        let start = self.start(config.into(), IpcpAddresses::default(), link, hooks);
        let id = start.id;
        let span = start.span.clone();
        tokio::spawn(task::run(data_path, start, None).instrument(span));
        id
    }

    /// Runs a session on a PPPoL2TP socket an L2TP daemon handed over.
    /// Setting it up (socket options, channel) happens on the session's
    /// task; a failure there ends that session alone, with exit code 1.
    pub fn add_kernel_session<H: Hooks>(
        &self,
        socket: PppoL2tpSocket,
        config: impl Into<Arc<SessionConfig>>,
        options: KernelSessionOptions,
        hooks: H,
    ) -> SessionId {
        // Boxed: the future below keeps what it captures for its life.
        let mut start = Box::new(self.start(config.into(), options.addresses, options.link, hooks));
        let id = start.id;
        let span = start.span.clone();
        // The L2TP ids are known from the start: every line of the
        // session's setup carries them.
        if let Some(ids) = kernel_path::l2tp_ids(&socket) {
            log_span::record_l2tp(&span, &ids);
        }
        let netif = self.netif.clone();
        let slots = Arc::clone(&self.creation_slots);
        let watch = self.l2tp_watch.clone();
        let options = Box::new((options.socket, options.naming));
        tokio::spawn(
            async move {
                let Some(netif) = netif else {
                    drop(socket);
                    return start.fail(EndReason::Setup(SetupError::NoNetlink)).await;
                };
                // A session whose peer already sent it a frame goes ahead
                // without a slot: the peer is negotiating, and may hold a
                // slot of its own while it waits for us. Two engines whose
                // sessions come in different orders (an L2TP daemon's calls
                // over many tunnels) otherwise each fill their window with
                // sessions whose peers wait behind the other's window, until
                // the negotiation deadline ends them.
                // (Polling the socket leaves it non-blocking, which nothing
                // after minds: its queued frames are read non-blocking.)
                let socket = Arc::new(socket);
                let window = tokio::select! {
                    biased;
                    w = start.take_window() => w,
                    () = peer_heard(Arc::clone(&socket) as SharedFd) => None,
                };
                let Ok(socket) = Arc::try_unwrap(socket) else {
                    return start.fail(EndReason::Setup(SetupError::TaskFailed)).await;
                };
                // The setup slot covers attaching the channel as well as
                // creating the unit: on a current-thread runtime, sessions
                // that all attach first (a thousand ppp ioctls in a row)
                // would keep the netlink task, and so every unit, waiting
                // for the last session's channel. In slots, the first
                // sessions' units are made while later ones still wait.
                let Ok(permit) = slots.acquire_owned().await else {
                    return start.fail(EndReason::Setup(SetupError::TaskFailed)).await;
                };
                let (socket_options, naming) = *options;
                // Boxed: setting up is done once, the future below lives on.
                let open = KernelDataPath::open(socket, &socket_options, naming, netif);
                match Box::pin(open).await {
                    Ok(mut dp) => {
                        dp.hold_setup_slot(permit);
                        if let Some(watch) = &watch {
                            dp.watch_deletion(watch);
                        }
                        task::run(dp, *start, window).await
                    }
                    Err(e) => start.fail(EndReason::DataPath(e)).await,
                }
            }
            .instrument(span),
        );
        id
    }

    /// Closes a session as pppd does on SIGTERM (Terminate-Request, then
    /// the end), for `reason`; await the result for how it ended.
    pub fn close(&self, id: SessionId, reason: CloseReason) -> Result<Closing, UnknownSession> {
        self.registry
            .close(id, reason, false)
            .map(Closing)
            .ok_or(UnknownSession(id))
    }

    /// Ends a session at once, without the Terminate-Request handshake
    /// (the peer is told nothing; a control socket's `--hard`).
    pub fn close_hard(
        &self,
        id: SessionId,
        reason: CloseReason,
    ) -> Result<Closing, UnknownSession> {
        self.registry
            .close(id, reason, true)
            .map(Closing)
            .ok_or(UnknownSession(id))
    }

    /// Waits for a session's end without closing it.
    pub fn wait(&self, id: SessionId) -> Result<Closing, UnknownSession> {
        self.registry
            .wait(id)
            .map(Closing)
            .ok_or(UnknownSession(id))
    }

    /// Accepts no more sessions (a soft shutdown): those running go on
    /// until they end; sessions added from now on are closed as soon as
    /// they start (reason [`CloseReason::Shutdown`]).
    pub fn stop_accepting(&self) {
        self.registry.stop_accepting();
    }

    /// Closes every session (Terminate-Request, reason
    /// [`CloseReason::Shutdown`]) and waits for all to end; sessions added
    /// from now on are closed as soon as they start.
    pub async fn shutdown(&self) -> Vec<(SessionId, Ended)> {
        self.registry.stop_accepting();
        let mut all = Vec::new();
        for id in self.registry.ids() {
            if let Some(rx) = self.registry.close(id, CloseReason::Shutdown, false) {
                all.push((id, Closing(rx)));
            }
        }
        let mut ended = Vec::with_capacity(all.len());
        for (id, closing) in all {
            ended.push((id, closing.await));
        }
        ended.sort_by_key(|(id, _)| *id);
        ended
    }

    /// Everything the engine knows about a session: its summary, its
    /// protocols' states and counters, and the L2TP session's kernel
    /// counters (one kernel call).
    pub async fn stats(&self, id: SessionId) -> Result<SessionStats, UnknownSession> {
        let (tx, rx) = oneshot::channel();
        if !self.registry.send(id, Command::Stats(tx)) {
            return Err(UnknownSession(id));
        }
        rx.await.map_err(|_| UnknownSession(id))
    }

    /// Sets new limits on a running session (a RADIUS CoA-Request,
    /// RFC 5176 section 3.2): a Session-Timeout counts from now.
    ///
    /// # Errors
    /// [`UnknownSession`] when no session has that id.
    pub fn set_limits(&self, id: SessionId, limits: SessionLimits) -> Result<(), UnknownSession> {
        match self.registry.send(id, Command::Limits(limits)) {
            true => Ok(()),
            false => Err(UnknownSession(id)),
        }
    }

    /// The engine's counters since it started: sessions started and
    /// ended by kind, authentication by method, setup latency.
    pub fn counters(&self) -> EngineCounters {
        self.registry.counters()
    }

    /// The running sessions counted by phase and by the peer's
    /// authentication method: what a metrics scrape reports. One pass
    /// over the registry under its lock (no await, nothing cloned per
    /// session), so it costs O(sessions) and never waits on a session.
    pub fn tally(&self) -> SessionTally {
        self.registry.tally()
    }

    /// Every running session's summary, by id.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        self.registry.infos()
    }

    /// One running session's summary.
    pub fn session(&self, id: SessionId) -> Option<SessionInfo> {
        self.registry.info(id)
    }

    /// How many sessions are running.
    pub fn len(&self) -> usize {
        self.registry.len()
    }

    /// Whether no session is running.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(all(test, feature = "pppd", feature = "test-util"))]
mod tests {
    /// What every established session keeps for its life is its task's
    /// future and the boxed task: the future must stay a small frame
    /// around the box (an async fn keeps its arguments beside its locals,
    /// so a session passed by value would sit in it two or three times,
    /// and the end's futures would sit there all along).
    #[test]
    fn a_session_task_future_is_small() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (engine, _events) = super::Engine::without_kernel();
            let o = crate::options::Options::default();
            let hooks = crate::notify::SessionHooks::new(&o, crate::notify::ProcessInfo::current());
            let config = crate::session::SessionConfig::new(crate::session::Role::Lns);
            let start = engine.start(
                std::sync::Arc::new(config),
                Default::default(),
                Default::default(),
                hooks,
            );
            let (dp, _kernel) = super::super::fake::FakeDataPath::new().unwrap();
            let future = super::task::run(dp, start, None);
            let size = std::mem::size_of_val(&future);
            assert!(size <= 1536, "a session's task future is {size} bytes");
        });
    }
}

/// Resolves once a frame from the peer waits on the session's PPPoL2TP
/// socket (the kernel queues frames there until the channel is
/// attached); never if the socket cannot be polled.
async fn peer_heard(socket: SharedFd) {
    match FrameFd::new(socket) {
        Ok(fd) => {
            let _ = fd.readable().await;
        }
        Err(_) => std::future::pending().await,
    }
}
