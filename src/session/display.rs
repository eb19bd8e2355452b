//! Frames as pppd's `debug` log prints them:
//! `[LCP ConfReq id=0x1 <mru 1400> <magic 0x...>]`, `[IPCP ConfNak id=0x1
//! <addr 10.201.0.2>]`, `[CHAP Challenge id=0x3c <16 octets>, name = "lns"]`.
//! PAP passwords and CHAP values are never shown.

use core::fmt;

use rppp_auth::chap::packet::ChapRepr;
use rppp_auth::pap::packet::PapRepr;
use rppp_ipcp::ipcp::options::IpcpOption;
use rppp_ipcp::ipv6cp::options::Ipv6cpOption;
use rppp_lcp::lcp::LcpPacketDisplay;
use rppp_lcp::option::{OptionIter, RawOption};
use rppp_lcp::packet::{Code, Repr};

use super::protocol;

/// A frame, `(protocol, information)`, formatted as pppd logs it.
#[derive(Debug, Clone, Copy)]
pub struct FrameDisplay<'a> {
    /// The protocol number.
    pub protocol: u16,
    /// The Information field.
    pub information: &'a [u8],
}

impl fmt::Display for FrameDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.information;
        f.write_str("[")?;
        match self.protocol {
            protocol::LCP => write!(f, "{}", LcpPacketDisplay(info))?,
            protocol::PAP => match PapRepr::parse(info) {
                Ok(repr) => write!(f, "PAP {repr}")?,
                Err(_) => write!(f, "PAP malformed, {} octets", info.len())?,
            },
            protocol::CHAP => match ChapRepr::parse(info) {
                Ok(repr) => write!(f, "CHAP {repr}")?,
                Err(_) => write!(f, "CHAP malformed, {} octets", info.len())?,
            },
            protocol::IPCP => ncp(f, "IPCP", info, |raw, f| {
                write!(f, " {}", IpcpOption::parse_lossy(raw))
            })?,
            protocol::IPV6CP => ncp(f, "IPV6CP", info, |raw, f| {
                write!(f, " {}", Ipv6cpOption::parse_lossy(raw))
            })?,
            protocol::CCP => ncp(f, "CCP", info, |raw, f| raw_option(f, raw))?,
            other => write!(f, "proto={other:#06x} {} octets", info.len())?,
        }
        f.write_str("]")
    }
}

fn raw_option(f: &mut fmt::Formatter<'_>, raw: RawOption<'_>) -> fmt::Result {
    write!(f, " < {:02x} {:02x}", raw.kind, raw.wire_len())?;
    raw.data.iter().try_for_each(|b| write!(f, " {b:02x}"))?;
    f.write_str(">")
}

/// An NCP packet: the RFC 1661 codes, with typed options for the Configure
/// codes.
fn ncp(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    info: &[u8],
    option: impl Fn(RawOption<'_>, &mut fmt::Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    let Ok(repr) = Repr::parse_bytes(info) else {
        return write!(f, "{name} malformed, {} octets", info.len());
    };
    let code = Code::from(repr.code);
    match code.pppd_name() {
        Some(code_name) => write!(f, "{name} {code_name} id={:#x}", repr.identifier)?,
        None => write!(f, "{name} code={:#x} id={:#x}", repr.code, repr.identifier)?,
    }
    if matches!(
        code,
        Code::ConfigureRequest | Code::ConfigureAck | Code::ConfigureNak | Code::ConfigureReject
    ) {
        for raw in OptionIter::new(repr.data) {
            match raw {
                Ok(raw) => option(raw, f)?,
                Err(_) => return f.write_str(" <malformed>"),
            }
        }
    } else if !repr.data.is_empty() {
        write!(f, " {} octets", repr.data.len())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(protocol: u16, information: &[u8]) -> String {
        FrameDisplay {
            protocol,
            information,
        }
        .to_string()
    }

    #[test]
    fn frames_from_the_lab_run() {
        assert_eq!(
            show(protocol::IPCP, &[3, 1, 0, 10, 3, 6, 10, 201, 0, 2]),
            "[IPCP ConfNak id=0x1 <addr 10.201.0.2>]"
        );
        assert_eq!(
            show(
                protocol::LCP,
                &[2, 1, 0, 14, 1, 4, 5, 0x78, 5, 6, 0xc2, 0xa8, 0x73, 0x75]
            ),
            "[LCP ConfAck id=0x1 <mru 1400> <magic 0xc2a87375>]"
        );
        assert_eq!(
            show(0x80fd, &[1, 2, 0, 10, 18, 6, 1, 0, 0, 0x40]),
            "[CCP ConfReq id=0x2 < 12 06 01 00 00 40>]"
        );
        assert_eq!(show(0x4021, &[1, 2, 3]), "[proto=0x4021 3 octets]");
        assert_eq!(show(protocol::IPCP, &[1]), "[IPCP malformed, 1 octets]");
    }

    #[test]
    fn pap_passwords_are_hidden() {
        let request = [
            1, 7, 0, 14, 3, b'l', b'a', b'c', 5, b's', b'3', b'c', b'r', b't',
        ];
        let text = show(protocol::PAP, &request);
        assert!(!text.contains("s3crt"), "{text}");
        assert!(text.contains("lac"), "{text}");
    }
}
