//! Prometheus metrics: the exposition checked by `promtool check metrics`
//! (Debian's `prometheus` package; the test fails without it when
//! `RPPP_REQUIRE_PROMTOOL=1`, as `tests/run-all.sh` sets, and is skipped
//! with a reason otherwise; `RPPP_PROMTOOL` names another promtool), and
//! `GET /metrics` scraped over plain TCP
//! from an engine whose sessions run on the fake data path: the counts
//! agree with what happened to the sessions, and nothing but
//! `GET /metrics` is answered.

#![cfg(feature = "metrics")]

mod common;
mod fake_pair;

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use fake_pair::*;
use rppp::driver::fake::{FakeDataPath, TestEngine};
use rppp::driver::{CloseReason, EngineCounters, SessionId, SessionTally};
use rppp::metrics::{
    render, L2tpMetrics, MetricsOptions, MetricsServer, SessionTraffic, Snapshot, CONTENT_TYPE,
};
use rppp::session::exit;
use rppp_auth::AuthMethod;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PROMTOOL: &str = "/usr/bin/promtool";

/// Runs `promtool check metrics` on `text`: `None` when promtool is not
/// installed (and not required), else its verdict.
fn promtool_check(text: &str) -> Option<Result<(), String>> {
    let promtool = std::env::var("RPPP_PROMTOOL").unwrap_or_else(|_| PROMTOOL.into());
    if !std::path::Path::new(&promtool).exists() {
        if std::env::var("RPPP_REQUIRE_PROMTOOL").is_ok_and(|v| v == "1") {
            panic!("RPPP_REQUIRE_PROMTOOL=1 and no {promtool}: apt-get install prometheus");
        }
        eprintln!("skipped: no {promtool} (Debian package prometheus) to check the exposition");
        return None;
    }
    let mut child = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some(match out.status.success() {
        true => Ok(()),
        false => Err(format!(
            "promtool check metrics: {}\n{}{}\n--- the exposition:\n{text}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
    })
}

fn realistic() -> Snapshot {
    let mut counters = EngineCounters {
        started: 12_345,
        ..EngineCounters::default()
    };
    for (i, n) in counters.ended.iter_mut().enumerate() {
        *n = (i as u64 * 37) % 200;
    }
    counters.auth_successes = [10, 9_000, 3, 2_000];
    counters.auth_failures = [1, 40, 0, 12];
    counters.setup_buckets = [100, 2_000, 5_000, 3_000, 900, 100, 10, 3, 1, 0, 2];
    counters.setup_sum = Duration::from_secs_f64(4_321.125);
    let sessions = (1..=3)
        .map(|n| SessionTraffic {
            id: SessionId::from_number(n).unwrap(),
            ifname: (n != 3).then(|| format!("ppp{n}")),
            rx_bytes: n * 1_000_000,
            tx_bytes: n * 2_000_000,
            rx_packets: n * 1_000,
            tx_packets: n * 2_000,
        })
        .collect();
    Snapshot {
        counters,
        tally: SessionTally {
            sessions: 1_234,
            by_phase: [1, 20, 13, 1_198, 2],
            by_auth: [4, 1_000, 0, 200],
            unauthenticated: 30,
            up: 1_198,
        },
        open_fds: Some(3_712),
        max_fds: Some(65_536),
        l2tp: Some(L2tpMetrics {
            tunnels_by_state: vec![
                ("idle".into(), 0),
                ("wait_ctl_conn".into(), 2),
                ("established".into(), 40),
            ],
            sessions: 1_234,
            control_sent: 50_000,
            control_received: 49_000,
            control_retransmissions: 321,
            control_timeouts: 2,
            refused: vec![("max_starting".into(), 4), ("peer_rate".into(), 1)],
        }),
        sessions: Some(sessions),
    }
}

#[test]
fn promtool_accepts_a_realistic_exposition() {
    let text = render(&realistic());
    if let Some(verdict) = promtool_check(&text) {
        verdict.unwrap();
    }
    // The check has teeth: a counter not named `_total` fails it.
    if let Some(verdict) = promtool_check("# HELP foo A foo.\n# TYPE foo counter\nfoo 1\n") {
        assert!(verdict.is_err(), "promtool let a bad exposition pass");
    }
    // And the smallest one: a new engine, nothing optional.
    let text = render(&Snapshot::default());
    if let Some(verdict) = promtool_check(&text) {
        verdict.unwrap();
    }
}

/// One request over plain TCP: the status line, the headers, the body.
async fn http(addr: SocketAddr, request: &str) -> (String, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.to_owned(), headers.to_lowercase(), body.to_owned())
}

async fn scrape(addr: SocketAddr) -> String {
    let (status, headers, body) = http(
        addr,
        "GET /metrics HTTP/1.1\r\nHost: rppp\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, "HTTP/1.1 200 OK", "{headers}\n{body}");
    assert!(
        headers.contains(&format!("content-type: {CONTENT_TYPE}")),
        "{headers}"
    );
    if let Some(verdict) = promtool_check(&body) {
        verdict.unwrap();
    }
    body
}

/// The value of the sample `series` (name and labels as rendered).
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_scrape_agrees_with_what_happened_to_the_sessions() {
    let engine = TestEngine::new();
    // Pair A authenticates with CHAP.
    let ((a, _), (b, _), _relay) = FakeDataPath::pair().unwrap();
    let (lns, lac) = configs(Some(AuthMethod::ChapMd5));
    let mut a_lns = engine.add_session(a, lns);
    let mut a_lac = engine.add_session(b, lac);
    // Pair B does not; its LNS sends LCP echoes.
    let ((a, _), (b, b_lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    let (mut lns, lac) = configs(None);
    lns.lcp.echo_interval = Some(Duration::from_millis(200));
    lns.lcp.echo_failure = 3;
    let mut b_lns = engine.add_session(a, lns);
    let mut b_lac = engine.add_session(b, lac);
    for s in [&mut a_lns, &mut a_lac, &mut b_lns, &mut b_lac] {
        events_until(s, ip_up).await;
    }

    let server = MetricsServer::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.serve(engine.engine.clone(), MetricsOptions::default()));

    let text = scrape(addr).await;
    assert_eq!(value(&text, "rppp_sessions{state=\"network\"}"), 4.0);
    assert_eq!(value(&text, "rppp_sessions{state=\"establish\"}"), 0.0);
    assert_eq!(
        value(&text, "rppp_sessions_by_auth_method{method=\"chap-md5\"}"),
        1.0
    );
    assert_eq!(
        value(&text, "rppp_sessions_by_auth_method{method=\"none\"}"),
        3.0
    );
    assert_eq!(value(&text, "rppp_sessions_started_total"), 4.0);
    assert_eq!(
        value(&text, "rppp_auth_successes_total{method=\"chap-md5\"}"),
        1.0
    );
    assert_eq!(
        value(&text, "rppp_session_setup_duration_seconds_count"),
        4.0
    );
    assert_eq!(
        value(
            &text,
            "rppp_session_setup_duration_seconds_bucket{le=\"+Inf\"}"
        ),
        4.0
    );
    assert!(value(&text, "process_open_fds") > 0.0, "{text}");
    for reason in ["admin", "peer_request", "lower_layer", "echo_failure"] {
        let series = format!("rppp_sessions_ended_total{{reason=\"{reason}\"}}");
        assert_eq!(value(&text, &series), 0.0);
    }

    // A's LNS is closed by an operator: it ends as asked, its peer on
    // the Terminate-Request. B's LAC loses its L2TP session: it ends at
    // once, and B's LNS when its echoes go unanswered.
    engine
        .engine
        .close(a_lns.id(), CloseReason::Admin)
        .unwrap()
        .await;
    assert_eq!(ended(a_lac).await.exit_code, exit::OK);
    b_lac_kernel.hang_up();
    assert_eq!(ended(b_lac).await.exit_code, exit::HANGUP);
    let end = ended(b_lns).await;
    assert_eq!(end.exit_code, exit::PEER_DEAD, "{end:?}");
    let _ = ended(a_lns).await;

    let text = scrape(addr).await;
    for phase in ["dead", "establish", "authenticate", "network", "terminate"] {
        let series = format!("rppp_sessions{{state=\"{phase}\"}}");
        assert_eq!(value(&text, &series), 0.0, "{text}");
    }
    for (reason, n) in [
        ("admin", 1.0),
        ("peer_request", 1.0),
        ("lower_layer", 1.0),
        ("echo_failure", 1.0),
        ("shutdown", 0.0),
    ] {
        let series = format!("rppp_sessions_ended_total{{reason=\"{reason}\"}}");
        assert_eq!(value(&text, &series), n, "{reason}:\n{text}");
    }
    assert_eq!(value(&text, "rppp_lcp_echo_failures_total"), 1.0);
    assert_eq!(value(&text, "rppp_sessions_started_total"), 4.0);
    let ended_total: f64 = text
        .lines()
        .filter(|l| l.starts_with("rppp_sessions_ended_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(ended_total, 4.0);
    let c = engine.engine.counters();
    assert_eq!(c.ended_total(), 4, "{c:?}");
}

#[tokio::test]
async fn only_get_metrics_is_answered_and_a_stuck_client_stalls_nothing() {
    let engine = TestEngine::new();
    let server = MetricsServer::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    let l2tp = MetricsOptions::default().l2tp(|| L2tpMetrics {
        tunnels_by_state: vec![("established".into(), 3)],
        sessions: 7,
        ..L2tpMetrics::default()
    });
    tokio::spawn(server.serve(engine.engine.clone(), l2tp));

    // A client that sends half a request and waits, and one that sends
    // garbage: neither holds up a scrape.
    let mut stuck = TcpStream::connect(addr).await.unwrap();
    stuck.write_all(b"GET /metr").await.unwrap();
    let (status, _, _) = http(addr, "\x16\x03\x01 garbage\r\n\r\n").await;
    assert!(status.is_empty() || status.contains(" 400 "), "{status}");

    let text = scrape(addr).await;
    assert_eq!(
        value(&text, "rppp_l2tp_tunnels{state=\"established\"}"),
        3.0
    );
    assert_eq!(value(&text, "rppp_l2tp_sessions"), 7.0);

    let (status, _, _) = http(addr, "GET / HTTP/1.1\r\nHost: rppp\r\n\r\n").await;
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    let (status, _, _) = http(addr, "GET /metricsx HTTP/1.1\r\nHost: rppp\r\n\r\n").await;
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    let (status, headers, _) = http(
        addr,
        "POST /metrics HTTP/1.1\r\nHost: rppp\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
    assert!(headers.contains("allow: get"), "{headers}");
    // The query string is not part of the path.
    let (status, _, _) = http(addr, "GET /metrics?x=1 HTTP/1.1\r\nHost: rppp\r\n\r\n").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    // The stuck client is dropped once its time to send a request is up.
    let mut rest = Vec::new();
    let gone = tokio::time::timeout(
        rppp::metrics::server::HEADER_TIMEOUT + Duration::from_secs(3),
        stuck.read_to_end(&mut rest),
    )
    .await;
    assert!(
        gone.is_ok(),
        "a client that never finished its request still holds a connection"
    );
}
