//! The CHAP authenticator's outside verification: the credentials it hands
//! out, and the verdict that resumes it (see [`crate::verify`]).

use std::time::Instant;

use rppp_lcp::AuthMethod;

use super::{Awaiting, ChapAuthenticator, State, Stored, ACCESS_GRANTED, MAX_NAME_LEN};
use crate::chap::digest::{MD5_RESPONSE_LEN, MS_RESPONSE_LEN};
use crate::mschap::message;
use crate::outcome::{AuthEvent, FailureReason, PeerIdentity};
use crate::verify::{
    asks_outside, Credentials, StaleVerdict, Verdict, Verification, VerifyHandle, VerifyRequest,
};

impl ChapAuthenticator {
    /// Seeds the handles of this authenticator's requests from the
    /// caller's random source ([`crate::Auth`] does at start).
    pub fn seed_handles(&mut self, seed: u64) {
        self.handles.seed(seed);
    }

    /// The handle of the request waiting for a verdict, if any.
    pub fn pending_verification(&self) -> Option<VerifyHandle> {
        self.pending.as_ref().map(|p| p.handle)
    }

    /// What to hand the outside verifier for this Response: `None` when the
    /// mode has the secrets decide; the reason to refuse it at once when it
    /// is malformed.
    pub(super) fn outside_credentials(
        &self,
        identifier: u8,
        value: &[u8],
        name: &[u8],
    ) -> Result<Option<Credentials>, FailureReason> {
        if name.len() > MAX_NAME_LEN {
            return Err(FailureReason::MalformedResponse {
                what: "the name is longer than 255 octets",
            });
        }
        let known = || self.lookup(name).is_some();
        if !asks_outside(self.config.verification, known) {
            return Ok(None);
        }
        let malformed = |what| Err(FailureReason::MalformedResponse { what });
        let ms = matches!(self.method, AuthMethod::MsChap | AuthMethod::MsChapV2);
        if ms && value.len() != MS_RESPONSE_LEN {
            return malformed("an MS-CHAP Response value is 49 octets");
        }
        let octets = |range: std::ops::Range<usize>| -> [u8; 24] {
            let mut out = [0u8; 24];
            out[..range.len()].copy_from_slice(&value[range]);
            out
        };
        let credentials = match self.method {
            AuthMethod::MsChap => {
                if value[48] != 1 {
                    return malformed("LAN Manager responses are not accepted");
                }
                let Ok(challenge) = <[u8; 8]>::try_from(&self.challenge[..]) else {
                    return malformed("the challenge is not 8 octets");
                };
                Credentials::MsChap {
                    identifier,
                    challenge,
                    lm_response: octets(0..24),
                    nt_response: octets(24..48),
                    flags: value[48],
                }
            }
            AuthMethod::MsChapV2 => {
                if value[48] != 0 {
                    return malformed("the MS-CHAPv2 Flags octet must be zero");
                }
                let Ok(authenticator_challenge) = <[u8; 16]>::try_from(&self.challenge[..]) else {
                    return malformed("the challenge is not 16 octets");
                };
                let mut peer_challenge = [0u8; 16];
                peer_challenge.copy_from_slice(&value[..16]);
                Credentials::MsChapV2 {
                    identifier,
                    authenticator_challenge,
                    peer_challenge,
                    nt_response: octets(24..48),
                    flags: value[48],
                }
            }
            _ => {
                let Ok(response) = <[u8; MD5_RESPONSE_LEN]>::try_from(value) else {
                    return malformed("a CHAP-MD5 Response value is 16 octets");
                };
                Credentials::ChapMd5 {
                    identifier,
                    challenge: self.challenge.clone(),
                    response,
                }
            }
        };
        Ok(Some(credentials))
    }

    /// Hands the Response to the outside verifier and waits: the Challenge
    /// is no longer retransmitted.
    pub(super) fn ask(
        &mut self,
        identifier: u8,
        value: &[u8],
        name: &[u8],
        credentials: Credentials,
    ) {
        let handle = self.handles.next();
        self.state = State::Verifying;
        self.deadline = None;
        self.events.push(AuthEvent::VerifyRequest(VerifyRequest {
            handle,
            method: self.method,
            name: name.to_vec(),
            our_name: self.config.name.clone(),
            credentials,
        }));
        self.pending = Some(Box::new(Awaiting {
            handle,
            identifier,
            name: name.to_vec(),
            value: value.to_vec(),
        }));
    }

    /// The outside verdict on the request `handle`:
    /// - Accept: the Success (its text `message`, else "Access granted";
    ///   for MS-CHAPv2 `mschapv2_success`'s `S=` with ` M=` and that text
    ///   unless it has its own), the peer reported authenticated (the first
    ///   time) with the verdict's addresses, and the re-challenge scheduled.
    ///   An MS-CHAPv2 Accept without a well-formed `S=` sends a Failure and
    ///   fails with [`FailureReason::IncompleteVerdict`]: the peer would
    ///   refuse a Success it cannot check (RFC 2759 section 5).
    /// - Reject: the Failure (its text `message`, else pppd's), failing
    ///   with [`FailureReason::RejectedByVerifier`].
    /// - Unavailable: the chap-secrets decide under
    ///   [`Verification::ExternalThenLocal`]; otherwise the Failure, with
    ///   [`FailureReason::VerifierUnavailable`].
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
        if self.pending_verification() != Some(handle) || self.state != State::Verifying {
            return Err(StaleVerdict(handle));
        }
        let Some(pending) = self.pending.take() else {
            return Err(StaleVerdict(handle));
        };
        let Awaiting {
            identifier,
            name,
            value,
            ..
        } = *pending;
        let mut answer = Vec::new();
        match verdict {
            Verdict::Accept {
                message,
                mschapv2_success,
                addresses,
            } => match self.success_text(message, mschapv2_success) {
                Ok(text) => {
                    let identity = (!self.authenticated_once).then(|| PeerIdentity {
                        method: self.method,
                        name: name.clone(),
                        addresses,
                        options: Vec::new(),
                    });
                    self.succeed(now, identifier, &text, identity, &mut answer);
                }
                Err(what) => {
                    let reason = FailureReason::IncompleteVerdict { what };
                    self.refuse(identifier, reason, None, &mut answer);
                }
            },
            Verdict::Reject { message } => {
                let reason = FailureReason::RejectedByVerifier { name };
                self.refuse(identifier, reason, message, &mut answer);
            }
            Verdict::Unavailable if self.config.verification == Verification::ExternalThenLocal => {
                // The state the Response found, so the local check sees it
                // as it would have.
                self.state = State::Challenged;
                self.check_locally(now, identifier, &value, &name);
                return Ok(());
            }
            Verdict::Unavailable => {
                let reason = FailureReason::VerifierUnavailable { name };
                self.refuse(identifier, reason, None, &mut answer);
            }
        }
        self.answered = Some((identifier, answer));
        self.queue(Stored::Answer);
        Ok(())
    }

    /// The Success message of an Accept.
    fn success_text(
        &self,
        message: Option<Vec<u8>>,
        mschapv2_success: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, &'static str> {
        let text = message.unwrap_or_else(|| ACCESS_GRANTED.as_bytes().to_vec());
        if self.method != AuthMethod::MsChapV2 {
            return Ok(text);
        }
        let Some(mut success) = mschapv2_success else {
            return Err("the MS-CHAPv2 authenticator response (S=)");
        };
        if message::parse_success_v2(&success).is_none() {
            return Err("a well-formed MS-CHAPv2 authenticator response (S=)");
        }
        if !success.windows(3).any(|w| w == b" M=") {
            success.extend_from_slice(b" M=");
            success.extend_from_slice(&text);
        }
        Ok(success)
    }
}
