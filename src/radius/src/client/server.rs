//! One RADIUS server as the client sees it: where, with which secret,
//! how patiently, whether it is dead, and its Identifiers in flight.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::secret::SharedSecret;

/// A server to send requests to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Its address and port (1812 for authentication, 1813 for
    /// accounting by RFC 2865 and 2866; pppd's configs often say 1645).
    pub address: SocketAddr,
    /// The shared secret.
    pub secret: SharedSecret,
    /// How long to wait for a reply before retransmitting.
    pub timeout: Duration,
    /// Retransmissions before moving on to the next server.
    pub retries: u32,
}

impl ServerConfig {
    /// A server with pppd radiusclient's defaults: 10 s timeout, 3 retries.
    pub fn new(address: SocketAddr, secret: SharedSecret) -> Self {
        ServerConfig {
            address,
            secret,
            timeout: Duration::from_secs(10),
            retries: 3,
        }
    }
}

/// A server and its running state.
#[derive(Debug)]
pub(crate) struct ServerState {
    pub(crate) config: ServerConfig,
    dead_until: Option<Instant>,
    in_flight: [u64; 4],
    next_id: u8,
}

impl ServerState {
    pub(crate) fn new(config: ServerConfig, first_id: u8) -> Self {
        ServerState {
            config,
            dead_until: None,
            in_flight: [0; 4],
            next_id: first_id,
        }
    }

    pub(crate) fn is_alive(&self, now: Instant) -> bool {
        self.dead_until.is_none_or(|t| now >= t)
    }

    pub(crate) fn mark_dead(&mut self, until: Instant) {
        self.dead_until = Some(until);
    }

    pub(crate) fn mark_alive(&mut self) {
        self.dead_until = None;
    }

    fn bit(id: u8) -> (usize, u64) {
        (usize::from(id / 64), 1u64 << (id % 64))
    }

    /// An Identifier not in flight to this server (RFC 2865 section 3:
    /// the Identifier matches replies to requests), taken in turn so that
    /// one just freed is the last to be reused. `None` when all 256 are in
    /// flight.
    pub(crate) fn allocate_id(&mut self) -> Option<u8> {
        for _ in 0..256 {
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            let (word, mask) = Self::bit(id);
            if self.in_flight[word] & mask == 0 {
                self.in_flight[word] |= mask;
                return Some(id);
            }
        }
        None
    }

    pub(crate) fn release_id(&mut self, id: u8) {
        let (word, mask) = Self::bit(id);
        self.in_flight[word] &= !mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_not_reused_while_in_flight() {
        let config = ServerConfig::new("192.0.2.1:1812".parse().unwrap(), SharedSecret::new("s"));
        let mut s = ServerState::new(config, 250);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..256 {
            assert!(seen.insert(s.allocate_id().unwrap()));
        }
        assert_eq!(s.allocate_id(), None);
        s.release_id(7);
        assert_eq!(s.allocate_id(), Some(7));
        assert_eq!(s.allocate_id(), None);
    }

    #[test]
    fn deadtime() {
        let config = ServerConfig::new("192.0.2.1:1812".parse().unwrap(), SharedSecret::new("s"));
        let mut s = ServerState::new(config, 0);
        let now = Instant::now();
        assert!(s.is_alive(now));
        s.mark_dead(now + Duration::from_secs(30));
        assert!(!s.is_alive(now + Duration::from_secs(29)));
        assert!(s.is_alive(now + Duration::from_secs(30)));
        s.mark_alive();
        assert!(s.is_alive(now));
    }
}
