//! xl2tpd's configuration, read as xl2tpd reads it (xl2tpd.conf(5),
//! l2tp-secrets(5), and xl2tpd's `file.c` and `aaa.c`), so that rppp's
//! daemon starts from the files users already have.
//!
//! # xl2tpd.conf
//!
//! [`parse`] turns the text into a typed [`Config`]: `[global]`, `[lns
//! default]` and `[lns NAME]`, `[lac NAME]` (and `[lac default]`). A line
//! is a section header or `key = value`; `;` starts a comment anywhere;
//! keys match in any case; yes/no values are xl2tpd's (`yes`, `y`, `true`,
//! `no`, `n`, `false`); `ip range`, `local ip range` and `lac` take an
//! address or a range `A - B` whose end may give only its last fields,
//! and may be given several times, with `no ip range` / `no lac` to
//! exclude (the last rule containing an address decides, [`Ranges`]). A
//! section header naming a section seen before reopens it.
//!
//! An unknown section or key, a key in the wrong section, a line that is
//! neither, and a bad value are a [`ConfigError`] naming the file, the
//! line, the key and what was expected. Keys rppp accepts but cannot
//! honour (`ipsec saref`, `saref refinfo`, the `debug` switches, `force
//! userspace`, `rand source`, `cap backoff`, `length bit`, `call rws`,
//! `flow bit`) leave a [`Warning`] in [`Config::warnings`], with file and
//! line, for the caller to log.
//!
//! Departures from xl2tpd, each on the safe side:
//! - addresses are dotted quads: host names are not looked up (except a
//!   LAC's `lns`, kept as written for the dialler);
//! - a number is the whole value (`tunnel rws = 4x` is an error), and
//!   `max retries`, `port`, `redial timeout` have upper bounds;
//! - `unix authentication = yes` is an error (rppp, like its pppd
//!   options, has no `login`);
//! - an l2tp-secrets line without a secret is an error, not skipped.
//!
//! `[lns default]` does not lend its keys to other sections (xl2tpd's man
//! page says it does; its code does not): it is the section for peers no
//! named one admits ([`Config::lns_for`]).
//!
//! # l2tp-secrets
//!
//! [`L2tpSecrets`]: `us them secret` lines (our host name, the peer's, the
//! tunnel secret; `*` matches any name), `#` or `;` comments.
//! [`L2tpSecrets::secret_for`] finds the first line matching both names.
//!
//! # Addresses
//!
//! [`AddressPool`] hands out `ip range` and `local ip range` addresses per
//! session, as xl2tpd's `get_addr` orders them, never one address to two
//! sessions at once.
//!
//! Reading is pure: files come through the caller's `read` function
//! ([`load`], [`L2tpSecrets::load`]), [`read_file`] is the real one.

mod error;
mod keys;
mod parse;
mod pool;
mod secrets;
mod types;
mod value;

use std::io;

pub use error::{ConfigError, ErrorKind, Warning};
pub use pool::{AddressPool, Lease, PoolError, PoolSide};
pub use secrets::{L2tpSecrets, SecretLine};
pub use types::{
    Common, Config, Global, IpRange, Lac, Lns, LnsHost, PppAuth, RangeRule, Ranges, Sense,
    DEFAULT_AUTH_FILE, DEFAULT_PORT,
};

/// xl2tpd's configuration file.
pub const DEFAULT_CONFIG_FILE: &str = "/etc/xl2tpd/xl2tpd.conf";

/// Parses `text`, the xl2tpd.conf at `path` (named in errors and warnings).
pub fn parse(path: &str, text: &[u8]) -> Result<Config, ConfigError> {
    parse::parse(path, text)
}

/// Reads the xl2tpd.conf at `path` through `read` and parses it.
pub fn load(
    path: &str,
    read: &mut dyn FnMut(&str) -> io::Result<Vec<u8>>,
) -> Result<Config, ConfigError> {
    let text = read(path).map_err(|e| unreadable(path, &e))?;
    parse(path, &text)
}

/// The file system's reader for [`load`] and [`L2tpSecrets::load`].
pub fn read_file(path: &str) -> io::Result<Vec<u8>> {
    std::fs::read(path)
}

fn unreadable(path: &str, e: &io::Error) -> ConfigError {
    ConfigError::at(
        path,
        0,
        ErrorKind::Unreadable {
            reason: crate::kernel::os_error_text(e),
        },
    )
}

#[cfg(test)]
mod tests;
