//! `show sessions`: one row per session with the columns an operator
//! picks, filtered and sorted, as an aligned table or as JSON.

use std::net::Ipv4Addr;
use std::time::Duration;

use crate::driver::{SessionId, SessionInfo};
use crate::kernel::L2tpStats;

/// A column of `show sessions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The session id.
    Id,
    /// The interface.
    Ifname,
    /// The peer's authenticated name.
    User,
    /// The peer's IPv4 address.
    Ip,
    /// Our IPv4 address.
    Local,
    /// Our tunnel and session ids.
    L2tp,
    /// The peer's tunnel and session ids.
    PeerL2tp,
    /// The phase.
    State,
    /// Time since the first network protocol came up.
    Uptime,
    /// Octets received (the L2TP session's kernel counters).
    RxBytes,
    /// Octets sent.
    TxBytes,
    /// Packets received.
    RxPackets,
    /// Packets sent.
    TxPackets,
}

impl Column {
    /// Every column, in the default order.
    pub const ALL: [Column; 13] = [
        Column::Id,
        Column::Ifname,
        Column::User,
        Column::Ip,
        Column::Local,
        Column::L2tp,
        Column::PeerL2tp,
        Column::State,
        Column::Uptime,
        Column::RxBytes,
        Column::TxBytes,
        Column::RxPackets,
        Column::TxPackets,
    ];

    /// The names, for error messages.
    pub const NAMES: &'static str =
        "a column: id ifname user ip local l2tp peer-l2tp state uptime rx-bytes tx-bytes \
         rx-pkts tx-pkts";

    /// The column's name.
    pub fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Ifname => "ifname",
            Column::User => "user",
            Column::Ip => "ip",
            Column::Local => "local",
            Column::L2tp => "l2tp",
            Column::PeerL2tp => "peer-l2tp",
            Column::State => "state",
            Column::Uptime => "uptime",
            Column::RxBytes => "rx-bytes",
            Column::TxBytes => "tx-bytes",
            Column::RxPackets => "rx-pkts",
            Column::TxPackets => "tx-pkts",
        }
    }

    /// The column named `name`.
    pub fn parse(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether the column needs the session's kernel counters.
    pub fn needs_counters(self) -> bool {
        matches!(
            self,
            Column::RxBytes | Column::TxBytes | Column::RxPackets | Column::TxPackets
        )
    }
}

/// Which sessions a request is about; every criterion given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// This session.
    pub id: Option<SessionId>,
    /// The peer authenticated with this name.
    pub user: Option<String>,
    /// This interface.
    pub ifname: Option<String>,
    /// The peer has this IPv4 address.
    pub ip: Option<Ipv4Addr>,
    /// Our tunnel id.
    pub tunnel: Option<u16>,
}

impl Filter {
    /// Whether `info` is one of the sessions meant.
    pub fn matches(&self, info: &SessionInfo) -> bool {
        self.id.is_none_or(|id| id == info.id)
            && self
                .user
                .as_ref()
                .is_none_or(|u| info.peer_name.as_deref() == Some(u.as_str()))
            && self
                .ifname
                .as_ref()
                .is_none_or(|i| info.ifname.as_deref() == Some(i.as_str()))
            && self
                .ip
                .is_none_or(|ip| info.ipv4.is_some_and(|(_, peer)| peer == ip))
            && self
                .tunnel
                .is_none_or(|t| info.l2tp.is_some_and(|l| l.tunnel_id == t))
    }
}

/// One session's row: its summary and, when a column needs them, its
/// kernel counters.
#[derive(Debug, Clone)]
pub struct Row {
    /// The summary.
    pub info: SessionInfo,
    /// The L2TP session's counters.
    pub counters: Option<L2tpStats>,
}

/// A cell's value, typed so that sorting and JSON see numbers as numbers.
enum Cell {
    Text(String),
    Number(u64),
}

fn cell(row: &Row, column: Column) -> Cell {
    let i = &row.info;
    let text = |s: Option<String>| Cell::Text(s.unwrap_or_default());
    let count = |f: fn(&L2tpStats) -> u64| Cell::Number(row.counters.as_ref().map_or(0, f));
    match column {
        Column::Id => Cell::Number(i.id.get()),
        Column::Ifname => text(i.ifname.clone()),
        Column::User => text(i.peer_name.clone()),
        Column::Ip => text(i.ipv4.map(|(_, p)| p.to_string())),
        Column::Local => text(i.ipv4.map(|(l, _)| l.to_string())),
        Column::L2tp => text(i.l2tp.map(|l| format!("{}/{}", l.tunnel_id, l.session_id))),
        Column::PeerL2tp => text(
            i.l2tp
                .map(|l| format!("{}/{}", l.peer_tunnel_id, l.peer_session_id)),
        ),
        Column::State => Cell::Text(format!("{:?}", i.phase).to_lowercase()),
        Column::Uptime => Cell::Number(i.uptime().as_secs()),
        Column::RxBytes => count(|s| s.rx_bytes),
        Column::TxBytes => count(|s| s.tx_bytes),
        Column::RxPackets => count(|s| s.rx_packets),
        Column::TxPackets => count(|s| s.tx_packets),
    }
}

/// Sorts `rows` by `column` (numbers as numbers), then by id.
pub fn sort(rows: &mut [Row], column: Option<Column>) {
    let Some(column) = column else {
        rows.sort_by_key(|r| r.info.id);
        return;
    };
    rows.sort_by(|a, b| {
        let by = match (cell(a, column), cell(b, column)) {
            (Cell::Number(x), Cell::Number(y)) => x.cmp(&y),
            (Cell::Text(x), Cell::Text(y)) => x.cmp(&y),
            _ => std::cmp::Ordering::Equal,
        };
        by.then(a.info.id.cmp(&b.info.id))
    });
}

fn uptime_text(secs: u64) -> String {
    let d = Duration::from_secs(secs).as_secs();
    format!("{:02}:{:02}:{:02}", d / 3600, d / 60 % 60, d % 60)
}

/// The rows as an aligned table with a header line.
pub fn render_table(rows: &[Row], columns: &[Column]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|&c| match cell(r, c) {
                    Cell::Number(n) if c == Column::Uptime => uptime_text(n),
                    Cell::Number(n) => n.to_string(),
                    Cell::Text(t) => t,
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].len())
                .chain([c.name().len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, words: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = words
            .zip(&widths)
            .map(|(w, &n)| format!("{w:<n$}"))
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut out, &mut columns.iter().map(|c| c.name()));
    for r in &cells {
        line(&mut out, &mut r.iter().map(String::as_str));
    }
    out
}

/// The rows as a JSON array of objects, one key per column, in the
/// columns' order. Written straight into the text (no value tree: 10,000
/// rows in a few milliseconds, `benches/ctl_show.rs`); strings are
/// escaped by serde_json.
pub fn render_json(rows: &[Row], columns: &[Column]) -> String {
    use std::io::Write as _;
    let mut out: Vec<u8> = Vec::with_capacity(64 + rows.len() * columns.len() * 24);
    out.push(b'[');
    for (n, r) in rows.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (k, &c) in columns.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            // Writing into a Vec does not fail.
            let _ = serde_json::to_writer(&mut out, c.name());
            out.push(b':');
            let _ = match cell(r, c) {
                Cell::Number(v) => write!(out, "{v}"),
                Cell::Text(t) if t.is_empty() => out.write_all(b"null"),
                Cell::Text(t) => serde_json::to_writer(&mut out, &t).map_err(std::io::Error::from),
            };
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]\n");
    // Only UTF-8 was written: serde_json's strings and ASCII.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_names_writes_numbers_and_nulls_in_column_order() {
        let mut info = SessionInfo::new(SessionId::from_number(7).unwrap());
        info.peer_name = Some("a\"b\\c\u{1}é".into());
        info.ipv4 = Some((Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)));
        let rows = [Row {
            info,
            counters: None,
        }];
        let text = render_json(
            &rows,
            &[Column::User, Column::Id, Column::Ifname, Column::Ip],
        );
        assert!(text.ends_with("]\n"), "{text}");
        assert!(text.starts_with("[{\"user\":"), "column order: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let row = &v[0];
        assert_eq!(row["user"], "a\"b\\c\u{1}é");
        assert_eq!(row["id"], 7);
        assert!(row["ifname"].is_null());
        assert_eq!(row["ip"], "10.0.0.2");
        assert_eq!(render_json(&[], &[Column::Id]), "[]\n");
    }
}
