//! The authorization's routes through the interface (RADIUS Framed-Route
//! and Framed-IP-Netmask, see [`FramedRoute`]; the route to the peer's
//! Framed-IPv6-Prefix), through rtnetlink: what we add, we remove.

use std::net::{Ipv4Addr, Ipv6Addr};

use netlink_packet_route::route::{RouteMessage, RouteProtocol, RouteScope};
use nix::errno::Errno;
use rtnetlink::RouteMessageBuilder;

use super::netlink_error::NetlinkError;
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
            let message = route_via(index, r);
            self.netlink
                .route()
                .add(message.clone())
                .execute()
                .await
                .map_err(NetlinkError::from)
                .map_err(|e| DataPathError::in_call(STEP, "RTM_NEWROUTE", format!("{r}: {e}")))?;
            self.framed_routes.push(message);
        }
        Ok(())
    }

    /// Deletes the routes [`add_framed_routes`](Self::add_framed_routes)
    /// added.
    pub(super) async fn remove_framed_routes(&mut self) {
        for message in std::mem::take(&mut self.framed_routes) {
            let deleted = self.netlink.route().del(message).execute().await;
            if let Err(e) = deleted.map_err(NetlinkError::from) {
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
        let message = RouteMessageBuilder::<Ipv6Addr>::new()
            .destination_prefix(prefix.address(), prefix.prefix_len())
            .output_interface(index)
            .protocol(RouteProtocol::Boot)
            .build();
        self.netlink
            .route()
            .add(message.clone())
            .execute()
            .await
            .map_err(NetlinkError::from)
            .map_err(|e| DataPathError::in_call(STEP, "RTM_NEWROUTE", format!("{prefix}: {e}")))?;
        self.ipv6_prefix_route = Some(Box::new(message));
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
        let Some(message) = self.ipv6_prefix_route.take() else {
            return;
        };
        let deleted = self.netlink.route().del(*message).execute().await;
        if let Err(e) = deleted.map_err(NetlinkError::from) {
            if e.errno() != Some(Errno::ESRCH) {
                tracing::warn!("deleting the IPv6 prefix's route: {e}");
            }
        }
    }
}

/// `destination/prefix_len dev <index> [metric]`, link scope, as pppd's
/// routes through a point-to-point interface.
fn route_via(index: u32, r: &FramedRoute) -> RouteMessage {
    let mut builder = RouteMessageBuilder::<Ipv4Addr>::new()
        .destination_prefix(r.destination, r.prefix_len)
        .output_interface(index)
        .protocol(RouteProtocol::Boot)
        .scope(RouteScope::Link);
    if let Some(metric) = r.metric {
        builder = builder.priority(metric);
    }
    builder.build()
}
