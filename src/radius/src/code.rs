//! The RADIUS Code field (RFC 2865 section 3, RFC 2866 section 3, RFC 5176
//! section 2, RFC 5997 for Status-Server).

enum_with_unknown! {
    /// The packet's kind. A code this crate does not name is kept as
    /// `Unknown(code)`: RFC 2865 section 3 has such packets silently
    /// discarded, which is the caller's decision, not the parser's.
    pub enum Code(u8) {
        /// Access-Request (RFC 2865 section 4.1).
        AccessRequest = 1,
        /// Access-Accept (RFC 2865 section 4.2).
        AccessAccept = 2,
        /// Access-Reject (RFC 2865 section 4.3).
        AccessReject = 3,
        /// Accounting-Request (RFC 2866 section 4.1).
        AccountingRequest = 4,
        /// Accounting-Response (RFC 2866 section 4.2).
        AccountingResponse = 5,
        /// Access-Challenge (RFC 2865 section 4.4).
        AccessChallenge = 11,
        /// Status-Server (RFC 5997).
        StatusServer = 12,
        /// Disconnect-Request (RFC 5176 section 2.1).
        DisconnectRequest = 40,
        /// Disconnect-ACK (RFC 5176 section 2.1).
        DisconnectAck = 41,
        /// Disconnect-NAK (RFC 5176 section 2.1).
        DisconnectNak = 42,
        /// CoA-Request (RFC 5176 section 2.2).
        CoaRequest = 43,
        /// CoA-ACK (RFC 5176 section 2.2).
        CoaAck = 44,
        /// CoA-NAK (RFC 5176 section 2.2).
        CoaNak = 45,
    }
}

impl Code {
    /// Whether the Request Authenticator of this request is the MD5 of the
    /// packet with a zero authenticator and the secret (RFC 2866 section 3,
    /// RFC 5176 section 2.3) rather than random (RFC 2865 section 3).
    pub fn has_computed_request_authenticator(self) -> bool {
        matches!(
            self,
            Code::AccountingRequest | Code::DisconnectRequest | Code::CoaRequest
        )
    }

    /// Whether this is a reply: its authenticator is a Response
    /// Authenticator over the request's (RFC 2865 section 3).
    pub fn is_response(self) -> bool {
        matches!(
            self,
            Code::AccessAccept
                | Code::AccessReject
                | Code::AccessChallenge
                | Code::AccountingResponse
                | Code::DisconnectAck
                | Code::DisconnectNak
                | Code::CoaAck
                | Code::CoaNak
        )
    }

    /// Whether `reply` answers a request of this code.
    pub fn accepts_reply(self, reply: Code) -> bool {
        match self {
            Code::AccessRequest => matches!(
                reply,
                Code::AccessAccept | Code::AccessReject | Code::AccessChallenge
            ),
            Code::AccountingRequest => reply == Code::AccountingResponse,
            // RFC 5997 section 4: an authentication server answers with
            // Access-Accept, an accounting server with Accounting-Response.
            Code::StatusServer => matches!(reply, Code::AccessAccept | Code::AccountingResponse),
            Code::DisconnectRequest => matches!(reply, Code::DisconnectAck | Code::DisconnectNak),
            Code::CoaRequest => matches!(reply, Code::CoaAck | Code::CoaNak),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_kept() {
        for n in 0..=255u8 {
            assert_eq!(u8::from(Code::from(n)), n);
        }
        assert_eq!(Code::from(43), Code::CoaRequest);
        assert_eq!(Code::from(99), Code::Unknown(99));
    }

    #[test]
    fn reply_matching() {
        assert!(Code::AccessRequest.accepts_reply(Code::AccessChallenge));
        assert!(!Code::AccessRequest.accepts_reply(Code::AccountingResponse));
        assert!(Code::CoaRequest.accepts_reply(Code::CoaNak));
        assert!(!Code::AccessAccept.accepts_reply(Code::AccessAccept));
        assert!(Code::AccountingRequest.has_computed_request_authenticator());
        assert!(!Code::AccessRequest.has_computed_request_authenticator());
    }
}
