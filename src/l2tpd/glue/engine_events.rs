//! The Engine's events: an LNS session's `SendAccm` becomes Set-Link-Info,
//! a PPP session's end becomes a CDN (unless the L2TP session is gone
//! already) and may let its ended tunnel's kernel tunnel go.

use rppp_l2tp::Role;

use super::{result_code, Command, Glue};
use crate::driver::{EngineEvent, SessionId};
use crate::session::SessionEvent;

impl Glue {
    /// An event of the Engine's.
    pub fn on_engine(&mut self, id: SessionId, event: &EngineEvent) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            EngineEvent::Session(SessionEvent::SendAccm { send, recv }) => {
                let Some(link) = self.ppp.get(&id).filter(|l| l.l2tp_up) else {
                    return out;
                };
                let lns = self
                    .tunnels
                    .get(&link.tunnel_id)
                    .is_some_and(|t| t.role == Role::Lns);
                if lns {
                    out.push(Command::SendLinkInfo {
                        tunnel_id: link.tunnel_id,
                        session_id: link.session_id,
                        send_accm: *send,
                        recv_accm: *recv,
                    });
                }
            }
            EngineEvent::Ended(ended) => {
                let Some(link) = self.ppp.remove(&id) else {
                    return out;
                };
                self.by_l2tp.remove(&(link.tunnel_id, link.session_id));
                if link.l2tp_up {
                    out.push(Command::CloseL2tpSession {
                        tunnel_id: link.tunnel_id,
                        session_id: link.session_id,
                        result: result_code(&ended.reason),
                    });
                }
                if let Some(slot) = self.tunnels.get_mut(&link.tunnel_id) {
                    slot.sessions.remove(&link.session_id);
                }
                self.finish_tunnel(link.tunnel_id, &mut out);
            }
            _ => {}
        }
        out
    }
}
