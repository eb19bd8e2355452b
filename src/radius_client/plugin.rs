//! pppd's `plugin radius.so` for rppp's sessions, from their parsed
//! options: the plugin's files read and checked when a session is
//! prepared ([`load`]), one client per `radiusclient.conf` in a process
//! ([`Clients`]), and each session's [`RadiusHooks`] around its other
//! hooks. The `rppp` command and `rppp l2tpd` both use it.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rppp_radius::config::Dictionary;

use super::avpairs::{self, EncodedPair};
use super::radattr::{self, Radattr};
use super::{
    NasContext, RadiusConfig, RadiusContext, RadiusHooks, RadiusService, RealmHandles,
    TunnelContext,
};
use crate::driver::Hooks;
use crate::options::radius::LoadedRadius;
use crate::options::{Options, OptionsError};

/// How long accounting in flight (the sessions' Stops) may take at exit.
pub const ACCOUNTING_GRACE: Duration = Duration::from_secs(10);

/// Why `plugin radius.so`'s configuration cannot be used.
#[derive(Debug)]
pub enum PluginError {
    /// A file is missing or wrong (with its file and line).
    Options(Box<OptionsError>),
    /// The servers cannot be reached as written (a host name that does
    /// not resolve, a bad bind address).
    Config {
        /// The configuration file.
        file: String,
        /// What is wrong.
        error: super::ConfigLoadError,
    },
    /// An `avpair` cannot be encoded.
    AvPair(avpairs::AvPairError),
}

impl PluginError {
    /// pppd's exit code for it: option errors 2, the rest 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            PluginError::Options(e) => u8::try_from(e.exit_code()).unwrap_or(1),
            PluginError::Config { .. } => 1,
            PluginError::AvPair(_) => 2,
        }
    }
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PluginError::Options(e) => e.fmt(f),
            PluginError::Config { file, error } => write!(f, "{file}: {error}"),
            PluginError::AvPair(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PluginError {}

/// A loaded configuration, ready to start.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The configuration file: sessions with the same one share a client.
    pub file: String,
    config: RadiusConfig,
    avpairs: Arc<Vec<EncodedPair>>,
    /// `radius-interim-interval`.
    pub interim_default: Option<Duration>,
    /// `plugin radattr.so`.
    pub radattr: bool,
    dictionary: Arc<Dictionary>,
    /// `plugin radrealms.so`: each realm of the realms file and its
    /// configuration.
    realms: Vec<(String, RadiusConfig)>,
}

/// Reads `radiusclient.conf`, its servers file and dictionary when `o`
/// has `plugin radius.so`, logging their warnings, and makes the
/// client's configuration and the `avpair`s.
///
/// # Errors
/// The file, line and what is wrong, as the options files' errors.
pub fn load(
    o: &Options,
    read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
) -> Result<Option<Setup>, PluginError> {
    let Some(radius) = &o.radius else {
        return Ok(None);
    };
    let loaded = radius
        .load(read)
        .map_err(|e| PluginError::Options(Box::new(e)))?;
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    Setup::new(loaded).map(Some)
}

impl Setup {
    fn new(loaded: LoadedRadius) -> Result<Setup, PluginError> {
        let file = loaded.options.config_file.clone();
        let config =
            RadiusConfig::from_parsed(&loaded.conf, loaded.servers.as_ref()).map_err(|error| {
                PluginError::Config {
                    file: file.clone(),
                    error,
                }
            })?;
        let mut realms = Vec::new();
        if let Some(r) = &loaded.realms {
            for realm in r.realms() {
                let Some(conf) = r.conf_for(&loaded.conf, Some(realm)) else {
                    continue;
                };
                let config =
                    RadiusConfig::from_parsed(&conf, loaded.servers.as_ref()).map_err(|error| {
                        PluginError::Config {
                            file: loaded.options.realms_file.clone().unwrap_or_default(),
                            error,
                        }
                    })?;
                realms.push((realm.to_string(), config));
            }
        }
        let avpairs = loaded
            .options
            .avpairs
            .iter()
            .map(|p| avpairs::encode(&loaded.dictionary, &p.attribute, &p.value))
            .collect::<Result<Vec<_>, _>>()
            .map_err(PluginError::AvPair)?;
        Ok(Setup {
            file,
            config,
            avpairs: Arc::new(avpairs),
            interim_default: loaded.options.interim_interval,
            radattr: loaded.options.radattr,
            dictionary: Arc::new(loaded.dictionary),
            realms,
        })
    }
}

/// What one session adds to its client's context.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// The L2TP peer's address (Calling-Station-Id).
    pub calling: Option<String>,
    /// Ours (Called-Station-Id).
    pub called: Option<String>,
    /// The session's tunnel.
    pub tunnel: Option<TunnelContext>,
    /// `radius-interim-interval`: Interim-Updates this often when the
    /// server gives no Acct-Interim-Interval.
    pub interim_default: Option<Duration>,
    /// `plugin radattr.so`: the Access-Accept's attributes in
    /// `/var/run/radattr.<ifname>`.
    pub radattr: bool,
    /// The pools Framed-Pool may name (`rppp l2tpd`'s sections).
    pub pools: Option<Arc<dyn super::FramedPools>>,
}

/// The clients of a process, one per configuration file.
#[derive(Debug, Default)]
pub struct Clients {
    clients: HashMap<String, (RadiusService, RadiusContext, Arc<Dictionary>)>,
    /// The realms' clients (radrealms.so), to shut down with the rest.
    realm_services: Vec<RadiusService>,
    directory: Option<super::Directory>,
}

impl Clients {
    /// No clients yet.
    pub fn new() -> Clients {
        Clients::default()
    }

    /// Sessions from now on are entered in `directory`, for a Dynamic
    /// Authorization listener ([`super::dae`]).
    pub fn set_directory(&mut self, directory: super::Directory) {
        self.directory = Some(directory);
    }

    /// Starts the client for `setup`'s file unless it runs already. Must
    /// be called within a tokio runtime.
    ///
    /// # Errors
    /// The sockets cannot be bound.
    pub fn start(&mut self, setup: &Setup) -> io::Result<()> {
        if self.clients.contains_key(&setup.file) {
            return Ok(());
        }
        let nas = NasContext {
            nas_identifier: setup.config.nas_identifier.clone(),
            ..NasContext::default()
        };
        let service = RadiusService::start(setup.config.clone())?;
        // Every realm's client or none: one that cannot start leaves no
        // others running behind it for a later start to duplicate.
        let mut started = Vec::with_capacity(setup.realms.len());
        let mut handles = RealmHandles::new();
        for (realm, config) in &setup.realms {
            let s = RadiusService::start(config.clone())?;
            handles.insert(realm.clone(), s.handle());
            started.push(s);
        }
        let realms = (!started.is_empty()).then(|| Arc::new(handles));
        self.realm_services.extend(started);
        let context = RadiusContext {
            handle: service.handle(),
            nas,
            avpairs: Arc::clone(&setup.avpairs),
            interim_default: None,
            directory: self.directory.clone(),
            radattr: None,
            pools: None,
            realms,
        };
        self.clients.insert(
            setup.file.clone(),
            (service, context, Arc::clone(&setup.dictionary)),
        );
        Ok(())
    }

    /// `inner` with RADIUS through the client of configuration `file`,
    /// if it started, for the session `call` describes; `inner` back
    /// otherwise.
    pub fn hooks<H: Hooks>(
        &self,
        file: &str,
        inner: H,
        call: CallContext,
    ) -> Result<RadiusHooks<H>, H> {
        let Some((_, context, dictionary)) = self.clients.get(file) else {
            return Err(inner);
        };
        let mut context = context.clone();
        if call.radattr {
            context.radattr = Some(Radattr {
                dictionary: Arc::clone(dictionary),
                dir: radattr::DEFAULT_DIR.into(),
            });
        }
        context.nas.called_station_id = call.called.or(context.nas.called_station_id);
        context.interim_default = call.interim_default.or(context.interim_default);
        context.pools = call.pools;
        Ok(RadiusHooks::new(
            inner,
            context,
            acct_session_id(),
            call.calling,
            call.tunnel,
        ))
    }

    /// Lets accounting in flight finish (up to [`ACCOUNTING_GRACE`]),
    /// then stops the clients.
    pub async fn shutdown(self) {
        for (_, (service, _, _)) in self.clients {
            service.shutdown(ACCOUNTING_GRACE).await;
        }
        for service in self.realm_services {
            service.shutdown(ACCOUNTING_GRACE).await;
        }
    }
}

/// An Acct-Session-Id unique on this NAS: the time, the process and a
/// counter, in hexadecimal as pppd's plugin writes it.
pub fn acct_session_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08X}{:05X}{:03X}",
        secs as u32,
        std::process::id(),
        n & 0xfff
    )
}
