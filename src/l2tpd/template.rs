//! A section's parsed PPP configuration, shared by its calls.
//!
//! Under xl2tpd every call's pppd reads `/etc/ppp/options`, the section's
//! `pppoptfile` and the secrets files anew. rppp parses them once per
//! section and tunnel peer and hands every call the same
//! `Arc<SessionConfig>`: a call costs no file reads and no parse, and
//! 10,000 sessions do not hold 10,000 copies of the configuration and of
//! chap-secrets. What xl2tpd users rely on still holds: each call first
//! looks at the files the template was read from (`stat`), and a file
//! that changed (or appeared, or went away) makes that call parse again,
//! so a user added to chap-secrets can dial in at once.
//!
//! The one thing that differs per call, an LNS call's addresses from the
//! `ip range` pools, is the session's [`IpcpAddresses`] over the shared
//! configuration. Whether the call's `LOCAL:REMOTE` word decides an
//! address, or a file read after it (`pppoptfile`) overrides it, is found
//! by parsing the template twice with two different stand-in leases: an
//! address that differs between the two came from the word.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::SystemTime;

use super::config::Lease;
use super::settings::Section;
use super::setup::{Built, CallSetup, RadiusSetup};
use crate::driver::KernelSessionOptions;
use crate::session::{IpcpAddresses, SessionConfig};

/// What a file was when a template read it: its length, modification
/// time and inode; `None` for a file that was not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

/// How a file's [`Stamp`] is taken (the file system's, or a test's).
pub(super) type Stat = fn(&str) -> Option<Stamp>;

/// The file system's [`Stamp`] of `path`.
pub(super) fn stat(path: &str) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
        inode: m.ino(),
    })
}

impl Stamp {
    /// A stamp for tests: `version` stands for the file's content.
    #[cfg(test)]
    pub(super) fn version(version: u64) -> Stamp {
        Stamp {
            len: version,
            modified: None,
            inode: 0,
        }
    }
}

/// Which calls share a template: a section's, from one peer (its words
/// may name the peer, `pass peer`), with leases of one shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct TemplateKey {
    pub(super) section: Section,
    pub(super) peer: Ipv4Addr,
    /// Whether the section's leases have our address, and the peer's.
    pub(super) local: bool,
    pub(super) remote: bool,
}

impl TemplateKey {
    /// The key for a call of `section` from `peer` with `lease`.
    pub(super) fn new(section: Section, peer: Ipv4Addr, lease: Option<&Lease>) -> TemplateKey {
        TemplateKey {
            section,
            peer,
            local: lease.is_some_and(|l| l.local.is_some()),
            remote: lease.is_some_and(|l| l.remote.is_some()),
        }
    }

    /// A stand-in lease of this key's shape; `which` picks one of two
    /// with different addresses (documentation ranges, RFC 5737).
    pub(super) fn stand_in(&self, which: bool) -> Lease {
        let (local, remote) = match which {
            false => (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2)),
            true => (
                Ipv4Addr::new(198, 51, 100, 1),
                Ipv4Addr::new(198, 51, 100, 2),
            ),
        };
        let mut lease = Lease::default();
        lease.local = self.local.then_some(local);
        lease.remote = self.remote.then_some(remote);
        lease
    }
}

/// A section's parsed configuration; see the module.
#[derive(Debug)]
pub(super) struct Template {
    config: Arc<SessionConfig>,
    options: KernelSessionOptions,
    radius: Option<RadiusSetup>,
    /// Every file the parse read (or tried to), with its stamp then.
    files: Vec<(String, Option<Stamp>)>,
    /// Whether the call's lease decides our address, and the peer's.
    lease_local: bool,
    lease_remote: bool,
}

impl Template {
    /// From the parse with the first stand-in lease (`a`, which read
    /// `files`) and, when the lease has addresses, the parse with the
    /// second (`b`).
    pub(super) fn new(
        a: Built,
        b: Option<&SessionConfig>,
        files: Vec<(String, Option<Stamp>)>,
    ) -> Template {
        let Built {
            config,
            kernel: options,
            radius,
        } = a;
        let (lease_local, lease_remote) = b.map_or((false, false), |b| {
            (
                b.ipcp.local != config.ipcp.local,
                b.ipcp.remote != config.ipcp.remote,
            )
        });
        Template {
            config: Arc::new(config),
            options,
            radius,
            files,
            lease_local,
            lease_remote,
        }
    }

    /// Whether every file the template read is as it was.
    pub(super) fn is_current(&self, stat: Stat) -> bool {
        self.files.iter().all(|(path, then)| stat(path) == *then)
    }

    /// A call's configuration: the shared one, with `lease`'s addresses
    /// where the call's word decides them.
    pub(super) fn for_call(&self, lease: Option<&Lease>) -> CallSetup {
        let mut options = self.options.clone();
        if let Some(lease) = lease {
            options.addresses = IpcpAddresses {
                local: lease.local.filter(|_| self.lease_local),
                remote: lease.remote.filter(|_| self.lease_remote),
            };
        }
        CallSetup {
            config: Arc::clone(&self.config),
            kernel: options,
            radius: self.radius.clone(),
        }
    }
}
