//! The engine's own counters, kept as sessions start and end: what a
//! control socket's `show stat` and a metrics scrape report about the
//! whole engine.

use std::time::Duration;

use rppp_lcp::AuthMethod;

use super::end::{CloseReason, EndReason};
use crate::session::{Phase, TerminationReason};

/// A session's end, as a small stable label (a metric's label value, a
/// counter's key); [`EndReason`] has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EndKind {
    /// The peer sent a Terminate-Request.
    PeerRequest,
    /// The peer stopped answering LCP echoes.
    EchoFailure,
    /// The peer failed our authentication, or refused to authenticate.
    AuthFailedByPeer,
    /// We failed the peer's authentication.
    AuthFailedByUs,
    /// LCP or the negotiation deadline gave up.
    NegotiationFailed,
    /// The last network protocol finished.
    NoNetworkProtocols,
    /// `idle`.
    Idle,
    /// `maxconnect`.
    ConnectTime,
    /// The link is looped back.
    Loopback,
    /// The L2TP session or tunnel went away.
    LowerLayer,
    /// A signal or the embedding program.
    UserRequest,
    /// An operator (control socket, RADIUS Disconnect).
    Admin,
    /// The engine shut down.
    Shutdown,
    /// A data-path step failed.
    DataPath,
    /// The session could not start.
    Setup,
}

impl EndKind {
    /// Every kind, in order.
    pub const ALL: [EndKind; 15] = [
        EndKind::PeerRequest,
        EndKind::EchoFailure,
        EndKind::AuthFailedByPeer,
        EndKind::AuthFailedByUs,
        EndKind::NegotiationFailed,
        EndKind::NoNetworkProtocols,
        EndKind::Idle,
        EndKind::ConnectTime,
        EndKind::Loopback,
        EndKind::LowerLayer,
        EndKind::UserRequest,
        EndKind::Admin,
        EndKind::Shutdown,
        EndKind::DataPath,
        EndKind::Setup,
    ];

    /// The label: lower case, words joined by `_`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndKind::PeerRequest => "peer_request",
            EndKind::EchoFailure => "echo_failure",
            EndKind::AuthFailedByPeer => "auth_failed_by_peer",
            EndKind::AuthFailedByUs => "auth_failed_by_us",
            EndKind::NegotiationFailed => "negotiation_failed",
            EndKind::NoNetworkProtocols => "no_network_protocols",
            EndKind::Idle => "idle",
            EndKind::ConnectTime => "connect_time",
            EndKind::Loopback => "loopback",
            EndKind::LowerLayer => "lower_layer",
            EndKind::UserRequest => "user_request",
            EndKind::Admin => "admin",
            EndKind::Shutdown => "shutdown",
            EndKind::DataPath => "data_path",
            EndKind::Setup => "setup",
        }
    }

    fn index(self) -> usize {
        EndKind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

impl EndReason {
    /// The reason's kind.
    pub fn kind(&self) -> EndKind {
        match self {
            EndReason::Protocol { reason, .. } => match reason {
                TerminationReason::UserRequest => EndKind::UserRequest,
                TerminationReason::PeerRequest { .. } => EndKind::PeerRequest,
                TerminationReason::PeerDead => EndKind::EchoFailure,
                TerminationReason::PeerAuthFailed { .. } | TerminationReason::PeerRefusedAuth => {
                    EndKind::AuthFailedByPeer
                }
                TerminationReason::AuthToPeerFailed { .. } => EndKind::AuthFailedByUs,
                TerminationReason::NoNetworkProtocols => EndKind::NoNetworkProtocols,
                TerminationReason::Hangup => EndKind::LowerLayer,
                TerminationReason::ConnectTime => EndKind::ConnectTime,
                TerminationReason::Idle => EndKind::Idle,
                TerminationReason::Loopback => EndKind::Loopback,
                _ => EndKind::NegotiationFailed,
            },
            EndReason::Closed(CloseReason::UserRequest) => EndKind::UserRequest,
            EndReason::Closed(CloseReason::Admin) => EndKind::Admin,
            EndReason::Closed(CloseReason::Shutdown) => EndKind::Shutdown,
            EndReason::Closed(CloseReason::LowerLayerDown) | EndReason::LowerLayerGone => {
                EndKind::LowerLayer
            }
            EndReason::DataPath(_) => EndKind::DataPath,
            EndReason::Setup(_) => EndKind::Setup,
        }
    }
}

/// Upper bounds of the setup latency histogram's buckets, in seconds.
pub const SETUP_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// The four authentication methods, in [`EngineCounters::auth_failures`]'
/// order.
pub const AUTH_METHODS: [AuthMethod; 4] = [
    AuthMethod::Pap,
    AuthMethod::ChapMd5,
    AuthMethod::MsChap,
    AuthMethod::MsChapV2,
];

/// A snapshot of the engine's counters since it started.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineCounters {
    /// Sessions added.
    pub started: u64,
    /// Sessions ended, by [`EndKind::ALL`]'s order.
    pub ended: [u64; 15],
    /// Peers that authenticated, by [`AUTH_METHODS`]' order.
    pub auth_successes: [u64; 4],
    /// Peers that failed our authentication, by [`AUTH_METHODS`]' order.
    pub auth_failures: [u64; 4],
    /// Time from adding a session to its first network protocol up:
    /// sessions per bucket of [`SETUP_BUCKETS`] (each counted in its
    /// smallest bucket), then the slower ones.
    pub setup_buckets: [u64; 11],
    /// The sum of those times.
    pub setup_sum: Duration,
}

impl EngineCounters {
    /// Sessions ended for `kind`.
    pub fn ended(&self, kind: EndKind) -> u64 {
        self.ended[kind.index()]
    }

    /// Sessions ended, all kinds together.
    pub fn ended_total(&self) -> u64 {
        self.ended.iter().sum()
    }

    /// Sessions that reached a network protocol.
    pub fn setups(&self) -> u64 {
        self.setup_buckets.iter().sum()
    }

    pub(crate) fn count_end(&mut self, reason: &EndReason, peer_auth: Option<AuthMethod>) {
        let kind = reason.kind();
        self.ended[kind.index()] += 1;
        if kind == EndKind::AuthFailedByPeer {
            if let Some(i) = peer_auth.and_then(auth_index) {
                self.auth_failures[i] += 1;
            }
        }
    }

    pub(crate) fn count_auth_success(&mut self, method: Option<AuthMethod>) {
        if let Some(i) = method.and_then(auth_index) {
            self.auth_successes[i] += 1;
        }
    }

    pub(crate) fn count_setup(&mut self, took: Duration) {
        let secs = took.as_secs_f64();
        let i = SETUP_BUCKETS
            .iter()
            .position(|&b| secs <= b)
            .unwrap_or(SETUP_BUCKETS.len());
        self.setup_buckets[i] += 1;
        self.setup_sum += took;
    }
}

/// The five phases of a link, in [`SessionTally::by_phase`]' order.
pub const PHASES: [Phase; 5] = [
    Phase::Dead,
    Phase::Establish,
    Phase::Authenticate,
    Phase::Network,
    Phase::Terminate,
];

/// A phase as a small stable label (a metric's label value).
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Dead => "dead",
        Phase::Establish => "establish",
        Phase::Authenticate => "authenticate",
        Phase::Network => "network",
        Phase::Terminate => "terminate",
    }
}

/// An authentication method as a small stable label, as `show stat`
/// names it.
pub fn auth_label(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Pap => "pap",
        AuthMethod::ChapMd5 => "chap-md5",
        AuthMethod::MsChap => "mschap",
        AuthMethod::MsChapV2 => "mschap-v2",
    }
}

/// The running sessions of an engine counted two ways, as
/// [`Engine::tally`](super::Engine::tally) takes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionTally {
    /// Sessions running.
    pub sessions: u64,
    /// Sessions by [`PHASES`]' order.
    pub by_phase: [u64; 5],
    /// Sessions whose peer authenticated, by [`AUTH_METHODS`]' order.
    pub by_auth: [u64; 4],
    /// Sessions whose peer has not authenticated (yet, or at all).
    pub unauthenticated: u64,
    /// Sessions whose setup has ended: a network protocol came up (the
    /// end of `rppp_session_setup_duration_seconds`), whatever they do now.
    pub up: u64,
}

impl SessionTally {
    /// Counts sessions given as (phase, how the peer authenticated,
    /// whether a network protocol has come up).
    pub fn count(
        sessions: impl IntoIterator<Item = (Phase, Option<AuthMethod>, bool)>,
    ) -> SessionTally {
        let mut t = SessionTally::default();
        for (phase, auth, up) in sessions {
            t.sessions += 1;
            t.up += u64::from(up);
            t.by_phase[phase_index(phase)] += 1;
            match auth.and_then(auth_index) {
                Some(i) => t.by_auth[i] += 1,
                None => t.unauthenticated += 1,
            }
        }
        t
    }

    /// The sessions whose setup has not ended: no network protocol has
    /// come up yet (LCP, authentication, the NCPs, and the kernel's
    /// address for the first one), what `max-starting` limits
    /// ([`crate::limits`]).
    ///
    /// Sessions in the Network phase whose NCP is still negotiating, or
    /// whose address waits for the kernel, count: with ten thousand
    /// interfaces each kernel request waits its turn for RTNL, and a LAC
    /// pacing its calls by the phase alone kept placing calls while
    /// thousands of sessions queued there, until their IPCP gave up.
    pub fn starting(&self) -> u64 {
        self.sessions.saturating_sub(self.up)
    }
}

fn phase_index(phase: Phase) -> usize {
    match phase {
        Phase::Dead => 0,
        Phase::Establish => 1,
        Phase::Authenticate => 2,
        Phase::Network => 3,
        Phase::Terminate => 4,
    }
}

fn auth_index(m: AuthMethod) -> Option<usize> {
    AUTH_METHODS.iter().position(|&a| a == m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_label_and_slot() {
        let mut labels: Vec<_> = EndKind::ALL.iter().map(|k| k.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), EndKind::ALL.len());
        for (i, k) in EndKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
    }

    #[test]
    fn setups_fall_in_their_smallest_bucket() {
        let mut c = EngineCounters::default();
        c.count_setup(Duration::from_millis(50));
        c.count_setup(Duration::from_millis(51));
        c.count_setup(Duration::from_secs(100));
        assert_eq!(c.setup_buckets[0], 1);
        assert_eq!(c.setup_buckets[1], 1);
        assert_eq!(c.setup_buckets[10], 1);
        assert_eq!(c.setups(), 3);
    }

    #[test]
    fn starting_is_every_session_without_a_network_protocol_up_yet() {
        let t = SessionTally::count([
            (Phase::Establish, None, false),
            (Phase::Authenticate, None, false),
            (Phase::Network, Some(AuthMethod::Pap), true),
            // IPCP still negotiating, or its address queued for the kernel.
            (Phase::Network, None, false),
            (Phase::Terminate, None, false),
            // Up, then ending: its setup ended.
            (Phase::Terminate, Some(AuthMethod::Pap), true),
        ]);
        assert_eq!(t.starting(), 4);
        assert_eq!(t.up, 2);
        assert_eq!(SessionTally::default().starting(), 0);
    }

    #[test]
    fn a_tally_counts_each_session_once_each_way() {
        let t = SessionTally::count([
            (Phase::Network, Some(AuthMethod::ChapMd5), true),
            (Phase::Network, None, true),
            (Phase::Establish, None, false),
            (Phase::Terminate, Some(AuthMethod::Pap), false),
        ]);
        assert_eq!(t.sessions, 4);
        assert_eq!(t.by_phase, [0, 1, 0, 2, 1]);
        assert_eq!(t.by_auth, [1, 1, 0, 0]);
        assert_eq!(t.unauthenticated, 2);
        for (i, p) in PHASES.iter().enumerate() {
            assert_eq!(phase_index(*p), i, "{}", phase_label(*p));
        }
    }

    #[test]
    fn auth_failures_count_by_the_method_used() {
        let mut c = EngineCounters::default();
        let r = EndReason::Protocol {
            reason: TerminationReason::PeerAuthFailed {
                reason: "bad secret".into(),
            },
            exit_code: 11,
        };
        c.count_end(&r, Some(AuthMethod::MsChapV2));
        assert_eq!(c.auth_failures, [0, 0, 0, 1]);
        assert_eq!(c.ended(EndKind::AuthFailedByPeer), 1);
        assert_eq!(c.ended_total(), 1);
    }
}
