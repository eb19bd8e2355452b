//! Attributes (RFC 2865 section 5): a borrowed attribute with typed
//! decoders for the data types of RFC 2865 section 5 (text, string,
//! address, integer, time), RFC 3162 (IPv6 prefix, interface id) and RFC
//! 2868 (tagged values).

use core::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

pub use crate::attr_type::AttributeType;
use crate::vendor::{VendorError, VendorSpecific};

/// Why an attribute's value is not of the type its Type calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueError {
    /// The value has the wrong number of octets.
    Length {
        /// The attribute's Type.
        attribute_type: AttributeType,
        /// Where the attribute starts in its packet.
        offset: usize,
        /// Octets the type needs (the minimum when variable).
        expected: usize,
        /// Octets present.
        actual: usize,
    },
    /// A text attribute is not UTF-8 (RFC 2865 section 5).
    NotUtf8 {
        /// The attribute's Type.
        attribute_type: AttributeType,
        /// Where the attribute starts in its packet.
        offset: usize,
    },
    /// An IPv6 prefix's length is above 128 or longer than its octets.
    PrefixLength {
        /// Where the attribute starts in its packet.
        offset: usize,
        /// The Prefix-Length octet.
        prefix_length: u8,
    },
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ValueError::Length {
                attribute_type,
                offset,
                expected,
                actual,
            } => write!(
                f,
                "attribute {} at offset {offset}: value of {actual} octets, expected {expected}",
                u8::from(attribute_type)
            ),
            ValueError::NotUtf8 {
                attribute_type,
                offset,
            } => write!(
                f,
                "attribute {} at offset {offset}: text is not UTF-8",
                u8::from(attribute_type)
            ),
            ValueError::PrefixLength {
                offset,
                prefix_length,
            } => write!(
                f,
                "IPv6 prefix at offset {offset}: prefix length {prefix_length} does not fit"
            ),
        }
    }
}

impl std::error::Error for ValueError {}

/// One attribute of a parsed packet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    attribute_type: AttributeType,
    value: &'a [u8],
    offset: usize,
}

impl fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be hidden passwords or keys; only the shape is shown.
        f.debug_struct("Attribute")
            .field("type", &self.attribute_type)
            .field("offset", &self.offset)
            .field("value_len", &self.value.len())
            .finish()
    }
}

impl<'a> Attribute<'a> {
    pub(crate) fn new(attribute_type: u8, value: &'a [u8], offset: usize) -> Self {
        Attribute {
            attribute_type: AttributeType::from(attribute_type),
            value,
            offset,
        }
    }

    /// The Type.
    pub fn attribute_type(&self) -> AttributeType {
        self.attribute_type
    }

    /// The Value octets (Length - 2 of them).
    pub fn value(&self) -> &'a [u8] {
        self.value
    }

    /// Where the attribute starts in its packet.
    pub fn offset(&self) -> usize {
        self.offset
    }

    fn exact<const N: usize>(&self) -> Result<[u8; N], ValueError> {
        self.value.try_into().map_err(|_| self.length_error(N))
    }

    fn length_error(&self, expected: usize) -> ValueError {
        ValueError::Length {
            attribute_type: self.attribute_type,
            offset: self.offset,
            expected,
            actual: self.value.len(),
        }
    }

    /// An `integer` (RFC 2865 section 5): 32 bits, network order.
    pub fn as_u32(&self) -> Result<u32, ValueError> {
        self.exact::<4>().map(u32::from_be_bytes)
    }

    /// An `address`: an IPv4 address.
    pub fn as_ipv4(&self) -> Result<Ipv4Addr, ValueError> {
        self.exact::<4>().map(Ipv4Addr::from)
    }

    /// An IPv6 address (RFC 3162 section 2.1).
    pub fn as_ipv6(&self) -> Result<Ipv6Addr, ValueError> {
        self.exact::<16>().map(Ipv6Addr::from)
    }

    /// A `text` value: UTF-8 (RFC 2865 section 5).
    pub fn as_text(&self) -> Result<&'a str, ValueError> {
        core::str::from_utf8(self.value).map_err(|_| ValueError::NotUtf8 {
            attribute_type: self.attribute_type,
            offset: self.offset,
        })
    }

    /// Framed-Interface-Id (RFC 3162 section 2.2): 8 octets.
    pub fn as_interface_id(&self) -> Result<[u8; 8], ValueError> {
        self.exact::<8>()
    }

    /// Message-Authenticator's 16 octets (RFC 3579 section 3.2).
    pub fn as_authenticator(&self) -> Result<[u8; 16], ValueError> {
        self.exact::<16>()
    }

    /// An IPv6 prefix (RFC 3162 section 2.3): Reserved, Prefix-Length,
    /// then as many prefix octets as the sender chose (0 to 16), the
    /// rest zero. Returns the prefix with host bits cleared.
    pub fn as_ipv6_prefix(&self) -> Result<(Ipv6Addr, u8), ValueError> {
        if self.value.len() < 2 || self.value.len() > 18 {
            return Err(self.length_error(2));
        }
        let prefix_length = self.value[1];
        let octets = &self.value[2..];
        if prefix_length > 128 || usize::from(prefix_length) > octets.len() * 8 {
            return Err(ValueError::PrefixLength {
                offset: self.offset,
                prefix_length,
            });
        }
        let mut a = [0u8; 16];
        a[..octets.len()].copy_from_slice(octets);
        let bits = u128::from_be_bytes(a);
        let mask = u128::MAX
            .checked_shl(128 - u32::from(prefix_length))
            .unwrap_or(0);
        Ok((Ipv6Addr::from(bits & mask), prefix_length))
    }

    /// A tagged integer (RFC 2868 section 3.1): a Tag octet (0 for none)
    /// and a 24-bit value.
    pub fn as_tagged_u32(&self) -> Result<(Option<u8>, u32), ValueError> {
        let v = self.exact::<4>()?;
        let tag = (v[0] != 0).then_some(v[0]);
        Ok((tag, u32::from_be_bytes([0, v[1], v[2], v[3]])))
    }

    /// A tagged string (RFC 2868 section 3.3): a first octet of 0x01 to
    /// 0x1F is a Tag, anything else is already the string.
    pub fn as_tagged_string(&self) -> (Option<u8>, &'a [u8]) {
        match self.value.split_first() {
            Some((&tag, rest)) if (1..=0x1f).contains(&tag) => (Some(tag), rest),
            Some((0, rest)) => (None, rest),
            _ => (None, self.value),
        }
    }

    /// A Vendor-Specific attribute's vendor and sub-attributes (RFC 2865
    /// section 5.26).
    pub fn as_vendor_specific(&self) -> Result<VendorSpecific<'a>, VendorError> {
        VendorSpecific::parse(self.value, self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(t: u8, v: &[u8]) -> Attribute<'_> {
        Attribute::new(t, v, 20)
    }

    #[test]
    fn integers_addresses_text() {
        assert_eq!(attr(5, &[0, 0, 1, 2]).as_u32(), Ok(258));
        assert_eq!(
            attr(5, &[0, 1, 2]).as_u32(),
            Err(ValueError::Length {
                attribute_type: AttributeType::NasPort,
                offset: 20,
                expected: 4,
                actual: 3
            })
        );
        assert_eq!(
            attr(8, &[192, 0, 2, 1]).as_ipv4(),
            Ok(Ipv4Addr::new(192, 0, 2, 1))
        );
        assert_eq!(attr(1, b"nemo").as_text(), Ok("nemo"));
        assert!(matches!(
            attr(1, &[0xff]).as_text(),
            Err(ValueError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn ipv6_prefix_rfc3162() {
        // 2001:db8::/32 sent with 4 prefix octets.
        let v = [0, 32, 0x20, 0x01, 0x0d, 0xb8];
        assert_eq!(
            attr(97, &v).as_ipv6_prefix(),
            Ok(("2001:db8::".parse().unwrap(), 32))
        );
        // Host bits beyond the prefix length are cleared.
        let v = [0, 16, 0x20, 0x01, 0x0d, 0xb8];
        assert_eq!(
            attr(97, &v).as_ipv6_prefix(),
            Ok(("2001::".parse().unwrap(), 16))
        );
        let v = [0, 0];
        assert_eq!(
            attr(97, &v).as_ipv6_prefix(),
            Ok((Ipv6Addr::UNSPECIFIED, 0))
        );
        assert!(matches!(
            attr(97, &[0, 64, 1, 2]).as_ipv6_prefix(),
            Err(ValueError::PrefixLength {
                prefix_length: 64,
                ..
            })
        ));
        assert!(matches!(
            attr(
                97,
                &[0, 129, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            )
            .as_ipv6_prefix(),
            Err(ValueError::PrefixLength { .. })
        ));
        assert!(attr(97, &[0]).as_ipv6_prefix().is_err());
    }

    #[test]
    fn tagged_values_rfc2868() {
        assert_eq!(attr(64, &[1, 0, 0, 3]).as_tagged_u32(), Ok((Some(1), 3)));
        assert_eq!(attr(64, &[0, 0, 0, 3]).as_tagged_u32(), Ok((None, 3)));
        assert_eq!(
            attr(66, b"\x02192.0.2.1").as_tagged_string(),
            (Some(2), &b"192.0.2.1"[..])
        );
        assert_eq!(
            attr(66, b"192.0.2.1").as_tagged_string(),
            (None, &b"192.0.2.1"[..])
        );
        assert_eq!(attr(66, b"").as_tagged_string(), (None, &b""[..]));
    }
}
