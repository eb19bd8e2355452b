//! One session's tokio task: it waits on the channel and unit fds, the
//! session's deadline and its handle's commands, feeds the session, writes
//! its frames, carries out its data-path actions and reports its events.

use std::sync::Arc;

use rand::rngs::SysRng;
use rand_core::UnwrapErr;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

use super::datapath::{DataPath, DataPathError};
use super::engine::{Command, Ended, EngineEvent};
use crate::kernel::frames::{FrameFd, Read};
use crate::session::{exit, DataPathAction, FrameDisplay, Session, SessionConfig, SessionEvent};

/// Frames read from one fd per wake-up, so a flooding peer cannot starve
/// the session's own timers and commands.
const READ_BUDGET: usize = 32;

struct Task<D> {
    dp: D,
    session: Session,
    events: UnboundedSender<EngineEvent>,
    rng: UnwrapErr<SysRng>,
    channel: Option<FrameFd>,
    unit: Option<FrameFd>,
    fatal: Option<DataPathError>,
    ended: Option<Ended>,
    write_errors: u32,
}

/// Runs a session to its end on `dp`, then tears `dp` down.
pub(crate) async fn run<D: DataPath>(
    dp: D,
    config: Arc<SessionConfig>,
    events: UnboundedSender<EngineEvent>,
    commands: UnboundedReceiver<Command>,
) -> Ended {
    let mut task = Task {
        dp,
        session: Session::new(config),
        events,
        rng: UnwrapErr(SysRng),
        channel: None,
        unit: None,
        fatal: None,
        ended: None,
        write_errors: 0,
    };
    task.run(commands).await;
    if let Some(stats) = task.dp.stats() {
        // pppd's last words about a link.
        tracing::info!(
            "Sent {} bytes, received {} bytes.",
            stats.tx_bytes,
            stats.rx_bytes
        );
        tracing::debug!(
            "L2TP session counters: tx {} packets, rx {} packets, {} tx errors, {} rx errors",
            stats.tx_packets,
            stats.rx_packets,
            stats.tx_errors,
            stats.rx_errors
        );
        let _ = task.events.send(EngineEvent::Stats(stats));
    }
    // Close our fds first, then undo the kernel objects in reverse order.
    task.unit = None;
    task.channel = None;
    task.dp.teardown().await;
    let ended = match (task.fatal.take(), task.ended.take()) {
        (Some(e), _) => Ended {
            exit_code: exit::FATAL_ERROR,
            reason: e.to_string(),
        },
        (None, Some(ended)) => ended,
        (None, None) => Ended {
            exit_code: exit::FATAL_ERROR,
            reason: "the session stopped without an end".into(),
        },
    };
    let _ = task.events.send(EngineEvent::Ended(ended.clone()));
    ended
}

impl<D: DataPath> Task<D> {
    async fn run(&mut self, mut commands: UnboundedReceiver<Command>) {
        match self.dp.channel().and_then(|fd| {
            FrameFd::new(fd).map_err(|e| DataPathError::new("register the channel fd", e))
        }) {
            Ok(channel) => self.channel = Some(channel),
            Err(e) => {
                self.fatal = Some(e);
                return;
            }
        }
        // Session::new queued CreateUnit: the unit exists before LCP starts.
        self.drain().await;
        if self.fatal.is_some() {
            return;
        }
        let now = Instant::now().into_std();
        self.session.start(now, &mut self.rng);
        for frame in self.dp.early_frames() {
            if frame.len() >= 2 {
                let protocol = u16::from_be_bytes([frame[0], frame[1]]);
                self.session
                    .handle_frame(now, protocol, &frame[2..], &mut self.rng);
            }
        }
        let mut commands_open = true;
        loop {
            self.drain().await;
            if self.session.is_terminated() {
                return;
            }
            let deadline = self.session.poll_timeout().map(Instant::from_std);
            let (Some(channel), unit) = (&self.channel, &self.unit) else {
                return;
            };
            let unit_readable = async {
                match unit {
                    Some(u) => u.readable().await,
                    None => std::future::pending().await,
                }
            };
            let timer = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            enum Wake {
                Channel,
                Unit,
                Timer,
                Command(Option<Command>),
                Error(std::io::Error),
            }
            let wake = tokio::select! {
                r = channel.readable() => r.map_or_else(Wake::Error, |()| Wake::Channel),
                r = unit_readable => r.map_or_else(Wake::Error, |()| Wake::Unit),
                () = timer => Wake::Timer,
                c = commands.recv(), if commands_open => Wake::Command(c),
            };
            let now = Instant::now().into_std();
            match wake {
                Wake::Channel => self.read(now, false),
                Wake::Unit => self.read(now, true),
                Wake::Timer => self.session.handle_timeout(now, &mut self.rng),
                Wake::Command(Some(Command::Close)) => self.session.close(now, &mut self.rng),
                Wake::Command(Some(Command::Stats)) => {
                    if let Some(stats) = self.dp.stats() {
                        let _ = self.events.send(EngineEvent::Stats(stats));
                    }
                }
                // The handle is gone: the session runs on by itself.
                Wake::Command(None) => commands_open = false,
                Wake::Error(e) => {
                    tracing::error!("polling the session's fds failed: {e}");
                    self.session.lower_down(now, &mut self.rng);
                }
            }
        }
    }

    /// Reads what is queued on the channel or the unit and feeds it in.
    fn read(&mut self, now: std::time::Instant, from_unit: bool) {
        let fd = if from_unit { &self.unit } else { &self.channel };
        let Some(fd) = fd else { return };
        let (session, rng) = (&mut self.session, &mut self.rng);
        for _ in 0..READ_BUDGET {
            match fd.read(|protocol, information| {
                tracing::debug!(
                    "rcvd {}",
                    FrameDisplay {
                        protocol,
                        information
                    }
                );
                session.handle_frame(now, protocol, information, rng)
            }) {
                Ok(Read::Frame) | Ok(Read::Runt) => {}
                Ok(Read::Empty) => return,
                // End of file on the channel (or on the connected unit):
                // the L2TP session is gone. pppd: "Modem hangup", exit 16.
                Ok(Read::Closed) => {
                    session.lower_down(now, rng);
                    return;
                }
                Err(e) => {
                    tracing::error!(
                        "read({}) failed: {e}",
                        if from_unit { "unit fd" } else { "channel fd" }
                    );
                    session.lower_down(now, rng);
                    return;
                }
            }
        }
    }

    /// Carries out the session's outputs in the documented order: data-path
    /// actions, frames, events.
    async fn drain(&mut self) {
        while let Some(action) = self.session.poll_action() {
            if self.fatal.is_some() {
                continue;
            }
            if let Err(e) = self.act(&action).await {
                tracing::error!("{e}");
                self.fatal = Some(e);
                if self.session.phase() != crate::session::Phase::Dead {
                    let now = Instant::now().into_std();
                    self.session.close(now, &mut self.rng);
                }
            }
        }
        let mut frame = Vec::new();
        while let Some(protocol) = self.session.poll_transmit(&mut frame) {
            tracing::debug!(
                "sent {}",
                FrameDisplay {
                    protocol,
                    information: &frame
                }
            );
            if let Some(channel) = &self.channel {
                match channel.write(protocol, &frame) {
                    Ok(true) => {}
                    Ok(false) => self.write_errors += 1,
                    Err(e) => {
                        self.write_errors += 1;
                        tracing::debug!("write(channel fd) failed: {e}");
                    }
                }
            }
            frame.clear();
        }
        while let Some(event) = self.session.poll_event() {
            match event {
                SessionEvent::Terminated { reason, exit_code } => {
                    self.ended = Some(Ended {
                        exit_code,
                        reason: reason.to_string(),
                    });
                }
                event => {
                    let _ = self.events.send(EngineEvent::Session(event));
                }
            }
        }
    }

    async fn act(&mut self, action: &DataPathAction) -> Result<(), DataPathError> {
        if *action != DataPathAction::CreateUnit {
            return self.dp.apply(action).await;
        }
        let created = self.dp.create_unit().await?;
        let frames = FrameFd::new(created.frames)
            .map_err(|e| DataPathError::new("register the unit fd", e))?;
        self.unit = Some(frames);
        self.session.set_unit(created.unit);
        let _ = self.events.send(EngineEvent::Created {
            ifname: created.ifname,
            unit: created.unit,
            l2tp: self.dp.l2tp_ids(),
        });
        Ok(())
    }
}
