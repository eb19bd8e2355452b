//! How a session's task waits: for its fds, its deadline, the hooks'
//! `ip-pre-up`, room in the engine's stream, the engine's commands and the
//! kernel's word that the L2TP session is gone; and what it does when
//! each comes.

use tokio::time::Instant;

use super::super::datapath::DataPath;
use super::super::hooks::Hooks;
use super::Task;

/// What woke a session's task.
pub(super) enum Wake {
    Channel,
    Unit,
    More,
    Timer,
    PreUpDone,
    Room,
    Commands,
    Error(std::io::Error),
    Deleted,
}

impl<D: DataPath, H: Hooks> Task<D, H> {
    /// Waits for the next thing to do; `None` when the session can go no
    /// further.
    pub(super) async fn wait(&mut self) -> Option<Wake> {
        let deadline = match (
            self.session.poll_timeout().map(Instant::from_std),
            self.link.idle_deadline(),
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let channel = self.channel.as_ref()?;
        // A full outbox stops input until the embedder reads its events.
        let reading = !self.start.outbox.is_full();
        let more = reading && (self.channel_more || self.unit_more);
        let unit_readable = async {
            match &self.unit {
                Some(u) if reading && !self.unit_more => u.readable().await,
                _ => std::future::pending().await,
            }
        };
        let timer = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let pre_up = async {
            match &mut self.pre_up {
                Some(wait) => wait.await,
                None => std::future::pending().await,
            }
        };
        let wake = tokio::select! {
            r = channel.readable(), if reading && !self.channel_more => {
                r.map_or_else(Wake::Error, |()| Wake::Channel)
            }
            r = unit_readable => r.map_or_else(Wake::Error, |()| Wake::Unit),
            () = std::future::ready(()), if more => Wake::More,
            () = timer => Wake::Timer,
            () = pre_up => Wake::PreUpDone,
            () = self.start.outbox.room() => Wake::Room,
            () = self.start.commands.notified() => Wake::Commands,
            () = self.dp.lower_layer_deleted() => Wake::Deleted,
        };
        Some(wake)
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
                self.session.handle_timeout(now, &mut self.rng)
            }
            Wake::PreUpDone => self.pre_up = None,
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
