//! What the engine knows about a session: its id, the summary the
//! registry keeps for listings ([`SessionInfo`]), and the full figures a
//! session reports when asked ([`SessionStats`]).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use super::datapath::L2tpIds;
use crate::kernel::L2tpStats;
use crate::session::{Phase, SessionCounters};
use rppp_lcp::fsm::State;
use rppp_lcp::lcp::LcpCounters;

/// A session's id in its [`Engine`](super::Engine): unique for the
/// engine's life, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub(crate) u64);

impl SessionId {
    /// The number behind the id.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The id with this number, as [`get`](Self::get) gave it (ids start
    /// at 1); whether such a session exists is the engine's to say.
    pub fn from_number(n: u64) -> Option<SessionId> {
        (n > 0).then_some(SessionId(n))
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The summary of one session the engine's registry keeps, kept current
/// by the session as things happen; [`Engine::sessions`](super::Engine::sessions)
/// lists them without disturbing any session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The session.
    pub id: SessionId,
    /// When it was added.
    pub started: Instant,
    /// When its first network protocol came up.
    pub up_since: Option<Instant>,
    /// Its phase.
    pub phase: Phase,
    /// The interface name, once the unit exists.
    pub ifname: Option<String>,
    /// The unit number, once the unit exists.
    pub unit: Option<u32>,
    /// Both ends' L2TP ids, where the data path has them.
    pub l2tp: Option<L2tpIds>,
    /// The name the peer authenticated with.
    pub peer_name: Option<String>,
    /// Our and the peer's IPv4 addresses while IPCP is up.
    pub ipv4: Option<(Ipv4Addr, Ipv4Addr)>,
    /// Our and the peer's IPv6 link-local addresses while IPv6CP is up.
    pub ipv6: Option<(Ipv6Addr, Ipv6Addr)>,
}

impl SessionInfo {
    pub(crate) fn new(id: SessionId) -> SessionInfo {
        SessionInfo {
            id,
            started: Instant::now(),
            up_since: None,
            phase: Phase::Dead,
            ifname: None,
            unit: None,
            l2tp: None,
            peer_name: None,
            ipv4: None,
            ipv6: None,
        }
    }

    /// Time since the first network protocol came up, or zero.
    pub fn uptime(&self) -> Duration {
        self.up_since.map_or(Duration::ZERO, |t| t.elapsed())
    }
}

/// Frames of each kind a session sent or received through its driver.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameCounts {
    /// LCP.
    pub lcp: u64,
    /// PAP, CHAP and EAP.
    pub auth: u64,
    /// IPCP.
    pub ipcp: u64,
    /// IPv6CP.
    pub ipv6cp: u64,
    /// Every other protocol.
    pub other: u64,
}

impl FrameCounts {
    pub(crate) fn count(&mut self, protocol: u16) {
        use crate::session::protocol as p;
        let slot = match protocol {
            p::LCP => &mut self.lcp,
            p::PAP | p::CHAP | p::EAP => &mut self.auth,
            p::IPCP => &mut self.ipcp,
            p::IPV6CP => &mut self.ipv6cp,
            _ => &mut self.other,
        };
        *slot = slot.saturating_add(1);
    }
}

/// Everything the engine knows about one session, as
/// [`Engine::stats`](super::Engine::stats) answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStats {
    /// The registry's summary.
    pub info: SessionInfo,
    /// LCP's automaton state.
    pub lcp: State,
    /// IPCP's automaton state.
    pub ipcp: State,
    /// IPv6CP's automaton state, when it runs.
    pub ipv6cp: Option<State>,
    /// Control frames received, by protocol.
    pub rx_frames: FrameCounts,
    /// Control frames sent, by protocol.
    pub tx_frames: FrameCounts,
    /// LCP's counters: echoes sent and answered, Protocol-Rejects,
    /// Magic-Number collisions.
    pub lcp_counters: LcpCounters,
    /// Authentication exchanges the session finished, passed or failed
    /// (each direction counts).
    pub auth_attempts: u32,
    /// What the session discarded or rejected.
    pub session: SessionCounters,
    /// The L2TP session's kernel counters, where there are any.
    pub l2tp: Option<L2tpStats>,
    /// Frames the driver could not write (a full socket queue).
    pub write_errors: u32,
    /// Events this session could not queue for the engine's stream
    /// (see [`EngineEvents`](super::EngineEvents)); zero unless the
    /// embedder stopped reading.
    pub events_dropped: u32,
}
