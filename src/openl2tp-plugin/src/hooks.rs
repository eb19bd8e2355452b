//! openl2tpd's session hooks, as the plugin installs them: each calls the
//! hook it replaced first (plugins chain), then does its part. They run
//! on openl2tpd's event-loop thread and never block on PPP: starting,
//! closing and deleting are commands to the engine's thread; only
//! get_stats waits, for one kernel call, at most [`STATS_WAIT`].
//!
//! Every hook catches panics: none crosses into openl2tpd.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::net::SocketAddrV4;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Duration;

use rppp::kernel::{PppoL2tpAddr, PppoL2tpSocket};
use rppp::options::{self, Context};
use rppp::radius_client::plugin::{self, CallContext};
use rppp::radius_client::TunnelContext;

use crate::engine::{Command, EngineThread, Start};
use crate::ffi::{self, L2tpSession, OlSession, Pppol2tpIocStats, SessionHook, StatsHook, UpHook};
use crate::profile::{option_words, Ids, Refusal};
use crate::reports::{c_text, Inbox, Report, Reporter};

/// How long get_stats waits for the engine.
pub(crate) const STATS_WAIT: Duration = Duration::from_millis(500);

/// The hooks the plugin replaced, called first by its own.
#[derive(Clone, Copy)]
pub(crate) struct Chained {
    created: SessionHook,
    deleted: SessionHook,
    up: UpHook,
    down: SessionHook,
    get_stats: StatsHook,
}

/// Everything the running plugin holds.
pub(crate) struct Plugin {
    pub(crate) engine: EngineThread,
    pub(crate) reporter: Reporter,
    pub(crate) inbox: Inbox,
    pub(crate) chained: Chained,
}

/// The plugin, between init and cleanup. Only openl2tpd's thread takes
/// the lock, so it is never contended.
pub(crate) static PLUGIN: Mutex<Option<Plugin>> = Mutex::new(None);

fn with_plugin<R>(f: impl FnOnce(&Plugin) -> R) -> Option<R> {
    let guard = PLUGIN.lock().ok()?;
    guard.as_ref().map(f)
}

fn chained() -> Option<Chained> {
    with_plugin(|p| p.chained)
}

/// Installs the plugin's hooks, keeping the ones it replaces.
pub(crate) fn install() -> Chained {
    // SAFETY: openl2tpd's hook pointers are plain globals, read and
    // written only on its one thread, which is the thread running
    // openl2tp_plugin_init now; the functions stored have exactly the
    // signatures l2tp_private.h declares.
    unsafe {
        let chained = Chained {
            created: ffi::l2tp_session_created_hook,
            deleted: ffi::l2tp_session_deleted_hook,
            up: ffi::l2tp_session_up_hook,
            down: ffi::l2tp_session_down_hook,
            get_stats: ffi::l2tp_session_get_stats_hook,
        };
        ffi::l2tp_session_created_hook = Some(session_created);
        ffi::l2tp_session_deleted_hook = Some(session_deleted);
        ffi::l2tp_session_up_hook = Some(session_up);
        ffi::l2tp_session_down_hook = Some(session_down);
        ffi::l2tp_session_get_stats_hook = Some(session_get_stats);
        chained
    }
}

/// Puts back the hooks [`install`] replaced.
pub(crate) fn uninstall(chained: Chained) {
    // SAFETY: as in `install`; openl2tp_plugin_cleanup runs on
    // openl2tpd's thread.
    unsafe {
        ffi::l2tp_session_created_hook = chained.created;
        ffi::l2tp_session_deleted_hook = chained.deleted;
        ffi::l2tp_session_up_hook = chained.up;
        ffi::l2tp_session_down_hook = chained.down;
        ffi::l2tp_session_get_stats_hook = chained.get_stats;
    }
}

fn guarded(name: &str, f: impl FnOnce() -> c_int) -> c_int {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        tracing::error!("rppp plugin: the {name} hook panicked");
        -libc::EIO
    })
}

unsafe extern "C" fn session_created(
    session: *const L2tpSession,
    tunnel_id: u16,
    session_id: u16,
) -> c_int {
    guarded("session created", || {
        let Some(c) = chained() else { return 0 };
        // SAFETY: the hook we replaced, called with openl2tpd's own
        // arguments, on its thread.
        c.created
            .map_or(0, |h| unsafe { h(session, tunnel_id, session_id) })
    })
}

unsafe extern "C" fn session_deleted(
    session: *const L2tpSession,
    tunnel_id: u16,
    session_id: u16,
) -> c_int {
    guarded("session deleted", || {
        let Some(c) = chained() else { return 0 };
        // SAFETY: as in session_created.
        let result = c
            .deleted
            .map_or(0, |h| unsafe { h(session, tunnel_id, session_id) });
        let ids = Ids {
            tunnel_id,
            session_id,
        };
        with_plugin(|p| p.engine.send(Command::Deleted(ids)));
        result
    })
}

unsafe extern "C" fn session_down(
    session: *const L2tpSession,
    tunnel_id: u16,
    session_id: u16,
) -> c_int {
    guarded("session down", || {
        let Some(c) = chained() else { return 0 };
        // SAFETY: as in session_created.
        let result = c
            .down
            .map_or(0, |h| unsafe { h(session, tunnel_id, session_id) });
        if result >= 0 {
            let ids = Ids {
                tunnel_id,
                session_id,
            };
            with_plugin(|p| p.engine.send(Command::Close(ids)));
        }
        result
    })
}

unsafe extern "C" fn session_up(
    session: *const L2tpSession,
    tunnel_id: u16,
    session_id: u16,
    peer_tunnel_id: u16,
    peer_session_id: u16,
) -> c_int {
    guarded("session up", || {
        let Some(c) = chained() else { return 0 };
        // SAFETY: as in session_created.
        let result = c.up.map_or(0, |h| unsafe {
            h(
                session,
                tunnel_id,
                session_id,
                peer_tunnel_id,
                peer_session_id,
            )
        });
        if result < 0 {
            return result;
        }
        let mut info = OlSession::zeroed();
        // SAFETY: openl2tpd passes a session that lives for the hook's
        // call; the shim only reads it and writes `info`, a whole
        // `struct rppp_ol_session` (OlSession mirrors it).
        let read = unsafe { ffi::rppp_ol_read(session, &mut *info) };
        let ids = Ids {
            tunnel_id,
            session_id,
        };
        let peer = (peer_tunnel_id, peer_session_id);
        if let Err(e) = start(&info, read, ids, peer) {
            tracing::error!("session {tunnel_id}/{session_id}: cannot run PPP: {e}");
            with_plugin(|p| {
                p.reporter.send(Report::Closed {
                    tunnel_id,
                    session_id,
                })
            });
        }
        0
    })
}

unsafe extern "C" fn session_get_stats(
    session: *const L2tpSession,
    tunnel_id: u16,
    session_id: u16,
    stats: *mut Pppol2tpIocStats,
) -> c_int {
    guarded("get stats", || {
        let Some(c) = chained() else { return 0 };
        // SAFETY: as in session_created.
        let result = c
            .get_stats
            .map_or(0, |h| unsafe { h(session, tunnel_id, session_id, stats) });
        let ids = Ids {
            tunnel_id,
            session_id,
        };
        let Some(Some(s)) = with_plugin(|p| p.engine.stats(ids, STATS_WAIT)) else {
            return result;
        };
        // SAFETY: openl2tpd passes its own `struct pppol2tp_ioc_stats`
        // to fill, valid for the call (Pppol2tpIocStats mirrors it).
        if let Some(out) = unsafe { stats.as_mut() } {
            *out = Pppol2tpIocStats {
                tunnel_id,
                session_id,
                ..Pppol2tpIocStats::from(s)
            };
        }
        0
    })
}

/// Why PPP could not start on a session.
#[derive(Debug)]
enum StartError {
    /// The shim could not read the session (its error number).
    Read(i32),
    Refused(Refusal),
    Options(options::OptionsError),
    Socket(rppp::kernel::Error),
    /// The profile's `plugin radius.so` cannot be used.
    Radius(plugin::PluginError),
    EngineGone,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Read(e) if *e == -libc::ENAMETOOLONG => {
                f.write_str("a name, password or profile name of the session is over 255 bytes")
            }
            StartError::Read(e) => write!(f, "cannot read the session's settings (error {e})"),
            StartError::Refused(r) => r.fmt(f),
            StartError::Options(e) => write!(f, "{e}"),
            StartError::Socket(e) => write!(f, "PPPoL2TP socket: {e}"),
            StartError::Radius(e) => write!(f, "plugin radius.so: {e}"),
            StartError::EngineGone => f.write_str("the engine has stopped"),
        }
    }
}

fn start(info: &OlSession, read: c_int, ids: Ids, peer: (u16, u16)) -> Result<(), StartError> {
    if read < 0 {
        return Err(StartError::Read(read));
    }
    let Some(words) = option_words(info, ids).map_err(StartError::Refused)? else {
        return Ok(());
    };
    tracing::debug!(
        "session {}/{}: options {words:?}",
        ids.tunnel_id,
        ids.session_id
    );
    let mut read_file = options::read_file;
    let o = options::parse(&words.0, &Context::new(true), &mut read_file)
        .map_err(StartError::Options)?;
    // The profile's `plugin radius.so`: its files are read here, as
    // the options files are; the client starts on the engine's thread.
    let radius_setup = plugin::load(&o, &mut read_file).map_err(StartError::Radius)?;
    for w in &o.warnings {
        tracing::warn!("session {}/{}: {w}", ids.tunnel_id, ids.session_id);
    }
    let hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config = o
        .session_config(hostname.as_bytes(), &mut read_file)
        .map_err(StartError::Options)?;
    let socket = PppoL2tpSocket::new().map_err(StartError::Socket)?;
    let peer_addr = std::net::Ipv4Addr::from(u32::from_be(info.peer_addr));
    socket
        .connect(&PppoL2tpAddr {
            tunnel_fd: info.tunnel_fd,
            peer: SocketAddrV4::new(peer_addr, u16::from_be(info.peer_port)),
            tunnel_id: ids.tunnel_id,
            session_id: ids.session_id,
            peer_tunnel_id: peer.0,
            peer_session_id: peer.1,
        })
        .map_err(StartError::Socket)?;
    let lns = info.is_lns != 0;
    let radius = radius_setup.map(|setup| {
        let call = CallContext {
            calling: Some(peer_addr.to_string()),
            called: None,
            // As the LNS, the peer is the tunnel's client.
            tunnel: lns.then(|| TunnelContext {
                client_endpoint: peer_addr.into(),
                server_endpoint: None,
                connection: None,
            }),
            interim_default: setup.interim_default,
            radattr: setup.radattr,
            pools: None,
        };
        Box::new((setup, call))
    });
    let start = Start {
        radius,
        ids,
        peer: peer_addr.into(),
        socket,
        config,
        options: o.kernel_session_options(),
        lns,
    };
    let sent = with_plugin(|p| p.engine.send(Command::Start(Box::new(start))));
    if sent != Some(true) {
        return Err(StartError::EngineGone);
    }
    Ok(())
}

/// openl2tpd's event loop calls this when the engine has reports: each
/// becomes a call to openl2tpd's own functions, here on its thread.
pub(crate) unsafe extern "C" fn on_reports(_fd: c_int, _arg: *mut c_void) {
    let _ = guarded("report", || {
        let reports = with_plugin(|p| p.inbox.take()).unwrap_or_default();
        for report in reports {
            deliver(report);
        }
        0
    });
}

fn deliver(report: Report) {
    match report {
        Report::UpDown {
            tunnel_id,
            session_id,
            up,
            unit,
            ifname,
            user_name,
        } => {
            let ifname = c_text(&ifname);
            let user_name = c_text(&user_name);
            // SAFETY: on openl2tpd's thread; the strings live across the
            // call, and openl2tpd only reads them (it strdup()s what it
            // keeps).
            unsafe {
                ffi::l2tp_session_ppp_updown_ind(
                    tunnel_id,
                    session_id,
                    unit,
                    c_int::from(up),
                    ifname.as_ptr().cast_mut(),
                    user_name.as_ptr().cast_mut(),
                );
            }
        }
        Report::Accm {
            tunnel_id,
            session_id,
            send_accm,
            recv_accm,
        } => {
            // SAFETY: on openl2tpd's thread, plain integers; openl2tpd
            // looks the session up by id and ignores one that is gone.
            unsafe { ffi::l2tp_session_ppp_accm_ind(tunnel_id, session_id, send_accm, recv_accm) }
        }
        Report::Closed {
            tunnel_id,
            session_id,
        } => {
            // SAFETY: as above.
            unsafe { ffi::l2tp_session_close_event(tunnel_id, session_id) }
        }
    }
}
