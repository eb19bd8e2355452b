//! What an Access-Accept tells the NAS to apply, typed: the attributes of
//! RFC 2865 section 5, RFC 2869 section 5, RFC 3162 section 2 and RFC
//! 2548 section 2 that a PPP session can use, and the names of the rest so
//! that the caller logs them once.
//!
//! MS-MPPE-Send-Key and -Recv-Key (RFC 2548 sections 2.4.2 and 2.4.3) are
//! only noted as present: rppp has no MPPE, and the keys are never kept,
//! logged or shown.

use core::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use rppp_radius::{AttributeType, MicrosoftType, Packet, VENDOR_MICROSOFT};

use crate::driver::FramedRoute;

/// Framed-IP-Address (RFC 2865 section 5.8) with its two special values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FramedIp {
    /// This address for the peer.
    Address(Ipv4Addr),
    /// 0xFFFFFFFE: the NAS chooses one (from its pool).
    NasAssigns,
    /// 0xFFFFFFFF: the peer chooses (the NAS accepts what the peer asks).
    PeerChooses,
}

impl From<Ipv4Addr> for FramedIp {
    fn from(a: Ipv4Addr) -> FramedIp {
        match u32::from(a) {
            0xffff_fffe => FramedIp::NasAssigns,
            0xffff_ffff => FramedIp::PeerChooses,
            _ => FramedIp::Address(a),
        }
    }
}

/// An attribute of a reply that rppp does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unsupported {
    /// A standard attribute rppp has no use for (Filter-Id, Framed-Route,
    /// Port-Limit, an unknown Type...).
    Attribute(AttributeType),
    /// A vendor's sub-attribute (rate limits and the like; for Microsoft,
    /// MS-MPPE-Encryption-Policy and -Types).
    Vendor {
        /// The SMI Private Enterprise Code.
        vendor_id: u32,
        /// The vendor-type.
        vendor_type: u8,
    },
    /// An attribute rppp would apply whose value is malformed (RFC 2865
    /// section 5 lets the NAS treat it as unrecognised).
    Malformed(AttributeType),
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Unsupported::Attribute(t) => write!(f, "attribute {}", u8::from(t)),
            Unsupported::Vendor {
                vendor_id,
                vendor_type,
            } => write!(f, "vendor {vendor_id} attribute {vendor_type}"),
            Unsupported::Malformed(t) => write!(f, "malformed attribute {}", u8::from(t)),
        }
    }
}

/// The attributes of an Access-Accept a session can apply.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ReplyAttributes {
    /// Framed-IP-Address (RFC 2865 section 5.8).
    pub framed_ip: Option<FramedIp>,
    /// Framed-IP-Netmask (RFC 2865 section 5.9).
    pub framed_netmask: Option<Ipv4Addr>,
    /// Framed-Route (RFC 2865 section 5.22), each one that reads as a
    /// route.
    pub framed_routes: Vec<FramedRoute>,
    /// Framed-Pool (RFC 2869 section 5.18): the pool to take the peer's
    /// address from.
    pub framed_pool: Option<String>,
    /// Framed-MTU (RFC 2865 section 5.12).
    pub framed_mtu: Option<u32>,
    /// Session-Timeout (RFC 2865 section 5.27).
    pub session_timeout: Option<Duration>,
    /// Idle-Timeout (RFC 2865 section 5.28).
    pub idle_timeout: Option<Duration>,
    /// Acct-Interim-Interval (RFC 2869 section 5.16).
    pub acct_interim_interval: Option<Duration>,
    /// Every Class, in order, to echo in accounting (RFC 2865 section
    /// 5.25). Opaque to the NAS; Debug shows only their lengths.
    pub class: Vec<Vec<u8>>,
    /// MS-Primary-DNS-Server (RFC 2548 section 2.7.2).
    pub primary_dns: Option<Ipv4Addr>,
    /// MS-Secondary-DNS-Server (RFC 2548 section 2.7.3).
    pub secondary_dns: Option<Ipv4Addr>,
    /// MS-Primary-NBNS-Server (RFC 2548 section 2.7.4).
    pub primary_nbns: Option<Ipv4Addr>,
    /// MS-Secondary-NBNS-Server (RFC 2548 section 2.7.5).
    pub secondary_nbns: Option<Ipv4Addr>,
    /// Framed-IPv6-Prefix (RFC 3162 section 2.3): prefix and length.
    pub framed_ipv6_prefix: Option<(Ipv6Addr, u8)>,
    /// Framed-Interface-Id (RFC 3162 section 2.2).
    pub framed_interface_id: Option<[u8; 8]>,
    /// Every Reply-Message, concatenated in order (RFC 2865 section 5.18).
    pub reply_message: Option<String>,
    /// Whether MS-MPPE-Send-Key or -Recv-Key came (never their values).
    pub mppe_keys: bool,
    /// What rppp does not apply, once per kind, in the order first seen.
    pub unsupported: Vec<Unsupported>,
}

impl fmt::Debug for ReplyAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class: Vec<usize> = self.class.iter().map(Vec::len).collect();
        f.debug_struct("ReplyAttributes")
            .field("framed_ip", &self.framed_ip)
            .field("framed_netmask", &self.framed_netmask)
            .field("framed_routes", &self.framed_routes)
            .field("framed_pool", &self.framed_pool)
            .field("framed_mtu", &self.framed_mtu)
            .field("session_timeout", &self.session_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("acct_interim_interval", &self.acct_interim_interval)
            .field("class_lengths", &class)
            .field("primary_dns", &self.primary_dns)
            .field("secondary_dns", &self.secondary_dns)
            .field("primary_nbns", &self.primary_nbns)
            .field("secondary_nbns", &self.secondary_nbns)
            .field("framed_ipv6_prefix", &self.framed_ipv6_prefix)
            .field("framed_interface_id", &self.framed_interface_id)
            .field("reply_message", &self.reply_message)
            .field("mppe_keys", &self.mppe_keys)
            .field("unsupported", &self.unsupported)
            .finish()
    }
}

/// A Framed-Route's text as RFC 2865 section 5.22 describes it:
/// `PREFIX[/LENGTH] GATEWAY METRIC...`, the length classful when left out,
/// the first metric kept. The gateway is the peer on a point-to-point link
/// whatever it says (0.0.0.0: "the IP address of the user").
fn framed_route(text: &str) -> Option<FramedRoute> {
    let mut words = text.split_ascii_whitespace();
    let destination = words.next()?;
    let (address, length) = match destination.split_once('/') {
        Some((a, l)) => (a.parse::<Ipv4Addr>().ok()?, l.parse::<u8>().ok()?),
        None => {
            let a = destination.parse::<Ipv4Addr>().ok()?;
            let classful = match a.octets()[0] {
                0..=127 => 8,
                128..=191 => 16,
                _ => 24,
            };
            (a, classful)
        }
    };
    // The gateway must read as an address when given.
    if let Some(gateway) = words.next() {
        gateway.parse::<Ipv4Addr>().ok()?;
    }
    let metric = match words.next() {
        Some(m) => Some(m.parse::<u32>().ok()?),
        None => None,
    };
    FramedRoute::new(address, length, metric)
}

fn seconds(v: u32) -> Duration {
    Duration::from_secs(u64::from(v))
}

impl ReplyAttributes {
    /// Reads a reply's attributes. Never fails: a malformed value is
    /// listed in [`ReplyAttributes::unsupported`] and otherwise ignored.
    pub fn from_packet(packet: &Packet<'_>) -> ReplyAttributes {
        let mut r = ReplyAttributes::default();
        let mut messages: Vec<u8> = Vec::new();
        for a in packet.attributes() {
            let t = a.attribute_type();
            let ok = match t {
                AttributeType::FramedIpAddress => a.as_ipv4().map(|v| r.framed_ip = Some(v.into())),
                AttributeType::FramedIpNetmask => a.as_ipv4().map(|v| r.framed_netmask = Some(v)),
                AttributeType::FramedRoute => {
                    match a.as_text().ok().and_then(framed_route) {
                        Some(v) => r.framed_routes.push(v),
                        None => r.note(Unsupported::Malformed(t)),
                    }
                    Ok(())
                }
                AttributeType::FramedPool => {
                    a.as_text().map(|v| r.framed_pool = Some(v.to_owned()))
                }
                AttributeType::FramedMtu => a.as_u32().map(|v| r.framed_mtu = Some(v)),
                AttributeType::SessionTimeout => {
                    a.as_u32().map(|v| r.session_timeout = Some(seconds(v)))
                }
                AttributeType::IdleTimeout => a.as_u32().map(|v| r.idle_timeout = Some(seconds(v))),
                AttributeType::AcctInterimInterval => a
                    .as_u32()
                    .map(|v| r.acct_interim_interval = Some(seconds(v))),
                AttributeType::Class => {
                    r.class.push(a.value().to_vec());
                    Ok(())
                }
                AttributeType::ReplyMessage => {
                    messages.extend_from_slice(a.value());
                    Ok(())
                }
                AttributeType::FramedIpv6Prefix => {
                    a.as_ipv6_prefix().map(|v| r.framed_ipv6_prefix = Some(v))
                }
                AttributeType::FramedInterfaceId => {
                    a.as_interface_id().map(|v| r.framed_interface_id = Some(v))
                }
                AttributeType::VendorSpecific => {
                    r.vendor(&a);
                    Ok(())
                }
                // Echoes of the request, and what the client engine
                // already checked.
                AttributeType::ServiceType
                | AttributeType::FramedProtocol
                | AttributeType::MessageAuthenticator
                | AttributeType::ProxyState => Ok(()),
                other => {
                    r.note(Unsupported::Attribute(other));
                    Ok(())
                }
            };
            if ok.is_err() {
                r.note(Unsupported::Malformed(t));
            }
        }
        if !messages.is_empty() {
            r.reply_message = Some(String::from_utf8_lossy(&messages).into_owned());
        }
        r
    }

    fn vendor(&mut self, a: &rppp_radius::Attribute<'_>) {
        let Ok(vsa) = a.as_vendor_specific() else {
            self.note(Unsupported::Malformed(AttributeType::VendorSpecific));
            return;
        };
        let Ok(subs) = vsa.attributes() else {
            self.note(Unsupported::Malformed(AttributeType::VendorSpecific));
            return;
        };
        for sub in subs {
            let unsupported = Unsupported::Vendor {
                vendor_id: vsa.vendor_id(),
                vendor_type: sub.vendor_type,
            };
            if vsa.vendor_id() != VENDOR_MICROSOFT {
                self.note(unsupported);
                continue;
            }
            let ipv4 = <[u8; 4]>::try_from(sub.value).ok().map(Ipv4Addr::from);
            let slot = match MicrosoftType::from(sub.vendor_type) {
                MicrosoftType::MsPrimaryDnsServer => &mut self.primary_dns,
                MicrosoftType::MsSecondaryDnsServer => &mut self.secondary_dns,
                MicrosoftType::MsPrimaryNbnsServer => &mut self.primary_nbns,
                MicrosoftType::MsSecondaryNbnsServer => &mut self.secondary_nbns,
                MicrosoftType::MsMppeSendKey | MicrosoftType::MsMppeRecvKey => {
                    self.mppe_keys = true;
                    continue;
                }
                // Read by the verdict mapping.
                MicrosoftType::MsChap2Success | MicrosoftType::MsChapError => continue,
                _ => {
                    self.note(unsupported);
                    continue;
                }
            };
            match ipv4 {
                Some(v) => *slot = Some(v),
                None => self.note(Unsupported::Malformed(AttributeType::VendorSpecific)),
            }
        }
    }

    fn note(&mut self, u: Unsupported) {
        if !self.unsupported.contains(&u) {
            self.unsupported.push(u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_radius::{Code, PacketBuilder, SharedSecret};

    #[test]
    fn typed_attributes_and_unsupported() {
        let mut b = PacketBuilder::new(Code::AccessAccept, 9);
        b.add_ipv4(
            AttributeType::FramedIpAddress,
            Ipv4Addr::new(255, 255, 255, 254),
        )
        .unwrap();
        b.add_u32(AttributeType::SessionTimeout, 3600).unwrap();
        b.add(AttributeType::Class, b"secret-class").unwrap();
        b.add_text(AttributeType::FilterId, "std.in").unwrap();
        b.add_text(AttributeType::FilterId, "std.out").unwrap();
        b.add(AttributeType::IdleTimeout, &[1]).unwrap();
        b.add_vendor(VENDOR_MICROSOFT, 28, &[192, 0, 2, 53])
            .unwrap();
        b.add_vendor(VENDOR_MICROSOFT, 16, &[0x80, 1, 2, 3])
            .unwrap();
        b.add_vendor(14988, 8, b"10M/10M").unwrap();
        b.add_text(AttributeType::ReplyMessage, "hello ").unwrap();
        b.add_text(AttributeType::ReplyMessage, "there").unwrap();
        let bytes = b.finish(&SharedSecret::new("s"), Some(&[0; 16])).unwrap();
        let r = ReplyAttributes::from_packet(&Packet::parse(&bytes).unwrap());
        assert_eq!(r.framed_ip, Some(FramedIp::NasAssigns));
        assert_eq!(r.session_timeout, Some(Duration::from_secs(3600)));
        assert_eq!(r.primary_dns, Some(Ipv4Addr::new(192, 0, 2, 53)));
        assert!(r.mppe_keys);
        assert_eq!(r.reply_message.as_deref(), Some("hello there"));
        assert_eq!(
            r.unsupported,
            vec![
                Unsupported::Attribute(AttributeType::FilterId),
                Unsupported::Malformed(AttributeType::IdleTimeout),
                Unsupported::Vendor {
                    vendor_id: 14988,
                    vendor_type: 8
                },
            ]
        );
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("secret-class") && !debug.contains("115, 101"),
            "{debug}"
        );
        assert_eq!(FramedIp::from(Ipv4Addr::BROADCAST), FramedIp::PeerChooses);
    }

    #[test]
    fn framed_route_texts() {
        let route = |d: [u8; 4], l, m| FramedRoute::new(Ipv4Addr::from(d), l, m);
        assert_eq!(
            framed_route("192.168.1.0/24 192.168.1.1 1 2 -1 3 400"),
            route([192, 168, 1, 0], 24, Some(1))
        );
        assert_eq!(
            framed_route("192.168.1.0 0.0.0.0 1"),
            route([192, 168, 1, 0], 24, Some(1))
        );
        assert_eq!(framed_route("10.9.0.0"), route([10, 0, 0, 0], 8, None));
        assert_eq!(
            framed_route("172.16.5.0/28"),
            route([172, 16, 5, 0], 28, None)
        );
        for bad in [
            "",
            "somewhere 0.0.0.0 1",
            "10.0.0.0/33",
            "10.0.0.0/8 gw 1",
            "10.0.0.0/8 0.0.0.0 x",
        ] {
            assert_eq!(framed_route(bad), None, "{bad:?}");
        }
    }
}
