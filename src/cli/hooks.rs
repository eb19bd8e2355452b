//! What a session's events do outside the process, as pppd and its
//! plugins do it: pppd's log lines, openl2tpd's event datagrams (with
//! `plugin openl2tp.so`) and the `/etc/ppp` scripts.

use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rppp::driver::EngineEvent;
use rppp::notify::{
    Accm, Event, EventSocket, Ipv4Info, Ipv6Info, LinkStats, ProcessInfo, ScriptContext,
    ScriptPair, ScriptRunner, UpDown, DEFAULT_SCRIPT_DIR,
};
use rppp::options::Options;
use rppp::session::SessionEvent;

/// The hooks of one session.
pub(crate) struct Hooks {
    runner: ScriptRunner,
    ctx: ScriptContext,
    ip: ScriptPair,
    ipv6: ScriptPair,
    auth: ScriptPair,
    openl2tp: Option<EventSocket>,
    lns_mode: bool,
    tunnel_id: u16,
    session_id: u16,
    unit: i32,
    ipv4_up: bool,
    connected_at: Option<Instant>,
    /// The session's byte counters (sent, received) as last reported.
    bytes: (u64, u64),
    /// `ip-down` / `ipv6-down` wait for the counters the driver was asked
    /// for when the protocol went down (pppd reads its counters then too):
    /// they run on the next [`EngineEvent::Stats`], or at the end.
    ip_down_pending: bool,
    ipv6_down_pending: bool,
}

impl Hooks {
    pub(crate) fn new(o: &Options, process: ProcessInfo) -> Hooks {
        let ctx = ScriptContext {
            process,
            linkname: o.linkname.clone(),
            ipparam: o.ipparam.clone(),
            ..ScriptContext::default()
        };
        let dir = std::env::var_os("RPPP_SCRIPT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_SCRIPT_DIR));
        Hooks {
            runner: ScriptRunner::new(dir, Duration::from_secs(60)),
            ctx,
            ip: ScriptPair::ip(),
            ipv6: ScriptPair::ipv6(),
            auth: ScriptPair::auth(),
            openl2tp: o.plugins.openl2tp.then(EventSocket::new),
            lns_mode: o.pppol2tp.lns_mode,
            tunnel_id: o.pppol2tp.tunnel_id.unwrap_or(0) as u16,
            session_id: o.pppol2tp.session_id.unwrap_or(0) as u16,
            unit: -1,
            ipv4_up: false,
            connected_at: None,
            bytes: (0, 0),
            ip_down_pending: false,
            ipv6_down_pending: false,
        }
    }

    fn updown(&mut self, up: bool) {
        let user_name = self.ctx.peer_name.clone().unwrap_or_default();
        let event = Event::UpDown(UpDown {
            tunnel_id: self.tunnel_id,
            session_id: self.session_id,
            up,
            unit: self.unit,
            ifname: &self.ctx.ifname,
            user_name: &user_name,
        });
        if let Some(socket) = &mut self.openl2tp {
            socket.send(&event);
        }
    }

    /// Acts on one event.
    pub(crate) fn on_event(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::Created { ifname, unit, l2tp } => {
                tracing::info!("Using interface {ifname}");
                tracing::info!("Connect: {ifname} <--> pppol2tp");
                self.ctx.ifname = ifname.clone();
                self.ctx.unit = Some(*unit);
                self.unit = *unit as i32;
                if let Some(ids) = l2tp {
                    if self.tunnel_id == 0 && self.session_id == 0 {
                        (self.tunnel_id, self.session_id) = (ids.tunnel_id, ids.session_id);
                    }
                }
            }
            EngineEvent::Session(e) => self.on_session_event(e),
            EngineEvent::Stats(stats) => {
                self.bytes = (stats.tx_bytes, stats.rx_bytes);
                self.run_pending_downs();
            }
            EngineEvent::Ended(ended) => {
                self.network_down();
                self.auth.down(&self.runner, &self.ctx);
                tracing::info!("Exit: {} (exit code {})", ended.reason, ended.exit_code);
            }
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
                self.run_pending_downs();
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
                self.ip_down_pending = true;
            }
            SessionEvent::Ipv6Up { local, peer } => {
                tracing::info!("local  LL address {local}");
                tracing::info!("remote LL address {peer}");
                self.ctx.ipv6 = Some(Ipv6Info {
                    local_id: interface_id(local),
                    remote_id: interface_id(peer),
                });
                self.run_pending_downs();
                self.connected_at.get_or_insert_with(Instant::now);
                self.ipv6.up(&self.runner, &self.ctx);
            }
            SessionEvent::Ipv6Down => self.ipv6_down_pending = true,
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
        self.ip_down_pending = false;
        self.ipv6_down_pending = false;
        self.ip.down(&self.runner, &self.ctx);
        self.ipv6.down(&self.runner, &self.ctx);
    }

    /// Runs the down scripts that waited for the counters.
    fn run_pending_downs(&mut self) {
        if self.ip_down_pending {
            self.ip_down_pending = false;
            self.set_stats();
            self.ip.down(&self.runner, &self.ctx);
        }
        if self.ipv6_down_pending {
            self.ipv6_down_pending = false;
            self.set_stats();
            self.ipv6.down(&self.runner, &self.ctx);
        }
    }

    /// `CONNECT_TIME`, and `BYTES_SENT` / `BYTES_RCVD` from the L2TP
    /// session's counters (`PPPIOCGL2TPSTATS`: every frame of the session,
    /// where pppd counts the unit's since IPCP came up).
    fn set_stats(&mut self) {
        let connect_time = self.connected_at.map_or(0, |t| t.elapsed().as_secs());
        self.ctx.stats = Some(LinkStats {
            connect_time,
            bytes_sent: self.bytes.0,
            bytes_rcvd: self.bytes.1,
        });
    }

    /// Waits for the scripts still running (each has its own timeout).
    pub(crate) async fn finish(&mut self) {
        for pair in [&mut self.ip, &mut self.ipv6, &mut self.auth] {
            pair.finish().await;
        }
    }
}

fn interface_id(a: &Ipv6Addr) -> [u8; 8] {
    let o = a.octets();
    let mut id = [0; 8];
    id.copy_from_slice(&o[8..]);
    id
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::os::unix::fs::PermissionsExt as _;

    use rppp::kernel::L2tpStats;
    use rppp::options::Context;

    use super::*;

    /// `ip-down` waits for the counters asked for when IPCP went down and
    /// passes them as `BYTES_SENT` / `BYTES_RCVD`, as pppd does.
    #[tokio::test]
    async fn ip_down_reports_the_session_byte_counts() {
        let dir = std::env::temp_dir().join(format!("rppp-hooks-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("ip-down.out");
        let script = dir.join("ip-down");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$1 $BYTES_SENT $BYTES_RCVD\" > {}\n",
                out.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The only test in this binary that runs scripts.
        std::env::set_var("RPPP_SCRIPT_DIR", &dir);
        let mut no_files = |_: &str| Err(std::io::Error::from(std::io::ErrorKind::NotFound));
        let o =
            rppp::options::parse(&["pppol2tp", "7"], &Context::new(true), &mut no_files).unwrap();
        let mut hooks = Hooks::new(&o, ProcessInfo::default());
        hooks.on_event(&EngineEvent::Created {
            ifname: "ppp9".into(),
            unit: 9,
            l2tp: None,
        });
        hooks.on_event(&EngineEvent::Session(SessionEvent::IpUp {
            local: Ipv4Addr::new(10, 0, 0, 1),
            peer: Ipv4Addr::new(10, 0, 0, 2),
            dns: [None; 2],
            nbns: [None; 2],
        }));
        hooks.on_event(&EngineEvent::Session(SessionEvent::IpDown));
        hooks.finish().await;
        assert!(!out.exists(), "ip-down ran before the counters came");
        hooks.on_event(&EngineEvent::Stats(L2tpStats {
            tx_bytes: 1234,
            rx_bytes: 567,
            ..L2tpStats::default()
        }));
        hooks.finish().await;
        let got = std::fs::read_to_string(&out).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got, "ppp9 1234 567\n");
    }
}
