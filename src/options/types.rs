//! What the command line and the options files say: [`Options`].

use std::time::Duration;

use rppp_auth::{AuthPolicy, Secret};
use rppp_ipcp::{IpcpConfig, Ipv6cpConfig};
use rppp_lcp::LcpConfig;

use super::error::Warning;
use super::radius::RadiusOptions;

/// The options of pppd's pppol2tp plugin (`plugins/pppol2tp/pppol2tp.c`),
/// exactly as given: nothing here has a value the daemon did not pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pppol2tpOptions {
    /// `pppol2tp <fd>`: the connected PPPoL2TP socket the L2TP daemon
    /// passed. `None` means the command line is not an L2TP session.
    pub fd: Option<i32>,
    /// `pppol2tp_lns_mode`: we are the LNS (`PPPOL2TP_SO_LNSMODE`); also
    /// turns on the `send_accm` event.
    pub lns_mode: bool,
    /// `pppol2tp_send_seq` (`PPPOL2TP_SO_SENDSEQ`).
    pub send_seq: bool,
    /// `pppol2tp_recv_seq` (`PPPOL2TP_SO_RECVSEQ`).
    pub recv_seq: bool,
    /// `pppol2tp_reorderto <ms>` (`PPPOL2TP_SO_REORDERTO`).
    pub reorder_timeout_ms: Option<u32>,
    /// `pppol2tp_debug_mask <mask>` (`PPPOL2TP_SO_DEBUG`).
    pub debug_mask: Option<u32>,
    /// `pppol2tp_tunnel_id <id>`: our tunnel id, a label for the events.
    pub tunnel_id: Option<u32>,
    /// `pppol2tp_session_id <id>`: our session id, a label for the events.
    pub session_id: Option<u32>,
    /// `pppol2tp_ifname <name>`: the interface's name.
    pub ifname: Option<String>,
}

/// The plugins named by `plugin`; all three are built in. The RADIUS
/// plugins (`radius.so`, `radattr.so`, `radrealms.so`) are
/// [`Options::radius`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plugins {
    /// `plugin pppol2tp.so`.
    pub pppol2tp: bool,
    /// `plugin openl2tp.so`: send `ip_updown` and `send_accm` to
    /// openl2tpd's event socket.
    pub openl2tp: bool,
    /// `plugin passwordfd.so`.
    pub passwordfd: bool,
}

/// Authentication options (pppd(8), "AUTHENTICATION"; `auth.c`,
/// `chap-new.c`, `upap.c`).
#[derive(Debug, Clone)]
pub struct AuthOptions {
    /// `auth`, `noauth`, `require-*`, `refuse-*` (and their `+`/`-`
    /// aliases), in order. After parsing, pppd's default rule has been
    /// applied: see [`default_auth`](Self::default_auth).
    pub policy: AuthPolicy,
    /// `auth`, `noauth` or a `require-*` was given.
    pub explicit: bool,
    /// Authentication is required only because no `auth`/`noauth` was
    /// given by a user who is not root (pppd requires it then when the
    /// host has a default route; rppp always does).
    pub default_auth: bool,
    /// `name`: our name (default: the host name).
    pub name: Option<Vec<u8>>,
    /// `usehostname`: our name is the host name, whatever `name` says.
    pub usehostname: bool,
    /// `domain`: appended to the host name.
    pub domain: Option<Vec<u8>>,
    /// `user`: the name we authenticate with (default: our name).
    pub user: Option<Vec<u8>>,
    /// `password`: our password. Its value never shows in `Debug`. The
    /// driver also puts here the password it reads from `passwordfd`.
    pub password: Option<Secret>,
    /// `passwordfd <fd>`: our password arrives on this descriptor.
    pub passwordfd: Option<i32>,
    /// `remotename`: the peer's name for secrets lookups.
    pub remote_name: Option<Vec<u8>>,
    /// `chap-secrets <path>` (default `/etc/ppp/chap-secrets`).
    pub chap_secrets: String,
    /// `pap-secrets <path>` (default `/etc/ppp/pap-secrets`).
    pub pap_secrets: String,
    /// `chap-restart` (3 s).
    pub chap_restart: Duration,
    /// `chap-max-challenge` (10).
    pub chap_max_challenge: u32,
    /// `chap-interval` (off).
    pub chap_interval: Option<Duration>,
    /// `pap-restart` (3 s).
    pub pap_restart: Duration,
    /// `pap-max-authreq` (10).
    pub pap_max_authreq: u32,
    /// `pap-timeout` (30 s; 0 is none).
    pub pap_timeout: Option<Duration>,
    /// `ms-ignore-domain`: strip `DOMAIN\` from MS-CHAP user names.
    pub ms_ignore_domain: bool,
}

impl Default for AuthOptions {
    fn default() -> Self {
        AuthOptions {
            policy: AuthPolicy::default(),
            explicit: false,
            default_auth: false,
            name: None,
            usehostname: false,
            domain: None,
            user: None,
            password: None,
            passwordfd: None,
            remote_name: None,
            chap_secrets: "/etc/ppp/chap-secrets".into(),
            pap_secrets: "/etc/ppp/pap-secrets".into(),
            chap_restart: Duration::from_secs(3),
            chap_max_challenge: 10,
            chap_interval: None,
            pap_restart: Duration::from_secs(3),
            pap_max_authreq: 10,
            pap_timeout: Some(Duration::from_secs(30)),
            ms_ignore_domain: false,
        }
    }
}

/// Script paths (`ip-up-script` and friends); `None` is pppd's default
/// under `/etc/ppp`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scripts {
    /// `ip-pre-up-script`.
    pub ip_pre_up: Option<String>,
    /// `ip-up-script`.
    pub ip_up: Option<String>,
    /// `ip-down-script`.
    pub ip_down: Option<String>,
    /// `ipv6-up-script`.
    pub ipv6_up: Option<String>,
    /// `ipv6-down-script`.
    pub ipv6_down: Option<String>,
}

/// A request to print something and exit, from `--version`, `--help` or
/// `-h`: parsing stops there, as pppd exits there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoRequest {
    /// `--version`.
    Version,
    /// `--help` or `-h`.
    Help,
}

/// Everything the command line and the options files say, with pppd's
/// defaults for what they do not.
///
/// The protocol configurations ([`lcp`](Self::lcp), [`ipcp`](Self::ipcp),
/// [`ipv6cp`](Self::ipv6cp)) are filled in directly, except what depends
/// on the secrets files (which authentication methods LCP offers): that
/// is [`Options::session_config`]'s job.
#[derive(Debug, Clone)]
pub struct Options {
    /// The pppol2tp plugin's options.
    pub pppol2tp: Pppol2tpOptions,
    /// Which built-in plugins were named.
    pub plugins: Plugins,
    /// `plugin radius.so` and its options (`radius-config-file`,
    /// `avpair`, ...), with `radattr.so` and `radrealms.so`; `None`
    /// without `radius.so`.
    pub radius: Option<RadiusOptions>,
    /// LCP: `mru`, `mtu`, `asyncmap`, `default-asyncmap`, `nomagic`,
    /// `noaccomp`, `nopcomp`, `passive`, `silent`, `lcp-*`. Its `require`
    /// and `allow` are left at their defaults here.
    pub lcp: LcpConfig,
    /// Authentication.
    pub auth: AuthOptions,
    /// IPCP: `local:remote`, `ipcp-accept-*`, `noipdefault`, `ms-dns`,
    /// `ms-wins`, `usepeerdns`, `usepeerwins`, `ipcp-*`.
    pub ipcp: IpcpConfig,
    /// IPv6CP runs: on by default, as in pppd since 2.4.9; `noipv6` or
    /// `-ipv6` turn it off, `+ipv6` or `ipv6 <ids>` on again.
    pub ipv6: bool,
    /// IPv6CP: `ipv6 <local>,<remote>`, `ipv6cp-accept-*`, `ipv6cp-*`.
    pub ipv6cp: Ipv6cpConfig,
    /// `ipv6cp-use-ipaddr`: derive the interface identifiers from the IPv4
    /// addresses `local:remote` gives.
    pub ipv6cp_use_ipaddr: bool,
    /// `ifname <name>`.
    pub ifname: Option<String>,
    /// `unit <n>`.
    pub unit: Option<u32>,
    /// `debug` (each one adds 1; `-d` too).
    pub debug: u32,
    /// `kdebug <n>`.
    pub kdebug: u32,
    /// `logfile <path>`: append the log to this file.
    pub logfile: Option<String>,
    /// `logfd <fd>`; `nolog`/`nologfd` make it `Some(-1)`.
    pub logfd: Option<i32>,
    /// `nodetach` (or `-detach`).
    pub nodetach: bool,
    /// `updetach`.
    pub updetach: bool,
    /// `ipparam <string>`: the scripts' sixth argument and `IPPARAM`.
    pub ipparam: Option<String>,
    /// `linkname <name>`: `/var/run/ppp-<name>.pid` and `LINKNAME`.
    pub linkname: Option<String>,
    /// `idle <s>` (0 is off): end the link after this long without data.
    pub idle: Option<Duration>,
    /// `maxconnect <s>` (0 is no limit).
    pub maxconnect: Option<Duration>,
    /// `defaultroute`.
    pub defaultroute: bool,
    /// `defaultroute-metric <n>`.
    pub defaultroute_metric: Option<u32>,
    /// `replacedefaultroute`: replace an existing default route.
    pub replacedefaultroute: bool,
    /// `proxyarp`.
    pub proxyarp: bool,
    /// `persist`: accepted with a warning; the L2TP daemon re-creates a
    /// session, rppp never redials.
    pub persist: bool,
    /// `maxfail <n>` (10).
    pub maxfail: u32,
    /// `holdoff <s>` (30).
    pub holdoff: Duration,
    /// `show-password` (`hide-password`, the default, clears it): log PAP
    /// passwords in frame dumps.
    pub show_password: bool,
    /// `multilink` or `mp`: accepted with a warning; links are never
    /// bundled.
    pub multilink: bool,
    /// `child-timeout <s>` (5): how long to wait for scripts at exit.
    pub child_timeout: Duration,
    /// `set NAME=VALUE` (`Some`) and `unset NAME` (`None`), in order: the
    /// scripts' environment.
    pub env: Vec<(String, Option<String>)>,
    /// Script paths.
    pub scripts: Scripts,
    /// `dump`: print the options in effect.
    pub dump: bool,
    /// `dryrun`: print them and exit.
    pub dryrun: bool,
    /// `--version`, `--help`, `-h`.
    pub request: Option<InfoRequest>,
    /// Whether the options were read for root (pppd's `privileged`).
    pub privileged: bool,
    /// Options accepted with a warning, once per option name.
    pub warnings: Vec<Warning>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pppol2tp: Pppol2tpOptions::default(),
            plugins: Plugins::default(),
            radius: None,
            lcp: LcpConfig::default(),
            auth: AuthOptions::default(),
            ipcp: IpcpConfig::default(),
            ipv6: true,
            ipv6cp: Ipv6cpConfig::default(),
            ipv6cp_use_ipaddr: false,
            ifname: None,
            unit: None,
            debug: 0,
            kdebug: 0,
            logfile: None,
            logfd: None,
            nodetach: false,
            updetach: false,
            ipparam: None,
            linkname: None,
            idle: None,
            maxconnect: None,
            defaultroute: false,
            defaultroute_metric: None,
            replacedefaultroute: false,
            proxyarp: false,
            persist: false,
            maxfail: 10,
            holdoff: Duration::from_secs(30),
            show_password: false,
            multilink: false,
            child_timeout: Duration::from_secs(5),
            env: Vec::new(),
            scripts: Scripts::default(),
            dump: false,
            dryrun: false,
            request: None,
            privileged: false,
            warnings: Vec::new(),
        }
    }
}

impl Options {
    /// Whether this is an L2TP session: `pppol2tp <fd>` was given. When it
    /// is not, the command line is another PPP link's (PPPoE, a serial
    /// line), which the real pppd must handle.
    pub fn is_l2tp(&self) -> bool {
        self.pppol2tp.fd.is_some()
    }

    /// The interface name to create: `ifname`, or else `pppol2tp_ifname`.
    pub fn interface_name(&self) -> Option<&str> {
        self.ifname.as_deref().or(self.pppol2tp.ifname.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_pppds() {
        let o = Options::default();
        assert!(!o.is_l2tp());
        assert_eq!(o.lcp.mru, 1500);
        assert_eq!(o.lcp.asyncmap, Some(0));
        assert_eq!(o.maxfail, 10);
        assert_eq!(o.auth.chap_secrets, "/etc/ppp/chap-secrets");
        // pppd 2.4.9 and later: IPv6CP on unless noipv6.
        assert!(o.ipv6);
    }
}
