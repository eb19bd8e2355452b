//! CHAP packets (RFC 1994 section 4), on the Code/Identifier/Length header
//! that every PPP control protocol shares ([`rppp_lcp::packet`]).
//!
//! ```text
//! Challenge and Response (RFC 1994 section 4.1):
//! | Code | Identifier | Length | Value-Size | Value ... | Name ... |
//! Success and Failure (RFC 1994 section 4.2):
//! | Code | Identifier | Length | Message ... |
//! ```
//!
//! MS-CHAP (RFC 2433) and MS-CHAPv2 (RFC 2759) use the same packets with
//! values and messages of their own; [`crate::mschap`] reads those.
//!
//! # The no-panic contract
//!
//! [`ChapRepr::parse`] never panics, whatever the octets;
//! [`ChapRepr::append_to`] never panics.

use core::fmt;

use rppp_lcp::packet::{Repr, WireError};

rppp_lcp::enum_with_unknown! {
    /// The CHAP Code field (RFC 1994 section 4).
    pub enum ChapCode(u8) {
        /// RFC 1994 section 4.1.
        Challenge = 1,
        /// RFC 1994 section 4.1.
        Response = 2,
        /// RFC 1994 section 4.2.
        Success = 3,
        /// RFC 1994 section 4.2.
        Failure = 4,
    }
}

/// Why octets are not a CHAP packet. RFC 1994 has such packets silently
/// discarded; the error says what was wrong, for the log and the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChapError {
    /// The Code/Identifier/Length header is broken.
    Wire(WireError),
    /// A Code that CHAP does not define.
    UnknownCode(u8),
    /// A Challenge or Response with no Value-Size octet.
    MissingValueSize {
        /// The Code field.
        code: u8,
    },
    /// A Value-Size of zero: "one or more octets" (RFC 1994 section 4.1).
    EmptyValue {
        /// The Code field.
        code: u8,
    },
    /// A Value-Size larger than the octets after it.
    ValueTruncated {
        /// The Code field.
        code: u8,
        /// The Value-Size field.
        value_size: u8,
        /// Octets after the Value-Size field.
        available: usize,
    },
}

impl From<WireError> for ChapError {
    fn from(e: WireError) -> ChapError {
        ChapError::Wire(e)
    }
}

impl fmt::Display for ChapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ChapError::Wire(e) => write!(f, "CHAP packet: {e}"),
            ChapError::UnknownCode(code) => write!(f, "CHAP packet with unknown code {code}"),
            ChapError::MissingValueSize { code } => {
                write!(f, "CHAP code {code} packet has no Value-Size octet")
            }
            ChapError::EmptyValue { code } => {
                write!(f, "CHAP code {code} packet has a Value-Size of 0")
            }
            ChapError::ValueTruncated {
                code,
                value_size,
                available,
            } => write!(
                f,
                "CHAP code {code} packet has Value-Size {value_size} but only {available} octets follow"
            ),
        }
    }
}

impl std::error::Error for ChapError {}

/// A parsed CHAP packet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ChapRepr<'a> {
    /// Challenge (RFC 1994 section 4.1): sent by the authenticator.
    Challenge {
        /// The Identifier field.
        identifier: u8,
        /// The challenge value.
        value: &'a [u8],
        /// The authenticator's name.
        name: &'a [u8],
    },
    /// Response (RFC 1994 section 4.1): the peer's answer.
    Response {
        /// The Identifier field, copied from the Challenge.
        identifier: u8,
        /// The response value (a digest: never logged).
        value: &'a [u8],
        /// The peer's name.
        name: &'a [u8],
    },
    /// Success (RFC 1994 section 4.2).
    Success {
        /// The Identifier field, copied from the Response.
        identifier: u8,
        /// The Message field.
        message: &'a [u8],
    },
    /// Failure (RFC 1994 section 4.2).
    Failure {
        /// The Identifier field, copied from the Response.
        identifier: u8,
        /// The Message field.
        message: &'a [u8],
    },
}

impl<'a> ChapRepr<'a> {
    /// Parses a CHAP packet (the frame's Information field). Octets past the
    /// Length field are padding and are ignored.
    pub fn parse(octets: &'a [u8]) -> Result<ChapRepr<'a>, ChapError> {
        let repr = Repr::parse_bytes(octets)?;
        let identifier = repr.identifier;
        match ChapCode::from(repr.code) {
            ChapCode::Challenge | ChapCode::Response => {
                let code = repr.code;
                let Some((&value_size, rest)) = repr.data.split_first() else {
                    return Err(ChapError::MissingValueSize { code });
                };
                if value_size == 0 {
                    return Err(ChapError::EmptyValue { code });
                }
                let Some((value, name)) = rest.split_at_checked(usize::from(value_size)) else {
                    return Err(ChapError::ValueTruncated {
                        code,
                        value_size,
                        available: rest.len(),
                    });
                };
                Ok(if code == u8::from(ChapCode::Challenge) {
                    ChapRepr::Challenge {
                        identifier,
                        value,
                        name,
                    }
                } else {
                    ChapRepr::Response {
                        identifier,
                        value,
                        name,
                    }
                })
            }
            ChapCode::Success => Ok(ChapRepr::Success {
                identifier,
                message: repr.data,
            }),
            ChapCode::Failure => Ok(ChapRepr::Failure {
                identifier,
                message: repr.data,
            }),
            ChapCode::Unknown(code) => Err(ChapError::UnknownCode(code)),
        }
    }

    /// The Code field.
    pub fn code(&self) -> ChapCode {
        match self {
            ChapRepr::Challenge { .. } => ChapCode::Challenge,
            ChapRepr::Response { .. } => ChapCode::Response,
            ChapRepr::Success { .. } => ChapCode::Success,
            ChapRepr::Failure { .. } => ChapCode::Failure,
        }
    }

    /// The Identifier field.
    pub fn identifier(&self) -> u8 {
        match *self {
            ChapRepr::Challenge { identifier, .. }
            | ChapRepr::Response { identifier, .. }
            | ChapRepr::Success { identifier, .. }
            | ChapRepr::Failure { identifier, .. } => identifier,
        }
    }

    /// Appends the packet to `out`. A value longer than 255 octets is cut
    /// to 255 (Value-Size is one octet); the whole is cut to the 65535
    /// octets a Length field can describe.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let data_len = match *self {
            ChapRepr::Challenge { value, name, .. } | ChapRepr::Response { value, name, .. } => {
                1 + value.len().min(255) + name.len()
            }
            ChapRepr::Success { message, .. } | ChapRepr::Failure { message, .. } => message.len(),
        };
        out.reserve((4 + data_len).min(usize::from(u16::MAX)));
        // The header with a Length filled in below: the Data is written in
        // place, not built apart and copied.
        out.extend_from_slice(&[self.code().into(), self.identifier(), 0, 0]);
        match *self {
            ChapRepr::Challenge { value, name, .. } | ChapRepr::Response { value, name, .. } => {
                let value = &value[..value.len().min(255)];
                out.push(value.len() as u8);
                out.extend_from_slice(value);
                out.extend_from_slice(name);
            }
            ChapRepr::Success { message, .. } | ChapRepr::Failure { message, .. } => {
                out.extend_from_slice(message);
            }
        }
        out.truncate(start + (out.len() - start).min(usize::from(u16::MAX)));
        let len = (out.len() - start) as u16;
        out[start + 2..start + 4].copy_from_slice(&len.to_be_bytes());
    }
}

/// pppd's frame-log form, without the secret parts: a Response shows only
/// its value's length.
impl fmt::Display for ChapRepr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ChapRepr::Challenge {
                identifier,
                value,
                name,
            } => write!(
                f,
                "Challenge id={identifier:#x} <{} octets>, name = \"{}\"",
                value.len(),
                name.escape_ascii()
            ),
            ChapRepr::Response {
                identifier,
                value,
                name,
            } => write!(
                f,
                "Response id={identifier:#x} <{} octets>, name = \"{}\"",
                value.len(),
                name.escape_ascii()
            ),
            ChapRepr::Success {
                identifier,
                message,
            } => write!(
                f,
                "Success id={identifier:#x} \"{}\"",
                message.escape_ascii()
            ),
            ChapRepr::Failure {
                identifier,
                message,
            } => write!(
                f,
                "Failure id={identifier:#x} \"{}\"",
                message.escape_ascii()
            ),
        }
    }
}

/// Never shows a Response's value.
impl fmt::Debug for ChapRepr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChapRepr({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CHAP-MD5 Challenge from an LNS named "lns": id 1, 16 octets.
    pub(crate) static CHALLENGE: [u8; 24] = [
        0x01, 0x01, 0x00, 0x18, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
        0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, b'l', b'n', b's',
    ];

    #[test]
    fn deconstruct_challenge() {
        let repr = ChapRepr::parse(&CHALLENGE).unwrap();
        let ChapRepr::Challenge {
            identifier,
            value,
            name,
        } = repr
        else {
            panic!("not a challenge: {repr}");
        };
        assert_eq!(identifier, 1);
        assert_eq!(value, &CHALLENGE[5..21]);
        assert_eq!(name, b"lns");
        assert_eq!(repr.code(), ChapCode::Challenge);
    }

    #[test]
    fn construct_cuts_what_the_fields_cannot_describe() {
        // Value-Size is one octet: a 300-octet value is sent as 255.
        let mut out = vec![0xa5];
        ChapRepr::Response {
            identifier: 7,
            value: &[0x11; 300],
            name: b"lac",
        }
        .append_to(&mut out);
        assert_eq!(out.len(), 1 + 4 + 1 + 255 + 3);
        assert_eq!(&out[1..6], &[2, 7, 0x01, 0x07, 255]);
        assert_eq!(&out[out.len() - 3..], b"lac");
        // The Length field is two octets: the whole is cut to 65535.
        let mut out = vec![0xa5];
        let message = vec![b'x'; 70_000];
        ChapRepr::Failure {
            identifier: 9,
            message: &message,
        }
        .append_to(&mut out);
        assert_eq!(out.len(), 1 + 65535);
        assert_eq!(&out[1..5], &[4, 9, 0xff, 0xff]);
        let parsed = ChapRepr::parse(&out[1..]).unwrap();
        assert!(matches!(parsed, ChapRepr::Failure { message, .. } if message.len() == 65531));
    }

    #[test]
    fn construct_challenge() {
        let mut out = vec![0xa5];
        ChapRepr::Challenge {
            identifier: 1,
            value: &CHALLENGE[5..21],
            name: b"lns",
        }
        .append_to(&mut out);
        assert_eq!(&out[1..], &CHALLENGE[..]);
    }

    #[test]
    fn success_and_failure_round_trip() {
        for repr in [
            ChapRepr::Success {
                identifier: 7,
                message: b"Access granted",
            },
            ChapRepr::Failure {
                identifier: 8,
                message: b"",
            },
        ] {
            let mut out = Vec::new();
            repr.append_to(&mut out);
            assert_eq!(ChapRepr::parse(&out).unwrap(), repr);
        }
    }

    #[test]
    fn truncated_value_is_rejected() {
        let mut bytes = CHALLENGE.to_vec();
        bytes[4] = 25; // Value-Size past the end.
        assert_eq!(
            ChapRepr::parse(&bytes),
            Err(ChapError::ValueTruncated {
                code: 1,
                value_size: 25,
                available: 19
            })
        );
    }

    #[test]
    fn empty_and_missing_value_are_rejected() {
        assert_eq!(
            ChapRepr::parse(&[2, 1, 0, 4]),
            Err(ChapError::MissingValueSize { code: 2 })
        );
        assert_eq!(
            ChapRepr::parse(&[1, 1, 0, 5, 0]),
            Err(ChapError::EmptyValue { code: 1 })
        );
    }

    #[test]
    fn unknown_code_and_bad_header_are_rejected() {
        assert_eq!(
            ChapRepr::parse(&[5, 1, 0, 4]),
            Err(ChapError::UnknownCode(5))
        );
        assert!(matches!(
            ChapRepr::parse(&[1, 1, 0]),
            Err(ChapError::Wire(WireError::Truncated { .. }))
        ));
        assert!(matches!(
            ChapRepr::parse(&[1, 1, 0, 30, 1, 2]),
            Err(ChapError::Wire(WireError::BadLength { .. }))
        ));
    }

    #[test]
    fn display_never_shows_a_response_value() {
        let repr = ChapRepr::Response {
            identifier: 1,
            value: b"SECRETDIGEST0123",
            name: b"joe",
        };
        let shown = format!("{repr} {repr:?}");
        assert!(!shown.contains("SECRETDIGEST"), "{shown}");
        assert!(shown.contains("<16 octets>"));
    }
}
