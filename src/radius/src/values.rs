//! Named values of the enumerated integer attributes a NAS sends or reads.
//! Values this crate does not name are kept as `Unknown(n)`.

enum_with_unknown! {
    /// Service-Type (RFC 2865 section 5.6; Authorize-Only from RFC 5176).
    pub enum ServiceType(u32) {
        /// Login.
        Login = 1,
        /// Framed: PPP for this crate's users.
        Framed = 2,
        /// Callback Login.
        CallbackLogin = 3,
        /// Callback Framed.
        CallbackFramed = 4,
        /// Outbound.
        Outbound = 5,
        /// Administrative.
        Administrative = 6,
        /// NAS Prompt.
        NasPrompt = 7,
        /// Authenticate Only.
        AuthenticateOnly = 8,
        /// Callback NAS Prompt.
        CallbackNasPrompt = 9,
        /// Call Check.
        CallCheck = 10,
        /// Callback Administrative.
        CallbackAdministrative = 11,
        /// Authorize Only (RFC 5176 section 3.2).
        AuthorizeOnly = 17,
    }
}

enum_with_unknown! {
    /// Framed-Protocol (RFC 2865 section 5.7).
    pub enum FramedProtocol(u32) {
        /// PPP.
        Ppp = 1,
        /// SLIP.
        Slip = 2,
        /// AppleTalk Remote Access Protocol.
        Arap = 3,
        /// Gandalf proprietary.
        Gandalf = 4,
        /// Xylogics IPX/SLIP.
        Xylogics = 5,
        /// X.75 Synchronous.
        X75 = 6,
    }
}

enum_with_unknown! {
    /// NAS-Port-Type (RFC 2865 section 5.41, RFC 4603 for later values).
    pub enum NasPortType(u32) {
        /// Async.
        Async = 0,
        /// Sync.
        Sync = 1,
        /// ISDN Sync.
        IsdnSync = 2,
        /// ISDN Async V.120.
        IsdnAsyncV120 = 3,
        /// ISDN Async V.110.
        IsdnAsyncV110 = 4,
        /// Virtual: what an L2TP LNS reports.
        Virtual = 5,
        /// Ethernet.
        Ethernet = 15,
        /// xDSL.
        Xdsl = 16,
        /// Cable.
        Cable = 17,
        /// Wireless - Other.
        WirelessOther = 18,
        /// Wireless - IEEE 802.11.
        Wireless80211 = 19,
    }
}

enum_with_unknown! {
    /// Acct-Status-Type (RFC 2866 section 5.1).
    pub enum AcctStatusType(u32) {
        /// Start.
        Start = 1,
        /// Stop.
        Stop = 2,
        /// Interim-Update (RFC 2869 section 2.1).
        InterimUpdate = 3,
        /// Accounting-On.
        AccountingOn = 7,
        /// Accounting-Off.
        AccountingOff = 8,
    }
}

enum_with_unknown! {
    /// Acct-Terminate-Cause (RFC 2866 section 5.10).
    pub enum AcctTerminateCause(u32) {
        /// User Request.
        UserRequest = 1,
        /// Lost Carrier.
        LostCarrier = 2,
        /// Lost Service.
        LostService = 3,
        /// Idle Timeout.
        IdleTimeout = 4,
        /// Session Timeout.
        SessionTimeout = 5,
        /// Admin Reset.
        AdminReset = 6,
        /// Admin Reboot.
        AdminReboot = 7,
        /// Port Error.
        PortError = 8,
        /// NAS Error.
        NasError = 9,
        /// NAS Request.
        NasRequest = 10,
        /// NAS Reboot.
        NasReboot = 11,
        /// Port Unneeded.
        PortUnneeded = 12,
        /// Port Preempted.
        PortPreempted = 13,
        /// Port Suspended.
        PortSuspended = 14,
        /// Service Unavailable.
        ServiceUnavailable = 15,
        /// Callback.
        Callback = 16,
        /// User Error.
        UserError = 17,
        /// Host Request.
        HostRequest = 18,
    }
}

enum_with_unknown! {
    /// Error-Cause (RFC 5176 section 3.5).
    pub enum ErrorCause(u32) {
        /// Residual Session Context Removed.
        ResidualSessionContextRemoved = 201,
        /// Invalid EAP Packet (Ignored).
        InvalidEapPacket = 202,
        /// Unsupported Attribute.
        UnsupportedAttribute = 401,
        /// Missing Attribute.
        MissingAttribute = 402,
        /// NAS Identification Mismatch.
        NasIdentificationMismatch = 403,
        /// Invalid Request.
        InvalidRequest = 404,
        /// Unsupported Service.
        UnsupportedService = 405,
        /// Unsupported Extension.
        UnsupportedExtension = 406,
        /// Invalid Attribute Value.
        InvalidAttributeValue = 407,
        /// Administratively Prohibited.
        AdministrativelyProhibited = 501,
        /// Request Not Routable (Proxy).
        RequestNotRoutable = 502,
        /// Session Context Not Found.
        SessionContextNotFound = 503,
        /// Session Context Not Removable.
        SessionContextNotRemovable = 504,
        /// Other Proxy Processing Error.
        OtherProxyProcessingError = 505,
        /// Resources Unavailable.
        ResourcesUnavailable = 506,
        /// Request Initiated.
        RequestInitiated = 507,
        /// Multiple Session Selection Unsupported.
        MultipleSessionSelectionUnsupported = 508,
    }
}

enum_with_unknown! {
    /// Tunnel-Type (RFC 2868 section 3.1).
    pub enum TunnelType(u32) {
        /// PPTP.
        Pptp = 1,
        /// L2F.
        L2f = 2,
        /// L2TP.
        L2tp = 3,
        /// ATMP.
        Atmp = 4,
        /// VTP.
        Vtp = 5,
        /// IP Authentication Header in tunnel mode.
        Ah = 6,
        /// IP-in-IP.
        IpIp = 7,
        /// Minimal IP-in-IP.
        MinIpIp = 8,
        /// ESP in tunnel mode.
        Esp = 9,
        /// GRE.
        Gre = 10,
        /// Bay Dial Virtual Services.
        Dvs = 11,
        /// IP-in-IP tunnelling.
        IpInIp = 12,
        /// VLAN (RFC 3580).
        Vlan = 13,
    }
}

enum_with_unknown! {
    /// Tunnel-Medium-Type (RFC 2868 section 3.2): address families.
    pub enum TunnelMediumType(u32) {
        /// IPv4.
        Ipv4 = 1,
        /// IPv6.
        Ipv6 = 2,
        /// NSAP.
        Nsap = 3,
        /// HDLC.
        Hdlc = 4,
        /// BBN 1822.
        Bbn1822 = 5,
        /// 802.
        Ieee802 = 6,
        /// E.163.
        E163 = 7,
        /// E.164.
        E164 = 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_unknown() {
        assert_eq!(AcctStatusType::from(3), AcctStatusType::InterimUpdate);
        assert_eq!(u32::from(ErrorCause::SessionContextNotFound), 503);
        assert_eq!(TunnelType::from(3), TunnelType::L2tp);
        assert_eq!(ServiceType::from(99), ServiceType::Unknown(99));
        assert_eq!(u32::from(NasPortType::Virtual), 5);
    }
}
