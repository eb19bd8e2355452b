//! Configuration Options: the Type/Length/Data list carried by
//! Configure-Request, -Ack, -Nak and -Reject (RFC 1661 section 6).
//!
//! ```text
//!  0                   1
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |    Length     |    Data ...
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Length counts the Type, Length and Data octets, so it is at least 2.
//! Unknown types are data ([`RawOption`] carries any type); a malformed
//! list is an [`OptionError`], never a panic.

use core::fmt;

/// One option as it appears on the wire, of any type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOption<'a> {
    /// The Type field.
    pub kind: u8,
    /// The Data field (Length - 2 octets).
    pub data: &'a [u8],
}

impl<'a> RawOption<'a> {
    /// The largest Data field a Length octet can describe.
    pub const MAX_DATA_LEN: usize = u8::MAX as usize - 2;

    /// The octets of the option on the wire: Type, Length and Data.
    pub fn wire_len(&self) -> usize {
        2 + self.data.len().min(Self::MAX_DATA_LEN)
    }

    /// Appends the option to `out`. Data longer than
    /// [`MAX_DATA_LEN`](Self::MAX_DATA_LEN) is cut to it.
    pub fn append_to(&self, out: &mut Vec<u8>) {
        let data = &self.data[..self.data.len().min(Self::MAX_DATA_LEN)];
        out.push(self.kind);
        // At most 255 by the cut above.
        out.push((2 + data.len()) as u8);
        out.extend_from_slice(data);
    }

    /// The Data field as a big-endian u16, when it is exactly two octets.
    pub fn data_u16(&self) -> Option<u16> {
        <[u8; 2]>::try_from(self.data).ok().map(u16::from_be_bytes)
    }

    /// The Data field as a big-endian u32, when it is exactly four octets.
    pub fn data_u32(&self) -> Option<u32> {
        <[u8; 4]>::try_from(self.data).ok().map(u32::from_be_bytes)
    }
}

/// Appends an option with a u16 value.
pub fn append_u16(out: &mut Vec<u8>, kind: u8, value: u16) {
    out.extend_from_slice(&[kind, 4]);
    out.extend_from_slice(&value.to_be_bytes());
}

/// Appends an option with a u32 value.
pub fn append_u32(out: &mut Vec<u8>, kind: u8, value: u32) {
    out.extend_from_slice(&[kind, 6]);
    out.extend_from_slice(&value.to_be_bytes());
}

/// Why an option list is malformed. RFC 1661 gives no answer on the wire for
/// it: the packet that carries it is silently discarded and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionError {
    /// A Length of 0 or 1: shorter than the option's own Type and Length.
    BadLength {
        /// Offset of the option in the list.
        offset: usize,
        /// The option's Type.
        kind: u8,
        /// Its Length field.
        length: u8,
    },
    /// The option runs past the end of the list, or its Length octet is
    /// missing.
    Truncated {
        /// Offset of the option in the list.
        offset: usize,
        /// The option's Type.
        kind: u8,
        /// Octets left in the list from the option's start.
        available: usize,
    },
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OptionError::BadLength {
                offset,
                kind,
                length,
            } => {
                write!(
                    f,
                    "option type {kind} at offset {offset} has Length {length}"
                )
            }
            OptionError::Truncated {
                offset,
                kind,
                available,
            } => write!(
                f,
                "option type {kind} at offset {offset} runs past the {available} octets left"
            ),
        }
    }
}

impl std::error::Error for OptionError {}

/// An iterator over an option list. After the first error it yields nothing.
#[derive(Debug, Clone)]
pub struct OptionIter<'a> {
    rest: &'a [u8],
    offset: usize,
    failed: bool,
}

impl<'a> OptionIter<'a> {
    /// Iterates over the options in `data` (a Configure packet's Data field).
    pub fn new(data: &'a [u8]) -> OptionIter<'a> {
        OptionIter {
            rest: data,
            offset: 0,
            failed: false,
        }
    }

    /// Checks the whole list; returns the number of options.
    pub fn validate(data: &'a [u8]) -> Result<usize, OptionError> {
        let mut count = 0;
        for option in OptionIter::new(data) {
            option?;
            count += 1;
        }
        Ok(count)
    }

    /// Offset of the next option in the list.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl<'a> Iterator for OptionIter<'a> {
    type Item = Result<RawOption<'a>, OptionError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let offset = self.offset;
        let kind = self.rest[0];
        let available = self.rest.len();
        let Some(&length) = self.rest.get(1) else {
            self.failed = true;
            return Some(Err(OptionError::Truncated {
                offset,
                kind,
                available,
            }));
        };
        if length < 2 {
            self.failed = true;
            return Some(Err(OptionError::BadLength {
                offset,
                kind,
                length,
            }));
        }
        let length = usize::from(length);
        if length > available {
            self.failed = true;
            return Some(Err(OptionError::Truncated {
                offset,
                kind,
                available,
            }));
        }
        let (option, rest) = self.rest.split_at(length);
        self.rest = rest;
        self.offset += length;
        Some(Ok(RawOption {
            kind,
            data: &option[2..],
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The options of pppd's CHAP-requiring LCP Configure-Request in the lab
    /// recipe's passing run:
    /// `<mru 1400> <asyncmap 0x0> <auth chap MD5> <magic 0xd80ad9fe>`.
    static OPTIONS: [u8; 21] = [
        0x01, 0x04, 0x05, 0x78, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x03, 0x05, 0xc2, 0x23, 0x05,
        0x05, 0x06, 0xd8, 0x0a, 0xd9, 0xfe,
    ];

    #[test]
    fn iterates_real_options() {
        let options: Vec<_> = OptionIter::new(&OPTIONS).collect::<Result<_, _>>().unwrap();
        assert_eq!(options.len(), 4);
        assert_eq!(options[0].kind, 1);
        assert_eq!(options[0].data_u16(), Some(1400));
        assert_eq!(options[1].data_u32(), Some(0));
        assert_eq!(
            options[2],
            RawOption {
                kind: 3,
                data: &[0xc2, 0x23, 0x05]
            }
        );
        assert_eq!(options[3].data_u32(), Some(0xd80a_d9fe));
        assert_eq!(OptionIter::validate(&OPTIONS), Ok(4));
    }

    #[test]
    fn emit_round_trip() {
        let mut out = Vec::new();
        for option in OptionIter::new(&OPTIONS) {
            option.unwrap().append_to(&mut out);
        }
        assert_eq!(out, OPTIONS);
        let mut built = Vec::new();
        append_u16(&mut built, 1, 1400);
        append_u32(&mut built, 2, 0);
        assert_eq!(built, OPTIONS[..10]);
    }

    #[test]
    fn empty_list() {
        assert_eq!(OptionIter::validate(&[]), Ok(0));
    }

    #[test]
    fn length_zero_and_one_are_errors() {
        for length in 0..2 {
            let data = [0x01, 0x04, 0x05, 0x78, 0x07, length, 0x00];
            let mut iter = OptionIter::new(&data);
            assert!(iter.next().unwrap().is_ok());
            assert_eq!(
                iter.next(),
                Some(Err(OptionError::BadLength {
                    offset: 4,
                    kind: 7,
                    length
                }))
            );
            assert_eq!(iter.next(), None, "the iterator stops after an error");
        }
    }

    #[test]
    fn option_running_past_the_end() {
        let data = [0x05, 0x06, 0x01, 0x02];
        assert_eq!(
            OptionIter::validate(&data),
            Err(OptionError::Truncated {
                offset: 0,
                kind: 5,
                available: 4
            })
        );
    }

    #[test]
    fn missing_length_octet() {
        let data = [0x01, 0x04, 0x05, 0x78, 0x08];
        assert_eq!(
            OptionIter::validate(&data),
            Err(OptionError::Truncated {
                offset: 4,
                kind: 8,
                available: 1
            })
        );
    }

    #[test]
    fn unknown_types_are_kept() {
        let data = [0xfe, 0x03, 0xaa, 0x00, 0x02];
        let options: Vec<_> = OptionIter::new(&data).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            options,
            [
                RawOption {
                    kind: 0xfe,
                    data: &[0xaa]
                },
                RawOption { kind: 0, data: &[] }
            ]
        );
    }

    #[test]
    fn oversized_data_is_cut() {
        let data = [0u8; 300];
        let option = RawOption {
            kind: 9,
            data: &data,
        };
        let mut out = Vec::new();
        option.append_to(&mut out);
        assert_eq!(out.len(), 255);
        assert_eq!(out[1], 255);
        assert_eq!(option.wire_len(), 255);
    }
}
