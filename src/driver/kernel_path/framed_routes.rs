//! The authorization's routes through the interface (RADIUS Framed-Route
//! and Framed-IP-Netmask, see [`FramedRoute`]; the route to the peer's
//! Framed-IPv6-Prefix), through [`Netif`](super::netif::Netif): what we
//! add, we remove.

use nix::errno::Errno;

use super::netif::Route;
use super::KernelDataPath;
use crate::driver::datapath::{DataPathError, DataPathStep};
use crate::driver::FramedRoute;
use crate::kernel::NdSocket;
use crate::nd::Ipv6Prefix;

impl KernelDataPath {
    /// Adds `routes` through the interface, keeping each one added.
    pub(super) async fn add_framed_routes(
        &mut self,
        routes: &[FramedRoute],
    ) -> Result<(), DataPathError> {
        const STEP: DataPathStep = DataPathStep::Routes;
        let Some(index) = self.ifindex else {
            return Err(DataPathError::new(STEP, "no unit yet"));
        };
        for r in routes {
            let route = Route::framed(index, self.name(), r);
            self.netif
                .add_route(&route)
                .await
                .map_err(|e| DataPathError::in_call(STEP, e.call(), format!("{r}: {e}")))?;
            self.framed_routes.push(route);
        }
        Ok(())
    }

    /// Deletes the routes [`add_framed_routes`](Self::add_framed_routes)
    /// added.
    pub(super) async fn remove_framed_routes(&mut self) {
        for route in std::mem::take(&mut self.framed_routes) {
            if let Err(e) = self.netif.del_route(&route).await {
                // Gone with the interface already (ESRCH) is fine.
                if e.errno() != Some(Errno::ESRCH) {
                    tracing::warn!("deleting a framed route: {e}");
                }
            }
        }
    }
}

impl KernelDataPath {
    /// The route to the peer's IPv6 prefix through the interface, then
    /// the interface's ICMPv6 socket to advertise it on. A socket that
    /// cannot be opened takes the route back out.
    pub(super) async fn add_ipv6_prefix(
        &mut self,
        prefix: Ipv6Prefix,
    ) -> Result<NdSocket, DataPathError> {
        const STEP: DataPathStep = DataPathStep::Ipv6Prefix;
        let (Some(index), Some(name)) = (self.ifindex, self.ifname.clone()) else {
            return Err(DataPathError::new(STEP, "no unit yet"));
        };
        self.remove_ipv6_prefix().await;
        let route = Route::ipv6_prefix(index, prefix);
        self.netif
            .add_route(&route)
            .await
            .map_err(|e| DataPathError::in_call(STEP, e.call(), format!("{prefix}: {e}")))?;
        self.ipv6_prefix_route = Some(Box::new(route));
        match NdSocket::open(&name, index) {
            Ok(socket) => Ok(socket),
            Err(e) => {
                self.remove_ipv6_prefix().await;
                Err(DataPathError::in_call(STEP, e.call(), e.errno().desc()))
            }
        }
    }

    /// Deletes the route [`add_ipv6_prefix`](Self::add_ipv6_prefix)
    /// added.
    pub(super) async fn remove_ipv6_prefix(&mut self) {
        let Some(route) = self.ipv6_prefix_route.take() else {
            return;
        };
        if let Err(e) = self.netif.del_route(&route).await {
            if e.errno() != Some(Errno::ESRCH) {
                tracing::warn!("deleting the IPv6 prefix's route: {e}");
            }
        }
    }
}
