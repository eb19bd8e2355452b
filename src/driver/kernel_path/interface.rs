//! The interface: MTU, MRU, addresses (IPv4 and the IPv6 link-local pair),
//! up and down, NP modes, and its counters, through [`Netif`] and the unit.

use std::net::IpAddr;

use super::netif::Netif;
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
                add_address(
                    &self.netif,
                    index,
                    self.name(),
                    pair,
                    DataPathStep::Ipv4Addresses,
                )
                .await?;
                self.ipv4 = Some(pair);
            }
            DataPathAction::RemoveIpv4Addresses => {
                if let Some(pair) = self.ipv4.take() {
                    remove_address(&self.netif, index, self.name(), pair).await;
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
                    remove_address(&self.netif, index, self.name(), *pair).await;
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
        self.netif
            .set_link(index, self.name(), None, Some(u32::from(mtu)))
            .await
            .map_err(|e| DataPathError::in_call(DataPathStep::Mtu, e.call(), e))
    }

    /// The interface up, with the MTU LCP negotiated while it was down in
    /// the same request; then the IPv6 link-local pair that waited for it.
    async fn interface_up(&mut self, index: u32) -> Result<(), DataPathError> {
        let mtu = self.pending_mtu.map(u32::from);
        self.netif
            .set_link(index, self.name(), Some(true), mtu)
            .await
            .map_err(|e| {
                let detail = match self.pending_mtu {
                    Some(mtu) => format!("with the MTU {mtu}: {e}"),
                    None => e.to_string(),
                };
                DataPathError::in_call(DataPathStep::InterfaceUp, e.call(), detail)
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
        self.netif
            .set_link(index, self.name(), Some(false), None)
            .await
            .map_err(|e| DataPathError::in_call(DataPathStep::InterfaceDown, e.call(), e))?;
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
        add_address(
            &self.netif,
            index,
            self.name(),
            pair,
            DataPathStep::Ipv6Address,
        )
        .await?;
        self.ipv6 = Some(Box::new(pair));
        Ok(())
    }

    /// The interface's counters.
    pub(super) async fn read_unit_stats(&mut self) -> Result<UnitStats, DataPathError> {
        let index = self
            .ifindex
            .ok_or(DataPathError::new(DataPathStep::Counters, "no unit yet"))?;
        self.netif
            .stats(index, self.name())
            .await
            .map_err(|e| DataPathError::in_call(DataPathStep::Counters, e.call(), e))
    }

    /// The interface's name (empty before the unit exists).
    pub(super) fn name(&self) -> &str {
        self.ifname.as_deref().unwrap_or_default()
    }
}

/// Adds `local` with `peer` as the other end, as pppd's sifaddr/sif6addr
/// do.
async fn add_address(
    netif: &Netif,
    index: u32,
    name: &str,
    (local, peer): (IpAddr, IpAddr),
    step: DataPathStep,
) -> Result<(), DataPathError> {
    netif
        .add_address(index, name, local, peer)
        .await
        .map_err(|e| DataPathError::in_call(step, e.call(), format!("{local} peer {peer}: {e}")))
}

/// Removes an address [`add_address`] added; failures are only logged
/// (closing the unit removes them anyway).
pub(super) async fn remove_address(
    netif: &Netif,
    index: u32,
    name: &str,
    (local, peer): (IpAddr, IpAddr),
) {
    if let Err(e) = netif.remove_address(index, name, local, peer).await {
        tracing::debug!("removing {local} peer {peer}: {e}");
    }
}
