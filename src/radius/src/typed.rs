//! Typed accessors on a [`Packet`] for the attributes a NAS reads from
//! Access-Accept, CoA-Request and Disconnect-Request. Each returns `None`
//! when the attribute is absent and `Some(Err(_))` when it is malformed:
//! RFC 2865 section 5 leaves the caller to treat the attribute as
//! unrecognised or the packet as an Access-Reject.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::attr::{AttributeType, ValueError};
use crate::packet::Packet;
use crate::values::{
    AcctStatusType, AcctTerminateCause, ErrorCause, FramedProtocol, NasPortType, ServiceType,
};
use crate::vendor::{MicrosoftType, VendorAttribute, VENDOR_MICROSOFT};

macro_rules! typed {
    ($( $(#[$m:meta])* $name:ident: $ty:ty = $attr:ident via $dec:ident; )*) => {
        impl<'a> Packet<'a> {
            $(
                $(#[$m])*
                pub fn $name(&self) -> Option<Result<$ty, ValueError>> {
                    self.find(AttributeType::$attr).map(|a| a.$dec().map(Into::into))
                }
            )*
        }
    };
}

typed! {
    /// User-Name.
    user_name: &'a str = UserName via as_text;
    /// NAS-Identifier.
    nas_identifier: &'a str = NasIdentifier via as_text;
    /// NAS-IP-Address.
    nas_ip_address: Ipv4Addr = NasIpAddress via as_ipv4;
    /// NAS-Port.
    nas_port: u32 = NasPort via as_u32;
    /// NAS-Port-Type.
    nas_port_type: NasPortType = NasPortType via as_u32;
    /// Service-Type.
    service_type: ServiceType = ServiceType via as_u32;
    /// Framed-Protocol.
    framed_protocol: FramedProtocol = FramedProtocol via as_u32;
    /// Framed-IP-Address.
    framed_ip_address: Ipv4Addr = FramedIpAddress via as_ipv4;
    /// Framed-IP-Netmask.
    framed_ip_netmask: Ipv4Addr = FramedIpNetmask via as_ipv4;
    /// Framed-MTU.
    framed_mtu: u32 = FramedMtu via as_u32;
    /// Framed-Pool (RFC 2869).
    framed_pool: &'a str = FramedPool via as_text;
    /// Filter-Id.
    filter_id: &'a str = FilterId via as_text;
    /// Session-Timeout, seconds.
    session_timeout: u32 = SessionTimeout via as_u32;
    /// Idle-Timeout, seconds.
    idle_timeout: u32 = IdleTimeout via as_u32;
    /// Acct-Interim-Interval, seconds.
    acct_interim_interval: u32 = AcctInterimInterval via as_u32;
    /// Acct-Status-Type.
    acct_status_type: AcctStatusType = AcctStatusType via as_u32;
    /// Acct-Session-Id.
    acct_session_id: &'a str = AcctSessionId via as_text;
    /// Acct-Multi-Session-Id.
    acct_multi_session_id: &'a str = AcctMultiSessionId via as_text;
    /// Acct-Delay-Time, seconds.
    acct_delay_time: u32 = AcctDelayTime via as_u32;
    /// Acct-Session-Time, seconds.
    acct_session_time: u32 = AcctSessionTime via as_u32;
    /// Acct-Input-Octets (low 32 bits; see [`Packet::acct_input_octets64`]).
    acct_input_octets: u32 = AcctInputOctets via as_u32;
    /// Acct-Output-Octets (low 32 bits).
    acct_output_octets: u32 = AcctOutputOctets via as_u32;
    /// Acct-Input-Gigawords (RFC 2869 section 5.1).
    acct_input_gigawords: u32 = AcctInputGigawords via as_u32;
    /// Acct-Output-Gigawords (RFC 2869 section 5.2).
    acct_output_gigawords: u32 = AcctOutputGigawords via as_u32;
    /// Acct-Input-Packets.
    acct_input_packets: u32 = AcctInputPackets via as_u32;
    /// Acct-Output-Packets.
    acct_output_packets: u32 = AcctOutputPackets via as_u32;
    /// Called-Station-Id.
    called_station_id: &'a str = CalledStationId via as_text;
    /// Calling-Station-Id.
    calling_station_id: &'a str = CallingStationId via as_text;
    /// Acct-Terminate-Cause.
    acct_terminate_cause: AcctTerminateCause = AcctTerminateCause via as_u32;
    /// Event-Timestamp, seconds since 1970-01-01 UTC.
    event_timestamp: u32 = EventTimestamp via as_u32;
    /// Error-Cause (RFC 5176 section 3.5).
    error_cause: ErrorCause = ErrorCause via as_u32;
    /// Framed-IPv6-Prefix (RFC 3162), prefix and length.
    framed_ipv6_prefix: (Ipv6Addr, u8) = FramedIpv6Prefix via as_ipv6_prefix;
    /// Framed-Interface-Id (RFC 3162).
    framed_interface_id: [u8; 8] = FramedInterfaceId via as_interface_id;
    /// Tunnel-Type's first instance: tag and value (RFC 2868).
    tunnel_type: (Option<u8>, u32) = TunnelType via as_tagged_u32;
    /// Tunnel-Medium-Type's first instance: tag and value (RFC 2868).
    tunnel_medium_type: (Option<u8>, u32) = TunnelMediumType via as_tagged_u32;
}

impl<'a> Packet<'a> {
    /// Acct-Input-Octets and Acct-Input-Gigawords as one 64-bit count
    /// (RFC 2869 section 5.1); `None` without Acct-Input-Octets.
    pub fn acct_input_octets64(&self) -> Option<Result<u64, ValueError>> {
        self.octets64(self.acct_input_octets(), self.acct_input_gigawords())
    }

    /// Acct-Output-Octets and Acct-Output-Gigawords as one 64-bit count.
    pub fn acct_output_octets64(&self) -> Option<Result<u64, ValueError>> {
        self.octets64(self.acct_output_octets(), self.acct_output_gigawords())
    }

    fn octets64(
        &self,
        low: Option<Result<u32, ValueError>>,
        high: Option<Result<u32, ValueError>>,
    ) -> Option<Result<u64, ValueError>> {
        let low = low?;
        Some(low.and_then(|low| {
            let high = high.transpose()?.unwrap_or(0);
            Ok(u64::from(high) << 32 | u64::from(low))
        }))
    }

    /// Every Class, to echo in accounting (RFC 2865 section 5.25).
    pub fn classes(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.find_all(AttributeType::Class).map(|a| a.value())
    }

    /// Every Reply-Message, in order (RFC 2865 section 5.18).
    pub fn reply_messages(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.find_all(AttributeType::ReplyMessage)
            .map(|a| a.value())
    }

    /// The sub-attributes of every well-formed Vendor-Specific attribute
    /// of this vendor, in order; malformed ones are skipped.
    pub fn vendor_attributes(
        &self,
        vendor_id: u32,
    ) -> impl Iterator<Item = VendorAttribute<'a>> + 'a {
        self.find_all(AttributeType::VendorSpecific)
            .filter_map(|a| a.as_vendor_specific().ok())
            .filter(move |v| v.vendor_id() == vendor_id)
            .filter_map(|v| v.attributes().ok())
            .flatten()
    }

    /// The first Microsoft sub-attribute of this type (RFC 2548).
    pub fn microsoft(&self, t: MicrosoftType) -> Option<&'a [u8]> {
        self.vendor_attributes(VENDOR_MICROSOFT)
            .find(|a| a.vendor_type == u8::from(t))
            .map(|a| a.value)
    }

    /// A Microsoft address attribute (MS-Primary-DNS-Server and the
    /// like, RFC 2548 section 2.7), `None` unless present with 4 octets.
    pub fn microsoft_ipv4(&self, t: MicrosoftType) -> Option<Ipv4Addr> {
        let v: [u8; 4] = self.microsoft(t)?.try_into().ok()?;
        Some(Ipv4Addr::from(v))
    }
}

#[cfg(test)]
mod tests {
    use crate::builder::PacketBuilder;
    use crate::secret::SharedSecret;
    use crate::*;

    #[test]
    fn accept_attributes() {
        let mut b = PacketBuilder::new(Code::AccessAccept, 1);
        b.add_u32(AttributeType::ServiceType, 2).unwrap();
        b.add_u32(AttributeType::FramedProtocol, 1).unwrap();
        b.add_ipv4(AttributeType::FramedIpAddress, [10, 0, 0, 5].into())
            .unwrap();
        b.add_u32(AttributeType::FramedMtu, 1400).unwrap();
        b.add_text(AttributeType::FramedPool, "pool1").unwrap();
        b.add(AttributeType::Class, b"c1").unwrap();
        b.add(AttributeType::Class, b"c2").unwrap();
        b.add_ipv6_prefix(
            AttributeType::FramedIpv6Prefix,
            "2001:db8:1::".parse().unwrap(),
            48,
        )
        .unwrap();
        b.add_tagged_u32(AttributeType::TunnelType, 1, 3).unwrap();
        b.add_vendor(VENDOR_MICROSOFT, 28, &[192, 0, 2, 53])
            .unwrap();
        b.add_vendor(9, 1, b"cisco").unwrap();
        b.add(AttributeType::IdleTimeout, &[1, 2]).unwrap();
        let bytes = b.finish(&SharedSecret::new("s"), Some(&[0; 16])).unwrap();
        let p = Packet::parse(&bytes).unwrap();
        assert_eq!(p.service_type(), Some(Ok(ServiceType::Framed)));
        assert_eq!(p.framed_protocol(), Some(Ok(FramedProtocol::Ppp)));
        assert_eq!(p.framed_ip_address(), Some(Ok([10, 0, 0, 5].into())));
        assert_eq!(p.framed_mtu(), Some(Ok(1400)));
        assert_eq!(p.framed_pool(), Some(Ok("pool1")));
        assert_eq!(p.classes().collect::<Vec<_>>(), vec![b"c1", b"c2"]);
        assert_eq!(
            p.framed_ipv6_prefix(),
            Some(Ok(("2001:db8:1::".parse().unwrap(), 48)))
        );
        assert_eq!(
            p.tunnel_type(),
            Some(Ok((Some(1), u32::from(TunnelType::L2tp))))
        );
        assert_eq!(
            p.microsoft_ipv4(MicrosoftType::MsPrimaryDnsServer),
            Some([192, 0, 2, 53].into())
        );
        assert_eq!(p.microsoft(MicrosoftType::MsSecondaryDnsServer), None);
        assert_eq!(p.vendor_attributes(9).count(), 1);
        assert!(matches!(
            p.idle_timeout(),
            Some(Err(ValueError::Length { .. }))
        ));
        assert_eq!(p.session_timeout(), None);
        assert_eq!(p.acct_input_octets64(), None);
    }

    #[test]
    fn accounting_counters_64_bit() {
        let mut b = PacketBuilder::new(Code::AccountingRequest, 1);
        b.add_octets64(
            AttributeType::AcctInputOctets,
            AttributeType::AcctInputGigawords,
            (5u64 << 32) | 7,
        )
        .unwrap();
        b.add_octets64(
            AttributeType::AcctOutputOctets,
            AttributeType::AcctOutputGigawords,
            9,
        )
        .unwrap();
        b.add_text(AttributeType::CallingStationId, "192.0.2.9")
            .unwrap();
        let bytes = b.finish(&SharedSecret::new("s"), None).unwrap();
        let p = Packet::parse(&bytes).unwrap();
        assert_eq!(p.acct_input_octets64(), Some(Ok((5u64 << 32) | 7)));
        assert_eq!(p.acct_input_gigawords(), Some(Ok(5)));
        assert_eq!(p.acct_output_octets64(), Some(Ok(9)));
        assert_eq!(p.acct_output_gigawords(), None);
        assert_eq!(p.calling_station_id(), Some(Ok("192.0.2.9")));
    }
}
