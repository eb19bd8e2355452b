//! Sessions of an Engine authenticated through a real FreeRADIUS, as an
//! LNS with `plugin radius.so` runs them: the LNS knows no secrets, its
//! [`RadiusHooks`] ask the server, and the server's answer decides the
//! link (PAP, CHAP-MD5, MS-CHAPv2; a wrong password fails the peer with
//! pppd's exit code), its address (Framed-IP-Address), its DNS server
//! and its end (Session-Timeout); accounting Start and Stop reach the
//! server's detail file. The sessions run on the fake data path.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rppp::driver::fake::{FakeDataPath, TestEngine, FAKE_IFNAME};
use rppp::driver::{EndReason, EngineEvent, FramedRoute, LinkOptions};
use rppp::radius_client::radattr::Radattr;
use rppp::radius_client::{RadiusContext, RadiusHooks, RadiusService, TunnelContext};
use rppp::session::{
    exit, DataPathAction, SessionConfig, SessionEvent, TerminationReason, Verification,
};
use rppp_auth::AuthMethod;
use rppp_radius::config::Dictionary;

mod fake_pair;
mod radius_common;
use fake_pair::*;
use radius_common::client::{nas, service};
use radius_common::*;

struct Lab {
    service: RadiusService,
    context: RadiusContext,
    // Declared last, dropped last: the server outlives the client.
    radius: FreeRadius,
}

async fn lab() -> Option<Lab> {
    let radius = FreeRadius::start_new()?;
    let service = service(vec![radius.auth_addr()], vec![radius.acct_addr()]).await;
    let context = RadiusContext {
        handle: service.handle(),
        nas: nas(),
        avpairs: Arc::default(),
        interim_default: None,
        directory: None,
        radattr: None,
        pools: None,
        realms: None,
    };
    Some(Lab {
        radius,
        service,
        context,
    })
}

/// An LNS verifying by RADIUS alone and a LAC logging in as `user` with
/// `password`, by `method`.
fn configs(method: AuthMethod, user: &str, password: &str) -> (SessionConfig, SessionConfig) {
    let (mut lns, mut lac) = fake_pair::configs(Some(method));
    lns.auth.verification = Verification::External;
    lns.auth.chap_secrets = secrets("");
    lns.auth.pap_secrets = secrets("");
    lac.auth.user = user.as_bytes().to_vec();
    let line = format!("{user} * {password}\n");
    lac.auth.chap_secrets = secrets(&line);
    lac.auth.pap_secrets = secrets(&line);
    lac.ipcp.use_peer_dns = true;
    for c in [&mut lns, &mut lac] {
        c.negotiation_timeout = Duration::from_secs(10);
    }
    (lns, lac)
}

fn start(lab: &Lab, (lns, lac): (SessionConfig, SessionConfig), id: &str) -> Running {
    let ((lns_dp, lns_kernel), (lac_dp, lac_kernel), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    // The tunnel a drop-in under xl2tpd or `rppp l2tpd` would name.
    let tunnel = TunnelContext {
        client_endpoint: "192.0.2.7".parse().unwrap(),
        server_endpoint: Some("198.51.100.1".parse().unwrap()),
        connection: Some("4711".into()),
    };
    let hooks = RadiusHooks::new(
        (),
        lab.context.clone(),
        id.to_string(),
        Some("192.0.2.7".into()),
        Some(tunnel),
    );
    Running {
        lns: engine.add_session_with(lns_dp, lns, LinkOptions::default(), hooks),
        lac: engine.add_session(lac_dp, lac),
        lns_kernel,
        lac_kernel,
    }
}

/// The LAC's address and DNS server once IPCP is up on both sides.
async fn up(r: &mut Running) -> (Ipv4Addr, [Option<Ipv4Addr>; 2]) {
    events_until(&mut r.lns, ip_up).await;
    let seen = events_until(&mut r.lac, ip_up).await;
    match seen.last() {
        Some(EngineEvent::Session(SessionEvent::IpUp { local, dns, .. })) => (*local, *dns),
        other => panic!("the LAC did not come up: {other:?}"),
    }
}

/// Waits until the detail file has `n` records naming `id`.
async fn records(lab: &Lab, id: &str, n: usize) -> String {
    for _ in 0..100 {
        let detail = lab.radius.detail();
        if detail
            .matches(&format!("Acct-Session-Id = \"{id}\""))
            .count()
            >= n
        {
            return detail;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {n} records for {id} in:\n{}", lab.radius.detail());
}

#[tokio::test]
async fn every_method_authenticates_through_freeradius_with_accounting() {
    let Some(lab) = lab().await else { return };
    let cases = [
        (AuthMethod::Pap, PAP_USER, Some(Ipv4Addr::new(10, 64, 0, 7))),
        (AuthMethod::ChapMd5, CHAP_USER, None),
        (
            AuthMethod::MsChapV2,
            MSCHAPV2_USER,
            Some(Ipv4Addr::new(10, 64, 0, 9)),
        ),
    ];
    for (i, (method, (user, password), framed)) in cases.into_iter().enumerate() {
        let id = format!("ENGINE{i:04}");
        let mut r = start(&lab, configs(method, user, password), &id);
        let (address, _) = up(&mut r).await;
        // Framed-IP-Address is the LAC's address; 255.255.255.254 (bob)
        // leaves it to the LNS's own.
        assert_eq!(address, framed.unwrap_or(LAC_ADDR), "{method:?}");
        // carol's Framed-MTU lowers the LNS's interface MTU.
        let last_mtu = r
            .lns_kernel
            .lock()
            .actions
            .iter()
            .rev()
            .find_map(|a| match a {
                DataPathAction::SetMtu(m) => Some(*m),
                _ => None,
            });
        if method == AuthMethod::MsChapV2 {
            assert_eq!(last_mtu, Some(1280));
        } else {
            assert_ne!(last_mtu, Some(1280));
        }
        // alice's Framed-Route and carol's Framed-IP-Netmask subnet go
        // through the LNS's interface.
        let route = |d: [u8; 4], l, m| FramedRoute::new(Ipv4Addr::from(d), l, m).unwrap();
        let want: Vec<FramedRoute> = match method {
            AuthMethod::Pap => vec![route([192, 168, 77, 0], 24, Some(3))],
            AuthMethod::MsChapV2 => vec![route([10, 64, 0, 8], 29, None)],
            _ => vec![],
        };
        assert_eq!(r.lns_kernel.lock().framed_routes, want, "{method:?}");
        r.lac.close();
        ended(r.lac).await;
        ended(r.lns).await;
        let detail = records(&lab, &id, 2).await;
        let ours: Vec<&str> = detail
            .split("\n\n")
            .filter(|rec| rec.contains(&format!("\"{id}\"")))
            .collect();
        assert!(ours[0].contains("Acct-Status-Type = Start"), "{ours:?}");
        assert!(ours[1].contains("Acct-Status-Type = Stop"), "{ours:?}");
        assert!(
            ours[1].contains(&format!("User-Name = \"{user}\"")),
            "{ours:?}"
        );
        assert!(
            ours[1].contains("Acct-Terminate-Cause = User-Request"),
            "{ours:?}"
        );
        assert!(ours[1].contains("Acct-Session-Time = "), "{ours:?}");
        // The tunnel (RFC 2867, RFC 2868) and the bundle of one link.
        for rec in &ours {
            for needle in [
                format!("Acct-Multi-Session-Id = \"{id}\""),
                "Tunnel-Type:0 = L2TP".into(),
                "Tunnel-Medium-Type:0 = IPv4".into(),
                "Tunnel-Client-Endpoint:0 = \"192.0.2.7\"".into(),
                "Tunnel-Server-Endpoint:0 = \"198.51.100.1\"".into(),
                "Acct-Tunnel-Connection = \"4711\"".into(),
                "Calling-Station-Id = \"192.0.2.7\"".into(),
            ] {
                assert!(rec.contains(&needle), "{needle} missing from {rec}");
            }
        }
        if method == AuthMethod::Pap {
            // The Class of alice's Access-Accept, echoed (FreeRADIUS
            // writes it in hexadecimal).
            let class: String = b"rppp-class-alice"
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert!(ours[1].contains(&format!("Class = 0x{class}")), "{ours:?}");
        }
    }
    lab.service.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn a_wrong_password_is_rejected_with_pppds_exit_code() {
    let Some(lab) = lab().await else { return };
    let r = start(
        &lab,
        configs(AuthMethod::ChapMd5, CHAP_USER.0, "wrong"),
        "REJECT01",
    );
    let end = ended(r.lns).await;
    assert!(
        matches!(
            end.reason,
            EndReason::Protocol {
                reason: TerminationReason::PeerAuthFailed { .. },
                exit_code: exit::PEER_AUTH_FAILED
            }
        ),
        "{end:?}"
    );
    ended(r.lac).await;
    let counters = lab.context.handle.counters();
    assert_eq!(counters.access_rejects, 1, "{counters:?}");
}

#[tokio::test]
async fn the_servers_session_timeout_and_dns_are_applied() {
    let Some(lab) = lab().await else { return };
    let (user, password) = SHORT_USER;
    let mut r = start(&lab, configs(AuthMethod::Pap, user, password), "TIMEOUT1");
    let (_, dns) = up(&mut r).await;
    assert_eq!(
        dns[0],
        Some(Ipv4Addr::new(192, 0, 2, 53)),
        "MS-Primary-DNS-Server"
    );
    let end = ended(r.lns).await;
    assert_eq!(
        end.reason,
        EndReason::Protocol {
            reason: TerminationReason::ConnectTime,
            exit_code: exit::CONNECT_TIME
        },
        "{end:?}"
    );
    ended(r.lac).await;
    let detail = records(&lab, "TIMEOUT1", 2).await;
    assert!(
        detail.contains("Acct-Terminate-Cause = Session-Timeout"),
        "{detail}"
    );
}

#[tokio::test]
async fn interim_updates_follow_the_configured_interval_between_start_and_stop() {
    let Some(mut lab) = lab().await else { return };
    // carol's Access-Accept has no Acct-Interim-Interval: the NAS's own.
    lab.context.interim_default = Some(Duration::from_millis(700));
    let (user, password) = MSCHAPV2_USER;
    let mut r = start(
        &lab,
        configs(AuthMethod::MsChapV2, user, password),
        "INTERIM1",
    );
    up(&mut r).await;
    // Start, then at least two Interim-Updates.
    records(&lab, "INTERIM1", 3).await;
    r.lac.close();
    ended(r.lac).await;
    ended(r.lns).await;
    let mut detail = String::new();
    for _ in 0..100 {
        detail = lab.radius.detail();
        if detail
            .split("\n\n")
            .any(|rec| rec.contains("\"INTERIM1\"") && rec.contains("Acct-Status-Type = Stop"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ours: Vec<&str> = detail
        .split("\n\n")
        .filter(|rec| rec.contains("\"INTERIM1\""))
        .collect();
    let status = |rec: &str| {
        rec.lines()
            .find_map(|l| l.trim().strip_prefix("Acct-Status-Type = "))
            .unwrap_or("?")
            .to_string()
    };
    let statuses: Vec<String> = ours.iter().map(|r| status(r)).collect();
    assert_eq!(
        statuses.first().map(String::as_str),
        Some("Start"),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("Stop"),
        "{statuses:?}"
    );
    let interims = &statuses[1..statuses.len() - 1];
    assert!(
        interims.len() >= 2 && interims.iter().all(|s| s == "Interim-Update"),
        "{statuses:?}"
    );
    for rec in &ours[1..] {
        assert!(rec.contains("Acct-Session-Time = "), "{rec}");
    }
}

#[tokio::test]
async fn radattr_writes_the_accepts_attributes_for_the_scripts_and_removes_them() {
    let Some(mut lab) = lab().await else { return };
    let dir = std::env::temp_dir().join(format!("rppp-radattr-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dictionary = "ATTRIBUTE Framed-IP-Address 8 ipaddr
ATTRIBUTE Filter-Id 11 string
ATTRIBUTE Reply-Message 18 string
ATTRIBUTE Session-Timeout 27 integer
ATTRIBUTE Message-Authenticator 80 string
";
    let mut no_includes = |_: &str, _: &str| -> std::io::Result<(String, String)> {
        Err(std::io::Error::other("no includes"))
    };
    lab.context.radattr = Some(Radattr {
        dictionary: Arc::new(
            Dictionary::parse("dictionary", dictionary, &mut no_includes).unwrap(),
        ),
        dir: dir.clone(),
    });
    let (user, password) = PAP_USER;
    let mut r = start(&lab, configs(AuthMethod::Pap, user, password), "RADATTR1");
    up(&mut r).await;
    let path = dir.join(format!("radattr.{FAKE_IFNAME}"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "Framed-IP-Address 10.64.0.7
Session-Timeout 3600
Filter-Id std.in
Reply-Message welcome alice
"
    );
    r.lac.close();
    ended(r.lac).await;
    ended(r.lns).await;
    assert!(!path.exists(), "{} is left", path.display());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn local_secrets_and_radius_together_in_the_stated_order() {
    let Some(lab) = lab().await else { return };
    // `radius-order local,radius`: erin is in the secrets file only, alice
    // in RADIUS only; both get in, erin without a RADIUS request.
    for (user, password, asks_radius) in
        [("erin", "erin-pw", false), (PAP_USER.0, PAP_USER.1, true)]
    {
        let (mut lns, lac) = configs(AuthMethod::ChapMd5, user, password);
        lns.auth.verification = Verification::LocalThenExternal;
        lns.auth.chap_secrets = secrets("erin * erin-pw *\n");
        let before = lab.context.handle.counters().access_accepts;
        let mut r = start(&lab, (lns, lac), &format!("ORDER-{user}"));
        up(&mut r).await;
        let asked = lab.context.handle.counters().access_accepts - before;
        assert_eq!(asked, u64::from(asks_radius), "{user}");
        r.lac.close();
        ended(r.lac).await;
        ended(r.lns).await;
    }
    // `radius-order radius,local` with no server answering: the secrets
    // file decides.
    let mut dead = lab.context.clone();
    let unanswered = service(vec!["127.0.0.1:9".parse().unwrap()], vec![]).await;
    dead.handle = unanswered.handle();
    let (mut lns, lac) = configs(AuthMethod::ChapMd5, "erin", "erin-pw");
    lns.auth.verification = Verification::ExternalThenLocal;
    lns.auth.chap_secrets = secrets("erin * erin-pw *\n");
    let ((lns_dp, _), (lac_dp, _), _relay) = FakeDataPath::pair().unwrap();
    let engine = TestEngine::new();
    let hooks = RadiusHooks::new((), dead, "FALLBACK".into(), None, None);
    let mut r_lns = engine.add_session_with(lns_dp, lns, LinkOptions::default(), hooks);
    let mut r_lac = engine.add_session(lac_dp, lac);
    events_until(&mut r_lns, ip_up).await;
    events_until(&mut r_lac, ip_up).await;
    assert_eq!(unanswered.counters().access_unanswered, 1);
}

/// `plugin radrealms.so`, from pppd's options through the plugin's
/// clients: radiusclient.conf names servers that do not answer, the
/// realms file sends realm example.net to FreeRADIUS. erin@example.net
/// authenticates and is accounted there; alice, with no realm, goes to
/// the dead servers and the link fails.
#[tokio::test]
async fn radrealms_sends_a_realms_users_to_the_realms_servers() {
    use rppp::radius_client::plugin::{self, CallContext, Clients};
    let Some(radius) = FreeRadius::start_new() else {
        return;
    };
    let dir = radius.dir();
    let dictionary = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/options/testdata/radius/dictionary"
    );
    let (dead_auth, dead_acct) = (free_udp_port(), free_udp_port());
    let conf = dir.join("radiusclient.conf");
    std::fs::write(
        &conf,
        format!(
            "authserver 127.0.0.1:{dead_auth}\nacctserver 127.0.0.1:{dead_acct}\n\
             servers {}\ndictionary {dictionary}\nradius_timeout 1\nradius_retries 1\n",
            dir.join("servers").display()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("servers"), format!("127.0.0.1 {SECRET}\n")).unwrap();
    let realms = dir.join("realms");
    std::fs::write(
        &realms,
        format!(
            "# realm example.net: the live server\nauthserver example.net 127.0.0.1:{}\n\
             acctserver example.net 127.0.0.1:{}\n",
            radius.auth_port, radius.acct_port
        ),
    )
    .unwrap();
    let (conf, realms) = (conf.display().to_string(), realms.display().to_string());
    let args = [
        "plugin",
        "radius.so",
        "plugin",
        "radrealms.so",
        "radius-config-file",
        &conf,
        "realms-config-file",
        &realms,
    ];
    let o = rppp::options::parse(
        &args,
        &rppp::options::Context::new(true),
        &mut rppp::options::read_file,
    )
    .unwrap();
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
    let setup = plugin::load(&o, &mut rppp::options::read_file)
        .unwrap()
        .unwrap();
    let mut clients = Clients::new();
    clients.start(&setup).unwrap();
    let session = |user: (&str, &str)| {
        let (lns, lac) = configs(AuthMethod::Pap, user.0, user.1);
        let hooks = clients
            .hooks(&setup.file, (), CallContext::default())
            .unwrap();
        let ((lns_dp, _), (lac_dp, _), _relay) = FakeDataPath::pair().unwrap();
        let engine = TestEngine::new();
        (
            engine.add_session_with(lns_dp, lns, LinkOptions::default(), hooks),
            engine.add_session(lac_dp, lac),
        )
    };
    let (mut lns, mut lac) = session(REALM_USER);
    let mut r = Running {
        lns,
        lac,
        lns_kernel: Default::default(),
        lac_kernel: Default::default(),
    };
    let (address, _) = up(&mut r).await;
    assert_eq!(address, Ipv4Addr::new(10, 64, 0, 11));
    r.lac.close();
    ended(r.lac).await;
    ended(r.lns).await;
    for status in ["Start", "Stop"] {
        radius
            .wait_detail(Duration::from_secs(10), |d| {
                d.contains(&format!("Acct-Status-Type = {status}"))
                    && d.contains("User-Name = \"erin@example.net\"")
            })
            .await;
    }
    // No realm: radiusclient.conf's servers, which do not answer.
    (lns, lac) = session(PAP_USER);
    let end = ended(lns).await;
    assert!(
        matches!(
            end.reason,
            EndReason::Protocol {
                reason: TerminationReason::PeerAuthFailed { .. },
                ..
            }
        ),
        "{end:?}"
    );
    lac.close();
    ended(lac).await;
    assert!(!radius.detail().contains("alice"));
    clients.shutdown().await;
}
