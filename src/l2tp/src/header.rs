//! The L2TP header (RFC 2661 section 3.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Tunnel ID           |           Session ID          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |             Ns (opt)          |             Nr (opt)          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Offset Size (opt)        |    Offset pad... (opt)
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Control messages have T, L and S set and O clear; a control message
//! without them is malformed and discarded. Reserved bits are ignored on
//! receipt and written as zero. A Ver other than 2 is discarded (section
//! 3.1: "Packets received with an unknown Ver field MUST be discarded").
//!
//! # The no-panic contract
//!
//! [`HeaderRepr::parse`] never panics, whatever the input. [`HeaderRepr::emit`]
//! never panics on a buffer of at least [`HeaderRepr::buffer_len`] octets.

use core::fmt;

/// The T bit: a control message.
pub const FLAG_TYPE: u16 = 0x8000;
/// The L bit: the Length field is present.
pub const FLAG_LENGTH: u16 = 0x4000;
/// The S bit: the Ns and Nr fields are present.
pub const FLAG_SEQUENCE: u16 = 0x0800;
/// The O bit: the Offset Size field is present.
pub const FLAG_OFFSET: u16 = 0x0200;
/// The P bit: a data message to be given priority.
pub const FLAG_PRIORITY: u16 = 0x0100;
/// The Ver field's mask.
pub const VERSION_MASK: u16 = 0x000f;
/// The only version this crate speaks.
pub const VERSION: u16 = 2;
/// The header of every control message: flags, Length, Tunnel ID,
/// Session ID, Ns, Nr.
pub const CONTROL_HEADER_LEN: usize = 12;
/// Where Nr sits in a control message's header; a retransmission
/// rewrites it.
pub const NR_OFFSET: usize = 10;

/// Why a datagram is not an L2TP message. Section 3.1 has such datagrams
/// discarded; the caller counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// The datagram ends inside the header.
    Truncated {
        /// Octets the header needs so far.
        needed: usize,
        /// Octets received.
        available: usize,
    },
    /// The Ver field is not 2 (1 is L2F, 3 is L2TPv3).
    Version(u8),
    /// A control message without the L or S bit, or with the O bit.
    ControlFlags(u16),
    /// The Length field is shorter than the header or longer than the
    /// datagram.
    BadLength {
        /// The Length field.
        length: u16,
        /// Octets received.
        available: usize,
    },
    /// The Offset Size points past the message.
    BadOffset {
        /// The Offset Size field.
        offset: u16,
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HeaderError::Truncated { needed, available } => {
                write!(f, "header needs {needed} octets, datagram has {available}")
            }
            HeaderError::Version(v) => write!(f, "version {v} is not L2TPv2"),
            HeaderError::ControlFlags(flags) => {
                write!(
                    f,
                    "control message with flags {flags:#06x} (needs L and S, no O)"
                )
            }
            HeaderError::BadLength { length, available } => {
                write!(
                    f,
                    "Length field {length} does not fit the {available} octets"
                )
            }
            HeaderError::BadOffset { offset } => {
                write!(f, "Offset Size {offset} points past the message")
            }
        }
    }
}

impl std::error::Error for HeaderError {}

/// A parsed L2TP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRepr {
    /// The T bit: a control message (else a data message).
    pub control: bool,
    /// The Length field, when the L bit is set.
    pub length: Option<u16>,
    /// The Tunnel ID: the receiver's identifier of the control connection.
    pub tunnel_id: u16,
    /// The Session ID: the receiver's identifier of the session, 0 for the
    /// tunnel itself.
    pub session_id: u16,
    /// Ns and Nr, when the S bit is set.
    pub sequence: Option<(u16, u16)>,
    /// The Offset Size, when the O bit is set.
    pub offset: Option<u16>,
    /// The P bit.
    pub priority: bool,
}

impl HeaderRepr {
    /// The header of a control message with these identifiers and numbers.
    /// Its Length is filled in by [`emit`](Self::emit)'s caller.
    pub fn control(tunnel_id: u16, session_id: u16, ns: u16, nr: u16) -> HeaderRepr {
        HeaderRepr {
            control: true,
            length: Some(CONTROL_HEADER_LEN as u16),
            tunnel_id,
            session_id,
            sequence: Some((ns, nr)),
            offset: None,
            priority: false,
        }
    }

    /// Parses the header at the start of `datagram`. Returns it and the
    /// range of the payload: after the header (and offset padding), up to
    /// Length when present; octets after Length are ignored.
    pub fn parse(datagram: &[u8]) -> Result<(HeaderRepr, core::ops::Range<usize>), HeaderError> {
        let available = datagram.len();
        let word = |at: usize| -> Result<u16, HeaderError> {
            match datagram.get(at..at + 2) {
                Some(b) => Ok(u16::from_be_bytes([b[0], b[1]])),
                None => Err(HeaderError::Truncated {
                    needed: at + 2,
                    available,
                }),
            }
        };
        let flags = word(0)?;
        let version = flags & VERSION_MASK;
        if version != VERSION {
            return Err(HeaderError::Version(version as u8));
        }
        let control = flags & FLAG_TYPE != 0;
        let has_length = flags & FLAG_LENGTH != 0;
        let has_sequence = flags & FLAG_SEQUENCE != 0;
        let has_offset = flags & FLAG_OFFSET != 0;
        if control && (!has_length || !has_sequence || has_offset) {
            return Err(HeaderError::ControlFlags(flags));
        }
        let mut at = 2;
        let length = if has_length {
            at += 2;
            Some(word(2)?)
        } else {
            None
        };
        let tunnel_id = word(at)?;
        let session_id = word(at + 2)?;
        at += 4;
        let sequence = if has_sequence {
            at += 4;
            Some((word(at - 4)?, word(at - 2)?))
        } else {
            None
        };
        let offset = if has_offset {
            at += 2;
            Some(word(at - 2)?)
        } else {
            None
        };
        let end = match length {
            Some(l) if usize::from(l) < at || usize::from(l) > available => {
                return Err(HeaderError::BadLength {
                    length: l,
                    available,
                })
            }
            Some(l) => usize::from(l),
            None => available,
        };
        let start = at + usize::from(offset.unwrap_or(0));
        if start > end {
            return Err(HeaderError::BadOffset {
                offset: offset.unwrap_or(0),
            });
        }
        let repr = HeaderRepr {
            control,
            length,
            tunnel_id,
            session_id,
            sequence,
            offset,
            priority: flags & FLAG_PRIORITY != 0,
        };
        Ok((repr, start..end))
    }

    /// The flags word this header writes.
    pub fn flags(&self) -> u16 {
        let mut flags = VERSION;
        let bits = [
            (self.control, FLAG_TYPE),
            (self.length.is_some(), FLAG_LENGTH),
            (self.sequence.is_some(), FLAG_SEQUENCE),
            (self.offset.is_some(), FLAG_OFFSET),
            (self.priority, FLAG_PRIORITY),
        ];
        for (set, bit) in bits {
            if set {
                flags |= bit;
            }
        }
        flags
    }

    /// The octets [`emit`](Self::emit) writes (offset padding excluded).
    pub fn buffer_len(&self) -> usize {
        6 + 2 * usize::from(self.length.is_some())
            + 4 * usize::from(self.sequence.is_some())
            + 2 * usize::from(self.offset.is_some())
    }

    /// Writes the header into the first [`buffer_len`](Self::buffer_len)
    /// octets of `buf`.
    ///
    /// # Panics
    /// When `buf` is shorter than [`buffer_len`](Self::buffer_len).
    pub fn emit(&self, buf: &mut [u8]) {
        let mut words = Vec::with_capacity(6);
        words.push(self.flags());
        words.extend(self.length);
        words.push(self.tunnel_id);
        words.push(self.session_id);
        if let Some((ns, nr)) = self.sequence {
            words.extend([ns, nr]);
        }
        words.extend(self.offset);
        for (i, w) in words.iter().enumerate() {
            buf[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
        }
    }
}

impl fmt::Display for HeaderRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.control { "ctrl" } else { "data" };
        write!(f, "{kind} tid={} sid={}", self.tunnel_id, self.session_id)?;
        if let Some((ns, nr)) = self.sequence {
            write!(f, " ns={ns} nr={nr}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ZLB acknowledgement by hand from section 3.1: T, L, S, Ver 2,
    /// Length 12, Tunnel ID 0x1234, Session ID 0, Ns 3, Nr 7.
    static ZLB: [u8; 12] = [
        0xc8, 0x02, 0x00, 0x0c, 0x12, 0x34, 0x00, 0x00, 0x00, 0x03, 0x00, 0x07,
    ];

    /// A data message with no optional fields: Ver 2, Tunnel ID 1,
    /// Session ID 2, then PPP (ff 03 c0 21).
    static DATA: [u8; 10] = [0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0xff, 0x03, 0xc0, 0x21];

    #[test]
    fn deconstruct_zlb() {
        let (h, payload) = HeaderRepr::parse(&ZLB).unwrap();
        assert_eq!(h, HeaderRepr::control(0x1234, 0, 3, 7));
        assert!(payload.is_empty());
        assert_eq!(payload.start, CONTROL_HEADER_LEN);
    }

    #[test]
    fn construct_zlb_into_poisoned_buffer() {
        let h = HeaderRepr::control(0x1234, 0, 3, 7);
        let mut buf = [0xa5; 12];
        h.emit(&mut buf);
        assert_eq!(buf, ZLB);
        assert_eq!(h.buffer_len(), 12);
    }

    #[test]
    fn data_message_without_options() {
        let (h, payload) = HeaderRepr::parse(&DATA).unwrap();
        assert!(!h.control);
        assert_eq!((h.tunnel_id, h.session_id), (1, 2));
        assert_eq!(h.sequence, None);
        assert_eq!(&DATA[payload], &[0xff, 0x03, 0xc0, 0x21]);
    }

    #[test]
    fn data_message_with_offset_padding() {
        // O bit, Offset Size 2, two pad octets, one payload octet.
        let bytes = [0x02, 0x02, 0, 1, 0, 2, 0, 2, 0xee, 0xee, 0x7e];
        let (h, payload) = HeaderRepr::parse(&bytes).unwrap();
        assert_eq!(h.offset, Some(2));
        assert_eq!(&bytes[payload], &[0x7e]);
        let bad = [0x02, 0x02, 0, 1, 0, 2, 0, 9];
        assert_eq!(
            HeaderRepr::parse(&bad),
            Err(HeaderError::BadOffset { offset: 9 })
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        for n in 0..ZLB.len() {
            assert!(matches!(
                HeaderRepr::parse(&ZLB[..n]),
                Err(HeaderError::Truncated { .. }) | Err(HeaderError::BadLength { .. })
            ));
        }
    }

    #[test]
    fn refusals() {
        let mut v3 = ZLB;
        v3[1] = 0x03;
        assert_eq!(HeaderRepr::parse(&v3), Err(HeaderError::Version(3)));
        let mut no_seq = ZLB;
        no_seq[0] = 0xc0;
        assert_eq!(
            HeaderRepr::parse(&no_seq),
            Err(HeaderError::ControlFlags(0xc002))
        );
        let mut long = ZLB;
        long[3] = 13;
        assert_eq!(
            HeaderRepr::parse(&long),
            Err(HeaderError::BadLength {
                length: 13,
                available: 12
            })
        );
        let mut short = ZLB;
        short[3] = 11;
        assert!(matches!(
            HeaderRepr::parse(&short),
            Err(HeaderError::BadLength { length: 11, .. })
        ));
    }

    #[test]
    fn padding_after_length_and_reserved_bits_are_ignored() {
        let mut bytes = ZLB.to_vec();
        bytes[0] |= 0x30; // reserved x bits
        bytes.extend([0, 0, 0]);
        let (h, payload) = HeaderRepr::parse(&bytes).unwrap();
        assert_eq!(h.tunnel_id, 0x1234);
        assert_eq!(payload, 12..12);
    }
}
