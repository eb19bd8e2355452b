//! PAP packets (RFC 1334 section 2.2), on the Code/Identifier/Length header
//! that every PPP control protocol shares ([`rppp_lcp::packet`]).
//!
//! ```text
//! Authenticate-Request (RFC 1334 section 2.2.1):
//! | Code | Identifier | Length | Peer-ID Length | Peer-Id ... | Passwd-Length | Password ... |
//! Authenticate-Ack and -Nak (RFC 1334 section 2.2.2):
//! | Code | Identifier | Length | Msg-Length | Message ... |
//! ```
//!
//! # The no-panic contract
//!
//! [`PapRepr::parse`] never panics, whatever the octets;
//! [`PapRepr::append_to`] never panics.

use core::fmt;

use rppp_lcp::packet::{Repr, WireError};

rppp_lcp::enum_with_unknown! {
    /// The PAP Code field (RFC 1334 section 2.2).
    pub enum PapCode(u8) {
        /// RFC 1334 section 2.2.1.
        AuthenticateRequest = 1,
        /// RFC 1334 section 2.2.2.
        AuthenticateAck = 2,
        /// RFC 1334 section 2.2.2.
        AuthenticateNak = 3,
    }
}

/// Why octets are not a PAP packet. Such packets are silently discarded;
/// the error says what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PapError {
    /// The Code/Identifier/Length header is broken.
    Wire(WireError),
    /// A Code that PAP does not define.
    UnknownCode(u8),
    /// A length octet (Peer-ID Length, Passwd-Length or Msg-Length) is
    /// missing, or counts more octets than the packet holds.
    FieldTruncated {
        /// Which field.
        field: PapField,
        /// Its length octet (0 when the octet itself is missing).
        length: u8,
        /// Octets left for it.
        available: usize,
    },
}

/// The variable-length fields of PAP packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PapField {
    /// Peer-ID of an Authenticate-Request.
    PeerId,
    /// Password of an Authenticate-Request.
    Password,
    /// Message of an Authenticate-Ack or -Nak.
    Message,
}

impl From<WireError> for PapError {
    fn from(e: WireError) -> PapError {
        PapError::Wire(e)
    }
}

impl fmt::Display for PapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PapError::Wire(e) => write!(f, "PAP packet: {e}"),
            PapError::UnknownCode(code) => write!(f, "PAP packet with unknown code {code}"),
            PapError::FieldTruncated {
                field,
                length,
                available,
            } => write!(
                f,
                "PAP {field:?} field of length {length} does not fit the {available} octets left"
            ),
        }
    }
}

impl std::error::Error for PapError {}

/// A parsed PAP packet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PapRepr<'a> {
    /// Authenticate-Request (RFC 1334 section 2.2.1).
    Request {
        /// The Identifier field.
        identifier: u8,
        /// The Peer-ID (user name).
        peer_id: &'a [u8],
        /// The Password (never logged).
        password: &'a [u8],
    },
    /// Authenticate-Ack (RFC 1334 section 2.2.2).
    Ack {
        /// The Identifier field, copied from the Request.
        identifier: u8,
        /// The Message field.
        message: &'a [u8],
    },
    /// Authenticate-Nak (RFC 1334 section 2.2.2).
    Nak {
        /// The Identifier field, copied from the Request.
        identifier: u8,
        /// The Message field.
        message: &'a [u8],
    },
}

/// Splits a one-octet-length-prefixed field off `data`.
fn take_field(data: &[u8], field: PapField) -> Result<(&[u8], &[u8]), PapError> {
    let Some((&length, rest)) = data.split_first() else {
        return Err(PapError::FieldTruncated {
            field,
            length: 0,
            available: 0,
        });
    };
    rest.split_at_checked(usize::from(length))
        .ok_or(PapError::FieldTruncated {
            field,
            length,
            available: rest.len(),
        })
}

impl<'a> PapRepr<'a> {
    /// Parses a PAP packet (the frame's Information field). Octets past the
    /// Length field are padding, and octets after the last field are
    /// ignored, as pppd does. An Ack or Nak without its Msg-Length octet is
    /// taken as an empty message, as pppd takes it.
    pub fn parse(octets: &'a [u8]) -> Result<PapRepr<'a>, PapError> {
        let repr = Repr::parse_bytes(octets)?;
        let identifier = repr.identifier;
        match PapCode::from(repr.code) {
            PapCode::AuthenticateRequest => {
                let (peer_id, rest) = take_field(repr.data, PapField::PeerId)?;
                let (password, _) = take_field(rest, PapField::Password)?;
                Ok(PapRepr::Request {
                    identifier,
                    peer_id,
                    password,
                })
            }
            code @ (PapCode::AuthenticateAck | PapCode::AuthenticateNak) => {
                let message = if repr.data.is_empty() {
                    &[][..]
                } else {
                    take_field(repr.data, PapField::Message)?.0
                };
                Ok(if code == PapCode::AuthenticateAck {
                    PapRepr::Ack {
                        identifier,
                        message,
                    }
                } else {
                    PapRepr::Nak {
                        identifier,
                        message,
                    }
                })
            }
            PapCode::Unknown(code) => Err(PapError::UnknownCode(code)),
        }
    }

    /// The Code field.
    pub fn code(&self) -> PapCode {
        match self {
            PapRepr::Request { .. } => PapCode::AuthenticateRequest,
            PapRepr::Ack { .. } => PapCode::AuthenticateAck,
            PapRepr::Nak { .. } => PapCode::AuthenticateNak,
        }
    }

    /// The Identifier field.
    pub fn identifier(&self) -> u8 {
        match *self {
            PapRepr::Request { identifier, .. }
            | PapRepr::Ack { identifier, .. }
            | PapRepr::Nak { identifier, .. } => identifier,
        }
    }

    /// Appends the packet to `out`. Each field is cut to the 255 octets its
    /// length octet can count.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        fn push_field(data: &mut Vec<u8>, field: &[u8]) {
            let field = &field[..field.len().min(255)];
            data.push(field.len() as u8);
            data.extend_from_slice(field);
        }
        let mut data = Vec::new();
        match *self {
            PapRepr::Request {
                peer_id, password, ..
            } => {
                push_field(&mut data, peer_id);
                push_field(&mut data, password);
            }
            PapRepr::Ack { message, .. } | PapRepr::Nak { message, .. } => {
                push_field(&mut data, message);
            }
        }
        Repr {
            code: self.code().into(),
            identifier: self.identifier(),
            data: &data,
        }
        .append_to(out);
        data.fill(0);
    }
}

/// pppd's frame-log form with `hide-password` always on.
impl fmt::Display for PapRepr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PapRepr::Request {
                identifier,
                peer_id,
                ..
            } => write!(
                f,
                "AuthReq id={identifier:#x} user=\"{}\" password=<hidden>",
                peer_id.escape_ascii()
            ),
            PapRepr::Ack {
                identifier,
                message,
            } => write!(
                f,
                "AuthAck id={identifier:#x} \"{}\"",
                message.escape_ascii()
            ),
            PapRepr::Nak {
                identifier,
                message,
            } => write!(
                f,
                "AuthNak id={identifier:#x} \"{}\"",
                message.escape_ascii()
            ),
        }
    }
}

/// Never shows a password.
impl fmt::Debug for PapRepr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PapRepr({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sent [PAP AuthReq id=0x1 user="lac" password="s3cret"]`.
    static REQUEST: [u8; 15] = [
        0x01, 0x01, 0x00, 0x0f, 0x03, b'l', b'a', b'c', 0x06, b's', b'3', b'c', b'r', b'e', b't',
    ];
    /// `rcvd [PAP AuthAck id=0x1 "Login ok"]`.
    static ACK: [u8; 13] = [
        0x02, 0x01, 0x00, 0x0d, 0x08, b'L', b'o', b'g', b'i', b'n', b' ', b'o', b'k',
    ];

    #[test]
    fn deconstruct_request() {
        assert_eq!(
            PapRepr::parse(&REQUEST).unwrap(),
            PapRepr::Request {
                identifier: 1,
                peer_id: b"lac",
                password: b"s3cret"
            }
        );
    }

    #[test]
    fn construct_request_and_ack() {
        let mut out = Vec::new();
        PapRepr::Request {
            identifier: 1,
            peer_id: b"lac",
            password: b"s3cret",
        }
        .append_to(&mut out);
        assert_eq!(out, REQUEST);
        out.clear();
        PapRepr::Ack {
            identifier: 1,
            message: b"Login ok",
        }
        .append_to(&mut out);
        assert_eq!(out, ACK);
        assert_eq!(
            PapRepr::parse(&ACK).unwrap().code(),
            PapCode::AuthenticateAck
        );
    }

    #[test]
    fn ack_without_msg_length_is_an_empty_message() {
        assert_eq!(
            PapRepr::parse(&[3, 9, 0, 4]).unwrap(),
            PapRepr::Nak {
                identifier: 9,
                message: b""
            }
        );
    }

    #[test]
    fn truncated_fields_are_rejected() {
        let mut bytes = REQUEST.to_vec();
        bytes[8] = 7; // Passwd-Length one past the end.
        assert_eq!(
            PapRepr::parse(&bytes),
            Err(PapError::FieldTruncated {
                field: PapField::Password,
                length: 7,
                available: 6
            })
        );
        assert_eq!(
            PapRepr::parse(&[1, 1, 0, 4]),
            Err(PapError::FieldTruncated {
                field: PapField::PeerId,
                length: 0,
                available: 0
            })
        );
        assert_eq!(
            PapRepr::parse(&[1, 1, 0, 5, 0]),
            Err(PapError::FieldTruncated {
                field: PapField::Password,
                length: 0,
                available: 0
            })
        );
        assert_eq!(
            PapRepr::parse(&[2, 1, 0, 6, 9, b'x']),
            Err(PapError::FieldTruncated {
                field: PapField::Message,
                length: 9,
                available: 1
            })
        );
    }

    #[test]
    fn unknown_code_is_rejected() {
        assert_eq!(PapRepr::parse(&[4, 1, 0, 4]), Err(PapError::UnknownCode(4)));
    }

    #[test]
    fn display_hides_the_password() {
        let repr = PapRepr::parse(&REQUEST).unwrap();
        let shown = format!("{repr} {repr:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("user=\"lac\""));
    }

    #[test]
    fn oversized_fields_are_cut_to_255() {
        let long = vec![b'x'; 300];
        let mut out = Vec::new();
        PapRepr::Request {
            identifier: 2,
            peer_id: &long,
            password: b"",
        }
        .append_to(&mut out);
        let PapRepr::Request { peer_id, .. } = PapRepr::parse(&out).unwrap() else {
            panic!("not a request");
        };
        assert_eq!(peer_id.len(), 255);
    }
}
