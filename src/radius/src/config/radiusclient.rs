//! `radiusclient.conf` as pppd's radius plugin reads it: `key value`
//! lines, `#` comments.
//!
//! The keys are those of the radiusclient library bundled with pppd
//! (pppd/plugins/radius), plus radiusclient-ng's `radius_deadtime`. What
//! an engine inside rppp cannot honour is accepted with a typed warning,
//! not an error, so that existing files keep working; a key nobody knows
//! is an error naming file and line, as radiusclient treats it.

use crate::config::servers::split_host_port;
use crate::config::{lines, parse_number, ConfigError, ConfigErrorKind};
use crate::secret::SharedSecret;

/// One `authserver` or `acctserver` entry: `host[:port][:secret]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    /// The host as written.
    pub host: String,
    /// The port, when given (else 1812 or 1813 by RFC 2865/2866; older
    /// radiusclient builds defaulted to 1645/1646).
    pub port: Option<u16>,
    /// radiusclient-ng's inline secret; otherwise the servers file has it.
    pub secret: Option<SharedSecret>,
}

/// Why a key is accepted but not acted upon.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// For radiusclient's login program (auth_order, login_tries,
    /// login_timeout, nologin, issue, login_radius, login_local,
    /// mapfile): meaningless for PPP.
    LoginOnly(String),
    /// `seqfile`: Identifiers are allocated in memory per server, without
    /// reuse while in flight, so no sequence file is kept.
    SeqfileUnused,
}

/// A key that was accepted but is not honoured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfWarning {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Why.
    pub kind: WarningKind,
}

/// The parsed `radiusclient.conf`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RadiusClientConf {
    /// `authserver` entries, in order (several lines accumulate).
    pub auth_servers: Vec<ServerSpec>,
    /// `acctserver` entries, in order.
    pub acct_servers: Vec<ServerSpec>,
    /// `servers`: the path of the secrets file.
    pub servers_file: Option<String>,
    /// `dictionary`: the path of the dictionary.
    pub dictionary: Option<String>,
    /// `radius_timeout`, seconds.
    pub timeout: Option<u32>,
    /// `radius_retries`.
    pub retries: Option<u32>,
    /// `radius_deadtime`, seconds.
    pub deadtime: Option<u32>,
    /// `nas_identifier`.
    pub nas_identifier: Option<String>,
    /// `bindaddr`: the local address to send from (`*` for any).
    pub bindaddr: Option<String>,
    /// `default_realm`: appended as `@realm` to user names without one.
    pub default_realm: Option<String>,
    /// Keys accepted but not honoured.
    pub warnings: Vec<ConfWarning>,
}

const LOGIN_ONLY: &[&str] = &[
    "auth_order",
    "login_tries",
    "login_timeout",
    "nologin",
    "issue",
    "login_radius",
    "login_local",
    "mapfile",
];

fn parse_servers(file: &str, line: usize, value: &str) -> Result<Vec<ServerSpec>, ConfigError> {
    let bad = |s: &str| ConfigError::new(file, line, ConfigErrorKind::BadServer(s.to_owned()));
    let mut out = Vec::new();
    for entry in value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        // host[:port][:secret]; IPv6 literals in brackets.
        let (server, secret) = if entry.starts_with('[') {
            match entry.find(']') {
                Some(end) => match entry[end + 1..].strip_prefix(':') {
                    Some(rest) => match rest.split_once(':') {
                        Some((port, secret)) => {
                            (format!("{}:{port}", &entry[..=end]), Some(secret))
                        }
                        None => (entry.to_owned(), None),
                    },
                    None => (entry.to_owned(), None),
                },
                None => return Err(bad(entry)),
            }
        } else if entry.matches(':').count() > 2 {
            // A bare IPv6 address.
            (entry.to_owned(), None)
        } else {
            match entry.splitn(3, ':').collect::<Vec<_>>().as_slice() {
                [host, port, secret] => (format!("{host}:{port}"), Some(*secret)),
                _ => (entry.to_owned(), None),
            }
        };
        let (host, port) = split_host_port(&server)
            .filter(|(h, _)| !h.is_empty())
            .ok_or_else(|| bad(entry))?;
        if secret == Some("") {
            return Err(bad(entry));
        }
        out.push(ServerSpec {
            host,
            port,
            secret: secret.map(SharedSecret::new),
        });
    }
    if out.is_empty() {
        return Err(bad(value));
    }
    Ok(out)
}

impl RadiusClientConf {
    /// Parses the file's text; `file` names it in errors and warnings.
    pub fn parse(file: &str, text: &str) -> Result<Self, ConfigError> {
        let mut conf = RadiusClientConf::default();
        for (n, line) in lines(text) {
            let (key, value) = match line.split_once(char::is_whitespace) {
                Some((k, v)) => (k, v.trim()),
                None => (line, ""),
            };
            let err = |kind| ConfigError::new(file, n, kind);
            let number = || {
                parse_number(value).ok_or_else(|| err(ConfigErrorKind::BadNumber(value.to_owned())))
            };
            let known = matches!(
                key,
                "authserver"
                    | "acctserver"
                    | "servers"
                    | "dictionary"
                    | "radius_timeout"
                    | "radius_retries"
                    | "radius_deadtime"
                    | "nas_identifier"
                    | "bindaddr"
                    | "default_realm"
                    | "seqfile"
            ) || LOGIN_ONLY.contains(&key);
            if !known {
                return Err(err(ConfigErrorKind::UnknownKey(key.to_owned())));
            }
            // nas_identifier may be empty (radiusclient's default is "").
            if value.is_empty() && key != "nas_identifier" {
                return Err(err(ConfigErrorKind::MissingValue(key.to_owned())));
            }
            match key {
                "authserver" => conf.auth_servers.extend(parse_servers(file, n, value)?),
                "acctserver" => conf.acct_servers.extend(parse_servers(file, n, value)?),
                "servers" => conf.servers_file = Some(value.to_owned()),
                "dictionary" => conf.dictionary = Some(value.to_owned()),
                "radius_timeout" => conf.timeout = Some(number()?),
                "radius_retries" => conf.retries = Some(number()?),
                "radius_deadtime" => conf.deadtime = Some(number()?),
                "nas_identifier" => conf.nas_identifier = Some(value.to_owned()),
                "bindaddr" => conf.bindaddr = Some(value.to_owned()),
                "default_realm" => conf.default_realm = Some(value.to_owned()),
                "seqfile" => conf.warnings.push(ConfWarning {
                    file: file.to_owned(),
                    line: n,
                    kind: WarningKind::SeqfileUnused,
                }),
                _ => conf.warnings.push(ConfWarning {
                    file: file.to_owned(),
                    line: n,
                    kind: WarningKind::LoginOnly(key.to_owned()),
                }),
            }
        }
        Ok(conf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PPPD_EXAMPLE: &str = "\
# General settings
auth_order\tradius
login_tries\t4
login_timeout\t60
nologin /etc/nologin
issue\t/etc/radiusclient/issue

# RADIUS settings
authserver \tradius1.example.net:1645, 192.0.2.7
authserver [2001:db8::1]:1812:inline
acctserver \tlocalhost:1813:acctsecret
servers\t\t/etc/radiusclient/servers
dictionary \t/etc/radiusclient/dictionary
login_radius\t/usr/sbin/login.radius
seqfile\t\t/var/run/radius.seq
mapfile\t\t/etc/radiusclient/port-id-map
default_realm
radius_timeout\t10
radius_retries\t3
radius_deadtime\t0x1e
nas_identifier
bindaddr *
login_local\t/bin/login
";

    #[test]
    fn pppd_example_file() {
        let text = PPPD_EXAMPLE.replace("default_realm\n", "default_realm example.net\n");
        let c = RadiusClientConf::parse("radiusclient.conf", &text).unwrap();
        let hosts: Vec<_> = c
            .auth_servers
            .iter()
            .map(|s| {
                (
                    s.host.as_str(),
                    s.port,
                    s.secret.as_ref().map(|s| s.expose().to_vec()),
                )
            })
            .collect();
        assert_eq!(
            hosts,
            vec![
                ("radius1.example.net", Some(1645), None),
                ("192.0.2.7", None, None),
                ("2001:db8::1", Some(1812), Some(b"inline".to_vec())),
            ]
        );
        assert_eq!(
            c.acct_servers[0].secret.as_ref().unwrap().expose(),
            b"acctsecret"
        );
        assert_eq!(c.servers_file.as_deref(), Some("/etc/radiusclient/servers"));
        assert_eq!(
            (c.timeout, c.retries, c.deadtime),
            (Some(10), Some(3), Some(30))
        );
        assert_eq!(c.nas_identifier.as_deref(), Some(""));
        assert_eq!(c.bindaddr.as_deref(), Some("*"));
        assert_eq!(c.default_realm.as_deref(), Some("example.net"));
        assert_eq!(c.warnings.len(), 9);
        assert!(c
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::SeqfileUnused && w.line == 15));
        assert!(!format!("{c:?}").contains("acctsecret"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = RadiusClientConf::parse("rc.conf", "# x\nradius_timeout 10\nradius_timout 5\n")
            .unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.kind, ConfigErrorKind::UnknownKey("radius_timout".into()));
        assert_eq!(e.to_string(), "rc.conf:3: unknown option \"radius_timout\"");
        let e = RadiusClientConf::parse("rc.conf", "radius_retries many\n").unwrap_err();
        assert_eq!(e.kind, ConfigErrorKind::BadNumber("many".into()));
        let e = RadiusClientConf::parse("rc.conf", "authserver\n").unwrap_err();
        assert_eq!(e.kind, ConfigErrorKind::MissingValue("authserver".into()));
        let e = RadiusClientConf::parse("rc.conf", "authserver host:port\n").unwrap_err();
        assert_eq!(e.kind, ConfigErrorKind::BadServer("host:port".into()));
        let e = RadiusClientConf::parse("rc.conf", "default_realm\n").unwrap_err();
        assert_eq!(
            e.kind,
            ConfigErrorKind::MissingValue("default_realm".into())
        );
    }
}
