use super::*;
use crate::radius_client::NasContext;
use rppp_auth::{AuthMethod, Credentials, Secret, Verdict, VerifyHandle, VerifyRequest};
use rppp_radius::client::{ClientConfig, ServerConfig, Service};
use rppp_radius::SharedSecret;

/// A server address nothing answers on.
fn silent() -> SocketAddr {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap()
}

fn config(auth: Vec<SocketAddr>, acct: Vec<SocketAddr>) -> RadiusConfig {
    let server = |address| ServerConfig {
        address,
        secret: SharedSecret::new("s"),
        timeout: Duration::from_millis(50),
        retries: 0,
    };
    let mut c = ClientConfig::new();
    c.auth_servers = auth.into_iter().map(server).collect();
    c.acct_servers = acct.into_iter().map(server).collect();
    RadiusConfig::new(c)
}

#[tokio::test]
async fn no_server_configured_or_answering() {
    let s = RadiusService::spawn(config(vec![], vec![])).await.unwrap();
    let r = s.handle().access(Request::new(Code::AccessRequest)).await;
    assert_eq!(
        r.unwrap_err(),
        RadiusError::Send(SendError::NoServers(Service::Authentication))
    );
    let s = RadiusService::spawn(config(vec![silent()], vec![]))
        .await
        .unwrap();
    let v = VerifyRequest {
        handle: VerifyHandle::from_raw(1),
        method: AuthMethod::Pap,
        name: b"u".to_vec(),
        our_name: b"lns".to_vec(),
        credentials: Credentials::Pap {
            password: Secret::new("p"),
        },
    };
    let a = s.handle().verify(&v, &NasContext::default()).await;
    assert_eq!(a.verdict, Verdict::Unavailable);
    assert_eq!(s.counters().access_unanswered, 1);
}

#[tokio::test]
async fn shutdown_drops_held_accounting_and_counts_it() {
    let s = RadiusService::spawn(config(vec![], vec![silent()]))
        .await
        .unwrap();
    let h = s.handle();
    h.account(Request::new(Code::AccountingRequest));
    h.account(Request::new(Code::AccountingRequest));
    let deadline = Instant::now() + Duration::from_secs(5);
    while h.counters().accounting_queued < 2 {
        assert!(Instant::now() < deadline, "{:?}", h.counters());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    s.shutdown(Duration::ZERO).await;
    let c = h.counters();
    assert_eq!(
        (c.accounting_records, c.accounting_dropped),
        (2, 2),
        "{c:?}"
    );
    assert_eq!(
        h.access(Request::new(Code::AccessRequest)).await,
        Err(RadiusError::ShutDown)
    );
}

#[tokio::test]
async fn a_dropped_access_future_abandons_the_request() {
    let mut c = config(vec![silent()], vec![]);
    c.client.auth_servers[0].retries = 100;
    let s = RadiusService::spawn(c).await.unwrap();
    let h = s.handle();
    let r = tokio::time::timeout(
        Duration::from_millis(120),
        h.access(Request::new(Code::AccessRequest)),
    )
    .await;
    assert!(r.is_err(), "nothing answers");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = h.counters().client.retransmissions;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        h.counters().client.retransmissions,
        sent,
        "still retransmitting"
    );
}
