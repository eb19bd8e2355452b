//! One session's tokio task: it waits on the channel and unit fds, the
//! session's deadline, the engine's commands and its hooks, feeds the
//! session, writes its frames, carries out its data-path actions and
//! reports its events.
//!
//! Around the session it does what pppd does beside its protocols
//! ([`LinkOptions`](super::LinkOptions)): the idle check, the default
//! route and proxy ARP entry while IPCP is up, and the link's figures for
//! the down scripts ([`link`]); the wait for `ip-pre-up` is the hooks'
//! ([`Hooks::ip_pre_up`]), and frames and timers go on during it.

mod advertising;
mod frames;
mod link;
mod report;
mod start;
mod wait;

use std::future::Future;
use std::pin::Pin;

use futures_util::FutureExt as _;
use rand::rngs::SysRng;
use rand_core::UnwrapErr;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

use super::datapath::{DataPath, DataPathError, DataPathStep, LowerLayer};
use super::end::{CloseReason, EndReason, Ended};
use super::events::{EngineEvent, IpPreUp};
use super::hooks::Hooks;
use super::registry::Command;
use super::status::FrameCounts;
use super::verify::{Authorization, SessionLimits};
use crate::kernel::frames::FrameFd;
use crate::session::{DataPathAction, Session, SessionEvent, TerminationReason, VerifyHandle};
use advertising::Advertising;
use link::LinkState;
pub(crate) use start::Start;

/// Frames read from one fd per wake-up, so a flooding peer cannot starve
/// the session's own timers and commands. What is left is read at the
/// next turn of the loop, without waiting for new input.
const READ_BUDGET: usize = 32;

/// A hook's future the session waits for before going on.
type Wait = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A request to the outside verifier ([`Hooks::verify`]) and its answer
/// to come.
struct Verifying {
    handle: VerifyHandle,
    answer: Pin<Box<dyn Future<Output = Authorization> + Send>>,
}

struct Task<D, H> {
    start: Start<H>,
    dp: D,
    session: Session,
    rng: UnwrapErr<SysRng>,
    channel: Option<FrameFd>,
    unit: Option<FrameFd>,
    /// The channel or unit has frames left that the read budget did not
    /// reach.
    channel_more: bool,
    unit_more: bool,
    fatal: Option<DataPathError>,
    /// What the session reported at its end.
    terminated: Option<(TerminationReason, u8)>,
    /// Why the embedder closed it, if it did.
    close_reason: Option<CloseReason>,
    /// The lower layer is known to be gone (after the echoes failed).
    lower_layer_gone: bool,
    write_errors: u32,
    /// `ip-pre-up` runs: actions and events wait, frames and timers not.
    pre_up: Option<Wait>,
    /// The outside verifier is asked about the peer's credentials.
    verifying: Option<Verifying>,
    /// The session's timer, made at the first deadline and reset after,
    /// and the deadline it is set to (`None`: nothing due).
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    timer_at: Option<Instant>,
    link: LinkState,
    /// The peer's IPv6 prefix, advertised while IPv6 is up (boxed: few
    /// sessions have one).
    advertising: Option<Box<Advertising>>,
    rx_frames: FrameCounts,
    tx_frames: FrameCounts,
    auth_attempts: u32,
    /// The engine's negotiation window slot, held until the peer is heard
    /// from (see [`Engine`](super::Engine)'s negotiation window).
    window: Option<OwnedSemaphorePermit>,
}

/// Runs a session to its end on `dp`, then tears `dp` down; `window` is
/// its slot in the engine's negotiation window if it took one already,
/// else it waits for one first.
///
/// Not `async`: the task is boxed before the future exists, so the future
/// every session keeps for its life holds a pointer, not the session (an
/// async fn keeps its arguments for its whole life, beside its locals).
pub(crate) fn run<D: DataPath, H: Hooks>(
    dp: D,
    start: Start<H>,
    window: Option<OwnedSemaphorePermit>,
) -> impl Future<Output = ()> + Send {
    let link = LinkState::new(start.link.clone());
    let task = Box::new(Task {
        session: Session::with_addresses(std::sync::Arc::clone(&start.config), start.addresses),
        start,
        dp,
        rng: UnwrapErr(SysRng),
        channel: None,
        unit: None,
        channel_more: false,
        unit_more: false,
        fatal: None,
        terminated: None,
        close_reason: None,
        lower_layer_gone: false,
        write_errors: 0,
        pre_up: None,
        verifying: None,
        timer: None,
        timer_at: None,
        link,
        advertising: None,
        rx_frames: FrameCounts::default(),
        tx_frames: FrameCounts::default(),
        auth_attempts: 0,
        window,
    });
    run_task(task)
}

async fn run_task<D: DataPath, H: Hooks>(mut task: Box<Task<D, H>>) {
    if let Some(permit) = task.start.take_window().await {
        task.window = Some(permit);
    }
    task.run().await;
    // The end is boxed: what it holds (the start by value, the hooks' and
    // the stream's futures) would otherwise sit in every session's future
    // for its whole life.
    Box::pin(end_task(task)).await;
}

/// The session is over: figures, teardown, the hooks' last work, `Ended`.
async fn end_task<D: DataPath, H: Hooks>(mut task: Box<Task<D, H>>) {
    task.wind_down().await;
    let ended = Ended::new(task.end_reason());
    let Task { dp, mut start, .. } = *task;
    // Every fd of the session is closed before the embedder hears of the
    // end (the channel and unit in wind_down, the PPPoL2TP socket with
    // the data path here): a daemon that deletes the L2TP session upon
    // `Ended` does not race with us.
    dp.release().await;
    tracing::info!("Exit: {ended}");
    start.hooks.finish(&ended).await;
    start.finish(ended).await;
}

impl<D: DataPath, H: Hooks> Task<D, H> {
    fn now() -> std::time::Instant {
        Instant::now().into_std()
    }

    /// Reports an event: the registry's summary, the hooks, the stream.
    fn report(&mut self, event: EngineEvent) {
        self.note(&event);
        self.start.hooks.on_event(&event);
        self.start.outbox.push(event);
    }

    fn close(&mut self, reason: CloseReason, hard: bool) {
        self.close_reason.get_or_insert(reason);
        // Closing, not starting: the next session may start.
        self.window = None;
        self.link.closing();
        if hard {
            self.session.lower_down(Self::now(), &mut self.rng);
        } else {
            self.session.close(Self::now(), &mut self.rng);
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Close { reason, hard } => {
                // A close ends the wait for ip-pre-up: the session goes
                // down from where it is.
                self.pre_up = None;
                self.close(reason, hard);
            }
            Command::Stats(reply) => {
                let _ = reply.send(self.stats());
            }
            Command::Limits(limits) => self.set_limits(limits),
        }
    }

    /// Applies limits from the verifier (or a CoA through the engine).
    fn set_limits(&mut self, limits: SessionLimits) {
        let now = Self::now();
        if let Some(limit) = limits.session_timeout {
            tracing::info!("Connect time limit: {} s", limit.as_secs());
            self.session.set_connect_limit(now, Some(limit));
        }
        if let Some(limit) = limits.idle_timeout {
            tracing::info!("Idle time limit: {} s", limit.as_secs());
            self.link.set_idle(limit);
        }
    }

    /// The verifier answered: its limits, then its verdict.
    fn on_authorization(&mut self, handle: VerifyHandle, authorization: Authorization) {
        self.set_limits(authorization.limits);
        self.session
            .set_name_servers(authorization.dns, authorization.nbns);
        if let Some(id) = authorization.interface_id {
            if !self
                .session
                .set_peer_interface_id(rppp_ipcp::InterfaceId(id))
            {
                tracing::warn!("the peer's interface identifier is not applied: IPv6CP is off");
            }
        }
        self.link.set_framed_routes(authorization.routes);
        if let Some(prefix) = authorization.ipv6_prefix {
            if self.session.ipv6cp().is_some() {
                self.advertising = Some(Advertising::new(prefix));
            } else {
                tracing::warn!("the peer's IPv6 prefix {prefix} is not applied: IPv6CP is off");
            }
        }
        if let Some(mtu) = authorization.mtu {
            tracing::info!("MTU limited to {mtu}");
            self.session.limit_mtu(mtu);
        }
        if self
            .session
            .verdict(Self::now(), handle, authorization.verdict, &mut self.rng)
            .is_err()
        {
            tracing::debug!("the verifier's answer came too late: the request is over");
        }
    }

    async fn run(&mut self) {
        match self.dp.channel().and_then(|fd| {
            FrameFd::new(fd).map_err(|e| {
                DataPathError::new(DataPathStep::Channel, format!("register the fd: {e}"))
            })
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
        let now = Self::now();
        self.session.start(now, &mut self.rng);
        for frame in self.dp.early_frames() {
            if frame.len() >= 2 {
                self.window = None;
                let protocol = u16::from_be_bytes([frame[0], frame[1]]);
                self.handle_frame(now, protocol, &frame[2..]);
            }
        }
        loop {
            self.drain().await;
            if self.session.is_terminated() && self.pre_up.is_none() {
                return;
            }
            let Some(wake) = self.wait().await else {
                return;
            };
            self.on_wake(wake);
        }
    }

    /// Carries out the session's outputs in the documented order: data-path
    /// actions, frames, events. While `ip-pre-up` runs, only frames.
    async fn drain(&mut self) {
        while self.pre_up.is_none() {
            let Some(action) = self.session.poll_action() else {
                break;
            };
            if self.fatal.is_some() {
                continue;
            }
            match Box::pin(self.act(&action)).await {
                Ok(()) => {}
                // As pppd: IPv6 that cannot be configured closes IPv6CP,
                // not the link (a host with IPv6 disabled keeps IPv4).
                Err(e) if is_ipv6(&action) => {
                    tracing::error!("{e}; closing IPv6CP: Interface configuration failed");
                    self.session.close_ipv6cp(Self::now(), &mut self.rng);
                }
                Err(e) => {
                    tracing::error!("{e}");
                    self.fatal = Some(e);
                    if self.session.phase() != crate::session::Phase::Dead {
                        self.session.close(Self::now(), &mut self.rng);
                    }
                }
            }
        }
        self.transmit();
        if self.pre_up.is_some() {
            return;
        }
        while let Some(event) = self.session.poll_event() {
            // Boxed: an event's handling would otherwise sit in every
            // session's future for its whole life.
            Box::pin(self.on_session_event(event)).await;
        }
    }

    async fn on_session_event(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::Terminated { reason, exit_code } => {
                if matches!(
                    reason,
                    TerminationReason::PeerAuthFailed { .. }
                        | TerminationReason::AuthToPeerFailed { .. }
                        | TerminationReason::PeerRefusedAuth
                ) {
                    self.auth_attempts = self.auth_attempts.saturating_add(1);
                }
                // Echoes unanswered: a peer that died, or an L2TP session
                // deleted without a word to us (no hangup on this kernel,
                // no announcement). Ask the kernel.
                if reason == TerminationReason::PeerDead
                    && Box::pin(self.dp.probe_lower_layer()).await == LowerLayer::Gone
                {
                    tracing::info!("the L2TP session is gone: Modem hangup");
                    self.lower_layer_gone = true;
                }
                self.terminated = Some((reason, exit_code));
            }
            event => {
                match &event {
                    SessionEvent::IpUp { .. } | SessionEvent::Ipv6Up { .. } => {
                        Box::pin(self.link.network_up(&mut self.dp)).await;
                    }
                    SessionEvent::IpDown | SessionEvent::Ipv6Down => {
                        if let Some(stats) = Box::pin(self.link.network_down(&mut self.dp)).await {
                            self.report(EngineEvent::LinkStats(stats));
                        }
                    }
                    SessionEvent::VerifyRequest(request) => {
                        let answer = Box::pin(self.start.hooks.verify(request));
                        self.verifying = Some(Verifying {
                            handle: request.handle,
                            answer,
                        });
                    }
                    SessionEvent::Authenticated { .. } | SessionEvent::AuthenticatedToPeer => {
                        self.auth_attempts = self.auth_attempts.saturating_add(1);
                    }
                    _ => {}
                }
                self.report(EngineEvent::Session(event));
            }
        }
    }

    async fn act(&mut self, action: &DataPathAction) -> Result<(), DataPathError> {
        match *action {
            DataPathAction::CreateUnit => self.create_unit().await,
            DataPathAction::SetIpv4Addresses { local, peer } => {
                self.dp.apply(action).await?;
                self.link.ipv4_peer = Some(peer);
                self.ip_pre_up(local, peer);
                Ok(())
            }
            DataPathAction::SetNpMode {
                protocol: crate::session::network_protocol::IPV4,
                mode: crate::session::NpMode::Pass,
            } => {
                self.dp.apply(action).await?;
                self.link.set_ipv4_extras(&mut self.dp).await;
                Ok(())
            }
            DataPathAction::SetNpMode {
                protocol: crate::session::network_protocol::IPV6,
                mode,
            } => {
                if mode != crate::session::NpMode::Pass {
                    self.stop_advertising().await;
                }
                self.dp.apply(action).await?;
                if mode == crate::session::NpMode::Pass {
                    if let Some(a) = &mut self.advertising {
                        Box::pin(a.start(&mut self.dp, Self::now())).await;
                    }
                }
                Ok(())
            }
            DataPathAction::RemoveIpv6LinkLocal => {
                self.stop_advertising().await;
                self.dp.apply(action).await
            }
            DataPathAction::RemoveIpv4Addresses => {
                // pppd's ipcp_clear_addrs: the route and the proxy ARP
                // entry go before the addresses.
                self.link.clear_ipv4_extras(&mut self.dp).await;
                self.link.ipv4_peer = None;
                self.dp.apply(action).await
            }
            _ => self.dp.apply(action).await,
        }
    }

    async fn stop_advertising(&mut self) {
        if let Some(a) = &mut self.advertising {
            Box::pin(a.stop(&mut self.dp)).await;
        }
    }

    /// pppd runs `ip-pre-up` after setting the addresses and waits for it
    /// before bringing the interface up: the hooks' future holds the
    /// session's later actions and events, not its frames and timers.
    fn ip_pre_up(&mut self, local: std::net::Ipv4Addr, peer: std::net::Ipv4Addr) {
        let (dns, nbns) = self
            .session
            .ipcp()
            .negotiated()
            .map_or(([None; 2], [None; 2]), |n| (n.dns, n.nbns));
        let info = IpPreUp {
            local,
            peer,
            dns,
            nbns,
        };
        let mut wait: Wait = Box::pin(self.start.hooks.ip_pre_up(&info));
        if (&mut wait).now_or_never().is_none() {
            self.pre_up = Some(wait);
        }
    }

    async fn create_unit(&mut self) -> Result<(), DataPathError> {
        let created = self.dp.create_unit().await?;
        let frames = FrameFd::new(created.frames).map_err(|e| {
            DataPathError::new(DataPathStep::CreateUnit, format!("register the fd: {e}"))
        })?;
        self.unit = Some(frames);
        self.session.set_unit(created.unit);
        let l2tp = self.dp.l2tp_ids();
        self.report(EngineEvent::Created {
            ifname: created.ifname,
            unit: created.unit,
            l2tp,
        });
        Ok(())
    }

    /// After the loop: the figures and log lines pppd gives at the end,
    /// then every fd closed and the kernel objects undone.
    async fn wind_down(&mut self) {
        self.stop_advertising().await;
        if let Some(stats) = self.link.end(&mut self.dp).await {
            self.report(EngineEvent::LinkStats(stats));
        }
        // pppd's last words about a link: the interface's counters, or the
        // L2TP session's when those cannot be read.
        let l2tp_stats = self.dp.stats();
        let bytes = match self.dp.unit_stats().await {
            Ok(u) => Some((u.tx_bytes, u.rx_bytes)),
            Err(_) => l2tp_stats.map(|s| (s.tx_bytes, s.rx_bytes)),
        };
        if let Some((sent, received)) = bytes {
            tracing::info!("Sent {sent} bytes, received {received} bytes.");
        }
        if let Some(stats) = l2tp_stats {
            tracing::debug!(
                "L2TP session counters: tx {} packets, rx {} packets, {} tx errors, {} rx errors",
                stats.tx_packets,
                stats.rx_packets,
                stats.tx_errors,
                stats.rx_errors
            );
            self.report(EngineEvent::Stats(stats));
        }
        // Close our fds first, then undo the kernel objects in reverse order.
        self.unit = None;
        self.channel = None;
        self.dp.teardown().await;
    }

    /// Why the session ended, from what happened.
    fn end_reason(&mut self) -> EndReason {
        if let Some(e) = self.fatal.take() {
            return EndReason::DataPath(e);
        }
        match (self.terminated.take(), self.close_reason) {
            (Some((TerminationReason::UserRequest | TerminationReason::Hangup, _)), Some(why)) => {
                EndReason::Closed(why)
            }
            (Some((TerminationReason::PeerDead, _)), _) if self.lower_layer_gone => {
                EndReason::LowerLayerGone
            }
            (Some((reason, exit_code)), _) => EndReason::Protocol { reason, exit_code },
            (None, Some(why)) => EndReason::Closed(why),
            (None, None) => EndReason::Setup(super::end::SetupError::TaskFailed),
        }
    }
}

/// Whether `action` configures IPv6 alone.
fn is_ipv6(action: &DataPathAction) -> bool {
    matches!(
        action,
        DataPathAction::SetIpv6LinkLocal { .. }
            | DataPathAction::SetNpMode {
                protocol: crate::session::network_protocol::IPV6,
                ..
            }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::KernelDataPath;

    /// The size of what `f` returns, without calling it.
    fn returned<A, R>(_: impl FnOnce(A) -> R) -> usize {
        std::mem::size_of::<R>()
    }

    /// The future in every session's tokio task lives as long as the
    /// session: what its awaits hold is paid per session (the waits are a
    /// poll function, the rarer steps boxed). It was 950 bytes with a
    /// `select!` of futures; 10,000 sessions feel each byte.
    #[test]
    fn a_sessions_future_holds_little_across_its_life() {
        type T = Task<KernelDataPath, ()>;
        let future = returned(run_task::<KernelDataPath, ()>);
        assert!(future <= 256, "the session's future is {future} bytes");
        assert!(returned(T::wait) <= 64);
        assert!(returned(T::drain) <= 192);
    }
}
