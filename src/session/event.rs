//! What a session tells its driver: events for the L2TP daemon and the
//! scripts, data-path actions for the kernel, and how it ended.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use rppp_auth::VerifyRequest;
use rppp_lcp::LcpNegotiated;

/// pppd's exit codes (pppd(8), "EXIT STATUS"), which L2TP daemons and
/// scripts read.
pub mod exit {
    /// The link was up and went down normally.
    pub const OK: u8 = 0;
    /// A fatal error (setting up the data path failed).
    pub const FATAL_ERROR: u8 = 1;
    /// An error in the options.
    pub const OPTION_ERROR: u8 = 2;
    /// SIGINT, SIGTERM or SIGHUP (or an administrative close).
    pub const USER_REQUEST: u8 = 5;
    /// Negotiation failed: no network protocol came up.
    pub const NEGOTIATION_FAILED: u8 = 10;
    /// The peer failed to authenticate itself.
    pub const PEER_AUTH_FAILED: u8 = 11;
    /// The link was idle for `idle` seconds.
    pub const IDLE_TIMEOUT: u8 = 12;
    /// The link was up for `maxconnect` seconds.
    pub const CONNECT_TIME: u8 = 13;
    /// The peer stopped answering LCP Echo-Requests.
    pub const PEER_DEAD: u8 = 15;
    /// The lower layer went away (the L2TP session or tunnel was deleted).
    pub const HANGUP: u8 = 16;
    /// The link is looped back.
    pub const LOOPBACK: u8 = 17;
    /// We failed to authenticate ourselves to the peer.
    pub const AUTH_TO_PEER_FAILED: u8 = 19;
}

/// The phases of a link (RFC 1661 section 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// No link yet, or none any more.
    Dead,
    /// LCP is negotiating.
    Establish,
    /// Authentication runs in the directions LCP agreed on.
    Authenticate,
    /// The network control protocols run.
    Network,
    /// LCP is closing the link.
    Terminate,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TerminationReason {
    /// We were asked to close (a signal, or the embedding program).
    UserRequest,
    /// The peer sent a Terminate-Request.
    PeerRequest {
        /// The peer's reason, as text.
        reason: String,
    },
    /// LCP gave up.
    NegotiationFailed,
    /// Every network protocol finished (pppd's `np_finished`: failed,
    /// gave up after Max-Configure or Max-Failure, or was refused): we
    /// closed the link, "No network protocols running".
    NoNetworkProtocols,
    /// The negotiation did not reach the Network phase in time.
    NegotiationTimeout,
    /// We require authentication and the peer refused every method we
    /// accept.
    PeerRefusedAuth,
    /// The peer failed our authentication.
    PeerAuthFailed {
        /// What went wrong.
        reason: String,
    },
    /// We failed the peer's authentication.
    AuthToPeerFailed {
        /// What went wrong.
        reason: String,
    },
    /// The peer stopped answering Echo-Requests.
    PeerDead,
    /// The lower layer went down.
    Hangup,
    /// `maxconnect` ran out.
    ConnectTime,
    /// No data crossed the link for `idle` seconds (the driver watches
    /// the kernel's idle time and calls [`Session::close_idle`](super::Session::close_idle)).
    Idle,
    /// The link is looped back.
    Loopback,
}

impl fmt::Display for TerminationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TerminationReason::UserRequest => f.write_str("user request"),
            TerminationReason::PeerRequest { reason } => write!(f, "terminated by peer ({reason})"),
            TerminationReason::NegotiationFailed => f.write_str("negotiation failed"),
            TerminationReason::NoNetworkProtocols => f.write_str("no network protocols running"),
            TerminationReason::NegotiationTimeout => f.write_str("negotiation timed out"),
            TerminationReason::PeerRefusedAuth => f.write_str("peer refused to authenticate"),
            TerminationReason::PeerAuthFailed { reason } => {
                write!(f, "peer failed to authenticate: {reason}")
            }
            TerminationReason::AuthToPeerFailed { reason } => {
                write!(f, "failed to authenticate ourselves to peer: {reason}")
            }
            TerminationReason::PeerDead => f.write_str("peer not responding"),
            TerminationReason::Hangup => f.write_str("hangup"),
            TerminationReason::ConnectTime => f.write_str("connect time expired"),
            TerminationReason::Idle => f.write_str("idle timeout (link inactive)"),
            TerminationReason::Loopback => f.write_str("loopback detected"),
        }
    }
}

/// What the session tells its driver, in the order things happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEvent {
    /// The phase changed.
    Phase(Phase),
    /// LCP is up (again, after a renegotiation) with these values.
    LinkUp(LcpNegotiated),
    /// Both directions' ACCM are known: the L2TP daemon's `send_accm`
    /// (an LNS passes it to the LAC in a Set-Link-Info message).
    SendAccm {
        /// The ACCM we use when sending.
        send: u32,
        /// The ACCM the peer uses when sending to us.
        recv: u32,
    },
    /// The peer authenticated itself to us.
    Authenticated {
        /// The name it gave.
        peer_name: String,
    },
    /// We authenticated ourselves to the peer.
    AuthenticatedToPeer,
    /// The peer's credentials wait for an outside verdict (RADIUS): hand
    /// the request to the verifier and answer with
    /// [`Session::verdict`](super::Session::verdict). Only a session whose
    /// [`AuthConfig::verification`](rppp_auth::AuthConfig::verification) is
    /// not `Local` (the default) reports it. While it waits the session's
    /// negotiation timeout still runs (for a re-challenge, nothing but the
    /// link's own end bounds the wait): answer `Verdict::Unavailable` when
    /// no server answers. The tokio driver has no verdict input yet: it
    /// passes the event on (`EngineEvent::Session`) and nothing answers, so
    /// an Engine session in a mode other than `Local` fails closed at its
    /// negotiation timeout; pppd's options never select such a mode.
    VerifyRequest(VerifyRequest),
    /// IPCP is up: `ip_updown(up)`, the ip-up script.
    IpUp {
        /// Our address.
        local: Ipv4Addr,
        /// The peer's address.
        peer: Ipv4Addr,
        /// DNS servers (ours to give, or what the peer gave us).
        dns: [Option<Ipv4Addr>; 2],
        /// NBNS servers.
        nbns: [Option<Ipv4Addr>; 2],
    },
    /// IPCP went down: `ip_updown(down)`, the ip-down script.
    IpDown,
    /// IPv6CP is up, with the link-local addresses.
    Ipv6Up {
        /// Ours.
        local: Ipv6Addr,
        /// The peer's.
        peer: Ipv6Addr,
    },
    /// IPv6CP went down.
    Ipv6Down,
    /// The session is over. Nothing more comes out of it.
    Terminated {
        /// Why.
        reason: TerminationReason,
        /// pppd's exit code for it.
        exit_code: u8,
    },
}

/// How the kernel treats a network protocol's packets on the unit
/// (`PPPIOCSNPMODE`; `enum NPmode` of pppd's `ppp_defs.h`). The session
/// asks only for `Pass` and `Drop`; the others are what a unit may report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpMode {
    /// Deliver them (a new unit's mode for every protocol).
    Pass,
    /// Drop them silently.
    Drop,
    /// Return an error to the sender.
    Error,
    /// Queue them for later.
    Queue,
    /// A value this code does not know, kept as it came.
    Other(i32),
}

/// PPP protocol numbers of the network protocols the session carries.
pub mod network_protocol {
    /// IPv4.
    pub const IPV4: u16 = 0x0021;
    /// IPv6.
    pub const IPV6: u16 = 0x0057;
}

/// What the driver must do to the kernel's data path, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataPathAction {
    /// Create the ppp unit (the interface) before LCP starts, with every
    /// network protocol's NP mode set to DROP at once; connect the channel.
    CreateUnit,
    /// Set the interface MTU (min of the peer's MRU and our `mtu`).
    SetMtu(u16),
    /// Size the unit's receive buffers (`PPPIOCSMRU`); failure is harmless.
    SetMru(u16),
    /// Give the interface its IPv4 addresses: ours, and the peer's /32.
    SetIpv4Addresses {
        /// Ours.
        local: Ipv4Addr,
        /// The peer's.
        peer: Ipv4Addr,
    },
    /// Remove the IPv4 addresses.
    RemoveIpv4Addresses,
    /// Add the IPv6 link-local address (fe80::/64 plus our identifier), with
    /// the peer's as the other end.
    SetIpv6LinkLocal {
        /// Ours.
        local: Ipv6Addr,
        /// The peer's.
        peer: Ipv6Addr,
    },
    /// Remove the IPv6 link-local address.
    RemoveIpv6LinkLocal,
    /// Set IFF_UP.
    InterfaceUp,
    /// Clear IFF_UP.
    InterfaceDown,
    /// Set a network protocol's NP mode.
    SetNpMode {
        /// The network protocol (0x0021, 0x0057).
        protocol: u16,
        /// The mode.
        mode: NpMode,
    },
}
