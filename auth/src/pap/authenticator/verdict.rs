//! The PAP authenticator's outside verification: the request it hands out
//! and the verdict that resumes it (see [`crate::verify`]).

use std::time::Instant;

use rppp_lcp::AuthMethod;

use super::{PapAuthenticator, Pending, State};
use crate::outcome::{AuthEvent, FailureReason};
use crate::secret::Secret;
use crate::verify::{
    Credentials, StaleVerdict, Verdict, Verification, VerifyHandle, VerifyRequest,
};

impl PapAuthenticator {
    /// Seeds the handles of this authenticator's requests from the
    /// caller's random source ([`crate::Auth`] does at start).
    pub fn seed_handles(&mut self, seed: u64) {
        self.handles.seed(seed);
    }

    /// The handle of the request waiting for a verdict, if any.
    pub fn pending_verification(&self) -> Option<VerifyHandle> {
        self.pending.as_ref().map(|p| p.handle)
    }

    /// Hands the request to the outside verifier and waits: no timer runs.
    pub(super) fn ask(&mut self, identifier: u8, peer_id: &[u8], password: &[u8]) {
        let handle = self.handles.next();
        let password = Secret::new(password);
        self.state = State::Verifying;
        self.deadline = None;
        self.events.push(AuthEvent::VerifyRequest(VerifyRequest {
            handle,
            method: AuthMethod::Pap,
            name: peer_id.to_vec(),
            our_name: self.config.name.clone(),
            credentials: Credentials::Pap {
                password: password.clone(),
            },
        }));
        self.pending = Some(Box::new(Pending {
            handle,
            identifier,
            peer_id: peer_id.to_vec(),
            password,
        }));
    }

    /// The outside verdict on the request `handle`: an Accept sends the
    /// Authenticate-Ack (with `message`, else "Login ok") and reports the
    /// peer authenticated with the verdict's addresses; a Reject sends the
    /// Authenticate-Nak and fails with
    /// [`FailureReason::RejectedByVerifier`]; `Unavailable` checks the
    /// pap-secrets under [`Verification::ExternalThenLocal`] and otherwise
    /// fails with [`FailureReason::VerifierUnavailable`].
    ///
    /// # Errors
    /// [`StaleVerdict`] when `handle` is not the pending request's; nothing
    /// changes.
    pub fn verdict(
        &mut self,
        now: Instant,
        handle: VerifyHandle,
        verdict: Verdict,
    ) -> Result<(), StaleVerdict> {
        let _ = now;
        if self.pending_verification() != Some(handle) || self.state != State::Verifying {
            return Err(StaleVerdict(handle));
        }
        let Some(pending) = self.pending.take() else {
            return Err(StaleVerdict(handle));
        };
        let Pending {
            identifier,
            peer_id,
            password,
            ..
        } = *pending;
        let name = || peer_id.clone();
        match verdict {
            Verdict::Accept {
                message, addresses, ..
            } => self.conclude(identifier, &peer_id, Ok((addresses, Vec::new())), message),
            Verdict::Reject { message } => {
                let reason = FailureReason::RejectedByVerifier { name: name() };
                self.conclude(identifier, &peer_id, Err(reason), message);
            }
            Verdict::Unavailable if self.config.verification == Verification::ExternalThenLocal => {
                let local = self.check_locally(&peer_id, password.expose());
                self.conclude(identifier, &peer_id, local, None);
            }
            Verdict::Unavailable => {
                let reason = FailureReason::VerifierUnavailable { name: name() };
                self.conclude(identifier, &peer_id, Err(reason), None);
            }
        }
        Ok(())
    }
}
