//! Vendor-Specific attributes (RFC 2865 section 5.26) and the Microsoft
//! vendor's sub-attributes (RFC 2548).
//!
//! ```text
//!  Type (26) | Length | Vendor-Id (4 octets) | String...
//! ```
//!
//! RFC 2865 section 5.26 recommends that String be a list of
//! vendor-type (1 octet), vendor-length (1 octet, counting both),
//! value. Microsoft (RFC 2548), and every vendor of pppd's dictionaries,
//! follow it; a vendor that does not is still reachable through
//! [`VendorSpecific::data`].

use core::fmt;

/// The SMI Network Management Private Enterprise Code of Microsoft.
pub const VENDOR_MICROSOFT: u32 = 311;

enum_with_unknown! {
    /// Microsoft vendor-types (RFC 2548 section 2).
    pub enum MicrosoftType(u8) {
        /// MS-CHAP-Response (section 2.1.3).
        MsChapResponse = 1,
        /// MS-CHAP-Error (section 2.1.5).
        MsChapError = 2,
        /// MS-MPPE-Encryption-Policy (section 2.4.4).
        MsMppeEncryptionPolicy = 7,
        /// MS-MPPE-Encryption-Types (section 2.4.5).
        MsMppeEncryptionTypes = 8,
        /// MS-CHAP-Challenge (section 2.3.2).
        MsChapChallenge = 11,
        /// MS-CHAP-MPPE-Keys (section 2.4.1).
        MsChapMppeKeys = 12,
        /// MS-MPPE-Send-Key (section 2.4.2).
        MsMppeSendKey = 16,
        /// MS-MPPE-Recv-Key (section 2.4.3).
        MsMppeRecvKey = 17,
        /// MS-CHAP2-Response (section 2.3.2).
        MsChap2Response = 25,
        /// MS-CHAP2-Success (section 2.3.3).
        MsChap2Success = 26,
        /// MS-Primary-DNS-Server (section 2.7.2).
        MsPrimaryDnsServer = 28,
        /// MS-Secondary-DNS-Server (section 2.7.3).
        MsSecondaryDnsServer = 29,
        /// MS-Primary-NBNS-Server (section 2.7.4).
        MsPrimaryNbnsServer = 30,
        /// MS-Secondary-NBNS-Server (section 2.7.5).
        MsSecondaryNbnsServer = 31,
    }
}

/// Why a Vendor-Specific attribute cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VendorError {
    /// Fewer than the 4 octets of Vendor-Id.
    NoVendorId {
        /// Where the Vendor-Specific attribute starts in its packet.
        offset: usize,
    },
    /// A sub-attribute's vendor-length is below 2 or runs past the end.
    SubAttribute {
        /// Where the Vendor-Specific attribute starts in its packet.
        offset: usize,
        /// Where the sub-attribute starts within the String.
        sub_offset: usize,
    },
}

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            VendorError::NoVendorId { offset } => {
                write!(f, "Vendor-Specific at offset {offset} has no Vendor-Id")
            }
            VendorError::SubAttribute { offset, sub_offset } => write!(
                f,
                "Vendor-Specific at offset {offset}: malformed sub-attribute at {sub_offset}"
            ),
        }
    }
}

impl std::error::Error for VendorError {}

/// One Vendor-Specific attribute whose sub-attributes have been checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorSpecific<'a> {
    vendor_id: u32,
    data: &'a [u8],
    sub_attributes_ok: bool,
    offset: usize,
}

/// One vendor sub-attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VendorAttribute<'a> {
    /// The vendor-type.
    pub vendor_type: u8,
    /// The value, without vendor-type and vendor-length.
    pub value: &'a [u8],
}

impl fmt::Debug for VendorAttribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // MPPE keys live here: the value is not shown.
        f.debug_struct("VendorAttribute")
            .field("vendor_type", &self.vendor_type)
            .field("value_len", &self.value.len())
            .finish()
    }
}

impl<'a> VendorSpecific<'a> {
    /// Reads the Vendor-Id and checks the sub-attribute list. A String
    /// that is not a well-formed list is an error only from
    /// [`VendorSpecific::attributes`]; `data` still reads it.
    pub(crate) fn parse(value: &'a [u8], offset: usize) -> Result<Self, VendorError> {
        let (id, data) = value
            .split_first_chunk::<4>()
            .ok_or(VendorError::NoVendorId { offset })?;
        let vendor_id = u32::from_be_bytes(*id);
        let mut at = 0;
        let mut sub_attributes_ok = true;
        while at < data.len() {
            match data.get(at + 1) {
                Some(&len) if len >= 2 && at + usize::from(len) <= data.len() => {
                    at += usize::from(len);
                }
                _ => {
                    sub_attributes_ok = false;
                    break;
                }
            }
        }
        Ok(VendorSpecific {
            vendor_id,
            data,
            sub_attributes_ok,
            offset,
        })
    }

    /// The Vendor-Id.
    pub fn vendor_id(&self) -> u32 {
        self.vendor_id
    }

    /// The String after the Vendor-Id, as sent.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The sub-attributes, when String is a well-formed list.
    pub fn attributes(&self) -> Result<VendorAttributes<'a>, VendorError> {
        if !self.sub_attributes_ok {
            let mut at = 0;
            while let Some(&len) = self.data.get(at + 1) {
                if len < 2 || at + usize::from(len) > self.data.len() {
                    break;
                }
                at += usize::from(len);
            }
            return Err(VendorError::SubAttribute {
                offset: self.offset,
                sub_offset: at,
            });
        }
        Ok(VendorAttributes {
            data: self.data,
            at: 0,
        })
    }

    /// The first sub-attribute of this vendor-type, if the list is
    /// well-formed.
    pub fn find(&self, vendor_type: u8) -> Option<&'a [u8]> {
        self.attributes()
            .ok()?
            .find(|a| a.vendor_type == vendor_type)
            .map(|a| a.value)
    }
}

/// The sub-attributes of a [`VendorSpecific`].
#[derive(Debug, Clone)]
pub struct VendorAttributes<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Iterator for VendorAttributes<'a> {
    type Item = VendorAttribute<'a>;

    fn next(&mut self) -> Option<VendorAttribute<'a>> {
        let vendor_type = *self.data.get(self.at)?;
        let len = usize::from(*self.data.get(self.at + 1)?).max(2);
        let value = self.data.get(self.at + 2..self.at + len)?;
        self.at += len;
        Some(VendorAttribute { vendor_type, value })
    }
}

/// Encodes one sub-attribute in the RFC 2865 section 5.26 layout:
/// Vendor-Id, vendor-type, vendor-length, value. `None` when the value
/// does not fit in one attribute (247 octets at most).
pub fn encode_vendor_attribute(vendor_id: u32, vendor_type: u8, value: &[u8]) -> Option<Vec<u8>> {
    if value.len() > 253 - 6 {
        return None;
    }
    let mut out = Vec::with_capacity(6 + value.len());
    out.extend_from_slice(&vendor_id.to_be_bytes());
    out.push(vendor_type);
    out.push((value.len() + 2) as u8);
    out.extend_from_slice(value);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_sub_attributes() {
        let mut v = encode_vendor_attribute(311, 28, &[192, 0, 2, 53]).unwrap();
        v.extend_from_slice(&[29, 6, 192, 0, 2, 54]);
        let vsa = VendorSpecific::parse(&v, 20).unwrap();
        assert_eq!(vsa.vendor_id(), VENDOR_MICROSOFT);
        let subs: Vec<_> = vsa.attributes().unwrap().collect();
        assert_eq!(subs.len(), 2);
        assert_eq!(
            MicrosoftType::from(subs[0].vendor_type),
            MicrosoftType::MsPrimaryDnsServer
        );
        assert_eq!(subs[1].value, &[192, 0, 2, 54]);
        assert_eq!(
            vsa.find(u8::from(MicrosoftType::MsSecondaryDnsServer)),
            Some(&[192, 0, 2, 54][..])
        );
    }

    #[test]
    fn malformed_lists_are_errors_with_data_kept() {
        assert_eq!(
            VendorSpecific::parse(&[0, 0, 1], 30),
            Err(VendorError::NoVendorId { offset: 30 })
        );
        let v = [0, 0, 1, 55, 1, 4, 9, 9, 2, 9];
        let vsa = VendorSpecific::parse(&v, 20).unwrap();
        assert_eq!(vsa.data(), &[1, 4, 9, 9, 2, 9]);
        assert_eq!(
            vsa.attributes().unwrap_err(),
            VendorError::SubAttribute {
                offset: 20,
                sub_offset: 4
            }
        );
        assert_eq!(vsa.find(1), None);
        let v = [0, 0, 1, 55, 1, 1];
        assert!(VendorSpecific::parse(&v, 20).unwrap().attributes().is_err());
        assert!(encode_vendor_attribute(311, 1, &[0; 248]).is_none());
    }
}
