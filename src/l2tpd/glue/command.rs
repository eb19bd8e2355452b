//! The glue's output: what the driver is to do, one [`Command`] at a time.

use rppp_l2tp::{ResultCode, Role, SessionInfo};

use crate::driver::{CloseReason, SessionId};

/// What the driver is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Create the kernel's L2TP tunnel for an established control
    /// connection.
    CreateKernelTunnel {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// The peer's Tunnel ID.
        peer_tunnel_id: u16,
    },
    /// LAC: place `count` incoming calls on this tunnel (`open_session`
    /// each), at once or as the daemon's pacing allows.
    PlaceCalls {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// How many.
        count: u32,
    },
    /// Create the kernel session (a PPPoL2TP socket connected with both
    /// ends' ids) and start PPP on it; then report with
    /// [`Glue::session_started`](super::Glue::session_started) or
    /// [`Glue::session_failed`](super::Glue::session_failed).
    StartSession {
        /// Which end of the call we are.
        role: Role,
        /// Both ends' ids and what the call carried.
        info: SessionInfo,
    },
    /// LNS: send Set-Link-Info with the ACCMs PPP negotiated.
    SendLinkInfo {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// Our Session ID.
        session_id: u16,
        /// The Send ACCM.
        send_accm: u32,
        /// The Receive ACCM.
        recv_accm: u32,
    },
    /// End the L2TP session with a CDN.
    CloseL2tpSession {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// Our Session ID.
        session_id: u16,
        /// The CDN's Result Code.
        result: ResultCode,
    },
    /// Close the PPP session: its L2TP session is gone.
    ClosePpp {
        /// The PPP session.
        id: SessionId,
        /// Why (always [`CloseReason::LowerLayerDown`] here).
        reason: CloseReason,
    },
    /// Delete the kernel's tunnel (close its sockets); nothing if it has
    /// none.
    DeleteKernelTunnel {
        /// Our Tunnel ID.
        tunnel_id: u16,
    },
}
