//! The addresses a secrets line allows its client (pppd(8), AUTHENTICATION):
//! the words after the secret, up to a `--`.
//!
//! - No words at all, or a first word `-`, allow no address. A `-` later on
//!   ends the list: what follows it is ignored.
//! - `*` allows any address (and ends the list).
//! - `a.b.c.d` allows that address; `a.b.c.d/n` the addresses that share its
//!   first `n` bits (`n` from 1 to 32).
//! - `a.b.c.d/n+` allows one address of that subnet: the one whose host part
//!   is the ppp unit number plus one.
//! - A leading `!` makes the word exclude instead of allow.
//!
//! The first word that matches an address decides; an address no word
//! matches is not allowed. Loopback (127/8), multicast (224/4) and the
//! reserved 240/4 are never allowed, whatever the list says (pppd's
//! `bad_ip_adrs`).
//!
//! pppd also takes host and network names here and resolves them; a sans-IO
//! parser cannot, so a name is a syntax error.

use core::fmt;
use std::net::Ipv4Addr;
use std::sync::Arc;

use super::SecretsErrorKind;

/// One address word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRule {
    /// `*`: any address.
    Any,
    /// `[!]a.b.c.d[/n]`: a subnet (a host when the prefix is 32).
    Subnet {
        /// False for a `!` word.
        permit: bool,
        /// The address as written.
        address: Ipv4Addr,
        /// The prefix length, 1 to 32.
        prefix: u8,
    },
    /// `[!]a.b.c.d/n+`: the address of the subnet whose host part is the
    /// ppp unit number plus one.
    UnitInSubnet {
        /// False for a `!` word.
        permit: bool,
        /// The address as written.
        address: Ipv4Addr,
        /// The prefix length, 1 to 32.
        prefix: u8,
    },
}

/// The addresses a peer may use, from its secrets line. The IPCP side of
/// the session asks [`permits`](Self::permits) about each address.
///
/// Cloning is cheap (the rules are shared): a session takes a copy from the
/// secrets on every authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedAddresses {
    rules: Arc<[AddressRule]>,
}

fn mask(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p => u32::MAX << (32 - u32::from(p.min(32))),
    }
}

/// pppd's `bad_ip_adrs`: loopback, multicast and class E addresses.
fn is_bad(addr: Ipv4Addr) -> bool {
    let a = u32::from(addr);
    a >> 24 == 127 || a >> 28 == 0xe || a >> 28 == 0xf
}

impl AllowedAddresses {
    /// No address at all.
    pub fn none() -> AllowedAddresses {
        AllowedAddresses::default()
    }

    /// Any address (`*`).
    pub fn any() -> AllowedAddresses {
        AllowedAddresses {
            rules: Arc::new([AddressRule::Any]),
        }
    }

    /// Builds the list from rules, in order.
    pub fn from_rules(rules: Vec<AddressRule>) -> AllowedAddresses {
        AllowedAddresses {
            rules: rules.into(),
        }
    }

    /// Reads the address words of a secrets line (those before any `--`).
    pub(crate) fn parse(words: &[Vec<u8>]) -> Result<AllowedAddresses, SecretsErrorKind> {
        let mut rules = Vec::new();
        for word in words {
            match word.as_slice() {
                b"-" => break,
                b"*" => {
                    rules.push(AddressRule::Any);
                    break;
                }
                _ => rules.push(parse_rule(word)?),
            }
        }
        Ok(AllowedAddresses::from_rules(rules))
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[AddressRule] {
        &self.rules
    }

    /// Whether no address at all is allowed: the line had only three words,
    /// or `-`, or only `!` words (pppd's `some_ip_ok` is false).
    pub fn allows_none(&self) -> bool {
        !self.rules.iter().any(|rule| match rule {
            AddressRule::Any => true,
            AddressRule::Subnet { permit, .. } | AddressRule::UnitInSubnet { permit, .. } => {
                *permit
            }
        })
    }

    /// Whether the peer may use `addr`. `unit` is the ppp unit number, for
    /// `/n+` words; without it those words match nothing.
    pub fn permits(&self, addr: Ipv4Addr, unit: Option<u32>) -> bool {
        if is_bad(addr) {
            return false;
        }
        let a = u32::from(addr);
        for rule in self.rules.iter() {
            let (permit, base, m) = match *rule {
                AddressRule::Any => return true,
                AddressRule::Subnet {
                    permit,
                    address,
                    prefix,
                } => (permit, u32::from(address), mask(prefix)),
                AddressRule::UnitInSubnet {
                    permit,
                    address,
                    prefix,
                } => match unit_address(address, prefix, unit) {
                    Some(host) => (permit, host, u32::MAX),
                    None => continue,
                },
            };
            if a & m == base & m {
                return permit;
            }
        }
        false
    }

    /// The address pppd would suggest for the peer: the remote address from
    /// the options when it is allowed, otherwise the first single address
    /// the list allows (pppd's `suggested_ip`), otherwise the option's.
    pub fn suggested_remote(
        &self,
        option_remote: Option<Ipv4Addr>,
        unit: Option<u32>,
    ) -> Option<Ipv4Addr> {
        if let Some(remote) = option_remote {
            if self.permits(remote, unit) {
                return Some(remote);
            }
        }
        let single = self.rules.iter().find_map(|rule| match *rule {
            AddressRule::Subnet {
                permit: true,
                address,
                prefix: 32,
            } => Some(address),
            AddressRule::UnitInSubnet {
                permit: true,
                address,
                prefix,
            } => unit_address(address, prefix, unit).map(Ipv4Addr::from),
            _ => None,
        });
        single.or(option_remote)
    }
}

/// The host of `address/prefix` numbered unit + 1, if it fits the subnet.
fn unit_address(address: Ipv4Addr, prefix: u8, unit: Option<u32>) -> Option<u32> {
    let offset = u64::from(unit?) + 1;
    let m = mask(prefix);
    if offset >= u64::from(!m) {
        return None;
    }
    Some((u32::from(address) & m) + offset as u32)
}

fn parse_rule(word: &[u8]) -> Result<AddressRule, SecretsErrorKind> {
    let bad = || SecretsErrorKind::BadAddress {
        word: String::from_utf8_lossy(word).into_owned(),
    };
    let text = core::str::from_utf8(word).map_err(|_| bad())?;
    let (permit, text) = match text.strip_prefix('!') {
        Some(rest) => (false, rest),
        None => (true, text),
    };
    let (addr, prefix, unit) = match text.split_once('/') {
        None => (text, 32, false),
        Some((addr, len)) => {
            let (len, unit) = match len.strip_suffix('+') {
                Some(len) => (len, true),
                None => (len, false),
            };
            match len.parse::<u8>() {
                Ok(n @ 1..=32) if len.bytes().all(|c| c.is_ascii_digit()) => (addr, n, unit),
                _ => return Err(bad()),
            }
        }
    };
    let address: Ipv4Addr = addr.parse().map_err(|_| bad())?;
    Ok(if unit {
        AddressRule::UnitInSubnet {
            permit,
            address,
            prefix,
        }
    } else {
        AddressRule::Subnet {
            permit,
            address,
            prefix,
        }
    })
}

impl fmt::Display for AddressRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AddressRule::Any => f.write_str("*"),
            AddressRule::Subnet {
                permit,
                address,
                prefix,
            } => {
                let bang = if permit { "" } else { "!" };
                if prefix == 32 {
                    write!(f, "{bang}{address}")
                } else {
                    write!(f, "{bang}{address}/{prefix}")
                }
            }
            AddressRule::UnitInSubnet {
                permit,
                address,
                prefix,
            } => {
                let bang = if permit { "" } else { "!" };
                write!(f, "{bang}{address}/{prefix}+")
            }
        }
    }
}

/// The words again, space-separated; `-` when no address is allowed.
impl fmt::Display for AllowedAddresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rules.is_empty() {
            return f.write_str("-");
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{rule}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> AllowedAddresses {
        let words: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
        AllowedAddresses::parse(&words).unwrap()
    }

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn no_words_or_a_dash_allow_nothing() {
        for list in [parse(&[]), parse(&["-"]), parse(&["-", "10.0.0.1"])] {
            assert!(list.allows_none(), "{list}");
            assert!(!list.permits(ip("10.0.0.1"), None));
            assert_eq!(list.to_string(), "-");
        }
    }

    #[test]
    fn star_allows_any_good_address() {
        let list = parse(&["*", "!10.0.0.1"]);
        assert_eq!(list.rules(), [AddressRule::Any]);
        assert!(!list.allows_none());
        assert!(list.permits(ip("10.0.0.1"), None));
        assert!(list.permits(ip("192.0.2.7"), None));
        // Never loopback, multicast or class E.
        assert!(!list.permits(ip("127.0.0.2"), None));
        assert!(!list.permits(ip("224.0.0.1"), None));
        assert!(!list.permits(ip("255.255.255.255"), None));
    }

    #[test]
    fn hosts_subnets_and_exclusions_first_match_wins() {
        let list = parse(&["!10.1.0.5", "10.1.0.0/16", "192.0.2.9"]);
        assert!(!list.permits(ip("10.1.0.5"), None));
        assert!(list.permits(ip("10.1.200.1"), None));
        assert!(!list.permits(ip("10.2.0.1"), None));
        assert!(list.permits(ip("192.0.2.9"), None));
        assert!(!list.permits(ip("192.0.2.10"), None));
        assert_eq!(list.to_string(), "!10.1.0.5 10.1.0.0/16 192.0.2.9");
        // Order matters: an allow before the exclusion wins.
        let list = parse(&["10.1.0.0/16", "!10.1.0.5"]);
        assert!(list.permits(ip("10.1.0.5"), None));
    }

    #[test]
    fn only_exclusions_allow_nothing() {
        let list = parse(&["!10.0.0.1"]);
        assert!(list.allows_none());
        assert!(!list.permits(ip("10.0.0.2"), None));
    }

    #[test]
    fn unit_plus_one_in_a_subnet() {
        let list = parse(&["10.5.0.0/24+"]);
        assert!(list.permits(ip("10.5.0.4"), Some(3)));
        assert!(!list.permits(ip("10.5.0.3"), Some(3)));
        assert!(!list.permits(ip("10.5.0.4"), None));
        // Unit 254 would be the broadcast address: no address.
        assert!(!list.permits(ip("10.5.0.255"), Some(254)));
        assert_eq!(list.suggested_remote(None, Some(0)), Some(ip("10.5.0.1")));
        assert_eq!(list.to_string(), "10.5.0.0/24+");
    }

    #[test]
    fn suggested_remote_follows_pppd() {
        let list = parse(&["10.0.0.0/8", "192.0.2.1"]);
        // The option's address is allowed: keep it.
        assert_eq!(
            list.suggested_remote(Some(ip("10.9.9.9")), None),
            Some(ip("10.9.9.9"))
        );
        // Not allowed, or none: the first single host.
        assert_eq!(
            list.suggested_remote(Some(ip("172.16.0.1")), None),
            Some(ip("192.0.2.1"))
        );
        assert_eq!(list.suggested_remote(None, None), Some(ip("192.0.2.1")));
        assert_eq!(parse(&["*"]).suggested_remote(None, None), None);
    }

    #[test]
    fn bad_words_are_errors() {
        for word in [
            "host.example",
            "10.0.0.1/0",
            "10.0.0.1/33",
            "10.0.0.1/",
            "10.0.0.1/+8",
            "10.0.0",
            "!",
            "+",
        ] {
            let words = vec![word.as_bytes().to_vec()];
            assert_eq!(
                AllowedAddresses::parse(&words),
                Err(SecretsErrorKind::BadAddress {
                    word: word.to_string()
                }),
                "{word}"
            );
        }
    }
}
