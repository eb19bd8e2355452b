//! Acct-Terminate-Cause (RFC 2866 section 5.10) from how a session
//! ended, the typed reason rather than pppd's exit code alone (pppd's
//! radius plugin maps the exit code; rppp can tell an administrator's
//! reset from a user's request, and a session timeout from a peer that
//! went away).

use rppp_radius::AcctTerminateCause;

use crate::driver::{CloseReason, EndReason};
use crate::session::TerminationReason;

/// The cause for a session that ended for `reason`.
pub fn terminate_cause(reason: &EndReason) -> AcctTerminateCause {
    match reason {
        EndReason::Protocol { reason, .. } => match reason {
            // The peer asked (LCP Terminate-Request): the user.
            TerminationReason::PeerRequest { .. } => AcctTerminateCause::UserRequest,
            TerminationReason::UserRequest => AcctTerminateCause::NasRequest,
            TerminationReason::Idle => AcctTerminateCause::IdleTimeout,
            TerminationReason::ConnectTime => AcctTerminateCause::SessionTimeout,
            TerminationReason::PeerDead | TerminationReason::Hangup => {
                AcctTerminateCause::LostCarrier
            }
            TerminationReason::PeerAuthFailed { .. }
            | TerminationReason::AuthToPeerFailed { .. }
            | TerminationReason::PeerRefusedAuth => AcctTerminateCause::UserError,
            TerminationReason::NegotiationFailed
            | TerminationReason::NoNetworkProtocols
            | TerminationReason::NegotiationTimeout
            | TerminationReason::Loopback => AcctTerminateCause::ServiceUnavailable,
        },
        EndReason::Closed(why) => match why {
            // pppd on SIGTERM/SIGHUP reports User-Request, as here.
            CloseReason::UserRequest => AcctTerminateCause::UserRequest,
            // A control socket's terminate or a Disconnect-Request.
            CloseReason::Admin => AcctTerminateCause::AdminReset,
            CloseReason::Shutdown => AcctTerminateCause::NasReboot,
            CloseReason::LowerLayerDown => AcctTerminateCause::LostCarrier,
        },
        EndReason::LowerLayerGone => AcctTerminateCause::LostCarrier,
        EndReason::DataPath(_) => AcctTerminateCause::PortError,
        EndReason::Setup(_) => AcctTerminateCause::NasError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_way_a_session_ends_has_its_cause() {
        let protocol = |reason| EndReason::Protocol {
            reason,
            exit_code: 0,
        };
        let cases = [
            (
                protocol(TerminationReason::PeerRequest {
                    reason: "bye".into(),
                }),
                AcctTerminateCause::UserRequest,
            ),
            (
                protocol(TerminationReason::Idle),
                AcctTerminateCause::IdleTimeout,
            ),
            (
                protocol(TerminationReason::ConnectTime),
                AcctTerminateCause::SessionTimeout,
            ),
            (
                protocol(TerminationReason::PeerDead),
                AcctTerminateCause::LostCarrier,
            ),
            (
                EndReason::Closed(CloseReason::Admin),
                AcctTerminateCause::AdminReset,
            ),
            (
                EndReason::Closed(CloseReason::Shutdown),
                AcctTerminateCause::NasReboot,
            ),
            (EndReason::LowerLayerGone, AcctTerminateCause::LostCarrier),
        ];
        for (reason, cause) in cases {
            assert_eq!(terminate_cause(&reason), cause, "{reason:?}");
        }
    }
}
