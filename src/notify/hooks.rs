//! What a session's events do outside the process, as pppd and its
//! plugins do it: pppd's log lines, openl2tpd's event datagrams (with
//! `plugin openl2tp.so`), `/etc/ppp/resolv.conf` (with `usepeerdns`,
//! [`super::resolv`]) and the `/etc/ppp` scripts, `ip-pre-up` included
//! (the session waits for it: [`Hooks::ip_pre_up`]).

use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{
    Accm, Event, EventSocket, Ipv4Info, Ipv6Info, LinkStats, ProcessInfo, Script, ScriptContext,
    ScriptPair, ScriptRunner, UpDown, DEFAULT_SCRIPT_DIR,
};
use crate::driver::{Ended, EngineEvent, Hooks, IpPreUp, NetworkStats};
use crate::options::Options;
use crate::session::SessionEvent;

/// How long each script may run before it is killed.
pub const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);

/// pppd's hooks for one session: the engine calls them as
/// [`Hooks`].
pub struct SessionHooks {
    runner: ScriptRunner,
    ctx: ScriptContext,
    ip: ScriptPair,
    ipv6: ScriptPair,
    auth: ScriptPair,
    openl2tp: Option<EventSocket>,
    lns_mode: bool,
    tunnel_id: u16,
    session_id: u16,
    ipv4_up: bool,
    connected_at: Option<Instant>,
    network_stats: Option<NetworkStats>,
    /// Where `usepeerdns` writes the peer's DNS servers; `None` without
    /// the option.
    resolv_conf: Option<PathBuf>,
}

impl SessionHooks {
    /// The hooks for a session run with options `o`. Scripts come from
    /// `$RPPP_SCRIPT_DIR`, or `/etc/ppp`.
    pub fn new(o: &Options, process: ProcessInfo) -> SessionHooks {
        let dir = std::env::var_os("RPPP_SCRIPT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_SCRIPT_DIR));
        Self::with_runner(o, process, ScriptRunner::new(dir, SCRIPT_TIMEOUT))
    }

    /// The same with scripts run by `runner`.
    pub fn with_runner(o: &Options, process: ProcessInfo, runner: ScriptRunner) -> SessionHooks {
        let ctx = ScriptContext {
            process,
            linkname: o.linkname.clone(),
            ipparam: o.ipparam.clone(),
            ..ScriptContext::default()
        };
        SessionHooks {
            runner,
            ctx,
            ip: ScriptPair::ip(),
            ipv6: ScriptPair::ipv6(),
            auth: ScriptPair::auth(),
            openl2tp: o.plugins.openl2tp.then(EventSocket::new),
            lns_mode: o.pppol2tp.lns_mode,
            tunnel_id: o.pppol2tp.tunnel_id.unwrap_or(0) as u16,
            session_id: o.pppol2tp.session_id.unwrap_or(0) as u16,
            ipv4_up: false,
            connected_at: None,
            network_stats: None,
            resolv_conf: o
                .ipcp
                .use_peer_dns
                .then(|| PathBuf::from(super::resolv::RESOLV_CONF_PATH)),
        }
    }

    /// With `usepeerdns`, writes the peer's DNS servers to `path` rather
    /// than pppd's `/etc/ppp/resolv.conf` (a test, a chroot).
    pub fn with_resolv_conf(mut self, path: impl Into<PathBuf>) -> SessionHooks {
        if self.resolv_conf.is_some() {
            self.resolv_conf = Some(path.into());
        }
        self
    }

    fn updown(&mut self, up: bool) {
        let user_name = self.ctx.peer_name.clone().unwrap_or_default();
        let event = Event::UpDown(UpDown {
            tunnel_id: self.tunnel_id,
            session_id: self.session_id,
            up,
            // openl2tp's convention: -1 before the unit exists.
            unit: self.ctx.unit.map_or(-1, |u| u as i32),
            ifname: &self.ctx.ifname,
            user_name: &user_name,
        });
        if let Some(socket) = &mut self.openl2tp {
            socket.send(&event);
        }
    }

    /// Acts on one event.
    fn event(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::Created { ifname, unit, l2tp } => {
                tracing::info!("Using interface {ifname}");
                tracing::info!("Connect: {ifname} <--> pppol2tp");
                self.ctx.ifname = ifname.clone();
                self.ctx.unit = Some(*unit);
                if let Some(ids) = l2tp {
                    if self.tunnel_id == 0 && self.session_id == 0 {
                        (self.tunnel_id, self.session_id) = (ids.tunnel_id, ids.session_id);
                    }
                }
            }
            EngineEvent::Session(e) => self.on_session_event(e),
            EngineEvent::Stats(_) => {}
            EngineEvent::LinkStats(stats) => self.network_stats = Some(*stats),
            // The down scripts run in finish().
            _ => {}
        }
    }

    fn on_session_event(&mut self, e: &SessionEvent) {
        match e {
            SessionEvent::SendAccm { send, recv } => {
                if let (true, Some(socket)) = (self.lns_mode, &mut self.openl2tp) {
                    socket.send(&Event::Accm(Accm {
                        tunnel_id: self.tunnel_id,
                        session_id: self.session_id,
                        send_accm: *send,
                        recv_accm: *recv,
                    }));
                }
            }
            SessionEvent::Authenticated { peer_name } => {
                tracing::info!("peer {peer_name} authenticated");
                self.ctx.peer_name = Some(peer_name.clone());
                self.auth.up(&self.runner, &self.ctx);
            }
            SessionEvent::AuthenticatedToPeer => tracing::info!("authenticated to the peer"),
            SessionEvent::IpUp {
                local,
                peer,
                dns,
                nbns,
            } => {
                tracing::info!("local  IP address {local}");
                tracing::info!("remote IP address {peer}");
                for (which, addr) in ["primary  ", "secondary"].iter().zip(dns) {
                    if let Some(a) = addr {
                        tracing::info!("{which} DNS address {a}");
                    }
                }
                self.ctx.ipv4 = Some(Ipv4Info {
                    local: *local,
                    remote: Some(*peer),
                    dns: *dns,
                    wins: *nbns,
                });
                self.connected_at.get_or_insert_with(Instant::now);
                self.ipv4_up = true;
                self.updown(true);
                self.ip.up(&self.runner, &self.ctx);
            }
            SessionEvent::IpDown => {
                if self.ipv4_up {
                    self.ipv4_up = false;
                    self.updown(false);
                }
                self.set_stats();
                self.ip.down(&self.runner, &self.ctx);
            }
            SessionEvent::Ipv6Up { local, peer } => {
                tracing::info!("local  LL address {local}");
                tracing::info!("remote LL address {peer}");
                self.ctx.ipv6 = Some(Ipv6Info {
                    local_id: interface_id(local),
                    remote_id: interface_id(peer),
                });
                self.connected_at.get_or_insert_with(Instant::now);
                self.ipv6.up(&self.runner, &self.ctx);
            }
            SessionEvent::Ipv6Down => {
                self.set_stats();
                self.ipv6.down(&self.runner, &self.ctx);
            }
            SessionEvent::LinkUp(n) => tracing::debug!(
                "LCP up: mru {} peer mru {} mtu {}, asyncmap send {:#x} recv {:#x}",
                n.mru,
                n.peer_mru,
                n.mtu,
                n.send_accm,
                n.recv_accm
            ),
            _ => {}
        }
    }

    fn network_down(&mut self) {
        if self.ipv4_up {
            self.ipv4_up = false;
            self.updown(false);
        }
        self.set_stats();
        self.ip.down(&self.runner, &self.ctx);
        self.ipv6.down(&self.runner, &self.ctx);
    }

    /// The down scripts' figures: the driver's (pppd's interface
    /// counters since the network came up), or only the connect time when
    /// the counters could not be read.
    fn set_stats(&mut self) {
        self.ctx.stats = Some(match self.network_stats {
            Some(n) => LinkStats {
                connect_time: n.connect_time.as_secs(),
                bytes_sent: n.bytes_sent,
                bytes_rcvd: n.bytes_rcvd,
            },
            None => LinkStats {
                connect_time: self.connected_at.map_or(0, |t| t.elapsed().as_secs()),
                ..LinkStats::default()
            },
        });
    }

    /// The session is over: the down scripts of whatever was still up,
    /// then every script still running is waited for (each has its own
    /// timeout).
    pub async fn finish(&mut self) {
        self.network_down();
        self.auth.down(&self.runner, &self.ctx);
        for pair in [&mut self.ip, &mut self.ipv6, &mut self.auth] {
            pair.finish().await;
        }
    }
}

impl Hooks for SessionHooks {
    fn on_event(&mut self, event: &EngineEvent) {
        self.event(event);
    }

    /// pppd runs `ip-pre-up` with the addresses and waits for it (its own
    /// timeout bounds the wait).
    fn ip_pre_up(
        &mut self,
        info: &IpPreUp,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        // pppd's ipcp_up writes resolv.conf before the addresses and
        // ip-pre-up.
        if let Some(path) = &self.resolv_conf {
            super::resolv::write_peer_dns(path, info.dns);
        }
        self.ctx.ipv4 = Some(Ipv4Info {
            local: info.local,
            remote: Some(info.peer),
            dns: info.dns,
            wins: info.nbns,
        });
        let runner = self.runner.clone();
        let ctx = self.ctx.clone();
        async move {
            runner.run(Script::IpPreUp, &ctx).await;
        }
    }

    fn finish(&mut self, _ended: &Ended) -> impl std::future::Future<Output = ()> + Send {
        SessionHooks::finish(self)
    }
}

fn interface_id(a: &Ipv6Addr) -> [u8; 8] {
    let o = a.octets();
    let mut id = [0; 8];
    id.copy_from_slice(&o[8..]);
    id
}
