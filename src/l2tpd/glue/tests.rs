//! The glue's rules end to end: two endpoints (an LNS and a LAC) talk
//! through in-memory datagrams, each with its glue, a fake kernel and a
//! fake Engine that record the commands.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_l2tp::{CallParams, Endpoint, SessionEnd, StopCcnResult, TunnelConfig};
use rppp_l2tp::{ErrorCode, Event, ResultCode, Role, SessionInfo};

use super::{Command, Glue};
use crate::driver::{CloseReason, EndReason, Ended, EngineEvent, SessionId};
use crate::session::{SessionEvent, TerminationReason};

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
            Command::PlaceCalls { tunnel_id, count } => {
                let t = self.endpoint.tunnel_mut(tunnel_id).unwrap();
                for _ in 0..count {
                    t.open_session(now, CallParams::default(), rng).unwrap();
                }
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
