//! The daemon's side of xl2tpd's control pipe: each [`Request`] carried
//! out as xl2tpd carries it out (see [`crate::l2tpd::control`]'s table),
//! and its [`Reply`] written to the result file the message named, on a
//! task of its own so that a slow reader never holds the loop up.
//!
//! Not carried out, answered `01 Command 'X' not supported`: `o`
//! (outgoing calls: rppp-l2tp places incoming calls only), `t` (a tunnel
//! without a LAC section), `z` and `w` (LNS sections at run time).

use std::net::{SocketAddr, SocketAddrV4};
use std::time::Instant;

use rppp_l2tp::{ResultCode, StopCcnResult};

use super::Daemon;
use crate::driver::{CloseReason, Engine, SessionId};
use crate::l2tpd::config;
use crate::l2tpd::control::{
    Available, AvailableTunnel, CallStatus, ConfigItems, ControlPipe, Credentials, Failure, LacRef,
    Message, Reply, ReplyTarget, Request, SectionKind, Status, TunnelStatus,
};
use crate::l2tpd::dialer::Redial;
use crate::l2tpd::settings::Section;

/// A tunnel's status before its calls' counters are read.
struct PendingTunnel {
    remote_id: u16,
    peer: SocketAddrV4,
    calls: Vec<(u16, Option<SessionId>)>,
}

impl Daemon {
    /// Carries out one message of the control pipe and answers it.
    pub(super) fn on_control(&mut self, m: Message) {
        let Message { reply_to, request } = m;
        let request = match request {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("control pipe: {e}");
                answer(reply_to, Reply::from(e));
                return;
            }
        };
        // Never the message itself: `c` carries a password.
        tracing::info!("control pipe: {:?} command", request.command());
        let reply = match request {
            Request::Connect { lac, credentials } => self.control_connect(&lac, credentials),
            Request::Disconnect { lac } => self.control_disconnect(&lac),
            Request::Hangup { call_id } => self.control_hangup(call_id),
            Request::AddLac { name, items } => self.control_add_lac(&name, &items),
            Request::RemoveLac { name } => self.control_remove_lac(&name),
            Request::Available => Reply::Available(self.available()),
            Request::LacStatus { name } => {
                self.log_status();
                let tunnel = name
                    .and_then(|n| self.lac_index(&n))
                    .and_then(|i| self.dialer.status(i))
                    .and_then(|(_, t, _)| t);
                match tunnel {
                    Some(t) => return self.answer_status(reply_to, vec![t]),
                    None => Reply::Ok,
                }
            }
            Request::LnsStatus { name } => {
                let section = if name == "default" && self.settings.config.lns_default.is_some() {
                    Some(Section::LnsDefault)
                } else {
                    self.settings
                        .config
                        .lns
                        .iter()
                        .position(|l| l.common.section.eq_ignore_ascii_case(&name))
                        .map(Section::Lns)
                };
                match section {
                    Some(s) => {
                        let tunnels = self.tunnels_of(s);
                        return self.answer_status(reply_to, tunnels);
                    }
                    None => Failure::NoSuchLns.into(),
                }
            }
            other @ (Request::OutgoingCall { .. }
            | Request::Tunnel { .. }
            | Request::AddLns { .. }
            | Request::RemoveLns { .. }) => Failure::NotSupported(other.command()).into(),
        };
        answer(reply_to, reply);
    }

    /// The live `[lac]` section named `name` (any case).
    fn lac_index(&self, name: &str) -> Option<usize> {
        self.settings
            .config
            .lac
            .iter()
            .enumerate()
            .position(|(i, l)| {
                l.common.section.eq_ignore_ascii_case(name) && !self.dialer.is_removed(i)
            })
    }

    /// `c NAME [USER [PASSWORD]]`.
    fn control_connect(&mut self, lac: &LacRef, credentials: Option<Credentials>) -> Reply {
        if let Some(i) = self.lac_index(&lac.name) {
            if self.dialer.status(i).is_some_and(|(_, _, call)| call) {
                return Failure::AlreadyActive(lac.name.clone()).into();
            }
            self.connect_lac(i, credentials);
            return Reply::Ok;
        }
        match lac.tunnel_id() {
            Some(t) if self.endpoint.tunnel(t).is_some() => {
                self.apply(crate::l2tpd::Command::PlaceCalls {
                    tunnel_id: t,
                    count: 1,
                });
                Reply::Ok
            }
            Some(_) => Failure::Error.into(),
            None => Failure::NoSuchTunnel(lac.name.clone()).into(),
        }
    }

    /// `d NAME`.
    fn control_disconnect(&mut self, lac: &LacRef) -> Reply {
        if let Some(i) = self.lac_index(&lac.name) {
            return match self.dialer.disconnect(i) {
                Ok(Some(a)) => {
                    self.dial_action(a);
                    Reply::Ok
                }
                _ => Failure::NotUp(lac.name.clone()).into(),
            };
        }
        match lac.tunnel_id() {
            Some(t) => {
                // As xl2tpd: OK whether or not the tunnel is there.
                if let Some(tunnel) = self.endpoint.tunnel_mut(t) {
                    tunnel.close(
                        Instant::now(),
                        ResultCode::stop(StopCcnResult::GeneralClear),
                    );
                }
                Reply::Ok
            }
            None => Failure::NoSuchTunnel(lac.name.clone()).into(),
        }
    }

    /// `h CALLID`: the PPP session on our session `call_id` terminates
    /// (its end then sends the CDN); a call without PPP gets its CDN now.
    /// `00 OK` in every case, as xl2tpd.
    fn control_hangup(&mut self, call_id: u16) -> Reply {
        let tunnels: Vec<u16> = self.endpoint.tunnel_ids().collect();
        for t in tunnels {
            if let Some(id) = self.glue.ppp_of(t, call_id) {
                let _ = self.engine.close(id, CloseReason::Admin);
                return Reply::Ok;
            }
            let has = self
                .endpoint
                .tunnel(t)
                .is_some_and(|tn| tn.session_ids().any(|s| s == call_id));
            if has {
                self.apply(crate::l2tpd::Command::CloseL2tpSession {
                    tunnel_id: t,
                    session_id: call_id,
                    result: ResultCode::cdn(rppp_l2tp::CdnResult::Administrative),
                });
                return Reply::Ok;
            }
        }
        Reply::Ok
    }

    /// `a NAME K=V;...`: the items read as a `[lac NAME]` section of
    /// xl2tpd.conf, its PPP options checked, then dialled with `autodial`.
    fn control_add_lac(&mut self, name: &str, items: &ConfigItems) -> Reply {
        if self.lac_index(name).is_some() {
            return Failure::AlreadyExists(name.to_string()).into();
        }
        let text = items.section_text(SectionKind::Lac, name);
        let parsed = match config::parse("control pipe", text.as_bytes()) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("control pipe: add LAC '{}': {e}", name.escape_debug());
                return Failure::BadSettings.into();
            }
        };
        for w in &parsed.warnings {
            tracing::warn!("control pipe: {w}");
        }
        let Some(lac) = parsed.lac.into_iter().next() else {
            return Failure::BadSettings.into();
        };
        let autodial = lac.autodial;
        let redial = Redial::of(&lac);
        self.settings.config.lac.push(lac);
        let i = self.dialer.add(redial);
        if let Err((section, e)) = self.setup.check_lac(&self.settings, i) {
            tracing::warn!("control pipe: add LAC: {section}: {e}");
            let _ = self.dialer.remove(i);
            return Failure::BadSettings.into();
        }
        tracing::info!("control pipe: [lac {}] added", name.escape_debug());
        if autodial {
            self.connect_lac(i, None);
        }
        Reply::Ok
    }

    /// `r NAME`.
    fn control_remove_lac(&mut self, name: &str) -> Reply {
        let Some(i) = self.lac_index(name) else {
            return Failure::NoSuchTunnel(name.to_string()).into();
        };
        if let Ok(Some(a)) = self.dialer.remove(i) {
            self.dial_action(a);
        }
        tracing::info!("control pipe: [lac {}] removed", name.escape_debug());
        Reply::Ok
    }

    /// `x`: the sections, the tunnels and the calls.
    fn available(&self) -> Available {
        let c = &self.settings.config;
        let lns = c
            .lns_default
            .iter()
            .chain(&c.lns)
            .map(|l| l.common.section.clone())
            .collect();
        let lac = c
            .lac
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.dialer.is_removed(*i))
            .map(|(_, l)| l.common.section.clone())
            .collect();
        let tunnels: Vec<AvailableTunnel> = self
            .endpoint
            .tunnel_ids()
            .filter_map(|id| self.endpoint.tunnel(id))
            .map(|t| AvailableTunnel {
                local_id: t.local_id(),
                remote_id: t.peer_id(),
                calls: t.session_ids().count(),
            })
            .collect();
        let calls = tunnels.iter().map(|t| t.calls).sum();
        Available {
            lns,
            lac,
            tunnels,
            calls,
        }
    }

    /// The tunnels of section `s`.
    fn tunnels_of(&self, s: Section) -> Vec<u16> {
        self.endpoint
            .tunnel_ids()
            .filter(|id| self.places.get(id).is_some_and(|p| p.section == s))
            .collect()
    }

    /// A [`Status`] of `tunnels`, their calls' counters read from the
    /// Engine on a task of its own, then written to `to`.
    fn answer_status(&self, to: Option<ReplyTarget>, tunnels: Vec<u16>) {
        let pending: Vec<PendingTunnel> = tunnels
            .into_iter()
            .filter_map(|id| {
                let t = self.endpoint.tunnel(id)?;
                let SocketAddr::V4(peer) = self.places.get(&id)?.remote else {
                    return None;
                };
                let calls = t
                    .session_ids()
                    .map(|s| (s, self.glue.ppp_of(id, s)))
                    .collect();
                Some(PendingTunnel {
                    remote_id: t.peer_id(),
                    peer,
                    calls,
                })
            })
            .collect();
        let engine = self.engine.clone();
        tokio::spawn(async move {
            let status = status(&engine, pending).await;
            write(to, Reply::Status(status)).await;
        });
    }

    /// `s`: the whole status in the log, as xl2tpd writes it to syslog.
    fn log_status(&self) {
        let a = self.available();
        tracing::info!(
            "status: {} tunnel(s), {} call(s), {} PPP session(s); lns {:?}; lac {:?}",
            a.tunnels.len(),
            a.calls,
            self.glue.ppp_sessions(),
            a.lns,
            a.lac
        );
        for t in &a.tunnels {
            tracing::info!(
                "status: tunnel {} (peer's {}) with {} call(s)",
                t.local_id,
                t.remote_id,
                t.calls
            );
        }
    }
}

/// Reads each call's counters from the Engine.
async fn status(engine: &Engine, pending: Vec<PendingTunnel>) -> Status {
    let mut tunnels = Vec::with_capacity(pending.len());
    for p in pending {
        let mut calls = Vec::with_capacity(p.calls.len());
        for (local_id, ppp) in p.calls {
            let mut c = CallStatus {
                local_id,
                ..CallStatus::default()
            };
            if let Some(id) = ppp {
                if let Ok(stats) = engine.stats(id).await {
                    if let Some(l) = stats.l2tp {
                        c.tx_bytes = l.tx_bytes;
                        c.rx_bytes = l.rx_bytes;
                        c.tx_packets = l.tx_packets;
                        c.rx_packets = l.rx_packets;
                    }
                }
            }
            calls.push(c);
        }
        tunnels.push(TunnelStatus {
            remote_id: p.remote_id,
            peer: p.peer,
            calls,
        });
    }
    Status { tunnels }
}

/// Writes `reply` to `to` on a task of its own.
fn answer(to: Option<ReplyTarget>, reply: Reply) {
    if to.is_none() {
        return;
    }
    tokio::spawn(write(to, reply));
}

async fn write(to: Option<ReplyTarget>, reply: Reply) {
    if let Err(e) = ControlPipe::reply(to.as_ref(), &reply).await {
        tracing::info!("control pipe: answer not written: {e}");
    }
}
