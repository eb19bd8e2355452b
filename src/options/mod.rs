//! pppd's command line and options files (pppd(8), "OPTIONS" and "OPTIONS
//! FILES"), so that rppp drops in for `/usr/sbin/pppd` under xl2tpd and
//! openl2tpd.
//!
//! # Reading
//!
//! [`parse`] reads, in pppd's order, `/etc/ppp/options`, the user's
//! `~/.ppprc` when [`Context::user_options`] names it, then the command
//! line; `file F` and `call NAME` read another file in place, up to
//! [`MAX_INCLUDE_DEPTH`] deep. An options file holds any option the command
//! line can, split into words as pppd does ([`rppp_auth::words`]: quotes,
//! `\` escapes, `#` comments); an option's argument is the next word, on
//! the same line or not. Later options override earlier ones. Files are
//! read through a caller's function (`read`), so parsing does no I/O of its
//! own; [`read_file`] is the real one.
//!
//! Every option xl2tpd and openl2tpd pass, and those their sample and
//! common deployment files use, works. pppd's `pppol2tp.so`,
//! `openl2tp.so` and `passwordfd.so` plugins are built in: `plugin` with
//! any directory in front of those names is accepted, and their options
//! are always known. pppd's `radius.so`, with `radattr.so` and
//! `radrealms.so`, is read too ([`radius`]): its options are kept in
//! [`Options::radius`] and its files loaded by
//! [`RadiusOptions::load`](radius::RadiusOptions::load). Any other plugin
//! (openl2tpd's `ippool.so`) is an error.
//!
//! What rppp does with each option is data, one table of pppd's options:
//! - applied, with pppd's meaning;
//! - serial-line options (`crtscts`, `lock`, `modem`, `local`, `sync`,
//!   `connect-delay`, `connect`, speeds such as `115200`, ...): accepted,
//!   with one [`Warning`] per option name;
//! - options with nothing to do here: accepted with a warning (`persist`:
//!   the L2TP daemon starts rppp per session; `multilink`, `mp`: links are
//!   never bundled; `deflate`, `bsdcomp`, `predictor1`, `vj-max-slots`,
//!   `mppe-stateful`: no compression; `lcp-echo-adaptive`, `netmask`,
//!   `ktune`, `mrru`, `endpoint`, `bundle`, `remotenumber`, ...), or
//!   silently when they turn off what rppp never does (`noccp`, `novj`,
//!   `nobsdcomp`, `nodeflate`, `nomppe`, `noendpoint`, `refuse-eap`, ...);
//! - refused, where carrying on would be wrong: `require-eap` (EAP is not
//!   implemented), `require-mppe*`, `login`, `papcrypt`, `demand`,
//!   `pty`/`notty`/`socket` and device names, `allow-ip`, packet filters,
//!   `maxoctets`, `noip`.
//!
//! Anything else, a missing argument or a bad value is an
//! [`OptionsError`] naming the option and where it was (the command line
//! position, or the file and line); its [`exit_code`](OptionsError::exit_code)
//! is pppd's 2.
//!
//! # Privilege
//!
//! As in pppd, some options (`OPT_PRIV`: `noauth`, `name`, `plugin`,
//! `ifname`, `pppol2tp_ifname`, `linkname`, `domain`, `chap-secrets`,
//! `pap-secrets`, `defaultroute-metric`, the `*-script` paths, and in rppp
//! also `logfile`) may only come from root: from the command line or
//! `~/.ppprc` when the real user is root ([`Context::privileged`]), from
//! `/etc/ppp/options` or a `call` file (root's), or from a `file` one of
//! those named. L2TP daemons run as root, so under them every option is
//! allowed.
//!
//! # Authentication defaults
//!
//! pppd (`auth.c`, `auth_check_options`) requires the peer to
//! authenticate when `auth` or a `require-*` is given, never after a later
//! `noauth`, and, with neither, only when the real user is not root and
//! the host has a default route. rppp follows it for root (the case under
//! an L2TP daemon: the peer is not required to authenticate unless the
//! options say so, exactly as pppd there), and for a user who is not root
//! requires authentication whenever `noauth` is not given, without looking
//! at the routing table (the safe side of pppd's rule). `require-chap`
//! means CHAP with MD5 only; `auth` alone asks for every method the
//! secrets files can check; `refuse-*` limits what we perform for the
//! peer. [`Options::session_config`] reads `chap-secrets` and
//! `pap-secrets` when these need them and decides the methods (see its
//! module documentation).
//!
//! # IPv6CP
//!
//! IPv6CP runs unless `noipv6` (or `-ipv6`) is given, as in pppd since
//! 2.4.9 (`ipv6cp.c`: `ipv6cp_protent`'s `enabled_flag` is 1); `+ipv6`,
//! or interface identifiers given with `ipv6`, turn it on again.
//! [`Options::session_config`] then sets `SessionConfig::ipv6cp`.
//!
//! # Secrets
//!
//! `password` (and `+ua`'s password) is kept as a [`rppp_auth::Secret`]:
//! no `Debug`, `Display` or error shows it.
//!
//! # Deliberate departures from pppd
//!
//! - A number must be the whole word (`mtu 1400x` is an error; pppd reads
//!   1400), and addresses must be dotted quads: host names are not looked
//!   up.
//! - A quote left open at the end of a file, and a word over 1024 octets,
//!   are errors (pppd warns, then swallows the rest of the file or cuts
//!   the word).
//! - `mtu` and `mru` must lie in 128..=16384, restart timers be at least
//!   1 s and `*-max-*` counters at least 1.
//! - `file` nests at most [`MAX_INCLUDE_DEPTH`] deep (pppd recurses until it
//!   runs out of file descriptors).
//! - The built-in plugins' options are known whether or not their
//!   `plugin` came first (the RADIUS plugins' options, as in pppd, are
//!   not).
//! - `radius-config-file` and `realms-config-file` are privileged (in
//!   pppd they are not, but they choose who authenticates the peer).
//! - `logfile` is privileged (rppp opens it after parsing, as root).

mod apply;
mod config;
mod error;
mod parse;
pub mod radius;
mod table;
mod types;
mod value;

use std::ffi::OsStr;
use std::io;

pub use error::{ErrorKind, OptionsError, Source, Warning};
pub use radius::RadiusFile;
pub use rppp_auth::words::SyntaxError;
pub use types::{AuthOptions, InfoRequest, Options, Plugins, Pppol2tpOptions, Scripts};

/// How deep `file` (and `call`) may nest: `/etc/ppp/options` and the
/// command line's files are at depth 1.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// Where the options files are, and whether the user is root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The system options file, read first (pppd's `_PATH_SYSOPTIONS`,
    /// `/etc/ppp/options`). It may be missing when the user is root.
    pub system_options: String,
    /// The user's options file, read next when given (pppd reads
    /// `~/.ppprc` of the real user). Missing is fine.
    pub user_options: Option<String>,
    /// Where `call NAME` looks (`/etc/ppp/peers`).
    pub peers_dir: String,
    /// Whether the real user is root (pppd's `privileged`): the command
    /// line may then give privileged options, and `noauth` is not needed
    /// to run without authentication.
    pub privileged: bool,
}

impl Context {
    /// pppd's paths, for a root (`privileged`) or other user.
    pub fn new(privileged: bool) -> Context {
        Context {
            system_options: "/etc/ppp/options".into(),
            user_options: None,
            peers_dir: "/etc/ppp/peers".into(),
            privileged,
        }
    }
}

/// Reads the options: the files of `context`, then `args`, the command
/// line without the program name. `read` returns a file's contents (for
/// [`read_file`], the file system's); a missing `/etc/ppp/options` is
/// fine for root, as in pppd.
///
/// Parsing stops at `--version`, `--help` or `-h`, leaving
/// [`Options::request`] set.
pub fn parse<A: AsRef<OsStr>>(
    args: &[A],
    context: &Context,
    read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
) -> Result<Options, OptionsError> {
    parse::parse(args, context, read)
}

/// Whether `args` (the command line without the program name) name a
/// PPPoL2TP socket with `pppol2tp <fd>`, judged from the words alone. The
/// binary asks this before [`parse`]: any other command line (PPPoE, a
/// serial line, xl2tpd's pty fallback) belongs to the real pppd, whatever
/// its options.
pub fn mentions_pppol2tp<A: AsRef<OsStr>>(args: &[A]) -> bool {
    parse::mentions_pppol2tp(args)
}

/// The file system's reader for [`parse`] and [`Options::session_config`].
pub fn read_file(path: &str) -> io::Result<Vec<u8>> {
    std::fs::read(path)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_radius;
