//! What a control connection is configured with.

use std::time::Duration;

use crate::avp::{Bearer, Framing};
use crate::reliable::ReliableConfig;

/// Which end of the calls this side is (RFC 2661 section 1.2): the LAC
/// places incoming calls (ICRQ), the LNS answers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// L2TP Access Concentrator.
    Lac,
    /// L2TP Network Server.
    Lns,
}

/// A control connection's settings. One value is shared by every tunnel
/// an endpoint creates with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelConfig {
    /// LAC or LNS.
    pub role: Role,
    /// Our Host Name AVP.
    pub host_name: Vec<u8>,
    /// Our Vendor Name AVP (not sent when empty).
    pub vendor_name: Vec<u8>,
    /// Our Firmware Revision AVP.
    pub firmware_revision: u16,
    /// Framing Capabilities we announce.
    pub framing: Framing,
    /// Bearer Capabilities we announce.
    pub bearer: Bearer,
    /// The shared secret: with it we challenge the peer and require its
    /// response (section 5.1.1), answer its challenge, and can hide AVPs.
    pub secret: Option<Vec<u8>>,
    /// Hide the AVPs section 4.3 has in mind (Assigned Session ID, the
    /// numbers, the proxy authentication AVPs) when a secret is set.
    pub hide_avps: bool,
    /// Send a Tie Breaker AVP in our SCCRQ (section 4.4.3).
    pub tie_breaker: bool,
    /// Send HELLO after this long without a message from the peer
    /// (section 6.5 suggests 60 s); `None` never.
    pub hello_interval: Option<Duration>,
    /// Retransmission, acknowledgement and window settings.
    pub reliable: ReliableConfig,
    /// The most sessions one tunnel carries; an ICRQ beyond is refused
    /// with CDN result 4 (no facilities, temporarily).
    pub max_sessions: usize,
    /// The (Tx) Connect Speed a LAC reports in ICCN, in bits per second.
    pub connect_speed: u32,
}

impl TunnelConfig {
    /// Defaults for `role` with this host name.
    pub fn new(role: Role, host_name: &str) -> TunnelConfig {
        TunnelConfig {
            role,
            host_name: host_name.as_bytes().to_vec(),
            vendor_name: b"rppp".to_vec(),
            firmware_revision: 0x0100,
            framing: Framing::BOTH,
            bearer: Bearer(0),
            secret: None,
            hide_avps: false,
            tie_breaker: true,
            hello_interval: Some(Duration::from_secs(60)),
            reliable: ReliableConfig::default(),
            max_sessions: 65_535,
            connect_speed: 100_000_000,
        }
    }

    /// The same, with a shared secret.
    pub fn with_secret(mut self, secret: &[u8]) -> TunnelConfig {
        self.secret = Some(secret.to_vec());
        self
    }
}
