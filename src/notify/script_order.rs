//! pppd's ordering rule for an up/down pair of scripts (`ip-up`/`ip-down`,
//! `ipv6-up`/`ipv6-down`, `auth-up`/`auth-down`).
//!
//! pppd (`ipcp_up`, `ipcp_down`, `ipcp_script_done` in `pppd/ipcp.c`, the
//! same in `ipv6cp.c`, and `network_phase`, `link_down`,
//! `auth_script_done` in `auth.c`) keeps, per pair, the state of the last
//! script started ("up" or "down") and its pid:
//! - the down script runs only after the up script did, and never twice in
//!   a row; likewise the up script;
//! - the two never run at the same time: if IPCP goes down while `ip-up` is
//!   still running, `ip-down` starts when `ip-up` has finished.
//!
//! [`ScriptPair`] keeps the same rule on tokio: each script of the pair
//! starts when the previous one has finished (or was killed at the
//! runner's deadline). One difference: when a pair goes down and up again
//! while a script runs, pppd may skip both of the later scripts (it looks
//! at the protocol's state only when the running script ends); here each
//! transition runs its script, in order.

use tokio::task::JoinHandle;
use tracing::Instrument;

use super::script_runner::{execute, ScriptOutcome, ScriptRunner};
use super::scripts::{Script, ScriptContext};

/// The last script a pair started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Down,
    Up,
}

/// One up/down pair of scripts, run in pppd's order.
#[derive(Debug)]
pub struct ScriptPair {
    up: Script,
    down: Script,
    state: State,
    last: Option<JoinHandle<ScriptOutcome>>,
}

impl ScriptPair {
    /// `ip-up` and `ip-down`.
    pub fn ip() -> Self {
        Self::new(Script::IpUp, Script::IpDown)
    }

    /// `ipv6-up` and `ipv6-down`.
    pub fn ipv6() -> Self {
        Self::new(Script::Ipv6Up, Script::Ipv6Down)
    }

    /// `auth-up` and `auth-down`.
    pub fn auth() -> Self {
        Self::new(Script::AuthUp, Script::AuthDown)
    }

    fn new(up: Script, down: Script) -> Self {
        Self {
            up,
            down,
            state: State::Down,
            last: None,
        }
    }

    /// The up script's turn: starts it (after the pair's previous script
    /// has finished) unless the pair is already up. Returns whether it was
    /// started. The context is read now.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as `tokio::spawn`.
    pub fn up(&mut self, runner: &ScriptRunner, ctx: &ScriptContext) -> bool {
        self.turn(State::Up, runner, ctx)
    }

    /// The down script's turn: starts it (after the up script has
    /// finished) if the pair is up. Returns whether it was started.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as `tokio::spawn`.
    pub fn down(&mut self, runner: &ScriptRunner, ctx: &ScriptContext) -> bool {
        self.turn(State::Down, runner, ctx)
    }

    /// Waits for the pair's last script (each is bounded by the runner's
    /// deadline) and returns its outcome; `None` if none was started since
    /// the last call. Call it before the process exits, as pppd waits for
    /// its scripts.
    pub async fn finish(&mut self) -> Option<ScriptOutcome> {
        let handle = self.last.take()?;
        match handle.await {
            Ok(outcome) => Some(outcome),
            Err(e) => Some(ScriptOutcome::Failed(std::io::Error::other(e))),
        }
    }

    fn turn(&mut self, to: State, runner: &ScriptRunner, ctx: &ScriptContext) -> bool {
        if self.state == to {
            return false;
        }
        self.state = to;
        let script = if to == State::Up { self.up } else { self.down };
        let inv = runner.invocation(script, ctx);
        let timeout = runner.timeout();
        let previous = self.last.take();
        self.last = Some(tokio::spawn(
            async move {
                if let Some(p) = previous {
                    // Its outcome was logged; only its end matters here.
                    let _ = p.await;
                }
                execute(&inv, timeout).await
            }
            // In the caller's span: a session's script logs with its context.
            .in_current_span(),
        ));
        true
    }
}
