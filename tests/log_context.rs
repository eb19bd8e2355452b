//! Each session's context on its log lines, with many sessions in one
//! engine (the fake data path): every line a session logs carries its own
//! engine id, interface, authenticated peer and L2TP ids, never another
//! session's; lines outside any session, and every line when the context
//! is off (pppd's drop-in), are pppd's bare lines.
#![cfg(feature = "pppd")]

mod fake_pair;

use fake_pair::*;

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use rppp::driver::fake::{FakeDataPath, TestEngine};
use rppp::driver::L2tpIds;
use rppp::log_context::{SessionContextLayer, SessionLineFormat};
use rppp_auth::AuthMethod;
use tracing_subscriber::layer::SubscriberExt;

/// Every line logged, as the log file would hold them.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn lines(&self) -> Vec<String> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_string).collect()
    }

    /// rppp's log subscriber for this thread, as `rppp::cli::logging`
    /// installs it (at debug, for the frame log).
    fn install(&self, context: bool) -> tracing::subscriber::DefaultGuard {
        let log = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || log.clone())
            .event_format(SessionLineFormat::with_context(context))
            .finish()
            .with(SessionContextLayer);
        tracing::subscriber::set_default(subscriber)
    }
}

/// What one session's lines should say of it.
struct Expected {
    l2tp: String,
    user: Option<String>,
}

/// The prefix of a line, parsed: `[session=3 if=ppp3 user=alice l2tp=...]`.
fn prefix(line: &str) -> Option<HashMap<&str, &str>> {
    let rest = line.strip_prefix('[')?;
    let (inside, _) = rest.split_once("] ")?;
    Some(
        inside
            .split(' ')
            .map(|part| part.split_once('=').expect("key=value"))
            .collect(),
    )
}

/// Runs `pairs` LNS/LAC pairs in one engine, each LAC authenticating with
/// its own name and each end with its own L2TP ids, up and closed; returns
/// what each session's lines should say, by engine id.
async fn run_pairs(pairs: u16) -> HashMap<u64, Expected> {
    let engine = TestEngine::new();
    let mut expected = HashMap::new();
    let mut running = Vec::new();
    for i in 0..pairs {
        let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
        let (mut lns, mut lac) = configs(Some(AuthMethod::ChapMd5));
        let user = format!("user{i}");
        lns.auth.chap_secrets = secrets(&format!("{user} lns s3cret *\n"));
        lac.auth.user = user.clone().into_bytes();
        lac.auth.chap_secrets = secrets(&format!("{user} lns s3cret\n"));
        // Our tunnel/session, then the peer's, as each end sees them.
        let (t, s, pt, ps) = (100 + i, 200 + i, 300 + i, 400 + i);
        lns_kernel.lock().l2tp = Some(ids(t, s, pt, ps));
        lac_kernel.lock().l2tp = Some(ids(pt, ps, t, s));
        let lns = engine.add_session(lns_dp, lns);
        let lac = engine.add_session(lac_dp, lac);
        expected.insert(
            lns.id().get(),
            Expected {
                l2tp: format!("{t}/{s}:{pt}/{ps}"),
                user: Some(user),
            },
        );
        expected.insert(
            lac.id().get(),
            Expected {
                l2tp: format!("{pt}/{ps}:{t}/{s}"),
                // The LAC does not ask the LNS to authenticate.
                user: None,
            },
        );
        running.push((lns, lac));
    }
    for (lns, lac) in &mut running {
        events_until(lns, ip_up).await;
        events_until(lac, ip_up).await;
    }
    // Closed all together: the LNS ends wait out their Terminate-Ack
    // timers side by side.
    for (_, lac) in &running {
        lac.close();
    }
    for (lns, lac) in running {
        ended(lac).await;
        ended(lns).await;
    }
    expected
}

fn ids(tunnel_id: u16, session_id: u16, peer_tunnel_id: u16, peer_session_id: u16) -> L2tpIds {
    L2tpIds {
        tunnel_id,
        session_id,
        peer_tunnel_id,
        peer_session_id,
    }
}

#[tokio::test]
async fn each_session_line_carries_its_own_context_and_no_other() {
    let log = Log::default();
    let _guard = log.install(true);
    tracing::info!("a line of the process, not of a session");
    let expected = run_pairs(3).await;
    assert_eq!(expected.len(), 6);

    let lines = log.lines();
    if std::env::var_os("SHOW_LOG").is_some() {
        eprintln!("{}", lines.join("\n"));
    }
    assert_eq!(lines[0], "a line of the process, not of a session");
    let mut exits: HashMap<u64, usize> = HashMap::new();
    let mut authenticated: HashMap<u64, usize> = HashMap::new();
    for line in &lines[1..] {
        // Every line after the first is a session's.
        let fields = prefix(line).unwrap_or_else(|| panic!("no context: {line:?}"));
        let id: u64 = fields["session"].parse().unwrap();
        let want = expected
            .get(&id)
            .unwrap_or_else(|| panic!("no session {id}: {line:?}"));
        if let Some(l2tp) = fields.get("l2tp") {
            assert_eq!(*l2tp, want.l2tp, "{line:?}");
        }
        if let Some(ifname) = fields.get("if") {
            assert_eq!(*ifname, "ppp-fake0", "{line:?}");
        }
        if let Some(user) = fields.get("user") {
            assert_eq!(Some(*user), want.user.as_deref(), "{line:?}");
            *authenticated.entry(id).or_default() += 1;
        }
        if line.contains("] Exit: ") {
            // The end knows it all: the interface, the L2TP ids, the peer.
            assert!(fields.contains_key("if"), "{line:?}");
            assert!(fields.contains_key("l2tp"), "{line:?}");
            assert_eq!(
                fields.get("user").copied(),
                want.user.as_deref(),
                "{line:?}"
            );
            *exits.entry(id).or_default() += 1;
        }
    }
    for (id, want) in &expected {
        assert_eq!(exits.get(id), Some(&1), "session {id}: one Exit line");
        // The frame log is the session's too.
        let framed = lines.iter().any(|l| {
            l.starts_with(&format!("[session={id} ")) && l.contains("] sent [LCP ConfReq")
        });
        assert!(framed, "session {id}: no frame log line");
        if want.user.is_some() {
            assert!(
                authenticated.get(id).is_some_and(|&n| n > 0),
                "session {id}"
            );
        }
    }
}

#[tokio::test]
async fn without_the_context_the_lines_are_pppds() {
    let log = Log::default();
    let _guard = log.install(false);
    let expected = run_pairs(2).await;
    let lines = log.lines();
    assert!(lines.iter().any(|l| l.starts_with("sent [LCP ConfReq")));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("Exit: ")).count(),
        expected.len()
    );
    for line in &lines {
        assert!(!line.starts_with('['), "{line:?}");
        assert!(!line.contains("session="), "{line:?}");
    }
}
