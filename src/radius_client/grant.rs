//! What an Access-Accept becomes for the session's driver (RFC 2865
//! section 5, RFC 3162, RFC 2548): the [`Authorization`] with its limits,
//! name servers, MTU, IPv6 interface identifier and prefix, routes, and
//! the peer's address from a Framed-Pool; and, logged, what of the reply
//! rppp reads but does not apply.

use super::framed_pool::FramedPools;
use super::reply::{FramedIp, ReplyAttributes};
use crate::driver::{Authorization, FramedRoute, SessionLimits};
use crate::nd::Ipv6Prefix;

/// The driver's authorization from RADIUS's answer, logging the reply's
/// attributes that are not applied and its Reply-Message.
pub(super) fn driver_authorization(radius: &super::Authorization) -> Authorization {
    let a = &radius.attributes;
    for u in &a.unsupported {
        tracing::warn!("RADIUS: {u} in the Access-Accept is not applied");
    }
    for what in not_applied(a) {
        tracing::warn!("RADIUS: {what} in the Access-Accept is not applied");
    }
    if let Some(m) = &a.reply_message {
        tracing::info!("RADIUS: Reply-Message: {m}");
    }
    Authorization {
        verdict: radius.verdict.clone(),
        limits: SessionLimits {
            session_timeout: a.session_timeout.filter(|d| !d.is_zero()),
            idle_timeout: a.idle_timeout.filter(|d| !d.is_zero()),
        },
        dns: [a.primary_dns, a.secondary_dns],
        nbns: [a.primary_nbns, a.secondary_nbns],
        mtu: a.framed_mtu.and_then(framed_mtu),
        interface_id: a.framed_interface_id,
        routes: routes(a),
        ipv6_prefix: ipv6_prefix(a),
    }
}

/// Framed-Pool: the peer's address from the named pool, unless the
/// server gave the address itself.
pub(super) fn framed_pool(pools: Option<&dyn FramedPools>, radius: &mut super::Authorization) {
    let Some(name) = radius.attributes.framed_pool.as_deref() else {
        return;
    };
    if matches!(radius.attributes.framed_ip, Some(FramedIp::Address(_))) {
        return;
    }
    let crate::session::Verdict::Accept { addresses, .. } = &mut radius.verdict else {
        return;
    };
    let Some(pools) = pools else {
        tracing::warn!("RADIUS: Framed-Pool {name:?} is not applied: this session's address is not leased by rppp");
        return;
    };
    match pools.lease_from(name) {
        Ok(address) => {
            tracing::info!("RADIUS: Framed-Pool {name:?}: the peer's address is {address}");
            *addresses = super::access::only(address);
        }
        Err(e) => tracing::warn!("RADIUS: Framed-Pool {name:?}: {e}; the peer keeps its address"),
    }
}

/// The routes through the interface: every Framed-Route, and the subnet
/// of Framed-IP-Address and Framed-IP-Netmask (RFC 2865 section 5.9)
/// when it is wider than the address.
fn routes(a: &ReplyAttributes) -> Vec<FramedRoute> {
    let mut v = a.framed_routes.clone();
    if let Some(r) = netmask_route(a).filter(|r| r.prefix_len < 32) {
        if !v.contains(&r) {
            v.push(r);
        }
    }
    v
}

/// The subnet Framed-IP-Netmask gives Framed-IP-Address, when both came
/// and the mask is one (contiguous ones).
fn netmask_route(a: &ReplyAttributes) -> Option<FramedRoute> {
    let (Some(FramedIp::Address(address)), Some(mask)) = (a.framed_ip, a.framed_netmask) else {
        return None;
    };
    let m = u32::from(mask);
    let prefix_len = m.leading_ones();
    (m.checked_shl(prefix_len).unwrap_or(0) == 0)
        .then(|| FramedRoute::new(address, prefix_len as u8, None))
        .flatten()
}

/// Framed-IPv6-Prefix as a prefix (RFC 3162 section 2.3 allows lengths
/// 0 to 128).
fn ipv6_prefix(a: &ReplyAttributes) -> Option<Ipv6Prefix> {
    a.framed_ipv6_prefix
        .and_then(|(address, len)| Ipv6Prefix::new(address, len))
}

/// Framed-MTU as an MTU: RFC 2865 section 5.12 allows 64 to 65535.
fn framed_mtu(v: u32) -> Option<u16> {
    u16::try_from(v).ok().filter(|m| *m >= 64)
}

/// The reply attributes rppp reads but does not apply, by name.
fn not_applied(a: &ReplyAttributes) -> Vec<&'static str> {
    let mut v = Vec::new();
    if a.framed_mtu.is_some_and(|m| framed_mtu(m).is_none()) {
        v.push("Framed-MTU out of 64..65535");
    }
    if a.framed_netmask.is_some() && netmask_route(a).is_none() {
        v.push("Framed-IP-Netmask without a Framed-IP-Address, or not a netmask");
    }
    if a.framed_ipv6_prefix.is_some() && ipv6_prefix(a).is_none() {
        v.push("Framed-IPv6-Prefix longer than 128 bits");
    }
    if a.mppe_keys {
        // Accepted: MPPE is not negotiated on L2TP links here.
        tracing::debug!("RADIUS: MS-MPPE keys in the Access-Accept are not used (no MPPE)");
    }
    v
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::session::Verdict;

    fn granted(a: ReplyAttributes) -> Authorization {
        driver_authorization(&super::super::Authorization {
            verdict: Verdict::accept(),
            attributes: a,
        })
    }

    #[test]
    fn the_accepts_attributes_become_the_drivers_authorization() {
        let a = ReplyAttributes {
            framed_ip: Some(FramedIp::Address(Ipv4Addr::new(10, 1, 2, 3))),
            framed_netmask: Some(Ipv4Addr::new(255, 255, 255, 248)),
            framed_mtu: Some(1280),
            framed_ipv6_prefix: Some(("2001:db8:1:2::99".parse().unwrap(), 64)),
            ..ReplyAttributes::default()
        };
        let g = granted(a);
        assert_eq!(g.mtu, Some(1280));
        assert_eq!(
            g.routes,
            [FramedRoute::new(Ipv4Addr::new(10, 1, 2, 0), 29, None).unwrap()]
        );
        assert_eq!(
            g.ipv6_prefix.map(|p| p.to_string()).as_deref(),
            Some("2001:db8:1:2::/64")
        );
    }

    #[test]
    fn what_cannot_be_applied_is_named_not_granted() {
        let a = ReplyAttributes {
            framed_mtu: Some(63),
            framed_netmask: Some(Ipv4Addr::new(255, 0, 255, 0)),
            framed_ipv6_prefix: Some((std::net::Ipv6Addr::LOCALHOST, 129)),
            ..ReplyAttributes::default()
        };
        assert_eq!(not_applied(&a).len(), 3, "{:?}", not_applied(&a));
        let g = granted(a);
        assert_eq!((g.mtu, g.routes.len(), g.ipv6_prefix), (None, 0, None));
    }
}
