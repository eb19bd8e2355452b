//! Control connection establishment and teardown (RFC 2661 sections 5.1,
//! 5.7 and 7.2.1): SCCRQ, SCCRP, SCCCN, StopCCN, HELLO.

use std::time::Instant;

use rand_core::Rng;

use super::auth::{challenge_response, ct_eq};
use super::{fsm_error, Tunnel, TunnelState};
use crate::avp::{Avp, Bearer, ErrorCode, ProtocolVersion, ResultCode, StopCcnResult};
use crate::event::{Event, TunnelEnd, TunnelInfo};
use crate::message::{AvpEntry, Message, MessageType};

/// The Receive Window Size a peer that sends none has (section 4.4.3).
const DEFAULT_WINDOW: u16 = 4;

impl Tunnel {
    /// A tunnel-scope message, checked for its required AVPs.
    pub(super) fn handle_control(&mut self, now: Instant, message: Message, rng: &mut dyn Rng) {
        use MessageType as M;
        use TunnelState as S;
        match (self.state, message.message_type) {
            (S::Idle, M::Sccrq) => self.on_sccrq(now, &message, rng),
            (S::WaitCtlReply, M::Sccrp) => self.on_sccrp(now, &message),
            (S::WaitCtlConn, M::Scccn) => self.on_scccn(now, &message),
            (_, M::StopCcn) => self.on_stopccn(now, &message),
            // Its acknowledgement is all a HELLO asks for (section 6.5).
            (_, M::Hello) => {}
            (_, t) => self.refuse(now, fsm_error(t)),
        }
    }

    /// The AVPs of our SCCRQ (section 6.1).
    pub(super) fn sccrq_avps(&mut self, message: &mut Message, rng: &mut dyn Rng) {
        self.common_avps(message, rng);
        if self.config.tie_breaker {
            let mut tie = [0; 8];
            rng.fill_bytes(&mut tie);
            self.tie_breaker = Some(tie);
            message.avps.push(AvpEntry::new(Avp::TieBreaker(tie)));
        }
    }

    /// The AVPs of our SCCRP (section 6.2), before the Challenge Response.
    pub(super) fn sccrp_avps(&mut self, message: &mut Message, rng: &mut dyn Rng) {
        self.common_avps(message, rng);
    }

    /// What SCCRQ and SCCRP share, and our challenge when a secret is set.
    fn common_avps(&mut self, message: &mut Message, rng: &mut dyn Rng) {
        let c = &self.config;
        let mut avps = vec![
            Avp::ProtocolVersion(ProtocolVersion::RFC2661),
            Avp::FramingCapabilities(c.framing),
            Avp::BearerCapabilities(c.bearer),
            Avp::FirmwareRevision(c.firmware_revision),
            Avp::HostName(c.host_name.clone()),
        ];
        if !c.vendor_name.is_empty() {
            avps.push(Avp::VendorName(c.vendor_name.clone()));
        }
        avps.push(Avp::AssignedTunnelId(self.local_id));
        avps.push(Avp::ReceiveWindowSize(c.reliable.receive_window.max(1)));
        if c.secret.is_some() {
            let mut challenge = vec![0; 16];
            rng.fill_bytes(&mut challenge);
            avps.push(Avp::Challenge(challenge.clone()));
            self.our_challenge = Some(challenge);
        }
        message.avps.extend(avps.into_iter().map(AvpEntry::new));
    }

    /// Takes the peer's identity and window from its SCCRQ or SCCRP, and
    /// checks what every such message must satisfy. `Err` is the StopCCN
    /// result refusing it.
    fn take_peer(&mut self, message: &Message) -> Result<(), ResultCode> {
        let peer_id = message.assigned_tunnel_id().unwrap_or(0);
        if peer_id != 0 {
            self.peer_id = peer_id;
            self.reliable.set_peer_tunnel_id(peer_id);
        }
        let window = message.receive_window().unwrap_or(DEFAULT_WINDOW);
        self.reliable.set_peer_window(window);
        if message.protocol_version() != Some(ProtocolVersion::RFC2661) {
            return Err(ResultCode::stop(StopCcnResult::UnsupportedVersion));
        }
        if peer_id == 0 {
            return Err(ResultCode::stop(StopCcnResult::GeneralError)
                .with_error(ErrorCode::BadValue, "Assigned Tunnel ID 0"));
        }
        self.peer = Some(TunnelInfo {
            tunnel_id: self.local_id,
            peer_tunnel_id: peer_id,
            peer_host_name: message.host_name().unwrap_or_default(),
            peer_vendor_name: message.vendor_name(),
            peer_firmware_revision: message.avps.iter().find_map(|e| match e.avp {
                Avp::FirmwareRevision(n) => Some(n),
                _ => None,
            }),
            peer_framing: message.framing_capabilities().unwrap_or_default(),
            peer_bearer: message.bearer_capabilities().unwrap_or(Bearer(0)),
            peer_window: window,
        });
        Ok(())
    }

    /// The Challenge Response to the peer's challenge, carried in
    /// `carrier`; `Err` when it challenges and we have no secret.
    fn answer(&self, message: &Message, carrier: MessageType) -> Result<Option<Avp>, ResultCode> {
        let Some(challenge) = message.challenge() else {
            return Ok(None);
        };
        let Some(secret) = self.config.secret.as_deref() else {
            return Err(not_authorized("challenged, and no secret is configured"));
        };
        let response = challenge_response(carrier, secret, &challenge);
        Ok(Some(Avp::ChallengeResponse(response)))
    }

    /// Checks the peer's response to our challenge, carried in `carrier`.
    fn verify(&self, message: &Message, carrier: MessageType) -> Result<(), ResultCode> {
        let (Some(challenge), Some(secret)) = (&self.our_challenge, self.config.secret.as_deref())
        else {
            return Ok(());
        };
        let expected = challenge_response(carrier, secret, challenge);
        match message.challenge_response() {
            Some(got) if ct_eq(&got, &expected) => Ok(()),
            Some(_) => Err(not_authorized("wrong Challenge Response")),
            None => Err(not_authorized("no Challenge Response")),
        }
    }

    /// Idle, SCCRQ received: SCCRP, or StopCCN (section 7.2.1).
    fn on_sccrq(&mut self, now: Instant, message: &Message, rng: &mut dyn Rng) {
        let answer = self
            .take_peer(message)
            .and_then(|()| self.answer(message, MessageType::Sccrp));
        match answer {
            Ok(response) => {
                let mut sccrp = self.start_message(MessageType::Sccrp, rng);
                sccrp.avps.extend(response.map(AvpEntry::new));
                self.state = TunnelState::WaitCtlConn;
                self.send(now, 0, sccrp);
            }
            Err(result) => self.refuse(now, result),
        }
    }

    /// Wait-ctl-reply, SCCRP received: SCCCN, or StopCCN.
    fn on_sccrp(&mut self, now: Instant, message: &Message) {
        let answer = self
            .take_peer(message)
            .and_then(|()| self.verify(message, MessageType::Sccrp))
            .and_then(|()| self.answer(message, MessageType::Scccn));
        match answer {
            Ok(response) => {
                let scccn = Message::new(MessageType::Scccn, response);
                self.send(now, 0, scccn);
                self.established(now);
            }
            Err(result) => self.refuse(now, result),
        }
    }

    /// Wait-ctl-conn, SCCCN received: established, or StopCCN.
    fn on_scccn(&mut self, now: Instant, message: &Message) {
        match self.verify(message, MessageType::Scccn) {
            Ok(()) => self.established(now),
            Err(result) => self.refuse(now, result),
        }
    }

    /// StopCCN received in any state: acknowledge at once, and linger to
    /// acknowledge its retransmissions (section 5.7).
    fn on_stopccn(&mut self, now: Instant, message: &Message) {
        let result = message.result_code().unwrap_or(ResultCode {
            result: 0,
            error: None,
            message: Vec::new(),
        });
        self.reliable.abandon();
        self.reliable.send_zlb();
        self.end(now, TunnelEnd::Peer(result));
    }

    /// The control connection is up: report it, start HELLO, and place
    /// the calls that waited for it.
    fn established(&mut self, now: Instant) {
        self.state = TunnelState::Established;
        self.tie_breaker = None;
        self.hello_at = self.config.hello_interval.map(|i| now + i);
        if let Some(peer) = self.peer.clone() {
            self.events.push_back(Event::TunnelUp(peer));
        }
        self.place_waiting_calls(now);
    }
}

fn not_authorized(why: &str) -> ResultCode {
    ResultCode::stop(StopCcnResult::NotAuthorized).with_error(ErrorCode::NoError, why)
}
