//! Reading option arguments: numbers as pppd's `strtoul` reads them,
//! addresses, interface names and identifiers.
//!
//! Stricter than pppd in one respect: the whole argument must be the
//! number or the address (pppd ignores what follows the digits, so
//! `mtu 1400x` is 1400 there and an error here), and host names are not
//! looked up (a sans-IO parser cannot).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use rppp_ipcp::InterfaceId;

use super::error::ErrorKind;

fn lossy(arg: &[u8]) -> String {
    String::from_utf8_lossy(arg).into_owned()
}

/// The argument as UTF-8.
pub(crate) fn utf8(arg: &[u8]) -> Result<&str, ErrorKind> {
    core::str::from_utf8(arg).map_err(|_| ErrorKind::NotUtf8)
}

/// An unsigned number as C's `strtoul(s, &end, 0)` reads it, the whole
/// argument: `0x1f` is hexadecimal, `017` octal, anything else decimal.
pub(crate) fn number(arg: &[u8]) -> Result<u64, ErrorKind> {
    let bad = || ErrorKind::BadNumber { value: lossy(arg) };
    let text = utf8(arg).map_err(|_| bad())?;
    let (digits, radix) =
        if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (hex, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(bad());
    }
    u64::from_str_radix(digits, radix).map_err(|_| ErrorKind::OutOfRange {
        value: lossy(arg),
        min: 0,
        max: u64::MAX,
    })
}

/// A number in `min..=max`.
pub(crate) fn u32_in(arg: &[u8], min: u32, max: u32) -> Result<u32, ErrorKind> {
    let n = number(arg)?;
    if n < u64::from(min) || n > u64::from(max) {
        return Err(ErrorKind::OutOfRange {
            value: lossy(arg),
            min: min.into(),
            max: max.into(),
        });
    }
    Ok(n as u32)
}

/// A count of seconds, at least `min`.
pub(crate) fn seconds(arg: &[u8], min: u32) -> Result<Duration, ErrorKind> {
    u32_in(arg, min, u32::MAX).map(|s| Duration::from_secs(s.into()))
}

/// A count of seconds where 0 means "never" (pppd's `idle 0`).
pub(crate) fn seconds_or_off(arg: &[u8]) -> Result<Option<Duration>, ErrorKind> {
    let d = seconds(arg, 0)?;
    Ok((!d.is_zero()).then_some(d))
}

/// A file descriptor number.
pub(crate) fn fd(arg: &[u8]) -> Result<i32, ErrorKind> {
    u32_in(arg, 0, i32::MAX as u32).map(|n| n as i32)
}

/// A 32-bit map in hexadecimal, with or without `0x` (pppd's `asyncmap`).
pub(crate) fn hex_u32(arg: &[u8]) -> Result<u32, ErrorKind> {
    let bad = || ErrorKind::BadNumber { value: lossy(arg) };
    let text = utf8(arg).map_err(|_| bad())?;
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    u32::from_str_radix(digits, 16).map_err(|_| ErrorKind::OutOfRange {
        value: lossy(arg),
        min: 0,
        max: u32::MAX.into(),
    })
}

/// pppd's `bad_ip_adrs`: loopback, multicast and class E are never used.
fn is_bad(address: Ipv4Addr) -> bool {
    let first = address.octets()[0];
    first == 127 || first >= 224
}

/// A dotted-quad IPv4 address that pppd would use (`0.0.0.0` included:
/// it means "not known").
pub(crate) fn ipv4(arg: &[u8]) -> Result<Ipv4Addr, ErrorKind> {
    let bad = || ErrorKind::BadAddress { value: lossy(arg) };
    let address: Ipv4Addr = utf8(arg).map_err(|_| bad())?.parse().map_err(|_| bad())?;
    if is_bad(address) {
        return Err(bad());
    }
    Ok(address)
}

/// The two sides of pppd's `<local>:<remote>`; an empty side is `None`,
/// and so is `0.0.0.0` (pppd leaves the address unset then).
pub(crate) fn address_pair(word: &[u8]) -> Result<(Option<Ipv4Addr>, Option<Ipv4Addr>), ErrorKind> {
    let colon = word
        .iter()
        .position(|&c| c == b':')
        .ok_or(ErrorKind::BadValue {
            value: lossy(word),
            expected: "<local>:<remote>",
        })?;
    let side = |part: &[u8]| -> Result<Option<Ipv4Addr>, ErrorKind> {
        if part.is_empty() {
            return Ok(None);
        }
        let address = ipv4(part)?;
        Ok((!address.is_unspecified()).then_some(address))
    };
    Ok((side(&word[..colon])?, side(&word[colon + 1..])?))
}

/// A Linux interface name (`dev_valid_name`): 1 to 15 octets, not `.` or
/// `..`, without `/`, `:` or white space.
pub(crate) fn interface_name(arg: &[u8]) -> Result<String, ErrorKind> {
    let bad = || ErrorKind::BadValue {
        value: lossy(arg),
        expected: "an interface name of 1 to 15 characters without '/', ':' or spaces",
    };
    let name = utf8(arg)?;
    if name.is_empty()
        || name.len() > 15
        || name == "."
        || name == ".."
        || name
            .bytes()
            .any(|c| c == b'/' || c == b':' || c.is_ascii_whitespace() || c == 0)
    {
        return Err(bad());
    }
    Ok(name.to_string())
}

/// One interface identifier of pppd's `ipv6 <local>,<remote>`, written as
/// an IPv6 address whose upper 64 bits are zero (`::1`, `::dead:beef`).
fn interface_id(text: &str, whole: &[u8]) -> Result<InterfaceId, ErrorKind> {
    let bad = || {
        ErrorKind::BadValue {
        value: lossy(whole),
        expected: "<local>,<remote> interface identifiers such as ::1,::2 (upper 64 bits zero, not all zero)",
    }
    };
    let address: Ipv6Addr = text.parse().map_err(|_| bad())?;
    let octets = address.octets();
    let mut id = [0; 8];
    id.copy_from_slice(&octets[8..]);
    if octets[..8] != [0; 8] || id == [0; 8] {
        return Err(bad());
    }
    Ok(InterfaceId(id))
}

/// pppd's `ipv6 <local>,<remote>`: either side may be left out.
pub(crate) fn interface_ids(
    arg: &[u8],
) -> Result<(Option<InterfaceId>, Option<InterfaceId>), ErrorKind> {
    let text = utf8(arg)?;
    let (local, remote) = text.split_once(',').unwrap_or((text, ""));
    let side = |part: &str| {
        if part.is_empty() {
            Ok(None)
        } else {
            interface_id(part, arg).map(Some)
        }
    };
    Ok((side(local)?, side(remote)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_strtoul_base_0() {
        assert_eq!(number(b"1410"), Ok(1410));
        assert_eq!(number(b"0"), Ok(0));
        assert_eq!(number(b"0x1f"), Ok(31));
        assert_eq!(number(b"0X1F"), Ok(31));
        assert_eq!(number(b"017"), Ok(15));
        for bad in [
            &b""[..],
            b"-1",
            b"1400x",
            b"0x",
            b"08",
            b" 1",
            b"+1",
            b"\xff",
        ] {
            assert!(
                matches!(number(bad), Err(ErrorKind::BadNumber { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            number(b"99999999999999999999999"),
            Err(ErrorKind::OutOfRange { .. })
        ));
    }

    #[test]
    fn ranges() {
        assert_eq!(u32_in(b"128", 128, 16384), Ok(128));
        assert_eq!(
            u32_in(b"127", 128, 16384),
            Err(ErrorKind::OutOfRange {
                value: "127".into(),
                min: 128,
                max: 16384
            })
        );
        assert_eq!(seconds_or_off(b"0"), Ok(None));
        assert_eq!(seconds_or_off(b"1800"), Ok(Some(Duration::from_secs(1800))));
        assert_eq!(fd(b"7"), Ok(7));
        assert!(fd(b"2147483648").is_err());
    }

    #[test]
    fn asyncmap_is_hex() {
        assert_eq!(hex_u32(b"0"), Ok(0));
        assert_eq!(hex_u32(b"200a0000"), Ok(0x200a_0000));
        assert_eq!(hex_u32(b"0xffffffff"), Ok(u32::MAX));
        assert!(hex_u32(b"g").is_err());
        assert!(hex_u32(b"100000000").is_err());
    }

    #[test]
    fn addresses() {
        assert_eq!(ipv4(b"8.8.8.8"), Ok(Ipv4Addr::new(8, 8, 8, 8)));
        for bad in [
            &b"127.0.0.1"[..],
            b"224.0.0.1",
            b"240.0.0.1",
            b"10.1",
            b"host",
            b"",
        ] {
            assert!(
                matches!(ipv4(bad), Err(ErrorKind::BadAddress { .. })),
                "{bad:?}"
            );
        }
        let a = Ipv4Addr::new(10, 201, 0, 1);
        let b = Ipv4Addr::new(10, 201, 0, 2);
        assert_eq!(
            address_pair(b"10.201.0.1:10.201.0.2"),
            Ok((Some(a), Some(b)))
        );
        assert_eq!(address_pair(b":"), Ok((None, None)));
        assert_eq!(address_pair(b"10.201.0.1:"), Ok((Some(a), None)));
        assert_eq!(address_pair(b":10.201.0.2"), Ok((None, Some(b))));
        assert_eq!(address_pair(b"0.0.0.0:10.201.0.2"), Ok((None, Some(b))));
        assert!(address_pair(b"10.201.0.1:127.0.0.1").is_err());
        assert!(address_pair(b"lns.example:").is_err());
    }

    #[test]
    fn interface_names() {
        assert_eq!(interface_name(b"l2tp0"), Ok("l2tp0".into()));
        assert_eq!(
            interface_name(b"ppp-vpn-123456"),
            Ok("ppp-vpn-123456".into())
        );
        for bad in [
            &b""[..],
            b"0123456789abcdef",
            b"a/b",
            b"a:b",
            b"a b",
            b".",
            b"..",
        ] {
            assert!(interface_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ipv6_identifiers() {
        let one = InterfaceId([0, 0, 0, 0, 0, 0, 0, 1]);
        let beef = InterfaceId([0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(
            interface_ids(b"::1,::dead:beef"),
            Ok((Some(one), Some(beef)))
        );
        assert_eq!(interface_ids(b"::1"), Ok((Some(one), None)));
        assert_eq!(interface_ids(b",::1"), Ok((None, Some(one))));
        for bad in [&b"::"[..], b"fe80::1", b"1.2.3.4", b"::1,x"] {
            assert!(interface_ids(bad).is_err(), "{bad:?}");
        }
    }
}
