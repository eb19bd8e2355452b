//! What the daemon runs with: xl2tpd.conf's typed [`Config`], the
//! l2tp-secrets lines, and the few things xl2tpd takes from its command
//! line. `rppp l2tpd -c xl2tpd.conf` fills it from the files; the flag
//! form (`--lns`, `--lac`) builds the same [`Config`] in memory, so both
//! run one code path.
//!
//! The control connection of a tunnel comes from its section
//! ([`Settings::accept`] for an SCCRQ, [`Settings::lac_tunnel`] for a
//! dial): the Host Name AVP is the section's `hostname` or the system's,
//! and with `challenge` or `hidden bit` the secret is the l2tp-secrets
//! line between our name and the peer's, as xl2tpd's `handle_challenge`
//! finds it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rppp_l2tp::{Role, TunnelConfig};

use super::config::{Config, L2tpSecrets, Lac, Lns};

/// The L2TP port (RFC 2661 section 8.1).
pub const L2TP_PORT: u16 = 1701;

/// The section of the configuration a tunnel (and its sessions) belongs
/// to: an index into [`Config`]'s lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// `[lns default]`.
    LnsDefault,
    /// `[lns NAME]`: `Config::lns[i]`.
    Lns(usize),
    /// `[lac NAME]`: `Config::lac[i]`.
    Lac(usize),
    /// A section a reload took away: its tunnels run on, new calls on
    /// them are refused.
    Removed,
}

/// The files the configuration came from, for a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSources {
    /// xl2tpd.conf (`-c`).
    pub config: String,
    /// l2tp-secrets when given (`-s`); else the configuration's `auth
    /// file`.
    pub secrets: Option<String>,
}

/// Why an SCCRQ is not answered with a tunnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `[lns]` section admits the peer (`lac` / `no lac`, `access
    /// control`), or it is not an IPv4 peer.
    NoSection,
    /// The section wants tunnel authentication (`challenge`) and
    /// l2tp-secrets has no line between our name and the peer's.
    NoSecret {
        /// Our Host Name.
        us: String,
        /// The peer's.
        them: String,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoSection => f.write_str("no [lns] section admits the peer"),
            Refusal::NoSecret { us, them } => write!(
                f,
                "challenge is on and the auth file has no secret for us '{}' and them '{}'",
                us.escape_debug(),
                them.escape_debug()
            ),
        }
    }
}

/// The daemon's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The UDP addresses to listen on (`[global]`'s `listen-addr` and
    /// `port`, or the command line's). LAC tunnels go out of the first.
    pub listen: Vec<SocketAddr>,
    /// xl2tpd.conf.
    pub config: Config,
    /// l2tp-secrets.
    pub secrets: L2tpSecrets,
    /// Our Host Name where a section gives no `hostname`.
    pub system_hostname: String,
    /// HELLO after this long without a message; `None` never.
    pub hello: Option<Duration>,
    /// Calls placed in each LAC tunnel (xl2tpd: 1).
    pub calls: u32,
    /// The control pipe (`-C`), `None` for none.
    pub control_pipe: Option<String>,
    /// Where the configuration came from (`None`: the command line's
    /// flags, nothing to reload).
    pub sources: Option<ConfigSources>,
    /// Prometheus metrics at this address (`--metrics`), `None` for none.
    pub metrics: Option<SocketAddr>,
    /// Per-session counters in the metrics (`--metrics-per-session`).
    pub metrics_per_session: bool,
    /// Admission limits for new calls and tunnels.
    pub limits: crate::limits::LimitSettings,
    /// rppp's control socket (`rppp ctl`), `None` for none.
    pub ctl_socket: Option<std::path::PathBuf>,
    /// How long a shutdown waits for PPP to terminate and for the StopCCN
    /// acknowledgements, each.
    pub shutdown_grace: Duration,
    /// The Dynamic Authorization listener (`--dae-listen`,
    /// `--dae-clients`), `None` for none.
    #[cfg(feature = "radius")]
    pub dae: Option<crate::radius_client::dae::DaeSettings>,
}

impl Settings {
    /// Settings for `config`: listening on its `listen-addr` and `port`,
    /// HELLO every 60 s, one call per LAC tunnel, no control pipe.
    pub fn new(config: Config, secrets: L2tpSecrets, system_hostname: &str) -> Settings {
        let g = &config.global;
        let listen = vec![SocketAddr::from((g.listen_addr, g.port))];
        Settings {
            listen,
            config,
            secrets,
            system_hostname: system_hostname.to_string(),
            hello: Some(Duration::from_secs(60)),
            calls: 1,
            control_pipe: None,
            ctl_socket: None,
            sources: None,
            metrics: None,
            metrics_per_session: false,
            limits: Default::default(),
            shutdown_grace: Duration::from_secs(10),
            #[cfg(feature = "radius")]
            dae: None,
        }
    }

    /// The `[lns]` section `s` names.
    pub fn lns(&self, s: Section) -> Option<&Lns> {
        match s {
            Section::LnsDefault => self.config.lns_default.as_ref(),
            Section::Lns(i) => self.config.lns.get(i),
            Section::Lac(_) | Section::Removed => None,
        }
    }

    /// The `[lac]` section `s` names.
    pub fn lac(&self, s: Section) -> Option<&Lac> {
        match s {
            Section::Lac(i) => self.config.lac.get(i),
            _ => None,
        }
    }

    /// Whether a section of `config` asks for tunnel secrets (`challenge`
    /// or `hidden bit`): then the auth file must be readable.
    pub fn needs_secrets(config: &Config) -> bool {
        config
            .lns_default
            .iter()
            .chain(&config.lns)
            .map(|l| &l.common)
            .chain(config.lac.iter().map(|l| &l.common))
            .any(|c| c.challenge || c.hidden_bit)
    }

    /// Reads the configuration and secrets `sources` name: an error names
    /// the file and line. A missing auth file is fine when no section
    /// needs it.
    pub fn load(
        sources: &ConfigSources,
        read: &mut dyn FnMut(&str) -> std::io::Result<Vec<u8>>,
    ) -> Result<(Config, L2tpSecrets), super::config::ConfigError> {
        let config = super::config::load(&sources.config, read)?;
        let path = sources
            .secrets
            .clone()
            .unwrap_or_else(|| config.global.auth_file.clone());
        let secrets = match L2tpSecrets::load(&path, read) {
            Ok(s) => s,
            Err(e)
                if !Settings::needs_secrets(&config)
                    && matches!(e.kind, super::config::ErrorKind::Unreadable { .. }) =>
            {
                L2tpSecrets::default()
            }
            Err(e) => return Err(e),
        };
        Ok((config, secrets))
    }

    /// Where `s`, a section of `old`, is in this configuration: found by
    /// its name, or [`Section::Removed`].
    pub fn remap(&self, old: &Config, s: Section) -> Section {
        let c = &self.config;
        match s {
            Section::LnsDefault if c.lns_default.is_some() => Section::LnsDefault,
            Section::Lns(i) => old
                .lns
                .get(i)
                .and_then(|l| {
                    c.lns
                        .iter()
                        .position(|n| n.common.section.eq_ignore_ascii_case(&l.common.section))
                })
                .map_or(Section::Removed, Section::Lns),
            Section::Lac(i) => old
                .lac
                .get(i)
                .and_then(|l| {
                    c.lac
                        .iter()
                        .position(|n| n.common.section.eq_ignore_ascii_case(&l.common.section))
                })
                .map_or(Section::Removed, Section::Lac),
            _ => Section::Removed,
        }
    }

    /// The `[lac NAME]` section named `name` (any case).
    pub fn lac_named(&self, name: &str) -> Option<Section> {
        self.config
            .lac
            .iter()
            .position(|l| l.common.section.eq_ignore_ascii_case(name))
            .map(Section::Lac)
    }

    /// The section for an SCCRQ from `remote` ([`Config::lns_for`]).
    pub fn lns_section_for(&self, remote: SocketAddr) -> Option<Section> {
        let IpAddr::V4(ip) = remote.ip() else {
            return None;
        };
        let lns = self.config.lns_for(ip)?;
        if let Some(d) = &self.config.lns_default {
            if std::ptr::eq(d, lns) {
                return Some(Section::LnsDefault);
            }
        }
        self.config
            .lns
            .iter()
            .position(|l| std::ptr::eq(l, lns))
            .map(Section::Lns)
    }

    /// LNS: the section and the control connection's configuration for
    /// an SCCRQ from `remote` whose Host Name AVP is `host_name`.
    pub fn accept(
        &self,
        remote: SocketAddr,
        host_name: &[u8],
    ) -> Result<(Section, Arc<TunnelConfig>), Refusal> {
        let section = self.lns_section_for(remote).ok_or(Refusal::NoSection)?;
        let lns = self.lns(section).ok_or(Refusal::NoSection)?;
        let us = self.host_name(&lns.common);
        let secret = self.secrets.secret_for(us.as_bytes(), host_name);
        if lns.common.challenge && secret.is_none() {
            return Err(Refusal::NoSecret {
                us: us.to_string(),
                them: String::from_utf8_lossy(host_name).into_owned(),
            });
        }
        let mut c = lns.common.tunnel_config(
            Role::Lns,
            &self.config.global,
            &self.system_hostname,
            secret,
        );
        c.hello_interval = self.hello;
        Ok((section, Arc::new(c)))
    }

    /// LAC: the control connection's configuration for a dial of `[lac]`
    /// section `s`. The LNS's Host Name is not known before its SCCRP, so
    /// the secret is the first l2tp-secrets line between our name and
    /// the `lns` host as written, or else the first for our name (xl2tpd
    /// looks the secret up only when the challenge arrives).
    pub fn lac_tunnel(&self, s: Section) -> Option<Arc<TunnelConfig>> {
        let lac = self.lac(s)?;
        let us = self.host_name(&lac.common);
        let them = lac.lns.first().map(|h| h.host.as_str()).unwrap_or("");
        let secret = self
            .secrets
            .secret_for(us.as_bytes(), them.as_bytes())
            .or_else(|| {
                self.secrets
                    .lines()
                    .iter()
                    .find(|l| &l.us[..] == b"*" || l.us.eq_ignore_ascii_case(us.as_bytes()))
                    .map(|l| l.secret.expose())
            });
        let mut c = lac.common.tunnel_config(
            Role::Lac,
            &self.config.global,
            &self.system_hostname,
            secret,
        );
        c.hello_interval = self.hello;
        Some(Arc::new(c))
    }

    /// Our Host Name in a section.
    fn host_name<'a>(&'a self, common: &'a super::config::Common) -> &'a str {
        common
            .hostname
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or(&self.system_hostname)
    }
}

/// A LAC section's `lns` resolved: the first host that resolves to an
/// IPv4 address.
pub fn resolve_lns(lac: &Lac) -> std::io::Result<SocketAddr> {
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "the section has no lns");
    for h in &lac.lns {
        if let Ok(ip) = h.host.parse::<Ipv4Addr>() {
            return Ok(SocketAddr::from((ip, h.port)));
        }
        match (h.host.as_str(), h.port).to_socket_addrs() {
            Ok(mut addrs) => {
                if let Some(a) = addrs.find(SocketAddr::is_ipv4) {
                    return Ok(a);
                }
                last = std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("{}: no IPv4 address", h.host),
                );
            }
            Err(e) => last = std::io::Error::new(e.kind(), format!("{}: {e}", h.host)),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::config;

    fn settings(conf: &str, secrets: &str) -> Settings {
        let c = config::parse("x.conf", conf.as_bytes()).unwrap();
        let s = L2tpSecrets::parse("secrets", secrets.as_bytes()).unwrap();
        Settings::new(c, s, "host")
    }

    #[test]
    fn an_sccrq_gets_its_section_and_the_secret_between_the_names() {
        let s = settings(
            "[global]\nlisten-addr = 192.0.2.1\nport = 1702\n\
             [lns default]\nchallenge = yes\nhidden bit = yes\n\
             [lns branch]\nlac = 198.51.100.0-255\nhostname = hq\n",
            "hq branch1 b-secret\nhost * d-secret\n",
        );
        assert_eq!(s.listen, vec!["192.0.2.1:1702".parse().unwrap()]);
        let (sec, c) = s
            .accept("203.0.113.9:1701".parse().unwrap(), b"whoever")
            .unwrap();
        assert_eq!(sec, Section::LnsDefault);
        assert_eq!(c.secret.as_deref(), Some(&b"d-secret"[..]));
        assert!(c.hide_avps);
        let (sec, c) = s
            .accept("198.51.100.4:1701".parse().unwrap(), b"branch1")
            .unwrap();
        assert_eq!(sec, Section::Lns(0));
        assert_eq!(c.host_name, b"hq");
        // No challenge in that section: the secret is not used.
        assert_eq!(c.secret, None);
    }

    #[test]
    fn challenge_without_a_secret_and_access_control_refuse() {
        let s = settings(
            "[global]\naccess control = yes\n[lns default]\nchallenge = yes\nlac = 192.0.2.0-255\n",
            "other * x\n",
        );
        assert_eq!(
            s.accept("198.51.100.1:1701".parse().unwrap(), b"p"),
            Err(Refusal::NoSection)
        );
        let r = s.accept("192.0.2.3:1701".parse().unwrap(), b"p");
        assert!(matches!(r, Err(Refusal::NoSecret { .. })), "{r:?}");
        assert!(!r.unwrap_err().to_string().contains('x'));
    }

    #[test]
    fn a_lac_finds_its_secret_by_the_lns_host_then_by_our_name() {
        let s = settings(
            "[lac a]\nlns = 192.0.2.1\nchallenge = yes\n[lac b]\nlns = 192.0.2.2:1702\nchallenge = yes\n",
            "host 192.0.2.1 one\nhost * two\n",
        );
        let a = s.lac_named("A").unwrap();
        assert_eq!(
            s.lac_tunnel(a).unwrap().secret.as_deref(),
            Some(&b"one"[..])
        );
        let b = s.lac_named("b").unwrap();
        assert_eq!(
            s.lac_tunnel(b).unwrap().secret.as_deref(),
            Some(&b"two"[..])
        );
        assert_eq!(
            resolve_lns(s.lac(b).unwrap()).unwrap(),
            "192.0.2.2:1702".parse().unwrap()
        );
        assert!(s.lac_named("c").is_none());
    }
}
