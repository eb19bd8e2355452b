//! Incoming calls (RFC 2661 sections 5.2.1, 7.4.1 LAC side and 7.4.2 LNS
//! side), their teardown (CDN, 5.3), WEN and SLI (6.13, 6.14). Outgoing
//! calls are not supported: an OCRQ is declined with a CDN (7.5).
//!
//! LAC: idle -> (open_session) wait-tunnel until the tunnel is up ->
//! ICRQ sent, wait-reply -> ICRP received, ICCN sent -> established.
//! LNS: idle -> ICRQ received, ICRP sent, wait-connect -> ICCN received
//! -> established. A CDN in any state, ours or the peer's, ends it.

use core::fmt;
use std::time::Instant;

use rand_core::Rng;

use super::{Tunnel, TunnelState};
use crate::avp::{Avp, AvpType, Bearer, CdnResult, ErrorCode, Framing, ResultCode};
use crate::config::Role;
use crate::event::{Event, SessionEnd, SessionInfo};
use crate::message::{Message, MessageType};

/// A session's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    /// LAC: the call waits for the tunnel to come up.
    WaitTunnel,
    /// LAC: ICRQ sent, waiting for ICRP.
    WaitReply,
    /// LNS: ICRP sent, waiting for ICCN.
    WaitConnect,
    /// Established.
    Established,
}

/// What a LAC says of an incoming call in its ICRQ and ICCN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallParams {
    /// Bearer Type.
    pub bearer_type: Option<Bearer>,
    /// Physical Channel ID.
    pub physical_channel_id: Option<u32>,
    /// Calling Number.
    pub calling_number: Option<Vec<u8>>,
    /// Called Number.
    pub called_number: Option<Vec<u8>>,
    /// Framing Type in the ICCN (synchronous when not set).
    pub framing_type: Option<Framing>,
    /// Ask for sequenced data messages (Sequencing Required).
    pub sequencing_required: bool,
}

/// Why a command was not carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandError {
    /// The tunnel is closing or closed.
    TunnelClosed,
    /// Only a LAC places incoming calls; only an LNS sends Set-Link-Info.
    WrongRole,
    /// No such session.
    NoSuchSession(u16),
    /// The session is not established yet.
    NotEstablished(u16),
    /// Every Session ID is in use, or `max_sessions` is reached.
    TooManySessions,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::TunnelClosed => write!(f, "the tunnel is closed"),
            CommandError::WrongRole => write!(f, "not this side's role"),
            CommandError::NoSuchSession(id) => write!(f, "no session {id}"),
            CommandError::NotEstablished(id) => write!(f, "session {id} is not established"),
            CommandError::TooManySessions => write!(f, "no Session ID left"),
        }
    }
}

impl std::error::Error for CommandError {}

/// One call.
#[derive(Debug, Clone)]
pub(super) struct Session {
    pub(super) peer_id: u16,
    pub(super) state: SessionState,
    info: SessionInfo,
    /// A LAC's call until the ICRP; `None` for an LNS's calls and once
    /// established (boxed: a tunnel may carry thousands of sessions).
    placing: Option<Box<Placing>>,
    /// The ACCMs of the last Set-Link-Info received.
    accm: Option<(u32, u32)>,
}

/// What a LAC's ICRQ and ICCN carry.
#[derive(Debug, Clone)]
struct Placing {
    params: CallParams,
    /// The ICRQ, started (with its Random Vector) when the call was
    /// placed, so a call that waits for the tunnel still hides its AVPs.
    icrq: Option<Message>,
}

impl Tunnel {
    /// The state of session `id`.
    pub fn session_state(&self, id: u16) -> Option<SessionState> {
        self.sessions.get(&id).map(|s| s.state)
    }

    /// The (send, receive) ACCMs of the last Set-Link-Info session `id`
    /// received.
    pub fn session_accm(&self, id: u16) -> Option<(u32, u32)> {
        self.sessions.get(&id).and_then(|s| s.accm)
    }

    /// How many sessions the tunnel carries.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// LAC: places an incoming call (section 5.2.1). The ICRQ goes out at
    /// once, or when the tunnel comes up. Returns our Session ID.
    pub fn open_session(
        &mut self,
        now: Instant,
        params: CallParams,
        rng: &mut dyn Rng,
    ) -> Result<u16, CommandError> {
        if self.config.role != Role::Lac {
            return Err(CommandError::WrongRole);
        }
        if matches!(self.state, TunnelState::Closing | TunnelState::Closed) {
            return Err(CommandError::TunnelClosed);
        }
        let id = self.allocate_session_id(rng)?;
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1);
        let mut info = self.blank_info(id, 0, serial);
        info.bearer_type = params.bearer_type;
        info.physical_channel_id = params.physical_channel_id;
        info.calling_number = params.calling_number.clone();
        info.called_number = params.called_number.clone();
        let session = Session {
            peer_id: 0,
            state: SessionState::WaitTunnel,
            info,
            placing: Some(Box::new(Placing {
                params,
                icrq: Some(self.start_message(MessageType::Icrq, rng)),
            })),
            accm: None,
        };
        self.sessions.insert(id, session);
        if self.state == TunnelState::Established {
            self.send_icrq(now, id);
        }
        Ok(id)
    }

    /// Sends the ICRQ of every call that waited for the tunnel.
    pub(super) fn place_waiting_calls(&mut self, now: Instant) {
        let waiting: Vec<u16> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.state == SessionState::WaitTunnel)
            .map(|(id, _)| *id)
            .collect();
        for id in waiting {
            self.send_icrq(now, id);
        }
    }

    fn send_icrq(&mut self, now: Instant, id: u16) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.state = SessionState::WaitReply;
        let Some(placing) = s.placing.as_mut() else {
            return;
        };
        let mut icrq = placing
            .icrq
            .take()
            .unwrap_or_else(|| Message::new(MessageType::Icrq, []));
        let p = &placing.params;
        let mut avps = vec![
            Avp::AssignedSessionId(id),
            Avp::CallSerialNumber(s.info.call_serial_number),
        ];
        avps.extend(p.bearer_type.map(Avp::BearerType));
        avps.extend(p.physical_channel_id.map(Avp::PhysicalChannelId));
        avps.extend(p.calling_number.clone().map(Avp::CallingNumber));
        avps.extend(p.called_number.clone().map(Avp::CalledNumber));
        icrq.avps
            .extend(avps.into_iter().map(crate::message::AvpEntry::new));
        Tunnel::protect(&mut icrq);
        self.send(now, 0, icrq);
    }

    /// Ends session `id` with a CDN carrying `result` (section 5.3). A
    /// call still waiting for the tunnel just goes.
    pub fn close_session(
        &mut self,
        now: Instant,
        id: u16,
        result: ResultCode,
    ) -> Result<(), CommandError> {
        let session = self
            .sessions
            .remove(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        if session.state != SessionState::WaitTunnel {
            self.send_cdn(now, id, session.peer_id, result.clone());
        }
        self.events.push_back(Event::SessionDown {
            session_id: id,
            peer_session_id: session.peer_id,
            reason: SessionEnd::Local(result),
        });
        Ok(())
    }

    /// LNS: sends Set-Link-Info with the ACCMs PPP negotiated (section
    /// 6.14), for the LAC's framing.
    pub fn send_link_info(
        &mut self,
        now: Instant,
        id: u16,
        send_accm: u32,
        recv_accm: u32,
    ) -> Result<(), CommandError> {
        if self.config.role != Role::Lns {
            return Err(CommandError::WrongRole);
        }
        let s = self
            .sessions
            .get(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        if s.state != SessionState::Established {
            return Err(CommandError::NotEstablished(id));
        }
        let peer = s.peer_id;
        let sli = Message::new(
            MessageType::Sli,
            [Avp::Accm {
                send: send_accm,
                recv: recv_accm,
            }],
        );
        self.send(now, peer, sli);
        Ok(())
    }

    fn send_cdn(&mut self, now: Instant, local: u16, peer: u16, result: ResultCode) {
        let cdn = Message::new(
            MessageType::Cdn,
            [Avp::ResultCode(result), Avp::AssignedSessionId(local)],
        );
        self.send(now, peer, cdn);
    }

    /// Refuses a call: CDN, the session (if any) forgotten and reported.
    fn refuse_call(&mut self, now: Instant, local: u16, peer: u16, result: ResultCode) {
        self.counters.refused += 1;
        self.send_cdn(now, local, peer, result.clone());
        if self.sessions.remove(&local).is_some() {
            self.events.push_back(Event::SessionDown {
                session_id: local,
                peer_session_id: peer,
                reason: SessionEnd::Refused(result),
            });
        }
    }

    /// A call-scope message on an established tunnel. `session_id` is the
    /// header's: ours, or 0 before the peer learned it.
    pub(super) fn handle_session_message(
        &mut self,
        now: Instant,
        session_id: u16,
        message: Message,
        rng: &mut dyn Rng,
    ) {
        use MessageType as M;
        let t = message.message_type;
        if let Err(refusal) = message.check() {
            let peer = self
                .sessions
                .get(&session_id)
                .map_or(message.assigned_session_id().unwrap_or(0), |s| s.peer_id);
            let local = if self.sessions.contains_key(&session_id) {
                session_id
            } else {
                0
            };
            return self.refuse_call(now, local, peer, refusal.result_code());
        }
        match t {
            M::Icrq => return self.on_icrq(now, &message, rng),
            M::Ocrq => return self.decline_outgoing(now, &message),
            M::Ocrp => {
                let peer = message.assigned_session_id().unwrap_or(0);
                return self.refuse_call(now, 0, peer, unexpected(t));
            }
            _ => {}
        }
        let local = if session_id != 0 {
            session_id
        } else {
            // A CDN may name the session only by the peer's id.
            let peer = message.assigned_session_id().unwrap_or(0);
            match self
                .sessions
                .iter()
                .find(|(_, s)| s.peer_id == peer && peer != 0)
            {
                Some((id, _)) => *id,
                None => 0,
            }
        };
        let Some(state) = self.sessions.get(&local).map(|s| s.state) else {
            // A late message for a call that is gone.
            self.counters.ignored += 1;
            return;
        };
        match (t, state) {
            (M::Icrp, SessionState::WaitReply) => self.on_icrp(now, local, &message),
            (M::Iccn, SessionState::WaitConnect) => self.on_iccn(local, &message),
            (M::Cdn, _) => self.on_cdn(local, &message),
            (M::Sli, SessionState::Established) => self.on_sli(local, &message),
            (M::Wen, SessionState::Established) => self.events.push_back(Event::WanError {
                session_id: local,
                errors: message.call_errors().unwrap_or_default(),
            }),
            _ => {
                let peer = self.sessions.get(&local).map_or(0, |s| s.peer_id);
                self.refuse_call(now, local, peer, unexpected(t));
            }
        }
    }

    /// LNS, idle, ICRQ received: ICRP and wait-connect, or CDN.
    fn on_icrq(&mut self, now: Instant, message: &Message, rng: &mut dyn Rng) {
        let peer = message.assigned_session_id().unwrap_or(0);
        if self.config.role != Role::Lns {
            let result = ResultCode::cdn(CdnResult::PermanentFacilities)
                .with_error(ErrorCode::NoError, "a LAC takes no incoming call requests");
            return self.refuse_call(now, 0, peer, result);
        }
        if peer == 0 {
            let result = ResultCode::cdn(CdnResult::GeneralError)
                .with_error(ErrorCode::InvalidSessionId, "Assigned Session ID 0");
            return self.refuse_call(now, 0, peer, result);
        }
        let id = match self.allocate_session_id(rng) {
            Ok(id) => id,
            Err(_) => {
                let result = ResultCode::cdn(CdnResult::TemporaryFacilities)
                    .with_error(ErrorCode::NoResources, "no session available");
                return self.refuse_call(now, 0, peer, result);
            }
        };
        let mut info = self.blank_info(id, peer, message.call_serial_number().unwrap_or(0));
        info.bearer_type = message.bearer_type();
        info.physical_channel_id = message.physical_channel_id();
        info.calling_number = message.calling_number();
        info.called_number = message.called_number();
        let session = Session {
            peer_id: peer,
            state: SessionState::WaitConnect,
            info,
            placing: None,
            accm: None,
        };
        self.sessions.insert(id, session);
        let mut icrp = self.start_message(MessageType::Icrp, rng);
        icrp.avps
            .push(crate::message::AvpEntry::new(Avp::AssignedSessionId(id)));
        Tunnel::protect(&mut icrp);
        self.send(now, peer, icrp);
    }

    /// LAC, wait-reply, ICRP received: ICCN, established.
    fn on_icrp(&mut self, now: Instant, local: u16, message: &Message) {
        let speed = self.config.connect_speed;
        let peer_tunnel_id = self.peer_id;
        let Some(s) = self.sessions.get_mut(&local) else {
            return;
        };
        let peer = message.assigned_session_id().unwrap_or(0);
        s.peer_id = peer;
        s.state = SessionState::Established;
        let params = s.placing.take().map(|p| p.params).unwrap_or_default();
        let framing = params.framing_type.unwrap_or(Framing::SYNC);
        let mut avps = vec![Avp::TxConnectSpeed(speed), Avp::FramingType(framing)];
        if params.sequencing_required {
            avps.push(Avp::SequencingRequired);
        }
        s.info.peer_session_id = peer;
        s.info.peer_tunnel_id = peer_tunnel_id;
        s.info.tx_connect_speed = speed;
        s.info.framing_type = framing;
        s.info.sequencing_required = params.sequencing_required;
        let info = s.info.clone();
        self.send(now, peer, Message::new(MessageType::Iccn, avps));
        self.events.push_back(Event::SessionUp(info));
    }

    /// LNS, wait-connect, ICCN received: established.
    fn on_iccn(&mut self, local: u16, message: &Message) {
        let Some(s) = self.sessions.get_mut(&local) else {
            return;
        };
        s.state = SessionState::Established;
        s.info.tx_connect_speed = message.tx_connect_speed().unwrap_or(0);
        s.info.rx_connect_speed = message.rx_connect_speed();
        s.info.framing_type = message.framing_type().unwrap_or_default();
        s.info.sequencing_required = message.sequencing_required();
        s.info.proxy = message
            .avps
            .iter()
            .filter(|e| is_proxy(e.avp.attribute_type()))
            .cloned()
            .collect();
        self.events.push_back(Event::SessionUp(s.info.clone()));
    }

    /// Set-Link-Info received: record the ACCMs and report them.
    fn on_sli(&mut self, local: u16, message: &Message) {
        let Some(s) = self.sessions.get_mut(&local) else {
            return;
        };
        let (send_accm, recv_accm) = message.accm().unwrap_or((0, 0));
        s.accm = Some((send_accm, recv_accm));
        self.events.push_back(Event::LinkInfo {
            session_id: local,
            send_accm,
            recv_accm,
        });
    }

    /// CDN received in any state: the session is gone.
    fn on_cdn(&mut self, local: u16, message: &Message) {
        let Some(s) = self.sessions.remove(&local) else {
            return;
        };
        let result = message
            .result_code()
            .unwrap_or(ResultCode::cdn(CdnResult::Unknown(0)));
        self.events.push_back(Event::SessionDown {
            session_id: local,
            peer_session_id: s.peer_id,
            reason: SessionEnd::Peer {
                result,
                cause: message.q931_cause(),
            },
        });
    }

    /// OCRQ: outgoing calls are not supported (section 7.5 LAC side,
    /// "not acceptable"): CDN to the peer's session, no session of ours.
    fn decline_outgoing(&mut self, now: Instant, message: &Message) {
        let peer = message.assigned_session_id().unwrap_or(0);
        let result = ResultCode::cdn(CdnResult::PermanentFacilities)
            .with_error(ErrorCode::NoError, "outgoing calls are not supported");
        self.refuse_call(now, 0, peer, result);
    }

    /// A random Session ID not in use (never 0).
    fn allocate_session_id(&self, rng: &mut dyn Rng) -> Result<u16, CommandError> {
        if self.sessions.len() >= self.config.max_sessions.min(usize::from(u16::MAX)) {
            return Err(CommandError::TooManySessions);
        }
        for _ in 0..16 {
            let id = rng.next_u32() as u16;
            if id != 0 && !self.sessions.contains_key(&id) {
                return Ok(id);
            }
        }
        (1..=u16::MAX)
            .find(|id| !self.sessions.contains_key(id))
            .ok_or(CommandError::TooManySessions)
    }

    fn blank_info(&self, id: u16, peer: u16, serial: u32) -> SessionInfo {
        SessionInfo {
            tunnel_id: self.local_id,
            peer_tunnel_id: self.peer_id,
            session_id: id,
            peer_session_id: peer,
            call_serial_number: serial,
            tx_connect_speed: 0,
            rx_connect_speed: None,
            framing_type: Framing::default(),
            bearer_type: None,
            calling_number: None,
            called_number: None,
            physical_channel_id: None,
            sequencing_required: false,
            proxy: Vec::new(),
        }
    }
}

/// The AVPs of an ICCN that are kept for the PPP side (section 4.4.5).
fn is_proxy(t: AvpType) -> bool {
    use AvpType as A;
    matches!(
        t,
        A::InitialReceivedLcpConfReq
            | A::LastSentLcpConfReq
            | A::LastReceivedLcpConfReq
            | A::ProxyAuthenType
            | A::ProxyAuthenName
            | A::ProxyAuthenChallenge
            | A::ProxyAuthenId
            | A::ProxyAuthenResponse
            | A::PrivateGroupId
    )
}

/// The CDN result for a call message the session's state does not expect.
fn unexpected(t: MessageType) -> ResultCode {
    ResultCode::cdn(CdnResult::GeneralError)
        .with_error(ErrorCode::NoError, &format!("unexpected {t:?}"))
}
