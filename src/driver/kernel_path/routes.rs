//! pppd's `defaultroute`, `replacedefaultroute` and `proxyarp`, through
//! [`Netif`](super::netif::Netif): what we add, we remove; what we
//! replace, we put back.

use std::net::Ipv4Addr;

use nix::errno::Errno;

use super::netif::Route;
use super::KernelDataPath;
use crate::driver::datapath::{
    pick_proxy_arp_interface, DataPathError, DataPathStep, DefaultRoute, ExistingRoute,
    ProxyArpOutcome, RouteDecision, RouteOutcome,
};

impl KernelDataPath {
    /// pppd's `defaultroute` (and `replacedefaultroute`): see
    /// [`RouteDecision`].
    pub(super) async fn add_default_route(
        &mut self,
        how: DefaultRoute,
        peer: Ipv4Addr,
    ) -> Result<RouteOutcome, DataPathError> {
        const STEP: DataPathStep = DataPathStep::DefaultRoute;
        let (Some(index), Some(ifname)) = (self.ifindex, self.ifname.clone()) else {
            return Err(DataPathError::new(STEP, "no unit yet"));
        };
        if self.default_route.is_some() {
            return Ok(RouteOutcome::Added);
        }
        let existing = self.netif.default_routes().await.map_err(|e| {
            DataPathError::in_call(STEP, e.call(), format!("read the routing table: {e}"))
        })?;
        let views: Vec<ExistingRoute> = existing.iter().map(|(v, _)| v.clone()).collect();
        let ours = Route::default_via(index, &ifname, how.metric.unwrap_or(0));
        let netif = &self.netif;
        match RouteDecision::decide(&views, &ifname, peer, how) {
            RouteDecision::Refuse(r) => Ok(RouteOutcome::Refused(r)),
            RouteDecision::Add => {
                netif.add_route(&ours).await.map_err(|e| {
                    DataPathError::in_call(STEP, e.call(), format!("dev {ifname}: {e}"))
                })?;
                self.default_route = Some(Box::new((ours, None)));
                Ok(RouteOutcome::Added)
            }
            RouteDecision::Replace(view) => {
                let old = existing
                    .into_iter()
                    .find(|(v, _)| *v == view)
                    .map(|(_, m)| m.restorable())
                    .ok_or(DataPathError::new(STEP, "the route to replace vanished"))?;
                // pppd adds its route, then deletes the old one. With the
                // same metric the kernel refuses a second default route
                // (EEXIST): then the old one goes first, and comes back
                // if ours cannot be added.
                let mut added = netif.add_route(&ours).await;
                if matches!(&added, Err(e) if e.errno() == Some(Errno::EEXIST)) {
                    netif.del_route(&old).await.map_err(|e| {
                        DataPathError::in_call(
                            STEP,
                            e.call(),
                            format!("delete the one to replace, {view}: {e}"),
                        )
                    })?;
                    added = netif.add_route(&ours).await;
                    if added.is_err() {
                        if let Err(e) = netif.add_route(&old).await {
                            tracing::error!("putting back the default route {view}: {e}");
                        }
                    }
                } else if added.is_ok() {
                    if let Err(e) = netif.del_route(&old).await {
                        tracing::warn!("deleting the replaced default route {view}: {e}");
                    }
                }
                added.map_err(|e| {
                    DataPathError::in_call(STEP, e.call(), format!("dev {ifname}: {e}"))
                })?;
                self.default_route = Some(Box::new((ours, Some(old))));
                Ok(RouteOutcome::Replaced(view))
            }
        }
    }

    /// Deletes our default route and puts back the one it replaced.
    pub(super) async fn remove_default_route(&mut self) {
        let Some((ours, old)) = self.default_route.take().map(|b| *b) else {
            return;
        };
        if let Err(e) = self.netif.del_route(&ours).await {
            // Gone with the interface already (ESRCH) is fine.
            if e.errno() != Some(Errno::ESRCH) {
                tracing::warn!("deleting the default route: {e}");
            }
        }
        if let Some(old) = old {
            match self.netif.add_route(&old).await {
                Ok(()) => tracing::info!("restored the replaced default route"),
                Err(e) => tracing::error!("restoring the replaced default route: {e}"),
            }
        }
    }

    /// pppd's `proxyarp`: a proxy neighbour entry for the peer on the
    /// Ethernet interface of its subnet.
    pub(super) async fn add_proxy_arp(
        &mut self,
        peer: Ipv4Addr,
    ) -> Result<ProxyArpOutcome, DataPathError> {
        if self.proxy_arp.is_some() {
            return Err(DataPathError::new(
                DataPathStep::ProxyArp,
                "one is set already",
            ));
        }
        let interfaces = self.netif.arp_interfaces().await.map_err(|e| {
            DataPathError::in_call(
                DataPathStep::ProxyArp,
                e.call(),
                format!("find an interface: {e}"),
            )
        })?;
        let Some(dev) = pick_proxy_arp_interface(&interfaces, peer) else {
            return Ok(ProxyArpOutcome::NoInterface);
        };
        self.netif
            .add_proxy_arp(dev.index, peer)
            .await
            .map_err(|e| {
                DataPathError::in_call(
                    DataPathStep::ProxyArp,
                    e.call(),
                    format!("{peer} dev {}: {e}", dev.name),
                )
            })?;
        self.proxy_arp = Some((dev.index, peer));
        Ok(ProxyArpOutcome::Added {
            dev: dev.name.clone(),
        })
    }

    /// Deletes the proxy ARP entry we added.
    pub(super) async fn remove_proxy_arp(&mut self) {
        let Some((index, peer)) = self.proxy_arp.take() else {
            return;
        };
        if let Err(e) = self.netif.del_proxy_arp(index, peer).await {
            tracing::warn!("deleting the proxy ARP entry for {peer}: {e}");
        }
    }
}
