//! The flag form of `rppp l2tpd` (`--lns ...`, `--lac ...`), turned into
//! the xl2tpd.conf it stands for, so the daemon runs one code path:
//!
//! - `--lns --local-ip IP --ip-range FIRST-LAST [--allow IP]...` is an
//!   `[lns default]` with `local ip`, `ip range`, and with `--allow` a
//!   `lac` line each and `access control = yes`;
//! - `--lac LNS[:PORT]` (repeatable) is an `[lac lacN]` with that `lns`
//!   and `autodial = yes`; `--redial SECS` adds `redial = yes` and
//!   `redial timeout = SECS` (every call that ends is placed again);
//! - for every section: `--hostname` is `hostname`, `--secret S` is
//!   `challenge = yes` with an l2tp-secrets line `* * S`, `--hide` is
//!   `hidden bit = yes`, `--rws` is `tunnel rws`, `--ppp-options FILE`
//!   is `pppoptfile`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use rppp::l2tpd::config::{
    Common, Config, IpRange, L2tpSecrets, Lac, Lns, LnsHost, RangeRule, Ranges, Sense,
};
use rppp_auth::Secret;

/// The flag form's options, as given.
#[derive(Debug, Default)]
pub(super) struct FlagForm {
    pub(super) hostname: Option<String>,
    pub(super) secret: Option<Secret>,
    pub(super) hide: bool,
    pub(super) rws: Option<u16>,
    pub(super) ppp_options: Option<String>,
    pub(super) lns: bool,
    pub(super) local_ip: Option<Ipv4Addr>,
    pub(super) range: Option<(Ipv4Addr, Ipv4Addr)>,
    pub(super) allow: Vec<IpAddr>,
    pub(super) lacs: Vec<SocketAddr>,
    pub(super) redial: Option<std::time::Duration>,
}

impl FlagForm {
    /// Whether any flag of the form was given.
    pub(super) fn given(&self) -> bool {
        self.hostname.is_some()
            || self.secret.is_some()
            || self.hide
            || self.rws.is_some()
            || self.ppp_options.is_some()
            || self.lns
            || self.local_ip.is_some()
            || self.range.is_some()
            || !self.allow.is_empty()
            || !self.lacs.is_empty()
            || self.redial.is_some()
    }

    fn common(&self, section: &str) -> Common {
        let mut c = Common::new(section);
        c.hostname = self.hostname.clone();
        c.challenge = self.secret.is_some();
        c.hidden_bit = self.hide;
        if let Some(rws) = self.rws {
            c.tunnel_rws = rws.max(1);
        }
        c.pppoptfile = self.ppp_options.clone();
        c
    }

    /// The configuration and secrets the flags stand for.
    pub(super) fn into_config(self) -> Result<(Config, L2tpSecrets), String> {
        let mut config = Config::default();
        if self.lns {
            let (Some(local_ip), Some((first, last))) = (self.local_ip, self.range) else {
                return Err("--lns needs --local-ip and --ip-range".into());
            };
            let range = IpRange::new(first, last)
                .ok_or_else(|| format!("--ip-range {first}-{last}: the first is above the last"))?;
            let mut lns = Lns::new("default");
            lns.common = self.common("default");
            lns.local_ip = Some(local_ip);
            lns.ip_range = allow_rules([range]);
            let mut peers = Vec::new();
            for a in &self.allow {
                let IpAddr::V4(a) = *a else {
                    return Err(format!("--allow {a}: L2TP runs over IPv4"));
                };
                peers.extend(IpRange::new(a, a));
            }
            if !peers.is_empty() {
                lns.lac = allow_rules(peers);
                config.global.access_control = true;
            }
            config.lns_default = Some(lns);
        } else if self.local_ip.is_some() || self.range.is_some() || !self.allow.is_empty() {
            return Err("--local-ip, --ip-range and --allow need --lns".into());
        }
        if self.redial.is_some() && self.lacs.is_empty() {
            return Err("--redial needs --lac".into());
        }
        for (i, lns) in self.lacs.iter().enumerate() {
            let name = format!("lac{i}");
            let mut lac = Lac::new(&name);
            lac.common = self.common(&name);
            lac.lns = vec![LnsHost {
                host: lns.ip().to_string(),
                port: lns.port(),
            }];
            lac.autodial = true;
            if let Some(t) = self.redial {
                lac.redial = true;
                lac.redial_timeout = t;
            }
            config.lac.push(lac);
        }
        if config.lns_default.is_none() && config.lac.is_empty() {
            return Err("nothing to do: give --lns or --lac (or -c FILE)".into());
        }
        let secrets = self.secret.map(L2tpSecrets::any).unwrap_or_default();
        Ok((config, secrets))
    }
}

fn allow_rules(ranges: impl IntoIterator<Item = IpRange>) -> Ranges {
    Ranges {
        rules: ranges
            .into_iter()
            .map(|range| RangeRule {
                sense: Sense::Allow,
                range,
            })
            .collect(),
    }
}
