//! What the daemon is configured with, in the least it needs. The
//! command line fills it today (`rppp l2tpd --lns ...`); the xl2tpd.conf
//! reader will fill it from `[global]`, `[lns default]` and `[lac name]`
//! sections.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rppp_l2tp::{Role, TunnelConfig};

/// The L2TP port (RFC 2661 section 8.1).
pub const L2TP_PORT: u16 = 1701;

/// A control connection's settings, shared by an LNS section and a LAC
/// section (xl2tpd's `hostname`, `challenge` and the secret, `hidden bit`,
/// `receive window`, `hello`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelSettings {
    /// Our Host Name AVP.
    pub host_name: String,
    /// The shared secret: tunnel authentication (and hiding) with it.
    pub secret: Option<Vec<u8>>,
    /// Hide the AVPs RFC 2661 section 4.3 has in mind (needs a secret).
    pub hide_avps: bool,
    /// Our Receive Window Size (`receive window`); `None` for the default.
    pub receive_window: Option<u16>,
    /// HELLO after this long without a message (`hello`); `None` never.
    pub hello: Option<Duration>,
}

impl TunnelSettings {
    /// Defaults with this host name: no secret, HELLO every 60 s.
    pub fn new(host_name: &str) -> TunnelSettings {
        TunnelSettings {
            host_name: host_name.to_owned(),
            secret: None,
            hide_avps: false,
            receive_window: None,
            hello: Some(Duration::from_secs(60)),
        }
    }

    /// The protocol crate's configuration for `role`.
    pub fn tunnel_config(&self, role: Role) -> Arc<TunnelConfig> {
        let mut c = TunnelConfig::new(role, &self.host_name);
        c.secret = self.secret.clone();
        c.hide_avps = self.hide_avps && self.secret.is_some();
        if let Some(w) = self.receive_window {
            c.reliable.receive_window = w.max(1);
        }
        c.hello_interval = self.hello;
        Arc::new(c)
    }
}

/// The LNS side: which peers may open tunnels, and with what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LnsSettings {
    /// The tunnels' settings.
    pub tunnel: TunnelSettings,
    /// The LACs allowed (xl2tpd's `lac = ...`); empty allows any.
    pub peers: Vec<IpAddr>,
    /// Our address on every PPP link (`local ip`).
    pub local_ip: Ipv4Addr,
    /// The peers' addresses, handed out in order (`ip range`).
    pub ip_range: (Ipv4Addr, Ipv4Addr),
}

impl LnsSettings {
    /// The configuration for an SCCRQ from `remote`, or `None` to ignore
    /// it.
    pub fn accept(&self, remote: SocketAddr) -> Option<Arc<TunnelConfig>> {
        if !self.peers.is_empty() && !self.peers.contains(&remote.ip()) {
            return None;
        }
        Some(self.tunnel.tunnel_config(Role::Lns))
    }
}

/// One LAC section: an LNS to dial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LacSettings {
    /// The LNS's address (`lns = host`, port 1701 by default).
    pub lns: SocketAddr,
    /// The tunnel's settings.
    pub tunnel: TunnelSettings,
    /// Calls to place once the tunnel is up (1 for xl2tpd's `autodial`).
    pub calls: u32,
}

/// The whole daemon's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The UDP addresses to listen on (xl2tpd's `listen-addr` and `port`),
    /// `0.0.0.0:1701` by default. Each LAC tunnel has a socket of its
    /// own on the first one's address, with an ephemeral port.
    pub listen: Vec<SocketAddr>,
    /// The LNS section, if this daemon answers tunnels.
    pub lns: Option<LnsSettings>,
    /// The LNSes to dial.
    pub lacs: Vec<LacSettings>,
    /// How long a shutdown waits for PPP to terminate and for the StopCCN
    /// acknowledgements, each.
    pub shutdown_grace: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: vec![SocketAddr::from((Ipv4Addr::UNSPECIFIED, L2TP_PORT))],
            lns: None,
            lacs: Vec::new(),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The peer addresses of an LNS's `ip range`, handed out lowest first and
/// taken back when a session ends.
#[derive(Debug, Clone)]
pub struct IpPool {
    last: u32,
    exclude: u32,
    used: std::collections::BTreeSet<u32>,
    /// Every address from `first` up to this one (excluded) is in use:
    /// handing out N addresses one after another takes N steps, not
    /// N²/2 (50 million set lookups for 10,000 sessions).
    free_from: u32,
}

impl IpPool {
    /// The addresses from `first` to `last`, both included, except
    /// `exclude` (our own address).
    pub fn new(first: Ipv4Addr, last: Ipv4Addr, exclude: Ipv4Addr) -> IpPool {
        let mut used = std::collections::BTreeSet::new();
        used.insert(u32::from(exclude));
        IpPool {
            last: u32::from(last),
            exclude: u32::from(exclude),
            used,
            free_from: u32::from(first),
        }
    }

    /// The lowest free address.
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        let a = (self.free_from..=self.last).find(|a| !self.used.contains(a))?;
        self.used.insert(a);
        self.free_from = a.saturating_add(1);
        Some(Ipv4Addr::from(a))
    }

    /// Gives `a` back.
    pub fn release(&mut self, a: Ipv4Addr) {
        let a = u32::from(a);
        if a != self.exclude && self.used.remove(&a) {
            self.free_from = self.free_from.min(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_hands_out_lowest_first_and_skips_our_address() {
        let mut p = IpPool::new(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 3),
            Ipv4Addr::new(10, 0, 0, 1),
        );
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 0, 0, 3)));
        assert_eq!(p.allocate(), None);
        p.release(Ipv4Addr::new(10, 0, 0, 2));
        p.release(Ipv4Addr::new(10, 0, 0, 1)); // ours: never handed out
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(p.allocate(), None);
    }

    #[test]
    fn a_big_pool_hands_out_every_address_once() {
        let mut p = IpPool::new(
            Ipv4Addr::new(10, 208, 0, 1),
            Ipv4Addr::new(10, 208, 255, 254),
            Ipv4Addr::new(10, 208, 0, 1),
        );
        let mut n = 0;
        while p.allocate().is_some() {
            n += 1;
        }
        assert_eq!(n, 65_533);
        p.release(Ipv4Addr::new(10, 208, 100, 7));
        p.release(Ipv4Addr::new(10, 208, 9, 9));
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 208, 9, 9)));
        assert_eq!(p.allocate(), Some(Ipv4Addr::new(10, 208, 100, 7)));
        assert_eq!(p.allocate(), None);
    }

    #[test]
    fn lns_accepts_listed_peers_only() {
        let mut lns = LnsSettings {
            tunnel: TunnelSettings::new("lns"),
            peers: vec![],
            local_ip: Ipv4Addr::new(10, 0, 0, 1),
            ip_range: (Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 9)),
        };
        let a: SocketAddr = "192.0.2.1:1701".parse().unwrap();
        assert!(lns.accept(a).is_some());
        lns.peers = vec!["192.0.2.2".parse().unwrap()];
        assert!(lns.accept(a).is_none());
        lns.tunnel.secret = Some(b"s".to_vec());
        lns.tunnel.hide_avps = true;
        let c = lns.tunnel.tunnel_config(Role::Lns);
        assert!(c.hide_avps && c.secret.is_some());
    }
}
