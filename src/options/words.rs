//! Splitting an options file into words, as pppd's `getword` does
//! (pppd(8), "OPTIONS FILES").
//!
//! - Words are separated by white space. `#` outside quotes starts a
//!   comment that runs to the end of the line, also right after a word.
//! - `"` or `'` opens a quoted section that runs to the same quote: white
//!   space, `#` and newlines inside it belong to the word. A quoted section
//!   can be part of a longer word (`ab"c d"e` is `abc de`).
//! - `\` escapes, inside quotes or not: `\a \b \f \n \r \t`, `\s` (a
//!   space), `\ooo` (one to three octal digits), `\xHH` (up to two hex
//!   digits), `\` and a newline (nothing: the word or the line goes on); any
//!   other character stands for itself (`\"`, `\\`, `\#`).
//! - An option's argument is simply the next word, on the same line or not.
//!
//! Unlike pppd, which warns and carries on, a quote left open at the end of
//! the file and a word longer than 1024 octets (pppd's MAXWORDLEN) are
//! errors: pppd would silently swallow the rest of the file into one word,
//! or cut the word short.

use core::fmt;

/// pppd's MAXWORDLEN: no word may be longer.
pub(crate) const MAX_WORD_LEN: usize = 1024;

/// One word and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word, unquoted and unescaped.
    pub(crate) text: Vec<u8>,
    /// The line its first character is on.
    pub(crate) line: usize,
}

/// What is wrong with the words of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// A quoted word has no closing quote before the end of the file.
    UnterminatedQuote,
    /// A word is longer than 1024 octets.
    WordTooLong,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyntaxError::UnterminatedQuote => {
                f.write_str("quoted word has no closing quote before the end of the file")
            }
            SyntaxError::WordTooLong => write!(f, "word longer than {MAX_WORD_LEN} octets"),
        }
    }
}

/// C's `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Skips white space, comments and escaped newlines. Returns false at
    /// the end of the text.
    fn skip_blank(&mut self) -> bool {
        while let Some(c) = self.peek() {
            match c {
                b'#' => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.bump();
                    }
                }
                b'\\' if self.text.get(self.pos + 1) == Some(&b'\n') => {
                    self.bump();
                    self.bump();
                }
                c if is_space(c) => {
                    self.bump();
                }
                _ => return true,
            }
        }
        false
    }

    /// The character an escape stands for, the backslash already read.
    /// `None` for an escaped newline, or a backslash at the very end.
    fn escape(&mut self) -> Option<u8> {
        let c = self.bump()?;
        Some(match c {
            b'\n' => return None,
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b's' => b' ',
            b't' => b'\t',
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            value = value << 3 | u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                // As in C, `\777` keeps the low octet.
                value as u8
            }
            b'x' => {
                let mut value = 0u8;
                for _ in 0..2 {
                    match self.peek().and_then(|d| char::from(d).to_digit(16)) {
                        Some(d) => {
                            value = value << 4 | d as u8;
                            self.pos += 1;
                        }
                        None => break,
                    }
                }
                value
            }
            other => other,
        })
    }

    /// Reads one word, starting at a character that is not blank.
    fn word(&mut self) -> Result<Word, (usize, SyntaxError)> {
        let line = self.line;
        let mut text = Vec::new();
        let mut quote = None;
        while let Some(c) = self.peek() {
            if c == b'\\' {
                self.bump();
                match self.escape() {
                    Some(octet) => text.push(octet),
                    None => continue,
                }
            } else {
                match quote {
                    Some(q) if c == q => {
                        quote = None;
                        self.bump();
                        continue;
                    }
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => {
                        quote = Some(c);
                        self.bump();
                        continue;
                    }
                    None if is_space(c) || c == b'#' => break,
                    None => {}
                }
                self.bump();
                text.push(c);
            }
            if text.len() > MAX_WORD_LEN {
                return Err((line, SyntaxError::WordTooLong));
            }
        }
        if quote.is_some() {
            return Err((line, SyntaxError::UnterminatedQuote));
        }
        Ok(Word { text, line })
    }
}

/// Splits the text of an options file into words. The error carries the
/// line the offending word starts on.
pub(crate) fn split(text: &[u8]) -> Result<Vec<Word>, (usize, SyntaxError)> {
    let mut scanner = Scanner {
        text,
        pos: 0,
        line: 1,
    };
    let mut words = Vec::new();
    while scanner.skip_blank() {
        words.push(scanner.word()?);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(usize, String)> {
        split(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|w| (w.line, String::from_utf8(w.text).unwrap()))
            .collect()
    }

    fn expect(list: &[(usize, &str)]) -> Vec<(usize, String)> {
        list.iter().map(|(l, w)| (*l, w.to_string())).collect()
    }

    #[test]
    fn words_comments_and_lines() {
        assert_eq!(
            words("# header\n\nmtu 1410 # trailing\n\tms-dns\n  8.8.8.8#c\nauth"),
            expect(&[
                (3, "mtu"),
                (3, "1410"),
                (4, "ms-dns"),
                (5, "8.8.8.8"),
                (6, "auth")
            ])
        );
        assert!(split(b"").unwrap().is_empty());
        assert!(split(b"  # only a comment").unwrap().is_empty());
    }

    #[test]
    fn quotes_keep_blanks_hashes_and_newlines() {
        assert_eq!(
            words("name \"my server\" user 'a # b' password \"\"\n"),
            expect(&[
                (1, "name"),
                (1, "my server"),
                (1, "user"),
                (1, "a # b"),
                (1, "password"),
                (1, "")
            ])
        );
        // A quoted section is part of the word around it, as in pppd.
        assert_eq!(words("ab\"c d\"e f"), expect(&[(1, "abc de"), (1, "f")]));
        // A newline inside quotes belongs to the word; the next word's line
        // is counted on.
        assert_eq!(
            words("ipparam 'two\nlines' debug"),
            expect(&[(1, "ipparam"), (1, "two\nlines"), (2, "debug")])
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            words(r"a\sb \x41\102\t \q \\ \# 'it\'s' \#x"),
            expect(&[
                (1, "a b"),
                (1, "AB\t"),
                (1, "q"),
                (1, "\\"),
                (1, "#"),
                (1, "it's"),
                (1, "#x")
            ])
        );
        let all = split(br"\a\b\f\n\r \777 \x \xfff").unwrap();
        let texts: Vec<_> = all.into_iter().map(|w| w.text).collect();
        assert_eq!(
            texts,
            [
                b"\x07\x08\x0c\n\r".to_vec(),
                vec![0xff],
                vec![0],
                vec![0xff, b'f']
            ]
        );
    }

    #[test]
    fn backslash_newline_continues() {
        assert_eq!(
            words("mtu \\\n 1400\nab\\\ncd"),
            expect(&[(1, "mtu"), (2, "1400"), (3, "abcd")])
        );
        assert_eq!(words("debug\\"), expect(&[(1, "debug")]));
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        assert_eq!(
            split(b"auth\n\nname \"l2tpd\nmtu 1400\n"),
            Err((3, SyntaxError::UnterminatedQuote))
        );
    }

    #[test]
    fn word_length_limit() {
        let ok = format!("name {}", "x".repeat(MAX_WORD_LEN));
        assert_eq!(split(ok.as_bytes()).unwrap()[1].text.len(), MAX_WORD_LEN);
        let long = format!("auth\nname {}", "x".repeat(MAX_WORD_LEN + 1));
        assert_eq!(split(long.as_bytes()), Err((2, SyntaxError::WordTooLong)));
    }

    #[test]
    fn vertical_tab_and_carriage_return_are_blank() {
        assert_eq!(
            words("auth\r\nmtu\x0b1400\x0c"),
            expect(&[(1, "auth"), (2, "mtu"), (2, "1400")])
        );
    }
}
