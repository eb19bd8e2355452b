//! Each PPP session's configuration, from its section: the addresses
//! leased from the `[lns]` pools, the section's pppd words
//! ([`super::ppp_words`]), and rppp's pppd option parser over them, so
//! `/etc/ppp/options`, the section's `pppoptfile` and the chap-secrets
//! and pap-secrets files count exactly as under xl2tpd with pppd.
//!
//! A LAC call's password from the control pipe is set on the parsed
//! options, never written as a word.
//!
//! A section's calls share one parsed configuration
//! (`l2tpd::template`), parsed again when a file it came from changes.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rppp_l2tp::SessionInfo;

use super::config::{Lease, PoolError, Ranges};
use super::control::Credentials;
use super::framed_pools::{FramedPools, SharedPool};
use super::ppp_words::{lac_words, lns_words};
use super::settings::{Section, Settings};
use super::template::{self, Stamp, Stat, Template, TemplateKey};
use crate::driver::KernelSessionOptions;
use crate::options::{self, Context, OptionsError};
use crate::session::SessionConfig;

/// Why a session got no PPP configuration: its call is refused with a
/// CDN.
#[derive(Debug)]
pub enum SetupError {
    /// The tunnel's section is gone (a reload took it away).
    NoSection,
    /// No address left in the section's range.
    Pool(PoolError),
    /// The options (the section's words, its pppoptfile, the secrets
    /// files) are wrong.
    Options(Box<OptionsError>),
    /// `plugin radius.so`'s configuration is wrong.
    #[cfg(feature = "radius")]
    Radius(Box<crate::radius_client::plugin::PluginError>),
    /// `plugin radius.so` in a build without the `radius` feature.
    #[cfg(not(feature = "radius"))]
    NoRadius,
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::NoSection => f.write_str("the tunnel's section is gone"),
            SetupError::Pool(e) => e.fmt(f),
            SetupError::Options(e) => e.fmt(f),
            #[cfg(feature = "radius")]
            SetupError::Radius(e) => e.fmt(f),
            #[cfg(not(feature = "radius"))]
            SetupError::NoRadius => {
                f.write_str("plugin radius.so: this rppp is built without RADIUS")
            }
        }
    }
}

impl std::error::Error for SetupError {}

/// A session's place: which tunnel and session, with whom.
#[derive(Debug, Clone, Copy)]
pub struct SessionPlace {
    /// The section of its tunnel.
    pub section: Section,
    /// The peer's UDP address.
    pub remote: SocketAddr,
}

type Reader = fn(&str) -> io::Result<Vec<u8>>;

/// `plugin radius.so`'s loaded configuration, for a call that has it.
#[cfg(feature = "radius")]
pub type RadiusSetup = crate::radius_client::plugin::Setup;
/// Never made without the `radius` feature.
#[cfg(not(feature = "radius"))]
#[derive(Debug, Clone)]
pub enum RadiusSetup {}

/// What a call's PPP session is started with.
#[derive(Debug)]
pub struct CallSetup {
    /// Its configuration, shared with the section's other calls.
    pub config: Arc<SessionConfig>,
    /// Its kernel options and own addresses.
    pub kernel: KernelSessionOptions,
    /// RADIUS, with `plugin radius.so`.
    pub radius: Option<RadiusSetup>,
}

/// What one parse of a call's words gives.
#[derive(Debug)]
pub(super) struct Built {
    pub(super) config: SessionConfig,
    pub(super) kernel: KernelSessionOptions,
    pub(super) radius: Option<RadiusSetup>,
}

/// The address pools and the option parser's context.
#[derive(Debug)]
pub struct PppSetup {
    /// Shared with the sessions' RADIUS, which may move a peer's address
    /// into another section's range (Framed-Pool).
    pool: SharedPool,
    /// Each `[lns]` section's `ip range` by the section's name, made at
    /// the first Framed-Pool after a start or reload.
    named_ranges: Option<Arc<HashMap<String, Ranges>>>,
    context: Context,
    read: Reader,
    stat: Stat,
    templates: HashMap<TemplateKey, Template>,
}

impl PppSetup {
    /// Pools empty; options read from the file system as pppd reads them
    /// for a user who is (or is not) `privileged`.
    pub fn new(privileged: bool) -> PppSetup {
        PppSetup::with_files(Context::new(privileged), options::read_file, template::stat)
    }

    /// With another context and file reader (tests); files never change.
    pub fn with_reader(context: Context, read: Reader) -> PppSetup {
        PppSetup::with_files(context, read, |_| None)
    }

    fn with_files(context: Context, read: Reader, stat: Stat) -> PppSetup {
        PppSetup {
            pool: SharedPool::default(),
            named_ranges: None,
            context,
            read,
            stat,
            templates: HashMap::new(),
        }
    }

    /// The configuration changed (a reload): every section's options are
    /// parsed again at its next call.
    pub fn forget_templates(&mut self) {
        self.templates.clear();
        self.named_ranges = None;
    }

    /// The pools session `key`'s peer address may move into: every
    /// `[lns NAME]` section's `ip range`, as pool NAME.
    pub fn pools_for(&mut self, settings: &Settings, key: (u16, u16)) -> FramedPools {
        let ranges = self
            .named_ranges
            .get_or_insert_with(|| {
                let c = &settings.config;
                Arc::new(
                    c.lns_default
                        .iter()
                        .chain(&c.lns)
                        .map(|l| (l.common.section.clone(), l.ip_range.clone()))
                        .collect(),
                )
            })
            .clone();
        FramedPools {
            pool: self.pool.clone(),
            ranges,
            key,
        }
    }

    /// The configuration for session `info` in `place`, leasing its
    /// addresses; `credentials` are a LAC section's from the control
    /// pipe.
    pub fn prepare(
        &mut self,
        settings: &Settings,
        place: SessionPlace,
        info: &SessionInfo,
        credentials: Option<&Credentials>,
    ) -> Result<CallSetup, SetupError> {
        let key = (info.tunnel_id, info.session_id);
        let peer = match place.remote.ip() {
            IpAddr::V4(a) => a,
            IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
        };
        let lease = match place.section {
            Section::Lac(_) => {
                let lac = settings.lac(place.section).ok_or(SetupError::NoSection)?;
                if let Some(c) = credentials {
                    // The control pipe's user and password: this call's own.
                    let words = lac_words(lac, peer, Some(c.user.as_str()));
                    let b = self.build(settings, &words, false, c.password.clone(), None)?;
                    return Ok(CallSetup {
                        config: Arc::new(b.config),
                        kernel: b.kernel,
                        radius: b.radius,
                    });
                }
                None
            }
            s => {
                let lns = settings.lns(s).ok_or(SetupError::NoSection)?;
                Some(
                    self.pool
                        .lock()
                        .allocate(key, lns)
                        .map_err(SetupError::Pool)?,
                )
            }
        };
        let template = TemplateKey::new(place.section, peer, lease.as_ref());
        let built = self
            .template(settings, template)
            .map(|t| t.for_call(lease.as_ref()));
        if built.is_err() {
            self.pool.lock().release(&key);
        }
        built
    }

    /// The calls' shared configuration for `key`, parsed now if it never
    /// was or a file it came from changed.
    fn template(&mut self, settings: &Settings, key: TemplateKey) -> Result<&Template, SetupError> {
        let current = self
            .templates
            .get(&key)
            .is_some_and(|t| t.is_current(self.stat));
        if !current {
            let words = |lease: &Lease| -> Result<Vec<String>, SetupError> {
                match key.section {
                    Section::Lac(_) => {
                        let lac = settings.lac(key.section).ok_or(SetupError::NoSection)?;
                        Ok(lac_words(lac, key.peer, None))
                    }
                    s => {
                        let lns = settings.lns(s).ok_or(SetupError::NoSection)?;
                        Ok(lns_words(lns, lease, key.peer))
                    }
                }
            };
            let lns = !matches!(key.section, Section::Lac(_));
            let mut files = Vec::new();
            let a = self.build(
                settings,
                &words(&key.stand_in(false))?,
                lns,
                None,
                Some(&mut files),
            )?;
            let b = match key.local || key.remote {
                true => Some(
                    self.build(settings, &words(&key.stand_in(true))?, lns, None, None)?
                        .config,
                ),
                false => None,
            };
            self.templates
                .insert(key, Template::new(a, b.as_ref(), files));
        }
        Ok(&self.templates[&key])
    }

    /// Parses `words` as pppd's command line; `files` records what was
    /// read, with its stamp from before the read.
    fn build(
        &self,
        settings: &Settings,
        words: &[String],
        lns: bool,
        password: Option<rppp_auth::Secret>,
        mut files: Option<&mut Vec<(String, Option<Stamp>)>>,
    ) -> Result<Built, SetupError> {
        let (inner, stat) = (self.read, self.stat);
        let mut read = |path: &str| {
            if let Some(files) = files.as_deref_mut() {
                files.push((path.to_string(), stat(path)));
            }
            inner(path)
        };
        let mut o = options::parse(words, &self.context, &mut read)
            .map_err(|e| SetupError::Options(Box::new(e)))?;
        #[cfg(feature = "radius")]
        let radius = crate::radius_client::plugin::load(&o, &mut read)
            .map_err(|e| SetupError::Radius(Box::new(e)))?;
        #[cfg(not(feature = "radius"))]
        let radius: Option<RadiusSetup> = match o.radius {
            Some(_) => return Err(SetupError::NoRadius),
            None => None,
        };
        o.pppol2tp.lns_mode = lns;
        if password.is_some() {
            o.auth.password = password;
        }
        let config = o
            .session_config(settings.system_hostname.as_bytes(), &mut read)
            .map_err(|e| SetupError::Options(Box::new(e)))?;
        Ok(Built {
            config,
            kernel: o.kernel_session_options(),
            radius,
        })
    }

    /// Reads every section's options once, with placeholder addresses,
    /// so a wrong pppoptfile or secrets file stops the daemon at start
    /// rather than refusing each call.
    pub fn check(&self, settings: &Settings) -> Result<(), (String, SetupError)> {
        let peer = Ipv4Addr::UNSPECIFIED;
        let lease = Lease::default();
        let lns = settings
            .config
            .lns_default
            .iter()
            .chain(&settings.config.lns);
        for l in lns {
            self.build(settings, &lns_words(l, &lease, peer), true, None, None)
                .map_err(|e| (format!("[lns {}]", l.common.section), e))?;
        }
        for l in &settings.config.lac {
            self.build(settings, &lac_words(l, peer, None), false, None, None)
                .map_err(|e| (format!("[lac {}]", l.common.section), e))?;
        }
        Ok(())
    }

    /// Reads `[lac]` section `lac`'s options once (a section the control
    /// pipe added).
    pub fn check_lac(&self, settings: &Settings, lac: usize) -> Result<(), (String, SetupError)> {
        let l = settings
            .config
            .lac
            .get(lac)
            .ok_or_else(|| (format!("[lac #{lac}]"), SetupError::NoSection))?;
        self.build(
            settings,
            &lac_words(l, Ipv4Addr::UNSPECIFIED, None),
            false,
            None,
            None,
        )
        .map(|_| ())
        .map_err(|e| (format!("[lac {}]", l.common.section), e))
    }

    /// Session `(tunnel_id, session_id)` is over: its addresses go back.
    pub fn released(&mut self, tunnel_id: u16, session_id: u16) {
        self.pool.lock().release(&(tunnel_id, session_id));
    }

    /// The addresses leased now.
    pub fn leased(&self) -> usize {
        self.pool.lock().in_use()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::config::{self, L2tpSecrets, PoolSide};

    fn read(path: &str) -> io::Result<Vec<u8>> {
        match path {
            "/etc/ppp/options.xl2tpd" => Ok(b"ms-dns 192.0.2.53\nproxyarp\n".to_vec()),
            "/etc/ppp/options.bad" => Ok(b"frobnicate\n".to_vec()),
            "/etc/ppp/chap-secrets" => Ok(b"alice * pw *\n".to_vec()),
            _ => Err(io::ErrorKind::NotFound.into()),
        }
    }

    fn settings(conf: &str) -> Settings {
        let c = config::parse("x.conf", conf.as_bytes()).unwrap();
        Settings::new(c, L2tpSecrets::default(), "host")
    }

    fn info(session_id: u16) -> SessionInfo {
        SessionInfo {
            tunnel_id: 1,
            peer_tunnel_id: 2,
            session_id,
            peer_session_id: 3,
            call_serial_number: 0,
            tx_connect_speed: 0,
            rx_connect_speed: None,
            framing_type: rppp_l2tp::avp::Framing::SYNC,
            bearer_type: None,
            calling_number: None,
            called_number: None,
            physical_channel_id: None,
            sequencing_required: false,
            proxy: Vec::new(),
        }
    }

    const PLACE: SessionPlace = SessionPlace {
        section: Section::LnsDefault,
        remote: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)), 1701),
    };

    /// The addresses a session of `config` with `options` starts from.
    fn addresses(
        c: &SessionConfig,
        k: &KernelSessionOptions,
    ) -> (Option<Ipv4Addr>, Option<Ipv4Addr>) {
        let s = crate::session::Session::with_addresses(c.clone(), k.addresses);
        (s.ipcp().config().local, s.ipcp().config().remote)
    }

    #[test]
    fn an_lns_session_gets_the_next_address_and_gives_it_back() {
        let s = settings(
            "[lns default]\nip range = 10.0.0.2-10.0.0.3\nlocal ip = 10.0.0.1\n\
             pppoptfile = /etc/ppp/options.xl2tpd\n",
        );
        let mut setup = PppSetup::with_reader(Context::new(true), read);
        setup.check(&s).unwrap();
        let CallSetup {
            config: c,
            kernel: k,
            ..
        } = setup.prepare(&s, PLACE, &info(10), None).unwrap();
        let ten_one = Some(Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(
            addresses(&c, &k),
            (ten_one, Some(Ipv4Addr::new(10, 0, 0, 2)))
        );
        assert_eq!(c.ipcp.ms_dns[0], Some(Ipv4Addr::new(192, 0, 2, 53)));
        assert!(k.link.proxy_arp);
        let CallSetup {
            config: c2,
            kernel: k,
            ..
        } = setup.prepare(&s, PLACE, &info(11), None).unwrap();
        assert_eq!(
            addresses(&c2, &k),
            (ten_one, Some(Ipv4Addr::new(10, 0, 0, 3)))
        );
        assert!(
            Arc::ptr_eq(&c, &c2),
            "the section's calls share one configuration"
        );
        let e = setup.prepare(&s, PLACE, &info(12), None).unwrap_err();
        assert!(matches!(
            e,
            SetupError::Pool(PoolError::Exhausted(PoolSide::Remote))
        ));
        setup.released(1, 10);
        let CallSetup {
            config: c,
            kernel: k,
            ..
        } = setup.prepare(&s, PLACE, &info(12), None).unwrap();
        assert_eq!(addresses(&c, &k).1, Some(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(setup.leased(), 2);
    }

    fn read_overriding(path: &str) -> io::Result<Vec<u8>> {
        match path {
            // A pppoptfile that sets the peer's address itself: as under
            // pppd, it is read after the section's LOCAL:REMOTE word.
            "/etc/ppp/options.fixed" => Ok(b":10.9.9.9\n".to_vec()),
            _ => read(path),
        }
    }

    #[test]
    fn a_pppoptfile_address_after_the_lease_word_wins_as_under_pppd() {
        let s = settings(
            "[lns default]\nip range = 10.0.0.2-10.0.0.3\nlocal ip = 10.0.0.1\n\
             pppoptfile = /etc/ppp/options.fixed\n",
        );
        let mut setup = PppSetup::with_reader(Context::new(true), read_overriding);
        let CallSetup {
            config: c,
            kernel: k,
            ..
        } = setup.prepare(&s, PLACE, &info(10), None).unwrap();
        assert_eq!(
            addresses(&c, &k),
            (
                Some(Ipv4Addr::new(10, 0, 0, 1)),
                Some(Ipv4Addr::new(10, 9, 9, 9))
            )
        );
    }

    static VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

    fn versioned(path: &str) -> io::Result<Vec<u8>> {
        match (path, VERSION.load(std::sync::atomic::Ordering::SeqCst)) {
            ("/etc/ppp/options.xl2tpd", 1) => Ok(b"ms-dns 192.0.2.53\n".to_vec()),
            ("/etc/ppp/options.xl2tpd", _) => Ok(b"ms-dns 192.0.2.54\n".to_vec()),
            _ => read(path),
        }
    }

    #[test]
    fn a_changed_options_file_is_read_again_at_the_next_call() {
        let s = settings(
            "[lns default]\nip range = 10.0.0.2-10.0.0.9\npppoptfile = /etc/ppp/options.xl2tpd\n",
        );
        let stat = |path: &str| {
            (path == "/etc/ppp/options.xl2tpd")
                .then(|| Stamp::version(VERSION.load(std::sync::atomic::Ordering::SeqCst)))
        };
        let mut setup = PppSetup::with_files(Context::new(true), versioned, stat);
        let CallSetup { config: c1, .. } = setup.prepare(&s, PLACE, &info(1), None).unwrap();
        let CallSetup { config: c2, .. } = setup.prepare(&s, PLACE, &info(2), None).unwrap();
        assert!(Arc::ptr_eq(&c1, &c2));
        VERSION.store(2, std::sync::atomic::Ordering::SeqCst);
        let CallSetup { config: c3, .. } = setup.prepare(&s, PLACE, &info(3), None).unwrap();
        assert!(!Arc::ptr_eq(&c1, &c3), "parsed again");
        assert_eq!(c3.ipcp.ms_dns[0], Some(Ipv4Addr::new(192, 0, 2, 54)));
        setup.forget_templates();
        let CallSetup { config: c4, .. } = setup.prepare(&s, PLACE, &info(4), None).unwrap();
        assert!(!Arc::ptr_eq(&c3, &c4), "a reload forgets every template");
    }

    #[test]
    fn a_bad_pppoptfile_stops_the_start_and_releases_nothing_it_took() {
        let s = settings(
            "[lns vpn]\nip range = 10.0.0.2-10.0.0.3\npppoptfile = /etc/ppp/options.bad\n",
        );
        let mut setup = PppSetup::with_reader(Context::new(true), read);
        let (section, e) = setup.check(&s).unwrap_err();
        assert_eq!(section, "[lns vpn]");
        assert!(e.to_string().contains("frobnicate"), "{e}");
        let place = SessionPlace {
            section: Section::Lns(0),
            ..PLACE
        };
        assert!(setup.prepare(&s, place, &info(1), None).is_err());
        assert_eq!(setup.leased(), 0);
    }

    #[test]
    fn a_lac_call_uses_the_control_pipes_user_and_password() {
        let s = settings("[lac vpn]\nlns = 192.0.2.9\nrequire authentication = no\n");
        let mut setup = PppSetup::with_reader(Context::new(true), read);
        let creds = Credentials {
            user: "bob".into(),
            password: Some(rppp_auth::Secret::new(*b"hunter2")),
        };
        let place = SessionPlace {
            section: Section::Lac(0),
            ..PLACE
        };
        let CallSetup {
            config: c,
            kernel: k,
            ..
        } = setup.prepare(&s, place, &info(1), Some(&creds)).unwrap();
        assert_eq!(c.auth.user, b"bob");
        assert_eq!(
            c.auth.password.as_ref().map(|p| p.expose()),
            Some(&b"hunter2"[..])
        );
        assert_eq!(k.socket.lns_mode, None);
    }

    #[cfg(feature = "radius")]
    fn read_radius(path: &str) -> io::Result<Vec<u8>> {
        let testdata = |name: &str| {
            std::fs::read(format!(
                "{}/src/options/testdata/radius/{name}",
                env!("CARGO_MANIFEST_DIR")
            ))
        };
        match path {
            "/etc/ppp/options.radius" => Ok(b"plugin radius.so\nrequire-chap\n".to_vec()),
            "/etc/radiusclient/radiusclient.conf" => testdata("radiusclient.conf"),
            "/etc/radiusclient/servers" => testdata("servers"),
            p if p.starts_with("/etc/radiusclient/dictionary") => {
                testdata(p.trim_start_matches("/etc/radiusclient/"))
            }
            _ => read(path),
        }
    }

    #[cfg(feature = "radius")]
    #[test]
    fn a_section_with_plugin_radius_so_has_its_calls_verified_by_radius() {
        let s = settings(
            "[lns default]\nip range = 10.0.0.2-10.0.0.9\nlocal ip = 10.0.0.1\n\
             pppoptfile = /etc/ppp/options.radius\n",
        );
        let mut setup = PppSetup::with_reader(Context::new(true), read_radius);
        setup.check(&s).unwrap();
        let call = setup.prepare(&s, PLACE, &info(1), None).unwrap();
        let radius = call.radius.expect("the call has RADIUS");
        assert_eq!(radius.file, "/etc/radiusclient/radiusclient.conf");
        assert_eq!(
            call.config.auth.verification,
            rppp_auth::Verification::External
        );
    }
}
