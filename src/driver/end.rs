//! How a session ends: a typed reason, with pppd's exit code derived from
//! it. The text of a reason is a rendering ([`fmt::Display`]), never the
//! value a program decides on.

use std::fmt;

use super::datapath::DataPathError;
use crate::session::{exit, TerminationReason};

/// Why an embedder closes a session ([`Engine::close`](super::Engine::close)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// A signal or the user (pppd's SIGTERM, SIGINT, SIGHUP): exit code 5.
    UserRequest,
    /// An operator ended this session (a control socket's `terminate`, a
    /// RADIUS Disconnect-Request): exit code 5.
    Admin,
    /// The engine is shutting down ([`Engine::shutdown`](super::Engine::shutdown)):
    /// exit code 5.
    Shutdown,
    /// The L2TP session under it is gone (the peer's CDN, the tunnel's
    /// StopCCN): no Terminate-Request can reach the peer, exit code 16
    /// as on a hangup.
    LowerLayerDown,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CloseReason::UserRequest => "closed on request",
            CloseReason::Admin => "closed by the administrator",
            CloseReason::Shutdown => "the engine is shutting down",
            CloseReason::LowerLayerDown => "the L2TP session went down",
        })
    }
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndReason {
    /// The session's protocols ended it (the peer terminated, echoes
    /// failed, authentication or negotiation failed, idle, connect time,
    /// no network protocols, ...), with the exit code pppd would give,
    /// which depends on how far the link got (pppd's `status`).
    Protocol {
        /// What the session reported.
        reason: TerminationReason,
        /// pppd's exit code for it.
        exit_code: u8,
    },
    /// The embedder closed it.
    Closed(CloseReason),
    /// The peer stopped answering echoes and the kernel no longer has
    /// the L2TP session: the lower layer went without a word (exit 16).
    LowerLayerGone,
    /// A data-path step failed (exit 1).
    DataPath(DataPathError),
    /// The session could not start: the engine has no kernel access, or
    /// its task failed (exit 1).
    Setup(SetupError),
}

/// Why a session could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupError {
    /// A kernel session was added to an engine made without netlink
    /// (`Engine::without_kernel`, feature `test-util`).
    NoNetlink,
    /// The session's task panicked or was cancelled.
    TaskFailed,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SetupError::NoNetlink => "this engine has no netlink socket",
            SetupError::TaskFailed => "the session's task failed",
        })
    }
}

impl EndReason {
    /// pppd's exit code for this end (see [`exit`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            EndReason::Protocol { exit_code, .. } => *exit_code,
            EndReason::Closed(CloseReason::LowerLayerDown) | EndReason::LowerLayerGone => {
                exit::HANGUP
            }
            EndReason::Closed(_) => exit::USER_REQUEST,
            EndReason::DataPath(_) | EndReason::Setup(_) => exit::FATAL_ERROR,
        }
    }
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndReason::Protocol { reason, .. } => reason.fmt(f),
            EndReason::Closed(why) => why.fmt(f),
            EndReason::LowerLayerGone => {
                f.write_str("peer not responding; the L2TP session was deleted")
            }
            EndReason::DataPath(e) => e.fmt(f),
            EndReason::Setup(e) => e.fmt(f),
        }
    }
}

/// How a session ended: the last thing the engine says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// Why.
    pub reason: EndReason,
    /// pppd's exit code, [`EndReason::exit_code`] of `reason`.
    pub exit_code: u8,
}

impl Ended {
    /// The end for `reason`.
    pub fn new(reason: EndReason) -> Ended {
        Ended {
            exit_code: reason.exit_code(),
            reason,
        }
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (exit code {})", self.reason, self.exit_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::DataPathStep;

    #[test]
    fn exit_codes_follow_pppd() {
        assert_eq!(
            Ended::new(EndReason::Closed(CloseReason::Admin)).exit_code,
            5
        );
        assert_eq!(
            Ended::new(EndReason::Closed(CloseReason::LowerLayerDown)).exit_code,
            16
        );
        assert_eq!(Ended::new(EndReason::LowerLayerGone).exit_code, 16);
        let e = DataPathError::new(DataPathStep::CreateUnit, "EPERM");
        assert_eq!(Ended::new(EndReason::DataPath(e)).exit_code, 1);
        let p = EndReason::Protocol {
            reason: TerminationReason::PeerDead,
            exit_code: 15,
        };
        assert_eq!(p.exit_code(), 15);
        assert_eq!(p.to_string(), "peer not responding");
    }
}
