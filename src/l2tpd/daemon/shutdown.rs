//! How the daemon stops: on SIGTERM or SIGINT, or when `rppp ctl
//! shutdown [--soft]` asks.
//!
//! - A shutdown closes every PPP session (the Engine's Terminate-Request;
//!   each end becomes a CDN), then sends StopCCN on every tunnel (Result
//!   Code 6, "requester is being shut down", RFC 2661 section 4.4.2) and
//!   waits for their acknowledgements, each step bounded by [`grace`].
//! - A soft shutdown (accel-cmd's `shutdown soft`) first drains: no new
//!   tunnel or call is accepted (a StopCCN or CDN that says why, counted
//!   as [`Refused::ShuttingDown`]), nothing is dialled or redialled, and
//!   the PPP sessions run until they end by themselves or are terminated.
//!   Once none is left, the tunnels close as above.
//!
//! [`grace`]: Daemon::grace

use std::time::Instant;

use rppp_l2tp::{ResultCode, StopCcnResult};

use super::{Daemon, Phase};
use crate::limits::Refused;

impl Daemon {
    /// Whether the daemon is closing its sessions or tunnels (not merely
    /// draining).
    pub(super) fn stopping(&self) -> bool {
        matches!(
            self.phase,
            Phase::StoppingPpp(_) | Phase::StoppingTunnels(_)
        )
    }

    /// Why no new tunnel or call is taken now, if it is not.
    pub(super) fn not_accepting(&self) -> Option<Refused> {
        (self.phase != Phase::Running).then_some(Refused::ShuttingDown)
    }

    /// How long a shutdown step may take: [`Settings::shutdown_grace`],
    /// or longer with many sessions or queued control messages (each CDN
    /// is acknowledged, a window at a time: 1,000 calls in one tunnel
    /// took more than 10 s).
    ///
    /// [`Settings::shutdown_grace`]: crate::l2tpd::settings::Settings::shutdown_grace
    pub(super) fn grace(&self) -> std::time::Duration {
        // A tunnel's StopCCN goes after what is queued before it (the CDNs
        // of sessions that just ended), a window at a time.
        let queued = self
            .endpoint
            .tunnel_ids()
            .filter_map(|id| self.endpoint.tunnel(id))
            .map(|t| t.queued())
            .max()
            .unwrap_or(0);
        let sessions = self
            .glue
            .ppp_sessions()
            .max(self.endpoint_sessions())
            .max(queued);
        let per_session = std::time::Duration::from_millis(20);
        self.settings
            .shutdown_grace
            .max(per_session * u32::try_from(sessions).unwrap_or(u32::MAX))
    }

    /// L2TP sessions in every tunnel.
    pub(super) fn endpoint_sessions(&self) -> usize {
        self.endpoint
            .tunnel_ids()
            .filter_map(|id| self.endpoint.tunnel(id))
            .map(|t| t.session_ids().count())
            .sum()
    }

    /// Closes every PPP session, then the tunnels; `why` is for the log.
    pub(super) fn begin_shutdown(&mut self, why: &str) {
        tracing::info!("terminating {why}: closing every session");
        crate::systemd::stopping();
        self.phase = Phase::StoppingPpp(Instant::now() + self.grace());
        let engine = self.engine.clone();
        tokio::spawn(async move { engine.shutdown().await });
    }

    /// Stops accepting; the tunnels close once the last PPP session has
    /// ended.
    #[cfg(feature = "ctl")]
    pub(super) fn begin_drain(&mut self) {
        tracing::info!(
            "soft shutdown: no new tunnels or calls; {} PPP session(s) run until they end",
            self.glue.ppp_sessions()
        );
        crate::systemd::stopping();
        self.engine.stop_accepting();
        self.phase = Phase::Draining;
    }

    /// `rppp ctl shutdown [--soft]`: the answer.
    #[cfg(feature = "ctl")]
    pub(super) fn ctl_shutdown(&mut self, soft: bool) -> Result<String, String> {
        let sessions = self.glue.ppp_sessions();
        let tunnels = self.endpoint.tunnel_ids().count();
        match (soft, self.phase) {
            (_, Phase::StoppingPpp(_) | Phase::StoppingTunnels(_)) => {
                Err("already shutting down".into())
            }
            (true, Phase::Draining) => Err("already shutting down softly".into()),
            (true, _) => {
                self.begin_drain();
                Ok(format!(
                    "shutting down softly: no new tunnels or calls; \
                     {sessions} PPP session(s) in {tunnels} tunnel(s) run until they end\n"
                ))
            }
            (false, _) => {
                self.begin_shutdown("on request (rppp ctl)");
                Ok(format!(
                    "shutting down: closing {sessions} PPP session(s), then {tunnels} tunnel(s)\n"
                ))
            }
        }
    }

    /// Moves the shutdown along; false once it is complete.
    pub(super) fn advance_shutdown(&mut self) -> bool {
        match self.phase {
            Phase::Running => true,
            Phase::Draining | Phase::StoppingPpp(_) if self.glue.ppp_sessions() > 0 => true,
            Phase::Draining | Phase::StoppingPpp(_) => {
                self.close_tunnels();
                // StopCCN goes out with the next pump.
                true
            }
            Phase::StoppingTunnels(_) => {
                self.put_off_while_acknowledging();
                !self.endpoint.tunnel_ids().all(|id| {
                    self.endpoint
                        .tunnel(id)
                        .is_none_or(|t| t.all_acknowledged())
                })
            }
        }
    }

    /// A peer that still acknowledges (a thousand CDNs before our StopCCN,
    /// taken in slowly while it tears its sessions down) is not given up:
    /// each acknowledgement puts the deadline off by another grace. A peer
    /// that stops answering is given up by then, or by the tunnel's own
    /// retransmission limit.
    fn put_off_while_acknowledging(&mut self) {
        let mut progress = false;
        for id in self.endpoint.tunnel_ids() {
            let Some(t) = self.endpoint.tunnel(id) else {
                continue;
            };
            let acked = t.counters().reliable.acknowledged;
            let seen = self.stop_acked.entry(id).or_insert(acked);
            if acked > *seen {
                *seen = acked;
                progress = true;
            }
        }
        if progress {
            self.phase = Phase::StoppingTunnels(Instant::now() + self.grace());
        }
    }

    /// StopCCN on every tunnel.
    pub(super) fn close_tunnels(&mut self) {
        let now = Instant::now();
        let ids: Vec<u16> = self.endpoint.tunnel_ids().collect();
        for id in ids {
            if let Some(t) = self.endpoint.tunnel_mut(id) {
                t.close(now, ResultCode::stop(StopCcnResult::ShuttingDown));
            }
        }
        self.stop_acked.clear();
        self.phase = Phase::StoppingTunnels(now + self.grace());
    }
}
