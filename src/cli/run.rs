//! Running sessions from parsed options: one (pppd's command line) or
//! many (`--sessions-file`), on a single-threaded tokio runtime.

use std::ffi::OsString;
use std::sync::Arc;

use rppp::driver::{CloseReason, Engine, EngineEvent, EngineEvents, SessionId};
use rppp::kernel::PppoL2tpSocket;
use rppp::notify::{ProcessInfo, SessionHooks};
use rppp::options::Options;
use rppp::session::{exit, SessionConfig};
use tokio::signal::unix::{signal, SignalKind};

use super::fd_error::{FdError, FdOption};
use super::inherited::{self, Inherited};
use super::{info, logging, radius, read_password, LogTargets};

/// Everything one session needs, checked before anything is started.
struct Prepared {
    options: Options,
    config: SessionConfig,
    socket: PppoL2tpSocket,
    /// `plugin radius.so`'s configuration, loaded.
    radius: Option<radius::Setup>,
}

/// Options rppp reads but does not carry out yet: each is said once.
fn warn_unsupported(o: &Options) {
    let mut not_yet = Vec::new();
    if o.replacedefaultroute && !o.defaultroute {
        // As in pppd, where it only qualifies defaultroute.
        tracing::warn!("replacedefaultroute without defaultroute: no default route is set");
    }
    if o.updetach {
        not_yet.push("updetach (rppp stays in the foreground)");
    }
    if o.logfd.is_some() {
        not_yet.push("logfd");
    }
    if !o.env.is_empty() {
        not_yet.push("set/unset (scripts get pppd's own environment only)");
    }
    if o.child_timeout != Options::default().child_timeout {
        not_yet.push("child-timeout (each script has its own 60 s limit)");
    }
    if o.show_password {
        not_yet.push("show-password (passwords are never logged)");
    }
    let s = &o.scripts;
    if s.ip_pre_up.is_some()
        || s.ip_up.is_some()
        || s.ip_down.is_some()
        || s.ipv6_up.is_some()
        || s.ipv6_down.is_some()
    {
        not_yet.push("*-script paths (the scripts in /etc/ppp run)");
    }
    for option in not_yet {
        tracing::warn!("{option}: not carried out by this version of rppp");
    }
}

fn prepare(mut o: Options, fds: Inherited) -> Result<Prepared, (u8, String)> {
    for w in &o.warnings {
        tracing::warn!("{w}");
    }

    warn_unsupported(&o);
    read_password(&mut o, fds.password).map_err(|e| (exit::FATAL_ERROR, e))?;
    let hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config = o
        .session_config(hostname.as_bytes(), &mut rppp::options::read_file)
        .map_err(|e| {
            (
                u8::try_from(e.exit_code()).unwrap_or(exit::FATAL_ERROR),
                e.to_string(),
            )
        })?;
    // plugin radius.so: its files are read here, before anything starts.
    let radius = radius::load(&o)?;
    let fd = fds
        .socket
        .ok_or((exit::OPTION_ERROR, "no pppol2tp fd".to_string()))?
        .map_err(|e| (exit::FATAL_ERROR, e.to_string()))?;
    let number = o.pppol2tp.fd.unwrap_or(-1);
    let socket = PppoL2tpSocket::from_inherited(fd).map_err(|e| {
        let e = FdError::os(FdOption::Pppol2tp, number, e.errno());
        (exit::FATAL_ERROR, e.to_string())
    })?;
    Ok(Prepared {
        options: o,
        config,
        socket,
        radius,
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            tracing::error!("cannot start the runtime: {e}");
            exit::FATAL_ERROR
        })
}

/// One session: pppd's command line.
pub(crate) fn single(o: Options) -> u8 {
    if let Some(request) = o.request {
        return info(request);
    }
    // Before logging opens its file or socket (see inherited::take).
    let fds = inherited::take(std::slice::from_ref(&o))
        .pop()
        .unwrap_or_default();
    let targets = LogTargets::pppd(o.debug > 0, o.logfile.clone(), o.nodetach);
    if let Err(e) = logging::init(&targets) {
        eprintln!("rppp: {e}");
        return exit::OPTION_ERROR;
    }
    if o.dump || o.dryrun {
        // pppd's `dump` and `dryrun`: print the options in force (passwords
        // stay hidden); `dryrun` then exits.
        eprintln!("rppp: options in force: {o:#?}");
    }
    if o.dryrun {
        return exit::OK;
    }
    let detach = !o.nodetach && !o.updetach;
    let prepared = match prepare(o, fds) {
        Ok(p) => p,
        Err((code, e)) => {
            tracing::error!("{e}");
            eprintln!("rppp: {e}");
            return code;
        }
    };
    if detach {
        // pppd forks into the background unless told not to; the parent
        // exits 0 at once. xl2tpd and openl2tpd always pass nodetach.
        if let Err(e) = nix::unistd::daemon(false, false) {
            tracing::error!("cannot detach: {e}");
            return exit::FATAL_ERROR;
        }
    }
    let Ok(rt) = runtime() else {
        return exit::FATAL_ERROR;
    };
    rt.block_on(async move {
        let (engine, events) = match Engine::new() {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("cannot start the engine (its netlink sockets): {e}");
                return exit::FATAL_ERROR;
            }
        };
        let Prepared {
            options,
            config,
            socket,
            radius: setup,
        } = prepared;
        let mut radius = radius::Radius::default();
        if let Some(setup) = setup {
            if let Err(e) = radius.start(setup).await {
                tracing::error!("{e}");
                return exit::FATAL_ERROR;
            }
        }
        let id = add(
            &engine,
            &radius,
            options,
            config,
            socket,
            ProcessInfo::current(),
        );
        let code = drive(&engine, events, vec![id]).await;
        radius.shutdown().await;
        code
    })
}

/// Adds one prepared session to the engine, with pppd's scripts as its
/// hooks and RADIUS around them when `plugin radius.so` started a client.
fn add(
    engine: &Engine,
    radius: &radius::Radius,
    options: Options,
    config: SessionConfig,
    socket: PppoL2tpSocket,
    process: ProcessInfo,
) -> SessionId {
    let kernel = options.kernel_session_options();
    let scripts = SessionHooks::new(&options, process);
    match radius.hooks(&options, scripts) {
        Ok(hooks) => engine.add_kernel_session(socket, Arc::new(config), kernel, hooks),
        Err(scripts) => engine.add_kernel_session(socket, Arc::new(config), kernel, scripts),
    }
}

/// Waits for every session to end, closing them all on SIGTERM, SIGINT or
/// SIGHUP (pppd: Terminate-Request, then exit 5); the sessions' hooks do
/// the rest. Returns the single session's exit code, or for many: 0 when
/// every session ended with 0 or 5, 1 otherwise.
async fn drive(engine: &Engine, mut events: EngineEvents, ids: Vec<SessionId>) -> u8 {
    let signals = [
        SignalKind::terminate(),
        SignalKind::interrupt(),
        SignalKind::hangup(),
    ];
    let mut streams = Vec::new();
    for kind in signals {
        match signal(kind) {
            Ok(s) => streams.push(s),
            Err(e) => tracing::warn!("cannot catch signal {kind:?}: {e}"),
        }
    }
    let n = ids.len();
    let mut codes: Vec<(SessionId, u8)> = Vec::with_capacity(n);
    let mut signalled = false;
    while codes.len() < n {
        let any_signal = async {
            if streams.is_empty() {
                return std::future::pending::<()>().await;
            }
            let futures = streams.iter_mut().map(|s| Box::pin(s.recv()));
            futures_util::future::select_all(futures).await;
        };
        tokio::select! {
            event = events.next() => {
                let Some((id, event)) = event else { break };
                if let EngineEvent::Ended(e) = &event {
                    if n > 1 {
                        // Scripts read this line: "exit code N (reason)".
                        tracing::info!("session {id} ended: exit code {} ({})", e.exit_code, e.reason);
                    }
                    codes.push((id, e.exit_code));
                }
            }
            () = any_signal => {
                tracing::info!("Terminating on signal");
                if !signalled {
                    signalled = true;
                    for &id in &ids {
                        // A session that already ended is not there.
                        let _ = engine.close(id, CloseReason::UserRequest);
                    }
                }
            }
        }
    }
    if n == 1 {
        return codes.first().map_or(exit::FATAL_ERROR, |&(_, c)| c);
    }
    let ok = codes.len() == n
        && codes
            .iter()
            .all(|&(_, c)| matches!(c, exit::OK | exit::USER_REQUEST));
    if ok {
        exit::OK
    } else {
        exit::FATAL_ERROR
    }
}

/// Raises the soft limit on open files to the hard one: each session holds
/// three fds (the PPPoL2TP socket, the channel, the unit).
fn raise_fd_limit(sessions: usize) {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return;
    };
    let want = (3 * sessions as u64 + 64).min(hard);
    if want > soft {
        if let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, want, hard) {
            tracing::warn!("cannot raise the open-file limit to {want}: {e}");
        }
    }
}

/// What the multi-session mode serves besides its sessions.
#[derive(Debug, Default)]
pub(crate) struct ServerFlags {
    /// `--ctl PATH`: the control socket (else the default path).
    pub(crate) ctl: Option<std::path::PathBuf>,
    /// `--metrics ADDR:PORT`: Prometheus metrics (else none).
    pub(crate) metrics: Option<std::net::SocketAddr>,
    /// `--metrics-per-session`: per-session byte and packet counters.
    pub(crate) metrics_per_session: bool,
}

/// Many sessions in one process: `--sessions-file FILE [common options]`.
pub(crate) fn multi(args: &[OsString], server: ServerFlags) -> u8 {
    let Some(file) = args.first() else {
        eprintln!("rppp: --sessions-file needs a file");
        return exit::OPTION_ERROR;
    };
    let common = &args[1..];
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "rppp: --sessions-file {}: {}",
                file.to_string_lossy(),
                rppp::kernel::os_error_text(&e)
            );
            return exit::OPTION_ERROR;
        }
    };
    let mut all = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let words: Vec<OsString> = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .map(OsString::from)
            .collect();
        if words.is_empty() {
            continue;
        }
        let mut session_args = common.to_vec();
        session_args.extend(words);
        match super::parse(&session_args) {
            Ok(o) => all.push(o),
            Err(code) => {
                eprintln!("rppp: in {} line {}", file.to_string_lossy(), number + 1);
                return code;
            }
        }
    }
    let Some(first) = all.first() else {
        eprintln!("rppp: {} names no session", file.to_string_lossy());
        return exit::OPTION_ERROR;
    };
    // Before logging opens its file or socket (see inherited::take).
    let fds = inherited::take(&all);
    let targets = LogTargets::pppd(first.debug > 0, first.logfile.clone(), first.nodetach)
        .with_session_context();
    let targets_show_stderr = targets.stderr;
    if let Err(e) = logging::init(&targets) {
        eprintln!("rppp: {e}");
        return exit::OPTION_ERROR;
    }
    raise_fd_limit(all.len());
    let mut prepared = Vec::new();
    // A session that never started did not end with 0 or 5: the exit
    // code is 1 then, as for one that ended otherwise.
    let mut setup_failed = false;
    for (i, (o, fds)) in all.into_iter().zip(fds).enumerate() {
        match prepare(o, fds) {
            Ok(p) => prepared.push(p),
            // A session's setup failure is that session's alone.
            Err((code, e)) => {
                setup_failed = true;
                tracing::error!("session {i}: {e} (exit code {code})");
                if !targets_show_stderr {
                    eprintln!("rppp: session {i}: {e} (exit code {code})");
                }
            }
        }
    }
    let Ok(rt) = runtime() else {
        return exit::FATAL_ERROR;
    };
    rt.block_on(async move {
        let (engine, events) = match Engine::new() {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("cannot start the engine (its netlink sockets): {e}");
                return exit::FATAL_ERROR;
            }
        };
        let process = ProcessInfo::current();
        let mut radius = radius::Radius::default();
        let mut ids = Vec::new();
        for mut p in prepared {
            if let Some(setup) = p.radius.take() {
                if let Err(e) = radius.start(setup).await {
                    // That session's alone, as its other setup failures.
                    tracing::error!("{e}");
                    setup_failed = true;
                    continue;
                }
            }
            ids.push(add(
                &engine,
                &radius,
                p.options,
                p.config,
                p.socket,
                process.clone(),
            ));
        }
        // The control socket and the metrics endpoint live as long as
        // the sessions do.
        let control = control_socket(&engine, server.ctl).await;
        let metrics = metrics_endpoint(&engine, server.metrics, server.metrics_per_session).await;
        let code = drive(&engine, events, ids).await;
        for task in [control, metrics].into_iter().flatten() {
            task.abort();
        }
        radius.shutdown().await;
        if setup_failed {
            exit::FATAL_ERROR
        } else {
            code
        }
    })
}

#[cfg(not(feature = "ctl"))]
async fn control_socket(
    _: &Engine,
    path: Option<std::path::PathBuf>,
) -> Option<tokio::task::JoinHandle<()>> {
    if path.is_some() {
        tracing::warn!("--ctl: this build has no control socket (feature ctl)");
    }
    None
}

#[cfg(not(feature = "metrics"))]
async fn metrics_endpoint(
    _: &Engine,
    addr: Option<std::net::SocketAddr>,
    _: bool,
) -> Option<tokio::task::JoinHandle<()>> {
    if addr.is_some() {
        tracing::warn!("--metrics: this build has no metrics (feature metrics)");
    }
    None
}

/// Serves `GET /metrics` at `addr`, when given, while the sessions run.
/// An address that cannot be bound is said once and the sessions run
/// without metrics.
#[cfg(feature = "metrics")]
async fn metrics_endpoint(
    engine: &Engine,
    addr: Option<std::net::SocketAddr>,
    per_session: bool,
) -> Option<tokio::task::JoinHandle<()>> {
    use rppp::metrics::{MetricsOptions, MetricsServer};
    let addr = addr?;
    match MetricsServer::bind(addr).await {
        Ok(server) => {
            let bound = server.local_addr().unwrap_or(addr);
            tracing::info!("metrics at http://{bound}/metrics");
            let options = MetricsOptions::default().per_session(per_session);
            Some(tokio::spawn(server.serve(engine.clone(), options)))
        }
        Err(e) => {
            tracing::warn!("no metrics endpoint at {addr}: {e}");
            None
        }
    }
}

/// Serves the control socket at `path` (or the default one) while the
/// sessions run. Another rppp answering there, or a path that cannot be
/// made, is said once and the sessions run without one.
#[cfg(feature = "ctl")]
async fn control_socket(
    engine: &Engine,
    path: Option<std::path::PathBuf>,
) -> Option<tokio::task::JoinHandle<()>> {
    let path = path.unwrap_or_else(|| rppp::ctl::DEFAULT_SOCKET.into());
    match rppp::ctl::ControlSocket::bind(&path).await {
        Ok(socket) => {
            tracing::info!("control socket {}", socket.path().display());
            Some(tokio::spawn(socket.serve(engine.clone())))
        }
        Err(e) => {
            tracing::warn!(
                "no control socket at {}: {e} (give --ctl PATH)",
                path.display()
            );
            None
        }
    }
}
