//! pppd's `usepeerdns`: the DNS servers the peer gave, written to
//! `/etc/ppp/resolv.conf` when IPCP comes up, for the system's resolver
//! configuration to pick up (Debian's `ip-up.d/0000usepeerdns`, OpenWrt's
//! `ppp-up`).
//!
//! pppd (`pppd/ipcp.c`, `ipcp_up` and `create_resolv`; the path is
//! `_PATH_RESOLV` in `pathnames.h`): when `usepeerdns` is set and the peer
//! gave at least one address (RFC 1877 section 1.1, Primary-DNS-Address
//! 129, and 1.3, Secondary-DNS-Address 131), it replaces the file with
//! one `nameserver A.B.C.D` line for the primary, then one for the
//! secondary unless it repeats the primary; nothing is written when the
//! peer gave none. The file is written again each time IPCP comes up, and
//! left alone when it goes down (pppd does not remove it; the `ip-down`
//! scripts restore the system's configuration). A file that cannot be
//! written is an error in the log, never the end of the session.
//!
//! Where pppd truncates the file in place, rppp writes a temporary file
//! beside it and renames it over the old one, so a reader never sees half
//! a file; the mode is 0644 whatever the umask, as resolv.conf files are.
//! A symbolic link is followed, as pppd's `fopen` follows it: OpenWrt
//! ships `/etc/ppp/resolv.conf` as a link to `/tmp/resolv.conf.ppp`, so
//! that the file lives in RAM, and the link must stay a link (the file
//! replaces the link's target, even one that does not exist yet).

use std::fmt::Write as _;
use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use crate::driver::file_replace;

/// pppd's `_PATH_RESOLV`.
pub const RESOLV_CONF_PATH: &str = "/etc/ppp/resolv.conf";

/// The file's text for the DNS servers the peer gave: `None` when it gave
/// none (then pppd writes nothing).
pub fn contents(dns: [Option<Ipv4Addr>; 2]) -> Option<String> {
    let [primary, secondary] = dns;
    let secondary = secondary.filter(|s| Some(*s) != primary);
    let mut text = String::new();
    for a in [primary, secondary].into_iter().flatten() {
        let _ = writeln!(text, "nameserver {a}");
    }
    (!text.is_empty()).then_some(text)
}

/// Replaces the file `path` names (its symbolic links followed) with
/// `text`, atomically, mode 0644 ([`file_replace::replace`]).
pub fn replace(path: &Path, text: &str) -> io::Result<()> {
    file_replace::replace(path, text.as_bytes(), 0o644)
}

/// IPCP is up with these DNS servers: writes `path` as pppd does, and
/// says why not in the log when it cannot.
pub fn write_peer_dns(path: &Path, dns: [Option<Ipv4Addr>; 2]) {
    let Some(text) = contents(dns) else {
        return;
    };
    if let Err(e) = replace(path, &text) {
        tracing::error!("Failed to create {}: {e}", path.display());
    }
}

/// The hooks of a session that runs no scripts (`rppp l2tpd`'s): with
/// `usepeerdns` in its options, resolv.conf when IPCP comes up; nothing
/// otherwise. (The `rppp` command's [`SessionHooks`](super::SessionHooks)
/// write it beside the scripts.)
#[derive(Debug, Default, Clone)]
pub struct PeerDnsHooks {
    path: Option<PathBuf>,
}

impl PeerDnsHooks {
    /// The hooks for a session configured with `config`.
    pub fn for_config(config: &crate::session::SessionConfig) -> PeerDnsHooks {
        PeerDnsHooks {
            path: config
                .ipcp
                .use_peer_dns
                .then(|| PathBuf::from(RESOLV_CONF_PATH)),
        }
    }

    /// Writes to `path` rather than pppd's `/etc/ppp/resolv.conf` (a
    /// test, a chroot), if the session has `usepeerdns`.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> PeerDnsHooks {
        if self.path.is_some() {
            self.path = Some(path.into());
        }
        self
    }
}

impl crate::driver::Hooks for PeerDnsHooks {
    fn ip_pre_up(
        &mut self,
        info: &crate::driver::IpPreUp,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        if let Some(path) = &self.path {
            write_peer_dns(path, info.dns);
        }
        std::future::ready(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 53);
    const B: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 53);

    #[test]
    fn one_nameserver_line_per_address_the_peer_gave() {
        assert_eq!(
            contents([Some(A), Some(B)]).as_deref(),
            Some("nameserver 192.0.2.53\nnameserver 198.51.100.53\n")
        );
        assert_eq!(
            contents([None, Some(B)]).as_deref(),
            Some("nameserver 198.51.100.53\n")
        );
        assert_eq!(
            contents([Some(A), None]).as_deref(),
            Some("nameserver 192.0.2.53\n")
        );
    }

    #[test]
    fn a_secondary_that_repeats_the_primary_is_written_once() {
        assert_eq!(
            contents([Some(A), Some(A)]).as_deref(),
            Some("nameserver 192.0.2.53\n")
        );
    }

    #[test]
    fn no_address_no_file() {
        assert_eq!(contents([None, None]), None);
    }

    #[test]
    fn the_file_is_replaced_whole_with_mode_0644() {
        let dir = std::env::temp_dir().join(format!("rppp-resolv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("resolv.conf");
        std::fs::write(&path, "nameserver 203.0.113.1\nsearch old.example\n").unwrap();
        write_peer_dns(&path, [Some(A), Some(B)]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "nameserver 192.0.2.53\nnameserver 198.51.100.53\n"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // Nothing left beside it.
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // No DNS: the file stays as it was.
        write_peer_dns(&path, [None, None]);
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("192.0.2.53"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// OpenWrt: /etc/ppp/resolv.conf -> /tmp/resolv.conf.ppp, the
    /// target not there yet after a boot. The link stays a link.
    #[test]
    fn a_symbolic_link_is_followed_and_stays_a_link() {
        let base = std::env::temp_dir().join(format!("rppp-resolv-link-{}", std::process::id()));
        let (etc, tmp) = (base.join("etc-ppp"), base.join("tmp"));
        std::fs::create_dir_all(&etc).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        let link = etc.join("resolv.conf");
        std::os::unix::fs::symlink("../tmp/resolv.conf.ppp", &link).unwrap();
        for dns in [[Some(A), None], [Some(B), Some(A)]] {
            write_peer_dns(&link, dns);
            assert!(std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
            assert_eq!(
                std::fs::read_to_string(tmp.join("resolv.conf.ppp")).unwrap(),
                contents(dns).unwrap()
            );
        }
        assert_eq!(std::fs::read_dir(&etc).unwrap().count(), 1);
        assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 1);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_loop_of_links_is_an_error_not_a_hang() {
        let base = std::env::temp_dir().join(format!("rppp-resolv-loop-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        std::os::unix::fs::symlink("b", base.join("a")).unwrap();
        std::os::unix::fs::symlink("a", base.join("b")).unwrap();
        assert!(replace(&base.join("a"), "nameserver 192.0.2.53\n").is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_directory_that_does_not_exist_is_an_error_not_a_panic() {
        let path = Path::new("/nonexistent-rppp-dir/resolv.conf");
        assert!(replace(path, "nameserver 192.0.2.53\n").is_err());
        write_peer_dns(path, [Some(A), None]);
    }
}
