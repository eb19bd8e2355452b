//! From pppd's files to the client engine's configuration: each
//! `authserver`/`acctserver` entry gets its port (RFC 2865/2866 defaults)
//! and its secret (inline, else from the servers file), and the
//! radiusclient timeouts their defaults. Host names stay names: resolving
//! them is I/O and the caller's.

use core::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::client::{ClientConfig, ServerConfig, Service};
use crate::config::radiusclient::{RadiusClientConf, ServerSpec};
use crate::config::servers::ServersFile;
use crate::secret::SharedSecret;

/// radiusclient's `radius_timeout` default, seconds.
pub const DEFAULT_TIMEOUT: u32 = 10;
/// radiusclient's `radius_retries` default.
pub const DEFAULT_RETRIES: u32 = 3;
/// The authentication port (RFC 2865 section 3).
pub const AUTH_PORT: u16 = 1812;
/// The accounting port (RFC 2866 section 3).
pub const ACCT_PORT: u16 = 1813;

/// A server entry with its port and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedServer {
    /// The host as written.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The secret.
    pub secret: SharedSecret,
}

impl ResolvedServer {
    /// The address when the host is an IP literal.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        let ip: IpAddr = self.host.parse().ok()?;
        Some(SocketAddr::new(ip, self.port))
    }
}

/// Why the servers cannot be completed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// Neither the entry nor the servers file has a secret for it.
    NoSecret {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// A host name, not an address: the caller must resolve it.
    NotAnAddress(String),
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::NoSecret { host, port } => {
                write!(
                    f,
                    "no secret for RADIUS server {host}:{port} in the servers file"
                )
            }
            ResolveError::NotAnAddress(h) => write!(f, "{h:?} is a host name, not an address"),
        }
    }
}

impl std::error::Error for ResolveError {}

fn resolve(
    specs: &[ServerSpec],
    default_port: u16,
    servers: Option<&ServersFile>,
) -> Result<Vec<ResolvedServer>, ResolveError> {
    specs
        .iter()
        .map(|s| {
            let port = s.port.unwrap_or(default_port);
            let secret = s
                .secret
                .clone()
                .or_else(|| servers?.secret_for(&s.host, port).cloned())
                .ok_or_else(|| ResolveError::NoSecret {
                    host: s.host.clone(),
                    port,
                })?;
            Ok(ResolvedServer {
                host: s.host.clone(),
                port,
                secret,
            })
        })
        .collect()
}

impl RadiusClientConf {
    /// The servers of one service with ports and secrets.
    pub fn resolve_servers(
        &self,
        service: Service,
        servers: Option<&ServersFile>,
    ) -> Result<Vec<ResolvedServer>, ResolveError> {
        match service {
            Service::Authentication => resolve(&self.auth_servers, AUTH_PORT, servers),
            Service::Accounting => resolve(&self.acct_servers, ACCT_PORT, servers),
        }
    }

    /// The engine's configuration when every host is an IP literal, with
    /// radiusclient's defaults for what the file leaves out.
    pub fn client_config(
        &self,
        servers: Option<&ServersFile>,
    ) -> Result<ClientConfig, ResolveError> {
        let timeout = Duration::from_secs(self.timeout.unwrap_or(DEFAULT_TIMEOUT).into());
        let retries = self.retries.unwrap_or(DEFAULT_RETRIES);
        let engine = |list: Vec<ResolvedServer>| -> Result<Vec<ServerConfig>, ResolveError> {
            list.into_iter()
                .map(|r| {
                    let address = r
                        .socket_addr()
                        .ok_or_else(|| ResolveError::NotAnAddress(r.host.clone()))?;
                    Ok(ServerConfig {
                        address,
                        secret: r.secret,
                        timeout,
                        retries,
                    })
                })
                .collect()
        };
        let mut config = ClientConfig::new();
        config.auth_servers = engine(self.resolve_servers(Service::Authentication, servers)?)?;
        config.acct_servers = engine(self.resolve_servers(Service::Accounting, servers)?)?;
        config.deadtime = Duration::from_secs(self.deadtime.unwrap_or(0).into());
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_secrets_and_defaults() {
        let conf = RadiusClientConf::parse(
            "rc",
            "authserver 192.0.2.1, 192.0.2.2:1645\nacctserver [2001:db8::1]:1813:inline\nradius_retries 5\nradius_deadtime 30\n",
        )
        .unwrap();
        let servers = ServersFile::parse("servers", "192.0.2.1 one\n192.0.2.2:1645 two\n").unwrap();
        let auth = conf
            .resolve_servers(Service::Authentication, Some(&servers))
            .unwrap();
        assert_eq!((auth[0].port, auth[0].secret.expose()), (1812, &b"one"[..]));
        assert_eq!((auth[1].port, auth[1].secret.expose()), (1645, &b"two"[..]));
        let c = conf.client_config(Some(&servers)).unwrap();
        assert_eq!(c.auth_servers[1].address, "192.0.2.2:1645".parse().unwrap());
        assert_eq!(c.auth_servers[0].timeout, Duration::from_secs(10));
        assert_eq!(c.auth_servers[0].retries, 5);
        assert_eq!(
            c.acct_servers[0].address,
            "[2001:db8::1]:1813".parse().unwrap()
        );
        assert_eq!(c.acct_servers[0].secret.expose(), b"inline");
        assert_eq!(c.deadtime, Duration::from_secs(30));
        assert!(c.require_message_authenticator);
        // No secret anywhere.
        assert_eq!(
            conf.resolve_servers(Service::Authentication, None),
            Err(ResolveError::NoSecret {
                host: "192.0.2.1".into(),
                port: 1812
            })
        );
        // A host name needs the caller's resolver.
        let conf = RadiusClientConf::parse("rc", "authserver radius.example.net:1812:s\n").unwrap();
        assert_eq!(
            conf.client_config(None).unwrap_err(),
            ResolveError::NotAnAddress("radius.example.net".into())
        );
    }
}
