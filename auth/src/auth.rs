//! [`Auth`]: a link's authentication phase, both directions at once, with
//! the methods LCP negotiated (`LcpNegotiated::peer_auth` and `our_auth`).
//!
//! Frames are sorted by protocol and code: PAP Authenticate-Requests and
//! CHAP Responses go to our authenticator; PAP Acks and Naks and CHAP
//! Challenges, Successes and Failures to our peer side.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_core::Rng;
use rppp_lcp::lcp::options::protocol::{CHAP, PAP};
use rppp_lcp::AuthMethod;

use crate::chap::{ChapAuthenticator, ChapAuthenticatorConfig, ChapPeer, PeerCredentials};
use crate::outcome::AuthEvent;
use crate::pap::{PapAuthenticator, PapAuthenticatorConfig, PapPeer, PapPeerConfig};
use crate::secret::Secret;
use crate::secrets::Secrets;
use crate::verify::{StaleVerdict, Verdict, Verification, VerifyHandle};

/// Everything pppd's options say about authentication, except which methods
/// (that is [`crate::AuthPolicy`], and LCP's outcome).
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Our name (pppd's `name`): sent in Challenges, and the server field
    /// when we check a peer.
    pub name: Vec<u8>,
    /// The name we authenticate ourselves with (pppd's `user`; pppd
    /// defaults it to `name`).
    pub user: Vec<u8>,
    /// Our password whatever the peer's name (pppd's `password`, or
    /// passwordfd); `None` looks it up in the secrets.
    pub password: Option<Secret>,
    /// The peer's name for secrets lookups (pppd's `remotename`).
    pub remote_name: Option<Vec<u8>>,
    /// `chap-secrets`, for CHAP, MS-CHAP and MS-CHAPv2.
    pub chap_secrets: Arc<Secrets>,
    /// `pap-secrets`, for PAP.
    pub pap_secrets: Arc<Secrets>,
    /// `chap-restart` (3 s).
    pub chap_restart: Duration,
    /// `chap-max-challenge` (10).
    pub chap_max_challenge: u32,
    /// `chap-interval` (off).
    pub chap_interval: Option<Duration>,
    /// `pap-restart` (3 s).
    pub pap_restart: Duration,
    /// `pap-max-authreq` (10).
    pub pap_max_authreq: u32,
    /// `pap-timeout` (30 s): the wait for a PAP peer's request.
    pub pap_timeout: Option<Duration>,
    /// The wait for an authenticator's first Challenge (pppd has none).
    pub chap_peer_wait: Option<Duration>,
    /// `ms-ignore-domain`.
    pub ms_ignore_domain: bool,
    /// Who verifies the peer's credentials: the secrets above (the
    /// default), an outside verifier (RADIUS), or both in a stated order.
    pub verification: Verification,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            name: Vec::new(),
            user: Vec::new(),
            password: None,
            remote_name: None,
            chap_secrets: Arc::default(),
            pap_secrets: Arc::default(),
            chap_restart: Duration::from_secs(3),
            chap_max_challenge: 10,
            chap_interval: None,
            pap_restart: Duration::from_secs(3),
            pap_max_authreq: 10,
            pap_timeout: Some(Duration::from_secs(30)),
            chap_peer_wait: None,
            ms_ignore_domain: false,
            verification: Verification::Local,
        }
    }
}

#[derive(Debug)]
enum Checker {
    Pap(PapAuthenticator),
    Chap(ChapAuthenticator),
}

#[derive(Debug)]
enum Prover {
    Pap(PapPeer),
    Chap(ChapPeer),
}

/// Both directions of a link's authentication.
#[derive(Debug)]
pub struct Auth {
    /// Each direction boxed: most links authenticate in one direction
    /// only, and an established session holds this for its lifetime.
    checker: Option<Box<Checker>>,
    prover: Option<Box<Prover>>,
    discarded: u64,
    verification: Verification,
}

impl Auth {
    /// The phase for the methods LCP agreed: `peer_auth` for the peer to
    /// prove itself to us, `our_auth` for us to the peer.
    pub fn new(
        config: &AuthConfig,
        peer_auth: Option<AuthMethod>,
        our_auth: Option<AuthMethod>,
    ) -> Auth {
        let checker = peer_auth.map(|method| match method {
            AuthMethod::Pap => Checker::Pap(PapAuthenticator::new(
                PapAuthenticatorConfig {
                    name: config.name.clone(),
                    timeout: config.pap_timeout,
                    verification: config.verification,
                },
                config.pap_secrets.clone(),
            )),
            chap => Checker::Chap(ChapAuthenticator::new(
                chap,
                ChapAuthenticatorConfig {
                    name: config.name.clone(),
                    restart: config.chap_restart,
                    max_challenge: config.chap_max_challenge,
                    interval: config.chap_interval,
                    ms_ignore_domain: config.ms_ignore_domain,
                    verification: config.verification,
                },
                config.chap_secrets.clone(),
            )),
        });
        let credentials = |secrets: &Arc<Secrets>| PeerCredentials {
            user: config.user.clone(),
            password: config.password.clone(),
            remote_name: config.remote_name.clone(),
            secrets: Some(secrets.clone()),
        };
        let prover = our_auth.map(|method| match method {
            AuthMethod::Pap => Prover::Pap(PapPeer::new(
                PapPeerConfig {
                    restart: config.pap_restart,
                    max_requests: config.pap_max_authreq,
                },
                &credentials(&config.pap_secrets),
            )),
            chap => Prover::Chap(
                ChapPeer::new(
                    chap,
                    credentials(&config.chap_secrets),
                    config.chap_peer_wait,
                )
                .with_retransmit(config.chap_restart, config.chap_max_challenge),
            ),
        });
        Auth {
            checker: checker.map(Box::new),
            prover: prover.map(Box::new),
            discarded: 0,
            verification: config.verification,
        }
    }

    /// Starts both directions (LCP is up: the authentication phase begins).
    pub fn start(&mut self, now: Instant, rng: &mut dyn Rng) {
        if self.verification != Verification::Local {
            // Drawn only when requests can happen: with local secrets the
            // random values (and so every packet) are what they always were.
            let seed = rng.next_u64();
            match self.checker.as_deref_mut() {
                Some(Checker::Pap(a)) => a.seed_handles(seed),
                Some(Checker::Chap(a)) => a.seed_handles(seed),
                None => {}
            }
        }
        match self.checker.as_deref_mut() {
            Some(Checker::Pap(a)) => a.start(now),
            Some(Checker::Chap(a)) => a.start(now, rng),
            None => {}
        }
        match self.prover.as_deref_mut() {
            Some(Prover::Pap(p)) => p.start(now, (rng.next_u32() & 0xff) as u8),
            Some(Prover::Chap(p)) => p.start(now),
            None => {}
        }
    }

    /// A frame of `protocol` (its Information field). Returns false for a
    /// protocol other than PAP and CHAP, which the caller handles.
    pub fn handle_frame(
        &mut self,
        now: Instant,
        protocol: u16,
        packet: &[u8],
        rng: &mut dyn Rng,
    ) -> bool {
        let code = packet.first().copied();
        match (
            protocol,
            self.checker.as_deref_mut(),
            self.prover.as_deref_mut(),
        ) {
            (PAP, Some(Checker::Pap(a)), _) if code == Some(1) => a.handle_packet(now, packet),
            (PAP, _, Some(Prover::Pap(p))) if matches!(code, Some(2 | 3)) => {
                p.handle_packet(now, packet)
            }
            (CHAP, Some(Checker::Chap(a)), _) if code == Some(2) => {
                a.handle_packet(now, packet, rng)
            }
            (CHAP, _, Some(Prover::Chap(p))) if matches!(code, Some(1 | 3 | 4)) => {
                p.handle_packet(now, packet, rng)
            }
            (PAP | CHAP, _, _) => self.discarded += 1,
            _ => return false,
        }
        true
    }

    /// The outside verdict on the request `handle` (an
    /// [`AuthEvent::VerifyRequest`]): see
    /// [`PapAuthenticator::verdict`] and [`ChapAuthenticator::verdict`].
    ///
    /// # Errors
    /// [`StaleVerdict`] when no request with that handle is pending;
    /// nothing changes.
    pub fn verdict(
        &mut self,
        now: Instant,
        handle: VerifyHandle,
        verdict: Verdict,
    ) -> Result<(), StaleVerdict> {
        match self.checker.as_deref_mut() {
            Some(Checker::Pap(a)) => a.verdict(now, handle, verdict),
            Some(Checker::Chap(a)) => a.verdict(now, handle, verdict),
            None => Err(StaleVerdict(handle)),
        }
    }

    /// Call when `now` reaches [`poll_timeout`](Self::poll_timeout); early
    /// calls do nothing.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        match self.checker.as_deref_mut() {
            Some(Checker::Pap(a)) => a.handle_timeout(now),
            Some(Checker::Chap(a)) => a.handle_timeout(now, rng),
            None => {}
        }
        match self.prover.as_deref_mut() {
            Some(Prover::Pap(p)) => p.handle_timeout(now),
            Some(Prover::Chap(p)) => p.handle_timeout(now),
            None => {}
        }
    }

    /// Whether a packet waits in [`poll_transmit`](Self::poll_transmit).
    pub fn has_transmit(&self) -> bool {
        let checker = match self.checker.as_deref() {
            Some(Checker::Pap(a)) => a.has_transmit(),
            Some(Checker::Chap(a)) => a.has_transmit(),
            None => false,
        };
        checker
            || match self.prover.as_deref() {
                Some(Prover::Pap(p)) => p.has_transmit(),
                Some(Prover::Chap(p)) => p.has_transmit(),
                None => false,
            }
    }

    /// Appends the next packet to send to `out` and returns its protocol
    /// (0xc023 or 0xc223); `None` when there is nothing to send.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> Option<u16> {
        let sent = match self.checker.as_deref_mut() {
            Some(Checker::Pap(a)) => a.poll_transmit(out).then_some(PAP),
            Some(Checker::Chap(a)) => a.poll_transmit(out).then_some(CHAP),
            None => None,
        };
        sent.or_else(|| match self.prover.as_deref_mut() {
            Some(Prover::Pap(p)) => p.poll_transmit(out).then_some(PAP),
            Some(Prover::Chap(p)) => p.poll_transmit(out).then_some(CHAP),
            None => None,
        })
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<AuthEvent> {
        let event = match self.checker.as_deref_mut() {
            Some(Checker::Pap(a)) => a.poll_event(),
            Some(Checker::Chap(a)) => a.poll_event(),
            None => None,
        };
        event.or_else(|| match self.prover.as_deref_mut() {
            Some(Prover::Pap(p)) => p.poll_event(),
            Some(Prover::Chap(p)) => p.poll_event(),
            None => None,
        })
    }

    /// The earliest deadline of either direction.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let a = match self.checker.as_deref() {
            Some(Checker::Pap(a)) => a.poll_timeout(),
            Some(Checker::Chap(a)) => a.poll_timeout(),
            None => None,
        };
        let b = match self.prover.as_deref() {
            Some(Prover::Pap(p)) => p.poll_timeout(),
            Some(Prover::Chap(p)) => p.poll_timeout(),
            None => None,
        };
        match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether every direction that was asked for has succeeded: the link
    /// may go on to the network phase.
    pub fn is_done(&self) -> bool {
        let checked = match self.checker.as_deref() {
            Some(Checker::Pap(a)) => a.is_authenticated(),
            Some(Checker::Chap(a)) => a.is_authenticated(),
            None => true,
        };
        let proven = match self.prover.as_deref() {
            Some(Prover::Pap(p)) => p.is_authenticated(),
            Some(Prover::Chap(p)) => p.is_authenticated(),
            None => true,
        };
        checked && proven
    }

    /// Whether either direction has failed.
    pub fn is_failed(&self) -> bool {
        let checker = match self.checker.as_deref() {
            Some(Checker::Pap(a)) => a.is_failed(),
            Some(Checker::Chap(a)) => a.is_failed(),
            None => false,
        };
        let prover = match self.prover.as_deref() {
            Some(Prover::Pap(p)) => p.is_failed(),
            Some(Prover::Chap(p)) => p.is_failed(),
            None => false,
        };
        checker || prover
    }

    /// PAP and CHAP frames no side took (a code for a role we do not play).
    pub fn discarded(&self) -> u64 {
        self.discarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::AuthEvent;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    /// `remotename` is needed for PAP: a PAP authenticator sends no name.
    fn config(name: &str, user: &str, remote: &str) -> AuthConfig {
        let text = b"lac lns lacpw *\nlns lac lnspw *\n";
        let secrets = Arc::new(Secrets::parse("secrets", text, &mut |_| Err("no".into())).unwrap());
        AuthConfig {
            name: name.into(),
            user: user.into(),
            remote_name: Some(remote.into()),
            chap_secrets: secrets.clone(),
            pap_secrets: secrets,
            ..Default::default()
        }
    }

    /// Two links' authentication phases, each authenticating the other with
    /// a different method, until both are done.
    #[test]
    fn both_directions_between_two_ends() {
        let mut rng = StdRng::seed_from_u64(1);
        let now = Instant::now();
        for (lns_checks, lac_checks) in [
            (AuthMethod::MsChapV2, AuthMethod::Pap),
            (AuthMethod::ChapMd5, AuthMethod::MsChap),
            (AuthMethod::Pap, AuthMethod::MsChapV2),
        ] {
            let mut lns = Auth::new(
                &config("lns", "lns", "lac"),
                Some(lns_checks),
                Some(lac_checks),
            );
            let mut lac = Auth::new(
                &config("lac", "lac", "lns"),
                Some(lac_checks),
                Some(lns_checks),
            );
            lns.start(now, &mut rng);
            lac.start(now, &mut rng);
            for _ in 0..10 {
                let mut out = Vec::new();
                while let Some(protocol) = lns.poll_transmit(&mut out) {
                    assert!(lac.handle_frame(now, protocol, &out, &mut rng));
                    out.clear();
                }
                while let Some(protocol) = lac.poll_transmit(&mut out) {
                    assert!(lns.handle_frame(now, protocol, &out, &mut rng));
                    out.clear();
                }
            }
            assert!(lns.is_done() && lac.is_done(), "{lns_checks} {lac_checks}");
            assert!(!lns.is_failed());
            let mut events = Vec::new();
            while let Some(e) = lns.poll_event() {
                events.push(e);
            }
            assert!(
                matches!(&events[..], [AuthEvent::PeerAuthenticated(who), AuthEvent::Authenticated { method }]
                if who.name == b"lac" && *method == lac_checks)
            );
            assert_eq!(lns.discarded(), 0);
        }
    }

    /// An external verdict through `Auth`: the request comes out of
    /// `poll_event`, the verdict goes in, and the link is done.
    #[test]
    fn an_external_verdict_through_auth() {
        let mut rng = StdRng::seed_from_u64(3);
        let now = Instant::now();
        let mut lns_config = config("lns", "lns", "lac");
        lns_config.verification = Verification::External;
        let mut lns = Auth::new(&lns_config, Some(AuthMethod::ChapMd5), None);
        let mut lac = Auth::new(
            &config("lac", "lac", "lns"),
            None,
            Some(AuthMethod::ChapMd5),
        );
        lns.start(now, &mut rng);
        lac.start(now, &mut rng);
        let mut out = Vec::new();
        let shuttle = |from: &mut Auth, to: &mut Auth, rng: &mut StdRng, out: &mut Vec<u8>| {
            while let Some(protocol) = from.poll_transmit(out) {
                to.handle_frame(now, protocol, out, rng);
                out.clear();
            }
        };
        shuttle(&mut lns, &mut lac, &mut rng, &mut out);
        shuttle(&mut lac, &mut lns, &mut rng, &mut out);
        let Some(AuthEvent::VerifyRequest(request)) = lns.poll_event() else {
            panic!("no request");
        };
        assert!(!lns.is_done());
        let stale = VerifyHandle::from_raw(request.handle.get().wrapping_add(1));
        assert_eq!(
            lns.verdict(now, stale, Verdict::accept()),
            Err(StaleVerdict(stale))
        );
        lns.verdict(now, request.handle, Verdict::accept()).unwrap();
        shuttle(&mut lns, &mut lac, &mut rng, &mut out);
        assert!(lns.is_done() && lac.is_done());
        assert!(
            matches!(lns.poll_event(), Some(AuthEvent::PeerAuthenticated(who)) if who.name == b"lac")
        );
        // Nobody to verify: any verdict is stale.
        assert_eq!(
            lac.verdict(now, request.handle, Verdict::accept()),
            Err(StaleVerdict(request.handle))
        );
    }

    #[test]
    fn other_protocols_are_not_taken_and_nothing_means_done() {
        let mut rng = StdRng::seed_from_u64(2);
        let mut auth = Auth::new(&AuthConfig::default(), None, None);
        assert!(!auth.handle_frame(Instant::now(), 0xc021, &[1, 1, 0, 4], &mut rng));
        assert!(auth.handle_frame(Instant::now(), PAP, &[1, 1, 0, 4], &mut rng));
        assert_eq!(auth.discarded(), 1);
        assert!(auth.is_done());
        assert_eq!(auth.poll_timeout(), None);
    }
}
