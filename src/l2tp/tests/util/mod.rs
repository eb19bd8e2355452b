//! Two endpoints connected in memory on a virtual clock, with loss,
//! duplication and reordering injected from a seed (after quinn-proto's
//! `Pair`).
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng};
use rppp_l2tp::{Endpoint, Event, TunnelConfig};

/// What the network does to each datagram.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Probability a datagram is lost.
    pub loss: f64,
    /// Probability it is delivered twice.
    pub duplicate: f64,
    /// Probability it is delayed by up to 300 ms more, overtaking others.
    pub reorder: f64,
    /// Drop everything (a cut link).
    pub cut: bool,
}

pub struct Side {
    pub endpoint: Endpoint,
    pub addr: SocketAddr,
    /// With a configuration, SCCRQs are accepted.
    pub accept: Option<Arc<TunnelConfig>>,
    pub events: Vec<(u16, Event)>,
}

impl Side {
    pub fn new(addr: &str, accept: Option<Arc<TunnelConfig>>) -> Side {
        Side {
            endpoint: Endpoint::new(),
            addr: addr.parse().unwrap(),
            accept,
            events: Vec::new(),
        }
    }

    pub fn tunnel_up(&self) -> Option<u16> {
        self.events
            .iter()
            .find_map(|(id, e)| matches!(e, Event::TunnelUp(_)).then_some(*id))
    }

    pub fn tunnel_down(&self) -> Option<&rppp_l2tp::TunnelEnd> {
        self.events.iter().find_map(|(_, e)| match e {
            Event::TunnelDown(r) => Some(r),
            _ => None,
        })
    }

    pub fn sessions_up(&self) -> Vec<&rppp_l2tp::SessionInfo> {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::SessionUp(i) => Some(i),
                _ => None,
            })
            .collect()
    }

    pub fn count(&self, f: impl Fn(&Event) -> bool) -> usize {
        self.events.iter().filter(|(_, e)| f(e)).count()
    }
}

struct InFlight {
    at: Instant,
    to_b: bool,
    bytes: Vec<u8>,
}

pub struct Pair {
    pub a: Side,
    pub b: Side,
    pub now: Instant,
    pub start: Instant,
    pub rng: StdRng,
    pub faults: Faults,
    pub latency: Duration,
    flight: Vec<InFlight>,
    pub steps: usize,
    /// Every datagram sent, before faults: (towards b, bytes).
    pub log: Vec<(bool, Vec<u8>)>,
}

impl Pair {
    pub fn new(a: Side, b: Side, seed: u64) -> Pair {
        let now = Instant::now();
        Pair {
            a,
            b,
            now,
            start: now,
            rng: StdRng::seed_from_u64(seed),
            faults: Faults::default(),
            latency: Duration::from_millis(10),
            flight: Vec::new(),
            steps: 0,
            log: Vec::new(),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    fn flush(&mut self) {
        let mut out = Vec::new();
        for to_b in [true, false] {
            loop {
                out.clear();
                let side = if to_b { &mut self.a } else { &mut self.b };
                let Some(_to) = side.endpoint.poll_transmit(&mut out) else {
                    break;
                };
                self.send(to_b, out.clone());
            }
        }
        for side in [&mut self.a, &mut self.b] {
            while let Some(e) = side.endpoint.poll_event() {
                side.events.push(e);
            }
        }
    }

    fn send(&mut self, to_b: bool, bytes: Vec<u8>) {
        self.log.push((to_b, bytes.clone()));
        let f = self.faults;
        if f.cut || self.rng.random_bool(f.loss) {
            return;
        }
        let copies = if self.rng.random_bool(f.duplicate) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let mut at = self.now + self.latency;
            if self.rng.random_bool(f.reorder) {
                at += Duration::from_millis(self.rng.random_range(0..300));
            }
            self.flight.push(InFlight {
                at,
                to_b,
                bytes: bytes.clone(),
            });
        }
    }

    /// One step: send what is queued, advance to the next arrival or
    /// deadline, deliver and time out. False when nothing is left to do.
    pub fn step(&mut self) -> bool {
        self.steps += 1;
        self.flush();
        let next = [
            self.flight.iter().map(|f| f.at).min(),
            self.a.endpoint.poll_timeout(),
            self.b.endpoint.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else { return false };
        self.now = self.now.max(next);
        let now = self.now;
        let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.flight)
            .into_iter()
            .partition(|f| f.at <= now);
        self.flight = rest;
        for f in due {
            let (to, from) = if f.to_b {
                (&mut self.b, self.a.addr)
            } else {
                (&mut self.a, self.b.addr)
            };
            if let Some(incoming) = to
                .endpoint
                .handle_datagram(now, from, &f.bytes, &mut self.rng)
            {
                if let Some(config) = to.accept.clone() {
                    let _ = to.endpoint.accept(incoming, config, now, &mut self.rng);
                }
            }
        }
        self.a.endpoint.handle_timeout(now, &mut self.rng);
        self.b.endpoint.handle_timeout(now, &mut self.rng);
        self.flush();
        true
    }

    /// Steps until `done` holds, at most `max_steps` times or until the
    /// virtual clock passes `limit`. Returns whether `done` held.
    pub fn drive_until(
        &mut self,
        max_steps: usize,
        limit: Duration,
        mut done: impl FnMut(&Pair) -> bool,
    ) -> bool {
        for _ in 0..max_steps {
            if done(self) {
                return true;
            }
            if self.elapsed() > limit || !self.step() {
                return done(self);
            }
        }
        done(self)
    }
}
