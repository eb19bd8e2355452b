//! Noticing that an L2TP session was deleted under a live link.
//!
//! On many kernels (Debian 12's 6.1 among them) deleting a PPPoL2TP session
//! or its tunnel gives the engine's fds no hangup and no end-of-file: the
//! link just goes dead (tests/lab/README.md, "Facts that differ"). The
//! kernel does announce deletions made through its L2TP generic netlink
//! family (`ip l2tp del session|tunnel`, and L2TP daemons that use it) on
//! the family's multicast group: `L2TP_CMD_SESSION_DELETE` and
//! `L2TP_CMD_TUNNEL_DELETE` (`l2tp_session_notify`, `l2tp_tunnel_notify` in
//! `net/l2tp/l2tp_netlink.c`, since Linux 3.17). A deletion that is not
//! announced (a daemon that closes its tunnel socket) can still be
//! confirmed with `L2TP_CMD_SESSION_GET`, which answers `ENODEV` for a
//! session that is gone.
//!
//! One [`L2tpWatch`] per [`Engine`](super::Engine): one socket subscribed
//! to the group, one for `SESSION_GET`, and a map from (tunnel id, session
//! id) to the sessions that watch them. Until Linux 6.13 the kernel sends
//! these notifications to every network namespace
//! (`genlmsg_multicast_allns`), so an announcement names ids that may
//! belong to another namespace's session: each one is confirmed with
//! `SESSION_GET` (in the engine's namespace) before a session hears of it.
//! The kernel announces before it deletes, and a tunnel's sessions go in a
//! work queue after it, so the check is repeated a few times.
//!
//! Without the family (no `l2tp_netlink` module, no permission) the engine
//! warns once and its sessions notice a deletion only when their LCP
//! echoes fail, as before.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::StreamExt as _;
use netlink_packet_core::{NetlinkMessage, NetlinkPayload, NLM_F_REQUEST};
use netlink_packet_generic::ctrl::nlas::{GenlCtrlAttrs, McastGrpAttrs};
use netlink_packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};
use netlink_packet_generic::GenlMessage;
use netlink_proto::sys::{protocols::NETLINK_GENERIC, AsyncSocket as _, SocketAddr};
use netlink_proto::ConnectionHandle;
use tokio::sync::{mpsc, oneshot};

use super::l2tp_genl::{cmd, L2tpMessage, FAMILY_NAME, MCAST_GROUP};

/// A session's L2TP ids in its own namespace: tunnel and session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SessionKey {
    /// Our tunnel id.
    pub(crate) tunnel: u32,
    /// Our session id.
    pub(crate) session: u32,
}

/// What `L2TP_CMD_SESSION_GET` says about a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowerLayer {
    /// The kernel has the session.
    Present,
    /// The kernel has no such session (or tunnel): it was deleted.
    Gone,
    /// The question could not be asked or answered.
    Unknown,
}

/// When an announced deletion is checked: at once, then again while the
/// kernel finishes it (a tunnel's sessions go in a work queue).
const CONFIRM_DELAYS_MS: [u64; 5] = [0, 20, 100, 500, 2000];
/// How long one `SESSION_GET` may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// The notification socket's receive buffer: a thousand sessions deleted
/// one by one are a thousand messages of about 200 octets.
const NOTIFY_RCVBUF: usize = 1 << 20;

enum Request {
    Watch {
        key: SessionKey,
        id: u64,
        gone: oneshot::Sender<()>,
    },
    Unwatch {
        key: SessionKey,
        id: u64,
    },
    Probe {
        key: SessionKey,
        reply: oneshot::Sender<LowerLayer>,
    },
}

/// The engine's L2TP deletion watch (cloneable; the background task ends
/// when the last clone is gone).
#[derive(Debug, Clone)]
pub(crate) struct L2tpWatch {
    requests: mpsc::UnboundedSender<Request>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Request::Watch { key, .. } => write!(f, "Watch({key:?})"),
            Request::Unwatch { key, .. } => write!(f, "Unwatch({key:?})"),
            Request::Probe { key, .. } => write!(f, "Probe({key:?})"),
        }
    }
}

/// One session's subscription: resolves once its deletion is confirmed;
/// unsubscribes when dropped.
#[derive(Debug)]
pub(crate) struct Watcher {
    key: SessionKey,
    id: u64,
    gone: Option<oneshot::Receiver<()>>,
    requests: mpsc::UnboundedSender<Request>,
}

impl Watcher {
    /// Ready once the session's deletion is confirmed, and only once;
    /// pending for ever when the watch cannot tell.
    pub(crate) fn poll_deleted(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        use std::future::Future as _;
        let Some(rx) = &mut self.gone else {
            return std::task::Poll::Pending;
        };
        let answer = std::task::ready!(std::pin::Pin::new(rx).poll(cx));
        // A finished receiver is not polled again.
        self.gone = None;
        match answer {
            Ok(()) => std::task::Poll::Ready(()),
            // The watch is gone (no l2tp family): never.
            Err(_) => std::task::Poll::Pending,
        }
    }

    /// The ids it watches.
    pub(crate) fn key(&self) -> SessionKey {
        self.key
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.requests.send(Request::Unwatch {
            key: self.key,
            id: self.id,
        });
    }
}

impl L2tpWatch {
    /// Starts the watch's task. Must be called inside a tokio runtime; the
    /// sockets are opened on the task, in the caller's network namespace
    /// only if the runtime's threads share it (an engine per namespace
    /// runs its own runtime there).
    pub(crate) fn start() -> L2tpWatch {
        let (requests, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(rx));
        L2tpWatch {
            requests,
            next_id: Default::default(),
        }
    }

    /// Watches one session.
    pub(crate) fn watch(&self, key: SessionKey) -> Watcher {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        let _ = self.requests.send(Request::Watch { key, id, gone: tx });
        Watcher {
            key,
            id,
            gone: Some(rx),
            requests: self.requests.clone(),
        }
    }

    /// Asks the kernel whether the session still exists.
    pub(crate) async fn probe(&self, key: SessionKey) -> LowerLayer {
        let (reply, rx) = oneshot::channel();
        if self.requests.send(Request::Probe { key, reply }).is_err() {
            return LowerLayer::Unknown;
        }
        rx.await.unwrap_or(LowerLayer::Unknown)
    }
}

/// The family's id and its multicast group's id, from the controller.
async fn resolve() -> Result<(u16, u32), String> {
    let (conn, handle, _) = netlink_proto::new_connection::<GenlMessage<GenlCtrl>>(NETLINK_GENERIC)
        .map_err(|e| format!("socket(NETLINK_GENERIC): {e}"))?;
    let conn = tokio::spawn(conn);
    let result = async {
        let mut msg = NetlinkMessage::from(GenlMessage::from_payload(GenlCtrl {
            cmd: GenlCtrlCmd::GetFamily,
            nlas: vec![GenlCtrlAttrs::FamilyName(FAMILY_NAME.into())],
        }));
        msg.header.flags = NLM_F_REQUEST;
        msg.finalize();
        let mut answers = handle
            .request(msg, SocketAddr::new(0, 0))
            .map_err(|e| format!("CTRL_CMD_GETFAMILY {FAMILY_NAME}: {e}"))?;
        while let Some(answer) = answers.next().await {
            match answer.payload {
                NetlinkPayload::InnerMessage(m) => {
                    let mut family = None;
                    let mut group = None;
                    for a in m.payload.nlas {
                        match a {
                            GenlCtrlAttrs::FamilyId(id) => family = Some(id),
                            GenlCtrlAttrs::McastGroups(groups) => {
                                for g in groups {
                                    let name = g.iter().find_map(|a| match a {
                                        McastGrpAttrs::Name(n) => Some(n.as_str()),
                                        _ => None,
                                    });
                                    let id = g.iter().find_map(|a| match a {
                                        McastGrpAttrs::Id(i) => Some(*i),
                                        _ => None,
                                    });
                                    if name == Some(MCAST_GROUP) {
                                        group = id;
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    return match (family, group) {
                        (Some(f), Some(g)) => Ok((f, g)),
                        (Some(_), None) => Err(format!(
                            "the {FAMILY_NAME} family has no {MCAST_GROUP:?} multicast group"
                        )),
                        _ => Err(format!("no id for the {FAMILY_NAME} family")),
                    };
                }
                NetlinkPayload::Error(e) => {
                    return Err(format!("CTRL_CMD_GETFAMILY {FAMILY_NAME}: {}", e.to_io()))
                }
                _ => {}
            }
        }
        Err(format!("CTRL_CMD_GETFAMILY {FAMILY_NAME}: no answer"))
    }
    .await;
    conn.abort();
    result
}

type Notifications = futures_util::stream::BoxStream<'static, L2tpMessage>;

/// Opens the sockets: one for requests, one subscribed to the group.
async fn open() -> Result<
    (
        ConnectionHandle<GenlMessage<L2tpMessage>>,
        u16,
        Notifications,
    ),
    String,
> {
    let (family, group) = resolve().await?;
    let (conn, handle, _) =
        netlink_proto::new_connection::<GenlMessage<L2tpMessage>>(NETLINK_GENERIC)
            .map_err(|e| format!("socket(NETLINK_GENERIC): {e}"))?;
    tokio::spawn(conn);
    // A socket that never sends: every message it reads is a notification
    // (netlink-proto would take one whose sequence number matched a
    // pending request for that request's answer).
    let (mut conn, _listen_handle, notifications) =
        netlink_proto::new_connection::<GenlMessage<L2tpMessage>>(NETLINK_GENERIC)
            .map_err(|e| format!("socket(NETLINK_GENERIC): {e}"))?;
    let socket = conn.socket_mut().socket_mut();
    // Bound, so that it has a port id: the kernel's broadcast skips
    // sockets whose port id equals the sender's, which is 0 for the
    // kernel and for an unbound socket.
    socket
        .bind_auto()
        .map_err(|e| format!("bind(NETLINK_GENERIC): {e}"))?;
    socket
        .add_membership(group)
        .map_err(|e| format!("joining the {MCAST_GROUP:?} multicast group: {e}"))?;
    if let Err(e) = socket.set_rx_buf_sz(NOTIFY_RCVBUF) {
        tracing::debug!("SO_RCVBUF on the l2tp notification socket: {e}");
    }
    tokio::spawn(conn);
    let notifications = notifications
        .filter_map(move |(m, _)| async move {
            match m.payload {
                NetlinkPayload::InnerMessage(g) if g.resolved_family_id() == family => {
                    Some(g.payload)
                }
                _ => None,
            }
        })
        .boxed();
    Ok((handle, family, notifications))
}

/// `L2TP_CMD_SESSION_GET` for one session.
async fn probe(
    handle: &ConnectionHandle<GenlMessage<L2tpMessage>>,
    family: u16,
    key: SessionKey,
) -> LowerLayer {
    let mut genl = GenlMessage::from_payload(L2tpMessage::session_get(key.tunnel, key.session));
    genl.set_resolved_family_id(family);
    let mut msg = NetlinkMessage::from(genl);
    msg.header.flags = NLM_F_REQUEST;
    msg.finalize();
    let Ok(mut answers) = handle.request(msg, SocketAddr::new(0, 0)) else {
        return LowerLayer::Unknown;
    };
    let answer = tokio::time::timeout(PROBE_TIMEOUT, answers.next()).await;
    match answer {
        Ok(Some(m)) => match m.payload {
            NetlinkPayload::InnerMessage(_) => LowerLayer::Present,
            NetlinkPayload::Error(e) if e.raw_code() == -libc::ENODEV => LowerLayer::Gone,
            NetlinkPayload::Error(e) => {
                tracing::debug!(
                    "L2TP_CMD_SESSION_GET tunnel {} session {}: {}",
                    key.tunnel,
                    key.session,
                    e.to_io()
                );
                LowerLayer::Unknown
            }
            _ => LowerLayer::Unknown,
        },
        _ => LowerLayer::Unknown,
    }
}

/// Probes until the session is gone (true) or the delays run out.
async fn confirm(
    handle: ConnectionHandle<GenlMessage<L2tpMessage>>,
    family: u16,
    key: SessionKey,
) -> bool {
    for ms in CONFIRM_DELAYS_MS {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        match probe(&handle, family, key).await {
            LowerLayer::Gone => return true,
            LowerLayer::Present => {}
            LowerLayer::Unknown => return false,
        }
    }
    false
}

/// Without the family: watches are dropped (never fire); probes answer
/// Unknown.
async fn run_without_family(mut requests: mpsc::UnboundedReceiver<Request>) {
    while let Some(r) = requests.recv().await {
        if let Request::Probe { reply, .. } = r {
            let _ = reply.send(LowerLayer::Unknown);
        }
    }
}

/// The watched sessions an announcement may have deleted: the one named
/// by `SESSION_DELETE`, or every one on the tunnel `TUNNEL_DELETE` names.
fn announced<T>(m: &L2tpMessage, watchers: &HashMap<SessionKey, T>) -> Vec<SessionKey> {
    match (m.cmd, m.tunnel_id(), m.session_id()) {
        (cmd::SESSION_DELETE, Some(t), Some(s)) => {
            let key = SessionKey {
                tunnel: t,
                session: s,
            };
            if watchers.contains_key(&key) {
                vec![key]
            } else {
                Vec::new()
            }
        }
        (cmd::TUNNEL_DELETE, Some(t), _) => {
            watchers.keys().filter(|k| k.tunnel == t).copied().collect()
        }
        _ => Vec::new(),
    }
}

/// The watch's task: requests from the engine's sessions, the family's
/// announcements, and the confirmations of each announced deletion.
async fn run(mut requests: mpsc::UnboundedReceiver<Request>) {
    let (handle, family, mut notifications) = match open().await {
        Ok(x) => x,
        Err(e) => {
            tracing::warn!(
                "no L2TP netlink notifications ({e}): a deleted L2TP session is noticed only \
                 when LCP echoes fail"
            );
            return run_without_family(requests).await;
        }
    };
    let mut watchers: HashMap<SessionKey, Vec<(u64, oneshot::Sender<()>)>> = HashMap::new();
    let mut confirming: HashSet<SessionKey> = HashSet::new();
    let (confirmed_tx, mut confirmed) = mpsc::unbounded_channel::<(SessionKey, bool)>();
    let check = |key: SessionKey, confirming: &mut HashSet<SessionKey>| {
        if confirming.insert(key) {
            let (handle, tx) = (handle.clone(), confirmed_tx.clone());
            tokio::spawn(async move {
                let gone = confirm(handle, family, key).await;
                let _ = tx.send((key, gone));
            });
        }
    };
    loop {
        tokio::select! {
            r = requests.recv() => match r {
                None => return,
                Some(Request::Watch { key, id, gone }) => {
                    watchers.entry(key).or_default().push((id, gone));
                }
                Some(Request::Unwatch { key, id }) => {
                    if let Some(list) = watchers.get_mut(&key) {
                        list.retain(|(i, _)| *i != id);
                        if list.is_empty() {
                            watchers.remove(&key);
                        }
                    }
                }
                Some(Request::Probe { key, reply }) => {
                    let handle = handle.clone();
                    tokio::spawn(async move {
                        let _ = reply.send(probe(&handle, family, key).await);
                    });
                }
            },
            Some(m) = notifications.next() => {
                tracing::debug!("l2tp netlink notification: {m:?}");
                for key in announced(&m, &watchers) {
                    check(key, &mut confirming);
                }
            },
            Some((key, gone)) = confirmed.recv() => {
                confirming.remove(&key);
                if gone {
                    for (_, tx) in watchers.remove(&key).unwrap_or_default() {
                        let _ = tx.send(());
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::l2tp_genl::L2tpAttr;

    #[test]
    fn an_announcement_names_only_watched_sessions() {
        let key = |tunnel, session| SessionKey { tunnel, session };
        let watchers: HashMap<SessionKey, ()> =
            [(key(1, 10), ()), (key(1, 11), ()), (key(2, 20), ())].into();
        let message = |cmd, attrs| L2tpMessage { cmd, attrs };
        let session = |t, s| {
            message(
                cmd::SESSION_DELETE,
                vec![L2tpAttr::ConnId(t), L2tpAttr::SessionId(s)],
            )
        };
        assert_eq!(announced(&session(1, 10), &watchers), vec![key(1, 10)]);
        // Another namespace's session, or one nobody watches.
        assert!(announced(&session(1, 12), &watchers).is_empty());
        let mut tunnel = announced(
            &message(cmd::TUNNEL_DELETE, vec![L2tpAttr::ConnId(1)]),
            &watchers,
        );
        tunnel.sort_by_key(|k| k.session);
        assert_eq!(tunnel, vec![key(1, 10), key(1, 11)]);
        // Other commands, or an announcement without its ids.
        assert!(announced(
            &message(
                cmd::SESSION_GET,
                vec![L2tpAttr::ConnId(1), L2tpAttr::SessionId(10)]
            ),
            &watchers
        )
        .is_empty());
        assert!(announced(
            &message(cmd::SESSION_DELETE, vec![L2tpAttr::ConnId(1)]),
            &watchers
        )
        .is_empty());
    }
}
