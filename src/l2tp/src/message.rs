//! Control messages (RFC 2661 sections 3.2, 4.1 and 6): a Message Type AVP
//! first, then the message's AVPs, hidden ones revealed with the tunnel's
//! shared secret (section 4.3).
//!
//! [`Message`] is the validated value of one control message's body.
//! [`Message::parse`] never panics; a body it refuses is a
//! [`MessageError`] naming the AVP and its offset. Which AVPs a message
//! must carry (section 6) is checked apart, by [`Message::check`], because
//! the answer to a missing AVP or an unknown mandatory one is the
//! protocol's (a StopCCN or a CDN, section 4.1), not the codec's.

use core::fmt;

use crate::avp::hidden;
use crate::avp::{Avp, AvpError, AvpErrorKind, AvpType, RawAvp, ResultCode, IETF};
use crate::header::{HeaderRepr, CONTROL_HEADER_LEN};

enum_with_unknown! {
    /// The Message Type AVP's value (section 3.2).
    pub enum MessageType(u16) {
        /// Start-Control-Connection-Request.
        Sccrq = 1,
        /// Start-Control-Connection-Reply.
        Sccrp = 2,
        /// Start-Control-Connection-Connected.
        Scccn = 3,
        /// Stop-Control-Connection-Notification.
        StopCcn = 4,
        /// Hello.
        Hello = 6,
        /// Outgoing-Call-Request.
        Ocrq = 7,
        /// Outgoing-Call-Reply.
        Ocrp = 8,
        /// Outgoing-Call-Connected.
        Occn = 9,
        /// Incoming-Call-Request.
        Icrq = 10,
        /// Incoming-Call-Reply.
        Icrp = 11,
        /// Incoming-Call-Connected.
        Iccn = 12,
        /// Call-Disconnect-Notify.
        Cdn = 14,
        /// WAN-Error-Notify.
        Wen = 15,
        /// Set-Link-Info.
        Sli = 16,
    }
}

impl MessageType {
    /// Whether the message belongs to the control connection as a whole
    /// (section 3.2's "Control Connection Management"), rather than to a
    /// call.
    pub fn is_tunnel_scope(self) -> bool {
        use MessageType as M;
        matches!(
            self,
            M::Sccrq | M::Sccrp | M::Scccn | M::StopCcn | M::Hello | M::Unknown(_)
        )
    }

    /// The AVPs section 6 requires besides the Message Type.
    pub fn required(self) -> &'static [AvpType] {
        use AvpType as A;
        use MessageType as M;
        match self {
            M::Sccrq | M::Sccrp => &[
                A::ProtocolVersion,
                A::HostName,
                A::FramingCapabilities,
                A::AssignedTunnelId,
            ],
            M::StopCcn => &[A::AssignedTunnelId, A::ResultCode],
            M::Icrq => &[A::AssignedSessionId, A::CallSerialNumber],
            M::Icrp | M::Ocrp => &[A::AssignedSessionId],
            M::Iccn | M::Occn => &[A::TxConnectSpeed, A::FramingType],
            M::Ocrq => &[
                A::AssignedSessionId,
                A::CallSerialNumber,
                A::MinimumBps,
                A::MaximumBps,
                A::BearerType,
                A::FramingType,
                A::CalledNumber,
            ],
            M::Cdn => &[A::ResultCode, A::AssignedSessionId],
            M::Wen => &[A::CallErrors],
            M::Sli => &[A::Accm],
            M::Scccn | M::Hello | M::Unknown(_) => &[],
        }
    }
}

/// One AVP of a message with its M and H bits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AvpEntry {
    /// The value.
    pub avp: Avp,
    /// The M bit.
    pub mandatory: bool,
    /// The H bit: hidden on the wire.
    pub hidden: bool,
}

impl AvpEntry {
    /// The AVP with the M bit section 4.4 gives it, not hidden.
    pub fn new(avp: Avp) -> AvpEntry {
        AvpEntry {
            mandatory: avp.default_mandatory(),
            avp,
            hidden: false,
        }
    }
}

/// Why a message body does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageError {
    /// The first AVP is not a plain, well-formed Message Type (section
    /// 4.4.1: it "MUST be the first AVP in a message").
    NoMessageType,
    /// An AVP does not parse.
    Avp(AvpError),
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::NoMessageType => write!(f, "the first AVP is not a Message Type"),
            MessageError::Avp(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MessageError {}

impl From<AvpError> for MessageError {
    fn from(e: AvpError) -> Self {
        MessageError::Avp(e)
    }
}

/// Why a well-formed message is refused (section 4.1, section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// An AVP we do not know, with the M bit set.
    UnknownMandatory {
        /// Its Vendor ID.
        vendor: u16,
        /// Its Attribute Type.
        attribute: u16,
    },
    /// An AVP section 6 requires is missing.
    Missing(AvpType),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownMandatory { vendor, attribute } => {
                write!(f, "unknown mandatory AVP {vendor}:{attribute}")
            }
            Refusal::Missing(t) => write!(f, "missing {t:?} AVP"),
        }
    }
}

/// A control message's body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    /// The Message Type.
    pub message_type: MessageType,
    /// The M bit of the Message Type AVP: an unknown type with it set
    /// clears the tunnel, without it the message is ignored (4.4.1).
    pub mandatory: bool,
    /// The AVPs after the Message Type, in order, revealed.
    pub avps: Vec<AvpEntry>,
}

impl Message {
    /// A message of `message_type` with these AVPs (M bits by section 4.4).
    pub fn new(message_type: MessageType, avps: impl IntoIterator<Item = Avp>) -> Message {
        Message {
            message_type,
            mandatory: true,
            avps: avps.into_iter().map(AvpEntry::new).collect(),
        }
    }

    /// Parses a control message's body (the octets after the header).
    /// `secret` reveals hidden AVPs; without it (or without a Random Vector
    /// before them) a hidden AVP with the M bit refuses the message and one
    /// without is ignored, as section 4.1 has unknown optional AVPs.
    pub fn parse(body: &[u8], secret: Option<&[u8]>) -> Result<Message, MessageError> {
        let (first, mut offset) = RawAvp::parse(body, 0)?;
        if first.vendor != IETF || first.attribute != 0 || first.hidden {
            return Err(MessageError::NoMessageType);
        }
        let Ok(Avp::MessageType(message_type)) = Avp::parse(IETF, 0, first.value) else {
            return Err(MessageError::NoMessageType);
        };
        let mut avps = Vec::new();
        let mut random_vector: Option<&[u8]> = None;
        while offset < body.len() {
            let (raw, next) = RawAvp::parse(body, offset)?;
            let err = |kind| AvpError {
                offset,
                attribute: Some((raw.vendor, raw.attribute)),
                kind,
            };
            let avp = if raw.hidden {
                match reveal(&raw, secret, random_vector).map_err(err)? {
                    Some(value) => Avp::parse(raw.vendor, raw.attribute, &value).map_err(err)?,
                    // Not mandatory and unreadable: ignored (section 4.1).
                    None => {
                        offset = next;
                        continue;
                    }
                }
            } else {
                Avp::parse(raw.vendor, raw.attribute, raw.value).map_err(err)?
            };
            if let Avp::RandomVector(_) = avp {
                random_vector = Some(raw.value);
            }
            avps.push(AvpEntry {
                avp,
                mandatory: raw.mandatory,
                hidden: raw.hidden,
            });
            offset = next;
        }
        Ok(Message {
            message_type,
            mandatory: first.mandatory,
            avps,
        })
    }

    /// Checks what the codec leaves to the protocol: no unknown AVP with
    /// the M bit (section 4.1), and every AVP section 6 requires.
    pub fn check(&self) -> Result<(), Refusal> {
        for e in &self.avps {
            if let Avp::Unknown {
                vendor, attribute, ..
            } = e.avp
            {
                if e.mandatory {
                    return Err(Refusal::UnknownMandatory { vendor, attribute });
                }
            }
        }
        for &t in self.message_type.required() {
            if self.find(t).is_none() {
                return Err(Refusal::Missing(t));
            }
        }
        Ok(())
    }

    /// The first AVP of IETF type `t`.
    pub fn find(&self, t: AvpType) -> Option<&Avp> {
        self.avps
            .iter()
            .map(|e| &e.avp)
            .find(|a| a.attribute_type() == t && a.id().0 == IETF)
    }

    /// Appends the body: the Message Type, then each AVP. An entry marked
    /// hidden is hidden with `secret` and the Random Vector before it; with
    /// no secret or no Random Vector before it, it is sent in the clear.
    pub fn emit(&self, secret: Option<&[u8]>, out: &mut Vec<u8>) {
        let mut value = Vec::new();
        Avp::MessageType(self.message_type).emit_value(&mut value);
        RawAvp::append(self.mandatory, false, IETF, 0, &value, out);
        let mut random_vector: Option<Vec<u8>> = None;
        for e in &self.avps {
            value.clear();
            e.avp.emit_value(&mut value);
            let (vendor, attribute) = e.avp.id();
            let mut hide = false;
            if let (true, Some(s), Some(rv)) = (e.hidden, secret, &random_vector) {
                value = hidden::hide(attribute, &value, s, rv, 0);
                hide = true;
            }
            RawAvp::append(e.mandatory, hide, vendor, attribute, &value, out);
            if let Avp::RandomVector(rv) = &e.avp {
                random_vector = Some(rv.clone());
            }
        }
    }

    /// The whole control message: `header` (its Length set here) and the
    /// body.
    pub fn encode(&self, header: HeaderRepr, secret: Option<&[u8]>) -> Vec<u8> {
        let mut out = vec![0; CONTROL_HEADER_LEN];
        self.emit(secret, &mut out);
        let length = out.len().min(usize::from(u16::MAX)) as u16;
        HeaderRepr {
            length: Some(length),
            ..header
        }
        .emit(&mut out);
        out
    }
}

/// Reveals a hidden AVP. `Ok(None)` when it cannot be read and need not be
/// (no secret or no Random Vector, and no M bit).
fn reveal(
    raw: &RawAvp<'_>,
    secret: Option<&[u8]>,
    rv: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, AvpErrorKind> {
    if raw.vendor == IETF
        && matches!(
            AvpType::from(raw.attribute),
            AvpType::MessageType | AvpType::RandomVector
        )
    {
        return Err(AvpErrorKind::MustNotBeHidden);
    }
    let (secret, rv) = match (secret, rv) {
        (Some(s), Some(rv)) => (s, rv),
        _ if !raw.mandatory => return Ok(None),
        (None, _) => return Err(AvpErrorKind::HiddenWithoutSecret),
        (Some(_), None) => return Err(AvpErrorKind::HiddenWithoutRandomVector),
    };
    match hidden::reveal(raw.attribute, raw.value, secret, rv) {
        Some(value) => Ok(Some(value)),
        None => Err(AvpErrorKind::HiddenBadLength),
    }
}

/// Typed readers of the AVPs the protocol uses.
macro_rules! getters {
    ($( $(#[$doc:meta])* $name:ident: $variant:ident => $ty:ty ),* $(,)?) => {
        impl Message {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Option<$ty> {
                    self.avps.iter().find_map(|e| match &e.avp {
                        Avp::$variant(v) => Some(v.clone()),
                        _ => None,
                    })
                }
            )*
        }
    };
}

getters! {
    /// The Assigned Tunnel ID.
    assigned_tunnel_id: AssignedTunnelId => u16,
    /// The Assigned Session ID.
    assigned_session_id: AssignedSessionId => u16,
    /// The Host Name.
    host_name: HostName => Vec<u8>,
    /// The Vendor Name.
    vendor_name: VendorName => Vec<u8>,
    /// The Result Code.
    result_code: ResultCode => ResultCode,
    /// The Challenge.
    challenge: Challenge => Vec<u8>,
    /// The Challenge Response.
    challenge_response: ChallengeResponse => [u8; 16],
    /// The Tie Breaker.
    tie_breaker: TieBreaker => [u8; 8],
    /// The Receive Window Size.
    receive_window: ReceiveWindowSize => u16,
    /// The Protocol Version.
    protocol_version: ProtocolVersion => crate::avp::ProtocolVersion,
    /// The Framing Capabilities.
    framing_capabilities: FramingCapabilities => crate::avp::Framing,
    /// The Bearer Capabilities.
    bearer_capabilities: BearerCapabilities => crate::avp::Bearer,
    /// The Call Serial Number.
    call_serial_number: CallSerialNumber => u32,
    /// The (Tx) Connect Speed.
    tx_connect_speed: TxConnectSpeed => u32,
    /// The Rx Connect Speed.
    rx_connect_speed: RxConnectSpeed => u32,
    /// The Framing Type.
    framing_type: FramingType => crate::avp::Framing,
    /// The Bearer Type.
    bearer_type: BearerType => crate::avp::Bearer,
    /// The Calling Number.
    calling_number: CallingNumber => Vec<u8>,
    /// The Called Number.
    called_number: CalledNumber => Vec<u8>,
    /// The Physical Channel ID.
    physical_channel_id: PhysicalChannelId => u32,
    /// The Call Errors.
    call_errors: CallErrors => crate::avp::CallErrors,
    /// The Q.931 Cause Code.
    q931_cause: Q931Cause => crate::avp::Q931Cause,
}

impl Message {
    /// The ACCM AVP: (send, receive).
    pub fn accm(&self) -> Option<(u32, u32)> {
        self.avps.iter().find_map(|e| match e.avp {
            Avp::Accm { send, recv } => Some((send, recv)),
            _ => None,
        })
    }

    /// Whether Sequencing Required is present.
    pub fn sequencing_required(&self) -> bool {
        self.find(AvpType::SequencingRequired).is_some()
    }

    /// Sets the H bit on every AVP of type `t` (the emitter needs a Random
    /// Vector before them and a secret to actually hide them).
    pub fn hide(&mut self, t: AvpType) {
        for e in &mut self.avps {
            if e.avp.attribute_type() == t {
                e.hidden = true;
            }
        }
    }
}

/// A result code carried as an owned Error Message is easy to build from
/// a refusal: the text names the AVP.
impl Refusal {
    /// The Result Code section 4.1 asks for: General error, with Error
    /// Code 8 for an unknown mandatory AVP and 2 ("Length is wrong" is
    /// the closest) for a missing one. `result` is 2 for both StopCCN and
    /// CDN, whose "General error" share the value.
    pub fn result_code(&self) -> ResultCode {
        let error = match self {
            Refusal::UnknownMandatory { .. } => crate::avp::ErrorCode::UnknownMandatoryAvp,
            Refusal::Missing(_) => crate::avp::ErrorCode::BadLength,
        };
        ResultCode {
            result: 2,
            error: Some(error),
            message: self.to_string().into_bytes(),
        }
    }
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
