//! The daemon's L2TP figures for Prometheus ([`crate::metrics`]): tunnels
//! by state, L2TP sessions, control messages sent, received, resent and
//! timed out. The loop publishes them once a second
//! ([`PUBLISH_INTERVAL`]) into a value a scrape reads at once, so a scrape
//! never waits on the loop and the loop never waits on a scrape.
//!
//! Counters never go down: a tunnel's counters move into the closed total
//! at its TunnelDown (what it sends after, its last StopCCN
//! retransmissions, is not counted), and a tunnel that is down but not yet
//! forgotten counts only in its state.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Daemon;
use crate::limits::Refused;
use crate::metrics::{L2tpMetrics, MetricsOptions, MetricsServer};

/// How often the loop publishes its figures.
pub(super) const PUBLISH_INTERVAL: Duration = Duration::from_secs(1);

/// What the loop keeps for the metrics endpoint.
#[derive(Debug, Default)]
pub(super) struct Published {
    /// What a scrape reads.
    shared: Arc<Mutex<L2tpMetrics>>,
    /// The counters of tunnels that went down.
    closed: L2tpMetrics,
    /// Tunnels that went down and are not forgotten yet.
    down: HashSet<u16>,
}

impl Daemon {
    /// Serves `GET /metrics` at `addr` with the daemon's L2TP figures; an
    /// address that cannot be bound is said once, and the daemon runs
    /// without.
    pub(super) async fn metrics_endpoint(
        &mut self,
        addr: SocketAddr,
        per_session: bool,
    ) -> Option<tokio::task::JoinHandle<()>> {
        match MetricsServer::bind(addr).await {
            Ok(server) => {
                let bound = server.local_addr().unwrap_or(addr);
                tracing::info!("metrics at http://{bound}/metrics");
                let published = Published::default();
                let reader = Arc::clone(&published.shared);
                self.published = Some(published);
                self.publish_metrics();
                let options = MetricsOptions::default()
                    .per_session(per_session)
                    .l2tp(move || reader.lock().map(|m| m.clone()).unwrap_or_default());
                Some(tokio::spawn(server.serve(self.engine.clone(), options)))
            }
            Err(e) => {
                tracing::warn!("no metrics endpoint at {addr}: {e}");
                None
            }
        }
    }

    /// A tunnel went down: its counters join the closed total.
    pub(super) fn metrics_tunnel_down(&mut self, tunnel_id: u16) {
        let Some(p) = &mut self.published else {
            return;
        };
        if let Some(t) = self.endpoint.tunnel(tunnel_id) {
            if p.down.insert(tunnel_id) {
                p.closed.add_tunnel(None, &t.counters());
            }
        }
    }

    /// Publishes the figures for the next scrapes.
    pub(super) fn publish_metrics(&mut self) {
        let Some(p) = &mut self.published else {
            return;
        };
        let mut m = L2tpMetrics::with_every_state();
        m.control_sent = p.closed.control_sent;
        m.control_received = p.closed.control_received;
        m.control_retransmissions = p.closed.control_retransmissions;
        m.control_timeouts = p.closed.control_timeouts;
        m.refused = Refused::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), self.limits.refused(*r)))
            .collect();
        p.down.retain(|id| self.endpoint.tunnel(*id).is_some());
        for id in self.endpoint.tunnel_ids() {
            let Some(t) = self.endpoint.tunnel(id) else {
                continue;
            };
            m.sessions += t.session_ids().count() as u64;
            let counters = match p.down.contains(&id) {
                true => Default::default(),
                false => t.counters(),
            };
            m.add_tunnel(Some(t.state()), &counters);
        }
        if let Ok(mut shared) = p.shared.lock() {
            *shared = m;
        }
    }
}
