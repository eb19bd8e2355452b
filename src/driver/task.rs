//! One session's tokio task: it waits on the channel and unit fds, the
//! session's deadline and its handle's commands, feeds the session, writes
//! its frames, carries out its data-path actions and reports its events.
//!
//! Around the session it does what pppd does beside its protocols
//! ([`LinkOptions`]): the idle check (`auth.c` `check_idle`), the default
//! route and proxy ARP entry while IPCP is up (`ipcp.c` `ipcp_up`,
//! `ipcp_clear_addrs`), the wait for `ip-pre-up` between setting the
//! addresses and bringing the interface up, and the link's figures for the
//! down scripts (`main.c` `reset_link_stats`, `update_link_stats`).

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::SysRng;
use rand_core::UnwrapErr;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

use super::datapath::{
    DataPath, DataPathError, LowerLayer, ProxyArpOutcome, RouteOutcome, UnitStats,
};
use super::engine::{Command, Ended, EngineEvent, LinkOptions, NetworkStats};
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
    link: LinkOptions,
    commands: UnboundedReceiver<Command>,
    commands_open: bool,
    /// A close asked for while waiting for `ip-pre-up`.
    close_pending: bool,
    /// A close was asked for (no idle check after it).
    closing: bool,
    /// When the idle check runs next.
    idle_deadline: Option<Instant>,
    /// Network protocols up (pppd's `num_np_up`).
    np_up: u8,
    /// When the first network protocol came up, and the unit's counters
    /// then (pppd's `reset_link_stats`).
    net_start: Option<(Instant, Option<UnitStats>)>,
    /// The peer's IPv4 address, while the addresses are set.
    ipv4_peer: Option<Ipv4Addr>,
    /// A default route or proxy ARP entry is set.
    route_set: bool,
    proxy_arp_set: bool,
    /// The engine's negotiation window slot, held until the peer is heard
    /// from (see [`Engine`](super::Engine)'s negotiation window).
    window: Option<OwnedSemaphorePermit>,
}

/// Runs a session to its end on `dp`, then tears `dp` down.
pub(crate) async fn run<D: DataPath>(
    dp: D,
    config: Arc<SessionConfig>,
    link: LinkOptions,
    events: UnboundedSender<EngineEvent>,
    commands: UnboundedReceiver<Command>,
    window: Option<OwnedSemaphorePermit>,
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
        link,
        commands,
        commands_open: true,
        close_pending: false,
        closing: false,
        idle_deadline: None,
        np_up: 0,
        net_start: None,
        ipv4_peer: None,
        route_set: false,
        proxy_arp_set: false,
        window,
    };
    task.run().await;
    if task.np_up > 0 {
        // The session ended with a network protocol still up (a fatal
        // error): the down scripts still get the figures.
        task.np_up = 0;
        task.send_network_stats().await;
    }
    task.clear_ipv4_extras().await;
    if let Some((start, _)) = task.net_start {
        let minutes = start.elapsed().as_secs_f64() / 60.0;
        tracing::info!("Connect time {minutes:.1} minutes.");
    }
    // pppd's last words about a link: the interface's counters, or the L2TP
    // session's when those cannot be read.
    let l2tp_stats = task.dp.stats();
    let bytes = match task.dp.unit_stats().await {
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
    // Every fd of the session is closed before the embedder hears of the
    // end (the channel and unit above, the PPPoL2TP socket with the data
    // path here): a daemon that deletes the L2TP session upon `Ended`
    // does not race with us.
    let Task { dp, events, .. } = task;
    drop(dp);
    let _ = events.send(EngineEvent::Ended(ended.clone()));
    ended
}

impl<D: DataPath> Task<D> {
    fn close(&mut self) {
        self.closing = true;
        self.idle_deadline = None;
        let now = Instant::now().into_std();
        self.session.close(now, &mut self.rng);
    }

    fn send_l2tp_stats(&self) {
        if let Some(stats) = self.dp.stats() {
            let _ = self.events.send(EngineEvent::Stats(stats));
        }
    }

    /// pppd's `np_up`: the first network protocol up starts the idle
    /// check and the link's figures.
    async fn network_protocol_up(&mut self) {
        self.np_up = self.np_up.saturating_add(1);
        if self.np_up > 1 {
            return;
        }
        let baseline = self.dp.unit_stats().await.ok();
        self.net_start = Some((Instant::now(), baseline));
        if let (Some(limit), false) = (self.link.idle, self.closing) {
            self.idle_deadline = Some(Instant::now() + limit);
        }
    }

    /// pppd's `np_down` (the last one down stops the idle check), and the
    /// figures for the down script that follows.
    async fn network_protocol_down(&mut self) {
        self.np_up = self.np_up.saturating_sub(1);
        if self.np_up == 0 {
            self.idle_deadline = None;
        }
        self.send_network_stats().await;
    }

    /// pppd's `update_link_stats`: the figures since the first network
    /// protocol came up. Nothing when the counters cannot be read.
    async fn send_network_stats(&mut self) {
        let Some((start, baseline)) = self.net_start else {
            return;
        };
        let Ok(now) = self.dp.unit_stats().await else {
            return;
        };
        let base = baseline.unwrap_or_default();
        let _ = self.events.send(EngineEvent::LinkStats(NetworkStats {
            connect_time: start.elapsed(),
            bytes_sent: now.tx_bytes.saturating_sub(base.tx_bytes),
            bytes_rcvd: now.rx_bytes.saturating_sub(base.rx_bytes),
        }));
    }

    /// pppd's `check_idle`: the link is idle when neither direction
    /// carried a data packet for `idle` seconds (`min(xmit_idle,
    /// recv_idle)`, in whole seconds as the kernel counts them; rppp has
    /// no `active-filter`, so every data packet counts, as in pppd
    /// without one); otherwise the next check is when it would be. If the
    /// idle time cannot be read, pppd stops checking: so does this, with a
    /// warning.
    fn check_idle(&mut self) {
        self.idle_deadline = None;
        let Some(limit) = self.link.idle else { return };
        if self.closing || self.np_up == 0 {
            return;
        }
        let idle = match self.dp.idle() {
            Ok(idle) => idle,
            Err(e) => {
                tracing::warn!("idle {}: {e}; no more idle checks", limit.as_secs());
                return;
            }
        };
        let itime = idle.xmit.min(idle.recv).as_secs();
        let left = limit.as_secs().saturating_sub(itime);
        if left == 0 {
            tracing::info!("Terminating connection due to lack of activity.");
            self.closing = true;
            let now = Instant::now().into_std();
            self.session.close_idle(now, &mut self.rng);
        } else {
            self.idle_deadline = Some(Instant::now() + Duration::from_secs(left));
        }
    }

    /// pppd runs `ip-pre-up` after setting the addresses and waits for it
    /// before bringing the interface up. The frames the session queued so
    /// far (our Configure-Ack, say) leave first, so that a slow script
    /// does not make the peer retransmit and renegotiate.
    async fn ip_pre_up(&mut self, local: Ipv4Addr, peer: Ipv4Addr) -> Result<(), DataPathError> {
        let Some(bound) = self.link.ip_pre_up else {
            return Ok(());
        };
        self.transmit();
        let (dns, nbns) = self
            .session
            .ipcp()
            .negotiated()
            .map_or(([None; 2], [None; 2]), |n| (n.dns, n.nbns));
        let _ = self.events.send(EngineEvent::IpPreUp {
            local,
            peer,
            dns,
            nbns,
        });
        let deadline = Instant::now() + bound;
        while self.commands_open {
            match tokio::time::timeout_at(deadline, self.commands.recv()).await {
                Err(_) => {
                    tracing::warn!("ip-pre-up: not done after {bound:?}; going on");
                    break;
                }
                Ok(Some(Command::IpPreUpDone)) => break,
                Ok(Some(Command::Close)) => self.close_pending = true,
                Ok(Some(Command::Stats)) => self.send_l2tp_stats(),
                Ok(None) => self.commands_open = false,
            }
        }
        if std::mem::take(&mut self.close_pending) {
            self.close();
        }
        Ok(())
    }

    /// After IPv4 passes: pppd's default route and proxy ARP entry. A
    /// failure is logged and the link stays up, as in pppd.
    async fn set_ipv4_extras(&mut self) {
        let Some(peer) = self.ipv4_peer else { return };
        if let Some(how) = self.link.default_route {
            match self.dp.set_default_route(how, peer).await {
                Ok(RouteOutcome::Added) => {
                    tracing::debug!("default route through the interface added");
                    self.route_set = true;
                }
                Ok(RouteOutcome::Replaced(old)) => {
                    tracing::info!("replacing old default route {old}");
                    self.route_set = true;
                }
                Ok(RouteOutcome::Refused(existing)) => {
                    tracing::warn!("not replacing existing default route {existing}")
                }
                Err(e) => tracing::error!("{e}"),
            }
        }
        if self.link.proxy_arp {
            match self.dp.set_proxy_arp(peer).await {
                Ok(ProxyArpOutcome::Added { dev }) => {
                    tracing::info!("found interface {dev} for proxy arp");
                    self.proxy_arp_set = true;
                }
                Ok(ProxyArpOutcome::NoInterface) => {
                    tracing::warn!("Cannot determine ethernet address for proxy ARP")
                }
                Err(e) => tracing::error!("{e}"),
            }
        }
    }

    /// Undoes [`set_ipv4_extras`](Self::set_ipv4_extras): the proxy ARP
    /// entry, the default route (and the one it replaced comes back).
    async fn clear_ipv4_extras(&mut self) {
        if std::mem::take(&mut self.proxy_arp_set) {
            self.dp.clear_proxy_arp().await;
        }
        if std::mem::take(&mut self.route_set) {
            self.dp.clear_default_route().await;
        }
    }

    async fn run(&mut self) {
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
                self.window = None;
                let protocol = u16::from_be_bytes([frame[0], frame[1]]);
                self.session
                    .handle_frame(now, protocol, &frame[2..], &mut self.rng);
            }
        }
        loop {
            self.drain().await;
            if self.session.is_terminated() {
                return;
            }
            let deadline = match (
                self.session.poll_timeout().map(Instant::from_std),
                self.idle_deadline,
            ) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
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
                Deleted,
            }
            let wake = tokio::select! {
                r = channel.readable() => r.map_or_else(Wake::Error, |()| Wake::Channel),
                r = unit_readable => r.map_or_else(Wake::Error, |()| Wake::Unit),
                () = timer => Wake::Timer,
                c = self.commands.recv(), if self.commands_open => Wake::Command(c),
                () = self.dp.lower_layer_deleted() => Wake::Deleted,
            };
            let now = Instant::now().into_std();
            match wake {
                Wake::Channel => {
                    if self.read(now, false) {
                        // The peer is negotiating: its restart timer runs
                        // as ours does. Let the next session start.
                        self.window = None;
                    }
                }
                Wake::Unit => {
                    self.read(now, true);
                }
                Wake::Timer => {
                    if self.idle_deadline.is_some_and(|d| d <= Instant::now()) {
                        self.check_idle();
                    }
                    self.session.handle_timeout(now, &mut self.rng)
                }
                Wake::Command(Some(Command::Close)) => {
                    // Closing, not starting: the next session may start.
                    self.window = None;
                    self.close()
                }
                Wake::Command(Some(Command::Stats)) => self.send_l2tp_stats(),
                // Late, or never asked for: nothing waits for it.
                Wake::Command(Some(Command::IpPreUpDone)) => {}
                // The handle is gone: the session runs on by itself.
                Wake::Command(None) => self.commands_open = false,
                Wake::Error(e) => {
                    tracing::error!("polling the session's fds failed: {e}");
                    self.session.lower_down(now, &mut self.rng);
                }
                // The L2TP session or its tunnel was deleted, with no
                // hangup on the channel: the lower layer is down all the
                // same (pppd: "Modem hangup", exit 16).
                Wake::Deleted => {
                    tracing::info!("Modem hangup");
                    self.session.lower_down(now, &mut self.rng);
                }
            }
        }
    }

    /// Reads what is queued on the channel or the unit and feeds it in;
    /// whether a frame came.
    fn read(&mut self, now: std::time::Instant, from_unit: bool) -> bool {
        let fd = if from_unit { &self.unit } else { &self.channel };
        let Some(fd) = fd else { return false };
        let mut got = false;
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
                Ok(Read::Frame) => got = true,
                Ok(Read::Runt) => {}
                Ok(Read::Empty) => return got,
                // End of file on the channel (or on the connected unit):
                // the L2TP session is gone. pppd: "Modem hangup", exit 16.
                Ok(Read::Closed) => {
                    session.lower_down(now, rng);
                    return got;
                }
                Err(e) => {
                    tracing::error!(
                        "read({}) failed: {e}",
                        if from_unit { "unit fd" } else { "channel fd" }
                    );
                    session.lower_down(now, rng);
                    return got;
                }
            }
        }
        got
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
        self.transmit();
        while let Some(event) = self.session.poll_event() {
            match event {
                SessionEvent::Terminated { reason, exit_code } => {
                    let mut ended = Ended {
                        exit_code,
                        reason: reason.to_string(),
                    };
                    // Echoes unanswered: a peer that died, or an L2TP
                    // session deleted without a word to us (no hangup on
                    // this kernel, no announcement). Ask the kernel.
                    if exit_code == exit::PEER_DEAD
                        && self.dp.probe_lower_layer().await == LowerLayer::Gone
                    {
                        tracing::info!("the L2TP session is gone: Modem hangup");
                        ended = Ended {
                            exit_code: exit::HANGUP,
                            reason: format!("{}; the L2TP session was deleted", ended.reason),
                        };
                    }
                    self.ended = Some(ended);
                }
                event => {
                    match &event {
                        SessionEvent::IpUp { .. } | SessionEvent::Ipv6Up { .. } => {
                            self.network_protocol_up().await
                        }
                        SessionEvent::IpDown | SessionEvent::Ipv6Down => {
                            self.network_protocol_down().await
                        }
                        _ => {}
                    }
                    let _ = self.events.send(EngineEvent::Session(event));
                }
            }
        }
    }

    /// Writes the session's queued frames to the channel.
    fn transmit(&mut self) {
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
    }

    async fn act(&mut self, action: &DataPathAction) -> Result<(), DataPathError> {
        match *action {
            DataPathAction::CreateUnit => {}
            DataPathAction::SetIpv4Addresses { local, peer } => {
                self.dp.apply(action).await?;
                self.ipv4_peer = Some(peer);
                return self.ip_pre_up(local, peer).await;
            }
            DataPathAction::SetNpMode {
                protocol: crate::session::network_protocol::IPV4,
                mode: crate::session::NpMode::Pass,
            } => {
                self.dp.apply(action).await?;
                self.set_ipv4_extras().await;
                return Ok(());
            }
            DataPathAction::RemoveIpv4Addresses => {
                // pppd's ipcp_clear_addrs: the route and the proxy ARP
                // entry go before the addresses.
                self.clear_ipv4_extras().await;
                self.ipv4_peer = None;
                return self.dp.apply(action).await;
            }
            _ => return self.dp.apply(action).await,
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
