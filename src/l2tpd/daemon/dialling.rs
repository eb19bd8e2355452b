//! The daemon's LAC side: opening a `[lac]` section's tunnel, carrying
//! out the dialler's actions ([`DialAction`]) and telling the dialler of
//! its tunnels and calls.

use std::io;
use std::sync::Arc;
use std::time::Instant;

use rppp_l2tp::{Event, ResultCode, Role, StopCcnResult};
use tokio::net::UdpSocket;

use super::{spawn_reader, Daemon, Place};
use crate::l2tpd::dialer::{Credentials, DialAction};
use crate::l2tpd::kernel::lac_udp_socket;
use crate::l2tpd::settings::{resolve_lns, Section};

impl Daemon {
    /// The `[lac]` section `lac`'s name.
    pub(super) fn lac_name(&self, lac: usize) -> &str {
        self.settings
            .config
            .lac
            .get(lac)
            .map_or("?", |l| l.common.section.as_str())
    }

    /// LAC: opens a tunnel for `[lac]` section `lac` to its `lns` from a
    /// UDP socket of its own on the first listening address (an ephemeral
    /// port: every tunnel to one LNS gets its own 4-tuple, which the
    /// kernel's data path needs); [`Settings::calls`](crate::l2tpd::settings::Settings::calls) calls are placed
    /// once it is up. Returns our Tunnel ID.
    pub(super) fn open_tunnel(&mut self, lac: usize) -> io::Result<u16> {
        let section = Section::Lac(lac);
        let l = self
            .settings
            .lac(section)
            .ok_or_else(|| io::Error::other("no such [lac] section"))?;
        let lns = resolve_lns(l)?;
        let config = self
            .settings
            .lac_tunnel(section)
            .ok_or_else(|| io::Error::other("no such [lac] section"))?;
        let ip = self.settings.listen[0].ip();
        let socket = lac_udp_socket(ip)
            .map_err(|e| io::Error::new(e.kind(), format!("a UDP socket on {ip}: {e}")))?;
        let socket = Arc::new(UdpSocket::from_std(socket)?);
        let id = self
            .endpoint
            .connect(config, lns, Instant::now(), &mut self.rng)
            .map_err(|e| io::Error::other(format!("{e:?}")))?;
        let reader = spawn_reader(Arc::clone(&socket), 0, Some(id), self.tx.clone());
        self.own.insert(id, socket);
        self.own_readers.insert(id, reader);
        self.places.insert(
            id,
            Place {
                local: 0,
                remote: lns,
                section,
            },
        );
        self.glue.tunnel_opened(id, Role::Lac, self.settings.calls);
        self.dialer.tunnel_opened(lac, id);
        tracing::info!(
            "tunnel {id}: [lac {}]: Connecting to host {}, port {}",
            self.lac_name(lac),
            lns.ip(),
            lns.port()
        );
        Ok(id)
    }

    /// Carries out the dialler's action.
    pub(super) fn dial_action(&mut self, action: DialAction) {
        let now = Instant::now();
        match action {
            DialAction::OpenTunnel { lac } => {
                if let Err(e) = self.open_tunnel(lac) {
                    tracing::error!("[lac {}]: cannot dial: {e}", self.lac_name(lac));
                    self.dialer.open_failed(lac, now);
                }
            }
            DialAction::PlaceCall {
                lac,
                tunnel_id,
                count,
            } => {
                tracing::info!(
                    "[lac {}]: calling on tunnel {tunnel_id}",
                    self.lac_name(lac)
                );
                self.apply(crate::l2tpd::Command::PlaceCalls { tunnel_id, count });
            }
            DialAction::CloseTunnel { lac, tunnel_id } => {
                let ip = self.places.get(&tunnel_id).map(|p| p.remote.ip());
                tracing::info!(
                    "tunnel {tunnel_id}: [lac {}]: Disconnecting from {}, Local: {tunnel_id}",
                    self.lac_name(lac),
                    ip.map_or_else(|| "?".into(), |ip| ip.to_string())
                );
                if let Some(t) = self.endpoint.tunnel_mut(tunnel_id) {
                    t.close(now, ResultCode::stop(StopCcnResult::GeneralClear));
                }
            }
        }
    }

    /// Dials `[lac]` section `lac` (autodial, the control pipe's `c`).
    pub fn connect_lac(&mut self, lac: usize, credentials: Option<Credentials>) {
        match self.dialer.connect(lac, credentials) {
            Ok(Some(a)) => self.dial_action(a),
            Ok(None) => {}
            Err(e) => tracing::warn!("[lac {lac}]: {e}"),
        }
    }

    /// The dialler hears of its tunnels and calls.
    pub(super) fn dial_event(&mut self, tunnel_id: u16, event: &Event) {
        let now = Instant::now();
        match event {
            Event::TunnelUp(_) => self.dialer.tunnel_up(tunnel_id),
            Event::SessionUp(_) => self.dialer.call_up(tunnel_id),
            Event::SessionDown { .. } => self.dialer.call_down(tunnel_id, now),
            Event::TunnelDown(_) => {
                self.pacer.forget(tunnel_id);
                self.dialer.tunnel_down(tunnel_id, now);
                self.metrics_tunnel_down(tunnel_id);
            }
            Event::LinkInfo { .. } | Event::WanError { .. } => {}
        }
    }
}
