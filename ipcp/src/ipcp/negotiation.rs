//! IPCP's option negotiation: what we ask for, how we judge the peer's
//! request, how we take the peer's Nak and Reject (RFC 1332 section 3,
//! RFC 1877), and whether the result is usable, with pppd's policy from
//! `ipcp.c` (`ipcp_reqci`, `ipcp_nakci`, `ipcp_rejci`, `ipcp_up`).
//!
//! Departures from pppd, each so that the peer learns at once what it will
//! get instead of being closed on after the fact:
//! - a peer asking for an address the allowed-addresses restriction (or
//!   pppd's `bad_ip_adrs`) forbids is Nak'd with the address we have for it,
//!   where pppd Acks it and closes IPCP in `ipcp_up`;
//! - with no address allowed at all, IPCP does not start (see
//!   [`IpcpFailure::NoAllowedAddress`]);
//! - a peer that leaves IP-Address out is Nak'd with one only when we have
//!   an address for it, never with 0.0.0.0.

use std::net::Ipv4Addr;

use rand_core::Rng;
use rppp_lcp::fsm::{BadReply, ControlProtocol, Verdict};
use rppp_lcp::option::{OptionIter, RawOption};

use super::config::{AllowedAddresses, IpcpConfig};
use super::options::{IpcpOption, OptionType};
use super::{IpcpFailure, IpcpNegotiated};
use crate::ncp::NcpProtocol;

/// What we ask for in our Configure-Request now (pppd's `gotoptions`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Ours {
    /// The IP-Address we send, while we negotiate it.
    address: Option<Ipv4Addr>,
    /// Primary and secondary DNS, while we ask for them.
    dns: [Option<Ipv4Addr>; 2],
    /// Primary and secondary NBNS, while we ask for them.
    nbns: [Option<Ipv4Addr>; 2],
}

/// What the peer's last Configure-Request said (pppd's `hisoptions`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct His {
    /// It carried an IP-Address option.
    sent_address: bool,
    /// The address we acknowledged.
    address: Option<Ipv4Addr>,
}

/// IPCP as a [`ControlProtocol`].
#[derive(Debug)]
pub struct IpcpNegotiation {
    pub(super) config: IpcpConfig,
    ours: Ours,
    his: His,
    /// We may still Nak a request that leaves IP-Address out (pppd's
    /// `req_addr`): once per negotiation.
    nak_missing_address: bool,
    negotiated: Option<IpcpNegotiated>,
    failure: Option<IpcpFailure>,
}

/// Index of the primary (0) or secondary (1) server of an RFC 1877 option.
fn server_index(kind: OptionType) -> usize {
    usize::from(matches!(
        kind,
        OptionType::SecondaryDns | OptionType::SecondaryNbns
    ))
}

impl IpcpNegotiation {
    pub(super) fn new(config: IpcpConfig) -> IpcpNegotiation {
        IpcpNegotiation {
            config,
            ours: Ours::default(),
            his: His::default(),
            nak_missing_address: false,
            negotiated: None,
            failure: None,
        }
    }

    /// Our address before negotiation: configured, or our host name's.
    fn local_default(&self) -> Option<Ipv4Addr> {
        let config = &self.config;
        config
            .local
            .or(config.hostname_address.filter(|_| !config.noipdefault))
            .filter(|a| !a.is_unspecified())
    }

    /// Whether we take the peer's idea of our address. pppd: always when
    /// no local address is configured.
    fn accept_local(&self) -> bool {
        self.config.accept_local || self.config.local.is_none()
    }

    /// The address we have for the peer: the configured one when it is
    /// allowed, else the restriction's suggestion (pppd's
    /// `set_allowed_addrs`).
    fn remote(&self) -> Option<Ipv4Addr> {
        let allowed = &self.config.allowed;
        self.config
            .remote
            .filter(|a| allowed.allows(*a))
            .or_else(|| allowed.suggested())
    }

    /// Whether the peer may choose its own (allowed) address. pppd: always
    /// when we have none for it.
    fn accept_remote(&self) -> bool {
        self.config.accept_remote || self.remote().is_none()
    }

    /// RFC 1332 section 3.3 from the receiving side.
    fn judge_address(
        &mut self,
        address: Ipv4Addr,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
    ) -> Verdict {
        self.his.sent_address = true;
        let remote = self.remote();
        let allowed = self.config.allowed.allows(address);
        if allowed && (Some(address) == remote || self.accept_remote()) {
            self.his.address = Some(address);
            return Verdict::Ack;
        }
        match remote {
            Some(remote) if !reject_if_disagree => {
                IpcpOption::IpAddress(remote).append_to(nak);
                Verdict::Nak
            }
            // Neither side has a usable address for the peer (pppd rejects
            // 0.0.0.0 when it has none to give), or Max-Failure.
            _ => Verdict::Reject,
        }
    }

    /// RFC 1877: the peer asks for a name server of ours.
    fn judge_server(
        &self,
        option: IpcpOption<'_>,
        value: Ipv4Addr,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
    ) -> Verdict {
        let kind = OptionType::from(option.kind());
        let index = server_index(kind);
        let configured = match kind {
            OptionType::PrimaryDns | OptionType::SecondaryDns => self.config.ms_dns[index],
            _ => self.config.ms_wins[index],
        };
        match configured {
            None => Verdict::Reject,
            Some(server) if server == value => Verdict::Ack,
            Some(_) if reject_if_disagree => Verdict::Reject,
            Some(server) => {
                let mut raw = [0u8; 4];
                raw.copy_from_slice(&server.octets());
                RawOption {
                    kind: option.kind(),
                    data: &raw,
                }
                .append_to(nak);
                Verdict::Nak
            }
        }
    }

    /// pppd's `ipcp_up` checks, in its order.
    fn result(&self) -> Result<IpcpNegotiated, IpcpFailure> {
        let allowed = &self.config.allowed;
        if matches!(allowed, AllowedAddresses::None) {
            return Err(IpcpFailure::NoAllowedAddress);
        }
        let remote = self.remote();
        if let Some(remote) = remote {
            if !self.accept_remote() && self.his.address != Some(remote) {
                return Err(IpcpFailure::PeerRefusedItsAddress { ours: remote });
            }
        }
        let local = match self.ours.address {
            Some(address) if !address.is_unspecified() => address,
            None if self.local_default().is_some() => {
                return Err(IpcpFailure::PeerRefusedOurAddress)
            }
            _ => return Err(IpcpFailure::NoLocalAddress),
        };
        let peer = self.his.address.or(remote);
        match peer {
            Some(peer) if !allowed.allows(peer) => {
                return Err(IpcpFailure::UnauthorizedPeerAddress { peer: Some(peer) })
            }
            None if !matches!(allowed, AllowedAddresses::Any) => {
                return Err(IpcpFailure::UnauthorizedPeerAddress { peer: None })
            }
            _ => {}
        }
        let nonzero = |a: Option<Ipv4Addr>| a.filter(|a| !a.is_unspecified());
        Ok(IpcpNegotiated {
            local,
            peer,
            dns: self.ours.dns.map(nonzero),
            nbns: self.ours.nbns.map(nonzero),
        })
    }
}

impl ControlProtocol for IpcpNegotiation {
    const NAME: &'static str = "IPCP";

    fn reset(&mut self, _rng: &mut dyn Rng) {
        let ask = |yes: bool| [yes.then_some(Ipv4Addr::UNSPECIFIED); 2];
        self.ours = Ours {
            address: Some(self.local_default().unwrap_or(Ipv4Addr::UNSPECIFIED)),
            dns: ask(self.config.use_peer_dns),
            nbns: ask(self.config.use_peer_wins),
        };
        // Not `his`: the automaton may have just judged (and acked) the
        // peer's request that made it start over (RCR in Opened).
        self.nak_missing_address = true;
    }

    fn write_request(&mut self, out: &mut Vec<u8>) {
        // pppd's order (ipcp_addci): address, DNS, then NBNS.
        let ours = self.ours;
        if let Some(address) = ours.address {
            IpcpOption::IpAddress(address).append_to(out);
        }
        let options = [
            ours.dns[0].map(IpcpOption::PrimaryDns),
            ours.dns[1].map(IpcpOption::SecondaryDns),
            ours.nbns[0].map(IpcpOption::PrimaryNbns),
            ours.nbns[1].map(IpcpOption::SecondaryNbns),
        ];
        options.iter().flatten().for_each(|o| o.append_to(out));
    }

    fn begin_peer_request(&mut self) {
        self.his = His::default();
    }

    fn judge_option(
        &mut self,
        raw: RawOption<'_>,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
        _rng: &mut dyn Rng,
    ) -> Verdict {
        // A known option with a Length its type does not allow is
        // rejected, as pppd does.
        let Ok(option) = IpcpOption::parse(raw) else {
            return Verdict::Reject;
        };
        match option {
            IpcpOption::IpAddress(address) => self.judge_address(address, reject_if_disagree, nak),
            IpcpOption::PrimaryDns(value)
            | IpcpOption::SecondaryDns(value)
            | IpcpOption::PrimaryNbns(value)
            | IpcpOption::SecondaryNbns(value) => {
                self.judge_server(option, value, reject_if_disagree, nak)
            }
            // Van Jacobson compression is not offered (the kernel's
            // ppp_generic would need slhc state we do not set up), the
            // deprecated IP-Addresses is not accepted (RFC 1332 section
            // 3.1: use IP-Address), and nothing else is known.
            IpcpOption::IpCompressionProtocol { .. }
            | IpcpOption::IpAddresses { .. }
            | IpcpOption::Unknown(_) => Verdict::Reject,
        }
    }

    fn judge_missing(&mut self, reject_if_disagree: bool, nak: &mut Vec<u8>) {
        // RFC 1661 section 5.3 lets a Nak name options the peer left out;
        // pppd gives the peer its address this way, once.
        if self.his.sent_address || reject_if_disagree || !self.nak_missing_address {
            return;
        }
        if let Some(remote) = self.remote() {
            self.nak_missing_address = false;
            IpcpOption::IpAddress(remote).append_to(nak);
        }
    }

    fn apply_nak(
        &mut self,
        options: &[u8],
        treat_as_reject: bool,
        _rng: &mut dyn Rng,
    ) -> Result<(), BadReply> {
        let mut next = self.ours;
        let mut seen = [false; 256];
        for raw in OptionIter::new(options) {
            let raw = raw.map_err(|_| BadReply::Malformed)?;
            let option = IpcpOption::parse(raw)?;
            if std::mem::replace(&mut seen[usize::from(raw.kind)], true) {
                return Err(BadReply::Duplicate { kind: raw.kind });
            }
            let kind = OptionType::from(raw.kind);
            match option {
                IpcpOption::IpAddress(suggested) => {
                    if treat_as_reject {
                        next.address = None;
                    } else if self.accept_local() && !suggested.is_unspecified() {
                        // Take the peer's idea of our address. A hint for
                        // an option we stopped sending restarts it, as in
                        // pppd (RFC 1661 section 5.3 allows such hints).
                        next.address = Some(suggested);
                    }
                }
                IpcpOption::PrimaryDns(value)
                | IpcpOption::SecondaryDns(value)
                | IpcpOption::PrimaryNbns(value)
                | IpcpOption::SecondaryNbns(value) => {
                    let index = server_index(kind);
                    let slot = match kind {
                        OptionType::PrimaryDns | OptionType::SecondaryDns => &mut next.dns[index],
                        _ => &mut next.nbns[index],
                    };
                    // pppd takes the server, and starts asking for one the
                    // peer hints at ("some peers get huffy if we don't").
                    *slot = (!treat_as_reject).then_some(value);
                }
                // Hints for options we never ask for are ignored.
                _ => {}
            }
        }
        self.ours = next;
        Ok(())
    }

    fn apply_reject(&mut self, options: &[u8]) -> Result<(), BadReply> {
        let mut next = self.ours;
        for raw in OptionIter::new(options) {
            let raw = raw.map_err(|_| BadReply::Malformed)?;
            match IpcpOption::parse(raw)? {
                IpcpOption::IpAddress(_) => next.address = None,
                IpcpOption::PrimaryDns(_) => next.dns[0] = None,
                IpcpOption::SecondaryDns(_) => next.dns[1] = None,
                IpcpOption::PrimaryNbns(_) => next.nbns[0] = None,
                IpcpOption::SecondaryNbns(_) => next.nbns[1] = None,
                _ => {}
            }
        }
        self.ours = next;
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

impl NcpProtocol for IpcpNegotiation {
    type Negotiated = IpcpNegotiated;
    type Failure = IpcpFailure;

    fn negotiated(&self) -> Option<&IpcpNegotiated> {
        self.negotiated.as_ref()
    }

    fn take_failure(&mut self) -> Option<IpcpFailure> {
        self.failure.take()
    }

    fn refuse_open(&self) -> Option<IpcpFailure> {
        matches!(self.config.allowed, AllowedAddresses::None)
            .then_some(IpcpFailure::NoAllowedAddress)
    }
}
