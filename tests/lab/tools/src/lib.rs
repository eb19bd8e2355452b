//! Shared code of the lab's tools: network namespaces, static L2TPv2 data
//! paths built directly in the kernel (no control plane), spawning a PPP
//! engine on a session fd the way an L2TP daemon does, and reading a
//! process's memory figures.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io;
use std::net::{SocketAddrV4, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};

use nix::fcntl::{fcntl, FcntlArg, FdFlag};
use nix::sched::{setns, CloneFlags};
use rppp::kernel::{PppoL2tpAddr, PppoL2tpSocket};

/// A boxed error with a message that says what failed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Build an error from a message.
pub fn err(msg: impl Into<String>) -> BoxError {
    msg.into().into()
}

/// Move the calling thread into the network namespace `/run/netns/<name>`
/// (as made by `ip netns add`). Sockets keep the namespace they were made
/// in; children inherit the one current when they are spawned.
pub fn enter_netns(name: &str) -> Result<(), BoxError> {
    let path = format!("/run/netns/{name}");
    let f = File::open(&path).map_err(|e| err(format!("open {path}: {e}")))?;
    setns(f.as_fd(), CloneFlags::CLONE_NEWNET).map_err(|e| err(format!("setns({path}): {e}")))?;
    Ok(())
}

/// One side of a static L2TPv2 tunnel: the UDP socket and the kernel's
/// tunnel, made through a PPPoL2TP tunnel-management socket (session ids
/// 0/0), as xl2tpd does. Dropping it closes both, which deletes the tunnel.
#[derive(Debug)]
pub struct StaticTunnel {
    udp: UdpSocket,
    _mgmt: PppoL2tpSocket,
    peer: SocketAddrV4,
    /// Our tunnel id.
    pub tunnel_id: u16,
    /// The peer's tunnel id.
    pub peer_tunnel_id: u16,
}

impl StaticTunnel {
    /// Bind `local`, connect to `peer`, and register tunnel `tunnel_id`
    /// (peer's id `peer_tunnel_id`) with the kernel.
    pub fn open(
        local: SocketAddrV4,
        peer: SocketAddrV4,
        tunnel_id: u16,
        peer_tunnel_id: u16,
    ) -> Result<Self, BoxError> {
        let udp = UdpSocket::bind(local).map_err(|e| err(format!("bind UDP {local}: {e}")))?;
        udp.connect(peer)
            .map_err(|e| err(format!("connect UDP {local} -> {peer}: {e}")))?;
        let mgmt = PppoL2tpSocket::new()?;
        mgmt.connect(&PppoL2tpAddr {
            tunnel_fd: udp.as_raw_fd(),
            peer,
            tunnel_id,
            session_id: 0,
            peer_tunnel_id,
            peer_session_id: 0,
        })
        .map_err(|e| err(format!("tunnel {tunnel_id}: {e}")))?;
        Ok(StaticTunnel {
            udp,
            _mgmt: mgmt,
            peer,
            tunnel_id,
            peer_tunnel_id,
        })
    }

    /// A connected session socket: session `session_id`, the peer's `peer_session_id`.
    pub fn session(
        &self,
        session_id: u16,
        peer_session_id: u16,
    ) -> Result<PppoL2tpSocket, BoxError> {
        let s = PppoL2tpSocket::new()?;
        s.connect(&PppoL2tpAddr {
            tunnel_fd: self.udp.as_raw_fd(),
            peer: self.peer,
            tunnel_id: self.tunnel_id,
            session_id,
            peer_tunnel_id: self.peer_tunnel_id,
            peer_session_id,
        })
        .map_err(|e| {
            err(format!(
                "tunnel {} session {session_id}: {e}",
                self.tunnel_id
            ))
        })?;
        Ok(s)
    }
}

/// Start a PPP engine on a session socket as an L2TP daemon does:
/// `<engine> plugin pppol2tp.so pppol2tp <fd> [pppol2tp_lns_mode
/// pppol2tp_tunnel_id T pppol2tp_session_id S] <extra>`, with stdin from
/// /dev/null, stdout and stderr inherited, and the session fd as the only
/// other open fd (everything else this process opens is close-on-exec).
/// Our copy of the fd is closed once the child has it, so the session ends
/// with the engine.
pub fn spawn_engine(
    engine: &str,
    session: PppoL2tpSocket,
    lns: Option<(u16, u16)>,
    extra: &[String],
) -> Result<Child, BoxError> {
    let fd: OwnedFd = session.into_fd();
    let raw = fd.as_raw_fd();
    let mut args: Vec<String> = vec![
        "plugin".into(),
        "pppol2tp.so".into(),
        "pppol2tp".into(),
        raw.to_string(),
    ];
    if let Some((tid, sid)) = lns {
        args.extend([
            "pppol2tp_lns_mode".into(),
            "pppol2tp_tunnel_id".into(),
            tid.to_string(),
            "pppol2tp_session_id".into(),
            sid.to_string(),
        ]);
    }
    args.extend(extra.iter().cloned());
    // Only this fd loses close-on-exec, and only for this spawn (the tool is
    // single-threaded, so no other spawn can inherit it meanwhile).
    fcntl(fd.as_fd(), FcntlArg::F_SETFD(FdFlag::empty()))
        .map_err(|e| err(format!("fcntl(F_SETFD) on fd {raw}: {e}")))?;
    let child = Command::new(engine)
        .args(&args)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| err(format!("spawn {engine}: {e}")));
    drop(fd);
    child
}

/// One session for [`spawn_engine_multi`]: its socket, the LNS ids (for
/// the LNS side) and its own engine arguments.
pub type MultiSession = (PppoL2tpSocket, Option<(u16, u16)>, Vec<String>);

/// Start one engine for many sessions, as rppp's multi-session mode takes
/// them: `<engine> --sessions-file FILE plugin pppol2tp.so`, where each
/// line of FILE is one session's `pppol2tp <fd> [pppol2tp_lns_mode
/// pppol2tp_tunnel_id T pppol2tp_session_id S] <args>`. Every session fd
/// is inherited by that one process.
pub fn spawn_engine_multi(
    engine: &str,
    sessions: Vec<MultiSession>,
    file: &str,
) -> Result<Child, BoxError> {
    let mut text = String::new();
    let mut fds = Vec::new();
    for (session, lns, extra) in sessions {
        let fd: OwnedFd = session.into_fd();
        let raw = fd.as_raw_fd();
        text.push_str(&format!("pppol2tp {raw}"));
        if let Some((tid, sid)) = lns {
            text.push_str(&format!(
                " pppol2tp_lns_mode pppol2tp_tunnel_id {tid} pppol2tp_session_id {sid}"
            ));
        }
        for a in extra {
            text.push(' ');
            text.push_str(&a);
        }
        text.push('\n');
        fcntl(fd.as_fd(), FcntlArg::F_SETFD(FdFlag::empty()))
            .map_err(|e| err(format!("fcntl(F_SETFD) on fd {raw}: {e}")))?;
        fds.push(fd);
    }
    std::fs::write(file, text).map_err(|e| err(format!("write {file}: {e}")))?;
    let child = Command::new(engine)
        .args(["--sessions-file", file, "plugin", "pppol2tp.so"])
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| err(format!("spawn {engine}: {e}")));
    drop(fds);
    child
}

/// Raises the soft limit on open files so that `needed` fds fit (up to the
/// hard limit, which a child inherits too). The kernel starts PID 1 at
/// 1024 soft / 4096 hard: 1,000 static sessions need two sockets each.
pub fn raise_fd_limit(needed: u64) -> Result<(), BoxError> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) =
        getrlimit(Resource::RLIMIT_NOFILE).map_err(|e| err(format!("getrlimit(NOFILE): {e}")))?;
    if needed <= soft {
        return Ok(());
    }
    if needed > hard {
        return Err(err(format!(
            "{needed} open files needed, but RLIMIT_NOFILE's hard limit is {hard}"
        )));
    }
    setrlimit(Resource::RLIMIT_NOFILE, hard, hard)
        .map_err(|e| err(format!("setrlimit(NOFILE, {hard}): {e}")))
}

/// A process's memory: resident set (counts shared libraries in full) and
/// proportional set size (shares divided among the processes mapping them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS` of /proc/PID/status, KiB.
    pub rss_kib: u64,
    /// `Pss` of /proc/PID/smaps_rollup, KiB.
    pub pss_kib: u64,
}

fn kib_field(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Read the memory figures of process `pid`.
pub fn memory_of(pid: u32) -> io::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))?;
    let bad = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("no {what} for pid {pid}"),
        )
    };
    Ok(Memory {
        rss_kib: kib_field(&status, "VmRSS:").ok_or_else(|| bad("VmRSS"))?,
        pss_kib: kib_field(&rollup, "Pss:").ok_or_else(|| bad("Pss"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kib_fields() {
        let t = "Name:\tpppd\nVmRSS:\t    3456 kB\nPss_Anon: 12 kB\nPss:    789 kB\n";
        assert_eq!(kib_field(t, "VmRSS:"), Some(3456));
        assert_eq!(kib_field(t, "Pss:"), Some(789));
        assert_eq!(kib_field(t, "VmSwap:"), None);
        assert_eq!(kib_field("VmRSS: lots kB", "VmRSS:"), None);
    }
}
