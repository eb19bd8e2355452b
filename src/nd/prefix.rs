//! An IPv6 prefix: an address with its host bits cleared, and a length.

use std::fmt;
use std::net::Ipv6Addr;

/// An IPv6 prefix, as RADIUS Framed-IPv6-Prefix (RFC 3162 section 2.3)
/// and the Prefix Information option (RFC 4861 section 4.6.2) carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv6Prefix {
    address: Ipv6Addr,
    len: u8,
}

impl Ipv6Prefix {
    /// `address/len` with the bits past `len` cleared; `None` for a
    /// length over 128.
    pub fn new(address: Ipv6Addr, len: u8) -> Option<Ipv6Prefix> {
        let mask = match len {
            0 => 0,
            1..=128 => u128::MAX << (128 - u32::from(len)),
            _ => return None,
        };
        Some(Ipv6Prefix {
            address: Ipv6Addr::from(u128::from(address) & mask),
            len,
        })
    }

    /// The prefix's address (its host bits zero).
    pub fn address(&self) -> Ipv6Addr {
        self.address
    }

    /// Its length in bits, 0 to 128.
    pub fn prefix_len(&self) -> u8 {
        self.len
    }

    /// Whether SLAAC can form addresses in it: a host's interface
    /// identifier is 64 bits, so only a /64 (RFC 4862 section 5.5.3 d,
    /// RFC 4291 section 2.5.1).
    pub fn is_slaac(&self) -> bool {
        self.len == 64
    }

    /// Whether `address` is in the prefix.
    pub fn contains(&self, address: Ipv6Addr) -> bool {
        Ipv6Prefix::new(address, self.len) == Some(*self)
    }
}

impl fmt::Display for Ipv6Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_bits_are_cleared_and_long_prefixes_refused() {
        let a: Ipv6Addr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
        let p = Ipv6Prefix::new(a, 64).unwrap();
        assert_eq!(p.to_string(), "2001:db8:1:2::/64");
        assert!(p.is_slaac());
        assert!(p.contains(a));
        assert!(!p.contains("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(
            Ipv6Prefix::new(a, 0).unwrap().address(),
            Ipv6Addr::UNSPECIFIED
        );
        assert_eq!(Ipv6Prefix::new(a, 128).unwrap().address(), a);
        assert!(!Ipv6Prefix::new(a, 56).unwrap().is_slaac());
        assert_eq!(Ipv6Prefix::new(a, 129), None);
    }
}
