//! What a control protocol supplies to the automaton: pppd's `fsm_callbacks`
//! as a trait.
//!
//! The automaton ([`Fsm`](super::Fsm)) owns the states, timers, counters,
//! Identifiers and the packet format; the protocol owns the meaning of its
//! options. It builds our Configure-Request, judges each option of the
//! peer's, and applies the peer's Ack, Nak and Reject of ours. It never sends
//! packets itself.

use rand_core::Rng;

use super::state::State;
use crate::option::RawOption;

/// The answer to one option of the peer's Configure-Request
/// (RFC 1661 sections 5.2 to 5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Acceptable as it stands.
    Ack,
    /// Recognizable but not acceptable: the protocol appended the option
    /// with a value it would accept to the Nak list.
    Nak,
    /// Not recognizable, or not acceptable for negotiation.
    Reject,
}

/// Why a Configure-Ack, -Nak or -Reject does not fit our request. The
/// packet is silently discarded and counted, as pppd does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BadReply {
    /// An option list that does not parse.
    Malformed,
    /// An option with a Length its type does not allow.
    BadOptionLength {
        /// The option's Type.
        kind: u8,
    },
    /// A Nak or Reject that names the same option twice.
    Duplicate {
        /// The option's Type.
        kind: u8,
    },
    /// A Nak suggesting back the very value we asked for.
    NakOfSameValue {
        /// The option's Type.
        kind: u8,
    },
}

/// What the automaton does with a packet whose Code it does not handle
/// itself (it handles Configure-*, Terminate-* and Code-Reject).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// An Echo-Request: the RXR event, answered by ser in Opened.
    EchoRequest,
    /// An Echo-Reply or Discard-Request: the RXR event, no answer.
    Rxr,
    /// A permitted Protocol-Reject (RXJ+).
    RxjGood,
    /// A catastrophic Protocol-Reject (RXJ-).
    RxjBad,
    /// A packet the protocol consumed with no automaton event
    /// (Identification, Time-Remaining, CCP's Reset-Request).
    Consumed,
    /// A packet of a known Code that is malformed or not valid in this
    /// state: silently discarded and counted.
    Discard,
    /// An unknown Code: RUC, answered with Code-Reject.
    Unknown,
}

/// A control protocol on top of the option negotiation automaton: LCP,
/// IPCP, IPv6CP, CCP.
pub trait ControlProtocol {
    /// The protocol's name as the RFCs and pppd's logs spell it ("LCP").
    const NAME: &'static str;

    /// A new negotiation starts: put our request back to the configured
    /// options (pppd's `resetci`). Called before the first Configure-Request
    /// sent from a state that was not already negotiating.
    fn reset(&mut self, rng: &mut dyn Rng);

    /// Appends the options of our Configure-Request (RFC 1661 section 5.1).
    fn write_request(&mut self, out: &mut Vec<u8>);

    /// A Configure-Request of the peer is about to be judged: forget what its
    /// previous one said.
    fn begin_peer_request(&mut self);

    /// Judges one option of the peer's Configure-Request. For
    /// [`Verdict::Nak`] the protocol appends the option, with a value it
    /// would accept, to `nak`. With `reject_if_disagree` (Max-Failure Naks
    /// were sent in a row) it must answer Reject where it would answer Nak.
    /// Each option Type is judged once per request; the automaton rejects
    /// repeats itself.
    fn judge_option(
        &mut self,
        option: RawOption<'_>,
        reject_if_disagree: bool,
        nak: &mut Vec<u8>,
        rng: &mut dyn Rng,
    ) -> Verdict;

    /// Called after the last option when none was rejected: appends to
    /// `nak` any option the peer left out that we want it to include
    /// (RFC 1661 section 5.3 allows Nak to name such options). IPCP uses it
    /// to give an address to a peer that asked for none.
    fn judge_missing(&mut self, reject_if_disagree: bool, nak: &mut Vec<u8>) {
        let _ = (reject_if_disagree, nak);
    }

    /// The peer acknowledged our last request; the automaton has checked
    /// that the Ack echoes it octet for octet.
    fn apply_ack(&mut self) {}

    /// The peer Nak'd our last request (RFC 1661 section 5.3). With
    /// `treat_as_reject` (Max-Failure Naks received in a row) the protocol
    /// stops asking for every option the Nak names instead of adopting
    /// the values. The automaton has checked the option list parses.
    fn apply_nak(
        &mut self,
        options: &[u8],
        treat_as_reject: bool,
        rng: &mut dyn Rng,
    ) -> Result<(), BadReply>;

    /// The peer rejected options of our last request (RFC 1661 section
    /// 5.4). The automaton has checked that they are a subset of the request
    /// in its order, unmodified.
    fn apply_reject(&mut self, options: &[u8]) -> Result<(), BadReply>;

    /// The peer Code-Rejected `code`: returns whether that is bearable
    /// (RXJ+) or ends the protocol (RXJ-). RFC 1661 section 5.6: the codes
    /// the automaton needs (1 to 7) are catastrophic. A protocol may also
    /// stop using the code (LCP stops its echo keepalive).
    fn code_rejected(&mut self, code: u8) -> bool {
        !(1..=7).contains(&code)
    }

    /// A packet whose Code is not 1 to 7. The default knows none.
    fn receive_code(&mut self, code: u8, identifier: u8, data: &[u8], state: State) -> Extension {
        let _ = (code, identifier, data, state);
        Extension::Unknown
    }

    /// The Data of the Echo-Reply to an Echo-Request whose Data was
    /// `request` (the ser action; LCP puts its own Magic-Number first).
    fn echo_reply(&mut self, request: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(request);
    }

    /// tlu: the protocol is up; its negotiated values are final.
    fn this_layer_up(&mut self) {}

    /// tld: the protocol leaves Opened.
    fn this_layer_down(&mut self) {}
}
