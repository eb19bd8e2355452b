//! The client transaction engine, sans-IO: requests go out to a list of
//! servers with retransmission and failover; replies come back verified.
//!
//! - [`Client::send`] writes a request for the first live server and
//!   returns the datagram and its destination.
//! - [`Client::handle_datagram`] matches a reply by source address and
//!   Identifier, checks its Code, Response Authenticator (RFC 2865
//!   section 3) and Message-Authenticator (RFC 3579 section 3.2), and
//!   queues an [`Event::Reply`]. Access-Accept, -Reject and -Challenge
//!   must carry a valid Message-Authenticator unless
//!   [`ClientConfig::require_message_authenticator`] is turned off
//!   (BlastRADIUS, CVE-2024-3596). Whatever does not verify is dropped and
//!   counted by [`DropReason`].
//! - [`Client::handle_timeout`] retransmits the same octets (same
//!   Identifier and authenticator, as RFC 5080 section 2.2.1 asks) up to
//!   the server's `retries`, then marks the server dead for
//!   [`ClientConfig::deadtime`] and moves on to the next server, with a
//!   new Identifier and authenticator. Live servers are tried first, in
//!   list order, then dead ones. When none is left,
//!   [`Event::NoServerAnswered`].
//! - [`Client::poll_transmit`], [`Client::poll_timeout`],
//!   [`Client::poll_event`] drain what to send, when to wake up, and what
//!   happened.
//!
//! Acct-Delay-Time (RFC 2866 section 5.2): a retransmission to the same
//! server is byte-identical, so Acct-Delay-Time is not touched (changing
//! it would need a new Identifier). On failover the packet is rewritten
//! anyway, and Acct-Delay-Time is raised by the whole seconds since the
//! request was first sent.

mod counters;
mod request;
mod server;
mod types;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rand_core::Rng;

pub use counters::{Counters, DropCounters, DropReason};
pub use request::{Request, Service};
pub use server::ServerConfig;
pub use types::{ClientConfig, Event, Reply, RequestId, SendError, Transmit};

use crate::code::Code;
use crate::crypto::{
    message_authenticator_status, response_authenticator_valid, MessageAuthenticatorStatus,
};
use crate::packet::Packet;
use server::ServerState;

struct Transaction {
    id: RequestId,
    request: Request,
    /// Server indices in the order to try them.
    order: Vec<usize>,
    position: usize,
    identifier: u8,
    authenticator: [u8; 16],
    payload: Vec<u8>,
    sends: u32,
    deadline: Instant,
    started: Instant,
}

/// The encoded request holds the hidden User-Password and the CHAP
/// response: Debug shows its length only.
impl core::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transaction")
            .field("id", &self.id)
            .field("request", &self.request)
            .field("order", &self.order)
            .field("position", &self.position)
            .field("identifier", &self.identifier)
            .field("payload_len", &self.payload.len())
            .field("sends", &self.sends)
            .field("deadline", &self.deadline)
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

/// The client engine. See the module documentation.
#[derive(Debug)]
pub struct Client {
    auth: Vec<ServerState>,
    acct: Vec<ServerState>,
    deadtime: Duration,
    require_message_authenticator: bool,
    transactions: Vec<Transaction>,
    next_request: u64,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    counters: Counters,
}

impl Client {
    /// An engine over these servers. Each server's first Identifier comes
    /// from `rng`.
    pub fn new(config: ClientConfig, rng: &mut dyn Rng) -> Self {
        let mut state = |servers: Vec<ServerConfig>| -> Vec<ServerState> {
            servers
                .into_iter()
                .map(|s| ServerState::new(s, (rng.next_u32() & 0xff) as u8))
                .collect()
        };
        let auth = state(config.auth_servers);
        let acct = state(config.acct_servers);
        Client {
            auth,
            acct,
            deadtime: config.deadtime,
            require_message_authenticator: config.require_message_authenticator,
            transactions: Vec::new(),
            next_request: 0,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            counters: Counters::default(),
        }
    }

    fn servers(&mut self, service: Service) -> &mut Vec<ServerState> {
        match service {
            Service::Authentication => &mut self.auth,
            Service::Accounting => &mut self.acct,
        }
    }

    /// Sends a request: the datagram for the first live server.
    pub fn send(
        &mut self,
        now: Instant,
        request: Request,
        rng: &mut dyn Rng,
    ) -> Result<(RequestId, Transmit), SendError> {
        let service = request.service();
        let servers = self.servers(service);
        if servers.is_empty() {
            return Err(SendError::NoServers(service));
        }
        let alive = |s: &ServerState| s.is_alive(now);
        let mut order: Vec<usize> = (0..servers.len()).filter(|&i| alive(&servers[i])).collect();
        order.extend((0..servers.len()).filter(|&i| !alive(&servers[i])));
        let mut t = Transaction {
            id: RequestId(self.next_request),
            request,
            order,
            position: 0,
            identifier: 0,
            authenticator: [0; 16],
            payload: Vec::new(),
            sends: 0,
            deadline: now,
            started: now,
        };
        if !self.start_attempt(&mut t, now, rng)? {
            return Err(SendError::IdentifiersExhausted);
        }
        self.next_request += 1;
        self.counters.requests += 1;
        let transmit = self.transmit_of(&t);
        let id = t.id;
        self.transactions.push(t);
        Ok((id, transmit))
    }

    /// Writes the request for the server at `t.position` or, when that
    /// one has no free Identifier, the next. `false` when none is left.
    fn start_attempt(
        &mut self,
        t: &mut Transaction,
        now: Instant,
        rng: &mut dyn Rng,
    ) -> Result<bool, SendError> {
        let service = t.request.service();
        let acct_delay = (t.request.code() == Code::AccountingRequest && now > t.started)
            .then(|| u32::try_from((now - t.started).as_secs()).unwrap_or(u32::MAX));
        while let Some(&index) = t.order.get(t.position) {
            let server = &mut self.servers(service)[index];
            if let Some(identifier) = server.allocate_id() {
                let mut authenticator = [0u8; 16];
                rng.fill_bytes(&mut authenticator);
                let written =
                    t.request
                        .write(identifier, authenticator, &server.config.secret, acct_delay);
                let payload = match written {
                    Ok(p) => p,
                    Err(e) => {
                        server.release_id(identifier);
                        return Err(SendError::Build(e));
                    }
                };
                // An accounting request's authenticator is computed.
                let sent_authenticator = Packet::parse(&payload)
                    .map(|p| p.authenticator())
                    .unwrap_or(authenticator);
                t.identifier = identifier;
                t.authenticator = sent_authenticator;
                t.payload = payload;
                t.sends = 1;
                t.deadline = now + server.config.timeout;
                return Ok(true);
            }
            t.position += 1;
        }
        Ok(false)
    }

    fn transmit_of(&self, t: &Transaction) -> Transmit {
        let service = t.request.service();
        let servers = match service {
            Service::Authentication => &self.auth,
            Service::Accounting => &self.acct,
        };
        Transmit {
            destination: servers[t.order[t.position]].config.address,
            service,
            payload: t.payload.clone(),
        }
    }

    fn server_of(&self, t: &Transaction) -> &ServerState {
        let servers = match t.request.service() {
            Service::Authentication => &self.auth,
            Service::Accounting => &self.acct,
        };
        &servers[t.order[t.position]]
    }

    /// A datagram from `source`. `Ok` names the request it answered (an
    /// [`Event::Reply`] is queued); `Err` says why it was dropped.
    pub fn handle_datagram(
        &mut self,
        _now: Instant,
        source: SocketAddr,
        bytes: &[u8],
    ) -> Result<RequestId, DropReason> {
        let result = self.verify(source, bytes);
        match result {
            Ok(index) => {
                let t = self.transactions.swap_remove(index);
                let service = t.request.service();
                let server = &mut self.servers(service)[t.order[t.position]];
                server.release_id(t.identifier);
                server.mark_alive();
                self.counters.replies += 1;
                let reply = Reply {
                    request: t.id,
                    server: source,
                    code: Code::from(bytes[0]),
                    bytes: Packet::parse(bytes)
                        .map(|p| p.as_bytes().to_vec())
                        .unwrap_or_default(),
                    request_authenticator: t.authenticator,
                };
                self.events.push_back(Event::Reply(reply));
                Ok(t.id)
            }
            Err(reason) => {
                self.counters.dropped.count(reason);
                Err(reason)
            }
        }
    }

    fn verify(&self, source: SocketAddr, bytes: &[u8]) -> Result<usize, DropReason> {
        let packet = Packet::parse(bytes).map_err(|_| DropReason::Malformed)?;
        let index = self
            .transactions
            .iter()
            .position(|t| {
                t.identifier == packet.identifier() && self.server_of(t).config.address == source
            })
            .ok_or(DropReason::NoMatchingRequest)?;
        let t = &self.transactions[index];
        if !t.request.code().accepts_reply(packet.code()) {
            return Err(DropReason::UnexpectedCode);
        }
        let secret = &self.server_of(t).config.secret;
        if !response_authenticator_valid(&packet, &t.authenticator, secret) {
            return Err(DropReason::BadResponseAuthenticator);
        }
        match message_authenticator_status(&packet, secret, Some(&t.authenticator)) {
            MessageAuthenticatorStatus::Valid => {}
            MessageAuthenticatorStatus::Invalid => return Err(DropReason::BadMessageAuthenticator),
            MessageAuthenticatorStatus::Absent => {
                let access = matches!(
                    packet.code(),
                    Code::AccessAccept | Code::AccessReject | Code::AccessChallenge
                );
                if access && self.require_message_authenticator {
                    return Err(DropReason::MissingMessageAuthenticator);
                }
            }
        }
        Ok(index)
    }

    /// Retransmits or fails over every request whose deadline has come.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        let mut i = 0;
        while i < self.transactions.len() {
            if self.transactions[i].deadline > now {
                i += 1;
                continue;
            }
            let mut t = self.transactions.swap_remove(i);
            let (retries, timeout) = {
                let s = self.server_of(&t);
                (s.config.retries, s.config.timeout)
            };
            if t.sends <= retries {
                t.sends += 1;
                t.deadline = now + timeout;
                self.counters.retransmissions += 1;
                self.transmits.push_back(self.transmit_of(&t));
                self.transactions.push(t);
                continue;
            }
            // This server used up its retries.
            self.counters.server_timeouts += 1;
            let service = t.request.service();
            let deadtime = self.deadtime;
            let server = &mut self.servers(service)[t.order[t.position]];
            server.release_id(t.identifier);
            if !deadtime.is_zero() {
                server.mark_dead(now + deadtime);
            }
            t.position += 1;
            match self.start_attempt(&mut t, now, rng) {
                Ok(true) => {
                    self.counters.failovers += 1;
                    self.transmits.push_back(self.transmit_of(&t));
                    self.transactions.push(t);
                }
                // The request wrote once, so it writes again; either way
                // there is nobody left to ask.
                Ok(false) | Err(_) => {
                    self.counters.no_server_answered += 1;
                    self.events
                        .push_back(Event::NoServerAnswered { request: t.id });
                }
            }
        }
    }

    /// Abandons a request; a late reply to it is dropped.
    pub fn cancel(&mut self, request: RequestId) -> bool {
        let Some(i) = self.transactions.iter().position(|t| t.id == request) else {
            return false;
        };
        let t = self.transactions.swap_remove(i);
        let service = t.request.service();
        self.servers(service)[t.order[t.position]].release_id(t.identifier);
        true
    }

    /// The next retransmission or failover datagram.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// When [`Client::handle_timeout`] should next run.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.transactions.iter().map(|t| t.deadline).min()
    }

    /// The next outcome.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> usize {
        self.transactions.len()
    }

    /// The counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
}

#[cfg(test)]
mod tests;
