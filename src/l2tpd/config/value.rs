//! Reading values as xl2tpd's `file.c` does, a little stricter: a number
//! is the whole value (xl2tpd's `atoi` reads `4x` as 4), and addresses are
//! dotted quads (a sans-IO parser looks no host name up).

use std::net::Ipv4Addr;

use super::error::ErrorKind;
use super::types::{IpRange, LnsHost};

fn bad(value: &str, expected: &'static str) -> ErrorKind {
    ErrorKind::BadValue {
        value: value.to_string(),
        expected,
    }
}

/// xl2tpd's `yesno`: `yes`, `y`, `true`, `no`, `n`, `false`, in any case.
pub(crate) fn yes_no(value: &str) -> Result<bool, ErrorKind> {
    const YES: [&str; 3] = ["yes", "y", "true"];
    const NO: [&str; 3] = ["no", "n", "false"];
    if YES.iter().any(|w| value.eq_ignore_ascii_case(w)) {
        Ok(true)
    } else if NO.iter().any(|w| value.eq_ignore_ascii_case(w)) {
        Ok(false)
    } else {
        Err(bad(value, "'yes' or 'no' (or y, n, true, false)"))
    }
}

/// A decimal number, the whole value, in `min..=max`; `expected` says so.
pub(crate) fn number(
    value: &str,
    min: i64,
    max: i64,
    expected: &'static str,
) -> Result<i64, ErrorKind> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad(value, expected));
    }
    match value.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(value, expected)),
    }
}

/// A dotted-quad IPv4 address.
pub(crate) fn address(value: &str) -> Result<Ipv4Addr, ErrorKind> {
    value.parse().map_err(|_| {
        bad(
            value,
            "a dotted-quad IPv4 address (host names are not looked up)",
        )
    })
}

const RANGE: &str = "an address or a range 'A.B.C.D - E.F.G.H' (the end may give only its last fields, as in 10.0.0.2-20), the start not above the end";

/// xl2tpd's `set_range`: `A`, or `A - B` where white space around `-` is
/// optional and `B` may give only its last fields (`10.0.0.2-20` ends at
/// 10.0.0.20, `10.0.0.2-1.20` at 10.0.1.20).
pub(crate) fn range(value: &str) -> Result<IpRange, ErrorKind> {
    let (start, end) = match value.split_once('-') {
        Some((start, end)) => (start.trim_end(), Some(end.trim_start())),
        None => (value, None),
    };
    let parse = |text: &str| text.parse::<Ipv4Addr>().map_err(|_| bad(value, RANGE));
    let first = parse(start)?;
    let last = match end {
        None => first,
        Some(end) => {
            let given = end.split('.').count();
            if given < 4 {
                let kept: Vec<&str> = start.split('.').take(4 - given).collect();
                parse(&format!("{}.{end}", kept.join(".")))?
            } else {
                parse(end)?
            }
        }
    };
    IpRange::new(first, last).ok_or_else(|| bad(value, RANGE))
}

/// A LAC's `lns = HOST[:PORT]`: the host is kept as written (a name is
/// looked up when the LAC dials); the port defaults to 1701.
pub(crate) fn lns_host(value: &str) -> Result<LnsHost, ErrorKind> {
    const EXPECTED: &str = "a host name or address, with an optional ':PORT' (1 to 65535)";
    let (host, port) = match value.split_once(':') {
        Some((host, port)) => (host, number(port, 1, 65_535, EXPECTED)? as u16),
        None => (value, super::types::DEFAULT_PORT),
    };
    if host.is_empty() || host.bytes().any(|c| c <= b' ') {
        return Err(bad(value, EXPECTED));
    }
    Ok(LnsHost {
        host: host.to_string(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: [u8; 4], b: [u8; 4]) -> IpRange {
        IpRange::new(a.into(), b.into()).unwrap()
    }

    #[test]
    fn ranges_as_xl2tpd_reads_them() {
        assert_eq!(
            range("10.0.0.2-10.0.0.20"),
            Ok(r([10, 0, 0, 2], [10, 0, 0, 20]))
        );
        assert_eq!(
            range("10.0.0.2 - 10.0.0.20"),
            Ok(r([10, 0, 0, 2], [10, 0, 0, 20]))
        );
        assert_eq!(range("10.0.0.2-20"), Ok(r([10, 0, 0, 2], [10, 0, 0, 20])));
        assert_eq!(range("10.0.0.2-1.20"), Ok(r([10, 0, 0, 2], [10, 0, 1, 20])));
        assert_eq!(range("10.0.0.7"), Ok(r([10, 0, 0, 7], [10, 0, 0, 7])));
        for bad in [
            "",
            "-",
            "10.0.0.9-10.0.0.1",
            "10.0.0.1-",
            "lac1-lac2",
            "10.0.0.1-x",
        ] {
            assert!(range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_numbers_and_hosts() {
        for yes in ["yes", "Y", "TRUE"] {
            assert_eq!(yes_no(yes), Ok(true));
        }
        for no in ["no", "N", "False"] {
            assert_eq!(yes_no(no), Ok(false));
        }
        assert!(yes_no("1").is_err() && yes_no("").is_err());
        assert_eq!(number("-1", -1, 10, "x"), Ok(-1));
        assert!(number("4x", 0, 10, "x").is_err() && number("11", 0, 10, "x").is_err());
        assert!(number("-", -1, 10, "x").is_err());
        assert_eq!(
            lns_host("lns.example.net:1702").map(|h| (h.host, h.port)),
            Ok(("lns.example.net".into(), 1702))
        );
        assert_eq!(lns_host("192.0.2.1").map(|h| h.port), Ok(1701));
        assert!(lns_host(":1701").is_err() && lns_host("h:0").is_err());
    }
}
