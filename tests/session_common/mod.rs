//! What the session-pair tests share: the LNS and LAC configurations the
//! lab uses, the secrets, and running a pair to the link being up.
//!
//! Each test crate that declares `mod session_common;` uses only part of it.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{Role, SessionConfig, SessionEvent};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};

pub(crate) const LNS_ADDR: Ipv4Addr = Ipv4Addr::new(10, 201, 0, 1);
pub(crate) const LAC_ADDR: Ipv4Addr = Ipv4Addr::new(10, 201, 0, 2);
pub(crate) const MINUTE: Duration = Duration::from_secs(60);

pub(crate) fn secrets(text: &str) -> Arc<Secrets> {
    let mut no_files = |path: &str| Err(format!("no file {path} in tests"));
    Arc::new(Secrets::parse("chap-secrets", text.as_bytes(), &mut no_files).unwrap())
}

pub(crate) fn lns() -> SessionConfig {
    let mut c = SessionConfig::new(Role::Lns);
    c.lcp.mru = 1400;
    c.lcp.mtu = 1400;
    c.ipcp.local = Some(LNS_ADDR);
    c.ipcp.remote = Some(LAC_ADDR);
    c.auth.name = b"lns".to_vec();
    c.auth.user = b"lns".to_vec();
    c
}

pub(crate) fn lac() -> SessionConfig {
    let mut c = SessionConfig::new(Role::Lac);
    c.lcp.mru = 1400;
    c.lcp.mtu = 1400;
    c.ipcp.noipdefault = true;
    c.ipcp.accept_local = true;
    c.ipcp.accept_remote = true;
    c.auth.name = b"lac".to_vec();
    c.auth.user = b"lac".to_vec();
    c
}

/// The LNS requires `method` of the LAC; both know the secret `lns_secret`
/// and `lac_secret` respectively.
pub(crate) fn with_auth(
    method: AuthMethod,
    lns_secret: &str,
    lac_secret: &str,
) -> (SessionConfig, SessionConfig) {
    let (mut lns, mut lac) = (lns(), lac());
    lns.lcp.require = AuthMethods::NONE.with(method);
    let lns_secrets = secrets(&format!("lac lns {lns_secret} *\n"));
    lns.auth.chap_secrets = Arc::clone(&lns_secrets);
    lns.auth.pap_secrets = lns_secrets;
    let lac_secrets = secrets(&format!("lac lns {lac_secret}\n"));
    // PAP carries no authenticator name: like pppd, the LAC needs
    // `remotename` to find the line for server "lns".
    lac.auth.remote_name = Some(b"lns".to_vec());
    lac.auth.chap_secrets = Arc::clone(&lac_secrets);
    lac.auth.pap_secrets = lac_secrets;
    (lns, lac)
}

pub(crate) fn run(lns: SessionConfig, lac: SessionConfig, seed: u64, faults: Faults) -> Pair {
    let mut pair = Pair::new(lns, lac, seed).with_faults(faults);
    pair.start();
    pair
}

pub(crate) fn both_ip_up(pair: &Pair) -> bool {
    pair.side(Side::Lns).ip_up().is_some() && pair.side(Side::Lac).ip_up().is_some()
}

/// Runs until both have IPv4 up, and checks the addresses.
pub(crate) fn assert_link_up(pair: &mut Pair) {
    pair.drive_until(5 * MINUTE, both_ip_up);
    assert_eq!(
        pair.side(Side::Lns).ip_up(),
        Some((LNS_ADDR, LAC_ADDR)),
        "{:#?}",
        pair.side(Side::Lns).events
    );
    assert_eq!(
        pair.side(Side::Lac).ip_up(),
        Some((LAC_ADDR, LNS_ADDR)),
        "{:#?}",
        pair.side(Side::Lac).events
    );
}

pub(crate) fn events(pair: &Pair, side: Side) -> &[SessionEvent] {
    &pair.side(side).events
}
