//! pppd's `radrealms.so` realms file (default
//! `/etc/radiusclient/realms`, option `realms-config-file`): other
//! servers for the users of a realm, the part of the user name after its
//! last `@`. Each line is
//!
//! ```text
//! authserver REALM HOST:PORT
//! acctserver REALM HOST:PORT
//! ```
//!
//! with `DEFAULT` as the realm of names without one, and `#` starting a
//! comment line. A realm's `authserver` lines, when it has any, replace
//! radiusclient.conf's authentication servers for its users; its
//! `acctserver` lines, the accounting ones. The secrets stay in the
//! servers file, as radiusclient looks them up.

use crate::client::Service;
use crate::config::radiusclient::{RadiusClientConf, ServerSpec};
use crate::config::servers::split_host_port;
use crate::config::{whole_lines, ConfigError, ConfigErrorKind};

/// The realm `DEFAULT` lines are for: names without an `@REALM`.
pub const DEFAULT_REALM: &str = "DEFAULT";

/// radiusclient's SERVER_MAX: servers kept per realm and service.
pub const MAX_SERVERS: usize = 8;

/// One line of the realms file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealmServer {
    /// `authserver` or `acctserver`.
    pub service: Service,
    /// The realm as written (`DEFAULT` included).
    pub realm: String,
    /// The server (the port is always given).
    pub server: ServerSpec,
    /// Its line, for messages.
    pub line: usize,
}

/// The realms file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Realms {
    /// Its lines in order.
    pub servers: Vec<RealmServer>,
}

impl Realms {
    /// Parses the file's text; `file` names it in errors. A keyword other
    /// than `authserver`/`acctserver`, a missing realm, or a server not
    /// `HOST:PORT` is an error at its line, as in radrealms.
    pub fn parse(file: &str, text: &str) -> Result<Realms, ConfigError> {
        let mut servers = Vec::new();
        for (n, line) in whole_lines(text) {
            let err = |kind| ConfigError::new(file, n, kind);
            let mut fields = line.split_whitespace();
            let service = match fields.next() {
                Some("authserver") => Service::Authentication,
                Some("acctserver") => Service::Accounting,
                Some(other) => return Err(err(ConfigErrorKind::UnknownKeyword(other.into()))),
                None => continue,
            };
            let keyword = if service == Service::Authentication {
                "authserver"
            } else {
                "acctserver"
            };
            let realm = fields
                .next()
                .ok_or_else(|| err(ConfigErrorKind::MissingFields(keyword)))?;
            let address = fields
                .next()
                .ok_or_else(|| err(ConfigErrorKind::MissingFields(keyword)))?;
            let bad = || err(ConfigErrorKind::BadServer(address.into()));
            let (host, port) = split_host_port(address).ok_or_else(bad)?;
            // radrealms needs the port: there is no default for it.
            let port = port.ok_or_else(bad)?;
            if host.is_empty() {
                return Err(bad());
            }
            servers.push(RealmServer {
                service,
                realm: realm.to_owned(),
                server: ServerSpec {
                    host,
                    port: Some(port),
                    secret: None,
                },
                line: n,
            });
        }
        Ok(Realms { servers })
    }

    /// The realm of `user`: what follows its last `@`, `None` without
    /// one (or when nothing follows it), as radrealms reads it.
    pub fn realm_of(user: &str) -> Option<&str> {
        user.rsplit_once('@')
            .map(|(_, realm)| realm)
            .filter(|r| !r.is_empty())
    }

    /// The realms the file names, each once, in order of first mention
    /// (`DEFAULT` included).
    pub fn realms(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for s in &self.servers {
            if !v.contains(&s.realm.as_str()) {
                v.push(&s.realm);
            }
        }
        v
    }

    /// radiusclient.conf `conf` as it stands for the users of `realm`
    /// (`None`: names without a realm, the `DEFAULT` lines): its server
    /// lists replaced by the realm's, service by service, up to
    /// [`MAX_SERVERS`] each. `None` when the file has no line for it.
    pub fn conf_for(
        &self,
        conf: &RadiusClientConf,
        realm: Option<&str>,
    ) -> Option<RadiusClientConf> {
        let realm = realm.unwrap_or(DEFAULT_REALM);
        let list = |service| -> Vec<ServerSpec> {
            self.servers
                .iter()
                .filter(|s| s.service == service && s.realm == realm)
                .take(MAX_SERVERS)
                .map(|s| s.server.clone())
                .collect()
        };
        let (auth, acct) = (list(Service::Authentication), list(Service::Accounting));
        if auth.is_empty() && acct.is_empty() {
            return None;
        }
        let mut c = conf.clone();
        if !auth.is_empty() {
            c.auth_servers = auth;
        }
        if !acct.is_empty() {
            c.acct_servers = acct;
        }
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# realms\n\
        authserver example.net 192.0.2.10:1812\n\
        authserver example.net [2001:db8::10]:1645\n\
        acctserver example.net 192.0.2.10:1813\n\
        \n\
        acctserver DEFAULT 192.0.2.20:1813\n";

    fn conf() -> RadiusClientConf {
        RadiusClientConf::parse("rc", "authserver 192.0.2.1\nacctserver 192.0.2.1\n").unwrap()
    }

    #[test]
    fn a_realms_servers_replace_the_confs_service_by_service() {
        let r = Realms::parse("realms", FILE).unwrap();
        assert_eq!(r.realms(), ["example.net", "DEFAULT"]);
        assert_eq!(r.servers[1].line, 3);
        let c = r.conf_for(&conf(), Some("example.net")).unwrap();
        let hosts = |v: &[ServerSpec]| {
            v.iter()
                .map(|s| (s.host.clone(), s.port))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            hosts(&c.auth_servers),
            [
                ("192.0.2.10".into(), Some(1812)),
                ("2001:db8::10".into(), Some(1645))
            ]
        );
        assert_eq!(hosts(&c.acct_servers), [("192.0.2.10".into(), Some(1813))]);
        // DEFAULT has accounting only: authentication stays the conf's.
        let d = r.conf_for(&conf(), None).unwrap();
        assert_eq!(hosts(&d.auth_servers), [("192.0.2.1".into(), None)]);
        assert_eq!(hosts(&d.acct_servers), [("192.0.2.20".into(), Some(1813))]);
        assert_eq!(r.conf_for(&conf(), Some("other.org")), None);
    }

    #[test]
    fn the_realm_is_after_the_last_at() {
        assert_eq!(
            Realms::realm_of("alice@corp@example.net"),
            Some("example.net")
        );
        assert_eq!(Realms::realm_of("alice"), None);
        assert_eq!(Realms::realm_of("alice@"), None);
    }

    #[test]
    fn a_bad_line_is_an_error_at_its_line() {
        let e = |text| Realms::parse("realms", text).unwrap_err();
        assert_eq!(
            e("authserver x 192.0.2.1:1812\nproxy x y\n").to_string(),
            "realms:2: unknown keyword \"proxy\""
        );
        assert_eq!(
            e("authserver x\n").kind,
            ConfigErrorKind::MissingFields("authserver")
        );
        // radrealms has no default port.
        assert_eq!(
            e("acctserver x 192.0.2.1\n").kind,
            ConfigErrorKind::BadServer("192.0.2.1".into())
        );
        assert_eq!(e("acctserver x 192.0.2.1:99999\n").line, 1);
    }
}
