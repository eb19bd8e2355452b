//! A real FreeRADIUS 3 for the RADIUS client's tests (Debian's
//! `freeradius` package; `RPPP_FREERADIUS` names another binary).
//!
//! [`FreeRadius::configure`] copies `/etc/freeradius/3.0` into a temp
//! dir and rewrites it: one virtual server listening on 127.0.0.1 on free
//! ports for authentication and accounting, a client with the test
//! secret and `require_message_authenticator = yes`, the test users in
//! `mods-config/files/authorize` (PAP, CHAP and MS-CHAPv2 against
//! Cleartext-Password), accounting written by the `detail` module to a
//! file in the temp dir, and a Message-Authenticator on every Access-Accept
//! and -Reject (FreeRADIUS 3.2.1 predates BlastRADIUS and adds one only
//! when asked; rppp's client requires it) except the Accept of user
//! `legacy`, which stands for an unpatched server. Access-Reject is not delayed
//! (`reject_delay = 0`: the tests' timeouts are short). It runs as the
//! current user (radiusd.conf's `user` and `group` are commented out).
//!
//! [`FreeRadius::start`] runs `freeradius -X -d <dir>` and waits for
//! "Ready to process requests" and an answer to `radclient`'s
//! Status-Server; Drop kills it and removes the temp dir.
//! Without FreeRADIUS the tests are skipped with a printed note, unless
//! `RPPP_REQUIRE_FREERADIUS=1` (as `tests/run-all.sh` sets), which fails
//! them.

#![allow(dead_code, unreachable_pub)]

pub mod client;

use std::fs;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The shared secret of the test client.
pub const SECRET: &str = "rppp-test-secret";

/// Test users: name, Cleartext-Password.
pub const PAP_USER: (&str, &str) = ("alice", "alice-pap-pw");
/// A CHAP-MD5 user.
pub const CHAP_USER: (&str, &str) = ("bob", "bob-chap-pw");
/// An MS-CHAPv2 user.
pub const MSCHAPV2_USER: (&str, &str) = ("carol", "carol-ms-pw");
/// A user with a two-second Session-Timeout and a DNS server.
pub const SHORT_USER: (&str, &str) = ("dave", "dave-pw");

/// A user of realm example.net (radrealms.so's tests).
pub const REALM_USER: (&str, &str) = ("erin@example.net", "erin-pw");

/// A PAP user whose Access-Accept comes without Message-Authenticator,
/// as from a server not fixed for BlastRADIUS.
pub const LEGACY_USER: (&str, &str) = ("legacy", "legacy-pw");

const USERS: &str = r#"alice Cleartext-Password := "alice-pap-pw"
	Framed-IP-Address = 10.64.0.7,
	Session-Timeout = 3600,
	Class = "rppp-class-alice",
	Framed-Route = "192.168.77.0/24 0.0.0.0 3",
	Filter-Id = "std.in",
	Reply-Message = "welcome alice"

bob Cleartext-Password := "bob-chap-pw"
	Framed-IP-Address = 255.255.255.254,
	Session-Timeout = 600

legacy Cleartext-Password := "legacy-pw"
	Session-Timeout = 60

carol Cleartext-Password := "carol-ms-pw"
	Framed-IP-Address = 10.64.0.9,
	Framed-MTU = 1280,
	Framed-IP-Netmask = 255.255.255.248,
	Session-Timeout = 1800

dave Cleartext-Password := "dave-pw"
	Session-Timeout = 2,
	MS-Primary-DNS-Server = 192.0.2.53

erin@example.net Cleartext-Password := "erin-pw"
	Framed-IP-Address = 10.64.0.11
"#;

const SITE: &str = r#"server rppp {
listen {
	type = auth
	ipaddr = 127.0.0.1
	port = @AUTH@
}
listen {
	type = acct
	ipaddr = 127.0.0.1
	port = @ACCT@
}
authorize {
	chap
	mschap
	files
	pap
}
authenticate {
	Auth-Type PAP {
		pap
	}
	Auth-Type CHAP {
		chap
	}
	Auth-Type MS-CHAP {
		mschap
	}
}
preacct {
}
accounting {
	detail
}
post-auth {
	if (&User-Name != "legacy") {
		update reply {
			&Message-Authenticator := 0x00
		}
	}
	Post-Auth-Type REJECT {
		update reply {
			&Message-Authenticator := 0x00
		}
	}
}
}
"#;

/// Modules kept from the Debian defaults; the others (eap needs
/// certificates, sql and the like need services) are removed.
const MODULES: &[&str] = &[
    "always",
    "attr_filter",
    "chap",
    "expr",
    "files",
    "mschap",
    "pap",
    "preprocess",
];

/// The FreeRADIUS binary, or `None` (after printing why) when the test
/// should be skipped. Panics when `RPPP_REQUIRE_FREERADIUS=1` and it is
/// missing.
pub fn freeradius_binary() -> Option<PathBuf> {
    let bin = std::env::var_os("RPPP_FREERADIUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/freeradius"));
    let conf = Path::new("/etc/freeradius/3.0/radiusd.conf");
    if bin.exists() && conf.exists() {
        return Some(bin);
    }
    if std::env::var("RPPP_REQUIRE_FREERADIUS").is_ok_and(|v| v == "1") {
        panic!(
            "RPPP_REQUIRE_FREERADIUS=1 and no {} with /etc/freeradius/3.0: \
             apt-get install freeradius freeradius-utils",
            bin.display()
        );
    }
    eprintln!(
        "skipped: no {} (Debian package freeradius) to test the RADIUS client against",
        bin.display()
    );
    None
}

/// A port on 127.0.0.1 that nothing listens on (just now).
pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind a UDP port")
        .port()
}

/// A FreeRADIUS with its own configuration directory.
pub struct FreeRadius {
    bin: PathBuf,
    dir: PathBuf,
    child: Option<Child>,
    /// The authentication port on 127.0.0.1.
    pub auth_port: u16,
    /// The accounting port on 127.0.0.1.
    pub acct_port: u16,
}

impl FreeRadius {
    /// Writes the configuration; does not start the server. `None` when
    /// the test is to be skipped.
    pub fn configure() -> Option<FreeRadius> {
        static N: AtomicU32 = AtomicU32::new(0);
        let bin = freeradius_binary()?;
        let dir = std::env::temp_dir().join(format!(
            "rppp-freeradius-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create the temp dir");
        let raddb = dir.join("raddb");
        // certs/ may be unreadable to a non-root user; what is copied is
        // checked below.
        let _ = Command::new("cp")
            .arg("-a")
            .arg("/etc/freeradius/3.0")
            .arg(&raddb)
            .status();
        assert!(
            raddb.join("radiusd.conf").exists(),
            "copy of /etc/freeradius/3.0 failed"
        );
        let (auth_port, acct_port) = (free_udp_port(), free_udp_port());
        for sub in ["sites-enabled", "mods-enabled"] {
            for e in fs::read_dir(raddb.join(sub)).unwrap().flatten() {
                let name = e.file_name();
                let keep = sub == "mods-enabled" && MODULES.iter().any(|m| name == *m);
                if !keep {
                    fs::remove_file(e.path()).unwrap();
                }
            }
        }
        let site = SITE
            .replace("@AUTH@", &auth_port.to_string())
            .replace("@ACCT@", &acct_port.to_string());
        fs::write(raddb.join("sites-enabled/rppp"), site).unwrap();
        let detail = format!(
            "detail {{\n\tfilename = {}\n\tescape_filenames = no\n\tpermissions = 0600\n\theader = \"%t\"\n\tlocking = no\n}}\n",
            dir.join("detail").display()
        );
        fs::write(raddb.join("mods-enabled/detail"), detail).unwrap();
        fs::write(
            raddb.join("clients.conf"),
            format!(
                "client localhost {{\n\tipaddr = 127.0.0.1\n\tsecret = {SECRET}\n\trequire_message_authenticator = yes\n}}\n"
            ),
        )
        .unwrap();
        fs::write(raddb.join("mods-config/files/authorize"), USERS).unwrap();
        let conf = fs::read_to_string(raddb.join("radiusd.conf")).unwrap();
        let conf: Vec<String> = conf
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if l.starts_with("logdir =") {
                    format!("logdir = {}", dir.display())
                } else if l.starts_with("run_dir =") {
                    format!("run_dir = {}", dir.display())
                } else if t.starts_with("user =") || t.starts_with("group =") {
                    format!("#{l}")
                } else if t.starts_with("reject_delay =") {
                    // Rejects at once: the tests' timeouts are short.
                    "\treject_delay = 0".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect();
        fs::write(raddb.join("radiusd.conf"), conf.join("\n")).unwrap();
        Some(FreeRadius {
            bin,
            dir,
            child: None,
            auth_port,
            acct_port,
        })
    }

    /// Configures and starts one.
    pub fn start_new() -> Option<FreeRadius> {
        let mut f = FreeRadius::configure()?;
        f.start();
        Some(f)
    }

    /// Starts the server and waits until it is ready.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log_path = self.dir.join("freeradius.log");
        let log = fs::File::create(&log_path).unwrap();
        let child = Command::new(&self.bin)
            .arg("-X")
            .arg("-d")
            .arg(self.dir.join("raddb"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = fs::read_to_string(&log_path).unwrap_or_default();
            if text.contains("Ready to process requests") && self.answers_status_server() {
                return;
            }
            if let Ok(Some(status)) = self.child.as_mut().unwrap().try_wait() {
                panic!(
                    "freeradius exited with {status} before it was ready:\n{}",
                    tail(&text)
                );
            }
            if Instant::now() > deadline {
                panic!("freeradius not ready after 30 s:\n{}", tail(&text));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the server answers `radclient`'s Status-Server (RFC 5997)
    /// on the authentication port; true without radclient (the log line
    /// alone then says it is ready).
    fn answers_status_server(&self) -> bool {
        let radclient = Path::new("/usr/bin/radclient");
        if !radclient.exists() {
            return true;
        }
        let probe = Command::new(radclient)
            .args(["-q", "-r", "1", "-t", "1"])
            .arg(self.auth_addr().to_string())
            .args(["status", SECRET])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut probe) = probe else { return true };
        if let Some(mut stdin) = probe.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(b"Message-Authenticator = 0x00\n");
        }
        probe.wait().is_ok_and(|s| s.success())
    }

    /// The authentication address.
    pub fn auth_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.auth_port))
    }

    /// The accounting address.
    pub fn acct_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.acct_port))
    }

    /// The temp dir (removed on drop), for a test's own files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The accounting detail file so far.
    pub fn detail(&self) -> String {
        fs::read_to_string(self.dir.join("detail")).unwrap_or_default()
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("freeradius.log")).unwrap_or_default()
    }

    /// Waits up to `timeout` for the detail file to satisfy `f`.
    pub async fn wait_detail(&self, timeout: Duration, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let d = self.detail();
            if f(&d) {
                return d;
            }
            if Instant::now() > deadline {
                panic!(
                    "detail file not as expected:\n{d}\nlog:\n{}",
                    tail(&self.log())
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

impl Drop for FreeRadius {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}
