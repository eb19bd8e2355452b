//! Accounting-Request records (RFC 2866, RFC 2869 section 2.1): Start,
//! Interim-Update and Stop for one PPP session.
//!
//! Counters are the session's as the NAS sees them: Input is what the
//! port received from the peer, Output what it sent to the peer (RFC 2866
//! sections 5.3 and 5.4), 64-bit counts split into Octets and Gigawords
//! (RFC 2869 sections 5.1 and 5.2). Which of rppp's end reasons is which
//! Acct-Terminate-Cause is the caller's choice; the RFC 2866 section 5.10
//! values are [`AcctTerminateCause`].

use std::net::Ipv4Addr;
use std::time::Duration;

use rppp_radius::client::Request;
pub use rppp_radius::AcctTerminateCause;
use rppp_radius::{AcctStatusType, AttributeType, Code, FramedProtocol, ServiceType};

use super::access::NasContext;

/// Which record (Acct-Status-Type, RFC 2866 section 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountingStatus {
    /// The session started.
    Start,
    /// The session is still up (RFC 2869 section 2.1).
    InterimUpdate,
    /// The session ended, and why (Acct-Terminate-Cause, RFC 2866 section
    /// 5.10).
    Stop(AcctTerminateCause),
}

/// The session's traffic so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TrafficCounters {
    /// Octets received from the peer (Acct-Input-Octets and -Gigawords).
    pub input_octets: u64,
    /// Octets sent to the peer (Acct-Output-Octets and -Gigawords).
    pub output_octets: u64,
    /// Packets received from the peer (Acct-Input-Packets; saturates at
    /// 2^32 - 1, the attribute has no Gigawords).
    pub input_packets: u64,
    /// Packets sent to the peer (Acct-Output-Packets).
    pub output_packets: u64,
}

/// One accounting record of a session.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountingRecord {
    /// Start, Interim-Update or Stop.
    pub status: AccountingStatus,
    /// Acct-Session-Id (RFC 2866 section 5.5): the same in every record of
    /// the session.
    pub session_id: String,
    /// Acct-Multi-Session-Id (RFC 2866 section 5.11), for linked sessions.
    pub multi_session_id: Option<String>,
    /// User-Name, as authenticated.
    pub user_name: Option<Vec<u8>>,
    /// The NAS attributes.
    pub nas: NasContext,
    /// Framed-IP-Address: the peer's address, once IPCP is up.
    pub framed_ip: Option<Ipv4Addr>,
    /// The Access-Accept's Class attributes, echoed unmodified (RFC 2865
    /// section 5.25).
    pub class: Vec<Vec<u8>>,
    /// Acct-Session-Time (RFC 2866 section 5.7), in Interim-Update and
    /// Stop.
    pub session_time: Option<Duration>,
    /// The traffic counters, in Interim-Update and Stop.
    pub traffic: Option<TrafficCounters>,
}

impl core::fmt::Debug for AccountingRecord {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AccountingRecord")
            .field("status", &self.status)
            .field("session_id", &self.session_id)
            .field("multi_session_id", &self.multi_session_id)
            .field(
                "user_name",
                &self
                    .user_name
                    .as_ref()
                    .map(|n| n.escape_ascii().to_string()),
            )
            .field("nas", &self.nas)
            .field("framed_ip", &self.framed_ip)
            .field("classes", &self.class.len())
            .field("session_time", &self.session_time)
            .field("traffic", &self.traffic)
            .finish()
    }
}

impl AccountingRecord {
    /// A record with no user, address, class, time or traffic yet.
    pub fn new(status: AccountingStatus, session_id: impl Into<String>, nas: NasContext) -> Self {
        AccountingRecord {
            status,
            session_id: session_id.into(),
            multi_session_id: None,
            user_name: None,
            nas,
            framed_ip: None,
            class: Vec::new(),
            session_time: None,
            traffic: None,
        }
    }

    /// The Accounting-Request. The client engine adds Acct-Delay-Time
    /// (RFC 2866 section 5.2) when it is sent late.
    pub fn to_request(&self) -> Request {
        let mut r = Request::new(Code::AccountingRequest);
        let status = match self.status {
            AccountingStatus::Start => AcctStatusType::Start,
            AccountingStatus::InterimUpdate => AcctStatusType::InterimUpdate,
            AccountingStatus::Stop(_) => AcctStatusType::Stop,
        };
        r.add_u32(AttributeType::AcctStatusType, status.into())
            .add_text(AttributeType::AcctSessionId, &self.session_id);
        if let Some(m) = &self.multi_session_id {
            r.add_text(AttributeType::AcctMultiSessionId, m);
        }
        if let Some(n) = &self.user_name {
            r.add(AttributeType::UserName, n.clone());
        }
        r.add_u32(AttributeType::ServiceType, ServiceType::Framed.into())
            .add_u32(AttributeType::FramedProtocol, FramedProtocol::Ppp.into());
        self.nas.write(&mut r);
        if let Some(a) = self.framed_ip {
            r.add_ipv4(AttributeType::FramedIpAddress, a);
        }
        for c in &self.class {
            r.add(AttributeType::Class, c.clone());
        }
        if let Some(t) = self.session_time {
            let secs = u32::try_from(t.as_secs()).unwrap_or(u32::MAX);
            r.add_u32(AttributeType::AcctSessionTime, secs);
        }
        if let Some(c) = self.traffic {
            let packets = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            r.add_octets64(
                AttributeType::AcctInputOctets,
                AttributeType::AcctInputGigawords,
                c.input_octets,
            )
            .add_octets64(
                AttributeType::AcctOutputOctets,
                AttributeType::AcctOutputGigawords,
                c.output_octets,
            )
            .add_u32(AttributeType::AcctInputPackets, packets(c.input_packets))
            .add_u32(AttributeType::AcctOutputPackets, packets(c.output_packets));
        }
        if let AccountingStatus::Stop(cause) = self.status {
            r.add_u32(AttributeType::AcctTerminateCause, cause.into());
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_record_attributes() {
        let mut rec = AccountingRecord::new(
            AccountingStatus::Stop(AcctTerminateCause::UserRequest),
            "0001",
            NasContext::default(),
        );
        rec.class = vec![b"c1".to_vec()];
        rec.session_time = Some(Duration::from_secs(61));
        rec.traffic = Some(TrafficCounters {
            input_octets: (3 << 32) | 5,
            output_octets: 7,
            input_packets: 1 << 40,
            output_packets: 2,
        });
        let r = rec.to_request();
        let u32_of = |t| r.get(t).map(|v| u32::from_be_bytes(v.try_into().unwrap()));
        assert_eq!(u32_of(AttributeType::AcctStatusType), Some(2));
        assert_eq!(u32_of(AttributeType::AcctInputOctets), Some(5));
        assert_eq!(u32_of(AttributeType::AcctInputGigawords), Some(3));
        assert_eq!(u32_of(AttributeType::AcctOutputGigawords), None);
        assert_eq!(u32_of(AttributeType::AcctInputPackets), Some(u32::MAX));
        assert_eq!(u32_of(AttributeType::AcctTerminateCause), Some(1));
        assert_eq!(u32_of(AttributeType::AcctSessionTime), Some(61));
        assert_eq!(r.get(AttributeType::Class), Some(&b"c1"[..]));
        assert_eq!(r.get(AttributeType::NasIdentifier), Some(&b"rppp"[..]));
        assert_eq!(u32_of(AttributeType::NasPortType), Some(5));
    }
}
