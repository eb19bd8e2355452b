//! Router Solicitation and Router Advertisement (RFC 4861 sections 4.1,
//! 4.2) and their options (section 4.6), as the ICMPv6 messages a raw
//! ICMPv6 socket reads and writes: from the ICMPv6 type on, with the
//! checksum left to the kernel (RFC 3542 section 3.1: it computes and
//! verifies it on such sockets).

use std::fmt;
use std::net::Ipv6Addr;

use super::Ipv6Prefix;

/// ICMPv6 type of a Router Solicitation (RFC 4861 section 4.1).
pub const ROUTER_SOLICITATION: u8 = 133;
/// ICMPv6 type of a Router Advertisement (RFC 4861 section 4.2).
pub const ROUTER_ADVERTISEMENT: u8 = 134;
/// The hop limit every Neighbor Discovery message is sent with, and the
/// only one a receiver accepts (RFC 4861 sections 6.1.1, 6.1.2): proof
/// that it came from the link itself.
pub const HOP_LIMIT: u8 = 255;

/// Option types (RFC 4861 section 4.6).
const SOURCE_LINK_LAYER_ADDRESS: u8 = 1;
const PREFIX_INFORMATION: u8 = 3;
const MTU: u8 = 5;

/// Why a message was not valid (RFC 4861 sections 6.1.1, 6.1.2): it is
/// silently discarded, and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NdError {
    /// The IP hop limit was not 255: the message did not come from the
    /// link.
    HopLimit(u8),
    /// Shorter than the message's fixed part.
    TooShort {
        /// Its length.
        len: usize,
        /// The fixed part's.
        need: usize,
    },
    /// Not the ICMPv6 type expected.
    Type(u8),
    /// ICMP Code not 0.
    Code(u8),
    /// An option of length 0, or one running past the message's end, at
    /// this offset.
    OptionLength(usize),
}

impl fmt::Display for NdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NdError::HopLimit(h) => write!(f, "hop limit {h}, not 255"),
            NdError::TooShort { len, need } => write!(f, "{len} octets, under {need}"),
            NdError::Type(t) => write!(f, "ICMPv6 type {t}"),
            NdError::Code(c) => write!(f, "ICMP code {c}, not 0"),
            NdError::OptionLength(at) => write!(f, "an option of bad length at octet {at}"),
        }
    }
}

impl std::error::Error for NdError {}

/// Prefix Information (RFC 4861 section 4.6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixInformation {
    /// The prefix.
    pub prefix: Ipv6Prefix,
    /// L: the prefix is on-link.
    pub on_link: bool,
    /// A: hosts may form addresses in it (SLAAC).
    pub autonomous: bool,
    /// Seconds the prefix is valid (0xffffffff: forever).
    pub valid_lifetime: u32,
    /// Seconds addresses formed in it stay preferred.
    pub preferred_lifetime: u32,
}

/// One option; options rppp does not read are kept as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NdOption {
    /// Source Link-Layer Address (section 4.6.1): its bytes.
    SourceLinkLayerAddress(Vec<u8>),
    /// Prefix Information (section 4.6.2).
    PrefixInformation(PrefixInformation),
    /// MTU (section 4.6.4).
    Mtu(u32),
    /// Any other option, or a known one whose length is not its own.
    Unknown {
        /// The option type.
        kind: u8,
        /// Its data, after the type and length octets.
        data: Vec<u8>,
    },
}

impl NdOption {
    fn parse(kind: u8, data: &[u8]) -> NdOption {
        match (kind, data.len()) {
            (SOURCE_LINK_LAYER_ADDRESS, _) => NdOption::SourceLinkLayerAddress(data.to_vec()),
            (PREFIX_INFORMATION, 30) if data[0] <= 128 => {
                let word = |at: usize| {
                    u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
                };
                let mut octets = [0; 16];
                octets.copy_from_slice(&data[14..30]);
                match Ipv6Prefix::new(Ipv6Addr::from(octets), data[0]) {
                    Some(prefix) => NdOption::PrefixInformation(PrefixInformation {
                        prefix,
                        on_link: data[1] & 0x80 != 0,
                        autonomous: data[1] & 0x40 != 0,
                        valid_lifetime: word(2),
                        preferred_lifetime: word(6),
                    }),
                    None => NdOption::Unknown {
                        kind,
                        data: data.to_vec(),
                    },
                }
            }
            (MTU, 6) => NdOption::Mtu(u32::from_be_bytes([data[2], data[3], data[4], data[5]])),
            _ => NdOption::Unknown {
                kind,
                data: data.to_vec(),
            },
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let (kind, data) = match self {
            NdOption::SourceLinkLayerAddress(a) => (SOURCE_LINK_LAYER_ADDRESS, a.clone()),
            NdOption::PrefixInformation(p) => {
                let mut d = vec![
                    p.prefix.prefix_len(),
                    u8::from(p.on_link) << 7 | u8::from(p.autonomous) << 6,
                ];
                d.extend_from_slice(&p.valid_lifetime.to_be_bytes());
                d.extend_from_slice(&p.preferred_lifetime.to_be_bytes());
                d.extend_from_slice(&[0; 4]);
                d.extend_from_slice(&p.prefix.address().octets());
                (PREFIX_INFORMATION, d)
            }
            NdOption::Mtu(m) => {
                let mut d = vec![0, 0];
                d.extend_from_slice(&m.to_be_bytes());
                (MTU, d)
            }
            NdOption::Unknown { kind, data } => (*kind, data.clone()),
        };
        // Type and length octets, the data, padding to 8-octet units.
        let units = (data.len() + 2).div_ceil(8).min(255);
        out.push(kind);
        out.push(units as u8);
        let end = out.len() + units * 8 - 2;
        out.extend_from_slice(&data[..data.len().min(units * 8 - 2)]);
        out.resize(end, 0);
    }
}

/// The options after a message's fixed part (RFC 4861 section 4.6:
/// type, length in units of 8 octets, data; a length of 0 invalidates
/// the message).
fn parse_options(message: &[u8], from: usize) -> Result<Vec<NdOption>, NdError> {
    let mut options = Vec::new();
    let mut at = from;
    while at < message.len() {
        let Some(&units) = message.get(at + 1) else {
            return Err(NdError::OptionLength(at));
        };
        let end = at + usize::from(units) * 8;
        if units == 0 || end > message.len() {
            return Err(NdError::OptionLength(at));
        }
        options.push(NdOption::parse(message[at], &message[at + 2..end]));
        at = end;
    }
    Ok(options)
}

/// The checks every Neighbor Discovery message gets (RFC 4861 sections
/// 6.1.1, 6.1.2; the kernel has checked the checksum).
fn check(message: &[u8], hop_limit: u8, kind: u8, need: usize) -> Result<(), NdError> {
    if hop_limit != HOP_LIMIT {
        return Err(NdError::HopLimit(hop_limit));
    }
    if message.len() < need {
        return Err(NdError::TooShort {
            len: message.len(),
            need,
        });
    }
    if message[0] != kind {
        return Err(NdError::Type(message[0]));
    }
    if message[1] != 0 {
        return Err(NdError::Code(message[1]));
    }
    Ok(())
}

/// A Router Solicitation (RFC 4861 section 4.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouterSolicitation {
    /// Its options.
    pub options: Vec<NdOption>,
}

impl RouterSolicitation {
    /// The fixed part: type, code, checksum, reserved.
    const LEN: usize = 8;

    /// Validates (section 6.1.1) and decodes a solicitation received with
    /// `hop_limit`.
    pub fn parse(message: &[u8], hop_limit: u8) -> Result<RouterSolicitation, NdError> {
        check(message, hop_limit, ROUTER_SOLICITATION, Self::LEN)?;
        Ok(RouterSolicitation {
            options: parse_options(message, Self::LEN)?,
        })
    }

    /// The message, checksum zero.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![ROUTER_SOLICITATION, 0, 0, 0, 0, 0, 0, 0];
        for o in &self.options {
            o.encode(&mut out);
        }
        out
    }
}

/// A Router Advertisement (RFC 4861 section 4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterAdvertisement {
    /// The hop limit hosts should use (0: unspecified).
    pub cur_hop_limit: u8,
    /// M: addresses come from DHCPv6.
    pub managed: bool,
    /// O: other configuration comes from DHCPv6.
    pub other: bool,
    /// Seconds the router is a default router for (0: it is not).
    pub router_lifetime: u16,
    /// Milliseconds (0: unspecified).
    pub reachable_time: u32,
    /// Milliseconds (0: unspecified).
    pub retrans_timer: u32,
    /// Its options.
    pub options: Vec<NdOption>,
}

impl RouterAdvertisement {
    /// The fixed part, up to the options.
    const LEN: usize = 16;

    /// Validates (section 6.1.2) and decodes an advertisement received
    /// with `hop_limit`.
    pub fn parse(message: &[u8], hop_limit: u8) -> Result<RouterAdvertisement, NdError> {
        check(message, hop_limit, ROUTER_ADVERTISEMENT, Self::LEN)?;
        let word = |at: usize| {
            u32::from_be_bytes([
                message[at],
                message[at + 1],
                message[at + 2],
                message[at + 3],
            ])
        };
        Ok(RouterAdvertisement {
            cur_hop_limit: message[4],
            managed: message[5] & 0x80 != 0,
            other: message[5] & 0x40 != 0,
            router_lifetime: u16::from_be_bytes([message[6], message[7]]),
            reachable_time: word(8),
            retrans_timer: word(12),
            options: parse_options(message, Self::LEN)?,
        })
    }

    /// The message, checksum zero.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![
            ROUTER_ADVERTISEMENT,
            0,
            0,
            0,
            self.cur_hop_limit,
            u8::from(self.managed) << 7 | u8::from(self.other) << 6,
        ];
        out.extend_from_slice(&self.router_lifetime.to_be_bytes());
        out.extend_from_slice(&self.reachable_time.to_be_bytes());
        out.extend_from_slice(&self.retrans_timer.to_be_bytes());
        for o in &self.options {
            o.encode(&mut out);
        }
        out
    }

    /// The Prefix Information options.
    pub fn prefixes(&self) -> impl Iterator<Item = &PrefixInformation> {
        self.options.iter().filter_map(|o| match o {
            NdOption::PrefixInformation(p) => Some(p),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests;
