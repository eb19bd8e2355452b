//! Firing an event: the cell of RFC 1661 section 4.1 (with the passive
//! and silent options), the state change and the actions of section 4.4.

use std::time::Instant;

use rand_core::Rng;

use super::transition;
use super::{Action, ControlProtocol, Event, Fsm, FsmEvent, Received, State, Transition};
use crate::packet::{Code, HEADER_LEN};
use crate::spare;

impl<P: ControlProtocol> Fsm<P> {
    /// The cell for `event` in the current state, with the passive and
    /// silent options applied.
    pub(super) fn cell(&self, event: Event) -> Option<Transition> {
        let cell = transition(self.state, event)?;
        let stopped = Transition {
            actions: &[],
            next: State::Stopped,
        };
        let silent_start = matches!(
            (self.state, event),
            (State::Starting, Event::Up) | (State::Closed, Event::Open)
        );
        if self.config.silent && silent_start {
            return Some(stopped);
        }
        if self.config.passive && event == Event::TimeoutExpired && self.state.is_negotiating() {
            return Some(stopped);
        }
        Some(cell)
    }

    pub(super) fn fire(
        &mut self,
        now: Instant,
        event: Event,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        let Some(cell) = self.cell(event) else {
            self.counters.illegal_events += 1;
            return;
        };
        let previous = self.state;
        self.state = cell.next;
        for &action in cell.actions {
            self.act(action, cell.actions, previous, now, event, received, rng);
        }
        if !self.state.has_restart_timer() {
            self.deadline = None;
        }
        if !self.state.is_negotiating() && self.outbox.is_empty() {
            // The negotiation is over: an empty outbox gives its buffer back.
            self.outbox.release();
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn act(
        &mut self,
        action: Action,
        actions: &[Action],
        previous: State,
        now: Instant,
        event: Event,
        received: Received<'_>,
        rng: &mut dyn Rng,
    ) {
        match action {
            Action::Tlu => {
                self.protocol.this_layer_up();
                self.events.push(FsmEvent::Up);
                // No reply to our request can count in Opened, and the next
                // request is built afresh: the buffers are not needed.
                spare::give(&mut self.request);
                spare::give(&mut self.reply);
            }
            Action::Tld => {
                self.protocol.this_layer_down();
                self.events.push(FsmEvent::Down);
            }
            Action::Tls => self.events.push(FsmEvent::Started),
            Action::Tlf => self.events.push(FsmEvent::Finished),
            Action::Irc => {
                self.restart_count = if actions.contains(&Action::Str) {
                    self.config.max_terminate
                } else {
                    self.config.max_configure
                };
            }
            Action::Zrc => {
                self.restart_count = 0;
                self.deadline = Some(now + self.config.restart_interval);
            }
            Action::Scr => {
                // TO+ only follows a request already sent: send it again as it was.
                let retransmit = event == Event::TimeoutRetry;
                self.send_configure_request(now, retransmit, !previous.is_negotiating(), rng);
            }
            Action::Sca | Action::Scn => {
                let reply = std::mem::take(&mut self.reply);
                let code = match (action, self.reply_code) {
                    (Action::Sca, _) => Code::ConfigureAck,
                    (_, Code::ConfigureReject) => Code::ConfigureReject,
                    _ => Code::ConfigureNak,
                };
                self.send(code.into(), received.identifier, &reply);
                self.reply = reply;
                if code == Code::ConfigureNak {
                    self.nak_loops += 1;
                } else if code == Code::ConfigureAck {
                    self.nak_loops = 0;
                }
            }
            Action::Str => {
                let reason = std::mem::take(&mut self.term_reason);
                self.send_packet(Code::TerminateRequest.into(), &reason);
                self.term_reason = reason;
                self.restart_count = self.restart_count.saturating_sub(1);
                self.deadline = Some(now + self.config.restart_interval);
            }
            Action::Sta => self.send(Code::TerminateAck.into(), received.identifier, &[]),
            Action::Scj => {
                let room = usize::from(self.peer_mru).saturating_sub(HEADER_LEN);
                let rejected = &received.packet[..received.packet.len().min(room)];
                self.send_packet(Code::CodeReject.into(), rejected);
            }
            Action::Ser => {
                if received.echo_request {
                    let mut data = Vec::new();
                    self.protocol.echo_reply(received.data, &mut data);
                    self.send(Code::EchoReply.into(), received.identifier, &data);
                }
            }
        }
    }

    pub(super) fn send_configure_request(
        &mut self,
        now: Instant,
        retransmit: bool,
        fresh: bool,
        rng: &mut dyn Rng,
    ) {
        if !retransmit {
            if fresh {
                self.protocol.reset(rng);
                self.nak_loops = 0;
                self.rnak_loops = 0;
            }
            self.request.clear();
            // Requests are short: one allocation rather than one per option.
            spare::reserve(&mut self.request, 32);
            self.protocol.write_request(&mut self.request);
            self.id = self.id.wrapping_add(1);
            self.reqid = self.id;
        }
        self.reply_pending = true;
        self.restart_count = self.restart_count.saturating_sub(1);
        let request = std::mem::take(&mut self.request);
        self.send(Code::ConfigureRequest.into(), self.reqid, &request);
        self.request = request;
        self.deadline = Some(now + self.config.restart_interval);
    }
}
