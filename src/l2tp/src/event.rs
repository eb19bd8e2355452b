//! What a tunnel reports, why things end, and its counters.

use core::fmt;

use crate::avp::{Bearer, CallErrors, Framing, Q931Cause, ResultCode};
use crate::message::AvpEntry;
use crate::reliable::{ReliableCounters, Unreachable};

/// The peer of an established control connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelInfo {
    /// Our Tunnel ID.
    pub tunnel_id: u16,
    /// The peer's Tunnel ID (its Assigned Tunnel ID).
    pub peer_tunnel_id: u16,
    /// The peer's Host Name.
    pub peer_host_name: Vec<u8>,
    /// The peer's Vendor Name, if sent.
    pub peer_vendor_name: Option<Vec<u8>>,
    /// The peer's Firmware Revision, if sent.
    pub peer_firmware_revision: Option<u16>,
    /// The peer's Framing Capabilities.
    pub peer_framing: Framing,
    /// The peer's Bearer Capabilities (0 when not sent).
    pub peer_bearer: Bearer,
    /// The peer's Receive Window Size (4 when not sent).
    pub peer_window: u16,
}

/// An established session: what the kernel's PPPoL2TP socket needs (both
/// ends' tunnel and session ids) and what the call carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Our Tunnel ID.
    pub tunnel_id: u16,
    /// The peer's Tunnel ID.
    pub peer_tunnel_id: u16,
    /// Our Session ID.
    pub session_id: u16,
    /// The peer's Session ID.
    pub peer_session_id: u16,
    /// The Call Serial Number of the ICRQ.
    pub call_serial_number: u32,
    /// The (Tx) Connect Speed of the ICCN.
    pub tx_connect_speed: u32,
    /// The Rx Connect Speed of the ICCN, if sent.
    pub rx_connect_speed: Option<u32>,
    /// The Framing Type of the ICCN.
    pub framing_type: Framing,
    /// The Bearer Type of the ICRQ, if sent.
    pub bearer_type: Option<Bearer>,
    /// The Calling Number of the ICRQ, if sent.
    pub calling_number: Option<Vec<u8>>,
    /// The Called Number of the ICRQ, if sent.
    pub called_number: Option<Vec<u8>>,
    /// The Physical Channel ID of the ICRQ, if sent.
    pub physical_channel_id: Option<u32>,
    /// Sequencing Required was in the ICCN: data messages carry Ns/Nr.
    pub sequencing_required: bool,
    /// The proxy LCP and authentication AVPs and Private Group ID of the
    /// ICCN (section 4.4.5), kept as data for the PPP side.
    pub proxy: Vec<AvpEntry>,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// We closed it, with this CDN result.
    Local(ResultCode),
    /// The peer sent a CDN.
    Peer {
        /// Its Result Code.
        result: ResultCode,
        /// Its Q.931 cause, if sent.
        cause: Option<Q931Cause>,
    },
    /// We refused a message of the peer's with a CDN carrying this result.
    Refused(ResultCode),
    /// The tunnel carrying it closed.
    TunnelClosed,
}

impl fmt::Display for SessionEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionEnd::Local(r) => write!(f, "closed locally ({r})"),
            SessionEnd::Peer { result, cause } => {
                write!(f, "peer sent CDN ({result})")?;
                if let Some(c) = cause {
                    write!(f, ", Q.931 cause {} message {}", c.cause, c.message)?;
                }
                Ok(())
            }
            SessionEnd::Refused(r) => write!(f, "refused the peer ({r})"),
            SessionEnd::TunnelClosed => write!(f, "the tunnel closed"),
        }
    }
}

/// Why a control connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelEnd {
    /// We closed it, with a StopCCN carrying this result.
    Local(ResultCode),
    /// The peer sent a StopCCN.
    Peer(ResultCode),
    /// We refused a message of the peer's with a StopCCN carrying this
    /// result (bad version, failed authentication, unknown mandatory AVP,
    /// a message out of state, ...).
    Refused(ResultCode),
    /// A message went unacknowledged through every retransmission (a lost
    /// HELLO included): the peer is unreachable.
    Unreachable(Unreachable),
    /// Both ends sent SCCRQ and the peer's Tie Breaker won (section
    /// 4.4.3): this tunnel is discarded silently.
    TieBreakerLost,
}

impl fmt::Display for TunnelEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TunnelEnd::Local(r) => write!(f, "closed locally ({r})"),
            TunnelEnd::Peer(r) => write!(f, "peer sent StopCCN ({r})"),
            TunnelEnd::Refused(r) => write!(f, "refused the peer ({r})"),
            TunnelEnd::Unreachable(u) => {
                write!(
                    f,
                    "peer unreachable (Ns {} sent {} times)",
                    u.ns, u.attempts
                )
            }
            TunnelEnd::TieBreakerLost => write!(f, "lost the tie breaker"),
        }
    }
}

/// What a tunnel reports, drained with `poll_event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The control connection is established.
    TunnelUp(TunnelInfo),
    /// A session is established.
    SessionUp(SessionInfo),
    /// A session ended (it is forgotten).
    SessionDown {
        /// Our Session ID.
        session_id: u16,
        /// The peer's Session ID (0 if it never told us).
        peer_session_id: u16,
        /// Why.
        reason: SessionEnd,
    },
    /// A Set-Link-Info arrived for a session (section 6.14): the ACCMs
    /// PPP negotiated, for the LAC's framing.
    LinkInfo {
        /// Our Session ID.
        session_id: u16,
        /// The Send ACCM.
        send_accm: u32,
        /// The Receive ACCM.
        recv_accm: u32,
    },
    /// A WAN-Error-Notify arrived for a session (section 6.13).
    WanError {
        /// Our Session ID.
        session_id: u16,
        /// The LAC's error counters.
        errors: CallErrors,
    },
    /// The control connection ended; every session went down before.
    TunnelDown(TunnelEnd),
}

/// Counters of one control connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TunnelCounters {
    /// Reliable delivery's counters.
    pub reliable: ReliableCounters,
    /// Datagrams that are not L2TPv2 control messages for this tunnel
    /// (bad header, data message, another Tunnel ID).
    pub bad_datagrams: u64,
    /// Control messages whose body does not parse.
    pub bad_messages: u64,
    /// Messages refused with a StopCCN or CDN.
    pub refused: u64,
    /// Messages ignored: an unknown type without the M bit, or for a
    /// session we no longer have, or after the tunnel closed.
    pub ignored: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avp::{CdnResult, ErrorCode};

    #[test]
    fn a_session_end_reads_as_text() {
        let r = ResultCode::cdn(CdnResult::GeneralError)
            .with_error(ErrorCode::NoResources, "too many open files");
        assert_eq!(
            SessionEnd::Local(r).to_string(),
            "closed locally (result 2 error 4 \"too many open files\")"
        );
        assert_eq!(SessionEnd::TunnelClosed.to_string(), "the tunnel closed");
    }
}
