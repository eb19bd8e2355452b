//! The packet format (RFC 2865 section 3) and the attribute list (section
//! 5), as a zero-copy view over a received datagram.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Code      |  Identifier   |            Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Authenticator (16 octets)             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Attributes ...
//! +-+-+-+-+-+-+-+-+-+-+-+-+-
//! ```
//!
//! Section 3: octets beyond the Length field are padding and ignored; a
//! datagram shorter than the Length field is silently discarded; the
//! Length is 20..=4096. Section 5: an attribute's Length counts its Type
//! and Length octets, so it is at least 2.
//!
//! # The no-panic contract
//!
//! [`Packet::parse`] never panics, whatever the input. Once it has
//! accepted a datagram every attribute is known to be well-formed, so
//! iterating over them cannot fail.

use core::fmt;

use crate::attr::{Attribute, AttributeType};
use crate::code::Code;

/// The fixed header: Code, Identifier, Length, Authenticator.
pub const HEADER_LEN: usize = 20;
/// The smallest valid Length (RFC 2865 section 3).
pub const MIN_PACKET_LEN: usize = 20;
/// The largest valid Length (RFC 2865 section 3).
pub const MAX_PACKET_LEN: usize = 4096;
/// Where the Authenticator starts.
pub const AUTHENTICATOR_OFFSET: usize = 4;
/// An Authenticator's size.
pub const AUTHENTICATOR_LEN: usize = 16;

/// Why a datagram is not a RADIUS packet. RFC 2865 section 3 has all of
/// these silently discarded; the caller counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PacketError {
    /// The datagram ends inside the 20-octet header.
    TooShort {
        /// Octets received.
        datagram: usize,
    },
    /// The Length field is below 20 or above 4096.
    BadLength {
        /// The Length field.
        length: u16,
    },
    /// The datagram is shorter than its Length field says.
    Truncated {
        /// The Length field.
        length: u16,
        /// Octets received.
        datagram: usize,
    },
    /// An attribute's Length octet is below 2.
    AttributeLength {
        /// Where the attribute starts in the packet.
        offset: usize,
        /// Its Length octet.
        length: u8,
    },
    /// An attribute runs past the packet's Length.
    AttributeTruncated {
        /// Where the attribute starts in the packet.
        offset: usize,
        /// Its Length octet.
        length: u8,
        /// Octets left in the packet from `offset`.
        available: usize,
    },
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PacketError::TooShort { datagram } => {
                write!(
                    f,
                    "datagram of {datagram} octets is shorter than the RADIUS header"
                )
            }
            PacketError::BadLength { length } => {
                write!(f, "Length {length} is outside 20..=4096")
            }
            PacketError::Truncated { length, datagram } => {
                write!(f, "Length {length} but the datagram has {datagram} octets")
            }
            PacketError::AttributeLength { offset, length } => {
                write!(
                    f,
                    "attribute at offset {offset} has Length {length} (below 2)"
                )
            }
            PacketError::AttributeTruncated {
                offset,
                length,
                available,
            } => write!(
                f,
                "attribute at offset {offset} has Length {length} but {available} octets remain"
            ),
        }
    }
}

impl std::error::Error for PacketError {}

/// A validated RADIUS packet borrowed from a datagram.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Exactly Length octets.
    bytes: &'a [u8],
}

impl fmt::Debug for Packet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Attribute values may carry hidden passwords or keys: the Debug
        // form names the types only.
        let types: Vec<AttributeType> = self.attributes().map(|a| a.attribute_type()).collect();
        f.debug_struct("Packet")
            .field("code", &self.code())
            .field("identifier", &self.identifier())
            .field("length", &self.bytes.len())
            .field("attributes", &types)
            .finish()
    }
}

impl<'a> Packet<'a> {
    /// Checks the header and every attribute's length (RFC 2865 sections 3
    /// and 5). Octets after Length are ignored as padding.
    pub fn parse(datagram: &'a [u8]) -> Result<Self, PacketError> {
        if datagram.len() < HEADER_LEN {
            return Err(PacketError::TooShort {
                datagram: datagram.len(),
            });
        }
        let length = u16::from_be_bytes([datagram[2], datagram[3]]);
        let len = usize::from(length);
        if !(MIN_PACKET_LEN..=MAX_PACKET_LEN).contains(&len) {
            return Err(PacketError::BadLength { length });
        }
        if datagram.len() < len {
            return Err(PacketError::Truncated {
                length,
                datagram: datagram.len(),
            });
        }
        let bytes = &datagram[..len];
        let mut offset = HEADER_LEN;
        while offset < len {
            let available = len - offset;
            if available < 2 {
                return Err(PacketError::AttributeTruncated {
                    offset,
                    length: bytes[offset],
                    available,
                });
            }
            let alen = bytes[offset + 1];
            if alen < 2 {
                return Err(PacketError::AttributeLength {
                    offset,
                    length: alen,
                });
            }
            if usize::from(alen) > available {
                return Err(PacketError::AttributeTruncated {
                    offset,
                    length: alen,
                    available,
                });
            }
            offset += usize::from(alen);
        }
        Ok(Packet { bytes })
    }

    /// The Code.
    pub fn code(&self) -> Code {
        Code::from(self.bytes[0])
    }

    /// The Identifier.
    pub fn identifier(&self) -> u8 {
        self.bytes[1]
    }

    /// The Authenticator field.
    pub fn authenticator(&self) -> [u8; AUTHENTICATOR_LEN] {
        let mut a = [0; AUTHENTICATOR_LEN];
        a.copy_from_slice(&self.bytes[AUTHENTICATOR_OFFSET..HEADER_LEN]);
        a
    }

    /// The packet's octets, exactly Length of them (padding cut off).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The attributes in order, duplicates included.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes {
            bytes: self.bytes,
            offset: HEADER_LEN,
        }
    }

    /// The first attribute of this type.
    pub fn find(&self, attribute_type: AttributeType) -> Option<Attribute<'a>> {
        self.attributes()
            .find(|a| a.attribute_type() == attribute_type)
    }

    /// Every attribute of this type, in order.
    pub fn find_all(
        &self,
        attribute_type: AttributeType,
    ) -> impl Iterator<Item = Attribute<'a>> + 'a {
        self.attributes()
            .filter(move |a| a.attribute_type() == attribute_type)
    }
}

/// The attributes of a [`Packet`], each with its offset.
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        // Packet::parse checked every length; `get` keeps this panic-free
        // regardless.
        let header = self.bytes.get(self.offset..self.offset + 2)?;
        let len = usize::from(header[1]);
        let value = self.bytes.get(self.offset + 2..self.offset + len)?;
        let attribute = Attribute::new(header[0], value, self.offset);
        self.offset += len.max(2);
        Some(attribute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(attrs: &[u8]) -> Vec<u8> {
        let mut p = vec![1, 7, 0, 0];
        p.extend_from_slice(&[0xaa; 16]);
        p.extend_from_slice(attrs);
        let len = p.len() as u16;
        p[2..4].copy_from_slice(&len.to_be_bytes());
        p
    }

    #[test]
    fn parses_header_and_attributes() {
        let bytes = packet(&[1, 6, b'n', b'e', b'm', b'o', 200, 3, 9]);
        let p = Packet::parse(&bytes).unwrap();
        assert_eq!(p.code(), Code::AccessRequest);
        assert_eq!(p.identifier(), 7);
        assert_eq!(p.authenticator(), [0xaa; 16]);
        let attrs: Vec<_> = p.attributes().collect();
        assert_eq!(attrs.len(), 2);
        assert_eq!(attrs[0].attribute_type(), AttributeType::UserName);
        assert_eq!(attrs[0].value(), b"nemo");
        assert_eq!(attrs[0].offset(), 20);
        // An unknown type is kept, with its value.
        assert_eq!(attrs[1].attribute_type(), AttributeType::Unknown(200));
        assert_eq!(attrs[1].value(), &[9]);
        assert_eq!(attrs[1].offset(), 26);
    }

    #[test]
    fn padding_after_length_is_ignored() {
        let mut bytes = packet(&[1, 3, b'x']);
        bytes.extend_from_slice(&[0xff; 5]);
        let p = Packet::parse(&bytes).unwrap();
        assert_eq!(p.as_bytes().len(), 23);
        assert_eq!(p.attributes().count(), 1);
    }

    #[test]
    fn length_errors() {
        assert_eq!(
            Packet::parse(&[1; 19]),
            Err(PacketError::TooShort { datagram: 19 })
        );
        let mut bytes = packet(&[]);
        bytes[2..4].copy_from_slice(&19u16.to_be_bytes());
        assert_eq!(
            Packet::parse(&bytes),
            Err(PacketError::BadLength { length: 19 })
        );
        bytes[2..4].copy_from_slice(&4097u16.to_be_bytes());
        assert_eq!(
            Packet::parse(&bytes),
            Err(PacketError::BadLength { length: 4097 })
        );
        bytes[2..4].copy_from_slice(&21u16.to_be_bytes());
        assert_eq!(
            Packet::parse(&bytes),
            Err(PacketError::Truncated {
                length: 21,
                datagram: 20
            })
        );
    }

    #[test]
    fn attribute_errors_name_the_offset() {
        let bytes = packet(&[1, 3, b'x', 4, 1]);
        assert_eq!(
            Packet::parse(&bytes),
            Err(PacketError::AttributeLength {
                offset: 23,
                length: 1
            })
        );
        let bytes = packet(&[1, 3, b'x', 4, 9, 0]);
        assert_eq!(
            Packet::parse(&bytes),
            Err(PacketError::AttributeTruncated {
                offset: 23,
                length: 9,
                available: 3
            })
        );
        let bytes = packet(&[1, 3, b'x', 4]);
        assert_eq!(
            Packet::parse(&bytes),
            Err(PacketError::AttributeTruncated {
                offset: 23,
                length: 4,
                available: 1
            })
        );
        assert!(PacketError::AttributeLength {
            offset: 23,
            length: 1
        }
        .to_string()
        .contains("offset 23"));
    }

    #[test]
    fn find_and_find_all() {
        let bytes = packet(&[18, 3, b'a', 1, 3, b'u', 18, 3, b'b']);
        let p = Packet::parse(&bytes).unwrap();
        assert_eq!(p.find(AttributeType::UserName).unwrap().value(), b"u");
        let msgs: Vec<_> = p
            .find_all(AttributeType::ReplyMessage)
            .map(|a| a.value())
            .collect();
        assert_eq!(msgs, vec![b"a", b"b"]);
        assert!(p.find(AttributeType::Class).is_none());
    }

    #[test]
    fn debug_shows_no_values() {
        let bytes = packet(&[
            2, 18, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        let p = Packet::parse(&bytes).unwrap();
        let s = format!("{p:?}");
        assert!(s.contains("UserPassword"), "{s}");
        assert!(!s.contains("83") && !s.contains("SECRET"), "{s}");
    }
}
