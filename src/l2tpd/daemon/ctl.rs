//! What `rppp ctl` asks of the daemon itself, beyond the Engine's
//! sessions: `show tunnels`, `reload` and `shutdown` ([`DaemonAsk`]).

use std::fmt::Write as _;

use super::Daemon;
use crate::ctl::server::{DaemonAsk, DaemonRequest};

/// One row of `show tunnels`.
#[derive(Debug)]
struct TunnelRow {
    tunnel: u16,
    peer_tunnel: u16,
    peer: String,
    peer_host: String,
    section: String,
    state: String,
    calls: usize,
    ppp: usize,
    sent: u64,
    retransmissions: u64,
    timeouts: u64,
}

impl Daemon {
    /// Answers one request of `rppp ctl` (the answer goes back to the
    /// socket's task; a client that left does not matter).
    pub(super) fn on_ctl(&mut self, r: DaemonRequest) {
        let answer = match r.ask {
            DaemonAsk::ShowTunnels { json } => Ok(self.show_tunnels(json)),
            DaemonAsk::Reload => self.reload(),
            DaemonAsk::Shutdown { soft } => self.ctl_shutdown(soft),
        };
        let _ = r.reply.send(answer);
    }

    fn tunnel_rows(&self) -> Vec<TunnelRow> {
        self.endpoint
            .tunnel_ids()
            .filter_map(|id| {
                let t = self.endpoint.tunnel(id)?;
                let place = self.places.get(&id);
                let c = t.counters();
                Some(TunnelRow {
                    tunnel: id,
                    peer_tunnel: t.peer_id(),
                    peer: place.map_or_else(String::new, |p| p.remote.to_string()),
                    peer_host: t
                        .peer()
                        .map(|i| String::from_utf8_lossy(&i.peer_host_name).into_owned())
                        .unwrap_or_default(),
                    section: place.map_or_else(String::new, |p| self.section_name(p.section)),
                    state: format!("{:?}", t.state()),
                    calls: t.session_ids().count(),
                    ppp: t
                        .session_ids()
                        .filter(|&s| self.glue.ppp_of(id, s).is_some())
                        .count(),
                    sent: c.reliable.sent,
                    retransmissions: c.reliable.retransmissions,
                    timeouts: c.reliable.timeouts,
                })
            })
            .collect()
    }

    /// `show tunnels [--json]`.
    fn show_tunnels(&self, json: bool) -> String {
        let rows = self.tunnel_rows();
        if json {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "tunnel": r.tunnel,
                        "peer_tunnel": r.peer_tunnel,
                        "peer": r.peer,
                        "peer_host": r.peer_host,
                        "section": r.section,
                        "state": r.state,
                        "calls": r.calls,
                        "ppp": r.ppp,
                        "sent": r.sent,
                        "retransmissions": r.retransmissions,
                        "timeouts": r.timeouts,
                    })
                })
                .collect();
            return format!("{}\n", serde_json::Value::Array(rows));
        }
        let header = [
            "tunnel",
            "peer-tunnel",
            "peer",
            "peer-host",
            "section",
            "state",
            "calls",
            "ppp",
            "sent",
            "retrans",
            "timeouts",
        ];
        let cells: Vec<[String; 11]> = rows
            .iter()
            .map(|r| {
                [
                    r.tunnel.to_string(),
                    r.peer_tunnel.to_string(),
                    r.peer.clone(),
                    r.peer_host.escape_debug().to_string(),
                    r.section.escape_debug().to_string(),
                    r.state.clone(),
                    r.calls.to_string(),
                    r.ppp.to_string(),
                    r.sent.to_string(),
                    r.retransmissions.to_string(),
                    r.timeouts.to_string(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.len());
            }
        }
        let mut out = String::new();
        let mut line = |cols: &mut dyn Iterator<Item = &str>| {
            let mut l = String::new();
            for (i, c) in cols.enumerate() {
                let _ = write!(l, "{c:<w$}  ", w = widths[i]);
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(&mut header.iter().copied());
        for row in &cells {
            line(&mut row.iter().map(String::as_str));
        }
        out
    }
}
