//! xl2tpd.conf's keys (xl2tpd's `file.c` keyword table): which section
//! takes each, what its value is, and the warnings for those rppp cannot
//! honour. Keys match in any case, with the single spaces xl2tpd spells
//! them with.

use std::time::Duration;

use super::error::ErrorKind;
use super::types::{Common, Global, Lac, Lns, RangeRule, Ranges, Sense};
use super::value::{self, yes_no};

/// The section a key goes to.
pub(crate) enum Target<'a> {
    Global(&'a mut Global),
    Lns(&'a mut Lns),
    Lac(&'a mut Lac),
}

/// Every key xl2tpd knows, in any section: a key outside this list is
/// unknown; one in it but not taken by its section is misplaced.
const KNOWN: &[&str] = &[
    "listen-addr",
    "port",
    "saref refinfo",
    "rand source",
    "auth file",
    "exclusive",
    "autodial",
    "redial",
    "redial timeout",
    "lns",
    "max redials",
    "access control",
    "force userspace",
    "ip range",
    "no ip range",
    "debug avp",
    "debug network",
    "debug packet",
    "debug tunnel",
    "debug state",
    "ipsec saref",
    "lac",
    "no lac",
    "assign ip",
    "local ip",
    "local ip range",
    "remote ip",
    "defaultroute",
    "length bit",
    "hidden bit",
    "require pap",
    "require chap",
    "require authentication",
    "require auth",
    "refuse pap",
    "refuse chap",
    "refuse authentication",
    "refuse auth",
    "unix authentication",
    "unix auth",
    "name",
    "hostname",
    "ppp debug",
    "pass peer",
    "pppoptfile",
    "call rws",
    "tunnel rws",
    "flow bit",
    "challenge",
    "tx bps",
    "rx bps",
    "bps",
    "max retries",
    "cap backoff",
];

const DEBUG: &str = "rppp logs through its own log levels, not xl2tpd's debug switches: ignored";
const LENGTH_BIT: &str =
    "the kernel's L2TP data path never sets the L bit in data messages: ignored";
const CALL_RWS: &str = "RFC 2661 no longer has per-session flow control: ignored";

/// Applies `key = value` to `target`; `warnings` gets the messages of a
/// key rppp accepts but cannot honour.
pub(crate) fn apply(
    target: Target<'_>,
    key: &str,
    value: &str,
    warnings: &mut Vec<&'static str>,
) -> Result<(), ErrorKind> {
    let lower = key.to_ascii_lowercase();
    let (section, taken) = match target {
        Target::Global(global) => ("global", apply_global(global, &lower, value, warnings)?),
        Target::Lns(lns) => ("lns", apply_lns(lns, &lower, value, warnings)?),
        Target::Lac(lac) => ("lac", apply_lac(lac, &lower, value, warnings)?),
    };
    match taken {
        true => Ok(()),
        false if KNOWN.contains(&lower.as_str()) => Err(ErrorKind::NotInSection { section }),
        false => Err(ErrorKind::UnknownKey { section }),
    }
}

/// A number in `min..=max`, with the expected form spelled out.
fn number(value: &str, min: i64, max: i64, expected: &'static str) -> Result<i64, ErrorKind> {
    value::number(value, min, max, expected)
}

/// A string that may be empty (xl2tpd's "not set").
fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

fn apply_global(
    global: &mut Global,
    key: &str,
    value: &str,
    warnings: &mut Vec<&'static str>,
) -> Result<bool, ErrorKind> {
    match key {
        "listen-addr" => global.listen_addr = value::address(value)?,
        "port" => global.port = number(value, 1, 65_535, "a UDP port from 1 to 65535")? as u16,
        "auth file" => {
            global.auth_file = optional(value).ok_or(ErrorKind::BadValue {
                value: String::new(),
                expected: "the path of the l2tp-secrets file",
            })?
        }
        "access control" => global.access_control = yes_no(value)?,
        "max retries" => {
            global.max_retries = number(value, 0, 1000, "a number from 0 to 1000")? as u32
        }
        "ipsec saref" => {
            if yes_no(value)? {
                warnings.push(
                    "IPsec SA references (Openswan KLIPS mast mode) are not supported: ignored",
                );
            }
        }
        "saref refinfo" => {
            number(value, 0, i64::from(i32::MAX), "a socket option number")?;
            warnings.push("IPsec SA references are not supported: ignored");
        }
        "force userspace" => {
            if yes_no(value)? {
                warnings.push("rppp always carries data in the kernel's L2TP data path: ignored");
            }
        }
        "debug avp" | "debug network" | "debug packet" | "debug tunnel" | "debug state" => {
            if yes_no(value)? {
                warnings.push(DEBUG);
            }
        }
        "rand source" => {
            const SOURCES: [&str; 3] = ["dev", "sys", "egd"];
            if !SOURCES.iter().any(|s| value.starts_with(s)) {
                return Err(ErrorKind::BadValue {
                    value: value.to_string(),
                    expected: "dev, sys or egd",
                });
            }
            warnings.push("rppp always uses the operating system's random source: ignored");
        }
        "cap backoff" => {
            number(value, 0, i64::from(i32::MAX), "a number of seconds")?;
            warnings.push("rppp caps its retransmission back-off itself: ignored");
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The PPP authentication keys of either section.
fn apply_auth(common: &mut Common, key: &str, value: &str) -> Result<bool, ErrorKind> {
    let auth = &mut common.auth;
    let field = match key {
        "require chap" => &mut auth.require_chap,
        "refuse chap" => &mut auth.refuse_chap,
        "require pap" => &mut auth.require_pap,
        "refuse pap" => &mut auth.refuse_pap,
        "require authentication" | "require auth" => &mut auth.require_authentication,
        "refuse authentication" | "refuse auth" => &mut auth.refuse_authentication,
        _ => return Ok(false),
    };
    *field = yes_no(value)?;
    Ok(true)
}

/// The keys `[lns]` and `[lac]` share.
fn apply_common(
    common: &mut Common,
    key: &str,
    value: &str,
    warnings: &mut Vec<&'static str>,
) -> Result<bool, ErrorKind> {
    const BPS: &str = "a speed in bits per second, from 1 to 4294967295";
    match key {
        "name" => common.name = optional(value),
        "hostname" => common.hostname = optional(value),
        "ppp debug" => common.ppp_debug = yes_no(value)?,
        "pass peer" => common.pass_peer = yes_no(value)?,
        "pppoptfile" => common.pppoptfile = optional(value),
        "length bit" => {
            common.length_bit = yes_no(value)?;
            if common.length_bit {
                warnings.push(LENGTH_BIT);
            }
        }
        "hidden bit" => common.hidden_bit = yes_no(value)?,
        "challenge" => common.challenge = yes_no(value)?,
        "tunnel rws" => {
            common.tunnel_rws = number(value, 1, 65_535, "a window from 1 to 65535")? as u16
        }
        "call rws" => {
            common.call_rws = number(value, -1, 65_535, "a window from -1 to 65535")? as i32;
            warnings.push(CALL_RWS);
        }
        "flow bit" => {
            // xl2tpd: `no` turns the call window off (-1), `yes` back on.
            common.call_rws = match yes_no(value)? {
                true => common.call_rws.max(0),
                false => -1,
            };
            warnings.push(CALL_RWS);
        }
        "tx bps" => common.tx_bps = number(value, 1, u32::MAX.into(), BPS)? as u32,
        "rx bps" => common.rx_bps = number(value, 1, u32::MAX.into(), BPS)? as u32,
        "bps" => {
            common.tx_bps = number(value, 1, u32::MAX.into(), BPS)? as u32;
            common.rx_bps = common.tx_bps;
        }
        _ => return apply_auth(common, key, value),
    }
    Ok(true)
}

/// One `ip range`-style line added to `ranges`.
fn push_range(ranges: &mut Ranges, key: &str, value: &str) -> Result<(), ErrorKind> {
    let sense = match key.starts_with("no ") {
        true => Sense::Deny,
        false => Sense::Allow,
    };
    let range = value::range(value)?;
    ranges.rules.push(RangeRule { sense, range });
    Ok(())
}

const LOCAL_IP_CONFLICT: &str = "'local ip' and 'local ip range' exclude each other";

fn apply_lns(
    lns: &mut Lns,
    key: &str,
    value: &str,
    warnings: &mut Vec<&'static str>,
) -> Result<bool, ErrorKind> {
    match key {
        "exclusive" => lns.exclusive = yes_no(value)?,
        "ip range" | "no ip range" => push_range(&mut lns.ip_range, key, value)?,
        "lac" | "no lac" => push_range(&mut lns.lac, key, value)?,
        "assign ip" => lns.assign_ip = yes_no(value)?,
        "local ip" if !lns.local_ip_range.is_empty() => {
            return Err(ErrorKind::Conflict {
                reason: LOCAL_IP_CONFLICT,
            })
        }
        "local ip" => lns.local_ip = Some(value::address(value)?),
        "local ip range" if lns.local_ip.is_some() => {
            return Err(ErrorKind::Conflict {
                reason: LOCAL_IP_CONFLICT,
            })
        }
        "local ip range" => push_range(&mut lns.local_ip_range, key, value)?,
        "unix authentication" | "unix auth" => {
            if yes_no(value)? {
                return Err(ErrorKind::NotSupported {
                    reason: "checking PPP passwords against /etc/passwd (pppd's login)",
                });
            }
        }
        _ => return apply_common(&mut lns.common, key, value, warnings),
    }
    Ok(true)
}

fn apply_lac(
    lac: &mut Lac,
    key: &str,
    value: &str,
    warnings: &mut Vec<&'static str>,
) -> Result<bool, ErrorKind> {
    match key {
        "lns" => lac.lns.push(value::lns_host(value)?),
        "autodial" => lac.autodial = yes_no(value)?,
        "redial" => lac.redial = yes_no(value)?,
        "redial timeout" => {
            let secs = number(value, 1, 86_400, "a number of seconds from 1 to 86400")?;
            lac.redial_timeout = Duration::from_secs(secs as u64);
        }
        "max redials" => {
            lac.max_redials = Some(number(value, 1, u32::MAX.into(), "a number from 1")? as u32)
        }
        "local ip" => lac.local_ip = Some(value::address(value)?),
        "remote ip" => lac.remote_ip = Some(value::address(value)?),
        "defaultroute" => lac.defaultroute = yes_no(value)?,
        _ => return apply_common(&mut lac.common, key, value, warnings),
    }
    Ok(true)
}
