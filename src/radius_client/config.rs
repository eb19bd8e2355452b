//! The service's configuration, and reading it from pppd's radius plugin
//! files: `radiusclient.conf` and the `servers` file it names.

use core::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rppp_radius::client::{ClientConfig, ServerConfig, Service};
use rppp_radius::config::resolve::{DEFAULT_RETRIES, DEFAULT_TIMEOUT};
use rppp_radius::config::{
    ConfWarning, ConfigError, RadiusClientConf, ResolveError, ResolvedServer, ServersFile,
};

/// Accounting records kept while no accounting server answers, by
/// default.
pub const DEFAULT_ACCOUNTING_QUEUE: usize = 4096;
/// How often a held record is tried again while no accounting server
/// answers, by default.
pub const DEFAULT_ACCOUNTING_RETRY: Duration = Duration::from_secs(30);

/// What [`RadiusService::spawn`](super::RadiusService::spawn) runs with.
#[derive(Debug, Clone)]
pub struct RadiusConfig {
    /// The servers and the client engine's policy.
    pub client: ClientConfig,
    /// The local address to send from (radiusclient's `bindaddr`); the
    /// wildcard of each family when `None`.
    pub bind_address: Option<IpAddr>,
    /// radiusclient's `nas_identifier`, for the caller's
    /// [`NasContext`](super::NasContext).
    pub nas_identifier: Option<String>,
    /// At most this many accounting records wait for a server; beyond it
    /// the oldest is dropped and counted.
    pub accounting_queue_limit: usize,
    /// While no accounting server answers, one held record is tried this
    /// often; when it is answered the rest follow.
    pub accounting_retry_interval: Duration,
    /// Keys of the file accepted but not honoured, for the caller to log.
    pub warnings: Vec<ConfWarning>,
}

impl RadiusConfig {
    /// A configuration over these servers with the default queue.
    pub fn new(client: ClientConfig) -> Self {
        RadiusConfig {
            client,
            bind_address: None,
            nas_identifier: None,
            accounting_queue_limit: DEFAULT_ACCOUNTING_QUEUE,
            accounting_retry_interval: DEFAULT_ACCOUNTING_RETRY,
            warnings: Vec::new(),
        }
    }

    /// Reads `radiusclient.conf` at `path` and the `servers` file it
    /// names (a relative path is taken from the conf's directory), and
    /// resolves host names (a blocking lookup, as radiusclient does).
    pub fn from_radiusclient_conf(path: &Path) -> Result<RadiusConfig, ConfigLoadError> {
        let text = read(path)?;
        let conf = RadiusClientConf::parse(&path.display().to_string(), &text)
            .map_err(ConfigLoadError::Parse)?;
        let servers = match &conf.servers_file {
            Some(file) => {
                let mut p = PathBuf::from(file);
                if p.is_relative() {
                    if let Some(dir) = path.parent() {
                        p = dir.join(p);
                    }
                }
                let text = read(&p)?;
                Some(
                    ServersFile::parse(&p.display().to_string(), &text)
                        .map_err(ConfigLoadError::Parse)?,
                )
            }
            None => None,
        };
        Self::from_parsed(&conf, servers.as_ref())
    }

    /// The configuration from parsed files.
    pub fn from_parsed(
        conf: &RadiusClientConf,
        servers: Option<&ServersFile>,
    ) -> Result<RadiusConfig, ConfigLoadError> {
        let mut client = ClientConfig::new();
        let timeout = Duration::from_secs(conf.timeout.unwrap_or(DEFAULT_TIMEOUT).into());
        let retries = conf.retries.unwrap_or(DEFAULT_RETRIES);
        let list = |service| -> Result<Vec<ServerConfig>, ConfigLoadError> {
            conf.resolve_servers(service, servers)
                .map_err(ConfigLoadError::Resolve)?
                .into_iter()
                .map(|r| {
                    Ok(ServerConfig {
                        address: lookup(&r)?,
                        secret: r.secret,
                        timeout,
                        retries,
                    })
                })
                .collect()
        };
        client.auth_servers = list(Service::Authentication)?;
        client.acct_servers = list(Service::Accounting)?;
        client.deadtime = Duration::from_secs(conf.deadtime.unwrap_or(0).into());
        let bind_address = match conf.bindaddr.as_deref() {
            None | Some("*") => None,
            Some(a) => Some(
                a.parse()
                    .map_err(|_| ConfigLoadError::BindAddress(a.into()))?,
            ),
        };
        let mut c = RadiusConfig::new(client);
        c.bind_address = bind_address;
        c.nas_identifier = conf.nas_identifier.clone().filter(|s| !s.is_empty());
        c.warnings = conf.warnings.clone();
        Ok(c)
    }
}

fn read(path: &Path) -> Result<String, ConfigLoadError> {
    std::fs::read_to_string(path).map_err(|e| ConfigLoadError::Read {
        path: path.to_owned(),
        error: e.kind(),
    })
}

fn lookup(r: &ResolvedServer) -> Result<SocketAddr, ConfigLoadError> {
    if let Some(a) = r.socket_addr() {
        return Ok(a);
    }
    let err = |error| ConfigLoadError::Lookup {
        host: r.host.clone(),
        error,
    };
    (r.host.as_str(), r.port)
        .to_socket_addrs()
        .map_err(|e| err(e.kind()))?
        .next()
        .ok_or_else(|| err(std::io::ErrorKind::NotFound))
}

/// Why the configuration cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigLoadError {
    /// A file cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::ErrorKind,
    },
    /// A line is wrong (the error names file and line).
    Parse(ConfigError),
    /// A server has no secret.
    Resolve(ResolveError),
    /// A server's host name does not resolve.
    Lookup {
        /// The name.
        host: String,
        /// Why.
        error: std::io::ErrorKind,
    },
    /// `bindaddr` is neither `*` nor an address.
    BindAddress(String),
}

impl fmt::Display for ConfigLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigLoadError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            ConfigLoadError::Parse(e) => e.fmt(f),
            ConfigLoadError::Resolve(e) => e.fmt(f),
            ConfigLoadError::Lookup { host, error } => {
                write!(f, "RADIUS server {host:?} does not resolve: {error}")
            }
            ConfigLoadError::BindAddress(a) => write!(f, "bindaddr {a:?} is not an address"),
        }
    }
}

impl std::error::Error for ConfigLoadError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_conf_and_servers_with_errors_naming_files() {
        let dir = std::env::temp_dir().join(format!("rppp-radius-conf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let conf = dir.join("radiusclient.conf");
        std::fs::write(
            &conf,
            "authserver 127.0.0.1:1812\nacctserver 127.0.0.1:1813\nservers servers\nradius_timeout 2\nradius_retries 1\nnas_identifier lns1\nbindaddr 127.0.0.1\nseqfile /var/run/radius.seq\n",
        )
        .unwrap();
        std::fs::write(dir.join("servers"), "127.0.0.1 s3cret\n").unwrap();
        let c = RadiusConfig::from_radiusclient_conf(&conf).unwrap();
        assert_eq!(c.client.auth_servers[0].secret.expose(), b"s3cret");
        assert_eq!(c.client.acct_servers[0].address.port(), 1813);
        assert_eq!(c.client.auth_servers[0].timeout, Duration::from_secs(2));
        assert_eq!(c.client.auth_servers[0].retries, 1);
        assert_eq!(c.nas_identifier.as_deref(), Some("lns1"));
        assert_eq!(c.bind_address, Some(IpAddr::from([127, 0, 0, 1])));
        assert_eq!(c.warnings.len(), 1);
        assert!(!format!("{c:?}").contains("s3cret"));
        std::fs::write(dir.join("servers"), "127.0.0.1\n").unwrap();
        let e = RadiusConfig::from_radiusclient_conf(&conf).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("servers:1: server without a secret"),
            "{e}"
        );
        std::fs::remove_file(dir.join("servers")).unwrap();
        let e = RadiusConfig::from_radiusclient_conf(&conf).unwrap_err();
        assert!(matches!(e, ConfigLoadError::Read { .. }), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
