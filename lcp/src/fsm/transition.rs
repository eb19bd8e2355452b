//! The transition function of the automaton: RFC 1661 section 4.1 as a
//! `match`, one arm per state and event.
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
    match event {
        Event::Up => match state {
            Initial => to(Closed),
            Starting => act(&[Irc, Scr], ReqSent),
            _ => None,
        },
        Event::Down => match state {
            Initial | Starting => None,
            Closed => to(Initial),
            Stopped => act(&[Tls], Starting),
            Closing => to(Initial),
            Stopping | ReqSent | AckRcvd | AckSent => to(Starting),
            Opened => act(&[Tld], Starting),
        },
        Event::Open => match state {
            Initial => act(&[Tls], Starting),
            Starting => to(Starting),
            Closed => act(&[Irc, Scr], ReqSent),
            Stopped => to(Stopped),
            Closing | Stopping => to(Stopping),
            ReqSent | AckRcvd | AckSent | Opened => to(state),
        },
        Event::Close => match state {
            Initial => to(Initial),
            Starting => act(&[Tlf], Initial),
            Closed | Stopped => to(Closed),
            Closing | Stopping => to(Closing),
            ReqSent | AckRcvd | AckSent => act(&[Irc, Str], Closing),
            Opened => act(&[Tld, Irc, Str], Closing),
        },
        Event::TimeoutRetry => match state {
            Closing | Stopping => act(&[Str], state),
            ReqSent | AckRcvd => act(&[Scr], ReqSent),
            AckSent => act(&[Scr], AckSent),
            _ => None,
        },
        Event::TimeoutExpired => match state {
            Closing => act(&[Tlf], Closed),
            Stopping | ReqSent | AckRcvd | AckSent => act(&[Tlf], Stopped),
            _ => None,
        },
        Event::RcrGood => match state {
            Initial | Starting => None,
            Closed => act(&[Sta], Closed),
            Stopped => act(&[Irc, Scr, Sca], AckSent),
            Closing | Stopping => to(state),
            ReqSent => act(&[Sca], AckSent),
            AckRcvd => act(&[Sca, Tlu], Opened),
            AckSent => act(&[Sca], AckSent),
            Opened => act(&[Tld, Scr, Sca], AckSent),
        },
        Event::RcrBad => match state {
            Initial | Starting => None,
            Closed => act(&[Sta], Closed),
            Stopped => act(&[Irc, Scr, Scn], ReqSent),
            Closing | Stopping => to(state),
            ReqSent | AckSent => act(&[Scn], ReqSent),
            AckRcvd => act(&[Scn], AckRcvd),
            Opened => act(&[Tld, Scr, Scn], ReqSent),
        },
        Event::Rca => match state {
            Initial | Starting => None,
            Closed | Stopped => act(&[Sta], state),
            Closing | Stopping => to(state),
            ReqSent => act(&[Irc], AckRcvd),
            AckRcvd => act(&[Scr], ReqSent),
            AckSent => act(&[Irc, Tlu], Opened),
            Opened => act(&[Tld, Scr], ReqSent),
        },
        Event::Rcn => match state {
            Initial | Starting => None,
            Closed | Stopped => act(&[Sta], state),
            Closing | Stopping => to(state),
            ReqSent => act(&[Irc, Scr], ReqSent),
            AckRcvd => act(&[Scr], ReqSent),
            AckSent => act(&[Irc, Scr], AckSent),
            Opened => act(&[Tld, Scr], ReqSent),
        },
        Event::Rtr => match state {
            Initial | Starting => None,
            Closed | Stopped | Closing | Stopping => act(&[Sta], state),
            ReqSent | AckRcvd | AckSent => act(&[Sta], ReqSent),
            Opened => act(&[Tld, Zrc, Sta], Stopping),
        },
        Event::Rta => match state {
            Initial | Starting => None,
            Closed | Stopped => to(state),
            Closing => act(&[Tlf], Closed),
            Stopping => act(&[Tlf], Stopped),
            ReqSent | AckRcvd => to(ReqSent),
            AckSent => to(AckSent),
            Opened => act(&[Tld, Scr], ReqSent),
        },
        Event::Ruc => match state {
            Initial | Starting => None,
            _ => act(&[Scj], state),
        },
        Event::RxjGood => match state {
            Initial | Starting => None,
            AckRcvd => to(ReqSent),
            _ => to(state),
        },
        Event::RxjBad => match state {
            Initial | Starting => None,
            Closed | Closing => act(&[Tlf], Closed),
            Stopped | Stopping | ReqSent | AckRcvd | AckSent => act(&[Tlf], Stopped),
            Opened => act(&[Tld, Irc, Str], Stopping),
        },
        Event::Rxr => match state {
            Initial | Starting => None,
            Opened => act(&[Ser], Opened),
            _ => to(state),
        },
    }
}
