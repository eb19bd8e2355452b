//! The transition function of the automaton: RFC 1661 section 4.1 as code.
//! [`transition`] picks the table's row for the event; each row is a function
//! of its own with one arm per state, so a row reads beside the RFC's table.
//! The rows are grouped by the kinds of event of RFC 1661 section 4.3.
//!
//! This is the automaton's own transcription. The table is also written down
//! separately as data ([`super::rfc1661_table`]), and the tests run the real
//! automaton through every cell and compare.

use super::state::{Action, Event, State};
use Action::*;
use State::*;

/// What one event does in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The actions, in the order the automaton carries them out.
    pub actions: &'static [Action],
    /// The state afterwards.
    pub next: State,
}

const fn to(next: State) -> Option<Transition> {
    Some(Transition { actions: &[], next })
}

const fn act(actions: &'static [Action], next: State) -> Option<Transition> {
    Some(Transition { actions, next })
}

/// The cell of RFC 1661 section 4.1 for `event` in `state`, without the
/// passive and silent options (the automaton applies those itself). `None`
/// is the table's dash: an event that cannot occur in that state, which the
/// automaton ignores and counts.
pub fn transition(state: State, event: Event) -> Option<Transition> {
    // One row of the table per event, in the RFC's order.
    match event {
        Event::Up => up(state),
        Event::Down => down(state),
        Event::Open => open(state),
        Event::Close => close(state),
        Event::TimeoutRetry => timeout_retry(state),
        Event::TimeoutExpired => timeout_expired(state),
        Event::RcrGood => rcr_good(state),
        Event::RcrBad => rcr_bad(state),
        Event::Rca => rca(state),
        Event::Rcn => rcn(state),
        Event::Rtr => rtr(state),
        Event::Rta => rta(state),
        Event::Ruc => ruc(state),
        Event::RxjGood => rxj_good(state),
        Event::RxjBad => rxj_bad(state),
        Event::Rxr => rxr(state),
    }
}

// The lower layer and the administrative events (RFC 1661 section 4.3:
// Up, Down, Open, Close).

/// The Up row: the lower layer is up.
fn up(state: State) -> Option<Transition> {
    match state {
        Initial => to(Closed),
        Starting => act(&[Irc, Scr], ReqSent),
        _ => None,
    }
}

/// The Down row: the lower layer is down.
fn down(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed => to(Initial),
        Stopped => act(&[Tls], Starting),
        Closing => to(Initial),
        Stopping | ReqSent | AckRcvd | AckSent => to(Starting),
        Opened => act(&[Tld], Starting),
    }
}

/// The Open row: administrative Open.
fn open(state: State) -> Option<Transition> {
    match state {
        Initial => act(&[Tls], Starting),
        Starting => to(Starting),
        Closed => act(&[Irc, Scr], ReqSent),
        Stopped => to(Stopped),
        Closing | Stopping => to(Stopping),
        ReqSent | AckRcvd | AckSent | Opened => to(state),
    }
}

/// The Close row: administrative Close.
fn close(state: State) -> Option<Transition> {
    match state {
        Initial => to(Initial),
        Starting => act(&[Tlf], Initial),
        Closed | Stopped => to(Closed),
        Closing | Stopping => to(Closing),
        ReqSent | AckRcvd | AckSent => act(&[Irc, Str], Closing),
        Opened => act(&[Tld, Irc, Str], Closing),
    }
}

// The restart timer (RFC 1661 section 4.3: TO+, TO-).

/// The TO+ row: the restart timer expired, counter not yet zero.
fn timeout_retry(state: State) -> Option<Transition> {
    match state {
        Closing | Stopping => act(&[Str], state),
        ReqSent | AckRcvd => act(&[Scr], ReqSent),
        AckSent => act(&[Scr], AckSent),
        _ => None,
    }
}

/// The TO- row: the restart timer expired, counter zero.
fn timeout_expired(state: State) -> Option<Transition> {
    match state {
        Closing => act(&[Tlf], Closed),
        Stopping | ReqSent | AckRcvd | AckSent => act(&[Tlf], Stopped),
        _ => None,
    }
}

// Received Configure packets (RFC 1661 section 4.3: RCR+, RCR-, RCA, RCN).

/// The RCR+ row: a good Configure-Request.
fn rcr_good(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed => act(&[Sta], Closed),
        Stopped => act(&[Irc, Scr, Sca], AckSent),
        Closing | Stopping => to(state),
        ReqSent => act(&[Sca], AckSent),
        AckRcvd => act(&[Sca, Tlu], Opened),
        AckSent => act(&[Sca], AckSent),
        Opened => act(&[Tld, Scr, Sca], AckSent),
    }
}

/// The RCR- row: a Configure-Request to Nak or Reject.
fn rcr_bad(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed => act(&[Sta], Closed),
        Stopped => act(&[Irc, Scr, Scn], ReqSent),
        Closing | Stopping => to(state),
        ReqSent | AckSent => act(&[Scn], ReqSent),
        AckRcvd => act(&[Scn], AckRcvd),
        Opened => act(&[Tld, Scr, Scn], ReqSent),
    }
}

/// The RCA row: a Configure-Ack.
fn rca(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed | Stopped => act(&[Sta], state),
        Closing | Stopping => to(state),
        ReqSent => act(&[Irc], AckRcvd),
        AckRcvd => act(&[Scr], ReqSent),
        AckSent => act(&[Irc, Tlu], Opened),
        Opened => act(&[Tld, Scr], ReqSent),
    }
}

/// The RCN row: a Configure-Nak or Configure-Reject.
fn rcn(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed | Stopped => act(&[Sta], state),
        Closing | Stopping => to(state),
        ReqSent => act(&[Irc, Scr], ReqSent),
        AckRcvd => act(&[Scr], ReqSent),
        AckSent => act(&[Irc, Scr], AckSent),
        Opened => act(&[Tld, Scr], ReqSent),
    }
}

// Received Terminate packets (RFC 1661 section 4.3: RTR, RTA).

/// The RTR row: a Terminate-Request.
fn rtr(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed | Stopped | Closing | Stopping => act(&[Sta], state),
        ReqSent | AckRcvd | AckSent => act(&[Sta], ReqSent),
        Opened => act(&[Tld, Zrc, Sta], Stopping),
    }
}

/// The RTA row: a Terminate-Ack.
fn rta(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed | Stopped => to(state),
        Closing => act(&[Tlf], Closed),
        Stopping => act(&[Tlf], Stopped),
        ReqSent | AckRcvd => to(ReqSent),
        AckSent => to(AckSent),
        Opened => act(&[Tld, Scr], ReqSent),
    }
}

// Received codes, rejects and echoes (RFC 1661 section 4.3: RUC, RXJ+,
// RXJ-, RXR).

/// The RUC row: an unknown code.
fn ruc(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        _ => act(&[Scj], state),
    }
}

/// The RXJ+ row: a permitted Code-Reject or Protocol-Reject.
fn rxj_good(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        AckRcvd => to(ReqSent),
        _ => to(state),
    }
}

/// The RXJ- row: a catastrophic Code-Reject or Protocol-Reject.
fn rxj_bad(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Closed | Closing => act(&[Tlf], Closed),
        Stopped | Stopping | ReqSent | AckRcvd | AckSent => act(&[Tlf], Stopped),
        Opened => act(&[Tld, Irc, Str], Stopping),
    }
}

/// The RXR row: an Echo-Request, Echo-Reply or Discard-Request.
fn rxr(state: State) -> Option<Transition> {
    match state {
        Initial | Starting => None,
        Opened => act(&[Ser], Opened),
        _ => to(state),
    }
}
