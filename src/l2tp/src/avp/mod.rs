//! Attribute-Value Pairs (RFC 2661 section 4.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |M|H| rsvd  |      Length       |           Vendor ID           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Attribute Type        |        Attribute Value...
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! [`RawAvp::parse`] frames one AVP; [`value::Avp`] is the typed value of
//! every attribute the control messages of section 6 use, with unknown and
//! vendor attributes kept as [`value::Avp::Unknown`]. Hidden values (section
//! 4.3) are in [`hidden`].

pub mod codes;
pub mod hidden;
pub mod value;

use core::fmt;

pub use codes::{
    Bearer, CallErrors, CdnResult, ErrorCode, Framing, ProtocolVersion, Q931Cause, ResultCode,
    StopCcnResult,
};
pub use value::Avp;

/// The M bit: a receiver that does not know the attribute must refuse the
/// message (section 4.1).
pub const FLAG_MANDATORY: u16 = 0x8000;
/// The H bit: the value is hidden (section 4.3).
pub const FLAG_HIDDEN: u16 = 0x4000;
/// The Length field's mask (10 bits).
pub const LENGTH_MASK: u16 = 0x03ff;
/// Octets of the AVP header: flags and Length, Vendor ID, Attribute Type.
pub const AVP_HEADER_LEN: usize = 6;
/// The longest value a 10-bit Length can carry.
pub const MAX_VALUE_LEN: usize = LENGTH_MASK as usize - AVP_HEADER_LEN;
/// The IETF's Vendor ID: the attributes of RFC 2661.
pub const IETF: u16 = 0;

enum_with_unknown! {
    /// The Attribute Type of an IETF AVP (section 4.4, IANA's "L2TP" registry).
    pub enum AvpType(u16) {
        /// Section 4.4.1.
        MessageType = 0,
        /// Section 4.4.2.
        ResultCode = 1,
        /// Section 4.4.3.
        ProtocolVersion = 2,
        /// Section 4.4.3.
        FramingCapabilities = 3,
        /// Section 4.4.3.
        BearerCapabilities = 4,
        /// Section 4.4.3.
        TieBreaker = 5,
        /// Section 4.4.3.
        FirmwareRevision = 6,
        /// Section 4.4.3.
        HostName = 7,
        /// Section 4.4.3.
        VendorName = 8,
        /// Section 4.4.3.
        AssignedTunnelId = 9,
        /// Section 4.4.3.
        ReceiveWindowSize = 10,
        /// Section 4.4.3.
        Challenge = 11,
        /// Section 4.4.2.
        Q931CauseCode = 12,
        /// Section 4.4.3.
        ChallengeResponse = 13,
        /// Section 4.4.4.
        AssignedSessionId = 14,
        /// Section 4.4.4.
        CallSerialNumber = 15,
        /// Section 4.4.4.
        MinimumBps = 16,
        /// Section 4.4.4.
        MaximumBps = 17,
        /// Section 4.4.4.
        BearerType = 18,
        /// Section 4.4.4.
        FramingType = 19,
        /// Section 4.4.4.
        CalledNumber = 21,
        /// Section 4.4.4.
        CallingNumber = 22,
        /// Section 4.4.4.
        SubAddress = 23,
        /// Section 4.4.5.
        TxConnectSpeed = 24,
        /// Section 4.4.5.
        PhysicalChannelId = 25,
        /// Section 4.4.5.
        InitialReceivedLcpConfReq = 26,
        /// Section 4.4.5.
        LastSentLcpConfReq = 27,
        /// Section 4.4.5.
        LastReceivedLcpConfReq = 28,
        /// Section 4.4.5.
        ProxyAuthenType = 29,
        /// Section 4.4.5.
        ProxyAuthenName = 30,
        /// Section 4.4.5.
        ProxyAuthenChallenge = 31,
        /// Section 4.4.5.
        ProxyAuthenId = 32,
        /// Section 4.4.5.
        ProxyAuthenResponse = 33,
        /// Section 4.4.6.
        CallErrors = 34,
        /// Section 4.4.6.
        Accm = 35,
        /// Section 4.4.3.
        RandomVector = 36,
        /// Section 4.4.5.
        PrivateGroupId = 37,
        /// Section 4.4.5.
        RxConnectSpeed = 38,
        /// Section 4.4.5.
        SequencingRequired = 39,
    }
}

/// What is wrong with one AVP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AvpErrorKind {
    /// The message ends inside the AVP's header or value.
    Truncated {
        /// Octets the AVP needs.
        needed: usize,
        /// Octets left in the message.
        available: usize,
    },
    /// The Length field is below the 6 octets of the header.
    BadLength(u16),
    /// The value's length does not fit the attribute's format.
    ValueLength {
        /// Octets of the value.
        len: usize,
    },
    /// A field of the value is out of range (a Receive Window of 0, an
    /// Error Message without an Error Code, ...).
    BadValue,
    /// A hidden value, but no shared secret is configured.
    HiddenWithoutSecret,
    /// A hidden value before any Random Vector AVP (section 4.3).
    HiddenWithoutRandomVector,
    /// A hidden value whose decoded Original Length is larger than what it
    /// hides: the secret is wrong or the value corrupt.
    HiddenBadLength,
    /// An attribute that must not be hidden (Message Type, Random Vector).
    MustNotBeHidden,
}

/// An AVP that does not parse: what is wrong, the attribute (when its
/// header was read) and where it starts in the message body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvpError {
    /// The octet offset of the AVP within the message body.
    pub offset: usize,
    /// The Vendor ID and Attribute Type, once the header was read.
    pub attribute: Option<(u16, u16)>,
    /// What is wrong.
    pub kind: AvpErrorKind,
}

impl fmt::Display for AvpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.attribute {
            Some((IETF, t)) => write!(f, "AVP {:?} at offset {}: ", AvpType::from(t), self.offset)?,
            Some((v, t)) => write!(f, "AVP {v}:{t} at offset {}: ", self.offset)?,
            None => write!(f, "AVP at offset {}: ", self.offset)?,
        }
        match self.kind {
            AvpErrorKind::Truncated { needed, available } => {
                write!(f, "needs {needed} octets, {available} left")
            }
            AvpErrorKind::BadLength(l) => write!(f, "Length {l} is shorter than the header"),
            AvpErrorKind::ValueLength { len } => write!(f, "a value of {len} octets is malformed"),
            AvpErrorKind::BadValue => write!(f, "a field is out of range"),
            AvpErrorKind::HiddenWithoutSecret => write!(f, "hidden, and no secret is configured"),
            AvpErrorKind::HiddenWithoutRandomVector => {
                write!(f, "hidden, with no Random Vector before it")
            }
            AvpErrorKind::HiddenBadLength => write!(f, "hidden value does not decode"),
            AvpErrorKind::MustNotBeHidden => write!(f, "must not be hidden"),
        }
    }
}

impl std::error::Error for AvpError {}

/// One AVP as framed on the wire, its value still as sent (hidden or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAvp<'a> {
    /// The M bit.
    pub mandatory: bool,
    /// The H bit.
    pub hidden: bool,
    /// The Vendor ID (0 for the IETF).
    pub vendor: u16,
    /// The Attribute Type.
    pub attribute: u16,
    /// The Attribute Value, as sent.
    pub value: &'a [u8],
}

impl<'a> RawAvp<'a> {
    /// Frames the AVP at `offset` of `body`. Returns it and the offset of
    /// the next one. The reserved bits are ignored (section 4.1: "MUST be
    /// set to 0 ... ignored on receipt" is not said for AVPs, but refusing
    /// them would gain nothing).
    pub fn parse(body: &'a [u8], offset: usize) -> Result<(RawAvp<'a>, usize), AvpError> {
        let rest = body.get(offset..).unwrap_or(&[]);
        let err = |attribute, kind| AvpError {
            offset,
            attribute,
            kind,
        };
        if rest.len() < AVP_HEADER_LEN {
            let kind = AvpErrorKind::Truncated {
                needed: AVP_HEADER_LEN,
                available: rest.len(),
            };
            return Err(err(None, kind));
        }
        let word = |i: usize| u16::from_be_bytes([rest[i], rest[i + 1]]);
        let (flags, vendor, attribute) = (word(0), word(2), word(4));
        let length = flags & LENGTH_MASK;
        let id = Some((vendor, attribute));
        if usize::from(length) < AVP_HEADER_LEN {
            return Err(err(id, AvpErrorKind::BadLength(length)));
        }
        let Some(value) = rest.get(AVP_HEADER_LEN..usize::from(length)) else {
            let kind = AvpErrorKind::Truncated {
                needed: usize::from(length),
                available: rest.len(),
            };
            return Err(err(id, kind));
        };
        let avp = RawAvp {
            mandatory: flags & FLAG_MANDATORY != 0,
            hidden: flags & FLAG_HIDDEN != 0,
            vendor,
            attribute,
            value,
        };
        Ok((avp, offset + usize::from(length)))
    }

    /// Appends an AVP with these fields. A value longer than
    /// [`MAX_VALUE_LEN`] is cut to it.
    pub fn append(
        mandatory: bool,
        hidden: bool,
        vendor: u16,
        attribute: u16,
        value: &[u8],
        out: &mut Vec<u8>,
    ) {
        let value = &value[..value.len().min(MAX_VALUE_LEN)];
        let mut flags = (AVP_HEADER_LEN + value.len()) as u16;
        if mandatory {
            flags |= FLAG_MANDATORY;
        }
        if hidden {
            flags |= FLAG_HIDDEN;
        }
        out.extend_from_slice(&flags.to_be_bytes());
        out.extend_from_slice(&vendor.to_be_bytes());
        out.extend_from_slice(&attribute.to_be_bytes());
        out.extend_from_slice(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Message Type SCCRQ, by hand from section 4.4.1: M, Length 8,
    /// Vendor 0, Attribute 0, value 1.
    static MESSAGE_TYPE_SCCRQ: [u8; 8] = [0x80, 0x08, 0, 0, 0, 0, 0, 1];

    #[test]
    fn deconstruct_message_type() {
        let (avp, next) = RawAvp::parse(&MESSAGE_TYPE_SCCRQ, 0).unwrap();
        assert!(avp.mandatory && !avp.hidden);
        assert_eq!((avp.vendor, avp.attribute), (0, 0));
        assert_eq!(avp.value, &[0, 1]);
        assert_eq!(next, 8);
    }

    #[test]
    fn construct_message_type() {
        let mut out = Vec::new();
        RawAvp::append(true, false, 0, 0, &[0, 1], &mut out);
        assert_eq!(out, MESSAGE_TYPE_SCCRQ);
    }

    #[test]
    fn truncated_and_bad_lengths_name_the_avp_and_offset() {
        let mut body = vec![0u8; 4];
        body.extend_from_slice(&MESSAGE_TYPE_SCCRQ[..7]);
        let e = RawAvp::parse(&body, 4).unwrap_err();
        assert_eq!(e.offset, 4);
        assert_eq!(e.attribute, Some((0, 0)));
        assert_eq!(
            e.kind,
            AvpErrorKind::Truncated {
                needed: 8,
                available: 7
            }
        );
        let e = RawAvp::parse(&body, 8).unwrap_err();
        assert_eq!(e.attribute, None);
        let short = [0x80, 0x05, 0, 0, 0, 7];
        let e = RawAvp::parse(&short, 0).unwrap_err();
        assert_eq!(e.kind, AvpErrorKind::BadLength(5));
        assert!(e.to_string().contains("HostName"));
        // An offset past the end is a truncation, not a panic.
        assert!(RawAvp::parse(&short, 100).is_err());
    }

    #[test]
    fn oversized_values_are_cut_to_the_length_field() {
        let mut out = Vec::new();
        RawAvp::append(false, false, 9, 1, &[7; 2000], &mut out);
        assert_eq!(out.len(), 1023);
        let (avp, next) = RawAvp::parse(&out, 0).unwrap();
        assert_eq!(avp.value.len(), MAX_VALUE_LEN);
        assert_eq!(next, 1023);
    }
}
