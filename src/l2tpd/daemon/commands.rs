//! Carrying out what the glue asks: kernel tunnels made and deleted
//! (once what was sent on them is acknowledged), PPP sessions started on
//! established calls within the limits, L2TP sessions and tunnels closed.

use std::sync::Arc;
use std::time::Instant;

use rppp_l2tp::{CallParams, ErrorCode, ResultCode, Role, SessionInfo, StopCcnResult};

use super::{spawn_reader, Daemon};
use crate::l2tpd::glue::Command;
use crate::l2tpd::kernel::{reapable, KernelTunnel};
use crate::l2tpd::settings::Section;
use crate::l2tpd::setup::SessionPlace;
use crate::limits::Refused;

impl Daemon {
    pub(super) fn apply(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::CreateKernelTunnel {
                tunnel_id,
                peer_tunnel_id,
            } => {
                let Some(place) = self.places.get(&tunnel_id).copied() else {
                    return;
                };
                let local = self.settings.listen[place.local];
                // A LAC tunnel's kernel tunnel is on its own socket,
                // whose reader carries on; an LNS tunnel's gets a new one.
                let opened = match self.own.get(&tunnel_id) {
                    Some(s) => KernelTunnel::on_socket(
                        Arc::clone(s),
                        place.remote,
                        tunnel_id,
                        peer_tunnel_id,
                    ),
                    None => KernelTunnel::open(local, place.remote, tunnel_id, peer_tunnel_id),
                };
                match opened {
                    Ok(kt) => {
                        let reader = self.own_readers.remove(&tunnel_id).unwrap_or_else(|| {
                            spawn_reader(Arc::clone(&kt.udp), place.local, None, self.tx.clone())
                        });
                        // The ID stays ours until the kernel tunnel is gone,
                        // even once the endpoint has let the tunnel go.
                        self.endpoint.hold_id(tunnel_id);
                        self.kernel.insert(tunnel_id, (kt, reader));
                    }
                    Err(e) => {
                        tracing::error!("tunnel {tunnel_id}: cannot create the kernel tunnel: {e}");
                        if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                            let result = ResultCode::stop(StopCcnResult::GeneralError)
                                .with_error(ErrorCode::NoResources, &e.to_string());
                            t.close(now, result);
                        }
                    }
                }
            }
            // Every call goes through the pacer (a tunnel's first calls
            // too, which the glue asks for when it comes up): placed at
            // once, or as --max-starting allows.
            Command::PlaceCalls { tunnel_id, count } => {
                self.pacer.owe(tunnel_id, count);
                self.pace_calls();
            }
            Command::StartSession { role, info } => self.start_session(role, info),
            Command::SendLinkInfo {
                tunnel_id,
                session_id,
                send_accm,
                recv_accm,
            } => {
                if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                    if let Err(e) = t.send_link_info(now, session_id, send_accm, recv_accm) {
                        tracing::debug!("tunnel {tunnel_id}: Set-Link-Info: {e}");
                    }
                }
            }
            Command::CloseL2tpSession {
                tunnel_id,
                session_id,
                result,
            } => {
                if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                    if let Err(e) = t.close_session(now, session_id, result) {
                        tracing::debug!("tunnel {tunnel_id}: CDN: {e}");
                    }
                }
            }
            Command::ClosePpp { id, reason } => {
                // A session that already ended is not there any more.
                let _ = self.engine.close(id, reason);
            }
            Command::DeleteKernelTunnel { tunnel_id } => {
                // Reaped by the loop after this pump has sent what the
                // endpoint queued: the ZLB that acknowledges a peer's
                // StopCCN must leave by the tunnel's own socket (a LAC's
                // ephemeral port, which the peer knows), which goes with
                // the kernel tunnel.
                if !self.doomed.contains(&tunnel_id) {
                    self.doomed.push(tunnel_id);
                }
            }
        }
    }

    /// Deletes the kernel tunnels the glue gave up once everything we sent
    /// on them is acknowledged (or the endpoint gave up on them). The
    /// peer answers our CDN and StopCCN to the tunnel's connected socket:
    /// deleting it at once lost those acknowledgements (xl2tpd acks
    /// both at once), and the StopCCN was resent until the shutdown grace
    /// ran out.
    pub(super) fn reap_kernel_tunnels(&mut self) {
        for id in reapable(&self.endpoint, &mut self.doomed) {
            if let Some((kt, reader)) = self.kernel.remove(&id) {
                reader.abort();
                drop(kt);
                self.endpoint.release_id(id);
                tracing::info!("tunnel {id}: kernel tunnel deleted");
            }
            if let Some(reader) = self.own_readers.remove(&id) {
                reader.abort();
            }
            self.own.remove(&id);
            self.places.remove(&id);
        }
    }

    /// PPP sessions not yet in the Network phase (one pass over the
    /// Engine's registry).
    fn negotiating(&self) -> usize {
        usize::try_from(self.engine.tally().starting()).unwrap_or(usize::MAX)
    }

    /// A LAC's owed calls ([`CallPacer`]) placed as `max_starting`
    /// allows: calls not yet carrying PPP and PPP sessions negotiating
    /// count as starting.
    ///
    /// [`CallPacer`]: crate::l2tpd::pacer::CallPacer
    pub(super) fn pace_calls(&mut self) {
        if self.pacer.is_empty() {
            return;
        }
        let max = self.limits.settings().max_starting;
        let starting = match max {
            Some(_) => {
                let calls = self.endpoint_sessions();
                calls.saturating_sub(self.glue.ppp_sessions()) + self.negotiating()
            }
            None => 0,
        };
        for tunnel_id in self.pacer.take(starting, max) {
            self.place_call(tunnel_id);
        }
    }

    /// An ICRQ on `tunnel_id` now.
    fn place_call(&mut self, tunnel_id: u16) {
        if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
            match t.open_session(Instant::now(), CallParams::default(), &mut self.rng) {
                Ok(sid) => tracing::info!("tunnel {tunnel_id}: call {sid} placed"),
                Err(e) => tracing::error!("tunnel {tunnel_id}: cannot place a call: {e}"),
            }
        }
    }

    /// An LNS's new call within the limits ([`super::limits`]), or why
    /// not (counted there).
    fn admit_call(&mut self, tunnel_id: u16) -> Result<(), Refused> {
        if let Some(why) = self.not_accepting() {
            return Err(self.limits.refuse(why));
        }
        let Some(peer) = self.places.get(&tunnel_id).map(|p| p.remote.ip()) else {
            return Ok(());
        };
        let starting = match self.limits.settings().max_starting {
            Some(_) => self.negotiating(),
            None => 0,
        };
        let sessions = self.glue.ppp_sessions();
        self.limits
            .admit_call(Instant::now(), peer, sessions, starting)
    }

    pub(super) fn start_session(&mut self, role: Role, info: SessionInfo) {
        let (t, s) = (info.tunnel_id, info.session_id);
        if role == Role::Lns {
            if let Err(why) = self.admit_call(t) {
                // RFC 2661 section 4.4.2: no facilities, for now.
                self.apply(Command::CloseL2tpSession {
                    tunnel_id: t,
                    session_id: s,
                    result: ResultCode::cdn(rppp_l2tp::CdnResult::TemporaryFacilities)
                        .with_error(ErrorCode::NoResources, &why.to_string()),
                });
                return;
            }
        }
        let started = (|| {
            let (kt, _) = self
                .kernel
                .get(&t)
                .ok_or_else(|| "the tunnel has no kernel tunnel".to_string())?;
            let place = self
                .places
                .get(&t)
                .ok_or_else(|| "the tunnel has no place".to_string())?;
            let place = SessionPlace {
                section: place.section,
                remote: place.remote,
            };
            let credentials = match place.section {
                Section::Lac(i) => self.dialer.credentials(i),
                _ => None,
            };
            let mut call = self
                .setup
                .prepare(&self.settings, place, &info, credentials)
                .map_err(|e| e.to_string())?;
            if role == Role::Lns {
                call.kernel.socket.lns_mode = Some(true);
            }
            if info.sequencing_required {
                call.kernel.socket.send_seq = Some(true);
            }
            let added = kt
                .session(s, info.peer_session_id)
                .map_err(|e| format!("cannot create the kernel session: {e}"))
                .and_then(|socket| self.add_ppp(t, socket, call, role, &info));
            if added.is_err() {
                self.setup.released(t, s);
            }
            added
        })();
        match started {
            Ok(id) => {
                tracing::info!(
                    "tunnel {t} session {s} (peer {}/{}): PPP session {id}",
                    info.peer_tunnel_id,
                    info.peer_session_id
                );
                self.sessions.insert(id, (t, s));
                self.glue.session_started(t, s, id);
            }
            Err(why) => {
                tracing::error!("tunnel {t} session {s}: {why}");
                for c in self.glue.session_failed(t, s, &why) {
                    self.apply(c);
                }
            }
        }
    }

    /// Deletes every kernel tunnel left and waits for their sockets to
    /// close; the readers of the listening sockets stop.
    pub(super) async fn delete_all_kernel(&mut self) {
        let ids: Vec<u16> = self.kernel.keys().copied().collect();
        for id in ids {
            if let Some((kt, reader)) = self.kernel.remove(&id) {
                reader.abort();
                drop(kt);
                let _ = reader.await;
                self.endpoint.release_id(id);
                tracing::info!("tunnel {id}: kernel tunnel deleted");
            }
        }
        for (_, r) in self.own_readers.drain() {
            r.abort();
        }
        self.own.clear();
        for r in self.readers.drain(..) {
            r.abort();
        }
    }
}
