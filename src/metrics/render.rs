//! The sans-IO renderer: a [`Snapshot`] in, Prometheus' text exposition
//! format (version 0.0.4) out, every family with its `# HELP` and
//! `# TYPE` lines, counters named `..._total`, times in seconds.

use std::fmt::{Display, Write as _};

use super::snapshot::Snapshot;
use crate::driver::{auth_label, phase_label, EndKind, AUTH_METHODS, PHASES, SETUP_BUCKETS};

/// The exposition text for `s`.
pub fn render(s: &Snapshot) -> String {
    let per_session = s.sessions.as_ref().map_or(0, Vec::len);
    let mut out = Out(String::with_capacity(4096 + per_session * 4 * 90));
    let c = &s.counters;
    let t = &s.tally;

    out.family(
        "rppp_sessions",
        "gauge",
        "Sessions running, by the phase of their link.",
    );
    for (phase, n) in PHASES.iter().zip(t.by_phase) {
        out.sample("rppp_sessions", &[("state", phase_label(*phase))], n);
    }
    out.family(
        "rppp_sessions_by_auth_method",
        "gauge",
        "Sessions running, by how the peer authenticated (none: not, or not yet).",
    );
    for (method, n) in AUTH_METHODS.iter().zip(t.by_auth) {
        out.sample(
            "rppp_sessions_by_auth_method",
            &[("method", auth_label(*method))],
            n,
        );
    }
    out.sample(
        "rppp_sessions_by_auth_method",
        &[("method", "none")],
        t.unauthenticated,
    );

    out.family(
        "rppp_sessions_started_total",
        "counter",
        "Sessions added to the engine.",
    );
    out.sample("rppp_sessions_started_total", &[], c.started);
    out.family(
        "rppp_sessions_ended_total",
        "counter",
        "Sessions ended, by reason.",
    );
    for kind in EndKind::ALL {
        out.sample(
            "rppp_sessions_ended_total",
            &[("reason", kind.as_str())],
            c.ended(kind),
        );
    }

    for (name, help, counts) in [
        (
            "rppp_auth_successes_total",
            "Peers that authenticated, by method.",
            &c.auth_successes,
        ),
        (
            "rppp_auth_failures_total",
            "Peers that failed our authentication, by method.",
            &c.auth_failures,
        ),
    ] {
        out.family(name, "counter", help);
        for (method, n) in AUTH_METHODS.iter().zip(counts) {
            out.sample(name, &[("method", auth_label(*method))], n);
        }
    }

    out.family(
        "rppp_lcp_echo_failures_total",
        "counter",
        "Sessions ended because the peer stopped answering LCP echo requests.",
    );
    out.sample(
        "rppp_lcp_echo_failures_total",
        &[],
        c.ended(EndKind::EchoFailure),
    );

    let h = "rppp_session_setup_duration_seconds";
    out.family(
        h,
        "histogram",
        "Time from adding a session to its first network protocol up.",
    );
    let mut cumulative = 0;
    for (bound, n) in SETUP_BUCKETS.iter().zip(c.setup_buckets) {
        cumulative += n;
        out.sample(
            &format!("{h}_bucket"),
            &[("le", &bound.to_string())],
            cumulative,
        );
    }
    out.sample(&format!("{h}_bucket"), &[("le", "+Inf")], c.setups());
    out.sample(&format!("{h}_sum"), &[], c.setup_sum.as_secs_f64());
    out.sample(&format!("{h}_count"), &[], c.setups());

    if let Some(n) = s.open_fds {
        out.family(
            "process_open_fds",
            "gauge",
            "Number of open file descriptors.",
        );
        out.sample("process_open_fds", &[], n);
    }
    if let Some(n) = s.max_fds {
        out.family(
            "process_max_fds",
            "gauge",
            "Maximum number of open file descriptors.",
        );
        out.sample("process_max_fds", &[], n);
    }

    if let Some(l) = &s.l2tp {
        out.family("rppp_l2tp_tunnels", "gauge", "L2TP tunnels, by state.");
        for (state, n) in &l.tunnels_by_state {
            out.sample("rppp_l2tp_tunnels", &[("state", state)], n);
        }
        for (name, kind, help, n) in [
            ("rppp_l2tp_sessions", "gauge", "L2TP sessions.", l.sessions),
            (
                "rppp_l2tp_control_messages_sent_total",
                "counter",
                "L2TP control messages sent for the first time (ZLB acknowledgements excluded).",
                l.control_sent,
            ),
            (
                "rppp_l2tp_control_messages_received_total",
                "counter",
                "L2TP control messages received and delivered in order.",
                l.control_received,
            ),
            (
                "rppp_l2tp_control_retransmissions_total",
                "counter",
                "L2TP control messages sent again for want of an acknowledgement.",
                l.control_retransmissions,
            ),
            (
                "rppp_l2tp_control_timeouts_total",
                "counter",
                "L2TP control retransmission timeouts.",
                l.control_timeouts,
            ),
        ] {
            out.family(name, kind, help);
            out.sample(name, &[], n);
        }
        if !l.refused.is_empty() {
            let name = "rppp_l2tp_refused_total";
            out.family(
                name,
                "counter",
                "L2TP calls and tunnels refused (CDN or StopCCN), by reason.",
            );
            for (reason, n) in &l.refused {
                out.sample(name, &[("reason", reason)], n);
            }
        }
    }

    if let Some(sessions) = &s.sessions {
        type Field = fn(&super::SessionTraffic) -> u64;
        let families: [(&str, &str, Field); 4] = [
            (
                "rppp_session_receive_bytes_total",
                "Octets received on a session.",
                |t| t.rx_bytes,
            ),
            (
                "rppp_session_transmit_bytes_total",
                "Octets sent on a session.",
                |t| t.tx_bytes,
            ),
            (
                "rppp_session_receive_packets_total",
                "Packets received on a session.",
                |t| t.rx_packets,
            ),
            (
                "rppp_session_transmit_packets_total",
                "Packets sent on a session.",
                |t| t.tx_packets,
            ),
        ];
        for (name, help, field) in families {
            out.family(name, "counter", help);
            for t in sessions {
                let id = t.id.get().to_string();
                let ifname = t.ifname.as_deref().unwrap_or("");
                out.sample(name, &[("session_id", &id), ("ifname", ifname)], field(t));
            }
        }
    }
    out.0
}

struct Out(String);

impl Out {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}");
        let _ = writeln!(self.0, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (label, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                self.0.push_str(label);
                self.0.push_str("=\"");
                escape_into(&mut self.0, v);
                self.0.push('"');
            }
            self.0.push('}');
        }
        let _ = writeln!(self.0, " {value}");
    }
}

/// A label value as the text format quotes it: `\`, `"` and newline
/// escaped.
fn escape_into(out: &mut String, v: &str) {
    for ch in v.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::driver::{EngineCounters, SessionId, SessionTally};
    use crate::metrics::{L2tpMetrics, SessionTraffic};

    fn known() -> Snapshot {
        let mut counters = EngineCounters {
            started: 7,
            ..EngineCounters::default()
        };
        counters.ended[0] = 2; // peer_request
        counters.ended[1] = 1; // echo_failure
        counters.auth_successes = [1, 3, 0, 2];
        counters.auth_failures = [0, 1, 0, 0];
        counters.setup_buckets[0] = 2;
        counters.setup_buckets[4] = 1;
        counters.setup_buckets[10] = 1;
        counters.setup_sum = Duration::from_millis(100_600);
        Snapshot {
            counters,
            tally: SessionTally {
                sessions: 4,
                by_phase: [0, 1, 0, 3, 0],
                by_auth: [1, 2, 0, 0],
                unauthenticated: 1,
                up: 3,
            },
            open_fds: Some(42),
            max_fds: Some(1024),
            l2tp: None,
            sessions: None,
        }
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    #[test]
    fn a_known_snapshot_renders_its_values_under_their_names() {
        let text = render(&known());
        let l = lines(&text);
        for want in [
            "rppp_sessions{state=\"network\"} 3",
            "rppp_sessions{state=\"establish\"} 1",
            "rppp_sessions{state=\"dead\"} 0",
            "rppp_sessions_by_auth_method{method=\"chap-md5\"} 2",
            "rppp_sessions_by_auth_method{method=\"none\"} 1",
            "rppp_sessions_started_total 7",
            "rppp_sessions_ended_total{reason=\"peer_request\"} 2",
            "rppp_sessions_ended_total{reason=\"echo_failure\"} 1",
            "rppp_sessions_ended_total{reason=\"admin\"} 0",
            "rppp_auth_successes_total{method=\"mschap-v2\"} 2",
            "rppp_auth_failures_total{method=\"chap-md5\"} 1",
            "rppp_lcp_echo_failures_total 1",
            "process_open_fds 42",
            "process_max_fds 1024",
            "# TYPE rppp_session_setup_duration_seconds histogram",
            "# TYPE rppp_sessions_ended_total counter",
            "# TYPE rppp_sessions gauge",
        ] {
            assert!(l.contains(&want), "missing {want:?} in:\n{text}");
        }
        assert!(!text.contains("rppp_l2tp_"), "{text}");
        assert!(!text.contains("rppp_session_receive_bytes_total"), "{text}");
    }

    #[test]
    fn the_histogram_is_cumulative_with_sum_and_count() {
        let text = render(&known());
        let l = lines(&text);
        let h = "rppp_session_setup_duration_seconds";
        for want in [
            format!("{h}_bucket{{le=\"0.05\"}} 2"),
            format!("{h}_bucket{{le=\"0.5\"}} 2"),
            format!("{h}_bucket{{le=\"1\"}} 3"),
            format!("{h}_bucket{{le=\"60\"}} 3"),
            format!("{h}_bucket{{le=\"+Inf\"}} 4"),
            format!("{h}_sum 100.6"),
            format!("{h}_count 4"),
        ] {
            assert!(l.contains(&want.as_str()), "missing {want:?} in:\n{text}");
        }
    }

    #[test]
    fn l2tp_and_per_session_families_appear_when_given() {
        let mut s = known();
        s.l2tp = Some(L2tpMetrics {
            tunnels_by_state: vec![("established".into(), 2), ("wait_ctl_conn".into(), 1)],
            sessions: 5,
            control_sent: 100,
            control_received: 90,
            control_retransmissions: 4,
            control_timeouts: 1,
            refused: vec![("max_sessions".into(), 3), ("peer_rate".into(), 0)],
        });
        s.sessions = Some(vec![SessionTraffic {
            id: SessionId::from_number(9).unwrap(),
            ifname: Some("ppp\"9\\".into()),
            rx_bytes: 1500,
            tx_bytes: 3000,
            rx_packets: 10,
            tx_packets: 20,
        }]);
        let text = render(&s);
        let l = lines(&text);
        for want in [
            "rppp_l2tp_tunnels{state=\"established\"} 2",
            "rppp_l2tp_tunnels{state=\"wait_ctl_conn\"} 1",
            "rppp_l2tp_sessions 5",
            "rppp_l2tp_control_messages_sent_total 100",
            "rppp_l2tp_control_messages_received_total 90",
            "rppp_l2tp_control_retransmissions_total 4",
            "rppp_l2tp_refused_total{reason=\"max_sessions\"} 3",
            "rppp_l2tp_refused_total{reason=\"peer_rate\"} 0",
            "rppp_l2tp_control_timeouts_total 1",
            // Label values escaped.
            "rppp_session_receive_bytes_total{session_id=\"9\",ifname=\"ppp\\\"9\\\\\"} 1500",
            "rppp_session_transmit_packets_total{session_id=\"9\",ifname=\"ppp\\\"9\\\\\"} 20",
        ] {
            assert!(l.contains(&want), "missing {want:?} in:\n{text}");
        }
    }

    #[cfg(feature = "l2tpd-core")]
    #[test]
    fn a_daemon_adds_its_tunnels_by_state_and_their_counters() {
        use rppp_l2tp::{TunnelCounters, TunnelState};
        let mut l = L2tpMetrics::with_every_state();
        let mut c = TunnelCounters::default();
        c.reliable.sent = 10;
        c.reliable.delivered = 9;
        c.reliable.retransmissions = 2;
        c.reliable.timeouts = 1;
        l.add_tunnel(Some(TunnelState::Established), &c);
        l.add_tunnel(Some(TunnelState::Established), &c);
        // A tunnel that is gone: its counters only.
        l.add_tunnel(None, &c);
        let mut s = known();
        s.l2tp = Some(l);
        let text = render(&s);
        let l = lines(&text);
        for want in [
            "rppp_l2tp_tunnels{state=\"established\"} 2",
            "rppp_l2tp_tunnels{state=\"wait_ctl_reply\"} 0",
            "rppp_l2tp_tunnels{state=\"closed\"} 0",
            "rppp_l2tp_control_messages_sent_total 30",
            "rppp_l2tp_control_messages_received_total 27",
            "rppp_l2tp_control_retransmissions_total 6",
            "rppp_l2tp_control_timeouts_total 3",
        ] {
            assert!(l.contains(&want), "missing {want:?} in:\n{text}");
        }
    }

    #[test]
    fn every_family_has_help_and_type_before_its_samples_and_once() {
        let mut s = known();
        s.l2tp = Some(L2tpMetrics::default());
        s.sessions = Some(Vec::new());
        let text = render(&s);
        let mut typed = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split(' ').next().unwrap();
                assert!(!typed.contains(&name.to_string()), "{name} twice");
                typed.push(name.to_string());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                let family = typed.last().unwrap();
                assert!(
                    name.starts_with(family.as_str()),
                    "{name} outside its family"
                );
            }
        }
        for name in &typed {
            assert!(
                text.contains(&format!("# HELP {name} ")),
                "{name} has no HELP"
            );
        }
    }
}
