//! IPv6CP Configuration Options (RFC 5072 section 4), typed, with pppd's
//! frame-log spelling as their `Display`.

use core::fmt;
use std::net::Ipv6Addr;

use rand_core::Rng;
use rppp_lcp::fsm::BadReply;
use rppp_lcp::option::RawOption;

rppp_lcp::enum_with_unknown! {
    /// IPv6CP option types (RFC 5072 section 4).
    pub enum OptionType(u8) {
        /// Interface-Identifier (RFC 5072 section 4.1).
        InterfaceIdentifier = 1,
        /// IPv6-Compression-Protocol (RFC 5072 section 4.2).
        Ipv6CompressionProtocol = 2,
    }
}

/// A 64-bit interface identifier (RFC 5072 section 4.1): the low half of
/// the link-local address `fe80::/64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct InterfaceId(pub [u8; 8]);

impl InterfaceId {
    /// The all-zero identifier, which RFC 5072 section 4.1 forbids as a
    /// result ("the peer MUST send a Configure-Nak" for it).
    pub const ZERO: InterfaceId = InterfaceId([0; 8]);

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        *self == InterfaceId::ZERO
    }

    /// A random non-zero identifier other than those in `avoid`
    /// (RFC 5072 section 4.1 suggests a random one when no unique
    /// identifier such as an IEEE EUI-48 is at hand). pppd also sets no
    /// bit but draws all 64; so do we.
    pub fn random(rng: &mut dyn Rng, avoid: &[InterfaceId]) -> InterfaceId {
        loop {
            let id = InterfaceId(rng.next_u64().to_be_bytes());
            if !id.is_zero() && !avoid.contains(&id) {
                return id;
            }
        }
    }

    /// The link-local address `fe80::` + identifier (RFC 5072 section 5).
    pub fn link_local(&self) -> Ipv6Addr {
        let mut octets = [0u8; 16];
        octets[0] = 0xfe;
        octets[1] = 0x80;
        octets[8..].copy_from_slice(&self.0);
        Ipv6Addr::from(octets)
    }
}

impl fmt::Display for InterfaceId {
    /// pppd's `llv6_ntoa` spelling of the link-local address:
    /// `fe80::786a:f56f:70e9:099c`, four hex digits per group, zero-padded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        write!(
            f,
            "fe80::{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
        )
    }
}

/// An IPv6CP option, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv6cpOption<'a> {
    /// Interface-Identifier (RFC 5072 section 4.1).
    InterfaceIdentifier(InterfaceId),
    /// IPv6-Compression-Protocol (RFC 5072 section 4.2).
    Ipv6CompressionProtocol {
        /// The protocol (0x004f for IPHC, RFC 2507).
        protocol: u16,
        /// The data after it.
        data: &'a [u8],
    },
    /// Any other type.
    Unknown(RawOption<'a>),
}

impl<'a> Ipv6cpOption<'a> {
    /// Types a known option with the Length its type requires; a known type
    /// with another Length is [`BadReply::BadOptionLength`].
    pub fn parse(raw: RawOption<'a>) -> Result<Ipv6cpOption<'a>, BadReply> {
        let bad = BadReply::BadOptionLength { kind: raw.kind };
        Ok(match OptionType::from(raw.kind) {
            OptionType::InterfaceIdentifier => Ipv6cpOption::InterfaceIdentifier(InterfaceId(
                <[u8; 8]>::try_from(raw.data).map_err(|_| bad)?,
            )),
            OptionType::Ipv6CompressionProtocol => {
                let (protocol, data) = raw.data.split_first_chunk::<2>().ok_or(bad)?;
                Ipv6cpOption::Ipv6CompressionProtocol {
                    protocol: u16::from_be_bytes(*protocol),
                    data,
                }
            }
            OptionType::Unknown(_) => Ipv6cpOption::Unknown(raw),
        })
    }

    /// Types an option for display: a known type with a Length it does not
    /// allow stays [`Ipv6cpOption::Unknown`], as pppd prints it.
    pub fn parse_lossy(raw: RawOption<'a>) -> Ipv6cpOption<'a> {
        Ipv6cpOption::parse(raw).unwrap_or(Ipv6cpOption::Unknown(raw))
    }

    /// The option's Type.
    pub fn kind(&self) -> u8 {
        match self {
            Ipv6cpOption::InterfaceIdentifier(_) => OptionType::InterfaceIdentifier.into(),
            Ipv6cpOption::Ipv6CompressionProtocol { .. } => {
                OptionType::Ipv6CompressionProtocol.into()
            }
            Ipv6cpOption::Unknown(raw) => raw.kind,
        }
    }

    /// Appends the option to `out`.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let kind = self.kind();
        match *self {
            Ipv6cpOption::InterfaceIdentifier(id) => {
                out.extend_from_slice(&[kind, 10]);
                out.extend_from_slice(&id.0);
            }
            Ipv6cpOption::Ipv6CompressionProtocol { protocol, data } => {
                let mut value = Vec::with_capacity(2 + data.len());
                value.extend_from_slice(&protocol.to_be_bytes());
                value.extend_from_slice(data);
                RawOption { kind, data: &value }.append_to(out);
            }
            Ipv6cpOption::Unknown(raw) => raw.append_to(out),
        }
    }
}

impl fmt::Display for Ipv6cpOption<'_> {
    /// pppd's `ipv6cp_printpkt` spelling: `<addr fe80::...>`,
    /// `<compress 0x4f ...>`, `< 07 03 aa>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = match *self {
            Ipv6cpOption::InterfaceIdentifier(id) => return write!(f, "<addr {id}>"),
            Ipv6cpOption::Ipv6CompressionProtocol { protocol, data } => {
                write!(f, "<compress {protocol:#x}")?;
                data
            }
            Ipv6cpOption::Unknown(raw) => {
                write!(f, "< {:02x} {:02x}", raw.kind, raw.wire_len())?;
                raw.data
            }
        };
        data.iter().try_for_each(|b| write!(f, " {b:02x}"))?;
        f.write_str(">")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_lcp::option::OptionIter;

    /// `sent [IPV6CP ConfReq id=0x1 <addr fe80::786a:f56f:70e9:099c>]`
    /// from the lab's LNS.
    #[test]
    fn pppd_request_from_the_lab() {
        let bytes = [0x01, 0x0a, 0x78, 0x6a, 0xf5, 0x6f, 0x70, 0xe9, 0x09, 0x9c];
        let raw = OptionIter::new(&bytes).next().unwrap().unwrap();
        let option = Ipv6cpOption::parse(raw).unwrap();
        let id = InterfaceId([0x78, 0x6a, 0xf5, 0x6f, 0x70, 0xe9, 0x09, 0x9c]);
        assert_eq!(option, Ipv6cpOption::InterfaceIdentifier(id));
        assert_eq!(option.to_string(), "<addr fe80::786a:f56f:70e9:099c>");
        assert_eq!(
            id.link_local(),
            "fe80::786a:f56f:70e9:99c".parse::<Ipv6Addr>().unwrap()
        );
        let mut out = vec![];
        option.append_to(&mut out);
        assert_eq!(out, bytes);
    }

    #[test]
    fn compression_unknown_and_bad_lengths() {
        let bytes = [0x02, 0x06, 0x00, 0x4f, 0x00, 0x0f, 0x07, 0x03, 0xaa];
        let options: Vec<_> = OptionIter::new(&bytes)
            .map(|o| Ipv6cpOption::parse(o.unwrap()).unwrap())
            .collect();
        let text: Vec<_> = options.iter().map(ToString::to_string).collect();
        assert_eq!(text.join(" "), "<compress 0x4f 00 0f> < 07 03 aa>");
        let mut out = vec![];
        options.iter().for_each(|o| o.append_to(&mut out));
        assert_eq!(out, bytes);

        for bytes in [&[1u8, 9, 0, 0, 0, 0, 0, 0, 1][..], &[2, 3, 0]] {
            let raw = OptionIter::new(bytes).next().unwrap().unwrap();
            assert_eq!(
                Ipv6cpOption::parse(raw),
                Err(BadReply::BadOptionLength { kind: bytes[0] })
            );
            assert_eq!(Ipv6cpOption::parse_lossy(raw), Ipv6cpOption::Unknown(raw));
        }
    }

    #[test]
    fn random_identifiers_avoid_zero_and_the_given_ones() {
        // A generator that yields zero, then a value to avoid, then another.
        struct Script(Vec<u64>);
        impl rand_core::TryRng for Script {
            type Error = core::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(self.try_next_u64()? as u32)
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(self.0.remove(0))
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
                dst.fill(0);
                Ok(())
            }
        }
        let avoid = InterfaceId(7u64.to_be_bytes());
        let mut rng = Script(vec![0, 7, 9]);
        let id = InterfaceId::random(&mut rng, &[avoid]);
        assert_eq!(id, InterfaceId(9u64.to_be_bytes()));
        assert_eq!(id.to_string(), "fe80::0000:0000:0000:0009");
    }
}
