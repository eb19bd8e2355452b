//! What a session's task tells the engine's registry, and the figures it
//! answers [`Engine::stats`](super::super::Engine::stats) with.

use super::super::datapath::DataPath;
use super::super::events::EngineEvent;
use super::super::hooks::Hooks;
use super::super::log_span;
use super::super::status::SessionStats;
use super::Task;
use crate::session::SessionEvent;

impl<D: DataPath, H: Hooks> Task<D, H> {
    /// Keeps the registry's summary of the session current, and the
    /// session's log context.
    pub(super) fn note(&self, event: &EngineEvent) {
        let registry = &self.start.registry;
        let id = self.start.id;
        match event {
            EngineEvent::Created { ifname, unit, l2tp } => {
                log_span::record_ifname(&self.start.span, ifname);
                if let Some(ids) = l2tp {
                    log_span::record_l2tp(&self.start.span, ids);
                }
                registry.update(id, |i| {
                    i.ifname = Some(ifname.clone());
                    i.unit = Some(*unit);
                    i.l2tp = *l2tp;
                });
            }
            EngineEvent::Session(e) => match e {
                SessionEvent::Phase(p) => registry.update(id, |i| i.phase = *p),
                SessionEvent::LinkUp(negotiated) => registry.link_up(id, negotiated.peer_auth),
                SessionEvent::Authenticated { peer_name } => {
                    log_span::record_user(&self.start.span, peer_name);
                    registry.update(id, |i| i.peer_name = Some(peer_name.clone()));
                    let method = self.session.lcp().negotiated().and_then(|n| n.peer_auth);
                    registry.auth_succeeded(id, method);
                }
                SessionEvent::IpUp { local, peer, .. } => {
                    registry.update(id, |i| i.ipv4 = Some((*local, *peer)));
                    registry.network_up(id);
                }
                SessionEvent::IpDown => registry.update(id, |i| i.ipv4 = None),
                SessionEvent::Ipv6Up { local, peer } => {
                    registry.update(id, |i| i.ipv6 = Some((*local, *peer)));
                    registry.network_up(id);
                }
                SessionEvent::Ipv6Down => registry.update(id, |i| i.ipv6 = None),
                _ => {}
            },
            _ => {}
        }
    }

    /// Everything the task knows about its session.
    pub(super) fn stats(&self) -> SessionStats {
        let id = self.start.id;
        let info = self
            .start
            .registry
            .info(id)
            .unwrap_or_else(|| super::super::status::SessionInfo::new(id));
        SessionStats {
            info,
            lcp: self.session.lcp().state(),
            ipcp: self.session.ipcp().state(),
            ipv6cp: self.session.ipv6cp().map(|v| v.state()),
            rx_frames: self.rx_frames,
            tx_frames: self.tx_frames,
            lcp_counters: *self.session.lcp().counters(),
            auth_attempts: self.auth_attempts,
            session: *self.session.counters(),
            l2tp: self.dp.stats(),
            write_errors: self.write_errors,
            events_dropped: self.start.outbox.dropped,
        }
    }
}
