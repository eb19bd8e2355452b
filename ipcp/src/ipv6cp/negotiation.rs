//! IPv6CP's option negotiation: Interface-Identifier (RFC 5072 section
//! 4.1), with pppd's policy from `ipv6cp.c` (`ipv6cp_reqci`,
//! `ipv6cp_nakci`, `ipv6cp_up`). IPv6-Compression-Protocol (section 4.2)
//! and unknown options are rejected.

use rand_core::Rng;
use rppp_lcp::fsm::{BadReply, ControlProtocol, Verdict};
use rppp_lcp::option::{OptionIter, RawOption};

use super::config::Ipv6cpConfig;
use super::options::{InterfaceId, Ipv6cpOption};
use super::{Ipv6cpFailure, Ipv6cpNegotiated};
use crate::ncp::NcpProtocol;

/// IPv6CP as a [`ControlProtocol`].
#[derive(Debug)]
pub struct Ipv6cpNegotiation {
    pub(super) config: Ipv6cpConfig,
    /// Our identifier (pppd's `gotoptions.ourid`); kept even when the
    /// peer rejects the option, since the link-local address needs one.
    ours: InterfaceId,
    /// The random identifier we start each negotiation with when none is
    /// configured. pppd draws a new one for every negotiation; we draw it
    /// once per instance, because RFC 1661's automaton cannot tell a late
    /// duplicate of an old Configure-Request from a new one: had the
    /// identifier changed, acking such a duplicate would leave the two
    /// sides Opened with different ideas of it.
    drawn: Option<InterfaceId>,
    /// Whether we send Interface-Identifier.
    negotiate: bool,
    /// The identifier we last suggested to the peer in a Nak (pppd's
    /// `gotoptions.hisid`).
    suggested: Option<InterfaceId>,
    /// The identifier of the peer we acknowledged.
    his: Option<InterfaceId>,
    negotiated: Option<Ipv6cpNegotiated>,
    failure: Option<Ipv6cpFailure>,
}

impl Ipv6cpNegotiation {
    pub(super) fn new(config: Ipv6cpConfig) -> Ipv6cpNegotiation {
        Ipv6cpNegotiation {
            config,
            ours: InterfaceId::ZERO,
            drawn: None,
            negotiate: false,
            suggested: None,
            his: None,
            negotiated: None,
            failure: None,
        }
    }

    fn configured_local(&self) -> Option<InterfaceId> {
        self.config.local.filter(|id| !id.is_zero())
    }

    /// The identifier we have for the peer, when it is usable with ours.
    fn remote(&self) -> Option<InterfaceId> {
        self.config
            .remote
            .filter(|id| !id.is_zero() && *id != self.ours)
    }

    fn accept_local(&self) -> bool {
        self.config.accept_local || self.configured_local().is_none()
    }

    /// RFC 5072 section 4.1 from the receiving side.
    fn judge_identifier(
        &mut self,
        id: InterfaceId,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
        rng: &mut dyn Rng,
    ) -> Verdict {
        let remote = self.remote();
        let insist = remote.filter(|r| !self.config.accept_remote && *r != id);
        // "If the two Interface-Identifiers are equal, ... a Configure-Nak
        // ... with a different value"; zero "MUST" be Nak'd too.
        let unusable = id.is_zero() || id == self.ours;
        if insist.is_none() && !unusable {
            self.his = Some(id);
            return Verdict::Ack;
        }
        if reject_if_disagree {
            return Verdict::Reject;
        }
        let suggestion = match insist {
            Some(remote) => remote,
            // The configured identifier first, then fresh random ones.
            None => match remote {
                Some(remote) if self.suggested.is_none() => remote,
                _ => InterfaceId::random(rng, &[self.ours, id]),
            },
        };
        self.suggested = Some(suggestion);
        Ipv6cpOption::InterfaceIdentifier(suggestion).append_to(nak);
        Verdict::Nak
    }

    /// pppd's `ipv6cp_up` checks.
    fn result(&self) -> Result<Ipv6cpNegotiated, Ipv6cpFailure> {
        let peer = self
            .his
            .or(self.config.remote)
            .filter(|id| !id.is_zero())
            .ok_or(Ipv6cpFailure::NoPeerIdentifier)?;
        if peer == self.ours {
            return Err(Ipv6cpFailure::SameIdentifiers);
        }
        Ok(Ipv6cpNegotiated {
            local: self.ours,
            peer,
        })
    }
}

impl ControlProtocol for Ipv6cpNegotiation {
    const NAME: &'static str = "IPV6CP";

    fn reset(&mut self, rng: &mut dyn Rng) {
        // Not `his`: the automaton may have just judged (and acked) the
        // peer's request that made it start over (RCR in Opened).
        let his: Vec<_> = self.his.into_iter().collect();
        self.ours = match self.configured_local() {
            Some(id) => id,
            None => *self
                .drawn
                .get_or_insert_with(|| InterfaceId::random(rng, &his)),
        };
        self.negotiate = true;
        self.suggested = None;
    }

    fn write_request(&mut self, out: &mut Vec<u8>) {
        if self.negotiate {
            Ipv6cpOption::InterfaceIdentifier(self.ours).append_to(out);
        }
    }

    fn begin_peer_request(&mut self) {
        self.his = None;
    }

    fn judge_option(
        &mut self,
        raw: RawOption<'_>,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
        rng: &mut dyn Rng,
    ) -> Verdict {
        match Ipv6cpOption::parse(raw) {
            Ok(Ipv6cpOption::InterfaceIdentifier(id)) => {
                self.judge_identifier(id, reject_if_disagree, nak, rng)
            }
            // Header compression is not offered; a known option with a bad
            // Length and anything unknown are rejected.
            _ => Verdict::Reject,
        }
    }

    fn apply_nak(
        &mut self,
        options: &[u8],
        treat_as_reject: bool,
        rng: &mut dyn Rng,
    ) -> Result<(), BadReply> {
        let mut next = None;
        for raw in OptionIter::new(options) {
            let raw = raw.map_err(|_| BadReply::Malformed)?;
            if let Ipv6cpOption::InterfaceIdentifier(id) = Ipv6cpOption::parse(raw)? {
                if next.is_some() {
                    return Err(BadReply::Duplicate { kind: raw.kind });
                }
                next = Some(id);
            }
        }
        let Some(suggested) = next else {
            // Hints for options we never send are ignored.
            return Ok(());
        };
        if treat_as_reject {
            self.negotiate = false;
        } else if self.accept_local() {
            // Take the peer's idea (also as a hint to start sending the
            // option again), unless it is zero or the peer's own.
            let avoid = [self.his, self.suggested];
            self.ours = if suggested.is_zero() || avoid.contains(&Some(suggested)) {
                let avoid: Vec<_> = avoid.into_iter().flatten().chain([suggested]).collect();
                InterfaceId::random(rng, &avoid)
            } else {
                suggested
            };
            self.negotiate = true;
        }
        Ok(())
    }

    fn apply_reject(&mut self, options: &[u8]) -> Result<(), BadReply> {
        for raw in OptionIter::new(options) {
            let raw = raw.map_err(|_| BadReply::Malformed)?;
            if let Ipv6cpOption::InterfaceIdentifier(_) = Ipv6cpOption::parse(raw)? {
                self.negotiate = false;
            }
        }
        Ok(())
    }

    fn this_layer_up(&mut self) {
        match self.result() {
            Ok(negotiated) => self.negotiated = Some(negotiated),
            Err(failure) => self.failure = Some(failure),
        }
    }

    fn this_layer_down(&mut self) {
        self.negotiated = None;
    }
}

impl NcpProtocol for Ipv6cpNegotiation {
    type Negotiated = Ipv6cpNegotiated;
    type Failure = Ipv6cpFailure;

    fn negotiated(&self) -> Option<&Ipv6cpNegotiated> {
        self.negotiated.as_ref()
    }

    fn take_failure(&mut self) -> Option<Ipv6cpFailure> {
        self.failure.take()
    }
}
