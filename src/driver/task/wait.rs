//! How a session's task waits: for its fds, its deadline, the hooks'
//! `ip-pre-up`, room in the engine's stream, the engine's commands and the
//! kernel's word that the L2TP session is gone; and what it does when
//! each comes.

use std::future::Future as _;
use std::task::{Context, Poll};

use tokio::time::Instant;

use super::super::datapath::DataPath;
use super::super::hooks::Hooks;
use super::super::verify::Authorization;
use super::Task;
use crate::session::VerifyHandle;

/// What woke a session's task.
pub(super) enum Wake {
    Channel,
    Unit,
    More,
    Timer,
    PreUpDone,
    Verdict(VerifyHandle, Authorization),
    /// The ICMPv6 socket of the advertised prefix has messages.
    Neighbor,
    Room,
    Commands,
    Error(std::io::Error),
    Deleted,
}

impl<D: DataPath, H: Hooks> Task<D, H> {
    /// Waits for the next thing to do; `None` when the session can go no
    /// further.
    ///
    /// One poll function over everything, not a `select!` of futures: the
    /// things waited on keep their wakers themselves (the fds' readiness,
    /// the command [`Signal`](super::super::signal::Signal), the timer
    /// kept in the task), so the session's future holds no per-branch
    /// state for the whole life of the session: about 900 bytes less each.
    pub(super) async fn wait(&mut self) -> Option<Wake> {
        let deadline = [
            self.session.poll_timeout().map(Instant::from_std),
            self.link.idle_deadline(),
            self.advertising
                .as_ref()
                .and_then(|a| a.poll_timeout())
                .map(Instant::from_std),
        ]
        .into_iter()
        .flatten()
        .min();
        self.channel.as_ref()?;
        self.arm_timer(deadline);
        // A full outbox stops input until the embedder reads its events.
        let reading = !self.start.outbox.is_full();
        Some(std::future::poll_fn(|cx| self.poll_wake(cx, reading)).await)
    }

    /// Sets the task's timer to `deadline`, reusing its registration.
    fn arm_timer(&mut self, deadline: Option<Instant>) {
        match (deadline, &mut self.timer) {
            (None, _) => self.timer_at = None,
            (Some(at), Some(timer)) => {
                if self.timer_at != Some(at) {
                    timer.as_mut().reset(at);
                    self.timer_at = Some(at);
                }
            }
            (Some(at), None) => {
                self.timer = Some(Box::pin(tokio::time::sleep_until(at)));
                self.timer_at = Some(at);
            }
        }
    }

    /// What is ready, the session's own business first (commands, the
    /// hooks, its timer, the lower layer, the stream), then its fds, then
    /// frames the read budget left: a flooding peer cannot hold back the
    /// session's timers and commands.
    fn poll_wake(&mut self, cx: &mut Context<'_>, reading: bool) -> Poll<Wake> {
        if self.start.commands.poll_take(cx).is_ready() {
            return Poll::Ready(Wake::Commands);
        }
        if let Some(wait) = &mut self.pre_up {
            if wait.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Wake::PreUpDone);
            }
        }
        if let Some(v) = &mut self.verifying {
            if let Poll::Ready(answer) = v.answer.as_mut().poll(cx) {
                let handle = v.handle;
                self.verifying = None;
                return Poll::Ready(Wake::Verdict(handle, answer));
            }
        }
        if let (Some(timer), Some(_)) = (&mut self.timer, self.timer_at) {
            if timer.as_mut().poll(cx).is_ready() {
                self.timer_at = None;
                return Poll::Ready(Wake::Timer);
            }
        }
        if let Some(a) = &self.advertising {
            if a.poll_readable(cx).is_ready() {
                return Poll::Ready(Wake::Neighbor);
            }
        }
        if self.dp.poll_lower_layer_deleted(cx).is_ready() {
            return Poll::Ready(Wake::Deleted);
        }
        if self.start.outbox.poll_room(cx).is_ready() {
            return Poll::Ready(Wake::Room);
        }
        if reading {
            for (fd, more, wake) in [
                (&self.channel, self.channel_more, Wake::Channel),
                (&self.unit, self.unit_more, Wake::Unit),
            ] {
                if let (Some(fd), false) = (fd, more) {
                    if let Poll::Ready(r) = fd.poll_readable(cx) {
                        return Poll::Ready(r.map_or_else(Wake::Error, |()| wake));
                    }
                }
            }
            if self.channel_more || self.unit_more {
                return Poll::Ready(Wake::More);
            }
        }
        Poll::Pending
    }

    /// Does what `wake` calls for.
    pub(super) fn on_wake(&mut self, wake: Wake) {
        let now = Self::now();
        match wake {
            Wake::Channel => self.read(now, false),
            Wake::Unit => self.read(now, true),
            Wake::More => {
                if self.channel_more {
                    self.read(now, false);
                }
                if self.unit_more {
                    self.read(now, true);
                }
            }
            Wake::Timer => {
                if self.link.idle_due() {
                    if let Some(reason) = self.link.check_idle(&self.dp) {
                        tracing::info!("{reason}");
                        self.session.close_idle(now, &mut self.rng);
                    }
                }
                if let Some(a) = &mut self.advertising {
                    a.on_timer(now, &mut self.rng);
                }
                self.session.handle_timeout(now, &mut self.rng)
            }
            Wake::Neighbor => {
                if let Some(a) = &mut self.advertising {
                    a.on_readable(now, &mut self.rng);
                }
            }
            Wake::PreUpDone => self.pre_up = None,
            Wake::Verdict(handle, answer) => self.on_authorization(handle, answer),
            Wake::Room => self.start.outbox.flush(),
            Wake::Commands => {
                for command in self.start.registry.take_commands(self.start.id) {
                    self.on_command(command);
                }
            }
            Wake::Error(e) => {
                tracing::error!("polling the session's fds failed: {e}");
                self.session.lower_down(now, &mut self.rng);
            }
            // The L2TP session or its tunnel was deleted, with no hangup
            // on the channel: the lower layer is down all the same (pppd:
            // "Modem hangup", exit 16).
            Wake::Deleted => {
                tracing::info!("Modem hangup");
                self.session.lower_down(now, &mut self.rng);
            }
        }
    }
}
