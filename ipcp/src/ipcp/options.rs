//! IPCP Configuration Options (RFC 1332 section 3, RFC 1877), typed, with
//! pppd's frame-log spelling as their `Display`.

use core::fmt;
use std::net::Ipv4Addr;

use rppp_lcp::fsm::BadReply;
use rppp_lcp::option::{append_u32, RawOption};

rppp_lcp::enum_with_unknown! {
    /// IPCP option types (RFC 1332 section 3, RFC 1877 section 1).
    pub enum OptionType(u8) {
        /// IP-Addresses, deprecated (RFC 1332 section 3.1).
        IpAddresses = 1,
        /// IP-Compression-Protocol (RFC 1332 section 3.2).
        IpCompressionProtocol = 2,
        /// IP-Address (RFC 1332 section 3.3).
        IpAddress = 3,
        /// Primary DNS Server Address (RFC 1877 section 1.1).
        PrimaryDns = 129,
        /// Primary NBNS Server Address (RFC 1877 section 1.2).
        PrimaryNbns = 130,
        /// Secondary DNS Server Address (RFC 1877 section 1.3).
        SecondaryDns = 131,
        /// Secondary NBNS Server Address (RFC 1877 section 1.4).
        SecondaryNbns = 132,
    }
}

/// The IP-Compression-Protocol value of Van Jacobson TCP/IP header
/// compression (RFC 1332 section 3.2).
pub const VJ_COMPRESSION: u16 = 0x002d;
/// The value pre-RFC 1332 implementations used for Van Jacobson
/// compression (pppd's "old-VJ").
pub const OLD_VJ_COMPRESSION: u16 = 0x0037;

/// An IPCP option, typed. Options this implementation does not negotiate
/// are still recognised, so that they can be named in logs and rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpcpOption<'a> {
    /// IP-Addresses (RFC 1332 section 3.1, deprecated): the sender's
    /// address, then the one it proposes for the receiver.
    IpAddresses {
        /// The sender's address.
        source: Ipv4Addr,
        /// The receiver's address.
        destination: Ipv4Addr,
    },
    /// IP-Compression-Protocol (RFC 1332 section 3.2).
    IpCompressionProtocol {
        /// The protocol ([`VJ_COMPRESSION`] for Van Jacobson).
        protocol: u16,
        /// The data after it (VJ: Max-Slot-Id, Comp-Slot-Id).
        data: &'a [u8],
    },
    /// IP-Address (RFC 1332 section 3.3): the sender's address, 0.0.0.0 to
    /// ask the receiver for one.
    IpAddress(Ipv4Addr),
    /// Primary DNS Server Address (RFC 1877 section 1.1).
    PrimaryDns(Ipv4Addr),
    /// Primary NBNS Server Address (RFC 1877 section 1.2).
    PrimaryNbns(Ipv4Addr),
    /// Secondary DNS Server Address (RFC 1877 section 1.3).
    SecondaryDns(Ipv4Addr),
    /// Secondary NBNS Server Address (RFC 1877 section 1.4).
    SecondaryNbns(Ipv4Addr),
    /// Any other type.
    Unknown(RawOption<'a>),
}

fn address(raw: &RawOption<'_>) -> Option<Ipv4Addr> {
    raw.data_u32().map(Ipv4Addr::from)
}

impl<'a> IpcpOption<'a> {
    /// Types a known option with the Length its type requires; a known type
    /// with another Length is [`BadReply::BadOptionLength`].
    pub fn parse(raw: RawOption<'a>) -> Result<IpcpOption<'a>, BadReply> {
        let bad = BadReply::BadOptionLength { kind: raw.kind };
        Ok(match OptionType::from(raw.kind) {
            OptionType::IpAddresses => {
                let (source, destination) = raw.data.split_first_chunk::<4>().ok_or(bad)?;
                let destination = <[u8; 4]>::try_from(destination).map_err(|_| bad)?;
                IpcpOption::IpAddresses {
                    source: Ipv4Addr::from(*source),
                    destination: Ipv4Addr::from(destination),
                }
            }
            OptionType::IpCompressionProtocol => {
                let (protocol, data) = raw.data.split_first_chunk::<2>().ok_or(bad)?;
                IpcpOption::IpCompressionProtocol {
                    protocol: u16::from_be_bytes(*protocol),
                    data,
                }
            }
            OptionType::IpAddress => IpcpOption::IpAddress(address(&raw).ok_or(bad)?),
            OptionType::PrimaryDns => IpcpOption::PrimaryDns(address(&raw).ok_or(bad)?),
            OptionType::PrimaryNbns => IpcpOption::PrimaryNbns(address(&raw).ok_or(bad)?),
            OptionType::SecondaryDns => IpcpOption::SecondaryDns(address(&raw).ok_or(bad)?),
            OptionType::SecondaryNbns => IpcpOption::SecondaryNbns(address(&raw).ok_or(bad)?),
            OptionType::Unknown(_) => IpcpOption::Unknown(raw),
        })
    }

    /// Types an option for display: a known type with a Length it does not
    /// allow stays [`IpcpOption::Unknown`], as pppd prints it.
    pub fn parse_lossy(raw: RawOption<'a>) -> IpcpOption<'a> {
        IpcpOption::parse(raw).unwrap_or(IpcpOption::Unknown(raw))
    }

    /// The option's Type.
    pub fn kind(&self) -> u8 {
        let kind = match self {
            IpcpOption::IpAddresses { .. } => OptionType::IpAddresses,
            IpcpOption::IpCompressionProtocol { .. } => OptionType::IpCompressionProtocol,
            IpcpOption::IpAddress(_) => OptionType::IpAddress,
            IpcpOption::PrimaryDns(_) => OptionType::PrimaryDns,
            IpcpOption::PrimaryNbns(_) => OptionType::PrimaryNbns,
            IpcpOption::SecondaryDns(_) => OptionType::SecondaryDns,
            IpcpOption::SecondaryNbns(_) => OptionType::SecondaryNbns,
            IpcpOption::Unknown(raw) => return raw.kind,
        };
        kind.into()
    }

    /// Appends the option to `out`.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let kind = self.kind();
        match *self {
            IpcpOption::IpAddresses {
                source,
                destination,
            } => {
                out.extend_from_slice(&[kind, 10]);
                out.extend_from_slice(&source.octets());
                out.extend_from_slice(&destination.octets());
            }
            IpcpOption::IpCompressionProtocol { protocol, data } => {
                let mut value = Vec::with_capacity(2 + data.len());
                value.extend_from_slice(&protocol.to_be_bytes());
                value.extend_from_slice(data);
                RawOption { kind, data: &value }.append_to(out);
            }
            IpcpOption::IpAddress(a)
            | IpcpOption::PrimaryDns(a)
            | IpcpOption::PrimaryNbns(a)
            | IpcpOption::SecondaryDns(a)
            | IpcpOption::SecondaryNbns(a) => append_u32(out, kind, a.into()),
            IpcpOption::Unknown(raw) => raw.append_to(out),
        }
    }
}

/// Writes octets as pppd's printers do: each preceded by a space.
fn write_octets(f: &mut fmt::Formatter<'_>, octets: &[u8]) -> fmt::Result {
    octets.iter().try_for_each(|b| write!(f, " {b:02x}"))
}

impl fmt::Display for IpcpOption<'_> {
    /// pppd's `ipcp_printpkt` spelling: `<addr 10.201.0.1>`,
    /// `<ms-dns1 8.8.8.8>`, `<compress VJ 0f 01>`, `< 04 06 ...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IpcpOption::IpAddresses {
                source,
                destination,
            } => write!(f, "<addrs {source} {destination}>"),
            IpcpOption::IpCompressionProtocol { protocol, data } => {
                match protocol {
                    VJ_COMPRESSION => f.write_str("<compress VJ")?,
                    OLD_VJ_COMPRESSION => f.write_str("<compress old-VJ")?,
                    other => write!(f, "<compress {other:#x}")?,
                }
                write_octets(f, data)?;
                f.write_str(">")
            }
            IpcpOption::IpAddress(a) => write!(f, "<addr {a}>"),
            IpcpOption::PrimaryDns(a) => write!(f, "<ms-dns1 {a}>"),
            IpcpOption::SecondaryDns(a) => write!(f, "<ms-dns2 {a}>"),
            IpcpOption::PrimaryNbns(a) | IpcpOption::SecondaryNbns(a) => {
                write!(f, "<ms-wins {a}>")
            }
            IpcpOption::Unknown(raw) => {
                write!(f, "< {:02x} {:02x}", raw.kind, raw.wire_len())?;
                write_octets(f, raw.data)?;
                f.write_str(">")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_lcp::option::OptionIter;

    fn typed(bytes: &[u8]) -> Vec<IpcpOption<'_>> {
        OptionIter::new(bytes)
            .map(|o| IpcpOption::parse(o.unwrap()).unwrap())
            .collect()
    }

    fn shown(options: &[IpcpOption<'_>]) -> String {
        let text: Vec<String> = options.iter().map(ToString::to_string).collect();
        text.join(" ")
    }

    fn emitted(options: &[IpcpOption<'_>]) -> Vec<u8> {
        let mut out = vec![];
        options.iter().for_each(|o| o.append_to(&mut out));
        out
    }

    /// `sent [IPCP ConfReq id=0x1 <addr 10.201.0.1>]` from the lab's LNS.
    #[test]
    fn pppd_lns_request_from_the_lab() {
        let bytes = [0x03, 0x06, 10, 201, 0, 1];
        let options = typed(&bytes);
        assert_eq!(
            options,
            [IpcpOption::IpAddress(Ipv4Addr::new(10, 201, 0, 1))]
        );
        assert_eq!(shown(&options), "<addr 10.201.0.1>");
        assert_eq!(emitted(&options), bytes);
    }

    /// The request of a Windows client that asks for everything, in the
    /// order Windows sends the options, as current pppd prints it (older
    /// pppd printed the secondary DNS as `ms-dns3`).
    #[test]
    fn windows_request_with_vj_dns_and_nbns() {
        let bytes = [
            0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01, 0x03, 0x06, 0, 0, 0, 0, 0x81, 0x06, 0, 0, 0, 0,
            0x82, 0x06, 0, 0, 0, 0, 0x83, 0x06, 0, 0, 0, 0, 0x84, 0x06, 0, 0, 0, 0,
        ];
        let options = typed(&bytes);
        let zero = Ipv4Addr::UNSPECIFIED;
        assert_eq!(
            options,
            [
                IpcpOption::IpCompressionProtocol {
                    protocol: VJ_COMPRESSION,
                    data: &[0x0f, 0x01]
                },
                IpcpOption::IpAddress(zero),
                IpcpOption::PrimaryDns(zero),
                IpcpOption::PrimaryNbns(zero),
                IpcpOption::SecondaryDns(zero),
                IpcpOption::SecondaryNbns(zero),
            ]
        );
        assert_eq!(
            shown(&options),
            "<compress VJ 0f 01> <addr 0.0.0.0> <ms-dns1 0.0.0.0> <ms-wins 0.0.0.0> \
             <ms-dns2 0.0.0.0> <ms-wins 0.0.0.0>"
        );
        assert_eq!(emitted(&options), bytes);
    }

    #[test]
    fn old_addresses_old_vj_and_unknown() {
        let bytes = [
            0x01, 0x0a, 10, 0, 0, 1, 10, 0, 0, 2, 0x02, 0x04, 0x00, 0x37, 0x02, 0x05, 0x12, 0x34,
            0xaa, 0x04, 0x03, 0x07,
        ];
        let options = typed(&bytes);
        assert_eq!(
            shown(&options),
            "<addrs 10.0.0.1 10.0.0.2> <compress old-VJ> <compress 0x1234 aa> < 04 03 07>"
        );
        assert_eq!(emitted(&options), bytes);
    }

    #[test]
    fn wrong_lengths_of_known_types() {
        for bytes in [
            &[1u8, 6, 10, 0, 0, 1][..],
            &[2, 3, 0],
            &[3, 5, 10, 0, 0],
            &[3, 7, 10, 0, 0, 1, 0],
            &[0x81, 2],
            &[0x82, 8, 0, 0, 0, 0, 0, 0],
            &[0x83, 4, 0, 0],
            &[0x84, 5, 0, 0, 0],
        ] {
            let raw = OptionIter::new(bytes).next().unwrap().unwrap();
            assert_eq!(
                IpcpOption::parse(raw),
                Err(BadReply::BadOptionLength { kind: bytes[0] })
            );
            let lossy = IpcpOption::parse_lossy(raw);
            assert_eq!(lossy, IpcpOption::Unknown(raw));
            let mut out = vec![];
            lossy.append_to(&mut out);
            assert_eq!(out, bytes);
        }
        let raw = RawOption {
            kind: 3,
            data: &[10, 0, 0],
        };
        assert_eq!(
            IpcpOption::parse_lossy(raw).to_string(),
            "< 03 05 0a 00 00>"
        );
    }
}
