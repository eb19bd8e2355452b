//! Attribute Type numbers (RFC 2865 section 5 and the RFCs after it)
//! that a PPP NAS sends or reads.

enum_with_unknown! {
    /// An attribute's Type. Unknown types are kept as data.
    pub enum AttributeType(u8) {
        /// User-Name (RFC 2865 section 5.1), text.
        UserName = 1,
        /// User-Password (RFC 2865 section 5.2), hidden with the secret.
        UserPassword = 2,
        /// CHAP-Password (RFC 2865 section 5.3): CHAP Ident and response.
        ChapPassword = 3,
        /// NAS-IP-Address (RFC 2865 section 5.4).
        NasIpAddress = 4,
        /// NAS-Port (RFC 2865 section 5.5).
        NasPort = 5,
        /// Service-Type (RFC 2865 section 5.6), see [`crate::ServiceType`].
        ServiceType = 6,
        /// Framed-Protocol (RFC 2865 section 5.7).
        FramedProtocol = 7,
        /// Framed-IP-Address (RFC 2865 section 5.8).
        FramedIpAddress = 8,
        /// Framed-IP-Netmask (RFC 2865 section 5.9).
        FramedIpNetmask = 9,
        /// Framed-Routing (RFC 2865 section 5.10).
        FramedRouting = 10,
        /// Filter-Id (RFC 2865 section 5.11), text.
        FilterId = 11,
        /// Framed-MTU (RFC 2865 section 5.12).
        FramedMtu = 12,
        /// Framed-Compression (RFC 2865 section 5.13).
        FramedCompression = 13,
        /// Reply-Message (RFC 2865 section 5.18), text.
        ReplyMessage = 18,
        /// Framed-Route (RFC 2865 section 5.22), text.
        FramedRoute = 22,
        /// State (RFC 2865 section 5.24), echoed back.
        State = 24,
        /// Class (RFC 2865 section 5.25), echoed in accounting.
        Class = 25,
        /// Vendor-Specific (RFC 2865 section 5.26).
        VendorSpecific = 26,
        /// Session-Timeout (RFC 2865 section 5.27), seconds.
        SessionTimeout = 27,
        /// Idle-Timeout (RFC 2865 section 5.28), seconds.
        IdleTimeout = 28,
        /// Termination-Action (RFC 2865 section 5.29).
        TerminationAction = 29,
        /// Called-Station-Id (RFC 2865 section 5.30).
        CalledStationId = 30,
        /// Calling-Station-Id (RFC 2865 section 5.31).
        CallingStationId = 31,
        /// NAS-Identifier (RFC 2865 section 5.32).
        NasIdentifier = 32,
        /// Proxy-State (RFC 2865 section 5.33).
        ProxyState = 33,
        /// Acct-Status-Type (RFC 2866 section 5.1).
        AcctStatusType = 40,
        /// Acct-Delay-Time (RFC 2866 section 5.2), seconds.
        AcctDelayTime = 41,
        /// Acct-Input-Octets (RFC 2866 section 5.3).
        AcctInputOctets = 42,
        /// Acct-Output-Octets (RFC 2866 section 5.4).
        AcctOutputOctets = 43,
        /// Acct-Session-Id (RFC 2866 section 5.5).
        AcctSessionId = 44,
        /// Acct-Authentic (RFC 2866 section 5.6).
        AcctAuthentic = 45,
        /// Acct-Session-Time (RFC 2866 section 5.7), seconds.
        AcctSessionTime = 46,
        /// Acct-Input-Packets (RFC 2866 section 5.8).
        AcctInputPackets = 47,
        /// Acct-Output-Packets (RFC 2866 section 5.9).
        AcctOutputPackets = 48,
        /// Acct-Terminate-Cause (RFC 2866 section 5.10).
        AcctTerminateCause = 49,
        /// Acct-Multi-Session-Id (RFC 2866 section 5.11).
        AcctMultiSessionId = 50,
        /// Acct-Link-Count (RFC 2866 section 5.12).
        AcctLinkCount = 51,
        /// Acct-Input-Gigawords (RFC 2869 section 5.1).
        AcctInputGigawords = 52,
        /// Acct-Output-Gigawords (RFC 2869 section 5.2).
        AcctOutputGigawords = 53,
        /// Event-Timestamp (RFC 2869 section 5.3), seconds since 1970.
        EventTimestamp = 55,
        /// CHAP-Challenge (RFC 2865 section 5.40).
        ChapChallenge = 60,
        /// NAS-Port-Type (RFC 2865 section 5.41).
        NasPortType = 61,
        /// Port-Limit (RFC 2865 section 5.42).
        PortLimit = 62,
        /// Tunnel-Type (RFC 2868 section 3.1), tagged integer.
        TunnelType = 64,
        /// Tunnel-Medium-Type (RFC 2868 section 3.2), tagged integer.
        TunnelMediumType = 65,
        /// Tunnel-Client-Endpoint (RFC 2868 section 3.3), tagged string.
        TunnelClientEndpoint = 66,
        /// Tunnel-Server-Endpoint (RFC 2868 section 3.4), tagged string.
        TunnelServerEndpoint = 67,
        /// Acct-Tunnel-Connection (RFC 2867 section 4.1).
        AcctTunnelConnection = 68,
        /// EAP-Message (RFC 3579 section 3.1).
        EapMessage = 79,
        /// Message-Authenticator (RFC 3579 section 3.2), HMAC-MD5.
        MessageAuthenticator = 80,
        /// Tunnel-Private-Group-ID (RFC 2868 section 3.6), tagged string.
        TunnelPrivateGroupId = 81,
        /// Tunnel-Assignment-ID (RFC 2868 section 3.7), tagged string.
        TunnelAssignmentId = 82,
        /// Acct-Interim-Interval (RFC 2869 section 5.16), seconds.
        AcctInterimInterval = 85,
        /// NAS-Port-Id (RFC 2869 section 5.17), text.
        NasPortId = 87,
        /// Framed-Pool (RFC 2869 section 5.18), text.
        FramedPool = 88,
        /// NAS-IPv6-Address (RFC 3162 section 2.1).
        NasIpv6Address = 95,
        /// Framed-Interface-Id (RFC 3162 section 2.2), 8 octets.
        FramedInterfaceId = 96,
        /// Framed-IPv6-Prefix (RFC 3162 section 2.3).
        FramedIpv6Prefix = 97,
        /// Framed-IPv6-Pool (RFC 3162 section 2.6), text.
        FramedIpv6Pool = 100,
        /// Error-Cause (RFC 5176 section 3.5), see [`crate::ErrorCause`].
        ErrorCause = 101,
        /// Delegated-IPv6-Prefix (RFC 4818).
        DelegatedIpv6Prefix = 123,
    }
}
