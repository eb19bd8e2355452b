//! Many control connections behind one UDP address (RFC 2661 section
//! 5.1): datagrams are routed by the Tunnel ID in their header, which is
//! ours; an SCCRQ (Tunnel ID 0) becomes an [`Incoming`] the owner accepts
//! with a configuration (its secret looked up by the peer's address or
//! host name) or drops. Both ends sending SCCRQ at once is settled here
//! with the Tie Breaker (section 4.4.3).
//!
//! Driven like quinn-proto's `Endpoint`: [`handle_datagram`](Endpoint::handle_datagram)
//! and [`handle_timeout`](Endpoint::handle_timeout) in;
//! [`poll_transmit`](Endpoint::poll_transmit) (with the address to send
//! to; [`poll_transmit_tunnel`](Endpoint::poll_transmit_tunnel) also
//! names the tunnel), [`poll_timeout`](Endpoint::poll_timeout) and
//! [`poll_event`](Endpoint::poll_event) out. Commands go to a tunnel
//! through [`tunnel_mut`](Endpoint::tunnel_mut).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use rand_core::Rng;

use crate::config::TunnelConfig;
use crate::event::Event;
use crate::header::HeaderRepr;
use crate::message::{Message, MessageType};
use crate::tunnel::{AcceptError, Tunnel};

/// A peer's SCCRQ for a new control connection, waiting for
/// [`Endpoint::accept`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    remote: SocketAddr,
    datagram: Vec<u8>,
    host_name: Option<Vec<u8>>,
    peer_tunnel_id: u16,
}

impl Incoming {
    /// Where it came from.
    pub fn remote(&self) -> SocketAddr {
        self.remote
    }

    /// The peer's Host Name, unless hidden.
    pub fn host_name(&self) -> Option<&[u8]> {
        self.host_name.as_deref()
    }

    /// The peer's Assigned Tunnel ID.
    pub fn peer_tunnel_id(&self) -> u16 {
        self.peer_tunnel_id
    }
}

/// Counters of the endpoint itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EndpointCounters {
    /// Datagrams that are not L2TPv2 control messages.
    pub bad_datagrams: u64,
    /// Data messages (the kernel carries those).
    pub data_messages: u64,
    /// Control messages for no tunnel of ours, or from another address.
    pub unroutable: u64,
    /// Peer SCCRQs dropped because our Tie Breaker won (or tied).
    pub ties_won: u64,
    /// Our tunnels discarded because the peer's Tie Breaker won (or tied).
    pub ties_lost: u64,
}

#[derive(Debug)]
struct Entry {
    remote: SocketAddr,
    tunnel: Tunnel,
}

/// The tunnels of one local address.
#[derive(Debug, Default)]
pub struct Endpoint {
    tunnels: BTreeMap<u16, Entry>,
    /// Tunnel IDs of tunnels the endpoint has let go of that still hold
    /// them elsewhere (the kernel's tunnel, until it is deleted): not
    /// given to a new tunnel.
    held: BTreeSet<u16>,
    events: VecDeque<(u16, Event)>,
    counters: EndpointCounters,
}

impl Endpoint {
    /// No tunnels.
    pub fn new() -> Endpoint {
        Endpoint::default()
    }

    /// Keeps Tunnel ID `id` from new tunnels until
    /// [`release_id`](Self::release_id), also after its tunnel is
    /// forgotten: a daemon holds the IDs its kernel tunnels still have
    /// (the kernel refuses a second tunnel with the same ID, and a peer's
    /// late messages for the old tunnel must not reach a new one).
    pub fn hold_id(&mut self, id: u16) {
        self.held.insert(id);
    }

    /// Gives Tunnel ID `id` back to new tunnels.
    pub fn release_id(&mut self, id: u16) {
        self.held.remove(&id);
    }

    /// The counters.
    pub fn counters(&self) -> &EndpointCounters {
        &self.counters
    }

    /// Opens a control connection to `remote`; returns our Tunnel ID.
    pub fn connect(
        &mut self,
        config: Arc<TunnelConfig>,
        remote: SocketAddr,
        now: Instant,
        rng: &mut dyn Rng,
    ) -> Result<u16, AcceptError> {
        let id = self.allocate_id(rng)?;
        let tunnel = Tunnel::connect(config, id, now, rng);
        self.tunnels.insert(id, Entry { remote, tunnel });
        Ok(id)
    }

    /// Accepts a peer's SCCRQ with `config`; returns our Tunnel ID. The
    /// tunnel may still refuse it (a StopCCN is then sent and reported).
    pub fn accept(
        &mut self,
        incoming: Incoming,
        config: Arc<TunnelConfig>,
        now: Instant,
        rng: &mut dyn Rng,
    ) -> Result<u16, AcceptError> {
        let id = self.allocate_id(rng)?;
        let tunnel = Tunnel::accept(config, id, &incoming.datagram, now, rng)?;
        let remote = incoming.remote;
        self.tunnels.insert(id, Entry { remote, tunnel });
        self.collect(id);
        Ok(id)
    }

    /// Tunnel `id`.
    pub fn tunnel(&self, id: u16) -> Option<&Tunnel> {
        self.tunnels.get(&id).map(|e| &e.tunnel)
    }

    /// Tunnel `id`, for commands.
    pub fn tunnel_mut(&mut self, id: u16) -> Option<&mut Tunnel> {
        self.tunnels.get_mut(&id).map(|e| &mut e.tunnel)
    }

    /// Our Tunnel IDs.
    pub fn tunnel_ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.tunnels.keys().copied()
    }

    /// Takes in a datagram from `remote`. Returns an [`Incoming`] for a
    /// new SCCRQ, which the owner accepts or drops.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        remote: SocketAddr,
        datagram: &[u8],
        rng: &mut dyn Rng,
    ) -> Option<Incoming> {
        let Ok((header, body)) = HeaderRepr::parse(datagram) else {
            self.counters.bad_datagrams += 1;
            return None;
        };
        if !header.control {
            self.counters.data_messages += 1;
            return None;
        }
        let id = if header.tunnel_id != 0 {
            header.tunnel_id
        } else {
            // Hidden AVPs cannot be read yet: this only needs the plain
            // Message Type, Assigned Tunnel ID, Host Name and Tie Breaker.
            let message = Message::parse(&datagram[body], None).ok()?;
            let peer_id = message.assigned_tunnel_id().unwrap_or(0);
            match self.find_by_peer(remote, peer_id) {
                Some(id) => id,
                None if message.message_type == MessageType::Sccrq => {
                    return self.new_sccrq(remote, datagram, &message);
                }
                None => 0,
            }
        };
        match self.tunnels.get_mut(&id) {
            Some(e) if e.remote == remote => e.tunnel.handle_datagram(now, datagram, rng),
            _ => {
                self.counters.unroutable += 1;
                return None;
            }
        }
        self.collect(id);
        None
    }

    fn find_by_peer(&self, remote: SocketAddr, peer_id: u16) -> Option<u16> {
        if peer_id == 0 {
            return None;
        }
        self.tunnels
            .iter()
            .find(|(_, e)| e.remote == remote && e.tunnel.peer_id() == peer_id)
            .map(|(id, _)| *id)
    }

    /// A new SCCRQ: settle a collision with our own SCCRQ to that peer
    /// (section 4.4.3). The lower Tie Breaker wins; equal ones both lose;
    /// a side that sent one wins over a side that did not.
    fn new_sccrq(
        &mut self,
        remote: SocketAddr,
        datagram: &[u8],
        message: &Message,
    ) -> Option<Incoming> {
        let theirs = message.tie_breaker();
        let mut accept = true;
        if let Some(theirs) = theirs {
            let ours: Vec<(u16, Option<[u8; 8]>)> = self
                .tunnels
                .iter()
                .filter(|(_, e)| e.remote.ip() == remote.ip())
                .filter(|(_, e)| e.tunnel.state() == crate::tunnel::TunnelState::WaitCtlReply)
                .map(|(id, e)| (*id, e.tunnel.pending_tie_breaker()))
                .collect();
            for (id, mine) in ours {
                match mine {
                    Some(mine) if mine < theirs => {
                        self.counters.ties_won += 1;
                        accept = false;
                    }
                    Some(mine) => {
                        self.counters.ties_lost += 1;
                        accept &= mine != theirs;
                        self.discard(id);
                    }
                    None => {
                        self.counters.ties_lost += 1;
                        self.discard(id);
                    }
                }
            }
        }
        accept.then(|| Incoming {
            remote,
            datagram: datagram.to_vec(),
            host_name: message.host_name(),
            peer_tunnel_id: message.assigned_tunnel_id().unwrap_or(0),
        })
    }

    fn discard(&mut self, id: u16) {
        if let Some(e) = self.tunnels.get_mut(&id) {
            e.tunnel.discard();
        }
        self.collect(id);
    }

    /// Time has come to `now`, for every tunnel.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut dyn Rng) {
        let due: Vec<u16> = self
            .tunnels
            .iter()
            .filter(|(_, e)| e.tunnel.poll_timeout().is_some_and(|t| t <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            if let Some(e) = self.tunnels.get_mut(&id) {
                e.tunnel.handle_timeout(now, rng);
            }
            self.collect(id);
        }
    }

    /// The next datagram to send, appended to `out`, and where to.
    #[must_use]
    pub fn poll_transmit(&mut self, out: &mut Vec<u8>) -> Option<SocketAddr> {
        self.poll_transmit_tunnel(out).map(|(_, remote)| remote)
    }

    /// The next datagram to send, appended to `out`, with the Tunnel ID
    /// (ours) it belongs to and where to. A driver that gives a tunnel
    /// its own UDP socket sends it from there: several tunnels to one
    /// peer address cannot be told apart by the address alone.
    #[must_use]
    pub fn poll_transmit_tunnel(&mut self, out: &mut Vec<u8>) -> Option<(u16, SocketAddr)> {
        for (&id, e) in self.tunnels.iter_mut() {
            if e.tunnel.poll_transmit(out) {
                return Some((id, e.remote));
            }
        }
        None
    }

    /// The earliest deadline of any tunnel.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.tunnels
            .values()
            .filter_map(|e| e.tunnel.poll_timeout())
            .min()
    }

    /// The next event, with the Tunnel ID it is about. Closed tunnels are
    /// forgotten once their events and datagrams are drained.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<(u16, Event)> {
        if self.events.is_empty() {
            let ids: Vec<u16> = self.tunnels.keys().copied().collect();
            for id in ids {
                self.collect(id);
            }
        }
        self.events.pop_front()
    }

    /// Moves tunnel `id`'s events to the endpoint's queue, and forgets it
    /// once closed with nothing left to send.
    fn collect(&mut self, id: u16) {
        let Some(e) = self.tunnels.get_mut(&id) else {
            return;
        };
        while let Some(event) = e.tunnel.poll_event() {
            self.events.push_back((id, event));
        }
        if e.tunnel.is_drained() && !e.tunnel.has_transmit() {
            self.tunnels.remove(&id);
        }
    }

    /// A random Tunnel ID not in use (never 0).
    fn allocate_id(&self, rng: &mut dyn Rng) -> Result<u16, AcceptError> {
        let free = |id: &u16| *id != 0 && !self.tunnels.contains_key(id) && !self.held.contains(id);
        for _ in 0..64 {
            let id = rng.next_u32() as u16;
            if free(&id) {
                return Ok(id);
            }
        }
        (1..=u16::MAX).find(free).ok_or(AcceptError::NoTunnelId)
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;
    use crate::config::Role;

    /// Two tunnels to one peer address: each datagram comes out with the
    /// tunnel it belongs to (an SCCRQ's header has Tunnel ID 0, so only
    /// its Assigned Tunnel ID AVP, or the endpoint, can tell).
    #[test]
    fn poll_transmit_tunnel_names_the_tunnel() {
        let mut rng = StdRng::seed_from_u64(16);
        let now = Instant::now();
        let mut endpoint = Endpoint::new();
        let lns: SocketAddr = "192.0.2.1:1701".parse().unwrap();
        let config = Arc::new(TunnelConfig::new(Role::Lac, "lac"));
        let a = endpoint
            .connect(Arc::clone(&config), lns, now, &mut rng)
            .unwrap();
        let b = endpoint.connect(config, lns, now, &mut rng).unwrap();
        assert_ne!(a, b);
        let mut out = Vec::new();
        let mut seen = Vec::new();
        while let Some((id, to)) = endpoint.poll_transmit_tunnel(&mut out) {
            assert_eq!(to, lns);
            let (header, body) = HeaderRepr::parse(&out).unwrap();
            assert_eq!(header.tunnel_id, 0);
            let m = Message::parse(&out[body], None).unwrap();
            assert_eq!(m.message_type, MessageType::Sccrq);
            assert_eq!(m.assigned_tunnel_id(), Some(id));
            seen.push(id);
            out.clear();
        }
        seen.sort_unstable();
        let mut want = vec![a, b];
        want.sort_unstable();
        assert_eq!(seen, want);
        // The old call still says where to, and has nothing left.
        assert_eq!(endpoint.poll_transmit(&mut out), None);
    }

    /// A held Tunnel ID (a kernel tunnel not yet deleted) is never given
    /// to a new tunnel: with every other ID held, the one left is taken.
    #[test]
    fn a_held_tunnel_id_is_not_given_again() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut endpoint = Endpoint::new();
        for id in 1..=u16::MAX {
            if id != 4234 {
                endpoint.hold_id(id);
            }
        }
        let lns: SocketAddr = "192.0.2.1:1701".parse().unwrap();
        let config = Arc::new(TunnelConfig::new(Role::Lac, "lac"));
        let now = Instant::now();
        let id = endpoint
            .connect(Arc::clone(&config), lns, now, &mut rng)
            .unwrap();
        assert_eq!(id, 4234);
        assert_eq!(
            endpoint.connect(Arc::clone(&config), lns, now, &mut rng),
            Err(AcceptError::NoTunnelId)
        );
        endpoint.release_id(99);
        assert_eq!(endpoint.connect(config, lns, now, &mut rng), Ok(99));
    }
}
