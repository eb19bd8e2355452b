//! The daemon's decisions, sans-IO: what the L2TP endpoint's events and
//! the PPP Engine's events mean for each other and for the kernel.
//!
//! [`Glue`] takes the endpoint's `(tunnel_id, Event)`s and the Engine's
//! `(SessionId, EngineEvent)`s and returns [`Command`]s, which the tokio
//! driver ([`super::daemon`]) carries out: kernel tunnels and sessions,
//! PPP sessions started and closed, Set-Link-Info and CDN sent. It holds
//! the one table that links an L2TP session (our tunnel and session ids)
//! to its PPP session ([`SessionId`]), so the rules are testable without a
//! kernel:
//!
//! - a tunnel up gets its kernel tunnel; a LAC's tunnel then places the
//!   calls it was dialled for;
//! - a session up gets a kernel session socket and a PPP session;
//! - the Engine's `SendAccm` on an LNS session becomes Set-Link-Info;
//! - a PPP session's end becomes a CDN with a result code from its typed
//!   [`EndReason`] ([`result_code`]), unless the L2TP session is gone
//!   already;
//! - the peer's CDN (or the tunnel's end) closes the PPP session as its
//!   lower layer going down;
//! - a tunnel that ended has its kernel tunnel deleted once every PPP
//!   session on it has ended (the Engine's `Ended` says its socket is
//!   closed): sessions before tunnels, nothing left behind.

use std::collections::{BTreeMap, BTreeSet};

use rppp_l2tp::{CdnResult, ErrorCode, Event, ResultCode, Role, SessionInfo};

use crate::driver::{CloseReason, EndReason, EngineEvent, SessionId};
use crate::session::{SessionEvent, TerminationReason};

/// What the driver is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Create the kernel's L2TP tunnel for an established control
    /// connection.
    CreateKernelTunnel {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// The peer's Tunnel ID.
        peer_tunnel_id: u16,
    },
    /// LAC: place an incoming call on this tunnel (`open_session`).
    PlaceCall {
        /// Our Tunnel ID.
        tunnel_id: u16,
    },
    /// Create the kernel session (a PPPoL2TP socket connected with both
    /// ends' ids) and start PPP on it; then report with
    /// [`Glue::session_started`] or [`Glue::session_failed`].
    StartSession {
        /// Which end of the call we are.
        role: Role,
        /// Both ends' ids and what the call carried.
        info: SessionInfo,
    },
    /// LNS: send Set-Link-Info with the ACCMs PPP negotiated.
    SendLinkInfo {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// Our Session ID.
        session_id: u16,
        /// The Send ACCM.
        send_accm: u32,
        /// The Receive ACCM.
        recv_accm: u32,
    },
    /// End the L2TP session with a CDN.
    CloseL2tpSession {
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// Our Session ID.
        session_id: u16,
        /// The CDN's Result Code.
        result: ResultCode,
    },
    /// Close the PPP session: its L2TP session is gone.
    ClosePpp {
        /// The PPP session.
        id: SessionId,
        /// Why (always [`CloseReason::LowerLayerDown`] here).
        reason: CloseReason,
    },
    /// Delete the kernel's tunnel (close its sockets); nothing if it has
    /// none.
    DeleteKernelTunnel {
        /// Our Tunnel ID.
        tunnel_id: u16,
    },
}

/// The CDN Result Code for a PPP session's end:
///
/// - closed by the administrator, a signal, the daemon's shutdown, or
///   PPP's own policy (`idle`, `maxconnect`): 3, administrative;
/// - the PPP peer terminated the link: 1, the call is disconnected as on a
///   loss of carrier (the PPP peer hung up);
/// - the peer stopped answering echoes: 2, general error, with the
///   message "PPP peer not responding to echo requests";
/// - the lower layer went away under PPP: 2, general error;
/// - negotiation or authentication failed, no network protocol, a
///   looped-back link: 2, general error, vendor-specific error, with the
///   reason as the message;
/// - the kernel data path or the session's setup failed: 2, general
///   error, no resources, with the reason as the message.
pub fn result_code(reason: &EndReason) -> ResultCode {
    let general = ResultCode::cdn(CdnResult::GeneralError);
    match reason {
        EndReason::Closed(CloseReason::LowerLayerDown) | EndReason::LowerLayerGone => general
            .with_error(
                ErrorCode::NoError,
                "the PPP session's lower layer went down",
            ),
        EndReason::Closed(_) => ResultCode::cdn(CdnResult::Administrative),
        EndReason::Protocol { reason, .. } => match reason {
            TerminationReason::UserRequest
            | TerminationReason::Idle
            | TerminationReason::ConnectTime => ResultCode::cdn(CdnResult::Administrative),
            TerminationReason::PeerRequest { .. } => ResultCode::cdn(CdnResult::LostCarrier),
            TerminationReason::PeerDead => general.with_error(
                ErrorCode::NoError,
                "PPP peer not responding to echo requests",
            ),
            TerminationReason::Hangup => general.with_error(
                ErrorCode::NoError,
                "the PPP session's lower layer went down",
            ),
            other => general.with_error(ErrorCode::VendorError, &format!("PPP: {other}")),
        },
        EndReason::DataPath(e) => general.with_error(ErrorCode::NoResources, &e.to_string()),
        EndReason::Setup(e) => general.with_error(ErrorCode::NoResources, &e.to_string()),
    }
}

/// One control connection as the glue sees it.
#[derive(Debug)]
struct TunnelSlot {
    role: Role,
    /// Calls to place once the tunnel is up (a LAC's dial).
    calls: u32,
    /// TunnelDown was seen: the kernel tunnel goes once `sessions` is
    /// empty.
    down: bool,
    /// Our Session IDs that have a PPP session running.
    sessions: BTreeSet<u16>,
}

/// A running PPP session's L2TP side.
#[derive(Debug, Clone, Copy)]
struct Link {
    tunnel_id: u16,
    session_id: u16,
    /// The L2TP session still exists (no CDN either way yet).
    l2tp_up: bool,
}

/// The table and the rules; see the module's documentation.
#[derive(Debug, Default)]
pub struct Glue {
    tunnels: BTreeMap<u16, TunnelSlot>,
    ppp: BTreeMap<SessionId, Link>,
    by_l2tp: BTreeMap<(u16, u16), SessionId>,
}

impl Glue {
    /// Nothing yet.
    pub fn new() -> Glue {
        Glue::default()
    }

    /// A tunnel was accepted or dialled: its role, and for a LAC how many
    /// calls to place once it is up.
    pub fn tunnel_opened(&mut self, tunnel_id: u16, role: Role, calls: u32) {
        self.tunnels.insert(
            tunnel_id,
            TunnelSlot {
                role,
                calls,
                down: false,
                sessions: BTreeSet::new(),
            },
        );
    }

    /// How many PPP sessions run.
    pub fn ppp_sessions(&self) -> usize {
        self.ppp.len()
    }

    /// The PPP session of our L2TP session, if it runs.
    pub fn ppp_of(&self, tunnel_id: u16, session_id: u16) -> Option<SessionId> {
        self.by_l2tp.get(&(tunnel_id, session_id)).copied()
    }

    /// Tunnels the glue knows of (not yet ended and cleaned up).
    pub fn tunnels(&self) -> impl Iterator<Item = u16> + '_ {
        self.tunnels.keys().copied()
    }

    /// An event of the endpoint's.
    pub fn on_l2tp(&mut self, tunnel_id: u16, event: &Event) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            Event::TunnelUp(info) => {
                let Some(slot) = self.tunnels.get_mut(&tunnel_id) else {
                    return out;
                };
                out.push(Command::CreateKernelTunnel {
                    tunnel_id,
                    peer_tunnel_id: info.peer_tunnel_id,
                });
                for _ in 0..std::mem::take(&mut slot.calls) {
                    out.push(Command::PlaceCall { tunnel_id });
                }
            }
            Event::SessionUp(info) => {
                let Some(slot) = self.tunnels.get(&tunnel_id) else {
                    return out;
                };
                out.push(Command::StartSession {
                    role: slot.role,
                    info: info.clone(),
                });
            }
            Event::SessionDown { session_id, .. } => {
                // Our own CDN (after the PPP session ended) finds no
                // PPP session here any more.
                if let Some(&id) = self.by_l2tp.get(&(tunnel_id, *session_id)) {
                    if let Some(link) = self.ppp.get_mut(&id) {
                        if link.l2tp_up {
                            link.l2tp_up = false;
                            out.push(Command::ClosePpp {
                                id,
                                reason: CloseReason::LowerLayerDown,
                            });
                        }
                    }
                }
            }
            Event::TunnelDown(_) => {
                if let Some(slot) = self.tunnels.get_mut(&tunnel_id) {
                    slot.down = true;
                    // The endpoint reports every session down before the
                    // tunnel; any PPP session still marked up goes now.
                    for sid in slot.sessions.clone() {
                        if let Some(&id) = self.by_l2tp.get(&(tunnel_id, sid)) {
                            if let Some(link) = self.ppp.get_mut(&id) {
                                if link.l2tp_up {
                                    link.l2tp_up = false;
                                    out.push(Command::ClosePpp {
                                        id,
                                        reason: CloseReason::LowerLayerDown,
                                    });
                                }
                            }
                        }
                    }
                }
                self.finish_tunnel(tunnel_id, &mut out);
            }
            Event::LinkInfo { .. } | Event::WanError { .. } => {}
        }
        out
    }

    /// The driver started PPP on session `session_id` of tunnel
    /// `tunnel_id` as `id`.
    pub fn session_started(&mut self, tunnel_id: u16, session_id: u16, id: SessionId) {
        self.ppp.insert(
            id,
            Link {
                tunnel_id,
                session_id,
                l2tp_up: true,
            },
        );
        self.by_l2tp.insert((tunnel_id, session_id), id);
        if let Some(slot) = self.tunnels.get_mut(&tunnel_id) {
            slot.sessions.insert(session_id);
        }
    }

    /// The driver could not start the session (no kernel tunnel, the
    /// socket failed): the call is refused with a CDN.
    pub fn session_failed(&mut self, tunnel_id: u16, session_id: u16, why: &str) -> Vec<Command> {
        vec![Command::CloseL2tpSession {
            tunnel_id,
            session_id,
            result: ResultCode::cdn(CdnResult::GeneralError)
                .with_error(ErrorCode::NoResources, why),
        }]
    }

    /// An event of the Engine's.
    pub fn on_engine(&mut self, id: SessionId, event: &EngineEvent) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            EngineEvent::Session(SessionEvent::SendAccm { send, recv }) => {
                let Some(link) = self.ppp.get(&id).filter(|l| l.l2tp_up) else {
                    return out;
                };
                let lns = self
                    .tunnels
                    .get(&link.tunnel_id)
                    .is_some_and(|t| t.role == Role::Lns);
                if lns {
                    out.push(Command::SendLinkInfo {
                        tunnel_id: link.tunnel_id,
                        session_id: link.session_id,
                        send_accm: *send,
                        recv_accm: *recv,
                    });
                }
            }
            EngineEvent::Ended(ended) => {
                let Some(link) = self.ppp.remove(&id) else {
                    return out;
                };
                self.by_l2tp.remove(&(link.tunnel_id, link.session_id));
                if link.l2tp_up {
                    out.push(Command::CloseL2tpSession {
                        tunnel_id: link.tunnel_id,
                        session_id: link.session_id,
                        result: result_code(&ended.reason),
                    });
                }
                if let Some(slot) = self.tunnels.get_mut(&link.tunnel_id) {
                    slot.sessions.remove(&link.session_id);
                }
                self.finish_tunnel(link.tunnel_id, &mut out);
            }
            _ => {}
        }
        out
    }

    /// A tunnel that is down and has no PPP session left: its kernel
    /// tunnel goes, and the glue forgets it.
    fn finish_tunnel(&mut self, tunnel_id: u16, out: &mut Vec<Command>) {
        let done = self
            .tunnels
            .get(&tunnel_id)
            .is_some_and(|t| t.down && t.sessions.is_empty());
        if done {
            self.tunnels.remove(&tunnel_id);
            out.push(Command::DeleteKernelTunnel { tunnel_id });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use rppp_l2tp::{CallParams, Endpoint, SessionEnd, StopCcnResult, TunnelConfig};

    use super::*;
    use crate::driver::{DataPathError, DataPathStep, Ended, SetupError};

    #[test]
    fn result_codes_follow_the_end() {
        let closed = |r| result_code(&EndReason::Closed(r));
        assert_eq!(closed(CloseReason::Admin).result, 3);
        assert_eq!(closed(CloseReason::UserRequest).result, 3);
        assert_eq!(closed(CloseReason::Shutdown).result, 3);
        let lower = closed(CloseReason::LowerLayerDown);
        assert_eq!((lower.result, lower.error), (2, Some(ErrorCode::NoError)));
        assert_eq!(result_code(&EndReason::LowerLayerGone).result, 2);
        let protocol = |reason| {
            result_code(&EndReason::Protocol {
                reason,
                exit_code: 0,
            })
        };
        let echo = protocol(TerminationReason::PeerDead);
        assert_eq!(echo.result, 2);
        assert_eq!(echo.message, b"PPP peer not responding to echo requests");
        let peer = protocol(TerminationReason::PeerRequest {
            reason: "bye".into(),
        });
        assert_eq!(peer.result, 1);
        assert_eq!(protocol(TerminationReason::Idle).result, 3);
        assert_eq!(protocol(TerminationReason::UserRequest).result, 3);
        let auth = protocol(TerminationReason::PeerAuthFailed {
            reason: "bad secret".into(),
        });
        assert_eq!((auth.result, auth.error), (2, Some(ErrorCode::VendorError)));
        assert!(String::from_utf8_lossy(&auth.message).contains("bad secret"));
        let dp = result_code(&EndReason::DataPath(DataPathError::new(
            DataPathStep::CreateUnit,
            "EPERM",
        )));
        assert_eq!((dp.result, dp.error), (2, Some(ErrorCode::NoResources)));
        let setup = result_code(&EndReason::Setup(SetupError::TaskFailed));
        assert_eq!(setup.result, 2);
    }

    /// One side: an endpoint and its glue, with a fake kernel and Engine
    /// (the commands recorded, PPP sessions numbered).
    struct Side {
        endpoint: Endpoint,
        glue: Glue,
        addr: SocketAddr,
        kernel_tunnels: BTreeSet<u16>,
        next_ppp: u64,
        closed_ppp: Vec<SessionId>,
        cdns: Vec<ResultCode>,
        link_infos: Vec<(u32, u32)>,
        started: Vec<(Role, SessionInfo, SessionId)>,
    }

    impl Side {
        fn new(addr: &str) -> Side {
            Side {
                endpoint: Endpoint::new(),
                glue: Glue::new(),
                addr: addr.parse().unwrap(),
                kernel_tunnels: BTreeSet::new(),
                next_ppp: 1,
                closed_ppp: Vec::new(),
                cdns: Vec::new(),
                link_infos: Vec::new(),
                started: Vec::new(),
            }
        }

        fn apply(&mut self, c: Command, now: Instant, rng: &mut StdRng) {
            match c {
                Command::CreateKernelTunnel { tunnel_id, .. } => {
                    assert!(self.kernel_tunnels.insert(tunnel_id));
                }
                Command::PlaceCall { tunnel_id } => {
                    let t = self.endpoint.tunnel_mut(tunnel_id).unwrap();
                    t.open_session(now, CallParams::default(), rng).unwrap();
                }
                Command::StartSession { role, info } => {
                    assert!(self.kernel_tunnels.contains(&info.tunnel_id));
                    let id = SessionId(self.next_ppp);
                    self.next_ppp += 1;
                    self.glue
                        .session_started(info.tunnel_id, info.session_id, id);
                    self.started.push((role, info, id));
                }
                Command::SendLinkInfo {
                    tunnel_id,
                    session_id,
                    send_accm,
                    recv_accm,
                } => {
                    let t = self.endpoint.tunnel_mut(tunnel_id).unwrap();
                    t.send_link_info(now, session_id, send_accm, recv_accm)
                        .unwrap();
                }
                Command::CloseL2tpSession {
                    tunnel_id,
                    session_id,
                    result,
                } => {
                    self.cdns.push(result.clone());
                    let t = self.endpoint.tunnel_mut(tunnel_id).unwrap();
                    t.close_session(now, session_id, result).unwrap();
                }
                Command::ClosePpp { id, reason } => {
                    assert_eq!(reason, CloseReason::LowerLayerDown);
                    self.closed_ppp.push(id);
                }
                Command::DeleteKernelTunnel { tunnel_id } => {
                    // Sessions before tunnels: no PPP session left on it.
                    assert!(!self.glue.ppp.values().any(|l| l.tunnel_id == tunnel_id));
                    self.kernel_tunnels.remove(&tunnel_id);
                }
            }
        }

        fn pump_events(&mut self, now: Instant, rng: &mut StdRng) {
            while let Some((tid, e)) = self.endpoint.poll_event() {
                if let Event::LinkInfo {
                    send_accm,
                    recv_accm,
                    ..
                } = e
                {
                    self.link_infos.push((send_accm, recv_accm));
                }
                for c in self.glue.on_l2tp(tid, &e) {
                    self.apply(c, now, rng);
                }
            }
        }

        fn engine(&mut self, id: SessionId, e: EngineEvent, now: Instant, rng: &mut StdRng) {
            for c in self.glue.on_engine(id, &e) {
                self.apply(c, now, rng);
            }
        }
    }

    /// Runs both sides until nothing moves: datagrams delivered at once,
    /// time stepping 100 ms when idle.
    fn settle(lns: &mut Side, lac: &mut Side, now: &mut Instant, rng: &mut StdRng) {
        for _ in 0..200 {
            let mut moved = false;
            lns.pump_events(*now, rng);
            lac.pump_events(*now, rng);
            let mut out = Vec::new();
            while let Some(to) = lac.endpoint.poll_transmit(&mut out) {
                assert_eq!(to, lns.addr);
                moved = true;
                if let Some(inc) = lns.endpoint.handle_datagram(*now, lac.addr, &out, rng) {
                    let config = Arc::new(TunnelConfig::new(Role::Lns, "lns"));
                    let id = lns.endpoint.accept(inc, config, *now, rng).unwrap();
                    lns.glue.tunnel_opened(id, Role::Lns, 0);
                }
                out.clear();
            }
            while let Some(to) = lns.endpoint.poll_transmit(&mut out) {
                assert_eq!(to, lac.addr);
                moved = true;
                let inc = lac.endpoint.handle_datagram(*now, lns.addr, &out, rng);
                assert!(inc.is_none());
                out.clear();
            }
            if !moved {
                *now += Duration::from_millis(100);
                lns.endpoint.handle_timeout(*now, rng);
                lac.endpoint.handle_timeout(*now, rng);
            }
        }
        lns.pump_events(*now, rng);
        lac.pump_events(*now, rng);
    }

    fn ended(reason: EndReason) -> EngineEvent {
        EngineEvent::Ended(Ended::new(reason))
    }

    /// A LAC dials with one call; both ends get a kernel tunnel and a PPP
    /// session with matching ids.
    fn up() -> (Side, Side, Instant, StdRng, u16, u16) {
        let mut rng = StdRng::seed_from_u64(16);
        let mut now = Instant::now();
        let mut lns = Side::new("192.0.2.1:1701");
        let mut lac = Side::new("192.0.2.2:1701");
        let config = Arc::new(TunnelConfig::new(Role::Lac, "lac"));
        let lac_tid = lac
            .endpoint
            .connect(config, lns.addr, now, &mut rng)
            .unwrap();
        lac.glue.tunnel_opened(lac_tid, Role::Lac, 1);
        settle(&mut lns, &mut lac, &mut now, &mut rng);
        assert_eq!(lns.started.len(), 1);
        assert_eq!(lac.started.len(), 1);
        let (role_n, info_n, _) = &lns.started[0];
        let (role_c, info_c, _) = &lac.started[0];
        assert_eq!((*role_n, *role_c), (Role::Lns, Role::Lac));
        assert_eq!(info_n.peer_session_id, info_c.session_id);
        assert_eq!(info_c.peer_session_id, info_n.session_id);
        assert_eq!(info_n.peer_tunnel_id, info_c.tunnel_id);
        let lns_tid = info_n.tunnel_id;
        assert_eq!(lns.kernel_tunnels.len(), 1);
        assert_eq!(lac.kernel_tunnels.len(), 1);
        (lns, lac, now, rng, lns_tid, lac_tid)
    }

    #[test]
    fn a_dialled_call_starts_ppp_on_both_ends_and_accm_reaches_the_lac() {
        let (mut lns, mut lac, mut now, mut rng, _, _) = up();
        let lns_ppp = lns.started[0].2;
        let lac_ppp = lac.started[0].2;
        // The LAC's own SendAccm is not its to send.
        lac.engine(
            lac_ppp,
            EngineEvent::Session(SessionEvent::SendAccm { send: 1, recv: 2 }),
            now,
            &mut rng,
        );
        lns.engine(
            lns_ppp,
            EngineEvent::Session(SessionEvent::SendAccm {
                send: 0,
                recv: 0xffff_ffff,
            }),
            now,
            &mut rng,
        );
        settle(&mut lns, &mut lac, &mut now, &mut rng);
        assert_eq!(lac.link_infos, vec![(0, 0xffff_ffff)]);
        assert!(lns.link_infos.is_empty());
    }

    #[test]
    fn ppp_end_sends_a_cdn_and_closes_the_peer_ppp_as_lower_layer_down() {
        let (mut lns, mut lac, mut now, mut rng, lns_tid, _) = up();
        let lns_ppp = lns.started[0].2;
        let lac_ppp = lac.started[0].2;
        let reason = EndReason::Protocol {
            reason: TerminationReason::PeerDead,
            exit_code: 15,
        };
        lns.engine(lns_ppp, ended(reason), now, &mut rng);
        assert_eq!(lns.cdns.len(), 1);
        assert_eq!(lns.cdns[0].result, 2);
        settle(&mut lns, &mut lac, &mut now, &mut rng);
        assert_eq!(lac.closed_ppp, vec![lac_ppp]);
        // The LAC's PPP then ends as its lower layer went: no second CDN.
        lac.engine(
            lac_ppp,
            ended(EndReason::Closed(CloseReason::LowerLayerDown)),
            now,
            &mut rng,
        );
        assert!(lac.cdns.is_empty());
        assert_eq!(lns.glue.ppp_sessions() + lac.glue.ppp_sessions(), 0);
        // The tunnels stay up, kernel tunnels too.
        assert_eq!(lns.kernel_tunnels.len(), 1);
        assert!(lns.endpoint.tunnel(lns_tid).is_some());
        assert!(lns.endpoint.tunnel(lns_tid).unwrap().session_count() == 0);
    }

    #[test]
    fn tunnel_down_closes_sessions_then_deletes_the_kernel_tunnel() {
        let (mut lns, mut lac, mut now, mut rng, lns_tid, lac_tid) = up();
        let lns_ppp = lns.started[0].2;
        let lac_ppp = lac.started[0].2;
        // The LNS shuts down: its PPP ends (administrative CDN), then
        // StopCCN.
        lns.engine(
            lns_ppp,
            ended(EndReason::Closed(CloseReason::Shutdown)),
            now,
            &mut rng,
        );
        assert_eq!(lns.cdns[0].result, 3);
        lns.endpoint
            .tunnel_mut(lns_tid)
            .unwrap()
            .close(now, ResultCode::stop(StopCcnResult::ShuttingDown));
        settle(&mut lns, &mut lac, &mut now, &mut rng);
        assert!(lns.kernel_tunnels.is_empty());
        assert!(lns
            .endpoint
            .tunnel(lns_tid)
            .is_none_or(|t| t.all_acknowledged()));
        // The LAC: PPP closed as lower layer down; its kernel tunnel
        // waits for the PPP session's end.
        assert_eq!(lac.closed_ppp, vec![lac_ppp]);
        assert_eq!(lac.kernel_tunnels.len(), 1);
        assert!(lac.glue.tunnels().any(|t| t == lac_tid));
        lac.engine(
            lac_ppp,
            ended(EndReason::Closed(CloseReason::LowerLayerDown)),
            now,
            &mut rng,
        );
        assert!(lac.kernel_tunnels.is_empty());
        assert!(lac.cdns.is_empty());
        assert_eq!(lac.glue.tunnels().count(), 0);
    }

    #[test]
    fn a_session_that_fails_to_start_is_refused_with_a_cdn() {
        let mut glue = Glue::new();
        let c = glue.session_failed(7, 9, "no kernel tunnel");
        match &c[..] {
            [Command::CloseL2tpSession {
                tunnel_id: 7,
                session_id: 9,
                result,
            }] => {
                assert_eq!(result.result, 2);
                assert_eq!(result.error, Some(ErrorCode::NoResources));
            }
            other => panic!("{other:?}"),
        }
        // An event about an unknown session changes nothing.
        let down = Event::SessionDown {
            session_id: 9,
            peer_session_id: 1,
            reason: SessionEnd::TunnelClosed,
        };
        assert!(glue.on_l2tp(7, &down).is_empty());
        assert!(glue
            .on_engine(SessionId(3), &ended(EndReason::LowerLayerGone))
            .is_empty());
    }
}
