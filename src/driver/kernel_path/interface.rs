//! The interface: MTU, MRU, addresses (IPv4 and the IPv6 link-local pair),
//! up and down, NP modes, and its counters, through rtnetlink and the unit.

use std::net::IpAddr;

use super::netlink_error::NetlinkError;
use futures_util::TryStreamExt as _;
use netlink_packet_route::address::AddressAttribute;
use netlink_packet_route::link::LinkAttribute;
use rtnetlink::{Handle, LinkUnspec};

use super::{step, KernelDataPath};
use crate::driver::datapath::{DataPathError, DataPathStep, UnitStats};
use crate::session::DataPathAction;

impl KernelDataPath {
    /// Carries out one of the session's actions on the unit and its
    /// interface.
    pub(super) async fn apply_action(
        &mut self,
        action: &DataPathAction,
    ) -> Result<(), DataPathError> {
        let (Some(unit), Some(index)) = (&self.unit, self.ifindex) else {
            return Err(DataPathError::new(DataPathStep::of(action), "no unit yet"));
        };
        match *action {
            DataPathAction::CreateUnit => {
                tracing::warn!("CreateUnit is carried out by create_unit, not apply")
            }
            // A down interface carries nothing, and every RTM_SETLINK takes
            // RTNL, the lock that unit creation needs too: the MTU LCP
            // negotiated goes out in the same request that brings the
            // interface up (the kernel sets the MTU first). An interface
            // that is up (a renegotiation) gets it at once.
            DataPathAction::SetMtu(mtu) if !self.link_up => self.pending_mtu = Some(mtu),
            DataPathAction::SetMtu(mtu) => self.set_mtu(index, mtu).await?,
            DataPathAction::SetMru(mru) => {
                if let Err(e) = unit.set_mru(mru) {
                    tracing::warn!("setting the MRU to {mru} failed (not fatal): {e}");
                }
            }
            DataPathAction::SetIpv4Addresses { local, peer } => {
                let pair = (IpAddr::V4(local), IpAddr::V4(peer));
                add_address(&self.netlink, index, pair, DataPathStep::Ipv4Addresses).await?;
                self.ipv4 = Some(pair);
            }
            DataPathAction::RemoveIpv4Addresses => {
                if let Some(pair) = self.ipv4.take() {
                    remove_address(&self.netlink, index, pair).await;
                }
            }
            // The kernel (6.1) adds the route to the peer's address
            // (IFA_ADDRESS) only for an address added while the interface
            // is up: one given while it is down waits for InterfaceUp.
            DataPathAction::SetIpv6LinkLocal { local, peer } if !self.link_up => {
                self.pending_ipv6 = Some(Box::new((IpAddr::V6(local), IpAddr::V6(peer))));
            }
            DataPathAction::SetIpv6LinkLocal { local, peer } => {
                self.add_ipv6_link_local(index, (IpAddr::V6(local), IpAddr::V6(peer)))
                    .await?;
            }
            DataPathAction::RemoveIpv6LinkLocal => {
                self.pending_ipv6 = None;
                if let Some(pair) = self.ipv6.take() {
                    remove_address(&self.netlink, index, *pair).await;
                }
            }
            DataPathAction::InterfaceUp => self.interface_up(index).await?,
            DataPathAction::InterfaceDown => self.interface_down(index).await?,
            DataPathAction::SetNpMode { protocol, mode } => unit
                .set_npmode(protocol, mode)
                .map_err(step(DataPathStep::NpMode, "PPPIOCSNPMODE"))?,
        }
        Ok(())
    }

    /// The MTU of an interface that is up (a renegotiation).
    async fn set_mtu(&self, index: u32, mtu: u16) -> Result<(), DataPathError> {
        self.netlink
            .link()
            .set(
                LinkUnspec::new_with_index(index)
                    .mtu(u32::from(mtu))
                    .build(),
            )
            .execute()
            .await
            .map_err(NetlinkError::from)
            .map_err(|e| DataPathError::in_call(DataPathStep::Mtu, "RTM_SETLINK", e))
    }

    /// The interface up, with the MTU LCP negotiated while it was down in
    /// the same request; then the IPv6 link-local pair that waited for it.
    async fn interface_up(&mut self, index: u32) -> Result<(), DataPathError> {
        let mut request = LinkUnspec::new_with_index(index).up();
        if let Some(mtu) = self.pending_mtu {
            request = request.mtu(u32::from(mtu));
        }
        let link = self.netlink.link();
        link.set(request.build())
            .execute()
            .await
            .map_err(NetlinkError::from)
            .map_err(|e| {
                let detail = match self.pending_mtu {
                    Some(mtu) => format!("with the MTU {mtu}: {e}"),
                    None => e.to_string(),
                };
                DataPathError::in_call(DataPathStep::InterfaceUp, "RTM_SETLINK", detail)
            })?;
        self.pending_mtu = None;
        self.link_up = true;
        if let Some(pair) = self.pending_ipv6.take() {
            self.add_ipv6_link_local(index, *pair).await?;
        }
        Ok(())
    }

    /// The interface down.
    async fn interface_down(&mut self, index: u32) -> Result<(), DataPathError> {
        self.netlink
            .link()
            .set(LinkUnspec::new_with_index(index).down().build())
            .execute()
            .await
            .map_err(NetlinkError::from)
            .map_err(|e| DataPathError::in_call(DataPathStep::InterfaceDown, "RTM_SETLINK", e))?;
        self.link_up = false;
        Ok(())
    }

    /// Our IPv6 link-local address with the peer's, on an interface that
    /// is up.
    async fn add_ipv6_link_local(
        &mut self,
        index: u32,
        pair: (IpAddr, IpAddr),
    ) -> Result<(), DataPathError> {
        add_address(&self.netlink, index, pair, DataPathStep::Ipv6Address).await?;
        self.ipv6 = Some(Box::new(pair));
        Ok(())
    }

    /// The interface's counters (`IFLA_STATS64`).
    pub(super) async fn read_unit_stats(&mut self) -> Result<UnitStats, DataPathError> {
        let index = self
            .ifindex
            .ok_or(DataPathError::new(DataPathStep::Counters, "no unit yet"))?;
        let mut links = self.netlink.link().get().match_index(index).execute();
        while let Some(link) = links
            .try_next()
            .await
            .map_err(NetlinkError::from)
            .map_err(|e| DataPathError::in_call(DataPathStep::Counters, "RTM_GETLINK", e))?
        {
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
        Err(DataPathError::in_call(
            DataPathStep::Counters,
            "RTM_GETLINK",
            "no IFLA_STATS64 in the answer",
        ))
    }
}

/// The prefix length of a point-to-point address: the whole address.
fn host_prefix(a: IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// Adds `local` with `peer` as the other end (`IFA_LOCAL` ours,
/// `IFA_ADDRESS` the peer's), as pppd's sifaddr/sif6addr do.
async fn add_address(
    netlink: &Handle,
    index: u32,
    (local, peer): (IpAddr, IpAddr),
    step: DataPathStep,
) -> Result<(), DataPathError> {
    let mut request = netlink.address().add(index, local, host_prefix(local));
    let message = request.message_mut();
    message
        .attributes
        .retain(|a| !matches!(a, AddressAttribute::Address(_)));
    message.attributes.push(AddressAttribute::Address(peer));
    request
        .execute()
        .await
        .map_err(NetlinkError::from)
        .map_err(|e| {
            DataPathError::in_call(step, "RTM_NEWADDR", format!("{local} peer {peer}: {e}"))
        })
}

/// Removes an address [`add_address`] added; failures are only logged
/// (closing the unit removes them anyway).
pub(super) async fn remove_address(netlink: &Handle, index: u32, (local, peer): (IpAddr, IpAddr)) {
    let mut message = netlink_packet_route::address::AddressMessage::default();
    message.header.index = index;
    message.header.prefix_len = host_prefix(local);
    message.header.family = match local {
        IpAddr::V4(_) => netlink_packet_route::AddressFamily::Inet,
        IpAddr::V6(_) => netlink_packet_route::AddressFamily::Inet6,
    };
    message.attributes.push(AddressAttribute::Local(local));
    message.attributes.push(AddressAttribute::Address(peer));
    if let Err(e) = netlink
        .address()
        .del(message)
        .execute()
        .await
        .map_err(NetlinkError::from)
    {
        tracing::debug!("removing {local} peer {peer}: {e}");
    }
}
