//! The interface configured with pppd's socket ioctls
//! ([`crate::kernel::IfSocket`]), and `/proc/net` for the default routes
//! and the counters ([`crate::kernel::proc_net`]). The calls are quick and
//! made on the runtime's thread: a router has one session, and few
//! interfaces to hold RTNL for long.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use super::{Cause, NetifError};
use crate::driver::datapath::{ArpInterface, ExistingRoute, UnitStats};
use crate::driver::FramedRoute;
use crate::kernel::{proc_net, IfSocket, Ipv4Route, Ipv6Route, Unattached};
use crate::nd::Ipv6Prefix;

/// An IPv4 datagram socket for the interface ioctls (cheap to clone).
/// IPv6 requests open an IPv6 socket each, when they come: they are few
/// (IPv6CP up and down), and a kernel without IPv6 has none to give.
#[derive(Debug, Clone)]
pub struct Netif {
    ipv4: Arc<IfSocket>,
}

/// A route as `SIOCADDRT` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// An IPv4 route.
    V4(Ipv4Route),
    /// An IPv6 route.
    V6(Ipv6Route),
}

fn not_in_this_build(call: &'static str, what: &'static str) -> NetifError {
    NetifError {
        call,
        cause: Cause::NotInThisBuild(what),
    }
}

/// A `/proc/net` file's text.
fn read_proc(path: &'static str) -> Result<String, NetifError> {
    std::fs::read_to_string(path).map_err(|e| NetifError {
        call: path,
        cause: match e.raw_os_error() {
            Some(n) => Cause::Errno(nix::errno::Errno::from_raw(n)),
            None => Cause::Other("unreadable"),
        },
    })
}

impl Netif {
    /// The IPv4 socket the ioctls go to.
    pub fn open() -> std::io::Result<Netif> {
        let ipv4 = IfSocket::ipv4().map_err(std::io::Error::other)?;
        Ok(Netif {
            ipv4: Arc::new(ipv4),
        })
    }

    /// The MTU first, then up or down (`SIOCSIFMTU`, `SIOCSIFFLAGS`).
    pub(crate) async fn set_link(
        &self,
        _index: u32,
        name: &str,
        up: Option<bool>,
        mtu: Option<u32>,
    ) -> Result<(), NetifError> {
        if let Some(mtu) = mtu {
            self.ipv4.set_mtu(name, mtu)?;
        }
        if let Some(up) = up {
            self.ipv4.set_up(name, up)?;
        }
        Ok(())
    }

    /// Renames an interface that is down (`SIOCSIFNAME`).
    pub(crate) async fn rename(&self, _index: u32, from: &str, to: &str) -> Result<(), NetifError> {
        Ok(self.ipv4.rename(from, to)?)
    }

    /// `RTM_NEWLINK` kind "ppp", on a netlink socket of its own
    /// ([`Unattached::request_named`]: one small message, built in the
    /// kernel module).
    pub(crate) async fn new_ppp_link(
        &self,
        dev: &Unattached,
        name: &str,
    ) -> Result<(), NetifError> {
        Ok(dev.request_named(name)?)
    }

    /// pppd's `sifaddr` (IPv4: address, point-to-point peer, host
    /// netmask) and `sif6addr` (IPv6: the address, /128, and a route to
    /// the peer's).
    pub(crate) async fn add_address(
        &self,
        index: u32,
        name: &str,
        local: IpAddr,
        peer: IpAddr,
    ) -> Result<(), NetifError> {
        match (local, peer) {
            (IpAddr::V4(local), IpAddr::V4(peer)) => {
                Ok(self.ipv4.set_ipv4_pair(name, local, peer)?)
            }
            (IpAddr::V6(local), IpAddr::V6(peer)) => {
                let ipv6 = IfSocket::ipv6()?;
                ipv6.ipv6_address(true, index, local, 128)?;
                if let Err(e) = ipv6.ipv6_route(true, &peer_route(index, peer)) {
                    let _ = ipv6.ipv6_address(false, index, local, 128);
                    return Err(e.into());
                }
                Ok(())
            }
            _ => Err(NetifError {
                call: "SIOCSIFADDR",
                cause: Cause::Other("the two addresses are of different families"),
            }),
        }
    }

    /// Removes what [`Netif::add_address`] added (pppd's `cifaddr`,
    /// `cif6addr`).
    pub(crate) async fn remove_address(
        &self,
        index: u32,
        name: &str,
        local: IpAddr,
        peer: IpAddr,
    ) -> Result<(), NetifError> {
        match (local, peer) {
            (IpAddr::V6(local), IpAddr::V6(peer)) => {
                let ipv6 = IfSocket::ipv6()?;
                // The route may have gone with the address already.
                let _ = ipv6.ipv6_route(false, &peer_route(index, peer));
                Ok(ipv6.ipv6_address(false, index, local, 128)?)
            }
            _ => Ok(self.ipv4.clear_ipv4(name)?),
        }
    }

    /// The interface's counters, from `/proc/net/dev`.
    pub(crate) async fn stats(&self, _index: u32, name: &str) -> Result<UnitStats, NetifError> {
        let text = read_proc("/proc/net/dev")?;
        let c = proc_net::dev_counters(&text, name).ok_or(NetifError {
            call: "/proc/net/dev",
            cause: Cause::Other("the interface is not listed"),
        })?;
        Ok(UnitStats {
            tx_bytes: c.tx_bytes,
            rx_bytes: c.rx_bytes,
            tx_packets: c.tx_packets,
            rx_packets: c.rx_packets,
        })
    }

    /// The default routes of the main table, from `/proc/net/route`.
    pub(crate) async fn default_routes(&self) -> Result<Vec<(ExistingRoute, Route)>, NetifError> {
        let text = read_proc("/proc/net/route")?;
        Ok(proc_net::routes(&text)
            .into_iter()
            .filter(|r| r.is_default())
            .map(|r| {
                let dev = (r.iface != "*").then(|| r.iface.clone());
                let view = ExistingRoute {
                    gateway: r.gateway(),
                    dev: dev.clone().unwrap_or_default(),
                    metric: r.metric,
                };
                let route = Route::V4(Ipv4Route {
                    destination: Ipv4Addr::UNSPECIFIED,
                    prefix_len: 0,
                    gateway: r.gateway(),
                    dev,
                    metric: r.metric,
                });
                (view, route)
            })
            .collect())
    }

    /// Adds a route (`SIOCADDRT`).
    pub(crate) async fn add_route(&self, route: &Route) -> Result<(), NetifError> {
        self.route(true, route)
    }

    /// Deletes a route (`SIOCDELRT`).
    pub(crate) async fn del_route(&self, route: &Route) -> Result<(), NetifError> {
        self.route(false, route)
    }

    fn route(&self, add: bool, route: &Route) -> Result<(), NetifError> {
        match route {
            Route::V4(r) => Ok(self.ipv4.ipv4_route(add, r)?),
            Route::V6(r) => Ok(IfSocket::ipv6()?.ipv6_route(add, r)?),
        }
    }

    /// Proxy ARP is not in this build.
    pub(crate) async fn arp_interfaces(&self) -> Result<Vec<ArpInterface>, NetifError> {
        Err(not_in_this_build("SIOCSARP", "proxyarp"))
    }

    /// Proxy ARP is not in this build.
    pub(crate) async fn add_proxy_arp(
        &self,
        _index: u32,
        _peer: Ipv4Addr,
    ) -> Result<(), NetifError> {
        Err(not_in_this_build("SIOCSARP", "proxyarp"))
    }

    /// Proxy ARP is not in this build.
    pub(crate) async fn del_proxy_arp(
        &self,
        _index: u32,
        _peer: Ipv4Addr,
    ) -> Result<(), NetifError> {
        Err(not_in_this_build("SIOCDARP", "proxyarp"))
    }
}

/// The host route to the peer's IPv6 address through the interface
/// (pppd's `sif6addr`: metric 1).
fn peer_route(index: u32, peer: Ipv6Addr) -> Ipv6Route {
    Ipv6Route {
        destination: peer,
        prefix_len: 128,
        ifindex: index,
        metric: 1,
    }
}

impl Route {
    /// Our default route: `default dev NAME`, link scope, with the metric
    /// asked for (pppd's `sifdefaultroute`).
    pub(crate) fn default_via(_index: u32, name: &str, metric: u32) -> Route {
        Route::V4(Ipv4Route {
            destination: Ipv4Addr::UNSPECIFIED,
            prefix_len: 0,
            gateway: None,
            dev: Some(name.to_string()),
            metric,
        })
    }

    /// A route read from `/proc/net/route` adds back as it is.
    pub(crate) fn restorable(self) -> Route {
        self
    }

    /// `destination/prefix_len dev NAME [metric]`.
    pub(crate) fn framed(_index: u32, name: &str, r: &FramedRoute) -> Route {
        Route::V4(Ipv4Route {
            destination: r.destination,
            prefix_len: r.prefix_len,
            gateway: None,
            dev: Some(name.to_string()),
            metric: r.metric.unwrap_or(0),
        })
    }

    /// The route to the peer's IPv6 prefix through the interface.
    pub(crate) fn ipv6_prefix(index: u32, prefix: Ipv6Prefix) -> Route {
        Route::V6(Ipv6Route {
            destination: prefix.address(),
            prefix_len: prefix.prefix_len(),
            ifindex: index,
            metric: 0,
        })
    }
}
