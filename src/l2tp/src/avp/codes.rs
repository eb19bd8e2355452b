//! The structured values of AVPs: Result Code with its Error Code and
//! message (section 4.4.2), Q.931 cause (4.4.2), Protocol Version, Framing
//! and Bearer bits (4.4.3, 4.4.4), Call Errors (4.4.6).

use core::fmt;

enum_with_unknown! {
    /// Result Code values of a StopCCN (section 4.4.2).
    pub enum StopCcnResult(u16) {
        /// General request to clear the control connection.
        GeneralClear = 1,
        /// General error; the Error Code says what.
        GeneralError = 2,
        /// A control channel already exists.
        AlreadyExists = 3,
        /// The requester is not authorized to establish a control channel.
        NotAuthorized = 4,
        /// The requester's protocol version is not supported.
        UnsupportedVersion = 5,
        /// The requester is being shut down.
        ShuttingDown = 6,
        /// Finite State Machine error.
        FsmError = 7,
    }
}

enum_with_unknown! {
    /// Result Code values of a CDN (section 4.4.2).
    pub enum CdnResult(u16) {
        /// Lost carrier.
        LostCarrier = 1,
        /// The Error Code says why.
        GeneralError = 2,
        /// Administrative reasons.
        Administrative = 3,
        /// No appropriate facilities, temporarily.
        TemporaryFacilities = 4,
        /// No appropriate facilities, permanently.
        PermanentFacilities = 5,
        /// Invalid destination.
        InvalidDestination = 6,
        /// No carrier detected.
        NoCarrier = 7,
        /// Busy signal.
        Busy = 8,
        /// No dial tone.
        NoDialTone = 9,
        /// Not established in the time the LAC allows.
        Timeout = 10,
        /// Connected, but no appropriate framing was detected.
        NoFraming = 11,
    }
}

enum_with_unknown! {
    /// General Error Codes (section 4.4.2).
    pub enum ErrorCode(u16) {
        /// No general error.
        NoError = 0,
        /// No control connection exists yet for this LAC-LNS pair.
        NoControlConnection = 1,
        /// Length is wrong.
        BadLength = 2,
        /// A field value was out of range or a reserved field was non-zero.
        BadValue = 3,
        /// Insufficient resources to handle this operation now.
        NoResources = 4,
        /// The Session ID is invalid in this context.
        InvalidSessionId = 5,
        /// A generic vendor-specific error occurred in the LAC.
        VendorError = 6,
        /// Try another LNS.
        TryAnother = 7,
        /// Shut down because of an unknown AVP with the M bit set.
        UnknownMandatoryAvp = 8,
    }
}

/// A Result Code AVP's value: the result, an optional Error Code and an
/// optional human-readable Error Message (section 4.4.2). Which enum reads
/// `result` depends on the message: [`StopCcnResult`] or [`CdnResult`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultCode {
    /// The Result Code.
    pub result: u16,
    /// The Error Code, when present.
    pub error: Option<ErrorCode>,
    /// The Error Message (present only with an Error Code).
    pub message: Vec<u8>,
}

impl ResultCode {
    /// A StopCCN result with no error code.
    pub fn stop(result: StopCcnResult) -> ResultCode {
        ResultCode {
            result: result.into(),
            error: None,
            message: Vec::new(),
        }
    }

    /// A CDN result with no error code.
    pub fn cdn(result: CdnResult) -> ResultCode {
        ResultCode {
            result: result.into(),
            error: None,
            message: Vec::new(),
        }
    }

    /// Adds an Error Code and message.
    pub fn with_error(mut self, error: ErrorCode, message: &str) -> ResultCode {
        self.error = Some(error);
        self.message = message.as_bytes().to_vec();
        self
    }

    /// Parses the value: 2, 4, or more octets.
    pub fn parse(value: &[u8]) -> Option<ResultCode> {
        let result = u16::from_be_bytes([*value.first()?, *value.get(1)?]);
        let error = match value.get(2..4) {
            Some(e) => Some(ErrorCode::from(u16::from_be_bytes([e[0], e[1]]))),
            None if value.len() == 2 => None,
            None => return None,
        };
        Some(ResultCode {
            result,
            error,
            message: value.get(4..).unwrap_or(&[]).to_vec(),
        })
    }

    /// Appends the value.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.result.to_be_bytes());
        if self.error.is_some() || !self.message.is_empty() {
            let error = self.error.unwrap_or(ErrorCode::NoError);
            out.extend_from_slice(&u16::from(error).to_be_bytes());
            out.extend_from_slice(&self.message);
        }
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "result {}", self.result)?;
        if let Some(e) = self.error {
            write!(f, " error {}", u16::from(e))?;
        }
        if !self.message.is_empty() {
            write!(f, " \"{}\"", String::from_utf8_lossy(&self.message))?;
        }
        Ok(())
    }
}

/// The Protocol Version AVP: Ver 1, Rev 0 for RFC 2661 (section 4.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtocolVersion {
    /// Ver.
    pub version: u8,
    /// Rev.
    pub revision: u8,
}

impl ProtocolVersion {
    /// The version this crate speaks.
    pub const RFC2661: ProtocolVersion = ProtocolVersion {
        version: 1,
        revision: 0,
    };
}

/// Framing Capabilities and Framing Type bits (sections 4.4.3 and 4.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Framing(pub u32);

impl Framing {
    /// Synchronous framing (S).
    pub const SYNC: Framing = Framing(1);
    /// Asynchronous framing (A).
    pub const ASYNC: Framing = Framing(2);
    /// Both.
    pub const BOTH: Framing = Framing(3);
}

/// Bearer Capabilities and Bearer Type bits (sections 4.4.3 and 4.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bearer(pub u32);

impl Bearer {
    /// Digital access (D).
    pub const DIGITAL: Bearer = Bearer(1);
    /// Analog access (A).
    pub const ANALOG: Bearer = Bearer(2);
}

/// The Q.931 Cause Code AVP (section 4.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Q931Cause {
    /// Cause Code.
    pub cause: u16,
    /// Cause Msg.
    pub message: u8,
    /// Advisory Msg.
    pub advisory: Vec<u8>,
}

/// The Call Errors AVP of a WAN-Error-Notify (section 4.4.6): counters of
/// the LAC's line since the call was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CallErrors {
    /// CRC errors.
    pub crc: u32,
    /// Framing errors.
    pub framing: u32,
    /// Hardware overruns.
    pub hardware_overruns: u32,
    /// Buffer overruns.
    pub buffer_overruns: u32,
    /// Time-out errors.
    pub timeouts: u32,
    /// Alignment errors.
    pub alignment: u32,
}

impl CallErrors {
    /// The value's length: 2 reserved octets and six counters.
    pub const LEN: usize = 26;

    /// Parses the value.
    pub fn parse(value: &[u8]) -> Option<CallErrors> {
        if value.len() != Self::LEN {
            return None;
        }
        let n = |i: usize| {
            let at = 2 + 4 * i;
            u32::from_be_bytes([value[at], value[at + 1], value[at + 2], value[at + 3]])
        };
        Some(CallErrors {
            crc: n(0),
            framing: n(1),
            hardware_overruns: n(2),
            buffer_overruns: n(3),
            timeouts: n(4),
            alignment: n(5),
        })
    }

    /// Appends the value.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[0, 0]);
        for n in [
            self.crc,
            self.framing,
            self.hardware_overruns,
            self.buffer_overruns,
            self.timeouts,
            self.alignment,
        ] {
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_code_forms() {
        let plain = ResultCode::parse(&[0, 1]).unwrap();
        assert_eq!(plain, ResultCode::stop(StopCcnResult::GeneralClear));
        let with_error = ResultCode::parse(&[0, 2, 0, 8, b'h', b'i']).unwrap();
        assert_eq!(with_error.error, Some(ErrorCode::UnknownMandatoryAvp));
        assert_eq!(with_error.message, b"hi");
        assert_eq!(with_error.to_string(), "result 2 error 8 \"hi\"");
        // Three octets: a torn Error Code.
        assert_eq!(ResultCode::parse(&[0, 2, 0]), None);
        assert_eq!(ResultCode::parse(&[0]), None);
        for r in [plain, with_error] {
            let mut out = Vec::new();
            r.emit(&mut out);
            assert_eq!(ResultCode::parse(&out), Some(r));
        }
    }

    #[test]
    fn call_errors_round_trip() {
        let e = CallErrors {
            crc: 1,
            framing: 2,
            hardware_overruns: 3,
            buffer_overruns: 4,
            timeouts: 5,
            alignment: 0xdead_beef,
        };
        let mut out = Vec::new();
        e.emit(&mut out);
        assert_eq!(out.len(), CallErrors::LEN);
        assert_eq!(&out[22..], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(CallErrors::parse(&out), Some(e));
        assert_eq!(CallErrors::parse(&out[1..]), None);
    }

    #[test]
    fn unknown_codes_are_data() {
        assert_eq!(CdnResult::from(99), CdnResult::Unknown(99));
        assert_eq!(u16::from(StopCcnResult::Unknown(42)), 42);
    }
}
