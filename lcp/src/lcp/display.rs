//! LCP packets as pppd's `debug` log prints them, for instance
//! `LCP ConfReq id=0x1 <mru 1400> <asyncmap 0x0> <magic 0xc93458f5>`.

use core::fmt;

use super::options::LcpOption;
use crate::option::OptionIter;
use crate::packet::{Code, Repr};

/// Formats an LCP packet (from the Code field on) the way pppd logs it.
/// Malformed packets are shown as hex, never a panic.
#[derive(Debug, Clone, Copy)]
pub struct LcpPacketDisplay<'a>(pub &'a [u8]);

impl fmt::Display for LcpPacketDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(repr) = Repr::parse_bytes(self.0) else {
            f.write_str("LCP malformed")?;
            return hex(f, self.0);
        };
        let code = Code::from(repr.code);
        match code.pppd_name() {
            Some(name) => write!(f, "LCP {name} id={:#x}", repr.identifier)?,
            None => write!(f, "LCP code={:#x} id={:#x}", repr.code, repr.identifier)?,
        }
        let data = repr.data;
        match code {
            Code::ConfigureRequest
            | Code::ConfigureAck
            | Code::ConfigureNak
            | Code::ConfigureReject => options(f, data),
            Code::TerminateRequest | Code::TerminateAck if !data.is_empty() => text(f, data),
            Code::EchoRequest | Code::EchoReply | Code::DiscardRequest | Code::Identification => {
                match data.first_chunk::<4>() {
                    Some(magic) => {
                        write!(f, " magic={:#x}", u32::from_be_bytes(*magic))?;
                        if code == Code::Identification {
                            text(f, &data[4..])
                        } else {
                            hex(f, &data[4..])
                        }
                    }
                    None => hex(f, data),
                }
            }
            Code::TimeRemaining if data.len() >= 8 => {
                let seconds = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                write!(
                    f,
                    " magic={:#x} seconds={seconds}",
                    u32::from_be_bytes([data[0], data[1], data[2], data[3]])
                )?;
                text(f, &data[8..])
            }
            Code::ProtocolReject if data.len() >= 2 => {
                write!(f, " proto={:#06x}", u16::from_be_bytes([data[0], data[1]]))?;
                hex(f, &data[2..])
            }
            _ => hex(f, data),
        }
    }
}

fn options(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    let mut iter = OptionIter::new(data);
    for option in iter.by_ref() {
        match option.map(LcpOption::parse) {
            Ok(Ok(option)) => write!(f, " {option}")?,
            Ok(Err(_)) | Err(_) => break,
        }
    }
    // Whatever did not parse is shown raw.
    let rest = &data[iter.offset().min(data.len())..];
    if !rest.is_empty() && OptionIter::validate(rest).is_err() {
        hex(f, rest)?;
    }
    Ok(())
}

fn text(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    f.write_str(" \"")?;
    for &b in data.iter().take(64) {
        match b {
            b'"' | b'\\' => write!(f, "\\{}", b as char)?,
            0x20..=0x7e => write!(f, "{}", b as char)?,
            _ => write!(f, "\\x{b:02x}")?,
        }
    }
    f.write_str("\"")
}

fn hex(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    for b in data.iter().take(64) {
        write!(f, " {b:02x}")?;
    }
    if data.len() > 64 {
        f.write_str(" ...")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(bytes: &[u8]) -> String {
        LcpPacketDisplay(bytes).to_string()
    }

    #[test]
    fn as_pppd_prints_them() {
        let confreq = [
            1, 1, 0, 20, 1, 4, 5, 0x78, 2, 6, 0, 0, 0, 0, 5, 6, 0xc9, 0x34, 0x58, 0xf5,
        ];
        assert_eq!(
            show(&confreq),
            "LCP ConfReq id=0x1 <mru 1400> <asyncmap 0x0> <magic 0xc93458f5>"
        );
        let mut termreq = vec![5, 2, 0, 16];
        termreq.extend_from_slice(b"User request");
        assert_eq!(show(&termreq), "LCP TermReq id=0x2 \"User request\"");
        assert_eq!(show(&[6, 2, 0, 4]), "LCP TermAck id=0x2");
        assert_eq!(
            show(&[9, 0, 0, 8, 0xc9, 0x34, 0x58, 0xf5]),
            "LCP EchoReq id=0x0 magic=0xc93458f5"
        );
        assert_eq!(
            show(&[8, 3, 0, 8, 0x80, 0xfd, 1, 1]),
            "LCP ProtRej id=0x3 proto=0x80fd 01 01"
        );
    }

    #[test]
    fn malformed_packets_show_as_hex() {
        assert_eq!(show(&[1, 1, 0]), "LCP malformed 01 01 00");
        assert_eq!(show(&[1, 1, 0, 7, 1, 4, 5]), "LCP ConfReq id=0x1 01 04 05");
        assert_eq!(show(&[200, 1, 0, 5, 9]), "LCP code=0xc8 id=0x1 09");
    }
}
