//! Writing packets: attributes in order, then [`PacketBuilder::finish`]
//! fills in Length, Message-Authenticator and the Authenticator field as
//! the packet's Code calls for (see [`crate::crypto::authenticator`]).

use core::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::attr::AttributeType;
use crate::code::Code;
use crate::crypto::authenticator::{compute_message_authenticator, md5_with_authenticator};
use crate::crypto::password::{hide_password, PasswordError};
use crate::packet::{AUTHENTICATOR_OFFSET, HEADER_LEN, MAX_PACKET_LEN};
use crate::secret::SharedSecret;
use crate::vendor::encode_vendor_attribute;

/// The longest attribute value (255 minus Type and Length).
pub const MAX_VALUE_LEN: usize = 253;

/// Why a packet cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// A value longer than 253 octets.
    ValueTooLong {
        /// The attribute's Type.
        attribute_type: AttributeType,
        /// The value's length.
        len: usize,
    },
    /// The packet would exceed 4096 octets.
    PacketTooLong {
        /// The length it would have.
        len: usize,
    },
    /// A reply needs the request's authenticator.
    NoRequestAuthenticator,
    /// User-Password could not be hidden.
    Password(PasswordError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BuildError::ValueTooLong {
                attribute_type,
                len,
            } => write!(
                f,
                "attribute {} value of {len} octets exceeds 253",
                u8::from(attribute_type)
            ),
            BuildError::PacketTooLong { len } => write!(f, "packet of {len} octets exceeds 4096"),
            BuildError::NoRequestAuthenticator => {
                f.write_str("a reply needs the request's authenticator")
            }
            BuildError::Password(e) => write!(f, "User-Password: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// A packet being written. Values are checked as they are added; the
/// packet's total length when it is finished.
#[derive(Clone)]
pub struct PacketBuilder {
    code: Code,
    identifier: u8,
    authenticator: [u8; 16],
    attributes: Vec<u8>,
    /// Offset in `attributes` of the Message-Authenticator's value.
    message_authenticator: Option<usize>,
}

impl fmt::Debug for PacketBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacketBuilder")
            .field("code", &self.code)
            .field("identifier", &self.identifier)
            .field("attributes_len", &self.attributes.len())
            .finish()
    }
}

impl PacketBuilder {
    /// A packet with this Code and Identifier and a zero Authenticator.
    pub fn new(code: Code, identifier: u8) -> Self {
        PacketBuilder {
            code,
            identifier,
            authenticator: [0; 16],
            attributes: Vec::new(),
            message_authenticator: None,
        }
    }

    /// Sets the Request Authenticator of an Access-Request or
    /// Status-Server: 16 random octets from the caller's RNG (RFC 2865
    /// section 3). Set it before adding User-Password.
    pub fn authenticator(&mut self, authenticator: [u8; 16]) -> &mut Self {
        self.authenticator = authenticator;
        self
    }

    /// The Request Authenticator set so far.
    pub fn current_authenticator(&self) -> [u8; 16] {
        self.authenticator
    }

    /// Adds an attribute with a raw value.
    pub fn add(
        &mut self,
        attribute_type: AttributeType,
        value: &[u8],
    ) -> Result<&mut Self, BuildError> {
        if value.len() > MAX_VALUE_LEN {
            return Err(BuildError::ValueTooLong {
                attribute_type,
                len: value.len(),
            });
        }
        self.attributes.push(u8::from(attribute_type));
        self.attributes.push((value.len() + 2) as u8);
        self.attributes.extend_from_slice(value);
        Ok(self)
    }

    /// Adds an `integer` attribute.
    pub fn add_u32(&mut self, t: AttributeType, value: u32) -> Result<&mut Self, BuildError> {
        self.add(t, &value.to_be_bytes())
    }

    /// Adds a 64-bit counter as its low 32 bits in `octets` and, when
    /// non-zero, the high 32 bits in `gigawords` (RFC 2869 sections 5.1
    /// and 5.2: Acct-Input/Output-Octets and -Gigawords).
    pub fn add_octets64(
        &mut self,
        octets: AttributeType,
        gigawords: AttributeType,
        count: u64,
    ) -> Result<&mut Self, BuildError> {
        self.add_u32(octets, count as u32)?;
        let high = (count >> 32) as u32;
        if high != 0 {
            self.add_u32(gigawords, high)?;
        }
        Ok(self)
    }

    /// Adds a `text` attribute.
    pub fn add_text(&mut self, t: AttributeType, value: &str) -> Result<&mut Self, BuildError> {
        self.add(t, value.as_bytes())
    }

    /// Adds an IPv4 `address` attribute.
    pub fn add_ipv4(&mut self, t: AttributeType, value: Ipv4Addr) -> Result<&mut Self, BuildError> {
        self.add(t, &value.octets())
    }

    /// Adds an IPv6 prefix (RFC 3162 section 2.3), sending only the
    /// octets the prefix length covers. A length over 128 is clamped.
    pub fn add_ipv6_prefix(
        &mut self,
        t: AttributeType,
        prefix: Ipv6Addr,
        prefix_length: u8,
    ) -> Result<&mut Self, BuildError> {
        let prefix_length = prefix_length.min(128);
        let octets = usize::from(prefix_length).div_ceil(8);
        let mut v = vec![0, prefix_length];
        v.extend_from_slice(&prefix.octets()[..octets]);
        self.add(t, &v)
    }

    /// Adds a tagged integer (RFC 2868 section 3.1): Tag 0 for none; the
    /// value keeps its low 24 bits.
    pub fn add_tagged_u32(
        &mut self,
        t: AttributeType,
        tag: u8,
        value: u32,
    ) -> Result<&mut Self, BuildError> {
        let v = value.to_be_bytes();
        self.add(t, &[tag, v[1], v[2], v[3]])
    }

    /// Adds a tagged string (RFC 2868 section 3.3) with a Tag of 1 to
    /// 0x1F; other tags write the string untagged.
    pub fn add_tagged_string(
        &mut self,
        t: AttributeType,
        tag: u8,
        value: &[u8],
    ) -> Result<&mut Self, BuildError> {
        if (1..=0x1f).contains(&tag) {
            let mut v = vec![tag];
            v.extend_from_slice(value);
            self.add(t, &v)
        } else {
            self.add(t, value)
        }
    }

    /// Adds a Vendor-Specific attribute holding one sub-attribute.
    pub fn add_vendor(
        &mut self,
        vendor_id: u32,
        vendor_type: u8,
        value: &[u8],
    ) -> Result<&mut Self, BuildError> {
        let v = encode_vendor_attribute(vendor_id, vendor_type, value).ok_or(
            BuildError::ValueTooLong {
                attribute_type: AttributeType::VendorSpecific,
                len: value.len() + 6,
            },
        )?;
        self.add(AttributeType::VendorSpecific, &v)
    }

    /// Adds User-Password hidden under the secret and the authenticator
    /// set so far (RFC 2865 section 5.2).
    pub fn add_user_password(
        &mut self,
        password: &[u8],
        secret: &SharedSecret,
    ) -> Result<&mut Self, BuildError> {
        let hidden =
            hide_password(password, secret, &self.authenticator).map_err(BuildError::Password)?;
        self.add(AttributeType::UserPassword, &hidden)
    }

    /// Adds CHAP-Password (RFC 2865 section 5.3): the CHAP Identifier and
    /// the 16-octet CHAP-MD5 Response.
    pub fn add_chap_password(
        &mut self,
        chap_identifier: u8,
        response: &[u8; 16],
    ) -> Result<&mut Self, BuildError> {
        let mut v = [0u8; 17];
        v[0] = chap_identifier;
        v[1..].copy_from_slice(response);
        self.add(AttributeType::ChapPassword, &v)
    }

    /// Adds a Message-Authenticator, computed by `finish` (RFC 3579
    /// section 3.2). Adding it first, as the BlastRADIUS advisories ask,
    /// is the caller's choice. A second call does nothing.
    pub fn add_message_authenticator(&mut self) -> Result<&mut Self, BuildError> {
        if self.message_authenticator.is_none() {
            self.add(AttributeType::MessageAuthenticator, &[0; 16])?;
            self.message_authenticator = Some(self.attributes.len() - 16);
        }
        Ok(self)
    }

    /// Writes the packet. Replies (see [`Code::is_response`]) need the
    /// request's authenticator; requests ignore it.
    pub fn finish(
        &self,
        secret: &SharedSecret,
        request_authenticator: Option<&[u8; 16]>,
    ) -> Result<Vec<u8>, BuildError> {
        let len = HEADER_LEN + self.attributes.len();
        if len > MAX_PACKET_LEN {
            return Err(BuildError::PacketTooLong { len });
        }
        let mut out = Vec::with_capacity(len);
        out.push(u8::from(self.code));
        out.push(self.identifier);
        out.extend_from_slice(&(len as u16).to_be_bytes());
        let hashed_authenticator = if self.code.is_response() {
            *request_authenticator.ok_or(BuildError::NoRequestAuthenticator)?
        } else if self.code.has_computed_request_authenticator() {
            [0; 16]
        } else {
            self.authenticator
        };
        out.extend_from_slice(&hashed_authenticator);
        out.extend_from_slice(&self.attributes);
        if let Some(at) = self.message_authenticator {
            let at = HEADER_LEN + at;
            let mac = compute_message_authenticator(&out, at, &hashed_authenticator, secret);
            out[at..at + 16].copy_from_slice(&mac);
        }
        if self.code.is_response() || self.code.has_computed_request_authenticator() {
            let auth = md5_with_authenticator(&out, &hashed_authenticator, secret);
            out[AUTHENTICATOR_OFFSET..HEADER_LEN].copy_from_slice(&auth);
        }
        Ok(out)
    }
}
