//! The tokio side: one task owns the UDP sockets (one per address family,
//! unconnected, so that every reply is matched by its source address, RFC
//! 2865 section 3) and drives the sans-IO [`Client`] with the clock and
//! the system's randomness. [`RadiusHandle`]s, cheap to clone, talk to it
//! over a bounded channel.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::SysRng;
use rand_core::UnwrapErr;
use rppp_radius::client::{Client, Event, Reply, Request, RequestId, SendError, Transmit};
use rppp_radius::Code;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::handle::{Command, RadiusHandle, CHANNEL};
use super::queue::{AccountingQueue, Held};
use super::{RadiusConfig, RadiusError, ServiceCounters};

/// The running service: its task and a handle to it.
#[derive(Debug)]
pub struct RadiusService {
    handle: RadiusHandle,
    task: JoinHandle<()>,
}

impl RadiusService {
    /// Binds the sockets the servers' address families need and starts
    /// the task on the current tokio runtime.
    pub async fn spawn(config: RadiusConfig) -> io::Result<RadiusService> {
        RadiusService::start(config)
    }

    /// As [`spawn`](Self::spawn), from code that cannot await: binding a
    /// UDP socket does not block. Must be called within a tokio runtime.
    pub fn start(config: RadiusConfig) -> io::Result<RadiusService> {
        let servers = config.client.auth_servers.iter();
        let servers = servers.chain(&config.client.acct_servers);
        let (mut want4, mut want6) = (false, false);
        for s in servers {
            match s.address {
                SocketAddr::V4(_) => want4 = true,
                SocketAddr::V6(_) => want6 = true,
            }
        }
        let bind = |wildcard: IpAddr| -> io::Result<UdpSocket> {
            let address = match config.bind_address {
                Some(a) if a.is_ipv4() == wildcard.is_ipv4() => SocketAddr::new(a, 0),
                _ => SocketAddr::new(wildcard, 0),
            };
            let socket = std::net::UdpSocket::bind(address)?;
            socket.set_nonblocking(true)?;
            UdpSocket::from_std(socket)
        };
        let v4 = match want4 {
            true => Some(bind(Ipv4Addr::UNSPECIFIED.into())?),
            false => None,
        };
        let v6 = match want6 {
            true => Some(bind(Ipv6Addr::UNSPECIFIED.into())?),
            false => None,
        };
        let mut rng = UnwrapErr(SysRng);
        let queue = AccountingQueue::new(
            config.accounting_queue_limit,
            config.accounting_retry_interval,
        );
        let client = Client::new(config.client, &mut rng);
        let (tx, rx) = mpsc::channel(CHANNEL);
        let (watch_tx, watch_rx) = watch::channel(ServiceCounters::default());
        let task = Task {
            client,
            rng,
            pending: HashMap::new(),
            queue,
            acct_in_flight: 0,
            next_seq: 0,
            counters: ServiceCounters::default(),
            watch: watch_tx,
        };
        let task = tokio::spawn(task.run(rx, v4, v6));
        let handle = RadiusHandle {
            tx,
            counters: watch_rx,
            dropped: Arc::new(AtomicU64::new(0)),
        };
        Ok(RadiusService { handle, task })
    }

    /// A handle to the service.
    pub fn handle(&self) -> RadiusHandle {
        self.handle.clone()
    }

    /// The counters now (as [`RadiusHandle::counters`]).
    pub fn counters(&self) -> ServiceCounters {
        self.handle.counters()
    }

    /// Stops taking requests, gives accounting in flight or held up to
    /// `grace` to be answered, then stops. Held records left count as
    /// dropped; pending Access-Requests fail with
    /// [`RadiusError::ShutDown`].
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.handle.tx.send(Command::Shutdown { grace }).await;
        let _ = self.task.await;
    }
}

enum Pending {
    Access(oneshot::Sender<Result<Reply, RadiusError>>),
    Accounting(Held),
}

struct Task {
    client: Client,
    rng: UnwrapErr<SysRng>,
    pending: HashMap<RequestId, Pending>,
    queue: AccountingQueue,
    acct_in_flight: usize,
    next_seq: u64,
    counters: ServiceCounters,
    watch: watch::Sender<ServiceCounters>,
}

async fn recv(s: Option<&UdpSocket>, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    match s {
        Some(s) => s.recv_from(buf).await,
        None => std::future::pending().await,
    }
}

impl Task {
    async fn run(
        mut self,
        mut rx: mpsc::Receiver<Command>,
        v4: Option<UdpSocket>,
        v6: Option<UdpSocket>,
    ) {
        let sockets = (v4, v6);
        let mut buf4 = vec![0u8; 4096];
        let mut buf6 = vec![0u8; 4096];
        let mut closing: Option<Instant> = None;
        loop {
            let now = Instant::now();
            self.pump(now.into_std(), &sockets).await;
            self.publish();
            if let Some(deadline) = closing {
                let idle = self.acct_in_flight == 0 && self.queue.len() == 0;
                if idle || now >= deadline {
                    break;
                }
            }
            let wake = [
                self.client.poll_timeout().map(Instant::from_std),
                self.queue
                    .poll_timeout(self.acct_in_flight)
                    .map(Instant::from_std),
                closing,
            ]
            .into_iter()
            .flatten()
            .min();
            tokio::select! {
                cmd = rx.recv(), if closing.is_none() => match cmd {
                    Some(Command::Access { request, reply }) => {
                        self.send_access(request, reply, &sockets).await;
                    }
                    Some(Command::Account(request)) => {
                        self.counters.accounting_records += 1;
                        self.next_seq += 1;
                        let created = Instant::now().into_std();
                        self.queue.push(Held { seq: self.next_seq, request, created });
                    }
                    Some(Command::Shutdown { grace }) => closing = Some(Instant::now() + grace),
                    None => closing = Some(Instant::now()),
                },
                r = recv(sockets.0.as_ref(), &mut buf4) => {
                    if let Ok((n, source)) = r {
                        self.datagram(source, &buf4[..n]);
                    }
                }
                r = recv(sockets.1.as_ref(), &mut buf6) => {
                    if let Ok((n, source)) = r {
                        self.datagram(source, &buf6[..n]);
                    }
                }
                _ = sleep_until(wake) => {
                    self.abandon_cancelled();
                    self.client.handle_timeout(Instant::now().into_std(), &mut self.rng);
                }
            }
            self.events(Instant::now().into_std());
            while let Some(t) = self.client.poll_transmit() {
                self.transmit(t, &sockets).await;
            }
        }
        // Pending Access-Requests see their sender dropped: ShutDown.
        let held_in_flight = self
            .pending
            .values()
            .filter(|p| matches!(p, Pending::Accounting(_)))
            .count();
        self.counters.accounting_dropped += held_in_flight as u64;
        self.queue.drop_all();
        self.publish();
    }

    async fn send_access(
        &mut self,
        request: Request,
        reply: oneshot::Sender<Result<Reply, RadiusError>>,
        sockets: &(Option<UdpSocket>, Option<UdpSocket>),
    ) {
        match self
            .client
            .send(Instant::now().into_std(), request, &mut self.rng)
        {
            Ok((id, t)) => {
                self.pending.insert(id, Pending::Access(reply));
                self.transmit(t, sockets).await;
            }
            Err(e) => {
                let _ = reply.send(Err(RadiusError::Send(e)));
            }
        }
    }

    /// Access-Requests whose caller stopped waiting (its future was
    /// dropped) are abandoned before they are retransmitted again.
    fn abandon_cancelled(&mut self) {
        let client = &mut self.client;
        self.pending.retain(|id, p| match p {
            Pending::Access(tx) if tx.is_closed() => {
                client.cancel(*id);
                false
            }
            _ => true,
        });
    }

    /// Sends held accounting records while the queue lets it.
    async fn pump(
        &mut self,
        now: std::time::Instant,
        sockets: &(Option<UdpSocket>, Option<UdpSocket>),
    ) {
        while let Some(h) = self.queue.next(now, self.acct_in_flight) {
            match self.client.send(now, h.request_at(now), &mut self.rng) {
                Ok((id, t)) => {
                    self.acct_in_flight += 1;
                    self.pending.insert(id, Pending::Accounting(h));
                    self.transmit(t, sockets).await;
                }
                Err(SendError::IdentifiersExhausted) => {
                    self.queue.push(h);
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accounting record dropped");
                    self.counters.accounting_dropped += 1;
                }
            }
        }
    }

    fn datagram(&mut self, source: SocketAddr, bytes: &[u8]) {
        if let Err(reason) = self
            .client
            .handle_datagram(Instant::now().into_std(), source, bytes)
        {
            tracing::debug!(%source, %reason, "RADIUS datagram dropped");
        }
    }

    fn events(&mut self, now: std::time::Instant) {
        while let Some(e) = self.client.poll_event() {
            let (id, answer) = match e {
                Event::Reply(r) => (r.request, Ok(r)),
                Event::NoServerAnswered { request } => (request, Err(())),
            };
            match (self.pending.remove(&id), answer) {
                (Some(Pending::Access(tx)), Ok(r)) => {
                    match r.code {
                        Code::AccessAccept => self.counters.access_accepts += 1,
                        _ => self.counters.access_rejects += 1,
                    }
                    let _ = tx.send(Ok(r));
                }
                (Some(Pending::Access(tx)), Err(())) => {
                    self.counters.access_unanswered += 1;
                    let _ = tx.send(Err(RadiusError::NoServerAnswered));
                }
                (Some(Pending::Accounting(_)), Ok(_)) => {
                    self.acct_in_flight -= 1;
                    self.counters.accounting_acknowledged += 1;
                    self.queue.answered();
                }
                (Some(Pending::Accounting(h)), Err(())) => {
                    self.acct_in_flight -= 1;
                    self.counters.accounting_held += 1;
                    tracing::warn!("no accounting server answered; record held");
                    self.queue.unanswered(h, now);
                }
                (None, _) => {}
            }
        }
    }

    async fn transmit(&mut self, t: Transmit, sockets: &(Option<UdpSocket>, Option<UdpSocket>)) {
        let socket = match t.destination {
            SocketAddr::V4(_) => sockets.0.as_ref(),
            SocketAddr::V6(_) => sockets.1.as_ref(),
        };
        let sent = match socket {
            Some(s) => s.send_to(&t.payload, t.destination).await.map(drop),
            None => Err(io::ErrorKind::Unsupported.into()),
        };
        if let Err(e) = sent {
            self.counters.send_errors += 1;
            tracing::debug!(destination = %t.destination, error = %e, "RADIUS send failed");
        }
    }

    fn publish(&mut self) {
        let mut c = self.counters;
        c.client = *self.client.counters();
        c.accounting_queued = self.queue.len() as u64;
        c.accounting_dropped += self.queue.dropped;
        self.watch.send_replace(c);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
