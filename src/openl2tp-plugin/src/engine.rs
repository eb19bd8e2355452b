//! The Engine on its own thread: a current-thread tokio runtime that runs
//! every PPP session of the daemon. openl2tpd's hooks send it
//! [`Command`]s over an unbounded channel (the hooks must not block on a
//! slow engine); what the sessions do comes back as [`Report`]s through
//! [`Reporter`], for openl2tpd's own thread to act on. A session past
//! the limits ([`Admission`]) is refused here, before PPP starts on it.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rppp::driver::{
    CloseReason, Ended, Engine, EngineEvent, EngineEvents, Hooks, KernelSessionOptions, SessionId,
};
use rppp::kernel::{L2tpStats, PppoL2tpSocket};
use rppp::radius_client::plugin::{CallContext, Clients, Setup};
use rppp::session::{SessionConfig, SessionEvent};
use tokio::sync::mpsc;

use crate::admission::{Admission, LOG_INTERVAL};
use crate::profile::Ids;
use crate::reports::{Report, Reporter};

/// A session ready to run: its socket is connected, its options read.
/// (`S` is the session's data path: its PPPoL2TP socket, or a fake one
/// in tests.)
pub(crate) struct Start<S = PppoL2tpSocket> {
    pub(crate) ids: Ids,
    /// The tunnel's peer: whose rate the session counts against.
    pub(crate) peer: IpAddr,
    pub(crate) socket: S,
    pub(crate) config: SessionConfig,
    pub(crate) options: KernelSessionOptions,
    pub(crate) lns: bool,
    /// The profile's `plugin radius.so`: its client's files, read, and
    /// what the session tells RADIUS about itself.
    pub(crate) radius: Option<Box<(Setup, CallContext)>>,
}

/// What openl2tpd's hooks ask of the engine.
pub(crate) enum Command<S = PppoL2tpSocket> {
    /// The L2TP session is up: run PPP on it, if the limits let it.
    Start(Box<Start<S>>),
    /// The L2TP session is going down: Terminate-Request, then the end
    /// (what SIGTERM does to pppd under ppp_unix).
    Close(Ids),
    /// openl2tpd deleted the session: end it at once, tell nobody.
    Deleted(Ids),
    /// The L2TP counters of a running session, for the get_stats hook.
    Stats(Ids, std_mpsc::SyncSender<Option<L2tpStats>>),
    /// Close every session, wait for them, stop.
    Shutdown(std_mpsc::SyncSender<()>),
}

/// The engine's thread and the way to reach it.
#[derive(Debug)]
pub(crate) struct EngineThread {
    tx: mpsc::UnboundedSender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl EngineThread {
    /// Starts the thread and its Engine, which admits sessions within
    /// `admission`'s limits; fails when either cannot start
    /// (no rtnetlink socket, for one).
    pub(crate) fn spawn(reporter: Reporter, admission: Admission) -> io::Result<EngineThread> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = std_mpsc::sync_channel::<io::Result<()>>(1);
        let thread = std::thread::Builder::new()
            .name("rppp-engine".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let (engine, events) = match Engine::new() {
                        Ok(e) => e,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    run(engine, events, rx, reporter, admission).await;
                });
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(EngineThread {
                tx,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other("the engine thread ended while starting"))
            }
        }
    }

    /// Sends a command; false when the engine is gone.
    pub(crate) fn send(&self, command: Command) -> bool {
        self.tx.send(command).is_ok()
    }

    /// The L2TP counters of session `ids`, waiting at most `limit`.
    pub(crate) fn stats(&self, ids: Ids, limit: Duration) -> Option<L2tpStats> {
        let (reply, answer) = std_mpsc::sync_channel(1);
        if !self.send(Command::Stats(ids, reply)) {
            return None;
        }
        answer.recv_timeout(limit).ok().flatten()
    }

    /// Closes every session (Terminate-Request), waits up to `limit` for
    /// them to end, and stops the thread.
    pub(crate) fn stop(mut self, limit: Duration) {
        let (done, finished) = std_mpsc::sync_channel(1);
        if self.send(Command::Shutdown(done)) && finished.recv_timeout(limit).is_ok() {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
        // Otherwise the thread is left to die with the process.
    }
}

/// Which engine session runs which openl2tpd session, and the RADIUS
/// clients their profiles started (one per radiusclient.conf).
#[derive(Debug, Default)]
struct Sessions {
    by_ids: HashMap<Ids, SessionId>,
    /// Each session's ids, and whether its end is reported to openl2tpd.
    ids_of: HashMap<SessionId, (Ids, bool)>,
    radius: Clients,
}

async fn run(
    engine: Engine,
    mut events: EngineEvents,
    mut rx: mpsc::UnboundedReceiver<Command>,
    reporter: Reporter,
    mut admission: Admission,
) {
    let mut sessions = Sessions::default();
    let mut log_tick = tokio::time::interval(LOG_INTERVAL);
    log_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            command = rx.recv() => {
                let Some(command) = command else { break };
                let handled = handle(&engine, &mut sessions, command, &reporter, &mut admission);
                if let Some(done) = handled.await {
                    let _ = done.send(());
                    return;
                }
            }
            event = events.next() => {
                let Some((id, event)) = event else { break };
                if let EngineEvent::Ended(ended) = event {
                    ended_session(&mut sessions, id, &ended, &reporter);
                }
            }
            _ = log_tick.tick() => log_refusals(&mut admission),
        }
    }
    let _ = engine.shutdown().await;
}

/// Carries out one command; `Some` when the engine is to stop.
async fn handle<S: Attach>(
    engine: &Engine,
    sessions: &mut Sessions,
    command: Command<S>,
    reporter: &Reporter,
    admission: &mut Admission,
) -> Option<std_mpsc::SyncSender<()>> {
    match command {
        Command::Start(start) => start_session(engine, sessions, *start, reporter, admission),
        Command::Close(ids) => {
            if let Some(&id) = sessions.by_ids.get(&ids) {
                let _ = engine.close(id, CloseReason::Admin);
            }
        }
        Command::Deleted(ids) => {
            if let Some(id) = sessions.by_ids.remove(&ids) {
                if let Some(entry) = sessions.ids_of.get_mut(&id) {
                    entry.1 = false;
                }
                let _ = engine.close_hard(id, CloseReason::LowerLayerDown);
            }
        }
        Command::Stats(ids, reply) => {
            let stats = match sessions.by_ids.get(&ids) {
                Some(&id) => engine.stats(id).await.ok().and_then(|s| s.l2tp),
                None => None,
            };
            let _ = reply.send(stats);
        }
        Command::Shutdown(done) => {
            for (id, ended) in engine.shutdown().await {
                ended_session(sessions, id, &ended, reporter);
            }
            // The sessions' Stops go out before the thread ends.
            std::mem::take(&mut sessions.radius).shutdown().await;
            return Some(done);
        }
    }
    None
}

/// Runs PPP on a new session, or refuses it: past a limit, PPP never
/// starts (the socket is closed), and openl2tpd hears that the session
/// is over, as when PPP cannot start, and closes it with a CDN.
fn start_session<S: Attach>(
    engine: &Engine,
    sessions: &mut Sessions,
    start: Start<S>,
    reporter: &Reporter,
    admission: &mut Admission,
) {
    let Start {
        ids,
        peer,
        socket,
        config,
        options,
        lns,
        radius,
    } = start;
    if let Err(why) = admission.admit(Instant::now(), peer, || engine.tally()) {
        tracing::debug!(
            "session {}/{}: refused: {why}",
            ids.tunnel_id,
            ids.session_id
        );
        log_refusals(admission);
        reporter.send(Report::Closed {
            tunnel_id: ids.tunnel_id,
            session_id: ids.session_id,
        });
        return;
    }
    let hooks = PluginHooks::new(ids, lns, reporter.clone());
    let id = match radius {
        None => socket.attach(engine, config, options, hooks),
        Some(r) => {
            let (setup, call) = *r;
            if let Err(e) = sessions.radius.start(&setup) {
                tracing::error!(
                    "session {}/{}: cannot run PPP: {}: cannot start the RADIUS client: {e}",
                    ids.tunnel_id,
                    ids.session_id,
                    setup.file
                );
                reporter.send(Report::Closed {
                    tunnel_id: ids.tunnel_id,
                    session_id: ids.session_id,
                });
                return;
            }
            match sessions.radius.hooks(&setup.file, hooks, call) {
                Ok(with_radius) => socket.attach(engine, config, options, with_radius),
                Err(hooks) => socket.attach(engine, config, options, hooks),
            }
        }
    };
    tracing::info!(
        "session {}/{}: PPP is engine session {id}",
        ids.tunnel_id,
        ids.session_id
    );
    sessions.by_ids.insert(ids, id);
    sessions.ids_of.insert(id, (ids, true));
}

/// The refusals not logged yet, once per [`LOG_INTERVAL`].
fn log_refusals(admission: &mut Admission) {
    for line in admission.take_log(Instant::now()) {
        tracing::warn!("{line}");
    }
}

/// A session's data path, added to the Engine.
pub(crate) trait Attach {
    /// Runs PPP over `self` in `engine`.
    fn attach<H: Hooks>(
        self,
        engine: &Engine,
        config: SessionConfig,
        options: KernelSessionOptions,
        hooks: H,
    ) -> SessionId;
}

impl Attach for PppoL2tpSocket {
    fn attach<H: Hooks>(
        self,
        engine: &Engine,
        config: SessionConfig,
        options: KernelSessionOptions,
        hooks: H,
    ) -> SessionId {
        engine.add_kernel_session(self, config, options, hooks)
    }
}

fn ended_session(sessions: &mut Sessions, id: SessionId, ended: &Ended, reporter: &Reporter) {
    let Some((ids, report)) = sessions.ids_of.remove(&id) else {
        return;
    };
    if sessions.by_ids.get(&ids) == Some(&id) {
        sessions.by_ids.remove(&ids);
    }
    tracing::info!(
        "session {}/{}: PPP ended: exit code {} ({})",
        ids.tunnel_id,
        ids.session_id,
        ended.exit_code,
        ended.reason
    );
    if report {
        reporter.send(Report::Closed {
            tunnel_id: ids.tunnel_id,
            session_id: ids.session_id,
        });
    }
}

/// One session's hooks: what openl2tpd learns from pppd's openl2tp.so
/// (up and down with unit, interface and user; the LNS's ACCMs), sent as
/// reports instead of datagrams.
struct PluginHooks {
    ids: Ids,
    lns: bool,
    reporter: Reporter,
    unit: i32,
    ifname: String,
    user_name: String,
    up: bool,
}

impl PluginHooks {
    fn new(ids: Ids, lns: bool, reporter: Reporter) -> PluginHooks {
        PluginHooks {
            ids,
            lns,
            reporter,
            // openl2tp's convention: -1 before the unit exists.
            unit: -1,
            ifname: String::new(),
            user_name: String::new(),
            up: false,
        }
    }

    fn updown(&mut self, up: bool) {
        if self.up == up {
            return;
        }
        self.up = up;
        self.reporter.send(Report::UpDown {
            tunnel_id: self.ids.tunnel_id,
            session_id: self.ids.session_id,
            up,
            unit: self.unit,
            ifname: self.ifname.clone(),
            user_name: self.user_name.clone(),
        });
    }
}

impl Hooks for PluginHooks {
    fn on_event(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::Created { ifname, unit, .. } => {
                self.ifname = ifname.clone();
                self.unit = i32::try_from(*unit).unwrap_or(-1);
            }
            EngineEvent::Session(SessionEvent::Authenticated { peer_name }) => {
                self.user_name = peer_name.clone();
            }
            EngineEvent::Session(SessionEvent::IpUp { .. }) => self.updown(true),
            EngineEvent::Session(SessionEvent::IpDown) | EngineEvent::Ended(_) => {
                self.updown(false)
            }
            EngineEvent::Session(SessionEvent::SendAccm { send, recv }) if self.lns => {
                self.reporter.send(Report::Accm {
                    tunnel_id: self.ids.tunnel_id,
                    session_id: self.ids.session_id,
                    send_accm: *send,
                    recv_accm: *recv,
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use rppp::driver::fake::{FakeDataPath, FakeHandle};
    use rppp::driver::LinkOptions;
    use rppp::limits::{LimitSettings, Refused};
    use rppp::session::Role;

    use super::*;
    use crate::reports;

    impl Attach for FakeDataPath {
        fn attach<H: Hooks>(
            self,
            engine: &Engine,
            config: SessionConfig,
            _options: KernelSessionOptions,
            hooks: H,
        ) -> SessionId {
            engine.add_session(self, config, LinkOptions::default(), hooks)
        }
    }

    const LAC: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

    /// What openl2tpd's session_up hook sends for session `session_id`
    /// of tunnel 5, once its socket is connected (here a fake one).
    fn up(session_id: u16, kernels: &mut Vec<FakeHandle>) -> Command<FakeDataPath> {
        let (socket, kernel) = FakeDataPath::new().unwrap();
        kernels.push(kernel);
        let mut config = SessionConfig::new(Role::Lns);
        config.negotiation_timeout = Duration::from_secs(60);
        Command::Start(Box::new(Start {
            radius: None,
            ids: Ids {
                tunnel_id: 5,
                session_id,
            },
            peer: LAC,
            socket,
            config,
            options: KernelSessionOptions::default(),
            lns: true,
        }))
    }

    #[tokio::test]
    async fn past_max_sessions_ppp_never_starts_and_openl2tpd_is_told_to_close() {
        let (engine, _events) = Engine::without_kernel();
        let (reporter, inbox) = reports::channel().unwrap();
        let mut admission = Admission::new(LimitSettings {
            max_sessions: Some(1),
            ..LimitSettings::default()
        });
        let mut sessions = Sessions::default();
        let mut kernels = Vec::new();
        for session_id in [1, 2, 3] {
            let command = up(session_id, &mut kernels);
            let stop = handle(&engine, &mut sessions, command, &reporter, &mut admission).await;
            assert!(stop.is_none());
        }
        // The first runs PPP; the others are refused, and openl2tpd's
        // loop finds a Closed for each (l2tp_session_close_event: a CDN).
        assert_eq!(engine.tally().sessions, 1);
        let first = Ids {
            tunnel_id: 5,
            session_id: 1,
        };
        assert!(sessions.by_ids.contains_key(&first));
        assert_eq!(sessions.by_ids.len(), 1);
        assert_eq!(
            inbox.take(),
            vec![
                Report::Closed {
                    tunnel_id: 5,
                    session_id: 2
                },
                Report::Closed {
                    tunnel_id: 5,
                    session_id: 3
                },
            ]
        );
        assert_eq!(admission.refused(Refused::MaxSessions), 2);
        // No data path was opened for a refused session: its fds are
        // closed (dropped unused).
        assert!(kernels[1].engine_fds_closed() && kernels[2].engine_fds_closed());
        assert!(!kernels[0].engine_fds_closed());
        // The first refusal was logged at once; the second waits for the
        // interval, with its count.
        let later = Instant::now() + LOG_INTERVAL;
        assert_eq!(
            admission.take_log(later),
            vec![
                "rppp plugin: refused 1 session(s): max-sessions reached \
                  (RPPP_PLUGIN_MAX_SESSIONS=1)"
            ]
        );
        // Once the first session is gone, a new one is admitted.
        let command = Command::<FakeDataPath>::Deleted(first);
        handle(&engine, &mut sessions, command, &reporter, &mut admission).await;
        let gone = async {
            while engine.tally().sessions > 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), gone)
            .await
            .unwrap();
        let command = up(4, &mut kernels);
        handle(&engine, &mut sessions, command, &reporter, &mut admission).await;
        assert_eq!(engine.tally().sessions, 1);
        assert!(inbox.take().is_empty());
        let command = Command::<FakeDataPath>::Deleted(Ids {
            tunnel_id: 5,
            session_id: 4,
        });
        handle(&engine, &mut sessions, command, &reporter, &mut admission).await;
    }
}
