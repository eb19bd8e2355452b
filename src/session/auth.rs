//! The session's Authenticate phase: rppp-auth's [`Auth`] for the methods
//! LCP agreed on, restarted at every LCP opening, with its outcomes turned
//! into what the session acts on.

use std::time::Instant;

use rand_core::Rng;
use rppp_auth::{
    Auth, AuthConfig, AuthEvent, PeerIdentity, Role, StaleVerdict, Verdict, VerifyHandle,
    VerifyRequest,
};
use rppp_lcp::{AuthMethod, LcpNegotiated};

use super::protocol;

/// What one direction of authentication came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthOutcome {
    /// The peer authenticated itself to us.
    PeerAuthenticated { name: String },
    /// We authenticated ourselves to the peer.
    AuthenticatedToPeer,
    /// The peer failed our authentication (exit 11).
    PeerFailed { reason: String },
    /// We failed the peer's (exit 19).
    FailedToPeer { reason: String },
    /// The peer's credentials wait for an outside verdict.
    VerifyRequest(VerifyRequest),
}

/// The Authenticate phase of one LCP opening, if one is running.
#[derive(Debug, Default)]
pub(crate) struct AuthPhase {
    /// Boxed: it is only alive while authentication matters.
    auth: Option<Box<Auth>>,
    identity: Option<PeerIdentity>,
}

fn protocol_of(method: AuthMethod) -> u16 {
    match method {
        AuthMethod::Pap => protocol::PAP,
        AuthMethod::ChapMd5 | AuthMethod::MsChap | AuthMethod::MsChapV2 => protocol::CHAP,
    }
}

impl AuthPhase {
    /// Whether LCP agreed on `protocol` in either direction.
    pub(crate) fn runs(protocol: u16, negotiated: Option<&LcpNegotiated>) -> bool {
        negotiated.is_some_and(|n| {
            [n.peer_auth, n.our_auth]
                .into_iter()
                .flatten()
                .any(|m| protocol_of(m) == protocol)
        })
    }

    /// Which direction uses `protocol`: the peer's to us first.
    pub(crate) fn role_of(protocol: u16, negotiated: &LcpNegotiated) -> Option<Role> {
        if negotiated
            .peer_auth
            .is_some_and(|m| protocol_of(m) == protocol)
        {
            Some(Role::Authenticator)
        } else if negotiated
            .our_auth
            .is_some_and(|m| protocol_of(m) == protocol)
        {
            Some(Role::Peer)
        } else {
            None
        }
    }

    /// LCP is up: start each direction it agreed on.
    pub(crate) fn start(
        &mut self,
        now: Instant,
        lcp: &LcpNegotiated,
        config: &AuthConfig,
        rng: &mut dyn Rng,
    ) {
        let mut auth = Auth::new(config, lcp.peer_auth, lcp.our_auth);
        auth.start(now, rng);
        self.auth = Some(Box::new(auth));
        self.identity = None;
    }

    /// LCP went down: authentication ends, and must run again.
    pub(crate) fn stop(&mut self) {
        self.auth = None;
    }

    /// Whether every direction LCP agreed on has succeeded.
    pub(crate) fn is_done(&self) -> bool {
        self.auth.as_deref().is_none_or(Auth::is_done)
    }

    /// The peer's identity, once it authenticated.
    pub(crate) fn identity(&self) -> Option<&PeerIdentity> {
        self.identity.as_ref()
    }

    pub(crate) fn handle_packet(
        &mut self,
        now: Instant,
        protocol: u16,
        packet: &[u8],
        rng: &mut dyn Rng,
    ) {
        if let Some(auth) = &mut self.auth {
            auth.handle_frame(now, protocol, packet, rng);
        }
    }

    /// An outside verdict; stale when no authentication runs.
    pub(crate) fn verdict(
        &mut self,
        now: Instant,
        handle: VerifyHandle,
        verdict: Verdict,
    ) -> Result<(), StaleVerdict> {
        match &mut self.auth {
            Some(auth) => auth.verdict(now, handle, verdict),
            None => Err(StaleVerdict(handle)),
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        if let Some(auth) = &mut self.auth {
            auth.handle_timeout(now, rng);
        }
    }

    /// Whether a packet waits.
    pub(crate) fn has_transmit(&self) -> bool {
        self.auth.as_deref().is_some_and(Auth::has_transmit)
    }

    /// Appends the next packet to `out`; returns its protocol.
    pub(crate) fn poll_transmit(&mut self, out: &mut Vec<u8>) -> Option<u16> {
        self.auth.as_mut()?.poll_transmit(out)
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.auth.as_ref()?.poll_timeout()
    }

    pub(crate) fn poll_outcome(&mut self) -> Option<AuthOutcome> {
        Some(match self.auth.as_mut()?.poll_event()? {
            AuthEvent::PeerAuthenticated(identity) => {
                let name = identity.name_lossy();
                self.identity = Some(identity);
                AuthOutcome::PeerAuthenticated { name }
            }
            AuthEvent::Authenticated { .. } => AuthOutcome::AuthenticatedToPeer,
            AuthEvent::VerifyRequest(request) => AuthOutcome::VerifyRequest(request),
            AuthEvent::Failed(failure) => match failure.role {
                Role::Authenticator => AuthOutcome::PeerFailed {
                    reason: failure.to_string(),
                },
                Role::Peer => AuthOutcome::FailedToPeer {
                    reason: failure.to_string(),
                },
            },
        })
    }
}
