//! Two sessions, an LNS and a LAC, joined in memory on a virtual clock.
//!
//! The link between them has a latency and, chosen per frame by a seeded
//! random source, loss, duplication, reordering and corruption. Everything
//! is deterministic from the seed, so a failure replays exactly. The tests
//! and the benchmarks use it; so can a program that embeds rppp and wants to
//! try its configuration against itself.
//!
//! ```
//! use std::time::Duration;
//! use rppp::pair::{Pair, Side};
//! use rppp::session::{Role, SessionConfig, SessionEvent};
//!
//! let mut lns = SessionConfig::new(Role::Lns);
//! lns.ipcp.local = Some("10.201.0.1".parse().unwrap());
//! lns.ipcp.remote = Some("10.201.0.2".parse().unwrap());
//! let mut lac = SessionConfig::new(Role::Lac);
//! lac.ipcp.noipdefault = true;
//! let mut pair = Pair::new(lns, lac, 1);
//! pair.start();
//! pair.drive_until(Duration::from_secs(60), |p| p.side(Side::Lac).ip_up().is_some());
//! let (local, peer) = pair.side(Side::Lac).ip_up().unwrap();
//! assert_eq!(local.to_string(), "10.201.0.2");
//! assert_eq!(peer.to_string(), "10.201.0.1");
//! ```

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng};

mod sent_log;
pub use sent_log::SentLog;

use crate::session::{
    DataPathAction, EventWords, FrameDisplay, Session, SessionConfig, SessionEvent, StaleVerdict,
    Verdict, VerifyHandle,
};

/// What the link does to frames: each a probability per frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// The frame is lost.
    pub loss: f64,
    /// The frame arrives twice.
    pub duplication: f64,
    /// The frame is held back up to `reorder_window`, so later ones overtake it.
    pub reordering: f64,
    /// One bit of the frame's Information field is flipped.
    pub corruption: f64,
}

impl Faults {
    /// The same probability of loss, duplication and reordering.
    pub fn uniform(p: f64) -> Faults {
        Faults {
            loss: p,
            duplication: p,
            reordering: p,
            corruption: 0.0,
        }
    }
}

/// Which session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first session given to [`Pair::new`].
    Lns,
    /// The second.
    Lac,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::Lns => 0,
            Side::Lac => 1,
        }
    }
}

/// One session of the pair, with everything it put out.
#[derive(Debug)]
pub struct Endpoint {
    /// The session.
    pub session: Session,
    /// Every event it reported, in order.
    pub events: Vec<SessionEvent>,
    /// Every data-path action it asked for, in order.
    pub actions: Vec<DataPathAction>,
    /// Frames it sent, in order.
    pub sent: SentLog,
    /// The addresses of the last IpUp while IPv4 is up: `ip_up` is asked
    /// after every step, so it is kept as events arrive, not searched for.
    ip: Option<(Ipv4Addr, Ipv4Addr)>,
    /// The exit code of the Terminated event, once it came.
    exit: Option<u8>,
}

impl Endpoint {
    /// The exit code, once the session terminated.
    pub fn exit_code(&self) -> Option<u8> {
        self.exit
    }

    /// The addresses of the last IpUp, if IPv4 is up now.
    pub fn ip_up(&self) -> Option<(Ipv4Addr, Ipv4Addr)> {
        self.ip
    }

    /// Notes an event the session reported, and keeps it when `keep`.
    fn record(&mut self, event: SessionEvent, keep: bool) {
        match &event {
            SessionEvent::IpUp { local, peer, .. } => self.ip = Some((*local, *peer)),
            SessionEvent::IpDown => self.ip = None,
            SessionEvent::Terminated { exit_code, .. } => {
                self.ip = None;
                self.exit = Some(*exit_code);
            }
            _ => {}
        }
        if keep {
            self.events.push(event);
        }
    }

    /// How many frames of `protocol` it sent.
    pub fn sent_count(&self, protocol: u16) -> usize {
        self.sent.count(protocol)
    }
}

/// A frame on its way.
#[derive(Debug, Clone)]
struct InFlight {
    at: Instant,
    to: usize,
    protocol: u16,
    information: Vec<u8>,
}

/// A hook that sees every frame leaving a side, and may change it or drop
/// it (return false).
pub type Filter = Box<dyn FnMut(Side, u16, &mut Vec<u8>) -> bool>;

/// Two sessions on a virtual clock.
pub struct Pair {
    sides: [Endpoint; 2],
    /// The virtual time.
    pub now: Instant,
    /// One-way latency.
    pub latency: Duration,
    /// How far a reordered frame may be held back.
    pub reorder_window: Duration,
    /// The faults on the link, both ways.
    pub faults: Faults,
    /// pppd-style log lines (`lns: sent [LCP ConfReq ...]`, a frame the
    /// link lost marked `-- dropped`, the sessions' events in pppd's
    /// words), when enabled.
    pub log: Option<Vec<String>>,
    /// Each side's events in pppd's words, for the log.
    words: [EventWords; 2],
    filter: Option<Filter>,
    start: Instant,
    rng: StdRng,
    wire: Vec<InFlight>,
    /// Buffers of delivered frames, for the next frames sent: a pair
    /// allocates for the most frames in flight at once, not for each.
    spare: Vec<Vec<u8>>,
    /// Frames due in this step.
    due: Vec<InFlight>,
    /// Whether the sides' records (events, actions, frames sent) are kept.
    records: bool,
}

impl std::fmt::Debug for Pair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pair")
            .field("sides", &self.sides)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl Pair {
    /// Two sessions, not started, with no faults and 10 ms of latency. The
    /// seed decides every random choice: the sessions' and the link's.
    /// Sessions made from clones of one `Arc<SessionConfig>` share it.
    pub fn new(
        lns: impl Into<Arc<SessionConfig>>,
        lac: impl Into<Arc<SessionConfig>>,
        seed: u64,
    ) -> Pair {
        // Room for a whole negotiation's records, allocated once.
        let endpoint = |config: Arc<SessionConfig>| Endpoint {
            session: Session::new(config),
            events: Vec::with_capacity(16),
            actions: Vec::with_capacity(16),
            sent: SentLog::with_capacity(16, 512),
            ip: None,
            exit: None,
        };
        let now = Instant::now();
        Pair {
            sides: [endpoint(lns.into()), endpoint(lac.into())],
            now,
            latency: Duration::from_millis(10),
            reorder_window: Duration::from_millis(1500),
            faults: Faults::default(),
            log: None,
            words: Default::default(),
            filter: None,
            start: now,
            rng: StdRng::seed_from_u64(seed),
            wire: Vec::with_capacity(8),
            spare: Vec::with_capacity(8),
            due: Vec::with_capacity(8),
            records: true,
        }
    }

    /// Starts over with two new sessions and a new seed, as
    /// [`new`](Self::new) would, but keeps the harness's own buffers (the
    /// records and the wire) and the latency, faults, log setting and
    /// filter. The clock goes on from where it was. A benchmark that runs
    /// many pairs then measures the sessions, not the harness's
    /// allocations.
    pub fn restart(
        &mut self,
        lns: impl Into<Arc<SessionConfig>>,
        lac: impl Into<Arc<SessionConfig>>,
        seed: u64,
    ) {
        for (endpoint, config) in self.sides.iter_mut().zip([lns.into(), lac.into()]) {
            endpoint.session = Session::new(config);
            endpoint.events.clear();
            endpoint.ip = None;
            endpoint.exit = None;
            endpoint.actions.clear();
            endpoint.sent.clear();
        }
        self.spare
            .extend(self.wire.drain(..).map(|frame| frame.information));
        self.start = self.now;
        self.rng = StdRng::seed_from_u64(seed);
        if let Some(log) = &mut self.log {
            log.clear();
        }
        self.words = Default::default();
    }

    /// Sets the faults.
    pub fn with_faults(mut self, faults: Faults) -> Pair {
        self.faults = faults;
        self
    }

    /// Keeps no record of the events, data-path actions and frames each
    /// side sent ([`Endpoint::events`], [`Endpoint::actions`],
    /// [`Endpoint::sent`] stay empty); [`Endpoint::ip_up`] and
    /// [`Endpoint::exit_code`] still answer. For benchmarks, which measure
    /// the sessions, not the test records.
    pub fn without_records(mut self) -> Pair {
        self.records = false;
        self
    }

    /// Keeps a pppd-style frame log in [`log`](Self::log).
    pub fn with_log(mut self) -> Pair {
        self.log = Some(Vec::new());
        self
    }

    /// Installs a hook that sees (and may alter or drop) every frame sent.
    pub fn with_filter(mut self, filter: Filter) -> Pair {
        self.filter = Some(filter);
        self
    }

    /// One side.
    pub fn side(&self, side: Side) -> &Endpoint {
        &self.sides[side.index()]
    }

    /// One side, writable (to close it, say).
    pub fn side_mut(&mut self, side: Side) -> &mut Endpoint {
        &mut self.sides[side.index()]
    }

    /// Starts both sessions (their units "exist" at once).
    pub fn start(&mut self) {
        for i in 0..2 {
            self.sides[i].session.start(self.now, &mut self.rng);
        }
        self.flush();
    }

    /// Starts one session only.
    pub fn start_one(&mut self, side: Side) {
        self.sides[side.index()]
            .session
            .start(self.now, &mut self.rng);
        self.flush();
    }

    /// Administrative close of one side.
    pub fn close(&mut self, side: Side) {
        self.sides[side.index()]
            .session
            .close(self.now, &mut self.rng);
        self.flush();
    }

    /// One side found the link idle (`idle`): its driver closes it.
    pub fn close_idle(&mut self, side: Side) {
        self.sides[side.index()]
            .session
            .close_idle(self.now, &mut self.rng);
        self.flush();
    }

    /// The lower layer of one side goes down.
    pub fn lower_down(&mut self, side: Side) {
        self.sides[side.index()]
            .session
            .lower_down(self.now, &mut self.rng);
        self.flush();
    }

    /// Delivers a frame to `to` now, as if the other side had sent it: for
    /// scripted peers.
    pub fn inject(&mut self, to: Side, protocol: u16, information: &[u8]) {
        self.log_frame(to, "rcvd", protocol, information);
        self.sides[to.index()]
            .session
            .handle_frame(self.now, protocol, information, &mut self.rng);
        self.flush();
    }

    /// Delivers an outside verifier's verdict to `side` now (see
    /// [`Session::verdict`]): for tests of deferred verification.
    ///
    /// # Errors
    /// [`StaleVerdict`] when no request with that handle is pending there.
    pub fn verdict(
        &mut self,
        side: Side,
        handle: VerifyHandle,
        verdict: Verdict,
    ) -> Result<(), StaleVerdict> {
        let result =
            self.sides[side.index()]
                .session
                .verdict(self.now, handle, verdict, &mut self.rng);
        self.flush();
        result
    }

    /// Limits `side`'s connect time now (see
    /// [`Session::set_connect_limit`]).
    pub fn set_connect_limit(&mut self, side: Side, limit: Option<Duration>) {
        self.sides[side.index()]
            .session
            .set_connect_limit(self.now, limit);
        self.flush();
    }

    /// The two sessions, LNS first, for keeping after the negotiation.
    pub fn into_sessions(self) -> [Session; 2] {
        self.sides.map(|endpoint| endpoint.session)
    }

    /// Whether both sessions terminated.
    pub fn both_terminated(&self) -> bool {
        self.sides.iter().all(|s| s.session.is_terminated())
    }

    fn name(index: usize) -> &'static str {
        ["lns", "lac"][index]
    }

    /// Logs a frame when the log is on. Inlined: it is asked for every
    /// frame, and a pair without a log (a benchmark) should pay a test only.
    #[inline]
    fn log_frame(&mut self, side: Side, verb: &str, protocol: u16, information: &[u8]) {
        if self.log.is_some() {
            self.log_frame_slow(side, verb, protocol, information);
        }
    }

    #[cold]
    fn log_frame_slow(&mut self, side: Side, verb: &str, protocol: u16, information: &[u8]) {
        if let Some(log) = &mut self.log {
            let t = (self.now - self.start).as_secs_f64();
            let frame = FrameDisplay {
                protocol,
                information,
            };
            log.push(format!(
                "{t:8.3} {}: {verb} {frame}",
                Pair::name(side.index())
            ));
        }
    }

    /// Adds what the link did with a frame to its "sent" line, the last
    /// line logged.
    #[cold]
    fn mark_sent(&mut self, mark: &str) {
        if let Some(line) = self.log.as_mut().and_then(|log| log.last_mut()) {
            line.push(' ');
            line.push_str(mark);
        }
    }

    /// Moves what the sessions put out onto the wire and into the records.
    fn flush(&mut self) {
        for from in 0..2 {
            self.flush_side(from);
        }
    }

    /// Takes what side `from` has to give: only a side that was just fed
    /// can have any.
    fn flush_side(&mut self, from: usize) {
        let side = [Side::Lns, Side::Lac][from];
        while let Some(action) = self.sides[from].session.poll_action() {
            if self.records {
                self.sides[from].actions.push(action);
            }
        }
        loop {
            let mut information = self.spare.pop().unwrap_or_else(|| Vec::with_capacity(128));
            information.clear();
            let Some(protocol) = self.sides[from].session.poll_transmit(&mut information) else {
                self.spare.push(information);
                break;
            };
            self.log_frame(side, "sent", protocol, &information);
            if self.records {
                self.sides[from].sent.push(protocol, &information);
            }
            if let Some(filter) = &mut self.filter {
                if !filter(side, protocol, &mut information) {
                    self.mark_sent("-- dropped by the test's filter");
                    self.spare.push(information);
                    continue;
                }
            }
            let f = self.faults;
            // Draw only for faults that can happen: a fault-free pair
            // (the benchmarks) pays nothing for them.
            let mut chance = |p: f64| p > 0.0 && self.rng.random_bool(p);
            let lost = chance(f.loss);
            let duplicated = !lost && chance(f.duplication);
            if lost {
                self.mark_sent("-- dropped: lost on the link");
                self.spare.push(information);
                continue;
            }
            if duplicated {
                self.mark_sent("-- duplicated on the link");
            }
            let copies = if duplicated { 2 } else { 1 };
            for copy in 0..copies {
                let mut information = if copy + 1 == copies {
                    std::mem::take(&mut information)
                } else {
                    information.clone()
                };
                if !information.is_empty()
                    && f.corruption > 0.0
                    && self.rng.random_bool(f.corruption)
                {
                    let i = self.rng.random_range(0..information.len());
                    information[i] ^= 1 << self.rng.random_range(0..8);
                }
                let mut at = self.now + self.latency;
                if f.reordering > 0.0 && self.rng.random_bool(f.reordering) {
                    at += self.reorder_window.mul_f64(self.rng.random_range(0.0..1.0));
                }
                self.wire.push(InFlight {
                    at,
                    to: 1 - from,
                    protocol,
                    information,
                });
            }
        }
        while let Some(event) = self.sides[from].session.poll_event() {
            if let Some(log) = &mut self.log {
                let t = (self.now - self.start).as_secs_f64();
                for line in self.words[from].lines(&event) {
                    log.push(format!("{t:8.3} {}: {line}", Pair::name(from)));
                }
            }
            self.sides[from].record(event, self.records);
        }
    }

    /// Advances the clock to the next frame arrival or timer and handles
    /// it. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let next_frame = self.wire.iter().map(|w| w.at).min();
        let next_timer = self
            .sides
            .iter()
            .filter_map(|s| s.session.poll_timeout())
            .min();
        let Some(next) = [next_frame, next_timer].into_iter().flatten().min() else {
            return false;
        };
        self.now = self.now.max(next);
        let mut due = std::mem::take(&mut self.due);
        let mut i = 0;
        while i < self.wire.len() {
            if self.wire[i].at <= self.now {
                due.push(self.wire.swap_remove(i));
            } else {
                i += 1;
            }
        }
        due.sort_by_key(|w| w.at);
        for frame in due.drain(..) {
            let side = [Side::Lns, Side::Lac][frame.to];
            self.log_frame(side, "rcvd", frame.protocol, &frame.information);
            let session = &mut self.sides[frame.to].session;
            session.handle_frame(self.now, frame.protocol, &frame.information, &mut self.rng);
            self.spare.push(frame.information);
            self.flush_side(frame.to);
        }
        self.due = due;
        for i in 0..2 {
            let session = &mut self.sides[i].session;
            if session.poll_timeout().is_some_and(|t| t <= self.now) {
                session.handle_timeout(self.now, &mut self.rng);
                self.flush_side(i);
            }
        }
        true
    }

    /// Steps until nothing is left to happen or `limit` of virtual time has
    /// passed. Returns the number of steps.
    ///
    /// # Panics
    /// After a million steps: the sessions are not settling.
    pub fn drive(&mut self, limit: Duration) -> usize {
        self.drive_until(limit, |_| false)
    }

    /// Like [`drive`](Self::drive), but also stops once `done` holds.
    pub fn drive_until(&mut self, limit: Duration, mut done: impl FnMut(&Pair) -> bool) -> usize {
        let end = self.now + limit;
        let mut steps = 0;
        while self.now < end && !done(self) && self.step() {
            steps += 1;
            assert!(steps < 1_000_000, "the pair does not settle");
        }
        steps
    }
}
