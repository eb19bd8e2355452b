//! One PPP session's RADIUS, as pppd's radius plugin gives its session:
//! the peer's credentials go to the servers in an Access-Request and the
//! answer becomes the verdict, the limits and the name servers
//! ([`Hooks::verify`]); accounting Start when IPCP is up,
//! Interim-Update every Acct-Interim-Interval (the server's, or the
//! configured default), and Stop when the session ends, with the
//! interface's counters and the typed end reason's
//! Acct-Terminate-Cause.
//!
//! [`RadiusHooks`] wrap the session's other hooks (pppd's scripts), which
//! run as before.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use super::access::{access_request, authorization, NasContext};
use super::accounting::{AccountingRecord, AccountingStatus, TrafficCounters};
use super::avpairs::EncodedPair;
use super::directory::{Directory, Entry};
use super::framed_pool::FramedPools;
use super::radattr::Radattr;
use super::reply::ReplyAttributes;
use super::terminate::terminate_cause;
use super::tunnel::TunnelContext;
use super::{RadiusHandle, RealmHandles};
use crate::driver::{Authorization, Ended, EngineEvent, Hooks, IpPreUp, NetworkStats};
use crate::session::{SessionEvent, VerifyRequest};

/// What every session of a process shares: the client, the NAS's
/// attributes, the `avpair`s and the default interim interval.
#[derive(Debug, Clone)]
pub struct RadiusContext {
    /// The client.
    pub handle: RadiusHandle,
    /// NAS-IP-Address or NAS-Identifier, and Called-Station-Id.
    pub nas: NasContext,
    /// `avpair`s, added to every request.
    pub avpairs: Arc<Vec<EncodedPair>>,
    /// Interim-Update this often when the server gives no
    /// Acct-Interim-Interval (`None`: only then). Taken as it is: the
    /// once-a-minute floor of RFC 2869 section 5.16 is for the server's.
    pub interim_default: Option<Duration>,
    /// Where Disconnect-Requests and CoA-Requests find the sessions, when
    /// a listener takes them.
    pub directory: Option<Directory>,
    /// `plugin radattr.so`: where the Access-Accept's attributes go.
    pub radattr: Option<Radattr>,
    /// The pools Framed-Pool may name, where the session's addresses
    /// were leased from one.
    pub pools: Option<Arc<dyn FramedPools>>,
    /// `plugin radrealms.so`: the clients of the realms file's realms,
    /// chosen by the user's realm for its authentication and accounting.
    pub realms: Option<Arc<RealmHandles>>,
}

/// A session's hooks with RADIUS; see the module.
#[derive(Debug)]
pub struct RadiusHooks<H> {
    inner: H,
    context: RadiusContext,
    state: Arc<Mutex<State>>,
    /// The client of the user's realm (radrealms.so), once its
    /// authentication chose one.
    realm_handle: Arc<OnceLock<RadiusHandle>>,
}

#[derive(Debug, Default)]
struct State {
    acct_session_id: String,
    nas: NasContext,
    ifname: Option<String>,
    user: Option<Vec<u8>>,
    reply: ReplyAttributes,
    framed_ip: Option<Ipv4Addr>,
    started: Option<Instant>,
    traffic: Option<TrafficCounters>,
    interim: Option<tokio::task::JoinHandle<()>>,
    /// The radattr file written for the session, removed at its end.
    radattr_file: Option<std::path::PathBuf>,
}

impl<H: Hooks> RadiusHooks<H> {
    /// RADIUS for one session, around `inner`; `acct_session_id` names
    /// it in accounting (unique on this NAS), `calling_station_id` is the
    /// L2TP peer's address when known, `tunnel` the session's tunnel.
    pub fn new(
        inner: H,
        context: RadiusContext,
        acct_session_id: String,
        calling_station_id: Option<String>,
        tunnel: Option<TunnelContext>,
    ) -> RadiusHooks<H> {
        let mut nas = context.nas.clone();
        nas.calling_station_id = calling_station_id.or(nas.calling_station_id);
        nas.tunnel = tunnel.or(nas.tunnel);
        if let Some(d) = &context.directory {
            d.insert(
                &acct_session_id,
                Entry {
                    calling: nas.calling_station_id.clone(),
                    called: nas.called_station_id.clone(),
                    ..Entry::default()
                },
            );
        }
        RadiusHooks {
            inner,
            context,
            realm_handle: Arc::default(),
            state: Arc::new(Mutex::new(State {
                acct_session_id,
                nas,
                ..State::default()
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The session's Acct-Session-Id: to
    /// [`bind`](Directory::bind) it to its engine id.
    pub fn acct_session_id(&self) -> String {
        self.state().acct_session_id.clone()
    }

    /// Changes the session's directory entry.
    fn directory(&self, f: impl FnOnce(&mut Entry)) {
        if let Some(d) = &self.context.directory {
            d.update(&self.state().acct_session_id, f);
        }
    }

    fn start_accounting(&self) {
        let mut s = self.state();
        s.started = Some(Instant::now());
        let record = s.record(AccountingStatus::Start);
        self.send(record);
        // RFC 2869 section 5.16: the server's interval, not more often
        // than once a minute; else the NAS's own, as configured.
        let every = match s.reply.acct_interim_interval {
            Some(server) => Some(server.max(Duration::from_secs(60))),
            None => self.context.interim_default,
        };
        if let Some(every) = every.filter(|d| !d.is_zero()) {
            let hooks = self.interim_sender();
            s.interim = Some(tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    hooks.send_interim();
                }
            }));
        }
    }

    /// The client the session's requests go through: its realm's, else
    /// the configuration's.
    fn handle(&self) -> RadiusHandle {
        self.realm_handle
            .get()
            .unwrap_or(&self.context.handle)
            .clone()
    }

    fn interim_sender(&self) -> InterimSender {
        InterimSender {
            handle: self.handle(),
            avpairs: Arc::clone(&self.context.avpairs),
            state: Arc::clone(&self.state),
        }
    }

    fn send(&self, record: AccountingRecord) {
        send(&self.handle(), &self.context.avpairs, &record);
    }

    fn stop_accounting(&self, ended: &Ended) {
        let mut s = self.state();
        if let Some(t) = s.interim.take() {
            t.abort();
        }
        if s.started.is_none() {
            // No Start was sent (the session never got a network
            // protocol up): no Stop either, as pppd's plugin.
            return;
        }
        let record = s.record(AccountingStatus::Stop(terminate_cause(&ended.reason)));
        s.started = None;
        drop(s);
        self.send(record);
    }
}

/// What the interim task needs.
struct InterimSender {
    handle: RadiusHandle,
    avpairs: Arc<Vec<EncodedPair>>,
    state: Arc<Mutex<State>>,
}

impl InterimSender {
    fn send_interim(&self) {
        let mut s = lock(&self.state);
        if let Some(now) = s.ifname.as_deref().and_then(read_traffic) {
            s.traffic = Some(now);
        }
        let r = s.record(AccountingStatus::InterimUpdate);
        drop(s);
        send(&self.handle, &self.avpairs, &r);
    }
}

impl State {
    /// The session's record of `status` as it stands.
    fn record(&self, status: AccountingStatus) -> AccountingRecord {
        let mut r = AccountingRecord::new(status, self.acct_session_id.clone(), self.nas.clone());
        // rppp runs no multilink: a session is a bundle of one link, whose
        // Acct-Multi-Session-Id is its own (RFC 2866 section 5.11).
        r.multi_session_id = Some(self.acct_session_id.clone());
        r.user_name = self.user.clone();
        r.framed_ip = self.framed_ip;
        r.class = self.reply.class.clone();
        if status != AccountingStatus::Start {
            r.session_time = self.started.map(|t| t.elapsed());
            r.traffic = self.traffic;
        }
        r
    }
}

fn send(handle: &RadiusHandle, avpairs: &[EncodedPair], record: &AccountingRecord) {
    let mut request = record.to_request();
    for pair in avpairs {
        pair.add_to(&mut request);
    }
    handle.account(request);
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The interface's counters, from the peer's point of view turned to the
/// NAS's: what the interface received is Acct-Input (RFC 2866 section
/// 5.3).
fn read_traffic(ifname: &str) -> Option<TrafficCounters> {
    let read = |name: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/sys/class/net/{ifname}/statistics/{name}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    Some(TrafficCounters {
        input_octets: read("rx_bytes")?,
        output_octets: read("tx_bytes")?,
        input_packets: read("rx_packets")?,
        output_packets: read("tx_packets")?,
    })
}

/// The traffic when the network went down: the interface's counters if
/// it can still be read, else the octets the session counted.
fn traffic_at_down(ifname: Option<&str>, stats: &NetworkStats) -> TrafficCounters {
    ifname.and_then(read_traffic).unwrap_or(TrafficCounters {
        input_octets: stats.bytes_rcvd,
        output_octets: stats.bytes_sent,
        input_packets: 0,
        output_packets: 0,
    })
}

/// pppd's radattr.so: the reply's attributes for the ip-up script, in
/// the file of the session's interface.
fn write_radattr(r: &Radattr, reply: &rppp_radius::client::Reply, state: &Mutex<State>) {
    let Some(ifname) = lock(state).ifname.clone() else {
        return;
    };
    let Some(packet) = reply.packet() else {
        return;
    };
    match r.write(&ifname, &packet) {
        Ok(path) => lock(state).radattr_file = Some(path),
        Err(e) => tracing::warn!("radattr: cannot write {}: {e}", r.path(&ifname).display()),
    }
}

impl<H: Hooks> Hooks for RadiusHooks<H> {
    fn on_event(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::Created { ifname, unit, .. } => {
                let port = {
                    let mut s = self.state();
                    s.ifname = Some(ifname.clone());
                    // pppd's plugin: NAS-Port is the ppp unit.
                    *s.nas.nas_port.get_or_insert(*unit)
                };
                self.directory(|e| e.nas_port = Some(port));
            }
            EngineEvent::Session(SessionEvent::Authenticated { peer_name }) => {
                self.state().user = Some(peer_name.clone().into_bytes());
                self.directory(|e| e.user = peer_name.clone().into_bytes());
            }
            EngineEvent::Session(SessionEvent::IpUp { peer, .. }) => {
                let first = {
                    let mut s = self.state();
                    s.framed_ip = Some(*peer);
                    s.started.is_none()
                };
                self.directory(|e| e.framed_ip = Some(*peer));
                if first {
                    self.start_accounting();
                }
            }
            EngineEvent::LinkStats(stats) => {
                let mut s = self.state();
                let traffic = traffic_at_down(s.ifname.as_deref(), stats);
                s.traffic = Some(traffic);
            }
            EngineEvent::Ended(ended) => {
                self.stop_accounting(ended);
                if let Some(path) = self.state().radattr_file.take() {
                    if let Err(e) = std::fs::remove_file(&path) {
                        tracing::warn!("radattr: cannot remove {}: {e}", path.display());
                    }
                }
                if let Some(d) = &self.context.directory {
                    d.remove(&self.state().acct_session_id);
                }
            }
            _ => {}
        }
        self.inner.on_event(event);
    }

    fn ip_pre_up(
        &mut self,
        info: &IpPreUp,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        self.inner.ip_pre_up(info)
    }

    fn verify(
        &mut self,
        request: &VerifyRequest,
    ) -> impl std::future::Future<Output = Authorization> + Send + 'static {
        let request = request.clone();
        let nas = self.state().nas.clone();
        let context = self.context.clone();
        let state = Arc::clone(&self.state);
        let realm_handle = Arc::clone(&self.realm_handle);
        async move {
            let Ok(mut access) = access_request(&request, &nas) else {
                return Authorization::from(crate::session::Verdict::Unavailable);
            };
            for pair in context.avpairs.iter() {
                pair.add_to(&mut access);
            }
            let user = String::from_utf8_lossy(&request.name);
            let handle = match context.realms.as_deref().and_then(|r| r.for_user(&user)) {
                Some((realm, handle)) => {
                    tracing::info!("RADIUS: realm {realm}: the realms file's servers");
                    let _ = realm_handle.set(handle.clone());
                    handle.clone()
                }
                None => context.handle.clone(),
            };
            let answer = handle.access(access).await;
            let mut radius = authorization(&request, answer.as_ref());
            super::grant::framed_pool(context.pools.as_deref(), &mut radius);
            if let (Some(r), Ok(reply), crate::session::Verdict::Accept { .. }) =
                (&context.radattr, &answer, &radius.verdict)
            {
                write_radattr(r, reply, &state);
            }
            let result = super::grant::driver_authorization(&radius);
            lock(&state).reply = radius.attributes;
            result
        }
    }

    fn finish(&mut self, ended: &Ended) -> impl std::future::Future<Output = ()> + Send {
        self.inner.finish(ended)
    }
}
