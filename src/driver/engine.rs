//! The [`Engine`]: any number of sessions in one process, each on its own
//! tokio task, each with a [`SessionHandle`] that yields its typed events
//! and can close it.
//!
//! This is what a Rust L2TP endpoint embeds instead of exec'ing pppd. The
//! events are the session-side counterparts of OpenL2TP's plugin hooks
//! (created, up, down, deleted, statistics) plus the two events an L2TP
//! daemon needs from the PPP engine: `send_accm`
//! ([`SessionEvent::SendAccm`]) and `ip_updown` ([`SessionEvent::IpUp`],
//! [`SessionEvent::IpDown`]). The tunnel side belongs to the daemon.
//!
//! ```no_run
//! # async fn example(fd: std::os::fd::OwnedFd) -> std::io::Result<()> {
//! use rppp::driver::{Engine, EngineEvent, KernelSessionOptions};
//! use rppp::kernel::PppoL2tpSocket;
//! use rppp::session::{Role, SessionConfig, SessionEvent};
//!
//! let engine = Engine::new()?;
//! let mut config = SessionConfig::new(Role::Lns);
//! config.ipcp.local = Some("10.0.0.1".parse().unwrap());
//! config.ipcp.remote = Some("10.0.0.2".parse().unwrap());
//! // `fd`: the connected PPPoL2TP session socket of an L2TP session.
//! let mut session = engine.add_kernel_session(
//!     PppoL2tpSocket::from_fd(fd),
//!     config,
//!     KernelSessionOptions::default(),
//! );
//! while let Some(event) = session.next_event().await {
//!     match event {
//!         EngineEvent::Session(SessionEvent::SendAccm { send, recv }) => {
//!             // Tell the LAC in an L2TP Set-Link-Info message.
//!         }
//!         EngineEvent::Session(SessionEvent::IpUp { local, peer, .. }) => {}
//!         EngineEvent::Ended(ended) => println!("exit {}", ended.exit_code),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```

use std::io;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rtnetlink::Handle;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;

use super::datapath::{DataPath, DefaultRoute, L2tpIds};
use super::kernel_path::{KernelDataPath, L2tpSocketOptions, UnitNaming};
use super::l2tp_watch::L2tpWatch;
use super::task;
use crate::kernel::{L2tpStats, PppoL2tpSocket};
use crate::session::{exit, SessionConfig, SessionEvent};

/// What a session tells its handle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EngineEvent {
    /// The unit exists: the interface name and unit number, and the L2TP
    /// ids of both ends when the data path has them (OpenL2TP's "session
    /// created").
    Created {
        /// The interface name.
        ifname: String,
        /// The unit number.
        unit: u32,
        /// Our and the peer's tunnel and session ids.
        l2tp: Option<L2tpIds>,
    },
    /// What the session reported: link up, `SendAccm`, authenticated, IP
    /// up and down, IPv6 up and down, phase changes.
    Session(SessionEvent),
    /// The L2TP session's counters, as asked with
    /// [`SessionHandle::request_stats`].
    Stats(L2tpStats),
    /// IPCP is opening: the addresses are set and the interface is not yet
    /// up for IPv4. Sent only when [`LinkOptions::ip_pre_up`] is set; the
    /// session then waits (at most that long) for
    /// [`SessionCloser::ip_pre_up_done`], as pppd waits for its
    /// `ip-pre-up` script.
    IpPreUp {
        /// Our address.
        local: Ipv4Addr,
        /// The peer's address.
        peer: Ipv4Addr,
        /// The DNS servers the peer gave us.
        dns: [Option<Ipv4Addr>; 2],
        /// The NBNS servers the peer gave us.
        nbns: [Option<Ipv4Addr>; 2],
    },
    /// The link's figures since the first network protocol came up, sent
    /// just before each `IpDown`/`Ipv6Down` and before `Ended` (what pppd
    /// gives its down scripts as `CONNECT_TIME`, `BYTES_SENT`,
    /// `BYTES_RCVD`).
    LinkStats(NetworkStats),
    /// The session is over and everything it set up is gone: its
    /// interface, and every fd it held (the PPPoL2TP socket included) is
    /// closed, so the L2TP daemon may delete the session at once. The last
    /// event.
    Ended(Ended),
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// pppd's exit code for it (see [`exit`]).
    pub exit_code: u8,
    /// Why, in words.
    pub reason: String,
}

/// The link's figures since the first network protocol came up (pppd's
/// `update_link_stats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkStats {
    /// Time since then.
    pub connect_time: Duration,
    /// Octets the interface sent since then.
    pub bytes_sent: u64,
    /// Octets the interface received since then.
    pub bytes_rcvd: u64,
}

/// What the driver does around the session beyond the protocols: pppd's
/// `idle`, `defaultroute`, `proxyarp` and the wait for `ip-pre-up`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkOptions {
    /// pppd's `idle`: end the link (Terminate-Request, exit code 12) when
    /// no data packet went either way for this long, as the unit reports
    /// it (`PPPIOCGIDLE`); checked while a network protocol is up.
    pub idle: Option<Duration>,
    /// pppd's `defaultroute`: a default route through the interface while
    /// IPCP is up.
    pub default_route: Option<DefaultRoute>,
    /// pppd's `proxyarp`: a proxy ARP entry for the peer while IPCP is up.
    pub proxy_arp: bool,
    /// Send [`EngineEvent::IpPreUp`] and wait at most this long for the
    /// answer before bringing the interface up for IPv4.
    pub ip_pre_up: Option<Duration>,
}

/// What a handle asks of its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// Terminate-Request, then end with exit code 5.
    Close,
    /// Report the L2TP counters.
    Stats,
    /// The `ip-pre-up` work is done: go on.
    IpPreUpDone,
}

/// Per-session kernel options: the `SOL_PPPOL2TP` options the L2TP daemon
/// asked for and how to name the interface.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KernelSessionOptions {
    /// Socket options, each set only when given.
    pub socket: L2tpSocketOptions,
    /// `ifname` / `unit`.
    pub naming: UnitNaming,
    /// `idle`, `defaultroute`, `proxyarp`, `ip-pre-up`.
    pub link: LinkOptions,
}

/// One session's handle: its events, and a way to close it. Dropping the
/// handle leaves the session running.
#[derive(Debug)]
pub struct SessionHandle {
    events: mpsc::UnboundedReceiver<EngineEvent>,
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<Ended>,
}

impl SessionHandle {
    /// The next event; `None` after [`EngineEvent::Ended`].
    pub async fn next_event(&mut self) -> Option<EngineEvent> {
        self.events.recv().await
    }

    /// Closes the session as pppd does on SIGTERM: Terminate-Request, then
    /// exit code 5.
    pub fn close(&self) {
        let _ = self.commands.send(Command::Close);
    }

    /// A cloneable way to close the session from elsewhere (a signal
    /// handler) while this handle reads its events.
    pub fn closer(&self) -> SessionCloser {
        SessionCloser(self.commands.clone())
    }

    /// Answers [`EngineEvent::IpPreUp`]: the session goes on.
    pub fn ip_pre_up_done(&self) {
        let _ = self.commands.send(Command::IpPreUpDone);
    }

    /// Asks for an [`EngineEvent::Stats`].
    pub fn request_stats(&self) {
        let _ = self.commands.send(Command::Stats);
    }

    /// Waits for the end of the session.
    pub async fn wait(self) -> Ended {
        match self.task.await {
            Ok(ended) => ended,
            Err(e) => Ended {
                exit_code: exit::FATAL_ERROR,
                reason: format!("the session's task failed: {e}"),
            },
        }
    }
}

/// Closes one session; see [`SessionHandle::closer`].
#[derive(Debug, Clone)]
pub struct SessionCloser(mpsc::UnboundedSender<Command>);

impl SessionCloser {
    /// Terminate-Request, then exit code 5.
    pub fn close(&self) {
        let _ = self.0.send(Command::Close);
    }

    /// Answers [`EngineEvent::IpPreUp`]: the session goes on.
    pub fn ip_pre_up_done(&self) {
        let _ = self.0.send(Command::IpPreUpDone);
    }
}

/// Any number of sessions in one process.
#[derive(Debug, Clone)]
pub struct Engine {
    netlink: Option<Handle>,
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
    /// An engine with one rtnetlink socket shared by all its sessions, and
    /// one L2TP generic netlink watch that tells a session when its L2TP
    /// session or tunnel is deleted (it then ends with exit code 16, as on
    /// a hangup; without the kernel's l2tp netlink family the engine warns
    /// once and such a session ends when its LCP echoes fail). Must be
    /// called inside a tokio runtime.
    pub fn new() -> io::Result<Engine> {
        let (connection, handle, _) = rtnetlink::new_connection()?;
        tokio::spawn(connection);
        Ok(Engine {
            netlink: Some(handle),
            l2tp_watch: Some(L2tpWatch::start()),
            creation_slots: Arc::new(Semaphore::new(CONCURRENT_UNIT_CREATIONS)),
            window: Some(Arc::new(Semaphore::new(NEGOTIATION_WINDOW))),
        })
    }

    /// An engine for fake data paths only (no netlink socket), for tests.
    pub fn without_kernel() -> Engine {
        Engine {
            netlink: None,
            l2tp_watch: None,
            creation_slots: Arc::new(Semaphore::new(CONCURRENT_UNIT_CREATIONS)),
            window: Some(Arc::new(Semaphore::new(NEGOTIATION_WINDOW))),
        }
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
    /// its slot until the negotiation deadline ends the session.
    ///
    /// An engine that holds both ends of many sessions (a test) should add
    /// them pairwise, or lift the limit: ends waiting behind a full
    /// window of peers that wait for them would wait for the deadline.
    pub fn negotiation_window(mut self, sessions: Option<usize>) -> Self {
        self.window = sessions.map(|n| Arc::new(Semaphore::new(n.max(1))));
        self
    }

    /// Runs a session on any data path.
    pub fn add_session<D: DataPath>(
        &self,
        data_path: D,
        config: impl Into<Arc<SessionConfig>>,
    ) -> SessionHandle {
        self.add_session_with(data_path, config, LinkOptions::default())
    }

    /// Runs a session on any data path, with `idle`, `defaultroute`,
    /// `proxyarp` and the `ip-pre-up` wait as `link` says.
    pub fn add_session_with<D: DataPath>(
        &self,
        data_path: D,
        config: impl Into<Arc<SessionConfig>>,
        link: LinkOptions,
    ) -> SessionHandle {
        let (events_tx, events) = mpsc::unbounded_channel();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let config = config.into();
        let window = self.window.clone();
        let task = tokio::spawn(async move {
            let window = match window {
                Some(w) => match w.acquire_owned().await {
                    Ok(p) => Some(p),
                    Err(e) => return fail(&events_tx, format!("wait to start: {e}")),
                },
                None => None,
            };
            task::run(data_path, config, link, events_tx, commands_rx, window).await
        });
        SessionHandle {
            events,
            commands,
            task,
        }
    }

    /// Runs a session on a PPPoL2TP socket an L2TP daemon handed over.
    /// Setting it up (socket options, channel) happens on the session's
    /// task; a failure there ends that session alone, with exit code 1.
    pub fn add_kernel_session(
        &self,
        socket: PppoL2tpSocket,
        config: impl Into<Arc<SessionConfig>>,
        options: KernelSessionOptions,
    ) -> SessionHandle {
        let (events_tx, events) = mpsc::unbounded_channel();
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let config = config.into();
        let netlink = self.netlink.clone();
        let slots = Arc::clone(&self.creation_slots);
        let watch = self.l2tp_watch.clone();
        let window = self.window.clone();
        let task = tokio::spawn(async move {
            let Some(netlink) = netlink else {
                drop(socket);
                return fail(&events_tx, "this engine has no netlink socket".into());
            };
            let window = match window {
                Some(w) => match w.acquire_owned().await {
                    Ok(p) => Some(p),
                    Err(e) => return fail(&events_tx, format!("wait to start: {e}")),
                },
                None => None,
            };
            // The setup slot covers attaching the channel as well as
            // creating the unit: on a current-thread runtime, sessions
            // that all attach first (a thousand ppp ioctls in a row)
            // would keep the netlink task, and so every unit, waiting
            // for the last session's channel. In slots, the first
            // sessions' units are made while later ones still wait.
            let permit = match slots.acquire_owned().await {
                Ok(p) => p,
                Err(e) => return fail(&events_tx, format!("wait for a setup slot: {e}")),
            };
            match KernelDataPath::open(socket, &options.socket, options.naming, netlink).await {
                Ok(mut dp) => {
                    dp.hold_setup_slot(permit);
                    if let Some(watch) = &watch {
                        dp.watch_deletion(watch);
                    }
                    task::run(dp, config, options.link, events_tx, commands_rx, window).await
                }
                Err(e) => fail(&events_tx, e.to_string()),
            }
        });
        SessionHandle {
            events,
            commands,
            task,
        }
    }
}

fn fail(events: &mpsc::UnboundedSender<EngineEvent>, reason: String) -> Ended {
    tracing::error!("{reason}");
    let ended = Ended {
        exit_code: exit::FATAL_ERROR,
        reason,
    };
    let _ = events.send(EngineEvent::Ended(ended.clone()));
    ended
}
