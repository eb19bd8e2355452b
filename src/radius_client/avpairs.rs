//! pppd's `avpair ATTR=VALUE`: attributes added to every Access-Request
//! and Accounting-Request of a session, encoded by the dictionary's type
//! for the attribute (RFC 2865 section 5: text, integer or a VALUE name,
//! ipaddr; vendor attributes as Vendor-Specific, section 5.26).

use std::net::Ipv4Addr;

use rppp_radius::client::Request;
use rppp_radius::config::{DataType, Dictionary};
use rppp_radius::AttributeType;

/// One encoded avpair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedPair {
    vendor: Option<u32>,
    number: u8,
    value: Vec<u8>,
}

/// Why an avpair cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvPairError {
    /// The dictionary has no such attribute.
    UnknownAttribute(String),
    /// The value does not fit the attribute's type.
    BadValue(String),
    /// A type rppp does not encode for avpair (date, IPv6 and the like).
    UnsupportedType(String),
}

impl std::fmt::Display for AvPairError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AvPairError::UnknownAttribute(a) => write!(f, "avpair {a}: not in the dictionary"),
            AvPairError::BadValue(a) => write!(f, "avpair {a}: the value does not fit its type"),
            AvPairError::UnsupportedType(a) => {
                write!(f, "avpair {a}: rppp cannot send attributes of this type")
            }
        }
    }
}

impl std::error::Error for AvPairError {}

/// Encodes `attribute=value` by the dictionary.
pub fn encode(
    dictionary: &Dictionary,
    attribute: &str,
    value: &str,
) -> Result<EncodedPair, AvPairError> {
    let named = || format!("{attribute}={value}");
    let def = dictionary
        .attribute_by_name(attribute)
        .ok_or_else(|| AvPairError::UnknownAttribute(attribute.to_string()))?;
    let number = u8::try_from(def.number).map_err(|_| AvPairError::UnsupportedType(named()))?;
    let value = match &def.data_type {
        DataType::String | DataType::Octets => value.as_bytes().to_vec(),
        DataType::Integer => {
            let n = match value.parse::<u32>() {
                Ok(n) => n,
                Err(_) => dictionary
                    .values
                    .iter()
                    .find(|v| {
                        v.attribute.eq_ignore_ascii_case(&def.name)
                            && v.name.eq_ignore_ascii_case(value)
                    })
                    .map(|v| v.value)
                    .ok_or_else(|| AvPairError::BadValue(named()))?,
            };
            n.to_be_bytes().to_vec()
        }
        DataType::IpAddr => value
            .parse::<Ipv4Addr>()
            .map_err(|_| AvPairError::BadValue(named()))?
            .octets()
            .to_vec(),
        _ => return Err(AvPairError::UnsupportedType(named())),
    };
    Ok(EncodedPair {
        vendor: def.vendor,
        number,
        value,
    })
}

impl EncodedPair {
    /// Adds it to `request`.
    pub fn add_to(&self, request: &mut Request) {
        match self.vendor {
            Some(vendor) => {
                request.add_vendor(vendor, self.number, &self.value);
            }
            None => {
                request.add(AttributeType::from(self.number), self.value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_radius::Code;

    fn dictionary() -> Dictionary {
        let text = "ATTRIBUTE Service-Type 6 integer\nVALUE Service-Type Framed-User 2\n\
                    ATTRIBUTE Filter-Id 11 string\nATTRIBUTE NAS-IP-Address 4 ipaddr\n\
                    VENDOR Microsoft 311\nATTRIBUTE MS-Quarantine-IPFilter 32 string Microsoft\n";
        let mut no_includes = |_: &str, _: &str| -> std::io::Result<(String, String)> {
            Err(std::io::ErrorKind::NotFound.into())
        };
        Dictionary::parse("dictionary", text, &mut no_includes).unwrap()
    }

    #[test]
    fn avpairs_are_encoded_by_their_dictionary_type() {
        let d = dictionary();
        let mut r = Request::new(Code::AccessRequest);
        for (a, v) in [
            ("Service-Type", "Framed-User"),
            ("filter-id", "gold"),
            ("NAS-IP-Address", "192.0.2.1"),
            ("MS-Quarantine-IPFilter", "q"),
        ] {
            encode(&d, a, v).unwrap().add_to(&mut r);
        }
        assert_eq!(r.get(AttributeType::ServiceType), Some(&[0, 0, 0, 2][..]));
        assert_eq!(r.get(AttributeType::FilterId), Some(&b"gold"[..]));
        assert_eq!(
            r.get(AttributeType::NasIpAddress),
            Some(&[192, 0, 2, 1][..])
        );
        assert!(r.get(AttributeType::VendorSpecific).is_some());
        assert_eq!(
            encode(&d, "Service-Type", "Nonsense"),
            Err(AvPairError::BadValue("Service-Type=Nonsense".into()))
        );
        assert_eq!(
            encode(&d, "Nope", "1"),
            Err(AvPairError::UnknownAttribute("Nope".into()))
        );
    }
}
