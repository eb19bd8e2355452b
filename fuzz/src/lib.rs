//! The driver the stateful fuzz targets share.
//!
//! A stateful target's input is a program: the first octet picks the
//! configuration (and seeds the random numbers), then each instruction is
//! an opcode octet and its operands. [`run`] decodes it, feeds the machine
//! under test, and after every instruction lets it drain and check its
//! outputs. Two opcodes mean the same in every target: `op % OPCODES == 2`
//! lets time pass (an operand octet of 100 ms steps, up to 25.5 s) and `3`
//! jumps to the machine's next deadline, which must not lie in the past. A
//! program that ends inside an instruction's operands ends the run.
//!
//! [`run_automaton`] is the whole target for LCP, IPCP and IPv6CP: their
//! opcodes, commands and output checks are the same, and a target names
//! only its configuration and the invariants of its result.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_ipcp::{Ncp, NcpEvent, NcpProtocol};
use rppp_lcp::lcp::{Lcp, LcpEvent};
use rppp_lcp::option::OptionIter;
use rppp_lcp::packet::Repr;

/// What is left of a program: the operands an instruction reads.
#[derive(Debug)]
pub struct Program<'a>(&'a [u8]);

impl<'a> Program<'a> {
    /// The next octet, if any.
    pub fn octet(&mut self) -> Option<u8> {
        let (&octet, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(octet)
    }

    /// The next octet, or `default` at the end of the program.
    pub fn octet_or(&mut self, default: u8) -> u8 {
        self.octet().unwrap_or(default)
    }

    /// A length octet, then that many octets (fewer where the program
    /// ends); `None` without the length octet.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.octet()?).min(self.0.len());
        let (bytes, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(bytes)
    }

    /// The rest of the program, left unread.
    pub fn remaining(&self) -> &'a [u8] {
        self.0
    }
}

/// A sans-IO state machine under test.
pub trait Machine {
    /// An opcode octet `op` means `op % OPCODES`.
    const OPCODES: u8;
    /// The time step, in 100 ms, of a step instruction without its operand.
    const DEFAULT_STEP: u8 = 30;

    /// The earliest time the machine has work.
    fn poll_timeout(&self) -> Option<Instant>;

    /// Time has come to `now`.
    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng);

    /// Carries out instruction `op`, whose `op % OPCODES` is neither 2 nor
    /// 3 (the driver's time instructions), reading its operands from
    /// `program`. `None` when the program ends inside them.
    fn input(&mut self, op: u8, program: &mut Program<'_>, now: Instant, rng: &mut StdRng) -> Option<()>;

    /// Drains every output of the last instruction and checks it; `out` is
    /// a buffer to reuse.
    fn check_outputs(&mut self, out: &mut Vec<u8>);
}

/// Runs the program `data` on the machine `make` builds from the first
/// octet (the configuration flags), the starting time and the random
/// numbers seeded from those flags.
pub fn run<M: Machine>(data: &[u8], make: impl FnOnce(u8, Instant, &mut StdRng) -> M) {
    let Some((&flags, program)) = data.split_first() else { return };
    let mut rng = StdRng::seed_from_u64(u64::from(flags));
    let mut now = Instant::now();
    let mut machine = make(flags, now, &mut rng);
    let mut program = Program(program);
    let mut out = Vec::new();
    while let Some(op) = program.octet() {
        match op % M::OPCODES {
            // Time passes.
            2 => {
                let step = program.octet_or(M::DEFAULT_STEP);
                now += Duration::from_millis(100 * u64::from(step));
                machine.handle_timeout(now, &mut rng);
            }
            // Jump to the next deadline.
            3 => {
                if let Some(deadline) = machine.poll_timeout() {
                    assert!(deadline >= now, "a deadline in the past");
                    now = deadline;
                    machine.handle_timeout(now, &mut rng);
                }
            }
            _ => {
                if machine.input(op, &mut program, now, &mut rng).is_none() {
                    break;
                }
            }
        }
        machine.check_outputs(&mut out);
    }
}

/// No single instruction may make LCP, IPCP or IPv6CP queue more than this
/// many packets, or report more than this many events.
pub const MAX_PACKETS_PER_INPUT: usize = 16;

/// The sans-IO surface LCP, IPCP and IPv6CP share.
pub trait Automaton {
    /// What it reports.
    type Event;
    /// A well-framed packet's code octet is taken modulo this.
    const CODES: u8;

    /// The peer sent `packet`.
    fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut StdRng);
    /// Time has come to `now`.
    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng);
    /// The earliest time it has work.
    fn poll_timeout(&self) -> Option<Instant>;
    /// Administrative Open.
    fn open(&mut self, now: Instant, rng: &mut StdRng);
    /// Administrative Close.
    fn close(&mut self, now: Instant, reason: &str, rng: &mut StdRng);
    /// The lower layer is up.
    fn lower_up(&mut self, now: Instant, rng: &mut StdRng);
    /// The lower layer is down.
    fn lower_down(&mut self, now: Instant, rng: &mut StdRng);
    /// A Protocol-Reject: LCP sends one carrying `information`; a network
    /// protocol receives one of itself.
    fn protocol_reject(&mut self, now: Instant, information: &[u8], rng: &mut StdRng);
    /// The next packet to send, appended to `out`.
    fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool;
    /// The next event.
    fn poll_event(&mut self) -> Option<Self::Event>;
    /// Asserts that `packet`, which it sent, is well-formed.
    fn check_sent(packet: &[u8]);
}

impl Automaton for Lcp {
    type Event = LcpEvent;
    const CODES: u8 = 16;

    fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut StdRng) {
        Lcp::handle_packet(self, now, packet, rng);
    }
    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng) {
        Lcp::handle_timeout(self, now, rng);
    }
    fn poll_timeout(&self) -> Option<Instant> {
        Lcp::poll_timeout(self)
    }
    fn open(&mut self, now: Instant, rng: &mut StdRng) {
        Lcp::open(self, now, rng);
    }
    fn close(&mut self, now: Instant, reason: &str, rng: &mut StdRng) {
        Lcp::close(self, now, reason, rng);
    }
    fn lower_up(&mut self, now: Instant, rng: &mut StdRng) {
        Lcp::lower_up(self, now, rng);
    }
    fn lower_down(&mut self, now: Instant, rng: &mut StdRng) {
        Lcp::lower_down(self, now, rng);
    }
    fn protocol_reject(&mut self, _: Instant, information: &[u8], _: &mut StdRng) {
        // A Protocol-Reject of an IPCP frame.
        let _ = Lcp::protocol_reject(self, 0x8021, information);
    }
    fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        Lcp::poll_transmit(self, out)
    }
    fn poll_event(&mut self) -> Option<LcpEvent> {
        Lcp::poll_event(self)
    }
    fn check_sent(packet: &[u8]) {
        assert!(Repr::parse_bytes(packet).is_ok(), "LCP sent a malformed packet");
    }
}

impl<P: NcpProtocol> Automaton for Ncp<P> {
    type Event = NcpEvent<P::Failure>;
    const CODES: u8 = 8;

    fn handle_packet(&mut self, now: Instant, packet: &[u8], rng: &mut StdRng) {
        Ncp::handle_packet(self, now, packet, rng);
    }
    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng) {
        Ncp::handle_timeout(self, now, rng);
    }
    fn poll_timeout(&self) -> Option<Instant> {
        Ncp::poll_timeout(self)
    }
    fn open(&mut self, now: Instant, rng: &mut StdRng) {
        Ncp::open(self, now, rng);
    }
    fn close(&mut self, now: Instant, reason: &str, rng: &mut StdRng) {
        Ncp::close(self, now, reason, rng);
    }
    fn lower_up(&mut self, now: Instant, rng: &mut StdRng) {
        Ncp::lower_up(self, now, rng);
    }
    fn lower_down(&mut self, now: Instant, rng: &mut StdRng) {
        Ncp::lower_down(self, now, rng);
    }
    fn protocol_reject(&mut self, now: Instant, _: &[u8], rng: &mut StdRng) {
        Ncp::protocol_rejected(self, now, rng);
    }
    fn poll_transmit(&mut self, out: &mut Vec<u8>) -> bool {
        Ncp::poll_transmit(self, out)
    }
    fn poll_event(&mut self) -> Option<Self::Event> {
        Ncp::poll_event(self)
    }
    fn check_sent(packet: &[u8]) {
        let repr = Repr::parse_bytes(packet).unwrap_or_else(|e| panic!("{} sent a malformed packet: {e:?}", P::NAME));
        if (1..=4).contains(&repr.code) {
            assert!(OptionIter::validate(repr.data).is_ok(), "malformed options");
        }
    }
}

/// What must hold of an [`Automaton`] whatever it is fed.
pub trait Invariants<A: Automaton> {
    /// Checked on each event as it is polled.
    fn event(&self, _automaton: &A, _event: &A::Event) {}

    /// Checked after each instruction, once its outputs are drained.
    fn after_input(&self, automaton: &A);
}

/// An [`Automaton`] with its invariants, run as a [`Machine`].
struct Checked<A, I> {
    automaton: A,
    invariants: I,
}

impl<A: Automaton, I: Invariants<A>> Machine for Checked<A, I> {
    const OPCODES: u8 = 8;

    fn poll_timeout(&self) -> Option<Instant> {
        self.automaton.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant, rng: &mut StdRng) {
        self.automaton.handle_timeout(now, rng);
    }

    fn input(&mut self, op: u8, program: &mut Program<'_>, now: Instant, rng: &mut StdRng) -> Option<()> {
        let a = &mut self.automaton;
        match op % Self::OPCODES {
            // A raw packet: length octet, then the octets.
            0 => a.handle_packet(now, program.bytes()?, rng),
            // A well-framed packet: code, identifier, length octet, data.
            1 => {
                let code = program.octet()? % A::CODES;
                let identifier = program.octet()?;
                let data = program.bytes()?;
                let mut packet = Vec::new();
                Repr { code, identifier, data }.append_to(&mut packet);
                a.handle_packet(now, &packet, rng);
            }
            4 => a.open(now, rng),
            5 => a.close(now, "fuzz", rng),
            6 => a.lower_up(now, rng),
            _ if op & 8 != 0 => a.lower_down(now, rng),
            _ => a.protocol_reject(now, program.remaining(), rng),
        }
        Some(())
    }

    fn check_outputs(&mut self, out: &mut Vec<u8>) {
        let mut sent = 0;
        loop {
            out.clear();
            if !self.automaton.poll_transmit(out) {
                break;
            }
            A::check_sent(out);
            sent += 1;
            assert!(sent <= MAX_PACKETS_PER_INPUT, "unbounded output");
        }
        let mut events = 0;
        while let Some(event) = self.automaton.poll_event() {
            self.invariants.event(&self.automaton, &event);
            events += 1;
            assert!(events <= MAX_PACKETS_PER_INPUT, "unbounded events");
        }
        self.invariants.after_input(&self.automaton);
    }
}

/// The whole of an LCP, IPCP or IPv6CP target: `make` builds the automaton
/// and its invariants from the configuration flags. Besides 2 and 3, the
/// opcodes (`op % 8`) are: 0 a raw packet (length octet, octets); 1 a
/// well-framed packet (code, identifier, length octet, data); 4 Open; 5
/// Close; 6 lower layer up; 7 lower layer down when `op & 8`, else a
/// Protocol-Reject (see [`Automaton::protocol_reject`]). Each instruction
/// may send at most [`MAX_PACKETS_PER_INPUT`] packets, each well-formed,
/// and report as many events.
pub fn run_automaton<A: Automaton, I: Invariants<A>>(data: &[u8], make: impl FnOnce(u8) -> (A, I)) {
    run(data, |flags, _, _| {
        let (automaton, invariants) = make(flags);
        Checked { automaton, invariants }
    });
}
