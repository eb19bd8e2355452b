//! Routes through a session's interface that its authorization asks for:
//! RADIUS Framed-Route (RFC 2865 section 5.22) and the subnet of
//! Framed-IP-Netmask (section 5.9), for a peer that is a router with
//! networks behind it. The peer is the next hop on a point-to-point link,
//! so a route names a destination and the interface, and a metric.

use std::fmt;
use std::net::Ipv4Addr;

/// One route to add through the session's interface while IPv4 is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FramedRoute {
    /// The destination network (its host bits zero).
    pub destination: Ipv4Addr,
    /// Its prefix length, 0 to 32.
    pub prefix_len: u8,
    /// The route's metric (`None`: the kernel's default, 0).
    pub metric: Option<u32>,
}

impl FramedRoute {
    /// The route to `address/prefix_len`'s network, or `None` for a
    /// prefix length over 32.
    pub fn new(address: Ipv4Addr, prefix_len: u8, metric: Option<u32>) -> Option<FramedRoute> {
        let mask = match prefix_len {
            0 => 0,
            1..=32 => u32::MAX << (32 - u32::from(prefix_len)),
            _ => return None,
        };
        Some(FramedRoute {
            destination: Ipv4Addr::from(u32::from(address) & mask),
            prefix_len,
            metric,
        })
    }
}

impl fmt::Display for FramedRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.destination, self.prefix_len)?;
        if let Some(m) = self.metric {
            write!(f, " metric {m}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_bits_are_cleared_and_long_prefixes_refused() {
        let r = FramedRoute::new(Ipv4Addr::new(192, 0, 2, 77), 24, Some(5)).unwrap();
        assert_eq!(r.destination, Ipv4Addr::new(192, 0, 2, 0));
        assert_eq!(r.to_string(), "192.0.2.0/24 metric 5");
        assert_eq!(
            FramedRoute::new(Ipv4Addr::new(10, 1, 2, 3), 0, None)
                .unwrap()
                .destination,
            Ipv4Addr::UNSPECIFIED
        );
        assert_eq!(FramedRoute::new(Ipv4Addr::LOCALHOST, 33, None), None);
    }
}
