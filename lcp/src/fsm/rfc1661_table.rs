//! The state transition table of RFC 1661 section 4.1, written down as data.
//!
//! This is the specification the automaton is checked against, kept apart
//! from the automaton's own [`transition`](super::transition::transition)
//! function: the tests put the real automaton in every state, fire every
//! event, and compare what it does with the cell here. The rows are in the
//! RFC's notation, `actions/next-state`, so they can be laid beside the RFC
//! and read cell by cell. A dash is an event that cannot occur in that state.
//! The footnote letters are kept: `r` (restart option), `p` (passive
//! option) and `x` (crossed connection) do not change the default cell.

use super::state::{Action, Event, State};

/// One row per event in [`Event::ALL`] order; one cell per state in
/// [`State::ALL`] order (Initial, Starting, Closed, Stopped, Closing,
/// Stopping, Req-Sent, Ack-Rcvd, Ack-Sent, Opened).
pub const ROWS: [(&str, [&str; 10]); 16] = [
    (
        "Up",
        ["2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-"],
    ),
    (
        "Down",
        ["-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1"],
    ),
    (
        "Open",
        [
            "tls/1",
            "1",
            "irc,scr/6",
            "3r",
            "5r",
            "5r",
            "6",
            "7",
            "8",
            "9r",
        ],
    ),
    (
        "Close",
        [
            "0",
            "tlf/0",
            "2",
            "2",
            "4",
            "4",
            "irc,str/4",
            "irc,str/4",
            "irc,str/4",
            "tld,irc,str/4",
        ],
    ),
    (
        "TO+",
        [
            "-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6", "scr/8", "-",
        ],
    ),
    (
        "TO-",
        [
            "-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p", "tlf/3p", "-",
        ],
    ),
    (
        "RCR+",
        [
            "-",
            "-",
            "sta/2",
            "irc,scr,sca/8",
            "4",
            "5",
            "sca/8",
            "sca,tlu/9",
            "sca/8",
            "tld,scr,sca/8",
        ],
    ),
    (
        "RCR-",
        [
            "-",
            "-",
            "sta/2",
            "irc,scr,scn/6",
            "4",
            "5",
            "scn/6",
            "scn/7",
            "scn/6",
            "tld,scr,scn/6",
        ],
    ),
    (
        "RCA",
        [
            "-",
            "-",
            "sta/2",
            "sta/3",
            "4",
            "5",
            "irc/7",
            "scr/6x",
            "irc,tlu/9",
            "tld,scr/6x",
        ],
    ),
    (
        "RCN",
        [
            "-",
            "-",
            "sta/2",
            "sta/3",
            "4",
            "5",
            "irc,scr/6",
            "scr/6x",
            "irc,scr/8",
            "tld,scr/6x",
        ],
    ),
    (
        "RTR",
        [
            "-",
            "-",
            "sta/2",
            "sta/3",
            "sta/4",
            "sta/5",
            "sta/6",
            "sta/6",
            "sta/6",
            "tld,zrc,sta/5",
        ],
    ),
    (
        "RTA",
        [
            "-",
            "-",
            "2",
            "3",
            "tlf/2",
            "tlf/3",
            "6",
            "6",
            "8",
            "tld,scr/6",
        ],
    ),
    (
        "RUC",
        [
            "-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6", "scj/7", "scj/8", "scj/9",
        ],
    ),
    ("RXJ+", ["-", "-", "2", "3", "4", "5", "6", "6", "8", "9"]),
    (
        "RXJ-",
        [
            "-",
            "-",
            "tlf/2",
            "tlf/3",
            "tlf/2",
            "tlf/3",
            "tlf/3",
            "tlf/3",
            "tlf/3",
            "tld,irc,str/5",
        ],
    ),
    (
        "RXR",
        ["-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9"],
    ),
];

/// A parsed cell: the actions and the next state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Actions in the order the RFC lists them.
    pub actions: Vec<Action>,
    /// The state afterwards.
    pub next: State,
}

/// The cell for `event` in `state`, parsed from [`ROWS`]; `None` for a dash.
///
/// # Panics
/// When the table text itself is malformed (a bug in this file, caught by
/// its tests).
pub fn cell(state: State, event: Event) -> Option<Cell> {
    let (name, cells) = ROWS[event as usize];
    assert_eq!(name, event.name(), "ROWS is out of Event::ALL order");
    parse_cell(cells[state as usize])
}

fn parse_cell(text: &str) -> Option<Cell> {
    if text == "-" {
        return None;
    }
    let (actions, next) = match text.split_once('/') {
        Some((actions, next)) => (actions, next),
        None => ("", text),
    };
    let next = next.trim_end_matches(['r', 'p', 'x']);
    let next: usize = next
        .parse()
        .unwrap_or_else(|_| panic!("bad state in cell {text:?}"));
    let actions = actions
        .split(',')
        .filter(|a| !a.is_empty())
        .map(|a| parse_action(a).unwrap_or_else(|| panic!("bad action {a:?} in cell {text:?}")))
        .collect();
    Some(Cell {
        actions,
        next: State::ALL[next],
    })
}

fn parse_action(name: &str) -> Option<Action> {
    Some(match name {
        "tlu" => Action::Tlu,
        "tld" => Action::Tld,
        "tls" => Action::Tls,
        "tlf" => Action::Tlf,
        "irc" => Action::Irc,
        "zrc" => Action::Zrc,
        "scr" => Action::Scr,
        "sca" => Action::Sca,
        "scn" => Action::Scn,
        "str" => Action::Str,
        "sta" => Action::Sta,
        "scj" => Action::Scj,
        "ser" => Action::Ser,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_parses() {
        let mut legal = 0;
        for event in Event::ALL {
            for state in State::ALL {
                legal += usize::from(cell(state, event).is_some());
            }
        }
        // 160 cells, of which the RFC marks 40 with a dash: 8 for Up, 2 for
        // Down, 5 each for TO+ and TO-, and 2 for each of the ten receive events.
        assert_eq!(legal, 120);
    }

    #[test]
    fn spot_checks_against_the_rfc() {
        assert_eq!(
            cell(State::Opened, Event::RcrGood),
            Some(Cell {
                actions: vec![Action::Tld, Action::Scr, Action::Sca],
                next: State::AckSent
            })
        );
        assert_eq!(
            cell(State::Stopped, Event::Open),
            Some(Cell {
                actions: vec![],
                next: State::Stopped
            })
        );
        assert_eq!(cell(State::Initial, Event::Rxr), None);
    }
}
