//! [`ProcessInfo`] for this process: the real user id and its name, the
//! process id, as pppd records them at start-up for its scripts
//! (`pppd/main.c`: `ORIG_UID` from `getuid()`, `PPPLOGNAME` from
//! `getlogin()` or `getpwuid()`, `PPPD_PID` from `getpid()`; `pppd/auth.c`
//! `auth_script`: the user name or the uid in decimal).
//!
//! Read from `/proc/self/status` and `/etc/passwd`, without `unsafe` and
//! without libc's user database calls. `getlogin()` is not tried: it needs
//! a controlling terminal, which the daemons that start pppd do not give
//! it, so pppd falls back to the password database there too.

use super::scripts::ProcessInfo;

impl ProcessInfo {
    /// This process's identity. Never fails: an unreadable
    /// `/proc/self/status` gives uid 0 (rppp runs as root), an unknown user
    /// `(unknown)` as `PPPLOGNAME` and the uid as the auth scripts' user.
    pub fn current() -> Self {
        let uid = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| real_uid(&s))
            .unwrap_or(0);
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        Self::from_parts(uid, passwd_name(&passwd, uid), std::process::id())
    }

    /// The identity of user `uid` named `name` (if it has one), process
    /// `pid`.
    pub fn from_parts(uid: u32, name: Option<&str>, pid: u32) -> Self {
        Self {
            orig_uid: uid,
            login_name: name.unwrap_or("(unknown)").to_owned(),
            user_name: name.map_or_else(|| uid.to_string(), str::to_owned),
            pid,
        }
    }
}

/// The real user id from the `Uid:` line of `/proc/<pid>/status` (real,
/// effective, saved, filesystem).
fn real_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|uid| uid.parse().ok())
}

/// The first name in an `/etc/passwd` text with user id `uid`.
fn passwd_name(passwd: &str, uid: u32) -> Option<&str> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let uid_field = fields.nth(1)?;
        (!name.is_empty() && !name.starts_with('#') && uid_field.parse() == Ok(uid)).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_and_passwd() {
        let status = "Name:\trppp\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
        assert_eq!(real_uid(status), Some(1000));
        assert_eq!(real_uid("Name: x\n"), None);
        let passwd = "# comment\nroot:x:0:0:root:/root:/bin/bash\n\
                      bad line\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1000:1:::\n";
        assert_eq!(passwd_name(passwd, 0), Some("root"));
        assert_eq!(passwd_name(passwd, 1000), Some("alice"));
        assert_eq!(passwd_name(passwd, 7), None);
    }

    #[test]
    fn falls_back_like_pppd() {
        let p = ProcessInfo::from_parts(1234, None, 99);
        assert_eq!(p.login_name, "(unknown)");
        assert_eq!(p.user_name, "1234");
        let p = ProcessInfo::from_parts(0, Some("root"), 99);
        assert_eq!(
            (p.login_name.as_str(), p.user_name.as_str()),
            ("root", "root")
        );
    }

    #[test]
    fn current_process() {
        let p = ProcessInfo::current();
        assert_eq!(p.pid, std::process::id());
        assert!(!p.login_name.is_empty() && !p.user_name.is_empty());
    }
}
