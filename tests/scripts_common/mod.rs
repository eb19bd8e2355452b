//! What the script tests share: scripts written into a temporary
//! directory (under a lock, see [`EXEC_LOCK`]), recorder scripts and what
//! they recorded, the session the scripts are run for, and a runner.
//!
//! A test crate that declares `mod scripts_common;` declares `mod common;`
//! too, for [`TempDir`], and uses only part of this.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use rppp::notify::{Ipv4Info, Ipv6Info, LinkStats, ProcessInfo, ScriptContext, ScriptRunner};

use crate::common::TempDir;

/// Writing an executable while another thread forks can make a later exec
/// of it fail with ETXTBSY (the forked child briefly holds the write
/// descriptor). Scripts are written under the write lock; anything that
/// may spawn holds a read lock.
pub(crate) static EXEC_LOCK: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// A temporary directory as a script directory.
impl TempDir {
    /// Writes `dir/name` with `body` and permission bits `mode`.
    pub(crate) fn script(&self, name: &str, body: &str, mode: u32) {
        // Called from async tests: poll rather than block the runtime
        // (each test has its own thread and runtime).
        let _w = loop {
            match EXEC_LOCK.try_write() {
                Ok(w) => break w,
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        };
        let p = self.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A script that records its arguments and its initial environment
    /// (NUL-separated) in `<name>.args` and `<name>.env`.
    pub(crate) fn recorder(&self, name: &str) {
        let out = self.join(name);
        let out = out.display();
        self.script(
            name,
            &format!(
                "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{out}.args'\n/bin/cat /proc/$$/environ > '{out}.env'\n"
            ),
            0o755,
        );
    }

    /// What a recorder script recorded: (arguments, environment).
    pub(crate) fn recorded(&self, name: &str) -> (Vec<String>, Vec<String>) {
        let read = |ext: &str| -> Vec<String> {
            let raw = std::fs::read(self.join(&format!("{name}.{ext}"))).unwrap();
            let text = String::from_utf8(raw).unwrap();
            let mut v: Vec<String> = text.split('\0').map(str::to_owned).collect();
            assert_eq!(v.pop().as_deref(), Some(""), "NUL-terminated");
            v
        };
        (read("args"), read("env"))
    }
}

/// An LNS session as xl2tpd starts it, with everything up.
pub(crate) fn session() -> ScriptContext {
    ScriptContext {
        process: ProcessInfo::current(),
        ifname: "ppp0".into(),
        unit: Some(0),
        ipparam: Some("198.51.100.20".into()),
        linkname: Some("l2tp-42162-58224".into()),
        peer_name: Some("lac".into()),
        ipv4: Some(Ipv4Info {
            local: Ipv4Addr::new(10, 201, 0, 1),
            remote: Some(Ipv4Addr::new(10, 201, 0, 2)),
            dns: [Some(Ipv4Addr::new(192, 0, 2, 53)), None],
            wins: [None; 2],
        }),
        ipv6: Some(Ipv6Info {
            local_id: [0x02, 0, 0, 0, 0, 0, 0, 1],
            remote_id: [0x02, 0, 0, 0, 0, 0, 0, 2],
        }),
        stats: Some(LinkStats {
            connect_time: 12,
            bytes_sent: 3456,
            bytes_rcvd: 7890,
        }),
        ..ScriptContext::default()
    }
}

pub(crate) fn runner(dir: &TempDir, timeout_ms: u64) -> ScriptRunner {
    ScriptRunner::new(dir.path(), Duration::from_millis(timeout_ms))
}

pub(crate) fn pairs(env: &[(String, String)]) -> Vec<String> {
    let mut v: Vec<String> = env.iter().map(|(k, val)| format!("{k}={val}")).collect();
    v.sort();
    v
}
