//! The typed configuration: what xl2tpd.conf's sections become, with
//! xl2tpd's defaults (`file.c`: `init_config`, `new_lns`, `new_lac`).

use std::net::Ipv4Addr;
use std::time::Duration;

use rppp_l2tp::{Role, TunnelConfig};

use super::error::Warning;

/// L2TP's UDP port, xl2tpd's `port` default.
pub const DEFAULT_PORT: u16 = 1701;
/// xl2tpd's `auth file` default.
pub const DEFAULT_AUTH_FILE: &str = "/etc/xl2tpd/l2tp-secrets";

/// An inclusive range of addresses, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange {
    start: Ipv4Addr,
    end: Ipv4Addr,
}

impl IpRange {
    /// `start..=end`, or `None` when `start` is above `end`.
    pub fn new(start: Ipv4Addr, end: Ipv4Addr) -> Option<IpRange> {
        (start <= end).then_some(IpRange { start, end })
    }

    /// The first address.
    pub fn start(&self) -> Ipv4Addr {
        self.start
    }

    /// The last address.
    pub fn end(&self) -> Ipv4Addr {
        self.end
    }

    /// Whether `addr` lies in the range.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        (self.start..=self.end).contains(&addr)
    }

    /// How many addresses the range holds.
    pub fn len(&self) -> u64 {
        u64::from(u32::from(self.end) - u32::from(self.start)) + 1
    }

    /// Never true: a range holds at least one address.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Whether a rule admits or excludes its range: `ip range` / `no ip
/// range`, `lac` / `no lac`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sense {
    /// `ip range`, `lac`.
    Allow,
    /// `no ip range`, `no lac`.
    Deny,
}

/// One `ip range`-style line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RangeRule {
    /// Admit or exclude.
    pub sense: Sense,
    /// The addresses.
    pub range: IpRange,
}

/// The rules of one key in file order (`ip range` and `no ip range` lines,
/// `local ip range`, `lac` and `no lac`). As in xl2tpd, the last rule
/// that contains an address decides for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Ranges {
    /// The rules, first line first.
    pub rules: Vec<RangeRule>,
}

impl Ranges {
    /// Whether no rule was given.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The sense of the last rule containing `addr`, if any.
    pub fn sense_of(&self, addr: Ipv4Addr) -> Option<Sense> {
        self.rules
            .iter()
            .rev()
            .find(|rule| rule.range.contains(addr))
            .map(|rule| rule.sense)
    }

    /// Whether `addr` is admitted: the last rule containing it allows it.
    pub fn admits(&self, addr: Ipv4Addr) -> bool {
        self.sense_of(addr) == Some(Sense::Allow)
    }
}

/// `[global]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    /// `listen-addr`: the address to bind (0.0.0.0: all).
    pub listen_addr: Ipv4Addr,
    /// `port`.
    pub port: u16,
    /// `auth file`: the l2tp-secrets file.
    pub auth_file: String,
    /// `access control`: accept tunnels only from the `lac` ranges of an
    /// `[lns]` section.
    pub access_control: bool,
    /// `max retries`: retransmissions of a control message before the
    /// tunnel is given up (xl2tpd's default: 5).
    pub max_retries: u32,
}

impl Default for Global {
    fn default() -> Global {
        Global {
            listen_addr: Ipv4Addr::UNSPECIFIED,
            port: DEFAULT_PORT,
            auth_file: DEFAULT_AUTH_FILE.to_string(),
            access_control: false,
            max_retries: 5,
        }
    }
}

/// The PPP authentication keys of a section. xl2tpd passes them to pppd
/// (`control.c`): `refuse authentication` means we never authenticate
/// ourselves to the peer; `require authentication` that the peer must.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PppAuth {
    /// `require chap`.
    pub require_chap: bool,
    /// `refuse chap`.
    pub refuse_chap: bool,
    /// `require pap`.
    pub require_pap: bool,
    /// `refuse pap`.
    pub refuse_pap: bool,
    /// `require authentication` (or `require auth`).
    pub require_authentication: bool,
    /// `refuse authentication` (or `refuse auth`).
    pub refuse_authentication: bool,
}

/// What `[lns]` and `[lac]` sections share: the tunnel's L2TP settings
/// and the PPP settings handed to the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Common {
    /// The section's name (`default` for `[lns default]`; empty when none).
    pub section: String,
    /// `name`: the PPP name (pppd's `name`).
    pub name: Option<String>,
    /// `hostname`: our Host Name AVP.
    pub hostname: Option<String>,
    /// `ppp debug`: pppd's `debug`.
    pub ppp_debug: bool,
    /// `pppoptfile`: a pppd options file for the session.
    pub pppoptfile: Option<String>,
    /// `pass peer`: the peer's address as pppd's `ipparam`.
    pub pass_peer: bool,
    /// PPP authentication.
    pub auth: PppAuth,
    /// `length bit`: set L in data messages (the kernel's data path never
    /// does: a warning).
    pub length_bit: bool,
    /// `hidden bit`: hide AVPs (needs a secret).
    pub hidden_bit: bool,
    /// `challenge`: authenticate the tunnel with the l2tp-secrets secret.
    pub challenge: bool,
    /// `tunnel rws`: our control channel receive window (at least 1).
    pub tunnel_rws: u16,
    /// `call rws` (-1 to 65535; RFC 2661 has no session window any more:
    /// kept, and a warning). `flow bit = no` sets it to -1.
    pub call_rws: i32,
    /// `tx bps`: the (Tx) Connect Speed we report.
    pub tx_bps: u32,
    /// `rx bps`: the Rx Connect Speed.
    pub rx_bps: u32,
}

impl Common {
    /// xl2tpd's defaults for a section named `section`.
    pub fn new(section: &str) -> Common {
        Common {
            section: section.to_string(),
            name: None,
            hostname: None,
            ppp_debug: false,
            pppoptfile: None,
            pass_peer: false,
            auth: PppAuth::default(),
            length_bit: false,
            hidden_bit: false,
            challenge: false,
            tunnel_rws: 4,
            call_rws: 4,
            tx_bps: 10_000_000,
            rx_bps: 10_000_000,
        }
    }

    /// The control connection's settings for this section: the Host Name
    /// AVP is `hostname`, or `system_hostname` when not given (as xl2tpd);
    /// `secret` (from l2tp-secrets) is kept only when `challenge` or
    /// `hidden bit` asks for it.
    pub fn tunnel_config(
        &self,
        role: Role,
        global: &Global,
        system_hostname: &str,
        secret: Option<&[u8]>,
    ) -> TunnelConfig {
        let host = self.hostname.as_deref().unwrap_or(system_hostname);
        let mut config = TunnelConfig::new(role, host);
        if self.challenge || self.hidden_bit {
            config.secret = secret.map(<[u8]>::to_vec);
        }
        config.hide_avps = self.hidden_bit;
        config.reliable.receive_window = self.tunnel_rws;
        config.reliable.max_retransmits = global.max_retries;
        config.connect_speed = self.tx_bps;
        config
    }
}

/// An `[lns NAME]` section: how we answer a LAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lns {
    /// What LNS and LAC sections share.
    pub common: Common,
    /// `exclusive`: one tunnel per peer.
    pub exclusive: bool,
    /// `ip range` / `no ip range`: the peers' addresses.
    pub ip_range: Ranges,
    /// `assign ip`: give the peer an address from `ip range` (default yes).
    pub assign_ip: bool,
    /// `local ip`: our address on every session of the section.
    pub local_ip: Option<Ipv4Addr>,
    /// `local ip range`: our address, one per session (excludes `local ip`).
    pub local_ip_range: Ranges,
    /// `lac` / `no lac`: which peers may use this section.
    pub lac: Ranges,
}

impl Lns {
    /// xl2tpd's defaults.
    pub fn new(section: &str) -> Lns {
        Lns {
            common: Common::new(section),
            exclusive: false,
            ip_range: Ranges::default(),
            assign_ip: true,
            local_ip: None,
            local_ip_range: Ranges::default(),
            lac: Ranges::default(),
        }
    }
}

/// Where a LAC dials: `lns = HOST[:PORT]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LnsHost {
    /// The host name or address, as written.
    pub host: String,
    /// The UDP port (1701 unless given).
    pub port: u16,
}

/// An `[lac NAME]` section: a tunnel we dial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lac {
    /// What LNS and LAC sections share.
    pub common: Common,
    /// `lns`: the LNS to dial, then the backups, in order.
    pub lns: Vec<LnsHost>,
    /// `autodial`: dial at start-up.
    pub autodial: bool,
    /// `redial`: dial again when the tunnel goes down.
    pub redial: bool,
    /// `redial timeout`: wait this long before redialling (default 30 s).
    pub redial_timeout: Duration,
    /// `max redials`: give up after so many (`None`: never).
    pub max_redials: Option<u32>,
    /// `local ip`: the address we ask the LNS for.
    pub local_ip: Option<Ipv4Addr>,
    /// `remote ip`: the address we ask the LNS to use.
    pub remote_ip: Option<Ipv4Addr>,
    /// `defaultroute`: pppd's `defaultroute`.
    pub defaultroute: bool,
}

impl Lac {
    /// xl2tpd's defaults.
    pub fn new(section: &str) -> Lac {
        Lac {
            common: Common::new(section),
            lns: Vec::new(),
            autodial: false,
            redial: false,
            redial_timeout: Duration::from_secs(30),
            max_redials: None,
            local_ip: None,
            remote_ip: None,
            defaultroute: false,
        }
    }
}

/// A whole xl2tpd.conf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// `[global]`.
    pub global: Global,
    /// `[lns default]`: the section for peers no named one admits.
    pub lns_default: Option<Lns>,
    /// `[lns NAME]` sections, in the order of their first header.
    pub lns: Vec<Lns>,
    /// `[lac default]`.
    pub lac_default: Option<Lac>,
    /// `[lac NAME]` sections, in the order of their first header.
    pub lac: Vec<Lac>,
    /// Keys accepted but not (fully) honoured: the caller logs them.
    pub warnings: Vec<Warning>,
}

impl Config {
    /// The `[lns]` section for a tunnel from `peer`, as xl2tpd's `get_lns`
    /// picks it: the named sections, last defined first, then `[lns
    /// default]`, the first whose `lac` rules admit the peer; failing that
    /// `[lns default]` unless `access control` is on.
    pub fn lns_for(&self, peer: Ipv4Addr) -> Option<&Lns> {
        let candidates = self.lns.iter().rev().chain(self.lns_default.as_ref());
        for lns in candidates {
            if lns.lac.admits(peer) {
                return Some(lns);
            }
        }
        if self.global.access_control {
            None
        } else {
            self.lns_default.as_ref()
        }
    }

    /// The `[lac NAME]` section named `name` (case-insensitive, as
    /// xl2tpd-control finds it).
    pub fn lac_named(&self, name: &str) -> Option<&Lac> {
        self.lac
            .iter()
            .find(|lac| lac.common.section.eq_ignore_ascii_case(name))
    }
}
