//! pppd's `defaultroute`, `replacedefaultroute` and `proxyarp`, through
//! rtnetlink: what we add, we remove; what we replace, we put back.

use std::net::{IpAddr, Ipv4Addr};

use futures_util::TryStreamExt as _;
use netlink_packet_route::address::AddressAttribute;
use netlink_packet_route::link::{LinkAttribute, LinkFlags};
use netlink_packet_route::neighbour::{NeighbourAddress, NeighbourAttribute, NeighbourFlags};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::AddressFamily;
use nix::errno::Errno;
use rtnetlink::{Handle, RouteMessageBuilder};

use super::netlink_error::NetlinkError;
use super::KernelDataPath;
use crate::driver::datapath::{
    pick_proxy_arp_interface, ArpInterface, DataPathError, DataPathStep, DefaultRoute,
    ExistingRoute, ProxyArpOutcome, RouteDecision, RouteOutcome,
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
        let existing = default_routes(&self.netlink).await?;
        let views: Vec<ExistingRoute> = existing.iter().map(|(v, _)| v.clone()).collect();
        let ours = default_route_via(index, how.metric.unwrap_or(0));
        let route = self.netlink.route();
        match RouteDecision::decide(&views, &ifname, peer, how) {
            RouteDecision::Refuse(r) => Ok(RouteOutcome::Refused(r)),
            RouteDecision::Add => {
                route
                    .add(ours.clone())
                    .execute()
                    .await
                    .map_err(NetlinkError::from)
                    .map_err(|e| {
                        DataPathError::in_call(STEP, "RTM_NEWROUTE", format!("dev {ifname}: {e}"))
                    })?;
                self.default_route = Some(Box::new((ours, None)));
                Ok(RouteOutcome::Added)
            }
            RouteDecision::Replace(view) => {
                let old = existing
                    .into_iter()
                    .find(|(v, _)| *v == view)
                    .map(|(_, m)| restorable(m))
                    .ok_or(DataPathError::new(STEP, "the route to replace vanished"))?;
                // pppd adds its route, then deletes the old one. With the
                // same metric the kernel refuses a second default route
                // (EEXIST): then the old one goes first, and comes back
                // if ours cannot be added.
                let mut added = route
                    .add(ours.clone())
                    .execute()
                    .await
                    .map_err(NetlinkError::from);
                if matches!(&added, Err(e) if e.errno() == Some(Errno::EEXIST)) {
                    route
                        .del(old.clone())
                        .execute()
                        .await
                        .map_err(NetlinkError::from)
                        .map_err(|e| {
                            DataPathError::in_call(
                                STEP,
                                "RTM_DELROUTE",
                                format!("delete the one to replace, {view}: {e}"),
                            )
                        })?;
                    added = route
                        .add(ours.clone())
                        .execute()
                        .await
                        .map_err(NetlinkError::from);
                    if added.is_err() {
                        if let Err(e) = route
                            .add(old.clone())
                            .execute()
                            .await
                            .map_err(NetlinkError::from)
                        {
                            tracing::error!("putting back the default route {view}: {e}");
                        }
                    }
                } else if added.is_ok() {
                    if let Err(e) = route
                        .del(old.clone())
                        .execute()
                        .await
                        .map_err(NetlinkError::from)
                    {
                        tracing::warn!("deleting the replaced default route {view}: {e}");
                    }
                }
                added.map_err(|e| {
                    DataPathError::in_call(STEP, "RTM_NEWROUTE", format!("dev {ifname}: {e}"))
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
        let route = self.netlink.route();
        if let Err(e) = route.del(ours).execute().await.map_err(NetlinkError::from) {
            // Gone with the interface already (ESRCH) is fine.
            if e.errno() != Some(Errno::ESRCH) {
                tracing::warn!("deleting the default route: {e}");
            }
        }
        if let Some(old) = old {
            match route.add(old).execute().await.map_err(NetlinkError::from) {
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
        let interfaces = arp_interfaces(&self.netlink).await?;
        let Some(dev) = pick_proxy_arp_interface(&interfaces, peer) else {
            return Ok(ProxyArpOutcome::NoInterface);
        };
        // pppd's SIOCSARP with ATF_PUBL|ATF_PERM and no netmask is, in the
        // kernel, a proxy neighbour entry (pneigh) for the address on that
        // interface: RTM_NEWNEIGH with NTF_PROXY is the same entry.
        self.netlink
            .neighbours()
            .add(dev.index, IpAddr::V4(peer))
            .flags(NeighbourFlags::Proxy)
            .execute()
            .await
            .map_err(NetlinkError::from)
            .map_err(|e| {
                DataPathError::in_call(
                    DataPathStep::ProxyArp,
                    "RTM_NEWNEIGH",
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
        let mut message = netlink_packet_route::neighbour::NeighbourMessage::default();
        message.header.family = AddressFamily::Inet;
        message.header.ifindex = index;
        message.header.flags = NeighbourFlags::Proxy;
        message
            .attributes
            .push(NeighbourAttribute::Destination(NeighbourAddress::Inet(
                peer,
            )));
        if let Err(e) = self
            .netlink
            .neighbours()
            .del(message)
            .execute()
            .await
            .map_err(NetlinkError::from)
        {
            tracing::warn!("deleting the proxy ARP entry for {peer}: {e}");
        }
    }
}

/// Our default route: through the interface, no gateway, scope link,
/// protocol boot, as pppd's `SIOCADDRT` makes it (`default dev ppp0 scope
/// link`), with the metric asked for.
fn default_route_via(index: u32, metric: u32) -> RouteMessage {
    let mut builder = RouteMessageBuilder::<Ipv4Addr>::new()
        .output_interface(index)
        .protocol(RouteProtocol::Boot)
        .scope(RouteScope::Link);
    if metric > 0 {
        builder = builder.priority(metric);
    }
    builder.build()
}

fn route_table(m: &RouteMessage) -> u32 {
    m.attributes
        .iter()
        .find_map(|a| match a {
            RouteAttribute::Table(t) => Some(*t),
            _ => None,
        })
        .unwrap_or(u32::from(m.header.table))
}

/// The IPv4 unicast default routes of the main table, each with what the
/// decision needs.
async fn default_routes(
    netlink: &Handle,
) -> Result<Vec<(ExistingRoute, RouteMessage)>, DataPathError> {
    let mut request = RouteMessage::default();
    request.header.address_family = AddressFamily::Inet;
    let mut routes = netlink.route().get(request).execute();
    let mut found = Vec::new();
    while let Some(m) = routes
        .try_next()
        .await
        .map_err(NetlinkError::from)
        .map_err(|e| {
            DataPathError::in_call(
                DataPathStep::DefaultRoute,
                "RTM_GETROUTE",
                format!("read the routing table: {e}"),
            )
        })?
    {
        if m.header.address_family != AddressFamily::Inet
            || m.header.destination_prefix_length != 0
            || m.header.kind != RouteType::Unicast
            || route_table(&m) != u32::from(RouteHeader::RT_TABLE_MAIN)
        {
            continue;
        }
        let mut view = ExistingRoute {
            gateway: None,
            dev: String::new(),
            metric: 0,
        };
        for a in &m.attributes {
            match a {
                RouteAttribute::Gateway(RouteAddress::Inet(g)) => view.gateway = Some(*g),
                RouteAttribute::Oif(i) => {
                    view.dev = nix::net::if_::if_indextoname(*i)
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|_| format!("#{i}"))
                }
                RouteAttribute::Priority(p) => view.metric = *p,
                _ => {}
            }
        }
        found.push((view, m));
    }
    Ok(found)
}

/// A dumped route, as a request that adds it back.
fn restorable(mut m: RouteMessage) -> RouteMessage {
    m.header.flags = Default::default();
    m.attributes.retain(|a| {
        matches!(
            a,
            RouteAttribute::Table(_)
                | RouteAttribute::Gateway(_)
                | RouteAttribute::Oif(_)
                | RouteAttribute::Priority(_)
                | RouteAttribute::PrefSource(_)
                | RouteAttribute::Metrics(_)
                | RouteAttribute::MultiPath(_)
                | RouteAttribute::Realm(_)
        )
    });
    m
}

/// Every interface's IPv4 addresses, with whether pppd's proxy ARP may
/// use the interface.
async fn arp_interfaces(netlink: &Handle) -> Result<Vec<ArpInterface>, DataPathError> {
    const STEP: DataPathStep = DataPathStep::ProxyArp;
    let mut links = std::collections::HashMap::new();
    let mut stream = netlink.link().get().execute();
    while let Some(link) = stream
        .try_next()
        .await
        .map_err(NetlinkError::from)
        .map_err(|e| {
            DataPathError::in_call(STEP, "RTM_GETLINK", format!("find an interface: {e}"))
        })?
    {
        let flags = link.header.flags;
        let usable = flags.contains(LinkFlags::Up | LinkFlags::Broadcast)
            && !flags.intersects(LinkFlags::Pointopoint | LinkFlags::Loopback | LinkFlags::Noarp);
        let name = link
            .attributes
            .iter()
            .find_map(|a| match a {
                LinkAttribute::IfName(n) => Some(n.clone()),
                _ => None,
            })
            .unwrap_or_default();
        links.insert(link.header.index, (name, usable));
    }
    let mut found = Vec::new();
    let mut stream = netlink.address().get().execute();
    while let Some(a) = stream
        .try_next()
        .await
        .map_err(NetlinkError::from)
        .map_err(|e| {
            DataPathError::in_call(STEP, "RTM_GETADDR", format!("find an interface: {e}"))
        })?
    {
        if a.header.family != AddressFamily::Inet {
            continue;
        }
        let local = a.attributes.iter().find_map(|x| match x {
            AddressAttribute::Local(IpAddr::V4(v)) => Some(*v),
            _ => None,
        });
        let address = local.or_else(|| {
            a.attributes.iter().find_map(|x| match x {
                AddressAttribute::Address(IpAddr::V4(v)) => Some(*v),
                _ => None,
            })
        });
        let (Some(address), Some((name, usable))) = (address, links.get(&a.header.index)) else {
            continue;
        };
        found.push(ArpInterface {
            name: name.clone(),
            index: a.header.index,
            address,
            prefix_len: a.header.prefix_len,
            usable: *usable,
        });
    }
    Ok(found)
}
