//! The packet format every PPP control protocol shares (RFC 1661 section 5).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Code      |  Identifier   |            Length             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Data ...
//! +-+-+-+-+
//! ```
//!
//! LCP, IPCP, IPv6CP and CCP use it with the codes of [`Code`]; PAP and CHAP
//! use the same header with codes of their own, so the view works on the raw
//! code octet and [`Code`] names only the LCP family's values.
//!
//! # The no-panic contract
//!
//! After [`Packet::check_len`] (or [`Packet::new_checked`]) succeeds, no
//! accessor of [`Packet`] panics. [`Repr::parse`] never panics.
//! [`Repr::emit`] never panics on a buffer of at least [`Repr::buffer_len`]
//! octets. Use [`Packet::new_unchecked`] to emit into a reused buffer.

use core::fmt;

/// Octets in the Code, Identifier and Length fields.
pub const HEADER_LEN: usize = 4;

mod field {
    use core::ops::{Range, RangeFrom};
    pub(crate) const CODE: usize = 0;
    pub(crate) const IDENTIFIER: usize = 1;
    pub(crate) const LENGTH: Range<usize> = 2..4;
    pub(crate) const DATA: RangeFrom<usize> = 4..;
}

crate::enum_with_unknown! {
    /// The Code field of LCP and the other RFC 1661 style control protocols
    /// (RFC 1661 section 5, RFC 1570 sections 2.2 and 2.3, RFC 1962 section 3).
    pub enum Code(u8) {
        /// RFC 1661 section 5.1.
        ConfigureRequest = 1,
        /// RFC 1661 section 5.2.
        ConfigureAck = 2,
        /// RFC 1661 section 5.3.
        ConfigureNak = 3,
        /// RFC 1661 section 5.4.
        ConfigureReject = 4,
        /// RFC 1661 section 5.5.
        TerminateRequest = 5,
        /// RFC 1661 section 5.5.
        TerminateAck = 6,
        /// RFC 1661 section 5.6.
        CodeReject = 7,
        /// RFC 1661 section 5.7 (LCP only).
        ProtocolReject = 8,
        /// RFC 1661 section 5.8 (LCP only).
        EchoRequest = 9,
        /// RFC 1661 section 5.8 (LCP only).
        EchoReply = 10,
        /// RFC 1661 section 5.9 (LCP only).
        DiscardRequest = 11,
        /// RFC 1570 section 2.2 (LCP only).
        Identification = 12,
        /// RFC 1570 section 2.3 (LCP only).
        TimeRemaining = 13,
        /// RFC 1962 section 3 (CCP only).
        ResetRequest = 14,
        /// RFC 1962 section 3 (CCP only).
        ResetAck = 15,
    }
}

impl Code {
    /// The short name pppd prints in its frame log (`ConfReq`, `TermAck`, ...).
    pub fn pppd_name(self) -> Option<&'static str> {
        Some(match self {
            Code::ConfigureRequest => "ConfReq",
            Code::ConfigureAck => "ConfAck",
            Code::ConfigureNak => "ConfNak",
            Code::ConfigureReject => "ConfRej",
            Code::TerminateRequest => "TermReq",
            Code::TerminateAck => "TermAck",
            Code::CodeReject => "CodeRej",
            Code::ProtocolReject => "ProtRej",
            Code::EchoRequest => "EchoReq",
            Code::EchoReply => "EchoRep",
            Code::DiscardRequest => "DiscReq",
            Code::Identification => "Ident",
            Code::TimeRemaining => "TimeRem",
            Code::ResetRequest => "ResetReq",
            Code::ResetAck => "ResetAck",
            Code::Unknown(_) => return None,
        })
    }
}

/// Why a buffer is not a control packet. RFC 1661 section 5 says such a
/// packet is silently discarded; the caller counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// Fewer octets than the four of the header.
    Truncated {
        /// Octets received.
        available: usize,
    },
    /// The Length field is below 4, or larger than the octets received.
    BadLength {
        /// The Length field.
        length: u16,
        /// Octets received.
        available: usize,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WireError::Truncated { available } => {
                write!(f, "packet of {available} octets is shorter than its header")
            }
            WireError::BadLength { length, available } => {
                write!(
                    f,
                    "Length field {length} does not fit the {available} octets received"
                )
            }
        }
    }
}

impl std::error::Error for WireError {}

/// A zero-copy view of a control packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps a buffer without checking it. Accessors may panic until
    /// [`check_len`](Self::check_len) succeeds; for emitting into a buffer.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps a buffer and checks it with [`check_len`](Self::check_len).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks that every accessor can be used without panicking.
    ///
    /// Fails with [`WireError::Truncated`] when the buffer is shorter than
    /// the header, and with [`WireError::BadLength`] when the Length field is
    /// below 4 or larger than the buffer (RFC 1661 section 5: "When a packet
    /// is received with an invalid Length field, the packet is silently
    /// discarded"). Octets past Length are padding and are ignored.
    /// [`set_length`](Self::set_length) makes an earlier check stale.
    pub fn check_len(&self) -> Result<(), WireError> {
        let available = self.buffer.as_ref().len();
        if available < HEADER_LEN {
            return Err(WireError::Truncated { available });
        }
        let length = self.length();
        if usize::from(length) < HEADER_LEN || usize::from(length) > available {
            return Err(WireError::BadLength { length, available });
        }
        Ok(())
    }

    /// Returns the underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The Code field, as the raw octet.
    pub fn code(&self) -> u8 {
        self.buffer.as_ref()[field::CODE]
    }

    /// The Identifier field.
    pub fn identifier(&self) -> u8 {
        self.buffer.as_ref()[field::IDENTIFIER]
    }

    /// The Length field: the octets of the packet, header included.
    pub fn length(&self) -> u16 {
        let b = &self.buffer.as_ref()[field::LENGTH];
        u16::from_be_bytes([b[0], b[1]])
    }

    /// The Data field: the octets after the header, up to Length (padding
    /// excluded).
    pub fn data(&self) -> &[u8] {
        let end = usize::from(self.length());
        &self.buffer.as_ref()[field::DATA.start..end]
    }

    /// The packet itself, header included, without padding.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buffer.as_ref()[..usize::from(self.length())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the Code field.
    pub fn set_code(&mut self, code: u8) {
        self.buffer.as_mut()[field::CODE] = code;
    }

    /// Sets the Identifier field.
    pub fn set_identifier(&mut self, identifier: u8) {
        self.buffer.as_mut()[field::IDENTIFIER] = identifier;
    }

    /// Sets the Length field.
    pub fn set_length(&mut self, length: u16) {
        self.buffer.as_mut()[field::LENGTH].copy_from_slice(&length.to_be_bytes());
    }

    /// The Data field, writable, up to the Length field.
    pub fn data_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.length());
        &mut self.buffer.as_mut()[field::DATA.start..end]
    }
}

/// A parsed control packet: its header and its Data field.
///
/// Which Data a code carries (options, a rejected packet, a magic number) is
/// for the protocol to read; this type only frames it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// The Code field.
    pub code: u8,
    /// The Identifier field.
    pub identifier: u8,
    /// The Data field.
    pub data: &'a [u8],
}

impl<'a> Repr<'a> {
    /// The largest Data field a Length field can describe.
    pub const MAX_DATA_LEN: usize = u16::MAX as usize - HEADER_LEN;

    /// Parses a checked packet.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(
        packet: &'a Packet<&'a T>,
    ) -> Result<Repr<'a>, WireError> {
        packet.check_len()?;
        Ok(Repr {
            code: packet.code(),
            identifier: packet.identifier(),
            data: packet.data(),
        })
    }

    /// Parses a packet straight from its octets.
    pub fn parse_bytes(bytes: &'a [u8]) -> Result<Repr<'a>, WireError> {
        let packet = Packet::new_checked(bytes)?;
        let (code, identifier) = (packet.code(), packet.identifier());
        let end = usize::from(packet.length());
        Ok(Repr {
            code,
            identifier,
            data: &bytes[field::DATA.start..end],
        })
    }

    /// The octets [`emit`](Self::emit) writes. Data longer than
    /// [`MAX_DATA_LEN`](Self::MAX_DATA_LEN) is cut to it.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.data.len().min(Self::MAX_DATA_LEN)
    }

    /// Writes the packet into the first [`buffer_len`](Self::buffer_len)
    /// octets of `packet`; octets after them are left alone.
    ///
    /// # Panics
    /// When the buffer is shorter than [`buffer_len`](Self::buffer_len).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        let len = self.buffer_len();
        let data = &self.data[..len - HEADER_LEN];
        packet.set_code(self.code);
        packet.set_identifier(self.identifier);
        // `len` is at most u16::MAX by construction of buffer_len.
        packet.set_length(len as u16);
        packet.data_mut().copy_from_slice(data);
    }

    /// Appends the packet to `out`.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + self.buffer_len(), 0);
        self.emit(&mut Packet::new_unchecked(&mut out[start..]));
    }
}

impl fmt::Display for Repr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Code::from(self.code).pppd_name() {
            Some(name) => write!(f, "{name} id={:#x}", self.identifier)?,
            None => write!(f, "code={:#x} id={:#x}", self.code, self.identifier)?,
        }
        if !self.data.is_empty() {
            write!(f, " {} octets", self.data.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pppd's first LCP Configure-Request in the lab recipe's passing run,
    /// `sent [LCP ConfReq id=0x1 <mru 1400> <asyncmap 0x0> <magic 0xc93458f5>]`,
    /// from the Code field on.
    static CONFREQ: [u8; 20] = [
        0x01, 0x01, 0x00, 0x14, 0x01, 0x04, 0x05, 0x78, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x05,
        0x06, 0xc9, 0x34, 0x58, 0xf5,
    ];

    fn confreq() -> Vec<u8> {
        CONFREQ.to_vec()
    }

    #[test]
    fn deconstruct() {
        let bytes = confreq();
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(packet.code(), 1);
        assert_eq!(Code::from(packet.code()), Code::ConfigureRequest);
        assert_eq!(packet.identifier(), 1);
        assert_eq!(packet.length(), 20);
        assert_eq!(packet.data(), &bytes[4..]);
    }

    #[test]
    fn construct_into_poisoned_buffer() {
        let bytes = confreq();
        let mut buf = vec![0xa5; bytes.len()];
        let mut packet = Packet::new_unchecked(&mut buf[..]);
        packet.set_code(1);
        packet.set_identifier(1);
        packet.set_length(20);
        packet.data_mut().copy_from_slice(&bytes[4..]);
        assert_eq!(buf, bytes);
    }

    #[test]
    fn parse_and_emit_round_trip() {
        let bytes = confreq();
        let repr = Repr::parse_bytes(&bytes).unwrap();
        assert_eq!(repr.code, 1);
        assert_eq!(repr.identifier, 1);
        assert_eq!(repr.data.len(), 16);
        assert_eq!(repr.buffer_len(), bytes.len());
        let mut buf = vec![0xa5; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut buf[..]));
        assert_eq!(buf, bytes);
        let mut appended = vec![0xff];
        repr.append_to(&mut appended);
        assert_eq!(&appended[1..], &bytes[..]);
    }

    #[test]
    fn truncated_header() {
        for n in 0..HEADER_LEN {
            assert_eq!(
                Packet::new_checked(&CONFREQ[..n]),
                Err(WireError::Truncated { available: n })
            );
        }
    }

    #[test]
    fn length_below_header_is_rejected() {
        for length in 0..4u8 {
            let bytes = [1, 1, 0, length, 0, 0];
            assert_eq!(
                Packet::new_checked(&bytes[..]),
                Err(WireError::BadLength {
                    length: length.into(),
                    available: 6
                })
            );
        }
    }

    #[test]
    fn length_past_buffer_is_rejected() {
        let bytes = [1, 1, 0, 9, 0, 0, 0, 0];
        assert_eq!(
            Repr::parse_bytes(&bytes),
            Err(WireError::BadLength {
                length: 9,
                available: 8
            })
        );
    }

    #[test]
    fn padding_after_length_is_ignored() {
        let bytes = [5, 7, 0, 6, b'h', b'i', 0xde, 0xad];
        let repr = Repr::parse_bytes(&bytes).unwrap();
        assert_eq!(repr.data, b"hi");
        assert_eq!(
            Packet::new_checked(&bytes[..]).unwrap().as_bytes(),
            &bytes[..6]
        );
    }

    #[test]
    fn unknown_codes_are_data() {
        assert_eq!(Code::from(200), Code::Unknown(200));
        assert_eq!(u8::from(Code::Unknown(200)), 200);
        assert_eq!(Code::from(13), Code::TimeRemaining);
        let repr = Repr {
            code: 200,
            identifier: 3,
            data: &[],
        };
        assert_eq!(repr.to_string(), "code=0xc8 id=0x3");
    }

    #[test]
    fn oversized_data_is_cut_to_the_length_field() {
        let data = vec![0u8; 70_000];
        let repr = Repr {
            code: 9,
            identifier: 0,
            data: &data,
        };
        assert_eq!(repr.buffer_len(), 65_535);
        let mut out = Vec::new();
        repr.append_to(&mut out);
        assert_eq!(out.len(), 65_535);
        assert_eq!(
            Repr::parse_bytes(&out).unwrap().data.len(),
            Repr::MAX_DATA_LEN
        );
    }
}
