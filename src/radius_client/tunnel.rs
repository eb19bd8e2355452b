//! The L2TP tunnel a session arrived through, as the tunnel attributes
//! of RFC 2868 section 3 and RFC 2867 section 4.1 describe it in the
//! session's Access-Request and accounting records: Tunnel-Type L2TP,
//! Tunnel-Medium-Type of the tunnel's transport, the two endpoints and the
//! call's identifier.
//!
//! The attributes are written untagged (Tag 0 in the integers, no Tag
//! octet in the strings, RFC 2868 sections 3.1 to 3.4): a session has one
//! tunnel, so there is no group of tunnel attributes to tell apart.

use std::net::IpAddr;

use rppp_radius::client::Request;
use rppp_radius::{AttributeType, TunnelMediumType, TunnelType};

/// One session's tunnel; see the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelContext {
    /// The LAC's address (Tunnel-Client-Endpoint, RFC 2868 section 3.3):
    /// the tunnel's initiator.
    pub client_endpoint: IpAddr,
    /// The LNS's address (Tunnel-Server-Endpoint, RFC 2868 section 3.4),
    /// when known.
    pub server_endpoint: Option<IpAddr>,
    /// Acct-Tunnel-Connection (RFC 2867 section 4.1): the call within the
    /// tunnel; for L2TP, the Call Serial Number of its ICRQ.
    pub connection: Option<String>,
}

impl TunnelContext {
    /// Adds the tunnel attributes to a request.
    pub(crate) fn write(&self, r: &mut Request) {
        let medium = match self.client_endpoint {
            IpAddr::V4(_) => TunnelMediumType::Ipv4,
            IpAddr::V6(_) => TunnelMediumType::Ipv6,
        };
        r.add_tagged_u32(AttributeType::TunnelType, 0, TunnelType::L2tp.into())
            .add_tagged_u32(AttributeType::TunnelMediumType, 0, medium.into())
            // An address's text starts above 0x1F: no Tag octet is read.
            .add_text(
                AttributeType::TunnelClientEndpoint,
                &self.client_endpoint.to_string(),
            );
        if let Some(s) = self.server_endpoint {
            r.add_text(AttributeType::TunnelServerEndpoint, &s.to_string());
        }
        if let Some(c) = &self.connection {
            r.add_text(AttributeType::AcctTunnelConnection, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_radius::Code;

    #[test]
    fn l2tp_over_ipv4_untagged() {
        let t = TunnelContext {
            client_endpoint: "192.0.2.7".parse().unwrap(),
            server_endpoint: Some("198.51.100.1".parse().unwrap()),
            connection: Some("4711".into()),
        };
        let mut r = Request::new(Code::AccountingRequest);
        t.write(&mut r);
        assert_eq!(r.get(AttributeType::TunnelType), Some(&[0, 0, 0, 3][..]));
        assert_eq!(
            r.get(AttributeType::TunnelMediumType),
            Some(&[0, 0, 0, 1][..])
        );
        assert_eq!(
            r.get(AttributeType::TunnelClientEndpoint),
            Some(&b"192.0.2.7"[..])
        );
        assert_eq!(
            r.get(AttributeType::TunnelServerEndpoint),
            Some(&b"198.51.100.1"[..])
        );
        assert_eq!(
            r.get(AttributeType::AcctTunnelConnection),
            Some(&b"4711"[..])
        );
    }

    #[test]
    fn ipv6_medium_and_unknown_server() {
        let t = TunnelContext {
            client_endpoint: "2001:db8::7".parse().unwrap(),
            server_endpoint: None,
            connection: None,
        };
        let mut r = Request::new(Code::AccessRequest);
        t.write(&mut r);
        assert_eq!(
            r.get(AttributeType::TunnelMediumType),
            Some(&[0, 0, 0, 2][..])
        );
        assert_eq!(r.get(AttributeType::TunnelServerEndpoint), None);
        assert_eq!(r.get(AttributeType::AcctTunnelConnection), None);
    }
}
