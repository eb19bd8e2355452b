//! One control connection and its calls (RFC 2661 sections 5 and 7).
//!
//! A [`Tunnel`] is created either as the initiator ([`Tunnel::connect`],
//! which sends SCCRQ) or from a peer's SCCRQ ([`Tunnel::accept`]). After
//! that it is driven like quinn-proto's `Connection`:
//! - inputs: [`handle_datagram`](Tunnel::handle_datagram) for each
//!   datagram the peer sent, [`handle_timeout`](Tunnel::handle_timeout)
//!   when [`poll_timeout`](Tunnel::poll_timeout)'s deadline passes
//!   (spurious calls do nothing);
//! - commands: [`open_session`](Tunnel::open_session) (a LAC's incoming
//!   call), [`close_session`](Tunnel::close_session),
//!   [`send_link_info`](Tunnel::send_link_info) (an LNS's Set-Link-Info),
//!   [`close`](Tunnel::close);
//! - outputs, drained after every input, in this order:
//!   [`poll_transmit`](Tunnel::poll_transmit), then
//!   [`poll_timeout`](Tunnel::poll_timeout), then
//!   [`poll_event`](Tunnel::poll_event).
//!
//! The tunnel states of section 7.2.1 map to [`TunnelState`]: idle is the
//! moment before a `Tunnel` exists (or [`TunnelState::Idle`] while
//! `accept` reads the SCCRQ), then wait-ctl-reply (initiator),
//! wait-ctl-conn (responder), established. Closing is the time after a
//! StopCCN, sent or received, during which the tunnel still acknowledges
//! and retransmits (section 5.7 asks for a full retransmission cycle);
//! then [`TunnelState::Closed`], when the owner drops it.

mod auth;
mod control;
mod session;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use rand_core::Rng;

use crate::avp::{Avp, AvpType, ResultCode};
use crate::config::TunnelConfig;
use crate::event::{Event, SessionEnd, TunnelCounters, TunnelEnd, TunnelInfo};
use crate::header::HeaderRepr;
use crate::message::{Message, MessageError, MessageType};
use crate::reliable::{Received, Reliable};

pub use auth::challenge_response;
pub use session::{CallParams, CommandError, SessionState};

use session::Session;

/// The state of a control connection (section 7.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TunnelState {
    /// Reading a peer's SCCRQ.
    Idle,
    /// We sent SCCRQ and wait for SCCRP.
    WaitCtlReply,
    /// We sent SCCRP and wait for SCCCN.
    WaitCtlConn,
    /// The control connection is up; calls can be placed.
    Established,
    /// A StopCCN was sent or received; the tunnel lingers to acknowledge
    /// and retransmit, and takes no new work.
    Closing,
    /// Gone: nothing more to do once the transmit queue is drained.
    Closed,
}

/// One L2TPv2 control connection.
#[derive(Debug)]
pub struct Tunnel {
    config: Arc<TunnelConfig>,
    local_id: u16,
    peer_id: u16,
    state: TunnelState,
    reliable: Reliable,
    /// The challenge we sent, whose response we check.
    our_challenge: Option<Vec<u8>>,
    /// The Tie Breaker we sent in our SCCRQ.
    tie_breaker: Option<[u8; 8]>,
    peer: Option<TunnelInfo>,
    sessions: BTreeMap<u16, Session>,
    events: VecDeque<Event>,
    hello_at: Option<Instant>,
    linger_until: Option<Instant>,
    next_serial: u32,
    counters: TunnelCounters,
}

impl Tunnel {
    fn new(config: Arc<TunnelConfig>, local_id: u16, state: TunnelState) -> Tunnel {
        Tunnel {
            reliable: Reliable::new(config.reliable.clone()),
            config,
            local_id,
            peer_id: 0,
            state,
            our_challenge: None,
            tie_breaker: None,
            peer: None,
            sessions: BTreeMap::new(),
            events: VecDeque::new(),
            hello_at: None,
            linger_until: None,
            next_serial: 1,
            counters: TunnelCounters::default(),
        }
    }

    /// Opens a control connection as the initiator: sends SCCRQ from our
    /// Tunnel ID `local_id` (not 0) and waits for SCCRP.
    pub fn connect(
        config: Arc<TunnelConfig>,
        local_id: u16,
        now: Instant,
        rng: &mut dyn Rng,
    ) -> Tunnel {
        let mut tunnel = Tunnel::new(config, local_id, TunnelState::WaitCtlReply);
        let sccrq = tunnel.start_message(MessageType::Sccrq, rng);
        tunnel.send(now, 0, sccrq);
        tunnel
    }

    /// Answers a peer's SCCRQ (the whole datagram) with our Tunnel ID
    /// `local_id`: SCCRP if it is acceptable, StopCCN if not (the tunnel
    /// then closes and reports why). Fails only when `datagram` is not an
    /// SCCRQ at all, which is dropped.
    pub fn accept(
        config: Arc<TunnelConfig>,
        local_id: u16,
        datagram: &[u8],
        now: Instant,
        rng: &mut dyn Rng,
    ) -> Result<Tunnel, AcceptError> {
        let (header, body) = HeaderRepr::parse(datagram).map_err(|_| AcceptError::NotSccrq)?;
        let message = Message::parse(&datagram[body], config.secret.as_deref());
        let is_sccrq = matches!(&message, Ok(m) if m.message_type == MessageType::Sccrq);
        if !header.control || header.tunnel_id != 0 || !is_sccrq {
            return Err(AcceptError::NotSccrq);
        }
        let mut tunnel = Tunnel::new(config, local_id, TunnelState::Idle);
        tunnel.handle_datagram(now, datagram, rng);
        Ok(tunnel)
    }

    /// Our Tunnel ID.
    pub fn local_id(&self) -> u16 {
        self.local_id
    }

    /// The peer's Tunnel ID (0 until it told us).
    pub fn peer_id(&self) -> u16 {
        self.peer_id
    }

    /// The Ns expected next from the peer (the Nr we send).
    pub fn receive_next(&self) -> u16 {
        self.reliable.expected()
    }

    /// The sessions' ids, ours.
    pub fn session_ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.sessions.keys().copied()
    }

    /// The state.
    pub fn state(&self) -> TunnelState {
        self.state
    }

    /// The configuration.
    pub fn config(&self) -> &TunnelConfig {
        &self.config
    }

    /// The peer, once its SCCRQ or SCCRP was accepted.
    pub fn peer(&self) -> Option<&TunnelInfo> {
        self.peer.as_ref()
    }

    /// The Tie Breaker we sent, if any, while we wait for SCCRP.
    pub fn pending_tie_breaker(&self) -> Option<[u8; 8]> {
        self.tie_breaker
            .filter(|_| self.state == TunnelState::WaitCtlReply)
    }

    /// The counters.
    pub fn counters(&self) -> TunnelCounters {
        TunnelCounters {
            reliable: *self.reliable.counters(),
            ..self.counters
        }
    }

    /// Whether every message we sent has been acknowledged: nothing waits
    /// for retransmission. After [`close`](Self::close), the peer has our
    /// StopCCN (a daemon that shuts down waits for this, bounded).
    pub fn all_acknowledged(&self) -> bool {
        self.reliable.is_idle()
    }

    /// Control messages queued or in flight, not yet acknowledged (a
    /// daemon that waits for a StopCCN's acknowledgement gives the ones
    /// before it time).
    pub fn queued(&self) -> usize {
        self.reliable.queued()
    }

    /// Whether the tunnel is gone and has nothing left to send.
    pub fn is_drained(&self) -> bool {
        self.state == TunnelState::Closed
    }

    /// Takes in a datagram the peer sent.
    pub fn handle_datagram(&mut self, now: Instant, datagram: &[u8], rng: &mut dyn Rng) {
        if self.state == TunnelState::Closed {
            return;
        }
        let Ok((header, body)) = HeaderRepr::parse(datagram) else {
            self.counters.bad_datagrams += 1;
            return;
        };
        let ours = header.tunnel_id == self.local_id || header.tunnel_id == 0;
        let Some((ns, nr)) = header.sequence.filter(|_| header.control && ours) else {
            self.counters.bad_datagrams += 1;
            return;
        };
        if let Some(interval) = self.config.hello_interval {
            self.hello_at = Some(now + interval);
        }
        match self.reliable.on_receive(now, ns, nr, body.is_empty()) {
            Received::Deliver => {
                self.process(now, header.session_id, &datagram[body], rng);
                while let Some(next) = self.reliable.next_held(now) {
                    if let Ok((h, body)) = HeaderRepr::parse(&next) {
                        self.process(now, h.session_id, &next[body], rng);
                    }
                }
            }
            Received::Held => self.reliable.hold(ns, datagram.to_vec()),
            Received::Ack | Received::Duplicate | Received::OutOfWindow => {}
        }
    }

    /// Handles one message delivered in order.
    fn process(&mut self, now: Instant, session_id: u16, body: &[u8], rng: &mut dyn Rng) {
        if matches!(self.state, TunnelState::Closing | TunnelState::Closed) {
            self.counters.ignored += 1;
            return;
        }
        let message = match Message::parse(body, self.config.secret.as_deref()) {
            Ok(m) => m,
            Err(e) => {
                self.counters.bad_messages += 1;
                return self.refuse(now, parse_error_result(&e));
            }
        };
        if let MessageType::Unknown(t) = message.message_type {
            if !message.mandatory {
                self.counters.ignored += 1;
                return;
            }
            let result = ResultCode::stop(crate::avp::StopCcnResult::GeneralError).with_error(
                crate::avp::ErrorCode::BadValue,
                &format!("unknown message type {t}"),
            );
            return self.refuse(now, result);
        }
        if message.message_type.is_tunnel_scope() {
            if let Err(refusal) = message.check() {
                return self.refuse(now, refusal.result_code());
            }
            self.handle_control(now, message, rng);
        } else if self.state != TunnelState::Established {
            self.refuse(now, fsm_error(message.message_type));
        } else {
            self.handle_session_message(now, session_id, message, rng);
        }
    }

    /// Time has come to `now`: retransmissions, a ZLB, HELLO, the end of
    /// lingering.
    pub fn handle_timeout(&mut self, now: Instant, _rng: &mut dyn Rng) {
        if self.state == TunnelState::Closed {
            return;
        }
        if let Err(unreachable) = self.reliable.handle_timeout(now) {
            self.reliable.abandon();
            if self.state != TunnelState::Closing {
                self.sessions_down(SessionEnd::TunnelClosed);
                self.events
                    .push_back(Event::TunnelDown(TunnelEnd::Unreachable(unreachable)));
            }
            self.state = TunnelState::Closed;
            return;
        }
        if self.state == TunnelState::Closing {
            if self.linger_until.is_some_and(|t| t <= now) {
                self.reliable.abandon();
                self.state = TunnelState::Closed;
            }
            return;
        }
        if self.state == TunnelState::Established && self.hello_at.is_some_and(|t| t <= now) {
            if self.reliable.is_idle() {
                self.send(now, 0, Message::new(MessageType::Hello, []));
            }
            self.hello_at = self.config.hello_interval.map(|i| now + i);
        }
    }

    /// Closes the control connection with a StopCCN carrying `result`
    /// (section 5.7); every session goes down. Does nothing once closing.
    pub fn close(&mut self, now: Instant, result: ResultCode) {
        if matches!(self.state, TunnelState::Closing | TunnelState::Closed) {
            return;
        }
        self.send_stopccn(now, result.clone());
        self.end(now, TunnelEnd::Local(result));
    }

    /// The earliest time [`handle_timeout`](Self::handle_timeout) has
    /// work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let timers = [
            self.reliable.poll_timeout(),
            self.hello_at
                .filter(|_| self.state == TunnelState::Established),
            self.linger_until
                .filter(|_| self.state == TunnelState::Closing),
        ];
        timers.into_iter().flatten().min()
    }

    /// The next datagram to send to the peer, appended to `out`.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        match self.reliable.poll_transmit() {
            Some(datagram) => {
                out.extend_from_slice(&datagram);
                true
            }
            None => false,
        }
    }

    /// Whether a datagram waits in [`poll_transmit`](Self::poll_transmit).
    pub fn has_transmit(&self) -> bool {
        self.reliable.has_transmit()
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Queues a message for the peer, on session `session_id` (the
    /// peer's, 0 for the tunnel).
    fn send(&mut self, now: Instant, session_id: u16, message: Message) {
        let tunnel_id = self.peer_id;
        let secret = self.config.secret.clone();
        self.reliable.push(now, |ns| {
            let header = HeaderRepr::control(tunnel_id, session_id, ns, 0);
            message.encode(header, secret.as_deref())
        });
    }

    /// A message with a Random Vector first when AVPs are to be hidden;
    /// [`protect`](Self::protect) marks them.
    fn start_message(&mut self, message_type: MessageType, rng: &mut dyn Rng) -> Message {
        let mut message = Message::new(message_type, []);
        if self.config.hide_avps && self.config.secret.is_some() {
            let mut rv = vec![0; 16];
            rng.fill_bytes(&mut rv);
            message
                .avps
                .push(crate::message::AvpEntry::new(Avp::RandomVector(rv)));
        }
        match message_type {
            MessageType::Sccrq => self.sccrq_avps(&mut message, rng),
            MessageType::Sccrp => self.sccrp_avps(&mut message, rng),
            _ => {}
        }
        message
    }

    /// Marks the AVPs section 4.3 is meant for as hidden, when the
    /// message has a Random Vector.
    fn protect(message: &mut Message) {
        if message.find(AvpType::RandomVector).is_none() {
            return;
        }
        for t in [
            AvpType::AssignedSessionId,
            AvpType::CallingNumber,
            AvpType::CalledNumber,
            AvpType::SubAddress,
            AvpType::ProxyAuthenName,
            AvpType::ProxyAuthenChallenge,
            AvpType::ProxyAuthenResponse,
        ] {
            message.hide(t);
        }
    }

    /// Sends StopCCN with `result`.
    fn send_stopccn(&mut self, now: Instant, result: ResultCode) {
        let stop = Message::new(
            MessageType::StopCcn,
            [
                Avp::AssignedTunnelId(self.local_id),
                Avp::ResultCode(result),
            ],
        );
        // Section 5.8: Ns has no gaps. What never left is dropped and its
        // Ns reused; what is in flight goes before the StopCCN.
        self.reliable.drop_unsent();
        self.send(now, 0, stop);
    }

    /// Refuses what the peer sent with a StopCCN (section 4.1, 7.2.1).
    fn refuse(&mut self, now: Instant, result: ResultCode) {
        self.counters.refused += 1;
        self.send_stopccn(now, result.clone());
        self.end(now, TunnelEnd::Refused(result));
    }

    /// The tunnel ends: sessions down, linger, report.
    fn end(&mut self, now: Instant, reason: TunnelEnd) {
        self.sessions_down(SessionEnd::TunnelClosed);
        self.state = TunnelState::Closing;
        self.linger_until = Some(now + self.config.reliable.full_cycle());
        self.events.push_back(Event::TunnelDown(reason));
    }

    /// Reports every session down and forgets them.
    fn sessions_down(&mut self, reason: SessionEnd) {
        for (id, s) in std::mem::take(&mut self.sessions) {
            self.events.push_back(Event::SessionDown {
                session_id: id,
                peer_session_id: s.peer_id,
                reason: reason.clone(),
            });
        }
    }

    /// Ends the tunnel silently: it lost the tie breaker (section 4.4.3).
    pub fn discard(&mut self) {
        self.reliable.abandon();
        self.sessions_down(SessionEnd::TunnelClosed);
        self.state = TunnelState::Closed;
        self.events
            .push_back(Event::TunnelDown(TunnelEnd::TieBreakerLost));
        while self.reliable.poll_transmit().is_some() {}
    }
}

/// Why [`Tunnel::accept`] took no tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptError {
    /// The datagram is not a well-formed SCCRQ to Tunnel ID 0.
    NotSccrq,
    /// Every Tunnel ID is in use.
    NoTunnelId,
}

impl core::fmt::Display for AcceptError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AcceptError::NotSccrq => write!(f, "not an SCCRQ"),
            AcceptError::NoTunnelId => write!(f, "no Tunnel ID left"),
        }
    }
}

impl std::error::Error for AcceptError {}

/// The StopCCN result for a message body that does not parse: General
/// error, "Length is wrong" for framing, "out of range" for values.
fn parse_error_result(e: &MessageError) -> ResultCode {
    use crate::avp::{AvpErrorKind as K, ErrorCode, StopCcnResult};
    let error = match e {
        MessageError::Avp(a)
            if matches!(
                a.kind,
                K::Truncated { .. } | K::BadLength(_) | K::ValueLength { .. }
            ) =>
        {
            ErrorCode::BadLength
        }
        _ => ErrorCode::BadValue,
    };
    ResultCode::stop(StopCcnResult::GeneralError).with_error(error, &e.to_string())
}

/// The StopCCN result for a message the state does not expect.
fn fsm_error(t: MessageType) -> ResultCode {
    ResultCode::stop(crate::avp::StopCcnResult::FsmError)
        .with_error(crate::avp::ErrorCode::NoError, &format!("unexpected {t:?}"))
}

#[cfg(test)]
mod tests;
