//! The automaton's timers, counters and options, and what it counts.

use std::time::Duration;

/// Timers, counters and options of the automaton (RFC 1661 section 4.6),
/// with pppd's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsmConfig {
    /// The restart timer (pppd `lcp-restart`, `ipcp-restart`): 3 s.
    pub restart_interval: Duration,
    /// Terminate-Requests sent without a Terminate-Ack before giving up
    /// (pppd `lcp-max-terminate`): 2.
    pub max_terminate: u32,
    /// Configure-Requests sent without a valid reply before giving up
    /// (pppd `lcp-max-configure`): 10.
    pub max_configure: u32,
    /// Configure-Naks in a row before Naks become Rejects
    /// (pppd `lcp-max-failure`): 5.
    pub max_failure: u32,
    /// pppd's `passive`: a TO- while negotiating goes to Stopped without
    /// tlf, to wait for the peer.
    pub passive: bool,
    /// pppd's `silent`: send nothing until the peer's first
    /// Configure-Request.
    pub silent: bool,
}

impl Default for FsmConfig {
    fn default() -> Self {
        FsmConfig {
            restart_interval: Duration::from_secs(3),
            max_terminate: 2,
            max_configure: 10,
            max_failure: 5,
            passive: false,
            silent: false,
        }
    }
}

/// Counts of what the automaton received and did, for diagnostics. Every
/// packet it discards is counted under the reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FsmCounters {
    /// Packets handed to `handle_packet`.
    pub rx_packets: u32,
    /// Packets discarded for a short header or a bad Length field.
    pub rx_malformed: u32,
    /// Configure-Requests discarded for an option list that does not parse.
    pub rx_bad_options: u32,
    /// Configure-Ack, -Nak or -Reject with an Identifier that is not our
    /// outstanding request's, or a second reply to it.
    pub rx_stale_replies: u32,
    /// Configure-Acks that do not echo our request.
    pub rx_bad_acks: u32,
    /// Configure-Naks that do not parse or do not fit our request.
    pub rx_bad_naks: u32,
    /// Configure-Rejects that are not a subset of our request in its order.
    pub rx_bad_rejects: u32,
    /// Naks discarded after Max-Failure because they change nothing.
    pub rx_nonconverging_naks: u32,
    /// Options rejected because their Type appeared earlier in the request.
    pub rx_duplicate_options: u32,
    /// Packets with a Code the protocol does not know (answered with
    /// Code-Reject).
    pub rx_unknown_codes: u32,
    /// Code-Rejects received.
    pub rx_code_rejects: u32,
    /// Packets of a known Code that were malformed or not valid now.
    pub rx_discarded: u32,
    /// Events the RFC's table marks as impossible in the current state.
    pub illegal_events: u32,
    /// Packets queued for sending.
    pub tx_packets: u32,
}
