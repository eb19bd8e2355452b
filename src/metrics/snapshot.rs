//! What one scrape reports: a plain value, taken at once.

use std::fmt;
use std::sync::Arc;

use crate::driver::{Engine, EngineCounters, SessionId, SessionTally};

/// An L2TP daemon's figures, as it fills them in for a scrape: the
/// tunnels by state, its sessions, and its control channel's traffic.
///
/// The counters count since the daemon started and must never go down:
/// a daemon that sums its tunnels' counters keeps, beside the live
/// tunnels, the sum of those that are gone (`rppp_l2tp::TunnelCounters`
/// of a closed tunnel added once to a running total). With feature
/// `l2tpd`, [`add_tunnel`](Self::add_tunnel) adds one tunnel of the
/// sans-IO crate, with its state's label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct L2tpMetrics {
    /// Tunnels by state (label values as [`tunnel_state_label`] gives
    /// them: `idle`, `wait_ctl_reply`, `wait_ctl_conn`, `established`,
    /// `closing`, `closed`), every state the daemon knows, zero or not.
    ///
    /// [`tunnel_state_label`]: Self::tunnel_state_label
    pub tunnels_by_state: Vec<(String, u64)>,
    /// L2TP sessions the daemon holds.
    pub sessions: u64,
    /// Control messages sent for the first time, ZLB acknowledgements
    /// excluded (`ReliableCounters::sent`).
    pub control_sent: u64,
    /// Control messages received and delivered in order, duplicates
    /// excluded (`ReliableCounters::delivered`).
    pub control_received: u64,
    /// Control messages sent again for want of an acknowledgement
    /// (`ReliableCounters::retransmissions`).
    pub control_retransmissions: u64,
    /// Retransmission timeouts (`ReliableCounters::timeouts`).
    pub control_timeouts: u64,
    /// Calls and tunnels refused since the start, by reason (label
    /// values such as `max_sessions`, `max_starting`, `peer_rate`,
    /// `shutting_down`), every reason the daemon knows, zero or not.
    pub refused: Vec<(String, u64)>,
}

#[cfg(feature = "l2tpd-core")]
impl L2tpMetrics {
    /// Every tunnel state, in the order [`tunnels_by_state`] lists them
    /// after [`with_every_state`](Self::with_every_state).
    ///
    /// [`tunnels_by_state`]: Self::tunnels_by_state
    pub const TUNNEL_STATES: [rppp_l2tp::TunnelState; 6] = [
        rppp_l2tp::TunnelState::Idle,
        rppp_l2tp::TunnelState::WaitCtlReply,
        rppp_l2tp::TunnelState::WaitCtlConn,
        rppp_l2tp::TunnelState::Established,
        rppp_l2tp::TunnelState::Closing,
        rppp_l2tp::TunnelState::Closed,
    ];

    /// A tunnel state as a label value.
    pub fn tunnel_state_label(state: rppp_l2tp::TunnelState) -> &'static str {
        use rppp_l2tp::TunnelState as S;
        match state {
            S::Idle => "idle",
            S::WaitCtlReply => "wait_ctl_reply",
            S::WaitCtlConn => "wait_ctl_conn",
            S::Established => "established",
            S::Closing => "closing",
            S::Closed => "closed",
        }
    }

    /// Figures with every tunnel state at zero, to add tunnels to.
    pub fn with_every_state() -> L2tpMetrics {
        L2tpMetrics {
            tunnels_by_state: Self::TUNNEL_STATES
                .iter()
                .map(|s| (Self::tunnel_state_label(*s).to_owned(), 0))
                .collect(),
            ..L2tpMetrics::default()
        }
    }

    /// Counts one tunnel in `state` and adds its control counters
    /// (a live tunnel's, or a closed one's into the running total).
    pub fn add_tunnel(
        &mut self,
        state: Option<rppp_l2tp::TunnelState>,
        counters: &rppp_l2tp::TunnelCounters,
    ) {
        if let Some(state) = state {
            let label = Self::tunnel_state_label(state);
            match self.tunnels_by_state.iter_mut().find(|(l, _)| l == label) {
                Some((_, n)) => *n += 1,
                None => self.tunnels_by_state.push((label.to_owned(), 1)),
            }
        }
        let r = &counters.reliable;
        self.control_sent += r.sent;
        self.control_received += r.delivered;
        self.control_retransmissions += r.retransmissions;
        self.control_timeouts += r.timeouts;
    }
}

/// Where a scrape gets an L2TP daemon's figures: called once per scrape,
/// on the runtime, so it must answer at once (read a value the daemon's
/// loop keeps current, e.g. an `Arc<Mutex<L2tpMetrics>>` or atomics it
/// updates as it goes) and never block.
pub type L2tpSource = Arc<dyn Fn() -> L2tpMetrics + Send + Sync>;

/// What a scrape includes besides the engine's own figures.
#[derive(Clone, Default)]
pub struct MetricsOptions {
    /// Per-session byte and packet counters (the kernel's L2TP session
    /// counters), labelled with the session's id and interface: one
    /// series per session and counter, so off by default.
    pub per_session: bool,
    /// The L2TP daemon's figures, when one runs in this process.
    pub l2tp: Option<L2tpSource>,
}

impl MetricsOptions {
    /// Takes the L2TP part of each scrape from `source`; this is the hook
    /// an L2TP daemon in the same process plugs in.
    pub fn l2tp(mut self, source: impl Fn() -> L2tpMetrics + Send + Sync + 'static) -> Self {
        self.l2tp = Some(Arc::new(source));
        self
    }

    /// Includes the per-session counters, or not.
    pub fn per_session(mut self, on: bool) -> Self {
        self.per_session = on;
        self
    }
}

impl fmt::Debug for MetricsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsOptions")
            .field("per_session", &self.per_session)
            .field("l2tp", &self.l2tp.is_some())
            .finish()
    }
}

/// One session's data-path counters, from the kernel's L2TP session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTraffic {
    /// The session.
    pub id: SessionId,
    /// Its interface, once it has one.
    pub ifname: Option<String>,
    /// Octets received.
    pub rx_bytes: u64,
    /// Octets sent.
    pub tx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
}

/// Everything one scrape reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The engine's counters.
    pub counters: EngineCounters,
    /// The running sessions by phase and by authentication method.
    pub tally: SessionTally,
    /// The process's open file descriptors, where `/proc` tells.
    pub open_fds: Option<u64>,
    /// The process's limit on open file descriptors (the soft one).
    pub max_fds: Option<u64>,
    /// The L2TP daemon's figures, when one provides them.
    pub l2tp: Option<L2tpMetrics>,
    /// Per-session counters, when asked for; sessions without kernel
    /// L2TP counters (a fake data path) are left out.
    pub sessions: Option<Vec<SessionTraffic>>,
}

impl Snapshot {
    /// The engine's figures and the L2TP daemon's, as `options` asks.
    ///
    /// The counters and the tally each take the registry's lock once,
    /// for one pass over the sessions (O(sessions), nothing awaited while
    /// it is held). Only the per-session counters ask each session's task
    /// (all at once) and await their answers. The process's fds are not
    /// read here: [`read_process`](Self::read_process) reads `/proc`,
    /// which blocks, so a server calls it off the runtime.
    pub async fn take(engine: &Engine, options: &MetricsOptions) -> Snapshot {
        let mut s = Snapshot {
            counters: engine.counters(),
            tally: engine.tally(),
            l2tp: options.l2tp.as_ref().map(|f| f()),
            ..Snapshot::default()
        };
        if options.per_session {
            let asks = engine.sessions().into_iter().map(|info| async move {
                let stats = engine.stats(info.id).await.ok()?;
                let l2tp = stats.l2tp?;
                Some(SessionTraffic {
                    id: info.id,
                    ifname: stats.info.ifname,
                    rx_bytes: l2tp.rx_bytes,
                    tx_bytes: l2tp.tx_bytes,
                    rx_packets: l2tp.rx_packets,
                    tx_packets: l2tp.tx_packets,
                })
            });
            let answers = futures_util::future::join_all(asks).await;
            s.sessions = Some(answers.into_iter().flatten().collect());
        }
        s
    }

    /// Fills in the process's open fds (the entries of `/proc/self/fd`)
    /// and their limit. Blocking: a directory read.
    pub fn read_process(&mut self) {
        self.open_fds = std::fs::read_dir("/proc/self/fd")
            .ok()
            .map(|d| d.count() as u64);
        self.max_fds = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
            .ok()
            .map(|(soft, _)| soft);
    }
}
