//! The control socket's server: a Unix socket only root may use, one
//! request per connection, answered from the [`Engine`]'s registry.
//!
//! The answer's first line is `OK` or `ERROR`; the rest is for the
//! operator. A client that sends garbage, too much, or nothing in time is
//! answered with an error or dropped; nothing it sends changes anything
//! unless it parses as a request.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use super::request::Request;
use super::stat;
use super::table::{self, Row};
use crate::driver::{CloseReason, Engine};

/// Where the control socket is unless told otherwise.
pub const DEFAULT_SOCKET: &str = "/run/rppp/rppp.ctl";

/// The most a request may hold.
pub const MAX_REQUEST: usize = 64 * 1024;

/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// What only a daemon with more than sessions can answer (the L2TP
/// daemon: its tunnels, its configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaemonAsk {
    /// `show tunnels`.
    ShowTunnels {
        /// JSON instead of a table.
        json: bool,
    },
    /// `reload`.
    Reload,
    /// `shutdown [--soft]`: the daemon stops accepting, and closes its
    /// sessions (or, soft, waits for them), then its tunnels, and exits.
    Shutdown {
        /// Wait for the sessions to end instead of closing them.
        soft: bool,
    },
}

/// A [`DaemonAsk`] on its way to the daemon's loop, with where its answer
/// goes (the text, or why not).
#[derive(Debug)]
pub struct DaemonRequest {
    /// What is asked.
    pub ask: DaemonAsk,
    /// The answer.
    pub reply: tokio::sync::oneshot::Sender<Result<String, String>>,
}

/// The daemon's side of the control socket: requests go here.
pub type DaemonChannel = tokio::sync::mpsc::Sender<DaemonRequest>;

/// A bound control socket; its file goes when this is dropped.
#[derive(Debug)]
pub struct ControlSocket {
    listener: UnixListener,
    path: PathBuf,
}

impl ControlSocket {
    /// Binds `path` with mode 0600. A socket file that no process answers
    /// on is stale and replaced; one that answers belongs to another
    /// running instance, and binding fails (`AddrInUse`).
    pub async fn bind(path: &Path) -> io::Result<ControlSocket> {
        if path.exists() {
            if UnixStream::connect(path).await.is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("another rppp answers on {}", path.display()),
                ));
            }
            std::fs::remove_file(path)?;
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        Ok(ControlSocket {
            listener,
            path: path.to_owned(),
        })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Answers requests about `engine` until the task is dropped.
    pub async fn serve(self, engine: Engine) {
        self.serve_daemon(engine, None).await
    }

    /// As [`serve`](Self::serve), with `daemon` answering what the
    /// Engine cannot ([`DaemonAsk`]).
    pub async fn serve_daemon(self, engine: Engine, daemon: Option<DaemonChannel>) {
        let (answering, _) = tokio::sync::mpsc::channel(1);
        self.serve_tracked(engine, daemon, answering).await
    }

    /// Serves; each connection's task holds a clone of `answering` until
    /// its answer is written.
    async fn serve_tracked(
        self,
        engine: Engine,
        daemon: Option<DaemonChannel>,
        answering: tokio::sync::mpsc::Sender<()>,
    ) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _)) => {
                    let engine = engine.clone();
                    let daemon = daemon.clone();
                    let answering = answering.clone();
                    tokio::spawn(async move {
                        serve_one(stream, &engine, daemon.as_ref()).await;
                        drop(answering);
                    });
                }
                Err(e) => {
                    tracing::warn!("control socket {}: accept: {e}", self.path.display());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// A control socket served on a task of its own until this is dropped
/// or [closed](Serving::close).
#[derive(Debug)]
pub struct Serving {
    task: tokio::task::JoinHandle<()>,
    /// Closed once the accepting task and every answer in flight are
    /// done.
    answering: tokio::sync::mpsc::Receiver<()>,
}

impl Serving {
    /// Serves `socket` for `engine`, and for `daemon` if given.
    pub fn spawn(socket: ControlSocket, engine: Engine, daemon: Option<DaemonChannel>) -> Serving {
        let (tx, answering) = tokio::sync::mpsc::channel(1);
        Serving {
            task: tokio::spawn(socket.serve_tracked(engine, daemon, tx)),
            answering,
        }
    }

    /// Stops accepting (the socket file goes) and waits, at most
    /// `within`, for the answers in flight to be written: the answer to
    /// the `shutdown` that ends the daemon among them.
    pub async fn close(mut self, within: Duration) {
        self.task.abort();
        let _ = tokio::time::timeout(within, self.answering.recv()).await;
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        // The socket (and its file) goes with the task.
        self.task.abort();
    }
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads one request line: up to a newline, the end of the stream, or
/// [`MAX_REQUEST`] octets.
async fn read_request(stream: &mut UnixStream) -> Result<String, &'static str> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.map_err(|_| "read failed")?;
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_REQUEST {
            return Err("request too long");
        }
        if n == 0 || buf.contains(&b'\n') {
            break;
        }
    }
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8(line.to_vec()).map_err(|_| "request is not UTF-8")
}

async fn serve_one(mut stream: UnixStream, engine: &Engine, daemon: Option<&DaemonChannel>) {
    let answer = match tokio::time::timeout(REQUEST_TIMEOUT, read_request(&mut stream)).await {
        Err(_) => return,
        Ok(Err(why)) => Err(why.to_owned()),
        Ok(Ok(line)) => match Request::parse(&line) {
            Ok(Request::ShowTunnels { json }) => {
                ask_daemon(daemon, DaemonAsk::ShowTunnels { json }).await
            }
            Ok(Request::Reload) => ask_daemon(daemon, DaemonAsk::Reload).await,
            // A daemon shuts down its tunnels as well as the sessions.
            Ok(Request::Shutdown { soft }) if daemon.is_some() => {
                ask_daemon(daemon, DaemonAsk::Shutdown { soft }).await
            }
            Ok(request) => answer(engine, request).await,
            Err(e) => Err(e.to_string()),
        },
    };
    let text = match answer {
        Ok(body) => format!("OK\n{body}"),
        Err(e) => format!("ERROR\n{e}\n"),
    };
    // A client that went away misses its answer; nothing else happens.
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Hands `ask` to the daemon's loop and waits for its answer.
async fn ask_daemon(daemon: Option<&DaemonChannel>, ask: DaemonAsk) -> Result<String, String> {
    let Some(daemon) = daemon else {
        return Err(match ask {
            DaemonAsk::ShowTunnels { .. } => "no tunnels here: this is not rppp l2tpd".into(),
            DaemonAsk::Reload => "nothing to reload here: this is not rppp l2tpd".into(),
            DaemonAsk::Shutdown { .. } => "no daemon here".into(),
        });
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    daemon
        .send(DaemonRequest { ask, reply })
        .await
        .map_err(|_| "the daemon is stopping".to_string())?;
    answer
        .await
        .map_err(|_| "the daemon is stopping".to_string())?
}

/// What a request answers, or why it failed.
pub async fn answer(engine: &Engine, request: Request) -> Result<String, String> {
    match request {
        Request::ShowSessions {
            columns,
            filter,
            sort,
            json,
        } => {
            let counters = columns.iter().any(|c| c.needs_counters())
                || sort.is_some_and(|c| c.needs_counters());
            let mut rows = Vec::new();
            for info in engine.sessions().into_iter().filter(|i| filter.matches(i)) {
                let counters = match counters {
                    true => engine.stats(info.id).await.ok().and_then(|s| s.l2tp),
                    false => None,
                };
                rows.push(Row { info, counters });
            }
            // Sorting and rendering 10,000 rows takes tens of
            // milliseconds (benches/ctl_show.rs): off the runtime that
            // runs the sessions' timers.
            let render = move || {
                table::sort(&mut rows, sort);
                match json {
                    true => table::render_json(&rows, &columns),
                    false => table::render_table(&rows, &columns),
                }
            };
            tokio::task::spawn_blocking(render)
                .await
                .map_err(|e| format!("rendering failed: {e}"))
        }
        Request::ShowSession { id, json } => match engine.stats(id).await {
            Ok(stats) => Ok(stat::render_session(&stats, json)),
            Err(e) => Err(e.to_string()),
        },
        Request::ShowStat { json } => Ok(stat::render_engine(engine, json)),
        Request::Terminate { filter, hard } => {
            let ids: Vec<_> = engine
                .sessions()
                .into_iter()
                .filter(|i| filter.matches(i))
                .map(|i| i.id)
                .collect();
            if ids.is_empty() {
                return Err("no session matches".into());
            }
            let mut closing = 0;
            for id in &ids {
                let r = match hard {
                    true => engine.close_hard(*id, CloseReason::Admin),
                    false => engine.close(*id, CloseReason::Admin),
                };
                closing += usize::from(r.is_ok());
            }
            Ok(format!("terminating {closing} session(s)\n"))
        }
        // Only a daemon answers these ([`ControlSocket::serve_daemon`]).
        Request::ShowTunnels { json } => ask_daemon(None, DaemonAsk::ShowTunnels { json }).await,
        Request::Reload => ask_daemon(None, DaemonAsk::Reload).await,
        Request::Shutdown { soft: false } => {
            let engine = engine.clone();
            let n = engine.len();
            tokio::spawn(async move { engine.shutdown().await });
            Ok(format!(
                "shutting down: no new sessions; closing {n} session(s)\n"
            ))
        }
        Request::Shutdown { soft: true } => {
            engine.stop_accepting();
            Ok(format!(
                "shutting down softly: no new sessions; {} session(s) run until they end\n",
                engine.len()
            ))
        }
    }
}
