//! LCP's option negotiation: what we ask for, how we judge the peer's
//! request, and how we take the peer's Nak and Reject (RFC 1661 section 6,
//! with pppd's policy from `lcp.c`).

use crate::queue::Queue;

use rand_core::Rng;

use super::config::{AuthMethod, AuthMethods, LcpConfig};
use super::keepalive::Keepalive;
use super::options::{protocol, LcpOption};
use super::{LcpEvent, LcpNegotiated};
use crate::fsm::{BadReply, ControlProtocol, Extension, State, Verdict};
use crate::option::{OptionIter, RawOption};
use crate::packet::Code;

/// The smallest MRU we accept from the peer (pppd's MINMRU).
pub const MIN_MRU: u16 = 128;
/// The MRU every PPP implementation must accept (RFC 1661 section 6.1).
pub const DEFAULT_MRU: u16 = 1500;
/// The longest Endpoint Discriminator address we keep (pppd's MAX_ENDP_LEN).
pub const MAX_ENDPOINT_LEN: usize = 20;

/// What we ask for in our Configure-Request now (pppd's `try`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Ours {
    mru: Option<u16>,
    accm: Option<u32>,
    auth: Option<AuthMethod>,
    /// The methods we have not given up on.
    auth_left: AuthMethods,
    magic: Option<u32>,
}

/// What the peer asked for in its last Configure-Request (pppd's `his`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct His {
    mru: Option<u16>,
    accm: Option<u32>,
    auth: Option<AuthMethod>,
    magic: Option<u32>,
    pfc: bool,
    acfc: bool,
    endpoint: Option<Endpoint>,
}

/// The peer's Multilink Endpoint Discriminator (RFC 1990 section 5.1.3),
/// kept inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The Class.
    pub class: u8,
    len: u8,
    address: [u8; MAX_ENDPOINT_LEN],
}

impl Endpoint {
    /// The Address.
    pub fn address(&self) -> &[u8] {
        &self.address[..usize::from(self.len)]
    }
}

/// LCP as a [`ControlProtocol`].
#[derive(Debug)]
pub struct LcpNegotiation {
    pub(super) config: LcpConfig,
    ours: Ours,
    his: His,
    /// Magic-Number collisions in a row.
    collisions: u32,
    pub(super) looped_back: bool,
    pub(super) negotiated: Option<LcpNegotiated>,
    pub(super) keepalive: Keepalive,
    pub(super) events: Queue<LcpEvent>,
    pub(super) counters: LcpCounters,
}

/// LCP's own counters, beside the automaton's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LcpCounters {
    /// Echo-Requests sent.
    pub tx_echo_requests: u32,
    /// Echo-Replies that reset the keepalive.
    pub rx_echo_replies: u32,
    /// Echo-Replies discarded: our own Magic-Number, or not the peer's.
    pub rx_bad_echo_replies: u32,
    /// Protocol-Rejects received.
    pub rx_protocol_rejects: u32,
    /// Magic-Number collisions seen.
    pub magic_collisions: u32,
}

/// A random non-zero Magic-Number other than those in `avoid`.
fn random_magic(rng: &mut dyn Rng, avoid: [u32; 2]) -> u32 {
    loop {
        let magic = rng.next_u32();
        if magic != 0 && !avoid.contains(&magic) {
            return magic;
        }
    }
}

impl LcpNegotiation {
    pub(super) fn new(config: LcpConfig) -> LcpNegotiation {
        let keepalive = Keepalive::new(config.echo_interval, config.echo_failure);
        LcpNegotiation {
            config,
            ours: Ours::default(),
            his: His::default(),
            collisions: 0,
            looped_back: false,
            negotiated: None,
            keepalive,
            events: Queue::new(),
            counters: LcpCounters::default(),
        }
    }

    /// Our current Magic-Number, or 0 when we do not negotiate one.
    pub(super) fn magic(&self) -> u32 {
        self.ours.magic.unwrap_or(0)
    }

    fn judge_auth(
        &mut self,
        option: LcpOption<'_>,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
    ) -> Verdict {
        let LcpOption::AuthProtocol(protocol) = option else {
            return Verdict::Reject;
        };
        let allow = self.config.allow;
        if let Some(method) = AuthMethod::from_protocol(&protocol) {
            if allow.contains(method) {
                self.his.auth = Some(method);
                return Verdict::Ack;
            }
        }
        match allow.preferred() {
            Some(method) if !reject_if_disagree => {
                LcpOption::AuthProtocol(method.protocol()).append_to(nak);
                Verdict::Nak
            }
            _ => Verdict::Reject,
        }
    }

    fn judge_magic(&mut self, magic: u32, nak: &mut Vec<u8>, rng: &mut dyn Rng) -> Verdict {
        // RFC 1661 section 6.4: zero MUST be Nak'd; our own number may mean
        // a looped-back link and is Nak'd with another. pppd never turns
        // these Naks into Rejects, so loop detection keeps working.
        let ours = self.magic();
        if magic == 0 || (ours != 0 && magic == ours) {
            if magic != 0 {
                self.counters.magic_collisions += 1;
            }
            LcpOption::MagicNumber(random_magic(rng, [ours, magic])).append_to(nak);
            return Verdict::Nak;
        }
        self.his.magic = Some(magic);
        Verdict::Ack
    }

    /// A Nak of the MRU, into `next`.
    fn nak_mru(&self, next: &mut Ours, mru: u16, treat_as_reject: bool) {
        match self.ours.mru {
            Some(_) if treat_as_reject => next.mru = None,
            // pppd takes a smaller MRU, or any up to 1500.
            Some(_) if (MIN_MRU..=self.config.mru.max(DEFAULT_MRU)).contains(&mru) => {
                next.mru = (mru != DEFAULT_MRU).then_some(mru);
            }
            Some(_) => {}
            // A hint for an option we did not send (RFC 1661
            // section 5.3): pppd asks for an MRU below 1500.
            None if !treat_as_reject && (MIN_MRU..DEFAULT_MRU).contains(&mru) => {
                next.mru = Some(mru)
            }
            None => {}
        }
    }

    /// A Nak of the Authentication-Protocol suggesting `suggested`, into
    /// `next`: the method we asked for is given up, and the next one is the
    /// suggestion if we still allow it, else our preference.
    fn nak_auth(
        &self,
        next: &mut Ours,
        suggested: Option<AuthMethod>,
        treat_as_reject: bool,
        kind: u8,
    ) -> Result<(), BadReply> {
        let Some(current) = self.ours.auth else {
            return Ok(());
        };
        if treat_as_reject {
            next.auth = None;
            next.auth_left = AuthMethods::NONE;
            return Ok(());
        }
        if suggested == Some(current) {
            return Err(BadReply::NakOfSameValue { kind });
        }
        next.auth_left = self.ours.auth_left.without(current);
        next.auth = match suggested {
            Some(method) if next.auth_left.contains(method) => Some(method),
            _ => next.auth_left.preferred(),
        };
        Ok(())
    }

    /// Counts a Nak of our Magic-Number as a collision, and too many in a
    /// row as a looped-back link; any other Nak ends the run.
    fn count_magic_nak(&mut self, magic_naked: bool) {
        if magic_naked {
            self.counters.magic_collisions += 1;
            self.collisions += 1;
            if self.collisions >= self.config.loopback_fail {
                self.looped_back = true;
            }
        } else {
            self.collisions = 0;
        }
    }
}

impl ControlProtocol for LcpNegotiation {
    const NAME: &'static str = "LCP";

    fn reset(&mut self, rng: &mut dyn Rng) {
        let config = &self.config;
        self.ours = Ours {
            mru: (config.mru != DEFAULT_MRU).then_some(config.mru),
            accm: config.asyncmap,
            auth: config.require.preferred(),
            auth_left: config.require,
            magic: config.magic_number.then(|| random_magic(rng, [0, 0])),
        };
        self.collisions = 0;
    }

    fn write_request(&mut self, out: &mut Vec<u8>) {
        // pppd's order (lcp_addci).
        let ours = self.ours;
        if let Some(mru) = ours.mru {
            LcpOption::Mru(mru).append_to(out);
        }
        if let Some(accm) = ours.accm {
            LcpOption::Accm(accm).append_to(out);
        }
        if let Some(auth) = ours.auth {
            LcpOption::AuthProtocol(auth.protocol()).append_to(out);
        }
        if let Some(magic) = ours.magic {
            LcpOption::MagicNumber(magic).append_to(out);
        }
    }

    fn begin_peer_request(&mut self) {
        self.his = His::default();
    }

    fn judge_option(
        &mut self,
        raw: RawOption<'_>,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
        rng: &mut dyn Rng,
    ) -> Verdict {
        // A known option with a Length its type does not allow is rejected,
        // as pppd does.
        let Ok(option) = LcpOption::parse(raw) else {
            return Verdict::Reject;
        };
        match option {
            LcpOption::Mru(mru) if mru < MIN_MRU => {
                if reject_if_disagree {
                    return Verdict::Reject;
                }
                LcpOption::Mru(MIN_MRU).append_to(nak);
                Verdict::Nak
            }
            LcpOption::Mru(mru) => {
                self.his.mru = Some(mru);
                Verdict::Ack
            }
            LcpOption::Accm(accm) => {
                self.his.accm = Some(accm);
                Verdict::Ack
            }
            LcpOption::AuthProtocol(_) => self.judge_auth(option, reject_if_disagree, nak),
            LcpOption::MagicNumber(magic) => self.judge_magic(magic, nak, rng),
            LcpOption::Pfc if self.config.accept_pfc => {
                self.his.pfc = true;
                Verdict::Ack
            }
            LcpOption::Acfc if self.config.accept_acfc => {
                self.his.acfc = true;
                Verdict::Ack
            }
            LcpOption::EndpointDiscriminator { class, address }
                if address.len() <= MAX_ENDPOINT_LEN =>
            {
                let mut endpoint = Endpoint {
                    class,
                    len: address.len() as u8,
                    address: [0; MAX_ENDPOINT_LEN],
                };
                endpoint.address[..address.len()].copy_from_slice(address);
                self.his.endpoint = Some(endpoint);
                Verdict::Ack
            }
            // Quality-Protocol, Callback, MRRU (no multilink), PFC or ACFC
            // when refused, an over-long Endpoint Discriminator, and
            // anything unknown.
            _ => Verdict::Reject,
        }
    }

    fn apply_nak(
        &mut self,
        options: &[u8],
        treat_as_reject: bool,
        rng: &mut dyn Rng,
    ) -> Result<(), BadReply> {
        let mut next = self.ours;
        let mut magic_naked = false;
        let mut seen = 0u32;
        for raw in OptionIter::new(options) {
            let raw = raw.map_err(|_| BadReply::Malformed)?;
            let option = LcpOption::parse(raw)?;
            if raw.kind < 32 {
                if seen & (1 << raw.kind) != 0 {
                    return Err(BadReply::Duplicate { kind: raw.kind });
                }
                seen |= 1 << raw.kind;
            }
            match option {
                LcpOption::Mru(mru) => self.nak_mru(&mut next, mru, treat_as_reject),
                LcpOption::Accm(accm) => {
                    if let Some(ours) = self.ours.accm {
                        next.accm = (!treat_as_reject).then_some(ours | accm);
                    }
                }
                LcpOption::AuthProtocol(suggested) => {
                    let suggested = AuthMethod::from_protocol(&suggested);
                    self.nak_auth(&mut next, suggested, treat_as_reject, raw.kind)?;
                }
                // Even after Max-Failure a Magic-Number Nak means "pick
                // another", never "drop it": it is how a looped-back link
                // shows itself (RFC 1661 section 6.4), and pppd does the same.
                LcpOption::MagicNumber(theirs) => {
                    let Some(ours) = self.ours.magic else {
                        continue;
                    };
                    magic_naked = true;
                    next.magic = Some(random_magic(rng, [ours, theirs]));
                }
                // Hints for options we never ask for are ignored.
                _ => {}
            }
        }
        self.ours = next;
        self.count_magic_nak(magic_naked);
        Ok(())
    }

    fn apply_reject(&mut self, options: &[u8]) -> Result<(), BadReply> {
        let mut next = self.ours;
        for raw in OptionIter::new(options) {
            let raw = raw.map_err(|_| BadReply::Malformed)?;
            match LcpOption::parse(raw)? {
                LcpOption::Mru(_) => next.mru = None,
                LcpOption::Accm(_) => next.accm = None,
                LcpOption::AuthProtocol(_) => {
                    next.auth = None;
                    next.auth_left = AuthMethods::NONE;
                }
                LcpOption::MagicNumber(_) => next.magic = None,
                _ => {}
            }
        }
        self.ours = next;
        Ok(())
    }

    fn code_rejected(&mut self, code: u8) -> bool {
        if Code::from(code) == Code::EchoRequest {
            // A peer without Echo cannot be watched: stop asking rather than
            // declare it dead.
            self.keepalive.disable();
        }
        !(1..=7).contains(&code)
    }

    fn receive_code(&mut self, code: u8, _identifier: u8, data: &[u8], state: State) -> Extension {
        let magic_of = |data: &[u8]| data.first_chunk::<4>().map(|m| u32::from_be_bytes(*m));
        match Code::from(code) {
            Code::ProtocolReject => {
                // RFC 1661 section 5.7: only valid in Opened.
                let Some(rejected) = data.first_chunk::<2>().map(|p| u16::from_be_bytes(*p)) else {
                    return Extension::Discard;
                };
                if state != State::Opened {
                    return Extension::Discard;
                }
                self.counters.rx_protocol_rejects += 1;
                if rejected == protocol::LCP {
                    return Extension::RxjBad;
                }
                self.events
                    .push(LcpEvent::ProtocolRejected { protocol: rejected });
                Extension::RxjGood
            }
            Code::EchoRequest | Code::DiscardRequest => match magic_of(data) {
                None => Extension::Discard,
                Some(_) if Code::from(code) == Code::EchoRequest => Extension::EchoRequest,
                Some(_) => Extension::Rxr,
            },
            Code::EchoReply => {
                let Some(magic) = magic_of(data) else {
                    return Extension::Discard;
                };
                let ours = self.magic();
                let theirs = self.his.magic.unwrap_or(0);
                if state != State::Opened || (ours != 0 && magic == ours) || magic != theirs {
                    self.counters.rx_bad_echo_replies += 1;
                    return Extension::Discard;
                }
                self.counters.rx_echo_replies += 1;
                self.keepalive.reply_received();
                Extension::Rxr
            }
            Code::Identification => {
                let Some(message) = data.get(4..) else {
                    return Extension::Discard;
                };
                self.events.push(LcpEvent::Identification {
                    message: bounded(message),
                });
                Extension::Consumed
            }
            Code::TimeRemaining => {
                let Some(seconds) = data.get(4..8) else {
                    return Extension::Discard;
                };
                let seconds = u32::from_be_bytes([seconds[0], seconds[1], seconds[2], seconds[3]]);
                let message = bounded(&data[8..]);
                self.events
                    .push(LcpEvent::TimeRemaining { seconds, message });
                Extension::Consumed
            }
            _ => Extension::Unknown,
        }
    }

    fn echo_reply(&mut self, request: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(&self.magic().to_be_bytes());
        out.extend_from_slice(request.get(4..).unwrap_or_default());
    }

    fn this_layer_up(&mut self) {
        let peer_mru = self.his.mru.unwrap_or(DEFAULT_MRU);
        self.negotiated = Some(LcpNegotiated {
            mru: self.ours.mru.unwrap_or(DEFAULT_MRU),
            peer_mru,
            mtu: peer_mru.min(self.config.mtu),
            send_accm: self.his.accm.unwrap_or(u32::MAX),
            recv_accm: self.ours.accm.unwrap_or(u32::MAX),
            peer_auth: self.ours.auth,
            our_auth: self.his.auth,
            auth_refused: !self.config.require.is_empty() && self.ours.auth.is_none(),
            magic: self.magic(),
            peer_magic: self.his.magic.unwrap_or(0),
            pfc: self.his.pfc,
            acfc: self.his.acfc,
            endpoint: self.his.endpoint,
        });
    }

    fn this_layer_down(&mut self) {
        self.negotiated = None;
        self.keepalive.stop();
    }
}

/// Text the peer sends us for logs, cut to 255 octets.
fn bounded(message: &[u8]) -> Vec<u8> {
    message[..message.len().min(255)].to_vec()
}
