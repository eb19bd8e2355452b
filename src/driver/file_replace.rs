//! Files a session's hooks hand to the system's scripts (pppd's
//! `/etc/ppp/resolv.conf`, radattr.so's `/var/run/radattr.<ifname>`),
//! replaced whole: a temporary file beside the destination, renamed over
//! it, so a reader never sees half a file. Symbolic links are followed,
//! as pppd's `fopen` follows them: OpenWrt ships `/etc/ppp/resolv.conf`
//! as a link to `/tmp/resolv.conf.ppp`, and the link stays a link (the
//! file replaces the link's target, even one that does not exist yet).

use std::io::{self, Write as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

/// How many symbolic links [`replace`] follows before it gives up (the
/// kernel's own limit for a path is 40).
const MAX_LINKS: usize = 40;

/// The file `path` names once its symbolic links are followed: the path
/// itself when it is no link; the link's target, which may not exist yet,
/// when it is one.
fn destination(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::read_link(&p) {
            Ok(target) => {
                p = match p.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                }
            }
            // Not a link (or nothing there): the file itself.
            Err(_) => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links"
    )))
}

/// Replaces the file `path` names (its symbolic links followed) with
/// `bytes`, atomically, with permissions `mode` whatever the umask. The
/// temporary file is removed when anything fails.
///
/// # Errors
/// The file cannot be written or renamed into place.
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let path = &destination(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp: PathBuf = dir.join(format!(".{name}.rppp-{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&temp)?;
        // The umask may have taken bits the readers need.
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.write_all(bytes)?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
