//! Reading the files pppd's radius plugin reads (`radius.c`'s
//! `radius_init`, radiusclient's `rc_read_config`,
//! `rc_read_dictionary`): `radiusclient.conf`, the `servers` file it
//! names and the `dictionary` it names, with `$INCLUDE`s, through
//! rppp-radius's parsers; then each server's secret, and each `avpair`
//! checked against the dictionary.
//!
//! Errors are [`OptionsError`]s, rendered as the options files' are: a
//! wrong line is `file:line: what`; an `avpair` the dictionary does not
//! know points at the `avpair` option. No error and no `Debug` shows a
//! secret.

use std::io;
use std::net::Ipv4Addr;

use rppp_radius::client::Service;
use rppp_radius::config::{
    ConfWarning, ConfigError, DataType, Dictionary, RadiusClientConf, Realms, ResolveError,
    ResolvedServer, ServersFile, WarningKind,
};

use super::RadiusFile;
use super::RadiusOptions;
use crate::options::error::{ErrorKind, OptionsError, Source, Warning};

/// What the RADIUS client needs, read and checked: the driver starts the
/// client from this.
#[derive(Debug, Clone)]
pub struct LoadedRadius {
    /// The options that named the files.
    pub options: RadiusOptions,
    /// `radiusclient.conf`.
    pub conf: RadiusClientConf,
    /// The servers file, when `radiusclient.conf` names one.
    pub servers: Option<ServersFile>,
    /// The dictionary, with what it includes.
    pub dictionary: Dictionary,
    /// The `authserver` entries with their ports and secrets.
    pub auth_servers: Vec<ResolvedServer>,
    /// The `acctserver` entries with their ports and secrets (empty: no
    /// accounting, with a warning).
    pub acct_servers: Vec<ResolvedServer>,
    /// `plugin radrealms.so`'s realms file, each realm's servers with a
    /// secret in the servers file.
    pub realms: Option<Realms>,
    /// Keys accepted but not honoured, and the like.
    pub warnings: Vec<Warning>,
}

type Read<'a> = &'a mut dyn FnMut(&str) -> io::Result<Vec<u8>>;

/// A line's error as the options files render theirs.
fn at_line(e: ConfigError) -> OptionsError {
    OptionsError::general(
        Some(Source::File {
            path: e.file,
            line: e.line,
        }),
        ErrorKind::RadiusConfig(e.kind),
    )
}

/// Reads `path` as UTF-8 text.
fn text(read: Read<'_>, what: RadiusFile, path: &str) -> Result<String, ErrorKind> {
    let unreadable = |reason: String| ErrorKind::RadiusFileUnreadable {
        what,
        path: path.to_string(),
        reason,
    };
    let bytes = read(path).map_err(|e| unreadable(crate::kernel::os_error_text(&e)))?;
    String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text".into()))
}

/// radiusclient's `$INCLUDE`: a relative path is taken from the directory
/// of the file that includes it.
fn include_path(including: &str, path: &str) -> String {
    match including.rsplit_once('/') {
        Some((dir, _)) if !path.starts_with('/') => format!("{dir}/{path}"),
        _ => path.to_string(),
    }
}

impl RadiusOptions {
    /// Reads `radiusclient.conf` ([`config_file`](Self::config_file)),
    /// the servers file and dictionary it names, through `read` (for the
    /// binary, [`read_file`](crate::options::read_file)). A file that
    /// cannot be read is an error pointing at the option that named it.
    pub fn load(&self, read: Read<'_>) -> Result<LoadedRadius, OptionsError> {
        let conf_path = self.config_file.as_str();
        let conf_text = text(read, RadiusFile::Configuration, conf_path)
            .map_err(|kind| OptionsError::general(Some(self.config_source.clone()), kind))?;
        let conf = RadiusClientConf::parse(conf_path, &conf_text).map_err(at_line)?;
        let incomplete = |missing| {
            OptionsError::general(
                None,
                ErrorKind::RadiusIncomplete {
                    path: conf_path.to_string(),
                    missing,
                },
            )
        };
        if conf.auth_servers.is_empty() {
            return Err(incomplete("authserver"));
        }
        let dictionary_path = conf
            .dictionary
            .clone()
            .ok_or_else(|| incomplete("dictionary"))?;
        let conf_named = |kind| OptionsError::general(None, kind);
        let servers = match &conf.servers_file {
            Some(path) => {
                let text = text(read, RadiusFile::Servers, path).map_err(conf_named)?;
                Some(ServersFile::parse(path, &text).map_err(at_line)?)
            }
            None => None,
        };
        let dictionary_text =
            text(read, RadiusFile::Dictionary, &dictionary_path).map_err(conf_named)?;
        let mut resolver = |including: &str, path: &str| -> io::Result<(String, String)> {
            let full = include_path(including, path);
            let bytes = read(&full)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidData))?;
            Ok((full, text))
        };
        let dictionary = Dictionary::parse(&dictionary_path, &dictionary_text, &mut resolver)
            .map_err(at_line)?;
        let resolve = |service| {
            conf.resolve_servers(service, servers.as_ref())
                .map_err(|e| no_secret(e, conf.servers_file.as_deref()))
        };
        let auth_servers = resolve(Service::Authentication)?;
        let acct_servers = resolve(Service::Accounting)?;
        let realms = match &self.realms_file {
            Some(path) => {
                let text = text(read, RadiusFile::Realms, path).map_err(conf_named)?;
                let realms = Realms::parse(path, &text).map_err(at_line)?;
                // Every realm's servers need their secrets, as the
                // configuration's own.
                for realm in realms.realms() {
                    if let Some(c) = realms.conf_for(&conf, Some(realm)) {
                        for service in [Service::Authentication, Service::Accounting] {
                            c.resolve_servers(service, servers.as_ref())
                                .map_err(|e| no_secret(e, conf.servers_file.as_deref()))?;
                        }
                    }
                }
                Some(realms)
            }
            None => None,
        };
        self.check_avpairs(&dictionary, &dictionary_path)?;
        let mut warnings: Vec<Warning> = conf.warnings.iter().map(conf_warning).collect();
        if acct_servers.is_empty() {
            warnings.push(Warning {
                option: "acctserver".into(),
                source: self.config_source.clone(),
                message: format!("{conf_path} names none: no accounting is sent"),
            });
        }
        Ok(LoadedRadius {
            options: self.clone(),
            conf,
            servers,
            dictionary,
            auth_servers,
            acct_servers,
            realms,
            warnings,
        })
    }

    /// Each `avpair`'s attribute is in the dictionary, and its value fits
    /// the attribute's type where rppp can tell.
    fn check_avpairs(&self, dictionary: &Dictionary, path: &str) -> Result<(), OptionsError> {
        for pair in &self.avpairs {
            let fail = |kind| OptionsError::at(b"avpair", &pair.source, kind);
            let Some(def) = dictionary.attribute_by_name(&pair.attribute) else {
                return Err(fail(ErrorKind::UnknownAttribute {
                    attribute: pair.attribute.clone(),
                    dictionary: path.to_string(),
                }));
            };
            let expected = match def.data_type {
                DataType::Integer
                    if pair.value.parse::<u32>().is_err()
                        && dictionary.value(&def.name, &pair.value).is_none() =>
                {
                    "a number or one of the dictionary's VALUE names"
                }
                DataType::IpAddr if pair.value.parse::<Ipv4Addr>().is_err() => {
                    "a dotted-quad IPv4 address"
                }
                _ => continue,
            };
            return Err(fail(ErrorKind::BadAttributeValue {
                avpair: format!("{}={}", def.name, pair.value),
                expected,
            }));
        }
        Ok(())
    }
}

/// A server without a secret; host names stay as written.
fn no_secret(e: ResolveError, servers_file: Option<&str>) -> OptionsError {
    let server = match e {
        ResolveError::NoSecret { host, port } => format!("{host}:{port}"),
        ResolveError::NotAnAddress(host) => host,
        _ => String::from("?"),
    };
    OptionsError::general(
        None,
        ErrorKind::RadiusNoSecret {
            server,
            servers_file: servers_file.map(str::to_string),
        },
    )
}

fn conf_warning(w: &ConfWarning) -> Warning {
    let (option, message) = match &w.kind {
        WarningKind::LoginOnly(key) => (
            key.clone(),
            "for radiusclient's login program only: ignored",
        ),
        WarningKind::SeqfileUnused => (
            "seqfile".to_string(),
            "Identifiers are kept in memory: no sequence file is used",
        ),
        _ => (String::from("?"), "ignored"),
    };
    Warning {
        option,
        source: Source::File {
            path: w.file.clone(),
            line: w.line,
        },
        message: message.into(),
    }
}
