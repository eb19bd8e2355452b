//! `show stat` (the engine's counters) and `show session ID` (everything
//! the engine knows about one session), as text or JSON. Nothing secret
//! is in either: the engine holds no password to show.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::driver::{EndKind, Engine, SessionStats, AUTH_METHODS, SETUP_BUCKETS};

fn method_name(i: usize) -> &'static str {
    ["pap", "chap-md5", "mschap", "mschap-v2"][i.min(3)]
}

/// The engine's counters, and its sessions by phase.
pub fn render_engine(engine: &Engine, json: bool) -> String {
    let c = engine.counters();
    let mut by_state: BTreeMap<String, u64> = BTreeMap::new();
    for info in engine.sessions() {
        *by_state
            .entry(format!("{:?}", info.phase).to_lowercase())
            .or_default() += 1;
    }
    let ended: BTreeMap<&str, u64> = EndKind::ALL
        .iter()
        .map(|k| (k.as_str(), c.ended(*k)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let by_method = |counts: &[u64; 4]| -> BTreeMap<&str, u64> {
        (0..AUTH_METHODS.len())
            .map(|i| (method_name(i), counts[i]))
            .collect()
    };
    let mean = match c.setups() {
        0 => 0.0,
        n => c.setup_sum.as_secs_f64() / n as f64,
    };
    if json {
        let mut text = json!({
            "sessions": engine.len(),
            "sessions_by_state": by_state,
            "started": c.started,
            "ended": c.ended_total(),
            "ended_by_reason": ended,
            "auth_successes": by_method(&c.auth_successes),
            "auth_failures": by_method(&c.auth_failures),
            "echo_failures": c.ended(EndKind::EchoFailure),
            "setups": c.setups(),
            "setup_mean_seconds": mean,
            "setup_buckets": SETUP_BUCKETS.iter().map(|b| b.to_string()).chain(["+Inf".into()])
                .zip(c.setup_buckets).collect::<BTreeMap<String, u64>>(),
        })
        .to_string();
        text.push('\n');
        return text;
    }
    let mut out = String::new();
    let _ = writeln!(out, "sessions: {}", engine.len());
    for (state, n) in &by_state {
        let _ = writeln!(out, "  {state}: {n}");
    }
    let _ = writeln!(out, "started: {}", c.started);
    let _ = writeln!(out, "ended: {}", c.ended_total());
    for (kind, n) in &ended {
        let _ = writeln!(out, "  {kind}: {n}");
    }
    for (what, counts) in [
        ("auth successes", &c.auth_successes),
        ("auth failures", &c.auth_failures),
    ] {
        let parts: Vec<String> = by_method(counts)
            .iter()
            .map(|(m, n)| format!("{m} {n}"))
            .collect();
        let _ = writeln!(out, "{what}: {}", parts.join(", "));
    }
    let _ = writeln!(out, "echo failures: {}", c.ended(EndKind::EchoFailure));
    let _ = writeln!(out, "setups: {} (mean {mean:.3} s)", c.setups());
    out
}

/// One session's figures.
pub fn render_session(s: &SessionStats, json: bool) -> String {
    let i = &s.info;
    let value: Value = json!({
        "id": i.id.get(),
        "ifname": i.ifname,
        "unit": i.unit,
        "user": i.peer_name,
        "phase": format!("{:?}", i.phase).to_lowercase(),
        "uptime_seconds": i.uptime().as_secs(),
        "local": i.ipv4.map(|(l, _)| l.to_string()),
        "ip": i.ipv4.map(|(_, p)| p.to_string()),
        "ipv6_local": i.ipv6.map(|(l, _)| l.to_string()),
        "ipv6_peer": i.ipv6.map(|(_, p)| p.to_string()),
        "l2tp": i.l2tp.map(|l| json!({
            "tunnel_id": l.tunnel_id, "session_id": l.session_id,
            "peer_tunnel_id": l.peer_tunnel_id, "peer_session_id": l.peer_session_id,
        })),
        "lcp": format!("{:?}", s.lcp),
        "ipcp": format!("{:?}", s.ipcp),
        "ipv6cp": s.ipv6cp.map(|v| format!("{v:?}")),
        "rx_frames": frames(&s.rx_frames),
        "tx_frames": frames(&s.tx_frames),
        "echo_requests_sent": s.lcp_counters.tx_echo_requests,
        "echo_replies": s.lcp_counters.rx_echo_replies,
        "auth_attempts": s.auth_attempts,
        "write_errors": s.write_errors,
        "events_dropped": s.events_dropped,
        "rx_bytes": s.l2tp.map(|l| l.rx_bytes),
        "tx_bytes": s.l2tp.map(|l| l.tx_bytes),
        "rx_packets": s.l2tp.map(|l| l.rx_packets),
        "tx_packets": s.l2tp.map(|l| l.tx_packets),
    });
    if json {
        return format!("{value}\n");
    }
    let mut out = String::new();
    if let Value::Object(map) = value {
        for (key, v) in map {
            let text = match v {
                Value::Null => continue,
                Value::String(s) => s,
                other => other.to_string(),
            };
            let _ = writeln!(out, "{key}: {text}");
        }
    }
    out
}

fn frames(f: &crate::driver::FrameCounts) -> Value {
    json!({"lcp": f.lcp, "auth": f.auth, "ipcp": f.ipcp, "ipv6cp": f.ipv6cp, "other": f.other})
}
