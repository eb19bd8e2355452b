//! RADIUS dictionaries as radiusclient (and so pppd's radius plugin)
//! reads them, with the FreeRADIUS-style vendor blocks:
//!
//! ```text
//! ATTRIBUTE  name  number  type  [vendor-name | vendor=name | flags]
//! VALUE      attribute-name  value-name  number
//! VENDOR     name  number  [format=...]
//! BEGIN-VENDOR name  [format=...]   ...   END-VENDOR name
//! $INCLUDE   path
//! ```
//!
//! Numbers are decimal or `0x` hexadecimal. Type names this crate does
//! not interpret are kept as [`DataType::Other`]. `$INCLUDE` paths go to
//! the caller's [`IncludeResolver`], at most [`MAX_INCLUDE_DEPTH`] deep.

use std::io;

use crate::config::{lines, parse_number, ConfigError, ConfigErrorKind};

/// How deep `$INCLUDE` may nest (a file including itself stops here).
pub const MAX_INCLUDE_DEPTH: usize = 8;
/// How many files one dictionary may include in all, so that files each
/// including several others cannot multiply without bound.
pub const MAX_INCLUDED_FILES: usize = 256;

/// Reads an included dictionary for the parser.
pub trait IncludeResolver {
    /// The text of `path` as included from `including_file`, with the
    /// name to report it under (typically the resolved path).
    fn resolve(&mut self, including_file: &str, path: &str) -> io::Result<(String, String)>;
}

impl<F> IncludeResolver for F
where
    F: FnMut(&str, &str) -> io::Result<(String, String)>,
{
    fn resolve(&mut self, including_file: &str, path: &str) -> io::Result<(String, String)> {
        self(including_file, path)
    }
}

/// An attribute's data type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataType {
    /// `string`: text or octets.
    String,
    /// `octets`.
    Octets,
    /// `integer`: 32 bits.
    Integer,
    /// `ipaddr`.
    IpAddr,
    /// `date`: seconds since 1970.
    Date,
    /// `ipv6addr`.
    Ipv6Addr,
    /// `ipv6prefix`.
    Ipv6Prefix,
    /// `ifid`: 8 octets.
    InterfaceId,
    /// `byte`, `short`, `integer64` and every other name, as written.
    Other(String),
}

impl DataType {
    fn from_name(name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "string" | "text" => DataType::String,
            "octets" => DataType::Octets,
            "integer" => DataType::Integer,
            "ipaddr" => DataType::IpAddr,
            "date" => DataType::Date,
            "ipv6addr" => DataType::Ipv6Addr,
            "ipv6prefix" => DataType::Ipv6Prefix,
            "ifid" => DataType::InterfaceId,
            _ => DataType::Other(name.to_owned()),
        }
    }
}

/// An ATTRIBUTE line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDef {
    /// Its name.
    pub name: String,
    /// Its number (the vendor-type for vendor attributes).
    pub number: u32,
    /// Its type.
    pub data_type: DataType,
    /// The vendor's id, for vendor attributes.
    pub vendor: Option<u32>,
    /// `has_tag` among the flags (RFC 2868 tagged attributes).
    pub has_tag: bool,
    /// `encrypt=N` among the flags (1: User-Password style, 2: tunnel
    /// password, 3: Ascend).
    pub encrypt: Option<u8>,
}

/// A VALUE line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueDef {
    /// The attribute's name.
    pub attribute: String,
    /// The value's name.
    pub name: String,
    /// The number.
    pub value: u32,
}

/// A VENDOR line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorDef {
    /// Its name.
    pub name: String,
    /// Its SMI Private Enterprise Code.
    pub id: u32,
}

/// A parsed dictionary. Later definitions of a name win on lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    /// ATTRIBUTE lines in order.
    pub attributes: Vec<AttributeDef>,
    /// VALUE lines in order.
    pub values: Vec<ValueDef>,
    /// VENDOR lines in order.
    pub vendors: Vec<VendorDef>,
}

struct Parser<'r> {
    dict: Dictionary,
    included: usize,
    resolver: &'r mut dyn IncludeResolver,
}

impl Dictionary {
    /// Parses a dictionary and what it includes.
    pub fn parse(
        file: &str,
        text: &str,
        resolver: &mut dyn IncludeResolver,
    ) -> Result<Self, ConfigError> {
        let mut p = Parser {
            dict: Dictionary::default(),
            included: 0,
            resolver,
        };
        p.file(file, text, 0)?;
        Ok(p.dict)
    }

    /// A vendor's id by name.
    pub fn vendor_id(&self, name: &str) -> Option<u32> {
        self.vendors
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .map(|v| v.id)
    }

    /// An attribute by name.
    pub fn attribute_by_name(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes
            .iter()
            .rev()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// An attribute by vendor (`None` for the standard space) and number.
    pub fn attribute(&self, vendor: Option<u32>, number: u32) -> Option<&AttributeDef> {
        self.attributes
            .iter()
            .rev()
            .find(|a| a.vendor == vendor && a.number == number)
    }

    /// The name of an attribute's value.
    pub fn value_name(&self, attribute: &str, value: u32) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|v| v.value == value && v.attribute.eq_ignore_ascii_case(attribute))
            .map(|v| v.name.as_str())
    }

    /// A value's number by attribute and value name.
    pub fn value(&self, attribute: &str, name: &str) -> Option<u32> {
        self.values
            .iter()
            .rev()
            .find(|v| {
                v.name.eq_ignore_ascii_case(name) && v.attribute.eq_ignore_ascii_case(attribute)
            })
            .map(|v| v.value)
    }
}

impl Parser<'_> {
    fn file(&mut self, file: &str, text: &str, depth: usize) -> Result<(), ConfigError> {
        let mut block: Option<(String, u32)> = None;
        let mut last_line = 0;
        for (n, line) in lines(text) {
            last_line = n;
            let err = |kind| ConfigError::new(file, n, kind);
            let f: Vec<&str> = line.split_whitespace().collect();
            let number = |s: &str| {
                parse_number(s).ok_or_else(|| err(ConfigErrorKind::BadNumber(s.to_owned())))
            };
            let Some(&keyword) = f.first() else {
                continue;
            };
            match keyword {
                "$INCLUDE" => {
                    let path = f
                        .get(1)
                        .ok_or_else(|| err(ConfigErrorKind::MissingFields("$INCLUDE")))?;
                    if depth + 1 > MAX_INCLUDE_DEPTH {
                        return Err(err(ConfigErrorKind::IncludeDepth));
                    }
                    self.included += 1;
                    if self.included > MAX_INCLUDED_FILES {
                        return Err(err(ConfigErrorKind::TooManyIncludes));
                    }
                    let (name, text) = self.resolver.resolve(file, path).map_err(|e| {
                        err(ConfigErrorKind::Include {
                            path: (*path).to_owned(),
                            error: e.kind(),
                        })
                    })?;
                    self.file(&name, &text, depth + 1)?;
                }
                "VENDOR" => {
                    let [_, name, id, ..] = f[..] else {
                        return Err(err(ConfigErrorKind::MissingFields("VENDOR")));
                    };
                    let id = number(id)?;
                    self.dict.vendors.push(VendorDef {
                        name: name.to_owned(),
                        id,
                    });
                }
                "BEGIN-VENDOR" => {
                    let name = f
                        .get(1)
                        .ok_or_else(|| err(ConfigErrorKind::MissingFields("BEGIN-VENDOR")))?;
                    let id = self
                        .dict
                        .vendor_id(name)
                        .ok_or_else(|| err(ConfigErrorKind::UnknownVendor((*name).to_owned())))?;
                    block = Some(((*name).to_owned(), id));
                }
                "END-VENDOR" => {
                    let name = f.get(1).copied().unwrap_or("");
                    match &block {
                        Some((open, _)) if open.eq_ignore_ascii_case(name) => block = None,
                        _ => return Err(err(ConfigErrorKind::VendorBlock(name.to_owned()))),
                    }
                }
                "ATTRIBUTE" => {
                    let [_, name, num, data_type, ref rest @ ..] = f[..] else {
                        return Err(err(ConfigErrorKind::MissingFields("ATTRIBUTE")));
                    };
                    let attr_number = number(num)?;
                    let mut vendor = block.as_ref().map(|(_, id)| *id);
                    let mut has_tag = false;
                    let mut encrypt = None;
                    for field in rest.iter().flat_map(|r| r.split(',')) {
                        if field == "has_tag" {
                            has_tag = true;
                        } else if let Some(e) = field.strip_prefix("encrypt=") {
                            encrypt = Some(number(e)?.min(255) as u8);
                        } else {
                            let v = field.strip_prefix("vendor=").unwrap_or(field);
                            vendor = Some(self.dict.vendor_id(v).ok_or_else(|| {
                                err(ConfigErrorKind::UnknownVendor(v.to_owned()))
                            })?);
                        }
                    }
                    if vendor.is_none() && attr_number > 255 {
                        return Err(err(ConfigErrorKind::AttributeNumber(attr_number)));
                    }
                    self.dict.attributes.push(AttributeDef {
                        name: name.to_owned(),
                        number: attr_number,
                        data_type: DataType::from_name(data_type),
                        vendor,
                        has_tag,
                        encrypt,
                    });
                }
                "VALUE" => {
                    let [_, attribute, name, value, ..] = f[..] else {
                        return Err(err(ConfigErrorKind::MissingFields("VALUE")));
                    };
                    if self.dict.attribute_by_name(attribute).is_none() {
                        return Err(err(ConfigErrorKind::UnknownAttribute(attribute.to_owned())));
                    }
                    let value = number(value)?;
                    self.dict.values.push(ValueDef {
                        attribute: attribute.to_owned(),
                        name: name.to_owned(),
                        value,
                    });
                }
                other => return Err(err(ConfigErrorKind::UnknownKeyword(other.to_owned()))),
            }
        }
        match block {
            Some((name, _)) => Err(ConfigError::new(
                file,
                last_line,
                ConfigErrorKind::UnterminatedVendor(name),
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
