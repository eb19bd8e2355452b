//! The endpoint's events: a tunnel up gets its kernel tunnel (and a LAC's
//! dialled calls), a session up gets a kernel session and PPP, a session
//! or tunnel down closes its PPP sessions as their lower layer going down.

use rppp_l2tp::Event;

use super::{Command, Glue};
use crate::driver::CloseReason;

impl Glue {
    /// An event of the endpoint's.
    pub fn on_l2tp(&mut self, tunnel_id: u16, event: &Event) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            Event::TunnelUp(info) => {
                let Some(slot) = self.tunnels.get_mut(&tunnel_id) else {
                    return out;
                };
                out.push(Command::CreateKernelTunnel {
                    tunnel_id,
                    peer_tunnel_id: info.peer_tunnel_id,
                });
                let count = std::mem::take(&mut slot.calls);
                if count > 0 {
                    out.push(Command::PlaceCalls { tunnel_id, count });
                }
            }
            Event::SessionUp(info) => {
                let Some(slot) = self.tunnels.get(&tunnel_id) else {
                    return out;
                };
                out.push(Command::StartSession {
                    role: slot.role,
                    info: info.clone(),
                });
            }
            Event::SessionDown { session_id, .. } => {
                // Our own CDN (after the PPP session ended) finds no
                // PPP session here any more.
                self.lower_layer_down(tunnel_id, *session_id, &mut out);
            }
            Event::TunnelDown(_) => {
                if let Some(slot) = self.tunnels.get_mut(&tunnel_id) {
                    slot.down = true;
                    // The endpoint reports every session down before the
                    // tunnel; any PPP session still marked up goes now.
                    for sid in slot.sessions.clone() {
                        self.lower_layer_down(tunnel_id, sid, &mut out);
                    }
                }
                self.finish_tunnel(tunnel_id, &mut out);
            }
            Event::LinkInfo { .. } | Event::WanError { .. } => {}
        }
        out
    }

    /// Our L2TP session `session_id` of tunnel `tunnel_id` is gone: its
    /// PPP session, if one runs and was not told yet, closes as its lower
    /// layer going down.
    fn lower_layer_down(&mut self, tunnel_id: u16, session_id: u16, out: &mut Vec<Command>) {
        let Some(&id) = self.by_l2tp.get(&(tunnel_id, session_id)) else {
            return;
        };
        if let Some(link) = self.ppp.get_mut(&id) {
            if link.l2tp_up {
                link.l2tp_up = false;
                out.push(Command::ClosePpp {
                    id,
                    reason: CloseReason::LowerLayerDown,
                });
            }
        }
    }
}
