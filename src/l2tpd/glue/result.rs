//! The CDN Result Code (RFC 2661 section 4.4.2) a PPP session's typed
//! [`EndReason`] becomes.

use rppp_l2tp::{CdnResult, ErrorCode, ResultCode};

use crate::driver::{CloseReason, EndReason};
use crate::session::TerminationReason;

/// The CDN Result Code for a PPP session's end:
///
/// - closed by the administrator, a signal, the daemon's shutdown, or
///   PPP's own policy (`idle`, `maxconnect`): 3, administrative;
/// - the PPP peer terminated the link: 1, the call is disconnected as on a
///   loss of carrier (the PPP peer hung up);
/// - the peer stopped answering echoes: 2, general error, with the
///   message "PPP peer not responding to echo requests";
/// - the lower layer went away under PPP: 2, general error;
/// - negotiation or authentication failed, no network protocol, a
///   looped-back link: 2, general error, vendor-specific error, with the
///   reason as the message;
/// - the kernel data path or the session's setup failed: 2, general
///   error, no resources, with the reason as the message.
pub fn result_code(reason: &EndReason) -> ResultCode {
    let general = ResultCode::cdn(CdnResult::GeneralError);
    match reason {
        EndReason::Closed(CloseReason::LowerLayerDown) | EndReason::LowerLayerGone => general
            .with_error(
                ErrorCode::NoError,
                "the PPP session's lower layer went down",
            ),
        EndReason::Closed(_) => ResultCode::cdn(CdnResult::Administrative),
        EndReason::Protocol { reason, .. } => match reason {
            TerminationReason::UserRequest
            | TerminationReason::Idle
            | TerminationReason::ConnectTime => ResultCode::cdn(CdnResult::Administrative),
            TerminationReason::PeerRequest { .. } => ResultCode::cdn(CdnResult::LostCarrier),
            TerminationReason::PeerDead => general.with_error(
                ErrorCode::NoError,
                "PPP peer not responding to echo requests",
            ),
            TerminationReason::Hangup => general.with_error(
                ErrorCode::NoError,
                "the PPP session's lower layer went down",
            ),
            other => general.with_error(ErrorCode::VendorError, &format!("PPP: {other}")),
        },
        EndReason::DataPath(e) => general.with_error(ErrorCode::NoResources, &e.to_string()),
        EndReason::Setup(e) => general.with_error(ErrorCode::NoResources, &e.to_string()),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{DataPathError, DataPathStep, SetupError};

    #[test]
    fn result_codes_follow_the_end() {
        let closed = |r| result_code(&EndReason::Closed(r));
        assert_eq!(closed(CloseReason::Admin).result, 3);
        assert_eq!(closed(CloseReason::UserRequest).result, 3);
        assert_eq!(closed(CloseReason::Shutdown).result, 3);
        let lower = closed(CloseReason::LowerLayerDown);
        assert_eq!((lower.result, lower.error), (2, Some(ErrorCode::NoError)));
        assert_eq!(result_code(&EndReason::LowerLayerGone).result, 2);
        let protocol = |reason| {
            result_code(&EndReason::Protocol {
                reason,
                exit_code: 0,
            })
        };
        let echo = protocol(TerminationReason::PeerDead);
        assert_eq!(echo.result, 2);
        assert_eq!(echo.message, b"PPP peer not responding to echo requests");
        let peer = protocol(TerminationReason::PeerRequest {
            reason: "bye".into(),
        });
        assert_eq!(peer.result, 1);
        assert_eq!(protocol(TerminationReason::Idle).result, 3);
        assert_eq!(protocol(TerminationReason::UserRequest).result, 3);
        let auth = protocol(TerminationReason::PeerAuthFailed {
            reason: "bad secret".into(),
        });
        assert_eq!((auth.result, auth.error), (2, Some(ErrorCode::VendorError)));
        assert!(String::from_utf8_lossy(&auth.message).contains("bad secret"));
        let dp = result_code(&EndReason::DataPath(DataPathError::new(
            DataPathStep::CreateUnit,
            "EPERM",
        )));
        assert_eq!((dp.result, dp.error), (2, Some(ErrorCode::NoResources)));
        let setup = result_code(&EndReason::Setup(SetupError::TaskFailed));
        assert_eq!(setup.result, 2);
    }
}
