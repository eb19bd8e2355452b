//! The states, events and actions of the option negotiation automaton
//! (RFC 1661 sections 4.2, 4.3 and 4.4), named as the RFC names them.

use core::fmt;

/// The ten states of RFC 1661 section 4.2, numbered as in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// 0: the lower layer is unavailable and no Open has occurred.
    Initial = 0,
    /// 1: an Open has occurred; waiting for the lower layer (tls sent).
    Starting = 1,
    /// 2: the lower layer is up, but no Open has occurred.
    Closed = 2,
    /// 3: waiting for a Down event after tlf, or for the peer (passive).
    Stopped = 3,
    /// 4: a Terminate-Request was sent after a Close.
    Closing = 4,
    /// 5: a Terminate-Request was sent (or received) without a Close.
    Stopping = 5,
    /// 6: a Configure-Request was sent; no Configure-Ack either way yet.
    ReqSent = 6,
    /// 7: a Configure-Request was sent and acknowledged.
    AckRcvd = 7,
    /// 8: a Configure-Ack was sent, our request not yet acknowledged.
    AckSent = 8,
    /// 9: both sides acknowledged: the layer is up.
    Opened = 9,
}

impl State {
    /// Every state, in the RFC's order.
    pub const ALL: [State; 10] = [
        State::Initial,
        State::Starting,
        State::Closed,
        State::Stopped,
        State::Closing,
        State::Stopping,
        State::ReqSent,
        State::AckRcvd,
        State::AckSent,
        State::Opened,
    ];

    /// Whether the restart timer runs in this state (RFC 1661 section 4.6:
    /// it times Configure-Request and Terminate-Request transmissions).
    pub fn has_restart_timer(self) -> bool {
        matches!(
            self,
            State::Closing | State::Stopping | State::ReqSent | State::AckRcvd | State::AckSent
        )
    }

    /// Whether a Configure-Request exchange is under way (pppd resets its
    /// options when a request is sent from any other state).
    pub fn is_negotiating(self) -> bool {
        matches!(self, State::ReqSent | State::AckRcvd | State::AckSent)
    }

    /// The RFC's name for the state.
    pub fn name(self) -> &'static str {
        match self {
            State::Initial => "Initial",
            State::Starting => "Starting",
            State::Closed => "Closed",
            State::Stopped => "Stopped",
            State::Closing => "Closing",
            State::Stopping => "Stopping",
            State::ReqSent => "Req-Sent",
            State::AckRcvd => "Ack-Rcvd",
            State::AckSent => "Ack-Sent",
            State::Opened => "Opened",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The sixteen events of RFC 1661 section 4.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    /// The lower layer is ready to carry packets.
    Up,
    /// The lower layer is no longer ready.
    Down,
    /// Administrative Open.
    Open,
    /// Administrative Close.
    Close,
    /// TO+: the restart timer expired with the restart counter above zero.
    TimeoutRetry,
    /// TO-: the restart timer expired with the restart counter at zero.
    TimeoutExpired,
    /// RCR+: a good Configure-Request (answered with Configure-Ack).
    RcrGood,
    /// RCR-: a bad Configure-Request (answered with Configure-Nak or -Reject).
    RcrBad,
    /// RCA: a valid Configure-Ack.
    Rca,
    /// RCN: a valid Configure-Nak or Configure-Reject.
    Rcn,
    /// RTR: a Terminate-Request.
    Rtr,
    /// RTA: a Terminate-Ack.
    Rta,
    /// RUC: a packet with an unknown Code.
    Ruc,
    /// RXJ+: a permitted Code-Reject or Protocol-Reject.
    RxjGood,
    /// RXJ-: a catastrophic Code-Reject or Protocol-Reject.
    RxjBad,
    /// RXR: an Echo-Request, Echo-Reply or Discard-Request.
    Rxr,
}

impl Event {
    /// Every event, in the RFC's order.
    pub const ALL: [Event; 16] = [
        Event::Up,
        Event::Down,
        Event::Open,
        Event::Close,
        Event::TimeoutRetry,
        Event::TimeoutExpired,
        Event::RcrGood,
        Event::RcrBad,
        Event::Rca,
        Event::Rcn,
        Event::Rtr,
        Event::Rta,
        Event::Ruc,
        Event::RxjGood,
        Event::RxjBad,
        Event::Rxr,
    ];

    /// The RFC's name for the event.
    pub fn name(self) -> &'static str {
        match self {
            Event::Up => "Up",
            Event::Down => "Down",
            Event::Open => "Open",
            Event::Close => "Close",
            Event::TimeoutRetry => "TO+",
            Event::TimeoutExpired => "TO-",
            Event::RcrGood => "RCR+",
            Event::RcrBad => "RCR-",
            Event::Rca => "RCA",
            Event::Rcn => "RCN",
            Event::Rtr => "RTR",
            Event::Rta => "RTA",
            Event::Ruc => "RUC",
            Event::RxjGood => "RXJ+",
            Event::RxjBad => "RXJ-",
            Event::Rxr => "RXR",
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The thirteen actions of RFC 1661 section 4.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// tlu: This-Layer-Up.
    Tlu,
    /// tld: This-Layer-Down.
    Tld,
    /// tls: This-Layer-Started.
    Tls,
    /// tlf: This-Layer-Finished.
    Tlf,
    /// irc: Initialize-Restart-Count (to Max-Configure, or to Max-Terminate
    /// when a Terminate-Request follows).
    Irc,
    /// zrc: Zero-Restart-Count (and start the restart timer).
    Zrc,
    /// scr: Send-Configure-Request.
    Scr,
    /// sca: Send-Configure-Ack.
    Sca,
    /// scn: Send-Configure-Nak (or -Reject).
    Scn,
    /// str: Send-Terminate-Request.
    Str,
    /// sta: Send-Terminate-Ack.
    Sta,
    /// scj: Send-Code-Reject.
    Scj,
    /// ser: Send-Echo-Reply.
    Ser,
}

impl Action {
    /// The RFC's three-letter name.
    pub fn name(self) -> &'static str {
        match self {
            Action::Tlu => "tlu",
            Action::Tld => "tld",
            Action::Tls => "tls",
            Action::Tlf => "tlf",
            Action::Irc => "irc",
            Action::Zrc => "zrc",
            Action::Scr => "scr",
            Action::Sca => "sca",
            Action::Scn => "scn",
            Action::Str => "str",
            Action::Sta => "sta",
            Action::Scj => "scj",
            Action::Ser => "ser",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
