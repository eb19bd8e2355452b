//! `plugin radius.so` for sessions run from pppd's command line: the
//! plugin's files are read and checked when a session is prepared
//! ([`load`], before anything starts), the client starts with the
//! runtime ([`Radius::start`]), and each session gets its
//! [`RadiusHooks`](rppp::radius_client::RadiusHooks) around pppd's
//! scripts ([`Radius::hooks`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rppp::driver::Hooks;
use rppp::options::radius::LoadedRadius;
use rppp::options::{self, Options};
use rppp::radius_client::avpairs::{self, EncodedPair};
use rppp::radius_client::{NasContext, RadiusConfig, RadiusContext, RadiusHooks, RadiusService};
use rppp::session::exit;

/// How long accounting in flight (a session's Stop) may take at exit.
const ACCOUNTING_GRACE: Duration = Duration::from_secs(10);

/// Reads `radiusclient.conf`, its servers file and dictionary when
/// `plugin radius.so` was given, logging their warnings, and makes the
/// client's configuration and the `avpair`s. Errors are rendered as the
/// options files' are, with their exit code.
pub(crate) fn load(o: &Options) -> Result<Option<Setup>, (u8, String)> {
    let Some(radius) = &o.radius else {
        return Ok(None);
    };
    let loaded = radius.load(&mut options::read_file).map_err(|e| {
        (
            u8::try_from(e.exit_code()).unwrap_or(exit::FATAL_ERROR),
            e.to_string(),
        )
    })?;
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    Setup::new(loaded).map(Some)
}

/// A loaded configuration, ready to start.
#[derive(Debug)]
pub(crate) struct Setup {
    /// The configuration file: sessions with the same one share a client.
    file: String,
    config: RadiusConfig,
    avpairs: Vec<EncodedPair>,
}

impl Setup {
    fn new(loaded: LoadedRadius) -> Result<Setup, (u8, String)> {
        let file = loaded.options.config_file.clone();
        let config = RadiusConfig::from_parsed(&loaded.conf, loaded.servers.as_ref())
            .map_err(|e| (exit::FATAL_ERROR, format!("{file}: {e}")))?;
        let avpairs = loaded
            .options
            .avpairs
            .iter()
            .map(|p| avpairs::encode(&loaded.dictionary, &p.attribute, &p.value))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| (exit::OPTION_ERROR, e.to_string()))?;
        Ok(Setup {
            file,
            config,
            avpairs,
        })
    }
}

/// The clients of a process, one per configuration file.
#[derive(Default)]
pub(crate) struct Radius {
    clients: HashMap<String, (RadiusService, RadiusContext)>,
}

impl Radius {
    /// Starts the client for `setup`'s file unless it runs already.
    pub(crate) async fn start(&mut self, setup: Setup) -> Result<(), String> {
        if self.clients.contains_key(&setup.file) {
            return Ok(());
        }
        let nas = NasContext {
            nas_identifier: setup.config.nas_identifier.clone(),
            ..NasContext::default()
        };
        let service = RadiusService::spawn(setup.config)
            .await
            .map_err(|e| format!("{}: cannot start the RADIUS client: {e}", setup.file))?;
        let context = RadiusContext {
            handle: service.handle(),
            nas,
            avpairs: Arc::new(setup.avpairs),
            interim_default: None,
        };
        self.clients.insert(setup.file, (service, context));
        Ok(())
    }

    /// `inner` with RADIUS, for a session of `o` whose client started;
    /// `inner` back otherwise.
    pub(crate) fn hooks<H: Hooks>(&self, o: &Options, inner: H) -> Result<RadiusHooks<H>, H> {
        let Some((_, context)) = o
            .radius
            .as_ref()
            .and_then(|r| self.clients.get(&r.config_file))
        else {
            return Err(inner);
        };
        // xl2tpd's `pass peer` hands the LAC's address as ipparam.
        let calling = o
            .ipparam
            .as_deref()
            .filter(|p| p.parse::<std::net::IpAddr>().is_ok())
            .map(str::to_string);
        Ok(RadiusHooks::new(
            inner,
            context.clone(),
            acct_session_id(),
            calling,
        ))
    }

    /// Lets accounting in flight finish, then stops the clients.
    pub(crate) async fn shutdown(self) {
        for (_, (service, _)) in self.clients {
            service.shutdown(ACCOUNTING_GRACE).await;
        }
    }
}

/// An Acct-Session-Id unique on this NAS: the time, the process and a
/// counter, in hexadecimal as pppd's plugin writes it.
fn acct_session_id() -> String {
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
