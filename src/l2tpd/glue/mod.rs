//! The daemon's decisions, sans-IO: what the L2TP endpoint's events and
//! the PPP Engine's events mean for each other and for the kernel.
//!
//! [`Glue`] takes the endpoint's `(tunnel_id, Event)`s and the Engine's
//! `(SessionId, EngineEvent)`s and returns [`Command`]s, which the tokio
//! driver ([`super::daemon`]) carries out: kernel tunnels and sessions,
//! PPP sessions started and closed, Set-Link-Info and CDN sent. It holds
//! the one table that links an L2TP session (our tunnel and session ids)
//! to its PPP session ([`SessionId`]), so the rules are testable without a
//! kernel:
//!
//! - a tunnel up gets its kernel tunnel; a LAC's tunnel then places the
//!   calls it was dialled for;
//! - a session up gets a kernel session socket and a PPP session;
//! - the Engine's `SendAccm` on an LNS session becomes Set-Link-Info;
//! - a PPP session's end becomes a CDN with a result code from its typed
//!   [`EndReason`](crate::driver::EndReason) ([`result_code`]), unless
//!   the L2TP session is gone already;
//! - the peer's CDN (or the tunnel's end) closes the PPP session as its
//!   lower layer going down;
//! - a tunnel that ended has its kernel tunnel deleted once every PPP
//!   session on it has ended (the Engine's `Ended` says its socket is
//!   closed): sessions before tunnels, nothing left behind.
//!
//! By concern: `command` says what the driver is to do, `result` maps a
//! PPP session's end to a CDN Result Code, `l2tp_events` and
//! `engine_events` hold the rules for each side's events, and this file
//! holds the table; `tests` runs an LNS and a LAC against each other.

mod command;
mod engine_events;
mod l2tp_events;
mod result;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use rppp_l2tp::{CdnResult, ErrorCode, ResultCode, Role};

use crate::driver::SessionId;

pub use command::Command;
pub use result::result_code;

/// One control connection as the glue sees it.
#[derive(Debug)]
struct TunnelSlot {
    role: Role,
    /// Calls to place once the tunnel is up (a LAC's dial).
    calls: u32,
    /// TunnelDown was seen: the kernel tunnel goes once `sessions` is
    /// empty.
    down: bool,
    /// Our Session IDs that have a PPP session running.
    sessions: BTreeSet<u16>,
}

/// A running PPP session's L2TP side.
#[derive(Debug, Clone, Copy)]
struct Link {
    tunnel_id: u16,
    session_id: u16,
    /// The L2TP session still exists (no CDN either way yet).
    l2tp_up: bool,
}

/// The table and the rules; see the module's documentation.
#[derive(Debug, Default)]
pub struct Glue {
    tunnels: BTreeMap<u16, TunnelSlot>,
    ppp: BTreeMap<SessionId, Link>,
    by_l2tp: BTreeMap<(u16, u16), SessionId>,
}

impl Glue {
    /// Nothing yet.
    pub fn new() -> Glue {
        Glue::default()
    }

    /// A tunnel was accepted or dialled: its role, and for a LAC how many
    /// calls to place once it is up.
    pub fn tunnel_opened(&mut self, tunnel_id: u16, role: Role, calls: u32) {
        self.tunnels.insert(
            tunnel_id,
            TunnelSlot {
                role,
                calls,
                down: false,
                sessions: BTreeSet::new(),
            },
        );
    }

    /// How many PPP sessions run.
    pub fn ppp_sessions(&self) -> usize {
        self.ppp.len()
    }

    /// The PPP session of our L2TP session, if it runs.
    pub fn ppp_of(&self, tunnel_id: u16, session_id: u16) -> Option<SessionId> {
        self.by_l2tp.get(&(tunnel_id, session_id)).copied()
    }

    /// Tunnels the glue knows of (not yet ended and cleaned up).
    pub fn tunnels(&self) -> impl Iterator<Item = u16> + '_ {
        self.tunnels.keys().copied()
    }

    /// The driver started PPP on session `session_id` of tunnel
    /// `tunnel_id` as `id`.
    pub fn session_started(&mut self, tunnel_id: u16, session_id: u16, id: SessionId) {
        self.ppp.insert(
            id,
            Link {
                tunnel_id,
                session_id,
                l2tp_up: true,
            },
        );
        self.by_l2tp.insert((tunnel_id, session_id), id);
        if let Some(slot) = self.tunnels.get_mut(&tunnel_id) {
            slot.sessions.insert(session_id);
        }
    }

    /// The driver could not start the session (no kernel tunnel, the
    /// socket failed): the call is refused with a CDN.
    pub fn session_failed(&mut self, tunnel_id: u16, session_id: u16, why: &str) -> Vec<Command> {
        vec![Command::CloseL2tpSession {
            tunnel_id,
            session_id,
            result: ResultCode::cdn(CdnResult::GeneralError)
                .with_error(ErrorCode::NoResources, why),
        }]
    }

    /// A tunnel that is down and has no PPP session left: its kernel
    /// tunnel goes, and the glue forgets it.
    fn finish_tunnel(&mut self, tunnel_id: u16, out: &mut Vec<Command>) {
        let done = self
            .tunnels
            .get(&tunnel_id)
            .is_some_and(|t| t.down && t.sessions.is_empty());
        if done {
            self.tunnels.remove(&tunnel_id);
            out.push(Command::DeleteKernelTunnel { tunnel_id });
        }
    }
}
