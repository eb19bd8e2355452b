//! The interface configured through rtnetlink, on the engine's shared
//! socket (see `netlink_thread`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use futures_util::TryStreamExt as _;
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{InfoData, InfoKind, LinkAttribute, LinkFlags};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::AddressFamily;
use rtnetlink::{Handle, LinkMessageBuilder, LinkUnspec, RouteMessageBuilder};

use super::netlink_error::NetlinkError;
use super::{Cause, NetifError};
use crate::driver::datapath::{ArpInterface, ExistingRoute, UnitStats};
use crate::driver::FramedRoute;
use crate::kernel::Unattached;
use crate::nd::Ipv6Prefix;

/// An engine's rtnetlink socket (cheap to clone: a handle to it).
#[derive(Debug, Clone)]
pub struct Netif {
    handle: Handle,
}

/// A route as an rtnetlink message: what we add, and a dumped one to put
/// back.
#[derive(Debug, Clone)]
pub(crate) struct Route(RouteMessage);

fn failed(call: &'static str) -> impl Fn(rtnetlink::Error) -> NetifError {
    move |e| NetifError {
        call,
        cause: Cause::Netlink(NetlinkError::from(e)),
    }
}

impl Netif {
    /// An rtnetlink socket served on a new thread.
    pub fn open() -> std::io::Result<Netif> {
        Ok(Netif {
            handle: crate::driver::netlink_thread::rtnetlink_handle()?,
        })
    }

    /// Brings the interface up or down and sets its MTU, in one request
    /// (the kernel sets the MTU first).
    pub(crate) async fn set_link(
        &self,
        index: u32,
        _name: &str,
        up: Option<bool>,
        mtu: Option<u32>,
    ) -> Result<(), NetifError> {
        let mut request = LinkUnspec::new_with_index(index);
        match up {
            Some(true) => request = request.up(),
            Some(false) => request = request.down(),
            None => {}
        }
        if let Some(mtu) = mtu {
            request = request.mtu(mtu);
        }
        self.set(request).await
    }

    /// Renames an interface that is down.
    pub(crate) async fn rename(&self, index: u32, _from: &str, to: &str) -> Result<(), NetifError> {
        self.set(LinkUnspec::new_with_index(index).name(to)).await
    }

    /// One `RTM_SETLINK`.
    async fn set(&self, request: LinkMessageBuilder<LinkUnspec>) -> Result<(), NetifError> {
        self.handle
            .link()
            .set(request.build())
            .execute()
            .await
            .map_err(failed("RTM_SETLINK"))
    }

    /// `RTM_NEWLINK` kind "ppp" with `IFLA_PPP_DEV_FD` (netlink-packet-route
    /// has no typed PPP link data: the one attribute, type 1, s32, is the
    /// info data's payload) and `IFLA_IFNAME`.
    pub(crate) async fn new_ppp_link(
        &self,
        dev: &Unattached,
        name: &str,
    ) -> Result<(), NetifError> {
        use std::os::fd::{AsFd as _, AsRawFd as _};
        const IFLA_PPP_DEV_FD: u16 = 1;
        let mut data = Vec::with_capacity(8);
        data.extend_from_slice(&8u16.to_ne_bytes());
        data.extend_from_slice(&IFLA_PPP_DEV_FD.to_ne_bytes());
        data.extend_from_slice(&dev.as_fd().as_raw_fd().to_ne_bytes());
        let message =
            LinkMessageBuilder::<LinkUnspec>::new_with_info_kind(InfoKind::Other("ppp".into()))
                .name(name)
                .set_info_data(InfoData::Other(data))
                .build();
        self.handle
            .link()
            .add(message)
            .execute()
            .await
            .map_err(failed("RTM_NEWLINK"))
    }

    /// Adds `local` with `peer` as the other end (`IFA_LOCAL` ours,
    /// `IFA_ADDRESS` the peer's), as pppd's sifaddr/sif6addr do.
    pub(crate) async fn add_address(
        &self,
        index: u32,
        _name: &str,
        local: IpAddr,
        peer: IpAddr,
    ) -> Result<(), NetifError> {
        let mut request = self.handle.address().add(index, local, host_prefix(local));
        let message = request.message_mut();
        message
            .attributes
            .retain(|a| !matches!(a, AddressAttribute::Address(_)));
        message.attributes.push(AddressAttribute::Address(peer));
        request.execute().await.map_err(failed("RTM_NEWADDR"))
    }

    /// Removes an address [`Netif::add_address`] added.
    pub(crate) async fn remove_address(
        &self,
        index: u32,
        _name: &str,
        local: IpAddr,
        peer: IpAddr,
    ) -> Result<(), NetifError> {
        let mut message = AddressMessage::default();
        message.header.index = index;
        message.header.prefix_len = host_prefix(local);
        message.header.family = match local {
            IpAddr::V4(_) => AddressFamily::Inet,
            IpAddr::V6(_) => AddressFamily::Inet6,
        };
        message.attributes.push(AddressAttribute::Local(local));
        message.attributes.push(AddressAttribute::Address(peer));
        self.handle
            .address()
            .del(message)
            .execute()
            .await
            .map_err(failed("RTM_DELADDR"))
    }

    /// The interface's counters (`IFLA_STATS64`).
    pub(crate) async fn stats(&self, index: u32, _name: &str) -> Result<UnitStats, NetifError> {
        let mut links = self.handle.link().get().match_index(index).execute();
        while let Some(link) = links.try_next().await.map_err(failed("RTM_GETLINK"))? {
            for a in link.attributes {
                if let LinkAttribute::Stats64(s) = a {
                    return Ok(UnitStats {
                        tx_bytes: s.tx_bytes,
                        rx_bytes: s.rx_bytes,
                        tx_packets: s.tx_packets,
                        rx_packets: s.rx_packets,
                    });
                }
            }
        }
        Err(NetifError {
            call: "RTM_GETLINK",
            cause: Cause::Other("no IFLA_STATS64 in the answer"),
        })
    }

    /// The IPv4 unicast default routes of the main table, each with what
    /// the decision needs.
    pub(crate) async fn default_routes(&self) -> Result<Vec<(ExistingRoute, Route)>, NetifError> {
        let mut request = RouteMessage::default();
        request.header.address_family = AddressFamily::Inet;
        let mut routes = self.handle.route().get(request).execute();
        let mut found = Vec::new();
        while let Some(m) = routes.try_next().await.map_err(failed("RTM_GETROUTE"))? {
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
                    RouteAttribute::Oif(i) => view.dev = interface_name(*i),
                    RouteAttribute::Priority(p) => view.metric = *p,
                    _ => {}
                }
            }
            found.push((view, Route(m)));
        }
        Ok(found)
    }

    /// Adds a route.
    pub(crate) async fn add_route(&self, route: &Route) -> Result<(), NetifError> {
        self.handle
            .route()
            .add(route.0.clone())
            .execute()
            .await
            .map_err(failed("RTM_NEWROUTE"))
    }

    /// Deletes a route.
    pub(crate) async fn del_route(&self, route: &Route) -> Result<(), NetifError> {
        self.handle
            .route()
            .del(route.0.clone())
            .execute()
            .await
            .map_err(failed("RTM_DELROUTE"))
    }

    /// Every interface's IPv4 addresses, with whether pppd's proxy ARP may
    /// use the interface.
    pub(crate) async fn arp_interfaces(&self) -> Result<Vec<ArpInterface>, NetifError> {
        let mut links = std::collections::HashMap::new();
        let mut stream = self.handle.link().get().execute();
        while let Some(link) = stream.try_next().await.map_err(failed("RTM_GETLINK"))? {
            let flags = link.header.flags;
            let usable = flags.contains(LinkFlags::Up | LinkFlags::Broadcast)
                && !flags
                    .intersects(LinkFlags::Pointopoint | LinkFlags::Loopback | LinkFlags::Noarp);
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
        let mut stream = self.handle.address().get().execute();
        while let Some(a) = stream.try_next().await.map_err(failed("RTM_GETADDR"))? {
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
            let (Some(address), Some((name, usable))) = (address, links.get(&a.header.index))
            else {
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

    /// pppd's SIOCSARP with ATF_PUBL|ATF_PERM and no netmask is, in the
    /// kernel, a proxy neighbour entry (pneigh) for the address on that
    /// interface: RTM_NEWNEIGH with NTF_PROXY is the same entry.
    pub(crate) async fn add_proxy_arp(&self, index: u32, peer: Ipv4Addr) -> Result<(), NetifError> {
        self.handle
            .neighbours()
            .add(index, IpAddr::V4(peer))
            .flags(NeighbourFlags::Proxy)
            .execute()
            .await
            .map_err(failed("RTM_NEWNEIGH"))
    }

    /// Deletes the entry [`Netif::add_proxy_arp`] added.
    pub(crate) async fn del_proxy_arp(&self, index: u32, peer: Ipv4Addr) -> Result<(), NetifError> {
        let mut message = NeighbourMessage::default();
        message.header.family = AddressFamily::Inet;
        message.header.ifindex = index;
        message.header.flags = NeighbourFlags::Proxy;
        message
            .attributes
            .push(NeighbourAttribute::Destination(NeighbourAddress::Inet(
                peer,
            )));
        self.handle
            .neighbours()
            .del(message)
            .execute()
            .await
            .map_err(failed("RTM_DELNEIGH"))
    }
}

impl Route {
    /// Our default route: through the interface, no gateway, scope link,
    /// protocol boot, as pppd's `SIOCADDRT` makes it (`default dev ppp0
    /// scope link`), with the metric asked for.
    pub(crate) fn default_via(index: u32, _name: &str, metric: u32) -> Route {
        let mut builder = RouteMessageBuilder::<Ipv4Addr>::new()
            .output_interface(index)
            .protocol(RouteProtocol::Boot)
            .scope(RouteScope::Link);
        if metric > 0 {
            builder = builder.priority(metric);
        }
        Route(builder.build())
    }

    /// A dumped route, as a request that adds it back.
    pub(crate) fn restorable(self) -> Route {
        let mut m = self.0;
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
        Route(m)
    }

    /// `destination/prefix_len dev <index> [metric]`, link scope, as
    /// pppd's routes through a point-to-point interface.
    pub(crate) fn framed(index: u32, _name: &str, r: &FramedRoute) -> Route {
        let mut builder = RouteMessageBuilder::<Ipv4Addr>::new()
            .destination_prefix(r.destination, r.prefix_len)
            .output_interface(index)
            .protocol(RouteProtocol::Boot)
            .scope(RouteScope::Link);
        if let Some(metric) = r.metric {
            builder = builder.priority(metric);
        }
        Route(builder.build())
    }

    /// The route to the peer's IPv6 prefix through the interface.
    pub(crate) fn ipv6_prefix(index: u32, prefix: Ipv6Prefix) -> Route {
        Route(
            RouteMessageBuilder::<Ipv6Addr>::new()
                .destination_prefix(prefix.address(), prefix.prefix_len())
                .output_interface(index)
                .protocol(RouteProtocol::Boot)
                .build(),
        )
    }
}

/// An interface's name by its index (`#INDEX` if it has none).
fn interface_name(index: u32) -> String {
    nix::net::if_::if_indextoname(index)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|_| format!("#{index}"))
}

/// The prefix length of a point-to-point address: the whole address.
fn host_prefix(a: IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
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
