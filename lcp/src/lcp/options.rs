//! LCP Configuration Options (RFC 1661 section 6, RFC 1570, RFC 1990),
//! typed, with pppd's frame-log spelling as their `Display`.

use core::fmt;

use crate::fsm::BadReply;
use crate::option::{append_u16, append_u32, RawOption};

/// PPP protocol numbers LCP options and Protocol-Reject name.
pub mod protocol {
    /// Link Control Protocol (RFC 1661).
    pub const LCP: u16 = 0xc021;
    /// Password Authentication Protocol (RFC 1334).
    pub const PAP: u16 = 0xc023;
    /// Link Quality Report (RFC 1989).
    pub const LQR: u16 = 0xc025;
    /// Challenge Handshake Authentication Protocol (RFC 1994).
    pub const CHAP: u16 = 0xc223;
    /// Extensible Authentication Protocol (RFC 3748).
    pub const EAP: u16 = 0xc227;
}

crate::enum_with_unknown! {
    /// LCP option types (RFC 1661 section 6 and the IANA registry).
    pub enum OptionType(u8) {
        /// Maximum-Receive-Unit (RFC 1661 section 6.1).
        Mru = 1,
        /// Async-Control-Character-Map (RFC 1662 section 7.1).
        Accm = 2,
        /// Authentication-Protocol (RFC 1661 section 6.2).
        AuthProtocol = 3,
        /// Quality-Protocol (RFC 1661 section 6.3).
        QualityProtocol = 4,
        /// Magic-Number (RFC 1661 section 6.4).
        MagicNumber = 5,
        /// Protocol-Field-Compression (RFC 1661 section 6.5).
        Pfc = 7,
        /// Address-and-Control-Field-Compression (RFC 1661 section 6.6).
        Acfc = 8,
        /// Callback (RFC 1570 section 2.1; Windows sends it).
        Callback = 13,
        /// Multilink MRRU (RFC 1990 section 5.1.1).
        Mrru = 17,
        /// Multilink Short Sequence Number Header Format (RFC 1990).
        ShortSequence = 18,
        /// Multilink Endpoint Discriminator (RFC 1990 section 5.1.3).
        EndpointDiscriminator = 19,
    }
}

crate::enum_with_unknown! {
    /// The Algorithm octet of CHAP's Authentication-Protocol option
    /// (RFC 1994 section 3; RFC 2433 and RFC 2759 for Microsoft's).
    pub enum ChapAlgorithm(u8) {
        /// CHAP with MD5 (RFC 1994).
        Md5 = 5,
        /// MS-CHAP (RFC 2433).
        MsChap = 0x80,
        /// MS-CHAPv2 (RFC 2759).
        MsChapV2 = 0x81,
    }
}

/// The value of the Authentication-Protocol option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthProtocol<'a> {
    /// PAP.
    Pap,
    /// CHAP with an algorithm.
    Chap(ChapAlgorithm),
    /// EAP.
    Eap,
    /// Any other protocol, or a known one with unexpected Data.
    Other {
        /// The protocol number.
        protocol: u16,
        /// The data after it.
        data: &'a [u8],
    },
}

impl<'a> AuthProtocol<'a> {
    fn parse(data: &'a [u8]) -> Option<AuthProtocol<'a>> {
        let (proto, rest) = data.split_first_chunk::<2>()?;
        let protocol = u16::from_be_bytes(*proto);
        Some(match (protocol, rest) {
            (protocol::PAP, []) => AuthProtocol::Pap,
            (protocol::CHAP, [algorithm]) => AuthProtocol::Chap(ChapAlgorithm::from(*algorithm)),
            (protocol::EAP, []) => AuthProtocol::Eap,
            (protocol, data) => AuthProtocol::Other { protocol, data },
        })
    }

    fn append_data(&self, out: &mut Vec<u8>) {
        match *self {
            AuthProtocol::Pap => out.extend_from_slice(&protocol::PAP.to_be_bytes()),
            AuthProtocol::Chap(algorithm) => {
                out.extend_from_slice(&protocol::CHAP.to_be_bytes());
                out.push(algorithm.into());
            }
            AuthProtocol::Eap => out.extend_from_slice(&protocol::EAP.to_be_bytes()),
            AuthProtocol::Other { protocol, data } => {
                out.extend_from_slice(&protocol.to_be_bytes());
                out.extend_from_slice(data);
            }
        }
    }
}

impl fmt::Display for AuthProtocol<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AuthProtocol::Pap => f.write_str("pap"),
            AuthProtocol::Chap(ChapAlgorithm::Md5) => f.write_str("chap MD5"),
            AuthProtocol::Chap(ChapAlgorithm::MsChap) => f.write_str("chap MS"),
            AuthProtocol::Chap(ChapAlgorithm::MsChapV2) => f.write_str("chap MS-v2"),
            AuthProtocol::Chap(ChapAlgorithm::Unknown(a)) => write!(f, "chap {a:#x}"),
            AuthProtocol::Eap => f.write_str("eap"),
            AuthProtocol::Other { protocol, .. } => write!(f, "{protocol:#06x}"),
        }
    }
}

/// An LCP option, typed. Options this implementation does not negotiate
/// are still recognised, so that they can be named in logs and rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LcpOption<'a> {
    /// Maximum-Receive-Unit.
    Mru(u16),
    /// Async-Control-Character-Map.
    Accm(u32),
    /// Authentication-Protocol.
    AuthProtocol(AuthProtocol<'a>),
    /// Quality-Protocol.
    QualityProtocol {
        /// The protocol (0xc025 for LQR).
        protocol: u16,
        /// Its data.
        data: &'a [u8],
    },
    /// Magic-Number.
    MagicNumber(u32),
    /// Protocol-Field-Compression.
    Pfc,
    /// Address-and-Control-Field-Compression.
    Acfc,
    /// Callback.
    Callback {
        /// The Operation octet.
        operation: u8,
        /// The Message.
        message: &'a [u8],
    },
    /// Multilink MRRU.
    Mrru(u16),
    /// Multilink Endpoint Discriminator.
    EndpointDiscriminator {
        /// The Class octet.
        class: u8,
        /// The Address.
        address: &'a [u8],
    },
    /// Any other type.
    Unknown(RawOption<'a>),
}

impl<'a> LcpOption<'a> {
    /// Types a known option with the Length its type requires; a known type
    /// with another Length is [`BadReply::BadOptionLength`].
    pub fn parse(raw: RawOption<'a>) -> Result<LcpOption<'a>, BadReply> {
        let bad = BadReply::BadOptionLength { kind: raw.kind };
        Ok(match OptionType::from(raw.kind) {
            OptionType::Mru => LcpOption::Mru(raw.data_u16().ok_or(bad)?),
            OptionType::Accm => LcpOption::Accm(raw.data_u32().ok_or(bad)?),
            OptionType::AuthProtocol => {
                LcpOption::AuthProtocol(AuthProtocol::parse(raw.data).ok_or(bad)?)
            }
            OptionType::QualityProtocol => {
                let (protocol, data) = raw.data.split_first_chunk::<2>().ok_or(bad)?;
                LcpOption::QualityProtocol {
                    protocol: u16::from_be_bytes(*protocol),
                    data,
                }
            }
            OptionType::MagicNumber => LcpOption::MagicNumber(raw.data_u32().ok_or(bad)?),
            OptionType::Pfc if raw.data.is_empty() => LcpOption::Pfc,
            OptionType::Acfc if raw.data.is_empty() => LcpOption::Acfc,
            OptionType::Pfc | OptionType::Acfc => return Err(bad),
            OptionType::Callback => {
                let (&operation, message) = raw.data.split_first().ok_or(bad)?;
                LcpOption::Callback { operation, message }
            }
            OptionType::Mrru => LcpOption::Mrru(raw.data_u16().ok_or(bad)?),
            OptionType::EndpointDiscriminator => {
                let (&class, address) = raw.data.split_first().ok_or(bad)?;
                LcpOption::EndpointDiscriminator { class, address }
            }
            OptionType::ShortSequence | OptionType::Unknown(_) => LcpOption::Unknown(raw),
        })
    }

    /// The option's Type.
    pub fn kind(&self) -> u8 {
        let kind = match self {
            LcpOption::Mru(_) => OptionType::Mru,
            LcpOption::Accm(_) => OptionType::Accm,
            LcpOption::AuthProtocol(_) => OptionType::AuthProtocol,
            LcpOption::QualityProtocol { .. } => OptionType::QualityProtocol,
            LcpOption::MagicNumber(_) => OptionType::MagicNumber,
            LcpOption::Pfc => OptionType::Pfc,
            LcpOption::Acfc => OptionType::Acfc,
            LcpOption::Callback { .. } => OptionType::Callback,
            LcpOption::Mrru(_) => OptionType::Mrru,
            LcpOption::EndpointDiscriminator { .. } => OptionType::EndpointDiscriminator,
            LcpOption::Unknown(raw) => return raw.kind,
        };
        kind.into()
    }

    /// Appends the option to `out`.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let kind = self.kind();
        let mut data = Vec::new();
        match *self {
            LcpOption::Mru(v) | LcpOption::Mrru(v) => return append_u16(out, kind, v),
            LcpOption::Accm(v) | LcpOption::MagicNumber(v) => return append_u32(out, kind, v),
            LcpOption::AuthProtocol(auth) => auth.append_data(&mut data),
            LcpOption::QualityProtocol { protocol, data: d } => {
                data.extend_from_slice(&protocol.to_be_bytes());
                data.extend_from_slice(d);
            }
            LcpOption::Pfc | LcpOption::Acfc => {}
            LcpOption::Callback { operation, message } => {
                data.push(operation);
                data.extend_from_slice(message);
            }
            LcpOption::EndpointDiscriminator { class, address } => {
                data.push(class);
                data.extend_from_slice(address);
            }
            LcpOption::Unknown(raw) => return raw.append_to(out),
        }
        RawOption { kind, data: &data }.append_to(out);
    }
}

impl fmt::Display for LcpOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LcpOption::Mru(v) => write!(f, "<mru {v}>"),
            LcpOption::Accm(v) => write!(f, "<asyncmap {v:#x}>"),
            LcpOption::AuthProtocol(auth) => write!(f, "<auth {auth}>"),
            LcpOption::QualityProtocol { protocol, .. } => write!(f, "<quality {protocol:#06x}>"),
            LcpOption::MagicNumber(v) => write!(f, "<magic {v:#x}>"),
            LcpOption::Pfc => f.write_str("<pcomp>"),
            LcpOption::Acfc => f.write_str("<accomp>"),
            LcpOption::Callback { operation: 6, .. } => f.write_str("<callback CBCP>"),
            LcpOption::Callback { operation, .. } => write!(f, "<callback {operation:#x}>"),
            LcpOption::Mrru(v) => write!(f, "<mrru {v}>"),
            LcpOption::EndpointDiscriminator { class, address } => {
                // pppd's epdisc_to_str spelling for the common classes.
                match (class, address) {
                    (1, _) => {
                        f.write_str("<endpoint [local:")?;
                        write_joined(f, address, ".")?;
                    }
                    (2, [a, b, c, d]) => write!(f, "<endpoint [IP:{a}.{b}.{c}.{d}")?,
                    (3, _) => {
                        f.write_str("<endpoint [MAC:")?;
                        write_joined(f, address, ":")?;
                    }
                    _ => {
                        write!(f, "<endpoint [class {class}:")?;
                        write_joined(f, address, "")?;
                    }
                }
                f.write_str("]>")
            }
            LcpOption::Unknown(raw) => {
                write!(f, "< {:02x} {:02x}", raw.kind, raw.wire_len())?;
                raw.data.iter().try_for_each(|b| write!(f, " {b:02x}"))?;
                f.write_str(">")
            }
        }
    }
}

fn write_joined(f: &mut fmt::Formatter<'_>, bytes: &[u8], separator: &str) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::option::OptionIter;

    fn typed(bytes: &[u8]) -> Vec<LcpOption<'_>> {
        OptionIter::new(bytes)
            .map(|o| LcpOption::parse(o.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn pppd_chap_request_from_the_lab() {
        // rcvd [LCP ConfAck id=0x1 <mru 1400> <asyncmap 0x0> <auth chap MD5> <magic 0xd80ad9fe>]
        let bytes = [
            1, 4, 0x05, 0x78, 2, 6, 0, 0, 0, 0, 3, 5, 0xc2, 0x23, 5, 5, 6, 0xd8, 0x0a, 0xd9, 0xfe,
        ];
        let options = typed(&bytes);
        assert_eq!(
            options,
            [
                LcpOption::Mru(1400),
                LcpOption::Accm(0),
                LcpOption::AuthProtocol(AuthProtocol::Chap(ChapAlgorithm::Md5)),
                LcpOption::MagicNumber(0xd80a_d9fe),
            ]
        );
        let text: Vec<String> = options.iter().map(ToString::to_string).collect();
        assert_eq!(
            text.join(" "),
            "<mru 1400> <asyncmap 0x0> <auth chap MD5> <magic 0xd80ad9fe>"
        );
        let mut out = Vec::new();
        options.iter().for_each(|o| o.append_to(&mut out));
        assert_eq!(out, bytes);
    }

    /// A Windows peer's first LCP Configure-Request, from a public pppd log:
    /// `rcvd [LCP ConfReq id=0x0 <mru 1400> <auth chap MS-v2> <magic 0x4b706197>
    /// <pcomp> <accomp> <callback CBCP> <mrru 1614> <endpoint [local:b9.ed.f7.de.bd.4a.4b.35.b2.84.6d.72.84.1b.77.07.00.00.00.00]> < 17 04 0e 2d>]`
    pub(crate) const WINDOWS_CONFREQ_OPTIONS: [u8; 53] = [
        0x01, 0x04, 0x05, 0x78, 0x03, 0x05, 0xc2, 0x23, 0x81, 0x05, 0x06, 0x4b, 0x70, 0x61, 0x97,
        0x07, 0x02, 0x08, 0x02, 0x0d, 0x03, 0x06, 0x11, 0x04, 0x06, 0x4e, 0x13, 0x17, 0x01, 0xb9,
        0xed, 0xf7, 0xde, 0xbd, 0x4a, 0x4b, 0x35, 0xb2, 0x84, 0x6d, 0x72, 0x84, 0x1b, 0x77, 0x07,
        0x00, 0x00, 0x00, 0x00, 0x17, 0x04, 0x0e, 0x2d,
    ];

    #[test]
    fn windows_request_reads_as_pppd_printed_it() {
        let bytes = &WINDOWS_CONFREQ_OPTIONS[..];
        let options = typed(bytes);
        let text: Vec<String> = options.iter().map(ToString::to_string).collect();
        assert_eq!(
            text.join(" "),
            "<mru 1400> <auth chap MS-v2> <magic 0x4b706197> <pcomp> <accomp> <callback CBCP> \
             <mrru 1614> <endpoint [local:b9.ed.f7.de.bd.4a.4b.35.b2.84.6d.72.84.1b.77.07.00.00.00.00]> \
             < 17 04 0e 2d>"
        );
        let mut out = Vec::new();
        options.iter().for_each(|o| o.append_to(&mut out));
        assert_eq!(out, bytes);
    }

    #[test]
    fn every_auth_protocol_round_trips() {
        for (bytes, shown) in [
            (&[3u8, 4, 0xc0, 0x23][..], "<auth pap>"),
            (&[3, 5, 0xc2, 0x23, 0x81], "<auth chap MS-v2>"),
            (&[3, 5, 0xc2, 0x23, 0x80], "<auth chap MS>"),
            (&[3, 4, 0xc2, 0x27], "<auth eap>"),
            (&[3, 5, 0xc2, 0x23, 0x07], "<auth chap 0x7>"),
            (&[3, 6, 0xc0, 0x23, 1, 2], "<auth 0xc023>"),
        ] {
            let option = typed(bytes)[0];
            assert_eq!(option.to_string(), shown);
            let mut out = Vec::new();
            option.append_to(&mut out);
            assert_eq!(out, bytes);
        }
    }

    #[test]
    fn wrong_lengths_of_known_types() {
        for bytes in [
            &[1u8, 3, 5][..],
            &[2, 4, 0, 0],
            &[5, 5, 0, 0, 0],
            &[7, 3, 0],
            &[3, 3, 0xc0],
            &[13, 2],
        ] {
            let raw = OptionIter::new(bytes).next().unwrap().unwrap();
            assert_eq!(
                LcpOption::parse(raw),
                Err(BadReply::BadOptionLength { kind: bytes[0] })
            );
        }
    }

    #[test]
    fn endpoint_and_unknown() {
        let bytes = [19, 9, 3, 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03, 0x99, 3, 0xab];
        let options = typed(&bytes);
        assert_eq!(options[0].to_string(), "<endpoint [MAC:00:15:5d:01:02:03]>");
        assert_eq!(options[1].to_string(), "< 99 03 ab>");
    }
}
