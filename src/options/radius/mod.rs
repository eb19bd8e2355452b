//! pppd's RADIUS plugins, as options: `plugin radius.so`
//! (`pppd/plugins/radius/radius.c`), `plugin radattr.so` (`radattr.c`)
//! and `plugin radrealms.so` (`radrealms.c`), and the options they add.
//!
//! - `radius.so` adds `radius-config-file FILE` (default
//!   [`DEFAULT_CONFIG_FILE`], the path `radius.c`'s `plugin_init` sets
//!   and pppd-radius(8), the manual Debian's ppp package ships,
//!   documents), `avpair ATTRIBUTE=VALUE` (repeatable: each
//!   pair is sent in every request), `map-to-ifname` (the default: the
//!   NAS-Port is the number in the interface's name) and `map-to-ttyname`
//!   (the NAS-Port from the tty's name).
//! - `radattr.so` writes the attributes of each Access-Accept to
//!   `/var/run/radattr.pppN`; it has no options.
//! - `radrealms.so` picks the servers by the user's realm from
//!   `realms-config-file FILE` (default [`DEFAULT_REALMS_FILE`]).
//!
//! As in pppd, where a plugin's options exist only once `plugin` has
//! loaded it (and `radattr.so` and `radrealms.so` need the symbols of
//! `radius.so`), each of these options is an error naming the plugin it
//! needs unless that plugin came first.
//!
//! `apply.rs` applies the options; [`RadiusOptions::load`] (`load.rs`)
//! reads the files they name (`radiusclient.conf`, its `servers` file
//! and its dictionary) into a [`LoadedRadius`] for the driver.

mod apply;
mod load;

pub(crate) use apply::{plugin, radius};
pub use load::LoadedRadius;

use super::error::Source;

/// `radius.c`: the configuration file the plugin reads unless
/// `radius-config-file` names another.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/radiusclient/radiusclient.conf";

/// `radrealms.c`: the realms file unless `realms-config-file` names
/// another.
pub const DEFAULT_REALMS_FILE: &str = "/etc/radiusclient/realms";

/// One of the files pppd's radius plugin reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RadiusFile {
    /// `radiusclient.conf` (`radius-config-file`).
    Configuration,
    /// The `servers` file radiusclient.conf names.
    Servers,
    /// The `dictionary` radiusclient.conf names.
    Dictionary,
    /// `radrealms.so`'s realms file (`realms-config-file`).
    Realms,
}

impl core::fmt::Display for RadiusFile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            RadiusFile::Configuration => "configuration",
            RadiusFile::Servers => "servers",
            RadiusFile::Dictionary => "dictionary",
            RadiusFile::Realms => "realms",
        })
    }
}

/// Which name the NAS-Port attribute's number comes from (`radius.c`'s
/// `portnummap`, set by `map-to-ifname` and `map-to-ttyname`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NasPortFrom {
    /// `map-to-ifname` (the default): the number in the interface's
    /// name (`ppp7` gives 7).
    #[default]
    InterfaceName,
    /// `map-to-ttyname`: the tty's name through radiusclient's port map.
    /// There is no tty under L2TP: rppp uses the interface's number and
    /// warns.
    TtyName,
}

/// One `avpair ATTRIBUTE=VALUE`: an attribute to add to every request.
/// The name is checked against the dictionary when
/// [`RadiusOptions::load`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvPair {
    /// The attribute's name, as the dictionary spells it (or not: the
    /// dictionary is matched without regard to case).
    pub attribute: String,
    /// The value as written, without surrounding double quotes.
    pub value: String,
    /// Where the option was.
    pub source: Source,
}

/// Who checks the peer's credentials, in what order (rppp's
/// `radius-order`; pppd's plugin has only [`RadiusOrder::Radius`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RadiusOrder {
    /// `radius-order radius` (the default, as pppd): the RADIUS server
    /// alone; the secrets files do not check the peer.
    #[default]
    Radius,
    /// `radius-order radius,local`: the RADIUS server; when none answers,
    /// the secrets files.
    RadiusThenLocal,
    /// `radius-order local,radius`: the secrets files; for a peer they
    /// have no line for, the RADIUS server.
    LocalThenRadius,
}

/// What `plugin radius.so` and its companions were told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadiusOptions {
    /// `radius-config-file` (default [`DEFAULT_CONFIG_FILE`]).
    pub config_file: String,
    /// Where the configuration file was named: `radius-config-file`, or
    /// `plugin radius.so` for the default. Load errors about the file
    /// itself point here.
    pub config_source: Source,
    /// `avpair`, in the order given (pppd sends them in reverse order; a
    /// RADIUS server does not care).
    pub avpairs: Vec<AvPair>,
    /// `map-to-ifname` or `map-to-ttyname`, the later one winning.
    pub nas_port: NasPortFrom,
    /// `plugin radattr.so`: write the reply attributes to
    /// `/var/run/radattr.pppN`.
    pub radattr: bool,
    /// `plugin radrealms.so`: the realms file (default
    /// [`DEFAULT_REALMS_FILE`], or `realms-config-file`); `None` without
    /// the plugin.
    pub realms_file: Option<String>,
    /// `radius-order`.
    pub order: RadiusOrder,
    /// `radius-interim-interval` (rppp's): Interim-Update records this
    /// often when the server's Access-Accept has no Acct-Interim-Interval
    /// (RFC 2869 section 5.16); `None` (or 0): then none.
    pub interim_interval: Option<std::time::Duration>,
}

impl RadiusOptions {
    /// The options right after `plugin radius.so` at `source`.
    pub(crate) fn new(source: &Source) -> RadiusOptions {
        RadiusOptions {
            config_file: DEFAULT_CONFIG_FILE.into(),
            config_source: source.clone(),
            avpairs: Vec::new(),
            nas_port: NasPortFrom::default(),
            radattr: false,
            realms_file: None,
            order: RadiusOrder::default(),
            interim_interval: None,
        }
    }
}
