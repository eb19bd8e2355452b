//! The typed value of each AVP (RFC 2661 sections 4.4.1 to 4.4.6).
//!
//! [`Avp::parse`] reads an IETF attribute's (already revealed) value and
//! [`Avp::emit_value`] writes it back. Attributes this crate does not name,
//! and every vendor attribute, are [`Avp::Unknown`] with their value as
//! sent; whether that refuses the message is decided by its M bit (section
//! 4.1), by the caller.

use super::codes::{Bearer, CallErrors, Framing, ProtocolVersion, Q931Cause, ResultCode};
use super::{AvpErrorKind, AvpType, IETF};
use crate::message::MessageType;

/// One AVP's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Avp {
    /// Section 4.4.1.
    MessageType(MessageType),
    /// Section 4.4.2.
    ResultCode(ResultCode),
    /// Section 4.4.3.
    ProtocolVersion(ProtocolVersion),
    /// Section 4.4.3.
    FramingCapabilities(Framing),
    /// Section 4.4.3.
    BearerCapabilities(Bearer),
    /// Section 4.4.3.
    TieBreaker([u8; 8]),
    /// Section 4.4.3.
    FirmwareRevision(u16),
    /// Section 4.4.3.
    HostName(Vec<u8>),
    /// Section 4.4.3.
    VendorName(Vec<u8>),
    /// Section 4.4.3.
    AssignedTunnelId(u16),
    /// Section 4.4.3; never 0.
    ReceiveWindowSize(u16),
    /// Section 4.4.3.
    Challenge(Vec<u8>),
    /// Section 4.4.2.
    Q931Cause(Q931Cause),
    /// Section 4.4.3.
    ChallengeResponse([u8; 16]),
    /// Section 4.4.4.
    AssignedSessionId(u16),
    /// Section 4.4.4.
    CallSerialNumber(u32),
    /// Section 4.4.4.
    MinimumBps(u32),
    /// Section 4.4.4.
    MaximumBps(u32),
    /// Section 4.4.4.
    BearerType(Bearer),
    /// Section 4.4.4.
    FramingType(Framing),
    /// Section 4.4.4.
    CalledNumber(Vec<u8>),
    /// Section 4.4.4.
    CallingNumber(Vec<u8>),
    /// Section 4.4.4.
    SubAddress(Vec<u8>),
    /// Section 4.4.5.
    TxConnectSpeed(u32),
    /// Section 4.4.5.
    PhysicalChannelId(u32),
    /// Section 4.4.5, kept as data.
    InitialReceivedLcpConfReq(Vec<u8>),
    /// Section 4.4.5, kept as data.
    LastSentLcpConfReq(Vec<u8>),
    /// Section 4.4.5, kept as data.
    LastReceivedLcpConfReq(Vec<u8>),
    /// Section 4.4.5, kept as data.
    ProxyAuthenType(u16),
    /// Section 4.4.5, kept as data.
    ProxyAuthenName(Vec<u8>),
    /// Section 4.4.5, kept as data.
    ProxyAuthenChallenge(Vec<u8>),
    /// Section 4.4.5: the identifier octet after a reserved one.
    ProxyAuthenId(u8),
    /// Section 4.4.5, kept as data.
    ProxyAuthenResponse(Vec<u8>),
    /// Section 4.4.6.
    CallErrors(CallErrors),
    /// Section 4.4.6: the Send and Receive ACCM.
    Accm {
        /// The ACCM the LAC uses to send.
        send: u32,
        /// The ACCM the LAC expects to receive.
        recv: u32,
    },
    /// Section 4.4.3.
    RandomVector(Vec<u8>),
    /// Section 4.4.5.
    PrivateGroupId(Vec<u8>),
    /// Section 4.4.5.
    RxConnectSpeed(u32),
    /// Section 4.4.5: no value.
    SequencingRequired,
    /// Any other attribute, vendor attributes included, kept as data.
    Unknown {
        /// The Vendor ID.
        vendor: u16,
        /// The Attribute Type.
        attribute: u16,
        /// The value as received.
        value: Vec<u8>,
    },
}

fn fixed<const N: usize>(value: &[u8]) -> Result<[u8; N], AvpErrorKind> {
    value
        .try_into()
        .map_err(|_| AvpErrorKind::ValueLength { len: value.len() })
}

fn u16_of(value: &[u8]) -> Result<u16, AvpErrorKind> {
    fixed::<2>(value).map(u16::from_be_bytes)
}

fn u32_of(value: &[u8]) -> Result<u32, AvpErrorKind> {
    fixed::<4>(value).map(u32::from_be_bytes)
}

fn bad_len(value: &[u8]) -> AvpErrorKind {
    AvpErrorKind::ValueLength { len: value.len() }
}

impl Avp {
    /// Reads the value of attribute `attribute` from `vendor`.
    pub fn parse(vendor: u16, attribute: u16, value: &[u8]) -> Result<Avp, AvpErrorKind> {
        if vendor != IETF {
            return Ok(Avp::Unknown {
                vendor,
                attribute,
                value: value.to_vec(),
            });
        }
        let bytes = || value.to_vec();
        use AvpType as T;
        Ok(match AvpType::from(attribute) {
            T::MessageType => Avp::MessageType(u16_of(value)?.into()),
            T::ResultCode => Avp::ResultCode(ResultCode::parse(value).ok_or(bad_len(value))?),
            T::ProtocolVersion => {
                let [version, revision] = fixed(value)?;
                Avp::ProtocolVersion(ProtocolVersion { version, revision })
            }
            T::FramingCapabilities => Avp::FramingCapabilities(Framing(u32_of(value)?)),
            T::BearerCapabilities => Avp::BearerCapabilities(Bearer(u32_of(value)?)),
            T::TieBreaker => Avp::TieBreaker(fixed(value)?),
            T::FirmwareRevision => Avp::FirmwareRevision(u16_of(value)?),
            T::HostName => Avp::HostName(bytes()),
            T::VendorName => Avp::VendorName(bytes()),
            T::AssignedTunnelId => Avp::AssignedTunnelId(u16_of(value)?),
            T::ReceiveWindowSize => match u16_of(value)? {
                0 => return Err(AvpErrorKind::BadValue),
                n => Avp::ReceiveWindowSize(n),
            },
            T::Challenge if value.is_empty() => return Err(bad_len(value)),
            T::Challenge => Avp::Challenge(bytes()),
            T::Q931CauseCode => {
                let [c0, c1, message] = fixed(value.get(..3).ok_or(bad_len(value))?)?;
                Avp::Q931Cause(Q931Cause {
                    cause: u16::from_be_bytes([c0, c1]),
                    message,
                    advisory: value[3..].to_vec(),
                })
            }
            T::ChallengeResponse => Avp::ChallengeResponse(fixed(value)?),
            T::AssignedSessionId => Avp::AssignedSessionId(u16_of(value)?),
            T::CallSerialNumber => Avp::CallSerialNumber(u32_of(value)?),
            T::MinimumBps => Avp::MinimumBps(u32_of(value)?),
            T::MaximumBps => Avp::MaximumBps(u32_of(value)?),
            T::BearerType => Avp::BearerType(Bearer(u32_of(value)?)),
            T::FramingType => Avp::FramingType(Framing(u32_of(value)?)),
            T::CalledNumber => Avp::CalledNumber(bytes()),
            T::CallingNumber => Avp::CallingNumber(bytes()),
            T::SubAddress => Avp::SubAddress(bytes()),
            T::TxConnectSpeed => Avp::TxConnectSpeed(u32_of(value)?),
            T::PhysicalChannelId => Avp::PhysicalChannelId(u32_of(value)?),
            T::InitialReceivedLcpConfReq => Avp::InitialReceivedLcpConfReq(bytes()),
            T::LastSentLcpConfReq => Avp::LastSentLcpConfReq(bytes()),
            T::LastReceivedLcpConfReq => Avp::LastReceivedLcpConfReq(bytes()),
            T::ProxyAuthenType => Avp::ProxyAuthenType(u16_of(value)?),
            T::ProxyAuthenName => Avp::ProxyAuthenName(bytes()),
            T::ProxyAuthenChallenge => Avp::ProxyAuthenChallenge(bytes()),
            T::ProxyAuthenId => Avp::ProxyAuthenId(fixed::<2>(value)?[1]),
            T::ProxyAuthenResponse => Avp::ProxyAuthenResponse(bytes()),
            T::CallErrors => Avp::CallErrors(CallErrors::parse(value).ok_or(bad_len(value))?),
            T::Accm => {
                let v: [u8; 10] = fixed(value)?;
                Avp::Accm {
                    send: u32::from_be_bytes([v[2], v[3], v[4], v[5]]),
                    recv: u32::from_be_bytes([v[6], v[7], v[8], v[9]]),
                }
            }
            T::RandomVector if value.is_empty() => return Err(bad_len(value)),
            T::RandomVector => Avp::RandomVector(bytes()),
            T::PrivateGroupId => Avp::PrivateGroupId(bytes()),
            T::RxConnectSpeed => Avp::RxConnectSpeed(u32_of(value)?),
            T::SequencingRequired if !value.is_empty() => return Err(bad_len(value)),
            T::SequencingRequired => Avp::SequencingRequired,
            T::Unknown(_) => Avp::Unknown {
                vendor,
                attribute,
                value: bytes(),
            },
        })
    }

    /// The Vendor ID and Attribute Type.
    pub fn id(&self) -> (u16, u16) {
        match self {
            Avp::Unknown {
                vendor, attribute, ..
            } => (*vendor, *attribute),
            known => (IETF, u16::from(known.attribute_type())),
        }
    }

    /// The Attribute Type of an IETF attribute (`Unknown` for others).
    pub fn attribute_type(&self) -> AvpType {
        use AvpType as T;
        match self {
            Avp::MessageType(_) => T::MessageType,
            Avp::ResultCode(_) => T::ResultCode,
            Avp::ProtocolVersion(_) => T::ProtocolVersion,
            Avp::FramingCapabilities(_) => T::FramingCapabilities,
            Avp::BearerCapabilities(_) => T::BearerCapabilities,
            Avp::TieBreaker(_) => T::TieBreaker,
            Avp::FirmwareRevision(_) => T::FirmwareRevision,
            Avp::HostName(_) => T::HostName,
            Avp::VendorName(_) => T::VendorName,
            Avp::AssignedTunnelId(_) => T::AssignedTunnelId,
            Avp::ReceiveWindowSize(_) => T::ReceiveWindowSize,
            Avp::Challenge(_) => T::Challenge,
            Avp::Q931Cause(_) => T::Q931CauseCode,
            Avp::ChallengeResponse(_) => T::ChallengeResponse,
            Avp::AssignedSessionId(_) => T::AssignedSessionId,
            Avp::CallSerialNumber(_) => T::CallSerialNumber,
            Avp::MinimumBps(_) => T::MinimumBps,
            Avp::MaximumBps(_) => T::MaximumBps,
            Avp::BearerType(_) => T::BearerType,
            Avp::FramingType(_) => T::FramingType,
            Avp::CalledNumber(_) => T::CalledNumber,
            Avp::CallingNumber(_) => T::CallingNumber,
            Avp::SubAddress(_) => T::SubAddress,
            Avp::TxConnectSpeed(_) => T::TxConnectSpeed,
            Avp::PhysicalChannelId(_) => T::PhysicalChannelId,
            Avp::InitialReceivedLcpConfReq(_) => T::InitialReceivedLcpConfReq,
            Avp::LastSentLcpConfReq(_) => T::LastSentLcpConfReq,
            Avp::LastReceivedLcpConfReq(_) => T::LastReceivedLcpConfReq,
            Avp::ProxyAuthenType(_) => T::ProxyAuthenType,
            Avp::ProxyAuthenName(_) => T::ProxyAuthenName,
            Avp::ProxyAuthenChallenge(_) => T::ProxyAuthenChallenge,
            Avp::ProxyAuthenId(_) => T::ProxyAuthenId,
            Avp::ProxyAuthenResponse(_) => T::ProxyAuthenResponse,
            Avp::CallErrors(_) => T::CallErrors,
            Avp::Accm { .. } => T::Accm,
            Avp::RandomVector(_) => T::RandomVector,
            Avp::PrivateGroupId(_) => T::PrivateGroupId,
            Avp::RxConnectSpeed(_) => T::RxConnectSpeed,
            Avp::SequencingRequired => T::SequencingRequired,
            Avp::Unknown {
                vendor: IETF,
                attribute,
                ..
            } => T::Unknown(*attribute),
            Avp::Unknown { .. } => T::Unknown(u16::MAX),
        }
    }

    /// The M bit section 4.4 gives the attribute when we send it: clear
    /// for Tie Breaker, Firmware Revision, Vendor Name, Physical Channel
    /// ID, the proxy LCP and authentication AVPs, Private Group ID and Rx
    /// Connect Speed; set for the others.
    pub fn default_mandatory(&self) -> bool {
        use AvpType as T;
        !matches!(
            self.attribute_type(),
            T::TieBreaker
                | T::FirmwareRevision
                | T::VendorName
                | T::PhysicalChannelId
                | T::InitialReceivedLcpConfReq
                | T::LastSentLcpConfReq
                | T::LastReceivedLcpConfReq
                | T::ProxyAuthenType
                | T::ProxyAuthenName
                | T::ProxyAuthenChallenge
                | T::ProxyAuthenId
                | T::ProxyAuthenResponse
                | T::PrivateGroupId
                | T::RxConnectSpeed
        )
    }

    /// Appends the value (not hidden, no header).
    pub fn emit_value(&self, out: &mut Vec<u8>) {
        match self {
            Avp::MessageType(t) => out.extend_from_slice(&u16::from(*t).to_be_bytes()),
            Avp::ResultCode(r) => r.emit(out),
            Avp::ProtocolVersion(v) => out.extend_from_slice(&[v.version, v.revision]),
            Avp::FramingCapabilities(Framing(n))
            | Avp::FramingType(Framing(n))
            | Avp::BearerCapabilities(Bearer(n))
            | Avp::BearerType(Bearer(n))
            | Avp::CallSerialNumber(n)
            | Avp::MinimumBps(n)
            | Avp::MaximumBps(n)
            | Avp::TxConnectSpeed(n)
            | Avp::PhysicalChannelId(n)
            | Avp::RxConnectSpeed(n) => out.extend_from_slice(&n.to_be_bytes()),
            Avp::TieBreaker(b) => out.extend_from_slice(b),
            Avp::ChallengeResponse(b) => out.extend_from_slice(b),
            Avp::FirmwareRevision(n)
            | Avp::AssignedTunnelId(n)
            | Avp::ReceiveWindowSize(n)
            | Avp::AssignedSessionId(n)
            | Avp::ProxyAuthenType(n) => out.extend_from_slice(&n.to_be_bytes()),
            Avp::HostName(b)
            | Avp::VendorName(b)
            | Avp::Challenge(b)
            | Avp::CalledNumber(b)
            | Avp::CallingNumber(b)
            | Avp::SubAddress(b)
            | Avp::InitialReceivedLcpConfReq(b)
            | Avp::LastSentLcpConfReq(b)
            | Avp::LastReceivedLcpConfReq(b)
            | Avp::ProxyAuthenName(b)
            | Avp::ProxyAuthenChallenge(b)
            | Avp::ProxyAuthenResponse(b)
            | Avp::RandomVector(b)
            | Avp::PrivateGroupId(b)
            | Avp::Unknown { value: b, .. } => out.extend_from_slice(b),
            Avp::Q931Cause(q) => {
                out.extend_from_slice(&q.cause.to_be_bytes());
                out.push(q.message);
                out.extend_from_slice(&q.advisory);
            }
            Avp::ProxyAuthenId(id) => out.extend_from_slice(&[0, *id]),
            Avp::CallErrors(e) => e.emit(out),
            Avp::Accm { send, recv } => {
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&send.to_be_bytes());
                out.extend_from_slice(&recv.to_be_bytes());
            }
            Avp::SequencingRequired => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avp::{CallErrors, ErrorCode};

    fn round_trip(avp: Avp) {
        let mut value = Vec::new();
        avp.emit_value(&mut value);
        let (vendor, attribute) = avp.id();
        assert_eq!(Avp::parse(vendor, attribute, &value), Ok(avp));
    }

    #[test]
    fn every_attribute_round_trips() {
        let all = [
            Avp::MessageType(MessageType::Sccrq),
            Avp::ResultCode(ResultCode {
                result: 2,
                error: Some(ErrorCode::BadLength),
                message: b"x".to_vec(),
            }),
            Avp::ProtocolVersion(ProtocolVersion::RFC2661),
            Avp::FramingCapabilities(Framing::BOTH),
            Avp::BearerCapabilities(Bearer::ANALOG),
            Avp::TieBreaker([1, 2, 3, 4, 5, 6, 7, 8]),
            Avp::FirmwareRevision(0x0690),
            Avp::HostName(b"lac".to_vec()),
            Avp::VendorName(b"rppp".to_vec()),
            Avp::AssignedTunnelId(7),
            Avp::ReceiveWindowSize(4),
            Avp::Challenge(vec![9; 16]),
            Avp::Q931Cause(Q931Cause {
                cause: 16,
                message: 1,
                advisory: b"bye".to_vec(),
            }),
            Avp::ChallengeResponse([3; 16]),
            Avp::AssignedSessionId(9),
            Avp::CallSerialNumber(77),
            Avp::MinimumBps(1),
            Avp::MaximumBps(2),
            Avp::BearerType(Bearer::DIGITAL),
            Avp::FramingType(Framing::SYNC),
            Avp::CalledNumber(b"555".to_vec()),
            Avp::CallingNumber(b"556".to_vec()),
            Avp::SubAddress(b"1".to_vec()),
            Avp::TxConnectSpeed(10_000_000),
            Avp::PhysicalChannelId(3),
            Avp::InitialReceivedLcpConfReq(vec![1, 4, 5, 0xdc]),
            Avp::LastSentLcpConfReq(vec![]),
            Avp::LastReceivedLcpConfReq(vec![5, 6, 1, 2, 3, 4]),
            Avp::ProxyAuthenType(2),
            Avp::ProxyAuthenName(b"joe".to_vec()),
            Avp::ProxyAuthenChallenge(vec![1; 16]),
            Avp::ProxyAuthenId(5),
            Avp::ProxyAuthenResponse(vec![2; 16]),
            Avp::CallErrors(CallErrors::default()),
            Avp::Accm {
                send: 0xffff_ffff,
                recv: 0,
            },
            Avp::RandomVector(vec![0xaa; 16]),
            Avp::PrivateGroupId(b"g".to_vec()),
            Avp::RxConnectSpeed(9600),
            Avp::SequencingRequired,
            Avp::Unknown {
                vendor: 0,
                attribute: 20,
                value: vec![1],
            },
            Avp::Unknown {
                vendor: 311,
                attribute: 1,
                value: vec![2],
            },
        ];
        for avp in all {
            round_trip(avp);
        }
    }

    #[test]
    fn malformed_values_are_refused() {
        assert_eq!(
            Avp::parse(0, 9, &[1]),
            Err(AvpErrorKind::ValueLength { len: 1 })
        );
        assert_eq!(Avp::parse(0, 10, &[0, 0]), Err(AvpErrorKind::BadValue));
        assert!(Avp::parse(0, 12, &[0, 1]).is_err());
        assert!(Avp::parse(0, 35, &[0; 9]).is_err());
        assert!(Avp::parse(0, 39, &[0]).is_err());
        assert!(Avp::parse(0, 11, &[]).is_err());
        assert!(Avp::parse(0, 13, &[0; 15]).is_err());
    }

    #[test]
    fn mandatory_bits_follow_section_4_4() {
        assert!(Avp::HostName(vec![]).default_mandatory());
        assert!(!Avp::TieBreaker([0; 8]).default_mandatory());
        assert!(!Avp::VendorName(vec![]).default_mandatory());
        assert!(Avp::Accm { send: 0, recv: 0 }.default_mandatory());
    }
}
