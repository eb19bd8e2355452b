//! The RADIUS client's side of the FreeRADIUS tests: a service over
//! the test servers with short timeouts, the NAS, verifications and
//! accounting records.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use rppp::auth::{AuthMethod, Credentials, Secret, VerifyHandle, VerifyRequest};
use rppp::radius_client::{
    AccountingRecord, AccountingStatus, NasContext, RadiusConfig, RadiusService, TrafficCounters,
};
use rppp_radius::client::{ClientConfig, ServerConfig};
use rppp_radius::SharedSecret;

use super::{PAP_USER, SECRET};

pub fn server(address: SocketAddr) -> ServerConfig {
    ServerConfig {
        address,
        secret: SharedSecret::new(SECRET),
        timeout: Duration::from_millis(400),
        retries: 1,
    }
}

pub async fn service(auth: Vec<SocketAddr>, acct: Vec<SocketAddr>) -> RadiusService {
    let mut c = ClientConfig::new();
    c.auth_servers = auth.into_iter().map(server).collect();
    c.acct_servers = acct.into_iter().map(server).collect();
    let mut config = RadiusConfig::new(c);
    config.accounting_retry_interval = Duration::from_millis(300);
    RadiusService::spawn(config).await.unwrap()
}

pub fn nas() -> NasContext {
    NasContext {
        nas_identifier: Some("rppp-test".into()),
        nas_port: Some(7),
        calling_station_id: Some("198.51.100.7".into()),
        called_station_id: Some("192.0.2.1".into()),
        ..NasContext::default()
    }
}

pub fn verify(method: AuthMethod, name: &str, credentials: Credentials) -> VerifyRequest {
    VerifyRequest {
        handle: VerifyHandle::from_raw(42),
        method,
        name: name.as_bytes().to_vec(),
        our_name: b"lns".to_vec(),
        credentials,
    }
}

pub fn pap(user: (&str, &str)) -> VerifyRequest {
    let password = Secret::new(user.1);
    verify(AuthMethod::Pap, user.0, Credentials::Pap { password })
}

pub fn record(status: AccountingStatus, traffic: Option<TrafficCounters>) -> AccountingRecord {
    let mut r = AccountingRecord::new(status, "rppp-0001", nas());
    r.user_name = Some(PAP_USER.0.as_bytes().to_vec());
    r.framed_ip = Some(Ipv4Addr::new(10, 64, 0, 7));
    r.class = vec![b"rppp-class-alice".to_vec()];
    if traffic.is_some() {
        r.session_time = Some(Duration::from_secs(60));
    }
    r.traffic = traffic;
    r
}
