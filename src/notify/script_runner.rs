//! Running pppd-style scripts on tokio, as pppd's `run_program`
//! (`pppd/main.c`) does, with a deadline pppd does not have.
//!
//! Like pppd:
//! - a script is run only if it is a regular file with an execute bit
//!   (`stat`, following symbolic links). A missing one is skipped silently
//!   ("it is not an error if they don't exist", pppd(8)); any other reason
//!   (not executable, not a regular file, unreadable directory) is logged
//!   at `warn` ("Can't execute") and the script skipped. Neither is an
//!   error for the session.
//! - `argv[0]` is the script's path, the environment is exactly
//!   [`Invocation::env`] (nothing inherited, no `PATH`), stdin, stdout and
//!   stderr are `/dev/null`, the working directory is `/`.
//! - "Script ... started/finished" is logged at `debug` level, a death by
//!   signal at `warn`. Arguments and environment are never logged (they
//!   hold no secret anyway, see [`scripts`](super::scripts)).
//!
//! Unlike pppd:
//! - a script gets at most [`ScriptRunner::timeout`]: then its whole
//!   process group gets `SIGTERM`, and `SIGKILL` [`KILL_GRACE`] later, so
//!   a hung script and anything it started are gone and never hold the
//!   session. (pppd waits for `ip-pre-up` without limit and signals its
//!   other scripts only at exit, after `child-timeout`, 5 s by default.)
//!   For that the script leads a new process group (`setpgid(0, 0)`);
//!   pppd uses `setsid()`, which also drops the controlling terminal,
//!   something rppp under an L2TP daemon does not have anyway.
//! - the child keeps rppp's umask and user ids (pppd sets umask 077 and
//!   real uid 0 in the child); rppp runs as root.
//! - file descriptors: pppd's `safe_fork` closes its own descriptors in the
//!   child. rppp opens every descriptor close-on-exec (Rust's standard
//!   library and tokio do so for everything they create, and the engine
//!   sets it on the inherited PPPoL2TP socket), so a script, and anything
//!   it leaves running, holds none of the session's sockets or `/dev/ppp`
//!   descriptors. There is nothing to close here.
//!
//! A script that exits normally but leaves a background process behind is
//! not killed, as with pppd: only a timeout kills the group.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::scripts::{invocation, Invocation, Script, ScriptContext, DEFAULT_SCRIPT_DIR};

/// How long a script may run by default before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a timed-out script's process group has between `SIGTERM` and
/// `SIGKILL`.
pub const KILL_GRACE: Duration = Duration::from_millis(500);

/// Why a script was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// There is no such file (not logged).
    Missing,
    /// The file is not a regular file with an execute bit, or could not be
    /// examined (logged at `warn`).
    NotExecutable,
}

/// What became of one script.
#[derive(Debug)]
pub enum ScriptOutcome {
    /// Not run; not an error.
    Skipped(SkipReason),
    /// It ran and exited (or died of a signal) before the deadline.
    Exited(ExitStatus),
    /// It was still running at the deadline; its process group was killed.
    TimedOut,
    /// It could not be started or waited for (logged at `warn`).
    Failed(io::Error),
}

impl ScriptOutcome {
    /// The script ran and exited with status 0.
    pub fn succeeded(&self) -> bool {
        matches!(self, Self::Exited(s) if s.success())
    }
}

/// Runs scripts from one directory with one deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptRunner {
    dir: PathBuf,
    timeout: Duration,
}

impl Default for ScriptRunner {
    /// `/etc/ppp`, [`DEFAULT_TIMEOUT`].
    fn default() -> Self {
        Self::new(DEFAULT_SCRIPT_DIR, DEFAULT_TIMEOUT)
    }
}

impl ScriptRunner {
    /// Scripts from `dir`, each killed after `timeout`.
    pub fn new(dir: impl Into<PathBuf>, timeout: Duration) -> Self {
        Self {
            dir: dir.into(),
            timeout,
        }
    }

    /// The script directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How long a script may run.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// What running `script` would execute.
    pub fn invocation(&self, script: Script, ctx: &ScriptContext) -> Invocation {
        invocation(&self.dir, script, ctx)
    }

    /// Runs `script` and waits for it (at most [`ScriptRunner::timeout`]):
    /// the way to run `ip-pre-up`, which pppd waits for.
    pub async fn run(&self, script: Script, ctx: &ScriptContext) -> ScriptOutcome {
        execute(&self.invocation(script, ctx), self.timeout).await
    }

    /// Starts `script` on its own task and returns at once; await the
    /// handle to learn the outcome, or drop it (the script still runs, and
    /// is still killed at the deadline). The context is read now.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as `tokio::spawn`.
    pub fn spawn(&self, script: Script, ctx: &ScriptContext) -> JoinHandle<ScriptOutcome> {
        let inv = self.invocation(script, ctx);
        let timeout = self.timeout;
        // In the caller's span: a session's script logs with its context.
        tokio::spawn(async move { execute(&inv, timeout).await }.in_current_span())
    }
}

/// Runs one invocation, killing its process group after `timeout`.
pub async fn execute(inv: &Invocation, timeout: Duration) -> ScriptOutcome {
    if let Err(reason) = check_executable(&inv.path) {
        return ScriptOutcome::Skipped(reason);
    }
    let path = inv.path.display();
    let mut cmd = tokio::process::Command::new(&inv.path);
    cmd.args(&inv.args)
        .env_clear()
        .envs(inv.env.iter().map(|(k, v)| (k, v)))
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("Failed to run script {path}: {e}");
            return ScriptOutcome::Failed(e);
        }
    };
    let pid = child.id().unwrap_or(0);
    tracing::debug!("Script {path} started (pid {pid})");
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => {
            tracing::warn!("Error waiting for script {path} (pid {pid}): {e}");
            return ScriptOutcome::Failed(e);
        }
        Err(_) => {
            tracing::warn!("Script {path} (pid {pid}) still running after {timeout:?}: killing it");
            kill_group(&mut child).await;
            return ScriptOutcome::TimedOut;
        }
    };
    match status.signal() {
        Some(sig) => {
            tracing::warn!("Script {path} (pid {pid}) terminated with signal {sig}");
        }
        None => tracing::debug!(
            "Script {path} finished (pid {pid}), status = {:#x}",
            status.code().unwrap_or(0)
        ),
    }
    ScriptOutcome::Exited(status)
}

/// `Ok` if pppd would run `path`: it exists, is a regular file and has an
/// execute bit.
fn check_executable(path: &Path) -> Result<(), SkipReason> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.permissions().mode() & 0o111 != 0 => Ok(()),
        Ok(_) => {
            tracing::warn!("Can't execute {}: not an executable file", path.display());
            Err(SkipReason::NotExecutable)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(SkipReason::Missing),
        Err(e) => {
            tracing::warn!("Can't execute {}: {e}", path.display());
            Err(SkipReason::NotExecutable)
        }
    }
}

/// `SIGTERM` to the script's process group, `SIGKILL` after
/// [`KILL_GRACE`], then reaps the script.
async fn kill_group(child: &mut tokio::process::Child) {
    // `id()` is `None` once the child has been reaped; never signal group
    // 0 (our own).
    let Some(raw) = child
        .id()
        .and_then(|p| i32::try_from(p).ok())
        .filter(|&p| p > 0)
    else {
        return;
    };
    // The leader is not reaped yet, so the group id cannot have been
    // reused.
    let group = Pid::from_raw(raw);
    let _ = killpg(group, Signal::SIGTERM);
    let leader_done = tokio::time::timeout(KILL_GRACE, child.wait()).await.is_ok();
    // Members that ignored SIGTERM, or outlived the leader. ESRCH when the
    // group is empty is fine.
    let _ = killpg(group, Signal::SIGKILL);
    if !leader_done {
        let _ = child.wait().await;
    }
}
