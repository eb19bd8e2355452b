//! What the driver does beside the protocols, as pppd does it: the idle
//! check (`auth.c` `check_idle`), the default route and proxy ARP entry
//! while IPCP is up (`ipcp.c` `ipcp_up`, `ipcp_clear_addrs`), and the
//! link's figures for the down scripts (`main.c` `reset_link_stats`,
//! `update_link_stats`).

use std::net::Ipv4Addr;
use std::time::Duration;

use tokio::time::Instant;

use super::super::config::LinkOptions;
use super::super::datapath::{DataPath, ProxyArpOutcome, RouteOutcome, UnitStats};
use super::super::events::NetworkStats;
use super::super::FramedRoute;

/// The state of what [`LinkOptions`] asked for.
pub(super) struct LinkState {
    options: LinkOptions,
    /// A close was asked for (no idle check after it).
    closing: bool,
    /// When the idle check runs next.
    idle_deadline: Option<Instant>,
    /// Network protocols up (pppd's `num_np_up`).
    np_up: u8,
    /// When the first network protocol came up, and the unit's counters
    /// then (pppd's `reset_link_stats`).
    net_start: Option<(Instant, Option<UnitStats>)>,
    /// The peer's IPv4 address, while the addresses are set.
    pub(super) ipv4_peer: Option<Ipv4Addr>,
    /// A default route or proxy ARP entry is set.
    route_set: bool,
    proxy_arp_set: bool,
    /// Routes to add while IPv4 is up (the authorization's), boxed: few
    /// sessions have any.
    framed_routes: Option<Box<[FramedRoute]>>,
    framed_routes_set: bool,
}

impl LinkState {
    pub(super) fn new(options: LinkOptions) -> LinkState {
        LinkState {
            options,
            closing: false,
            idle_deadline: None,
            np_up: 0,
            net_start: None,
            ipv4_peer: None,
            route_set: false,
            proxy_arp_set: false,
            framed_routes: None,
            framed_routes_set: false,
        }
    }

    /// Routes to add through the interface whenever IPv4 comes up.
    pub(super) fn set_framed_routes(&mut self, routes: Vec<FramedRoute>) {
        self.framed_routes = (!routes.is_empty()).then(|| routes.into_boxed_slice());
    }

    /// A new idle limit (RADIUS Idle-Timeout): from now on, if a network
    /// protocol is up.
    pub(super) fn set_idle(&mut self, limit: Duration) {
        self.options.idle = Some(limit);
        if self.np_up > 0 && !self.closing {
            self.idle_deadline = Some(Instant::now() + limit);
        }
    }

    /// The session is closing: no more idle checks.
    pub(super) fn closing(&mut self) {
        self.closing = true;
        self.idle_deadline = None;
    }

    pub(super) fn idle_deadline(&self) -> Option<Instant> {
        self.idle_deadline
    }

    pub(super) fn idle_due(&self) -> bool {
        self.idle_deadline.is_some_and(|d| d <= Instant::now())
    }

    /// pppd's `np_up`: the first network protocol up starts the idle
    /// check and the link's figures.
    pub(super) async fn network_up<D: DataPath>(&mut self, dp: &mut D) {
        self.np_up = self.np_up.saturating_add(1);
        if self.np_up > 1 {
            return;
        }
        let baseline = dp.unit_stats().await.ok();
        self.net_start = Some((Instant::now(), baseline));
        if let (Some(limit), false) = (self.options.idle, self.closing) {
            self.idle_deadline = Some(Instant::now() + limit);
        }
    }

    /// pppd's `np_down` (the last one down stops the idle check), and the
    /// figures for the down script that follows.
    pub(super) async fn network_down<D: DataPath>(&mut self, dp: &mut D) -> Option<NetworkStats> {
        self.np_up = self.np_up.saturating_sub(1);
        if self.np_up == 0 {
            self.idle_deadline = None;
        }
        self.network_stats(dp).await
    }

    /// The session is over: the figures if a network protocol was still
    /// up (a fatal error), and the default route and proxy ARP entry go.
    pub(super) async fn end<D: DataPath>(&mut self, dp: &mut D) -> Option<NetworkStats> {
        let stats = if std::mem::take(&mut self.np_up) > 0 {
            self.network_stats(dp).await
        } else {
            None
        };
        self.clear_ipv4_extras(dp).await;
        if let Some((start, _)) = self.net_start {
            let minutes = start.elapsed().as_secs_f64() / 60.0;
            tracing::info!("Connect time {minutes:.1} minutes.");
        }
        stats
    }

    /// pppd's `update_link_stats`: the figures since the first network
    /// protocol came up. Nothing when the counters cannot be read.
    async fn network_stats<D: DataPath>(&mut self, dp: &mut D) -> Option<NetworkStats> {
        let (start, baseline) = self.net_start?;
        let now = dp.unit_stats().await.ok()?;
        let base = baseline.unwrap_or_default();
        Some(NetworkStats {
            connect_time: start.elapsed(),
            bytes_sent: now.tx_bytes.saturating_sub(base.tx_bytes),
            bytes_rcvd: now.rx_bytes.saturating_sub(base.rx_bytes),
        })
    }

    /// pppd's `check_idle`: the link is idle when neither direction
    /// carried a data packet for `idle` seconds (`min(xmit_idle,
    /// recv_idle)`, in whole seconds as the kernel counts them; rppp has
    /// no `active-filter`, so every data packet counts, as in pppd
    /// without one); otherwise the next check is when it would be. If the
    /// idle time cannot be read, pppd stops checking: so does this, with a
    /// warning. Returns pppd's log line when the link is to end.
    pub(super) fn check_idle<D: DataPath>(&mut self, dp: &D) -> Option<&'static str> {
        self.idle_deadline = None;
        let limit = self.options.idle?;
        if self.closing || self.np_up == 0 {
            return None;
        }
        let idle = match dp.idle() {
            Ok(idle) => idle,
            Err(e) => {
                tracing::warn!("idle {}: {e}; no more idle checks", limit.as_secs());
                return None;
            }
        };
        let itime = idle.xmit.min(idle.recv).as_secs();
        let left = limit.as_secs().saturating_sub(itime);
        if left == 0 {
            self.closing = true;
            Some("Terminating connection due to lack of activity.")
        } else {
            self.idle_deadline = Some(Instant::now() + Duration::from_secs(left));
            None
        }
    }

    /// After IPv4 passes: pppd's default route and proxy ARP entry. A
    /// failure is logged and the link stays up, as in pppd.
    pub(super) async fn set_ipv4_extras<D: DataPath>(&mut self, dp: &mut D) {
        let Some(peer) = self.ipv4_peer else { return };
        if let Some(how) = self.options.default_route {
            match dp.set_default_route(how, peer).await {
                Ok(RouteOutcome::Added) => {
                    tracing::debug!("default route through the interface added");
                    self.route_set = true;
                }
                Ok(RouteOutcome::Replaced(old)) => {
                    tracing::info!("replacing old default route {old}");
                    self.route_set = true;
                }
                Ok(RouteOutcome::Refused(existing)) => {
                    tracing::warn!("not replacing existing default route {existing}")
                }
                Err(e) => tracing::error!("{e}"),
            }
        }
        if let Some(routes) = &self.framed_routes {
            // Set before the call: a failure keeps the routes added before
            // it, and they go at the end all the same.
            self.framed_routes_set = true;
            match dp.add_routes(routes).await {
                Ok(()) => {
                    for r in routes.iter() {
                        tracing::info!("route {r} through the interface added");
                    }
                }
                Err(e) => tracing::error!("{e}"),
            }
        }
        if self.options.proxy_arp {
            match dp.set_proxy_arp(peer).await {
                Ok(ProxyArpOutcome::Added { dev }) => {
                    tracing::info!("found interface {dev} for proxy arp");
                    self.proxy_arp_set = true;
                }
                Ok(ProxyArpOutcome::NoInterface) => {
                    tracing::warn!("Cannot determine ethernet address for proxy ARP")
                }
                Err(e) => tracing::error!("{e}"),
            }
        }
    }

    /// Undoes [`set_ipv4_extras`](Self::set_ipv4_extras): the proxy ARP
    /// entry, the default route (and the one it replaced comes back).
    pub(super) async fn clear_ipv4_extras<D: DataPath>(&mut self, dp: &mut D) {
        if std::mem::take(&mut self.proxy_arp_set) {
            dp.clear_proxy_arp().await;
        }
        if std::mem::take(&mut self.route_set) {
            dp.clear_default_route().await;
        }
        if std::mem::take(&mut self.framed_routes_set) {
            dp.clear_routes().await;
        }
    }
}
