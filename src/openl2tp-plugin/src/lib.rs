//! rppp's plugin for openl2tpd: loaded with `openl2tpd -p
//! /usr/lib/openl2tp/rppp.so` in place of ppp_unix.so, it runs every PPP
//! session of the daemon in one rppp Engine, inside openl2tpd's process,
//! where ppp_unix forks and execs one pppd per session.
//!
//! - [`openl2tp_plugin_init`] keeps openl2tpd from loading ppp_unix.so
//!   (`l2tp_inhibit_default_plugin`), starts the Engine on a thread of its
//!   own ([`engine`]), registers the reports pipe with openl2tpd's event
//!   loop ([`reports`]) and installs the session hooks ([`hooks`]),
//!   chaining the ones it replaces.
//! - Session up: the session's settings and PPP profile are read
//!   (shim/shim.c), turned into the words ppp_unix would give pppd
//!   ([`profile`]) and read by rppp's option parser, as rppp reads them
//!   under ppp_unix; the plugin creates the PPPoL2TP socket itself and
//!   hands it to the Engine.
//! - The Engine's events come back as openl2tpd's own calls on its
//!   thread: up/down with unit, interface and user
//!   (`l2tp_session_ppp_updown_ind`), the LNS's ACCMs
//!   (`l2tp_session_ppp_accm_ind`, which sends Set-Link-Info), and the
//!   end of PPP (`l2tp_session_close_event`). Session down closes PPP
//!   with a Terminate-Request; get_stats answers from the Engine.
//! - Limits, as `rppp l2tpd` has them ([`admission`]), set in
//!   openl2tpd's environment ([`settings`]):
//!   - `RPPP_PLUGIN_MAX_SESSIONS=N`: PPP sessions at once;
//!   - `RPPP_PLUGIN_MAX_STARTING=N`: PPP sessions negotiating at once
//!     (not yet in the Network phase);
//!   - `RPPP_PLUGIN_PEER_RATE=R[/BURST]`: new sessions per second from
//!     one peer address (the tunnel's peer), BURST at once (by default
//!     one second's worth).
//!
//!   N is from 1, R above 0, BURST from 1; unset or empty is no limit; a
//!   bad value is logged once, naming the variable, and that limit is
//!   off. A session past a limit never starts PPP: openl2tpd is told its
//!   PPP is over, as when PPP cannot start, and closes the session with
//!   a CDN. Refusals are counted by reason and logged once per 10 s
//!   with their count (`refused 3 session(s): max-sessions reached
//!   (RPPP_PLUGIN_MAX_SESSIONS=100)`); each one at debug level
//!   (`RPPP_PLUGIN_DEBUG`).
//!
//! Licence: GPL-2.0-or-later, as openl2tpd's plugins are; the rest of
//! rppp keeps its own. `unsafe` is denied in the crate and allowed in
//! its two FFI modules, [`ffi`] and [`hooks`], and in the entry points
//! below.

pub(crate) mod admission;
pub(crate) mod engine;
pub(crate) mod ffi;
pub(crate) mod hooks;
pub(crate) mod logging;
pub(crate) mod profile;
pub(crate) mod reports;
pub(crate) mod settings;

use std::ffi::{c_char, c_int};
use std::time::Duration;

/// How long cleanup waits for every session to end.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// The version openl2tpd logs when it loads the plugin.
#[allow(unsafe_code)]
#[no_mangle]
pub static openl2tp_plugin_version: [c_char; 11] = {
    let v = *b"rppp 0.1.0\0";
    let mut out = [0 as c_char; 11];
    let mut i = 0;
    while i < v.len() {
        out[i] = v[i] as c_char;
        i += 1;
    }
    out
};

/// openl2tpd calls this once, on its thread, after daemonizing. On any
/// failure the plugin stays out of the way: ppp_unix.so is not
/// inhibited, and openl2tpd runs pppd as without the plugin.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn openl2tp_plugin_init() -> c_int {
    std::panic::catch_unwind(|| {
        logging::init();
        let (reporter, inbox) = match reports::channel() {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("rppp plugin: cannot make the reports pipe: {e}; ppp_unix stays");
                return -1;
            }
        };
        let limits = admission::Admission::new(settings::from_env());
        if let Some(line) = limits.describe() {
            tracing::info!("{line}");
        }
        let engine = match engine::EngineThread::spawn(reporter.clone(), limits) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("rppp plugin: cannot start the engine: {e}; ppp_unix stays");
                return -1;
            }
        };
        // SAFETY: on openl2tpd's thread, with its event loop initialised
        // (usl_fd_init runs before plugins load); the callback matches
        // usl_fd_callback_fn_t and takes no argument.
        let added = unsafe {
            ffi::usl_fd_add_fd(inbox.fd(), Some(hooks::on_reports), std::ptr::null_mut())
        };
        if added < 0 {
            tracing::error!(
                "rppp plugin: cannot watch the reports pipe (error {added}); ppp_unix stays"
            );
            engine.stop(Duration::ZERO);
            return -1;
        }
        let chained = hooks::install();
        // SAFETY: openl2tpd's global, on its thread, read by it only
        // after every plugin's init.
        unsafe { ffi::l2tp_inhibit_default_plugin = 1 };
        if let Ok(mut p) = hooks::PLUGIN.lock() {
            *p = Some(hooks::Plugin {
                engine,
                reporter,
                inbox,
                chained,
            });
        }
        tracing::info!("rppp plugin: every PPP session runs in this process's engine");
        0
    })
    .unwrap_or(-1)
}

/// openl2tpd calls this when it exits: the hooks go back, every session
/// is closed with a Terminate-Request and waited for (at most
/// [`SHUTDOWN_WAIT`]).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn openl2tp_plugin_cleanup() {
    let _ = std::panic::catch_unwind(|| {
        let plugin = hooks::PLUGIN.lock().ok().and_then(|mut p| p.take());
        let Some(plugin) = plugin else { return };
        hooks::uninstall(plugin.chained);
        // SAFETY: on openl2tpd's thread; the fd was added at init.
        unsafe { ffi::usl_fd_remove_fd(plugin.inbox.fd()) };
        plugin.engine.stop(SHUTDOWN_WAIT);
    });
}
