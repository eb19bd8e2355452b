//! Cutting the pipe's byte stream into messages, sans-IO.
//!
//! xl2tpd takes each `read()` of the pipe as one message (dropping one
//! trailing newline), so two `echo`s that land in one read, or a message
//! that arrives in two, confuse it. Here a message ends at a newline,
//! or, for a writer that sends none (`xl2tpd-control` writes
//! `@FILE COMMAND` without one), when the pipe has been quiet for a short
//! while after the last byte ([`Framer::flush`], called by the pipe's
//! timer). Bytes up to a newline are joined across writes; several lines
//! in one write are split. Empty lines are skipped. A line longer than
//! [`MAX_MESSAGE`] is dropped up to its end, keeping only its start, so
//! that its result file can be told.

use std::collections::VecDeque;

use super::request::{Message, MAX_MESSAGE};

/// The framer: bytes in, [`Message`]s out.
#[derive(Debug, Default)]
pub struct Framer {
    /// The line so far (at most [`MAX_MESSAGE`] bytes).
    line: Vec<u8>,
    /// The line's length when it is longer than [`MAX_MESSAGE`].
    overlong: Option<usize>,
    /// Messages cut and not yet taken.
    ready: VecDeque<Message>,
}

impl Framer {
    /// A framer with nothing buffered.
    pub fn new() -> Framer {
        Framer::default()
    }

    /// Takes bytes read from the pipe.
    pub fn push(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.append(&rest[..i]);
                    self.end_line();
                    rest = &rest[i + 1..];
                }
                None => {
                    self.append(rest);
                    rest = &[];
                }
            }
        }
    }

    /// Ends a line that has no newline: the pipe has been quiet.
    pub fn flush(&mut self) {
        self.end_line();
    }

    /// Whether bytes of an unfinished line are buffered (the caller then
    /// runs its quiet timer).
    pub fn is_partial(&self) -> bool {
        !self.line.is_empty() || self.overlong.is_some()
    }

    /// Whether a message is cut and waiting for [`Framer::next_message`].
    pub fn has_message(&self) -> bool {
        !self.ready.is_empty()
    }

    /// The next message cut, oldest first.
    pub fn next_message(&mut self) -> Option<Message> {
        self.ready.pop_front()
    }

    fn append(&mut self, bytes: &[u8]) {
        if let Some(len) = &mut self.overlong {
            *len = len.saturating_add(bytes.len());
            return;
        }
        let total = self.line.len() + bytes.len();
        if total > MAX_MESSAGE {
            let room = MAX_MESSAGE - self.line.len();
            self.line.extend_from_slice(&bytes[..room]);
            self.overlong = Some(total);
        } else {
            self.line.extend_from_slice(bytes);
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        match self.overlong.take() {
            Some(len) => self.ready.push_back(Message::too_long(&line, len)),
            None if line.is_empty() => {}
            None => self.ready.push_back(Message::parse(&line)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::control::request::{ParseError, Request};

    fn drain(framer: &mut Framer) -> Vec<Message> {
        std::iter::from_fn(|| framer.next_message()).collect()
    }

    #[test]
    fn splits_and_joins() {
        let mut f = Framer::new();
        f.push(b"c one\nd two\n\nc th");
        assert!(f.is_partial());
        let m = drain(&mut f);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], Message::parse(b"c one"));
        assert_eq!(m[1], Message::parse(b"d two"));
        f.push(b"ree\n");
        assert!(!f.is_partial());
        assert_eq!(drain(&mut f), vec![Message::parse(b"c three")]);
    }

    #[test]
    fn quiet_ends_a_line_without_newline() {
        let mut f = Framer::new();
        f.push(b"@/tmp/r c vpn");
        assert!(drain(&mut f).is_empty());
        f.flush();
        let m = drain(&mut f);
        assert_eq!(m.len(), 1);
        assert!(m[0].reply_to.is_some());
        assert!(matches!(m[0].request, Ok(Request::Connect { .. })));
        f.flush();
        assert!(drain(&mut f).is_empty());
    }

    #[test]
    fn overlong_lines_are_dropped_and_reported() {
        let mut f = Framer::new();
        f.push(b"@/tmp/r c ");
        for _ in 0..10 {
            f.push(&[b'v'; 500]);
        }
        f.push(b"\nc ok\n");
        let m = drain(&mut f);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].request, Err(ParseError::TooLong { len: 5010 }));
        assert!(m[0].reply_to.is_some());
        assert_eq!(m[1], Message::parse(b"c ok"));
        // Exactly the bound is accepted.
        let mut line = b"x ".to_vec();
        line.resize(MAX_MESSAGE, b'y');
        line.push(b'\n');
        f.push(&line);
        assert_eq!(drain(&mut f)[0].request, Ok(Request::Available));
        // One over is not, also when it ends at a quiet pause.
        f.push(&[b'x'; MAX_MESSAGE + 1]);
        f.flush();
        assert_eq!(
            drain(&mut f)[0].request,
            Err(ParseError::TooLong {
                len: MAX_MESSAGE + 1
            })
        );
    }

    #[test]
    fn any_chunking_gives_the_same_messages() {
        let input = b"c a\n@/tmp/x d b\nh 1\n\n\nx\nq\n";
        let mut whole = Framer::new();
        whole.push(input);
        let expected = drain(&mut whole);
        assert_eq!(expected.len(), 5);
        for size in 1..input.len() {
            let mut f = Framer::new();
            for chunk in input.chunks(size) {
                f.push(chunk);
            }
            assert_eq!(drain(&mut f), expected, "chunks of {size}");
        }
    }
}
