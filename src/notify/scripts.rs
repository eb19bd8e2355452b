//! What pppd passes to its scripts: the path, the arguments and the
//! environment of `/etc/ppp/ip-up` and the others, computed from a typed
//! description of the session. Pure: no I/O (the
//! [`script_runner`](super::script_runner) runs them).
//!
//! From pppd(8) "SCRIPTS" and the sources (`pppd/main.c` `run_program`,
//! `script_setenv`, `set_ifunit`, `update_link_stats`; `pppd/ipcp.c`
//! `ipcp_up`, `ipcp_down`, `ipcp_script`; `pppd/ipv6cp.c` `ipv6cp_script`;
//! `pppd/auth.c` `network_phase`, `link_down`, `auth_script`):
//!
//! | script | when pppd runs it | arguments |
//! |---|---|---|
//! | `auth-up` | the peer authenticated itself to us (`network_phase`) | ifname peer-name user tty speed |
//! | `auth-down` | LCP leaves Opened, if `auth-up` ran (`link_down`) | as `auth-up` |
//! | `ip-pre-up` | IPCP opened, addresses set, interface still down; pppd **waits** for it | ifname tty speed local remote \[ipparam\] |
//! | `ip-up` | IPCP opened, interface up (after the openl2tp "up" event) | as `ip-pre-up` |
//! | `ip-down` | IPCP left Opened, interface down | as `ip-pre-up` |
//! | `ipv6-up` | IPv6CP opened | ifname tty speed local-LL remote-LL \[ipparam\] |
//! | `ipv6-down` | IPv6CP left Opened | as `ipv6-up` |
//!
//! `ipparam` is the 6th argument only when the `ipparam` option was given
//! (pppd passes `NULL`, ending the list, otherwise). The tty is pppd's
//! `devnam`: the pppol2tp plugin never sets it (`setdevname_pppol2tp` only
//! switches the channel), so under PPPoL2TP it is the empty string, and the
//! speed is `baud_rate`, 0. `user` in the auth scripts is the name of
//! pppd's real user id (`getpwuid(getuid())`, or the number).
//!
//! pppd runs scripts with an environment that holds only its own variables
//! (`execve(prog, args, script_env)`): no `PATH` (Debian's `/etc/ppp/ip-up`
//! sets its own "because the environment is cleared"), no `IPPARAM` (the
//! value is only an argument). The variables accumulate over the life of
//! the process, so each script sees everything known so far:
//! - at start-up: `ORIG_UID`, `PPPLOGNAME`, `DEVICE` (only if the tty name
//!   is not empty, so never under PPPoL2TP), `PPPD_PID`, `LINKNAME` (with
//!   `linkname`), `CALL_FILE` (with `call`);
//! - when the unit exists: `IFNAME`, `UNIT`;
//! - after the peer authenticated: `PEERNAME`;
//! - when IPCP opens: `IPLOCAL`, `IPREMOTE` (unless 0.0.0.0), `DNS1`/`DNS2`
//!   (the addresses the peer gave when we asked, with `usepeerdns`),
//!   `USEPEERDNS=1` (if it gave one), `WINS1`/`WINS2`/`USEPEERWINS` alike;
//! - when IPv6CP opens: `LLLOCAL`, `LLREMOTE` (`fe80::` and the interface
//!   identifier in four groups of four hex digits, pppd's `llv6_ntoa`);
//! - for the down scripts: `CONNECT_TIME`, `BYTES_SENT`, `BYTES_RCVD`.
//!
//! `SPEED` is set only by pppd's tty channel, so never under PPPoL2TP.
//! No variable and no argument ever holds a password: [`ScriptContext`]
//! has no field for one.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

/// Where pppd looks for its scripts.
pub const DEFAULT_SCRIPT_DIR: &str = "/etc/ppp";

/// One of pppd's scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// `auth-up`.
    AuthUp,
    /// `auth-down`.
    AuthDown,
    /// `ip-pre-up`.
    IpPreUp,
    /// `ip-up`.
    IpUp,
    /// `ip-down`.
    IpDown,
    /// `ipv6-up`.
    Ipv6Up,
    /// `ipv6-down`.
    Ipv6Down,
}

impl Script {
    /// Every script, in the order a session reaches them.
    pub const ALL: [Script; 7] = [
        Script::AuthUp,
        Script::IpPreUp,
        Script::IpUp,
        Script::Ipv6Up,
        Script::Ipv6Down,
        Script::IpDown,
        Script::AuthDown,
    ];

    /// The file name under the script directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::AuthUp => "auth-up",
            Self::AuthDown => "auth-down",
            Self::IpPreUp => "ip-pre-up",
            Self::IpUp => "ip-up",
            Self::IpDown => "ip-down",
            Self::Ipv6Up => "ipv6-up",
            Self::Ipv6Down => "ipv6-down",
        }
    }

    /// A script run when something goes down, which receives the link
    /// statistics.
    pub fn is_down(self) -> bool {
        matches!(self, Self::AuthDown | Self::IpDown | Self::Ipv6Down)
    }

    /// pppd waits for this script before going on (only `ip-pre-up`: the
    /// interface is brought up when it has finished); it starts the others
    /// and carries on.
    pub fn pppd_waits(self) -> bool {
        self == Self::IpPreUp
    }
}

/// Facts about the process that pppd puts in every script's environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessInfo {
    /// `ORIG_UID`: the real user id.
    pub orig_uid: u32,
    /// `PPPLOGNAME`: the login name of the real user (pppd tries
    /// `getlogin()`, then the password database, then `(unknown)`).
    pub login_name: String,
    /// The auth scripts' third argument: the real user's name from the
    /// password database, or the user id in decimal.
    pub user_name: String,
    /// `PPPD_PID`: the process id.
    pub pid: u32,
}

/// IPCP's outcome, for the IPv4 scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Info {
    /// Our address (`IPLOCAL`).
    pub local: Ipv4Addr,
    /// The peer's address (`IPREMOTE`), if it has one (pppd passes
    /// `0.0.0.0` as the argument and sets no variable otherwise).
    pub remote: Option<Ipv4Addr>,
    /// DNS servers the peer gave us because we asked (`usepeerdns`).
    pub dns: [Option<Ipv4Addr>; 2],
    /// NBNS (WINS) servers the peer gave us because we asked
    /// (`usepeerwins`).
    pub wins: [Option<Ipv4Addr>; 2],
}

/// IPv6CP's outcome: the two interface identifiers, in wire order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Info {
    /// Our interface identifier (`LLLOCAL`).
    pub local_id: [u8; 8],
    /// The peer's interface identifier (`LLREMOTE`).
    pub remote_id: [u8; 8],
}

/// Link statistics for the down scripts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// `CONNECT_TIME`: seconds since the network layer came up.
    pub connect_time: u64,
    /// `BYTES_SENT`.
    pub bytes_sent: u64,
    /// `BYTES_RCVD`.
    pub bytes_rcvd: u64,
}

/// Everything known about a session when a script runs. Fill in what is
/// known so far (`None` for what is not); [`invocation`] derives the
/// arguments and environment the way pppd would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptContext {
    /// The process (`ORIG_UID`, `PPPLOGNAME`, `PPPD_PID`, the auth user).
    pub process: ProcessInfo,
    /// pppd's `devnam`, the tty argument and `DEVICE`: empty under
    /// PPPoL2TP.
    pub device: String,
    /// The speed argument: 0 under PPPoL2TP.
    pub speed: u32,
    /// The `linkname` option (`LINKNAME`).
    pub linkname: Option<String>,
    /// The `call` option (`CALL_FILE`).
    pub call_file: Option<String>,
    /// The `ipparam` option (the IP scripts' 6th argument).
    pub ipparam: Option<String>,
    /// The interface name (`IFNAME`); empty before the unit exists.
    pub ifname: String,
    /// The unit number (`UNIT`).
    pub unit: Option<u32>,
    /// The name the peer authenticated with (`PEERNAME`).
    pub peer_name: Option<String>,
    /// Set once IPCP has opened.
    pub ipv4: Option<Ipv4Info>,
    /// Set once IPv6CP has opened.
    pub ipv6: Option<Ipv6Info>,
    /// The link's statistics, given to the down scripts only.
    pub stats: Option<LinkStats>,
}

/// How to run one script: what `execve` gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Which script.
    pub script: Script,
    /// The program, also passed as `argv[0]`.
    pub path: PathBuf,
    /// `argv[1..]`.
    pub args: Vec<String>,
    /// The whole environment, in the order pppd would have built it.
    pub env: Vec<(String, String)>,
}

/// pppd's `llv6_ntoa`: `fe80::` and the identifier as four groups of four
/// lower-case hex digits (no zero compression).
pub fn link_local(id: &[u8; 8]) -> String {
    format!(
        "fe80::{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}",
        id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]
    )
}

/// The path, arguments and environment of `script` under `dir`.
pub fn invocation(dir: &Path, script: Script, ctx: &ScriptContext) -> Invocation {
    Invocation {
        script,
        path: dir.join(script.file_name()),
        args: arguments(script, ctx),
        env: environment(script, ctx),
    }
}

fn arguments(script: Script, ctx: &ScriptContext) -> Vec<String> {
    let speed = ctx.speed.to_string();
    match script {
        Script::AuthUp | Script::AuthDown => vec![
            ctx.ifname.clone(),
            ctx.peer_name.clone().unwrap_or_default(),
            ctx.process.user_name.clone(),
            ctx.device.clone(),
            speed,
        ],
        Script::IpPreUp | Script::IpUp | Script::IpDown => {
            let v4 = ctx.ipv4.as_ref();
            let local = v4.map_or(Ipv4Addr::UNSPECIFIED, |i| i.local);
            let remote = v4.and_then(|i| i.remote).unwrap_or(Ipv4Addr::UNSPECIFIED);
            ip_args(ctx, speed, local.to_string(), remote.to_string())
        }
        Script::Ipv6Up | Script::Ipv6Down => {
            let v6 = ctx.ipv6.unwrap_or(Ipv6Info {
                local_id: [0; 8],
                remote_id: [0; 8],
            });
            ip_args(
                ctx,
                speed,
                link_local(&v6.local_id),
                link_local(&v6.remote_id),
            )
        }
    }
}

fn ip_args(ctx: &ScriptContext, speed: String, local: String, remote: String) -> Vec<String> {
    let mut args = vec![ctx.ifname.clone(), ctx.device.clone(), speed, local, remote];
    args.extend(ctx.ipparam.clone());
    args
}

fn environment(script: Script, ctx: &ScriptContext) -> Vec<(String, String)> {
    let mut env = Vec::with_capacity(24);
    let mut set = |k: &str, v: String| env.push((k.to_owned(), v));
    let p = &ctx.process;
    set("ORIG_UID", p.orig_uid.to_string());
    set("PPPLOGNAME", p.login_name.clone());
    if !ctx.device.is_empty() {
        set("DEVICE", ctx.device.clone());
    }
    set("PPPD_PID", p.pid.to_string());
    if let Some(l) = &ctx.linkname {
        set("LINKNAME", l.clone());
    }
    if let Some(c) = &ctx.call_file {
        set("CALL_FILE", c.clone());
    }
    if !ctx.ifname.is_empty() {
        set("IFNAME", ctx.ifname.clone());
    }
    if let Some(u) = ctx.unit {
        set("UNIT", u.to_string());
    }
    if let Some(n) = &ctx.peer_name {
        set("PEERNAME", n.clone());
    }
    if let Some(v4) = &ctx.ipv4 {
        set("IPLOCAL", v4.local.to_string());
        if let Some(r) = v4.remote.filter(|r| !r.is_unspecified()) {
            set("IPREMOTE", r.to_string());
        }
        servers(&mut set, "DNS", "USEPEERDNS", &v4.dns);
        servers(&mut set, "WINS", "USEPEERWINS", &v4.wins);
    }
    if let Some(v6) = &ctx.ipv6 {
        set("LLLOCAL", link_local(&v6.local_id));
        set("LLREMOTE", link_local(&v6.remote_id));
    }
    if let (true, Some(s)) = (script.is_down(), &ctx.stats) {
        set("CONNECT_TIME", s.connect_time.to_string());
        set("BYTES_SENT", s.bytes_sent.to_string());
        set("BYTES_RCVD", s.bytes_rcvd.to_string());
    }
    env
}

/// `DNS1`/`DNS2` and `USEPEERDNS=1`, or the WINS equivalents.
fn servers(
    set: &mut impl FnMut(&str, String),
    prefix: &str,
    flag: &str,
    addrs: &[Option<Ipv4Addr>; 2],
) {
    let mut any = false;
    for (i, a) in addrs.iter().enumerate() {
        if let Some(a) = a.filter(|a| !a.is_unspecified()) {
            set(&format!("{prefix}{}", i + 1), a.to_string());
            any = true;
        }
    }
    if any {
        set(flag, "1".to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process() -> ProcessInfo {
        ProcessInfo {
            orig_uid: 0,
            login_name: "root".into(),
            user_name: "root".into(),
            pid: 4242,
        }
    }

    fn env_of(inv: &Invocation) -> Vec<String> {
        inv.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    /// An LNS session under xl2tpd: no ipparam, PPPoL2TP (no tty).
    fn lns() -> ScriptContext {
        ScriptContext {
            process: process(),
            ifname: "ppp0".into(),
            unit: Some(0),
            peer_name: Some("lac".into()),
            ipv4: Some(Ipv4Info {
                local: Ipv4Addr::new(10, 201, 0, 1),
                remote: Some(Ipv4Addr::new(10, 201, 0, 2)),
                dns: [None; 2],
                wins: [None; 2],
            }),
            ..ScriptContext::default()
        }
    }

    #[test]
    fn ip_up_under_pppol2tp() {
        let inv = invocation(Path::new("/etc/ppp"), Script::IpUp, &lns());
        assert_eq!(inv.path, Path::new("/etc/ppp/ip-up"));
        assert_eq!(inv.args, ["ppp0", "", "0", "10.201.0.1", "10.201.0.2"]);
        assert_eq!(
            env_of(&inv),
            [
                "ORIG_UID=0",
                "PPPLOGNAME=root",
                "PPPD_PID=4242",
                "IFNAME=ppp0",
                "UNIT=0",
                "PEERNAME=lac",
                "IPLOCAL=10.201.0.1",
                "IPREMOTE=10.201.0.2",
            ]
        );
    }

    #[test]
    fn ipparam_is_the_sixth_argument_and_not_a_variable() {
        let ctx = ScriptContext {
            ipparam: Some("192.0.2.7".into()),
            ..lns()
        };
        for s in [Script::IpPreUp, Script::IpUp, Script::IpDown] {
            let inv = invocation(Path::new("/x"), s, &ctx);
            assert_eq!(inv.args.len(), 6);
            assert_eq!(inv.args[5], "192.0.2.7");
            assert!(inv.env.iter().all(|(k, _)| k != "IPPARAM"));
        }
        let inv = invocation(Path::new("/x"), Script::Ipv6Up, &ctx);
        assert_eq!(inv.args[5], "192.0.2.7");
        let inv = invocation(Path::new("/x"), Script::AuthUp, &ctx);
        assert_eq!(inv.args.len(), 5);
    }

    #[test]
    fn down_scripts_get_statistics_up_scripts_do_not() {
        let ctx = ScriptContext {
            stats: Some(LinkStats {
                connect_time: 61,
                bytes_sent: 5_000_000_000,
                bytes_rcvd: 7,
            }),
            ..lns()
        };
        for s in Script::ALL {
            let env = env_of(&invocation(Path::new("/x"), s, &ctx));
            let has = env.contains(&"CONNECT_TIME=61".to_owned())
                && env.contains(&"BYTES_SENT=5000000000".to_owned())
                && env.contains(&"BYTES_RCVD=7".to_owned());
            assert_eq!(has, s.is_down(), "{s:?}");
        }
    }

    #[test]
    fn dns_wins_device_linkname() {
        let mut ctx = lns();
        ctx.device = "/dev/pts/3".into();
        ctx.speed = 115_200;
        ctx.linkname = Some("l2tp-7".into());
        ctx.call_file = Some("isp".into());
        if let Some(v4) = ctx.ipv4.as_mut() {
            v4.dns = [Some(Ipv4Addr::new(192, 0, 2, 53)), None];
            v4.wins = [None, Some(Ipv4Addr::new(192, 0, 2, 99))];
            v4.remote = None;
        }
        let inv = invocation(Path::new("/x"), Script::IpUp, &ctx);
        assert_eq!(
            inv.args,
            ["ppp0", "/dev/pts/3", "115200", "10.201.0.1", "0.0.0.0"]
        );
        assert_eq!(
            env_of(&inv),
            [
                "ORIG_UID=0",
                "PPPLOGNAME=root",
                "DEVICE=/dev/pts/3",
                "PPPD_PID=4242",
                "LINKNAME=l2tp-7",
                "CALL_FILE=isp",
                "IFNAME=ppp0",
                "UNIT=0",
                "PEERNAME=lac",
                "IPLOCAL=10.201.0.1",
                "DNS1=192.0.2.53",
                "USEPEERDNS=1",
                "WINS2=192.0.2.99",
                "USEPEERWINS=1",
            ]
        );
    }

    #[test]
    fn ipv6_scripts_use_link_local_addresses() {
        let ctx = ScriptContext {
            ipv4: None,
            ipv6: Some(Ipv6Info {
                local_id: [0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, 0x01],
                remote_id: [0, 0, 0, 0, 0, 0, 0, 2],
            }),
            ..lns()
        };
        let inv = invocation(Path::new("/etc/ppp"), Script::Ipv6Up, &ctx);
        assert_eq!(inv.path, Path::new("/etc/ppp/ipv6-up"));
        assert_eq!(
            inv.args,
            [
                "ppp0",
                "",
                "0",
                "fe80::0200:5eff:fe00:5301",
                "fe80::0000:0000:0000:0002"
            ]
        );
        let env = env_of(&inv);
        assert!(env.contains(&"LLLOCAL=fe80::0200:5eff:fe00:5301".to_owned()));
        assert!(env.contains(&"LLREMOTE=fe80::0000:0000:0000:0002".to_owned()));
        assert!(!env.iter().any(|e| e.starts_with("IPLOCAL")));
    }

    #[test]
    fn auth_scripts() {
        let mut ctx = lns();
        ctx.process.user_name = "0".into();
        let inv = invocation(Path::new("/etc/ppp"), Script::AuthUp, &ctx);
        assert_eq!(inv.path, Path::new("/etc/ppp/auth-up"));
        assert_eq!(inv.args, ["ppp0", "lac", "0", "", "0"]);
        ctx.peer_name = None;
        let inv = invocation(Path::new("/etc/ppp"), Script::AuthDown, &ctx);
        assert_eq!(inv.args, ["ppp0", "", "0", "", "0"]);
        assert!(!inv.env.iter().any(|(k, _)| k == "PEERNAME"));
    }

    #[test]
    fn file_names_and_waiting() {
        let names: Vec<_> = Script::ALL.iter().map(|s| s.file_name()).collect();
        assert_eq!(
            names,
            [
                "auth-up",
                "ip-pre-up",
                "ip-up",
                "ipv6-up",
                "ipv6-down",
                "ip-down",
                "auth-down"
            ]
        );
        assert!(Script::ALL
            .iter()
            .all(|s| s.pppd_waits() == (*s == Script::IpPreUp)));
        assert!(!invocation(Path::new("/x"), Script::IpUp, &lns())
            .env
            .iter()
            .any(|(k, _)| k == "PATH" || k == "SPEED"));
    }
}
