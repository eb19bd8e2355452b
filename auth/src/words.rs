//! Splitting pppd's options files and secrets files into words, as pppd's
//! `getword` does: pppd(8), "OPTIONS FILES", and "AUTHENTICATION" ("a
//! secrets file is parsed into words as for a options file").
//!
//! - Words are separated by white space (C's `isspace`: space, `\t`, `\n`,
//!   `\v`, `\f`, `\r`). `#` outside quotes starts a comment that runs to
//!   the end of the line, also right after a word.
//! - `"` or `'` opens a quoted section that runs to the same quote: white
//!   space, `#` and newlines inside it belong to the word. A quoted section
//!   can be part of a longer word (`ab"c d"e` is `abc de`).
//! - `\` escapes, inside quotes or not: `\a \b \f \n \r \t`, `\s` (a
//!   space), `\ooo` (one to three octal digits), `\xHH` (up to two hex
//!   digits), `\` and a newline (nothing: the word or the line goes on); any
//!   other character stands for itself (`\"`, `\\`, `\#`).
//! - A newline that is neither escaped nor inside quotes ends a line.
//!   Options files ignore lines: an option's argument is the next word, on
//!   the same line or not. A secrets file is read a line at a time: a line
//!   is the words from one with [`Word::starts_line`] up to the next one.
//!
//! Two deliberate differences from pppd, which warns and carries on: a
//! quote left open at the end of the file and a word longer than
//! [`MAX_WORD_LEN`] octets are errors ([`SyntaxError`]). pppd would
//! silently swallow the rest of the file into one word, or cut the word
//! short.

use core::fmt;

/// pppd's MAXWORDLEN: no word may be longer.
pub const MAX_WORD_LEN: usize = 1024;

/// One word and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word, unquoted and unescaped.
    pub text: Vec<u8>,
    /// The 1-based line its first character is on.
    pub line: usize,
    /// Whether the word is the first of the text or the first after an
    /// unquoted, unescaped newline: the start of a secrets file's line
    /// (pppd's `newline` flag).
    pub starts_line: bool,
}

/// What is wrong with the words of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// A quoted word has no closing quote before the end of the file.
    UnterminatedQuote,
    /// A word is longer than [`MAX_WORD_LEN`] octets.
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

impl std::error::Error for SyntaxError {}

/// Splits the text of an options or secrets file into words. The error
/// carries the 1-based line the offending word starts on.
pub fn split(text: &[u8]) -> Result<Vec<Word>, (usize, SyntaxError)> {
    let mut scanner = Scanner {
        text,
        pos: 0,
        line: 1,
        new_line: true,
    };
    let mut words = Vec::new();
    while scanner.skip_blank() {
        words.push(scanner.word()?);
    }
    Ok(words)
}

/// C's `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    /// An unescaped newline was skipped since the last word (or no word
    /// has been read yet).
    new_line: bool,
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
                    self.new_line |= c == b'\n';
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
        let starts_line = core::mem::replace(&mut self.new_line, false);
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
        Ok(Word {
            text,
            line,
            starts_line,
        })
    }
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

    /// The words of `text` grouped into lines by `starts_line`.
    fn lines(text: &str) -> Vec<Vec<String>> {
        let mut lines: Vec<Vec<String>> = Vec::new();
        for w in split(text.as_bytes()).unwrap() {
            let word = String::from_utf8(w.text).unwrap();
            match lines.last_mut() {
                Some(line) if !w.starts_line => line.push(word),
                _ => lines.push(vec![word]),
            }
        }
        lines
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
        assert_eq!(words("\"ab\"cd e"), expect(&[(1, "abcd"), (1, "e")]));
        assert_eq!(words("a'\"'b \"'\""), expect(&[(1, "a\"b"), (1, "'")]));
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
    fn lines_end_at_unquoted_unescaped_newlines() {
        assert_eq!(
            lines("# header\n\njoe  server\tpw 10.0.0.1 # trailing\n  * * x#comment\n"),
            [vec!["joe", "server", "pw", "10.0.0.1"], vec!["*", "*", "x"]]
        );
        // Inside quotes a newline is part of the word, not the line's end.
        assert_eq!(
            lines("a b \"two\nlines\" c\nd e f"),
            [vec!["a", "b", "two\nlines", "c"], vec!["d", "e", "f"]]
        );
        // Escaped, it continues the line, between words or inside one.
        assert_eq!(
            lines("joe server \\\n  secret\nab\\\ncd x y"),
            [vec!["joe", "server", "secret"], vec!["abcd", "x", "y"]]
        );
        // A comment's newline ends the line; the first word starts one.
        assert_eq!(lines("a # c \\\nb"), [vec!["a"], vec!["b"]]);
        let first = split(b"  x").unwrap();
        assert!(first[0].starts_line);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        assert_eq!(
            split(b"auth\n\nname \"l2tpd\nmtu 1400\n"),
            Err((3, SyntaxError::UnterminatedQuote))
        );
        // Also one opened in the middle of a word.
        assert_eq!(
            split(b"a\nb c'd\n"),
            Err((2, SyntaxError::UnterminatedQuote))
        );
    }

    #[test]
    fn word_length_limit() {
        let ok = format!("name {}", "x".repeat(MAX_WORD_LEN));
        assert_eq!(split(ok.as_bytes()).unwrap()[1].text.len(), MAX_WORD_LEN);
        let long = format!("auth\nname {}", "x".repeat(MAX_WORD_LEN + 1));
        assert_eq!(split(long.as_bytes()), Err((2, SyntaxError::WordTooLong)));
        // Quotes and escapes are not counted, what they stand for is.
        let quoted = format!("\"{}\"", "x".repeat(MAX_WORD_LEN));
        assert!(split(quoted.as_bytes()).is_ok());
        let escaped = format!("{}\\s", "x".repeat(MAX_WORD_LEN));
        assert_eq!(
            split(escaped.as_bytes()),
            Err((1, SyntaxError::WordTooLong))
        );
    }

    #[test]
    fn vertical_tab_and_carriage_return_are_blank() {
        assert_eq!(
            words("auth\r\nmtu\x0b1400\x0c"),
            expect(&[(1, "auth"), (2, "mtu"), (2, "1400")])
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            SyntaxError::UnterminatedQuote.to_string(),
            "quoted word has no closing quote before the end of the file"
        );
        assert_eq!(
            SyntaxError::WordTooLong.to_string(),
            "word longer than 1024 octets"
        );
    }
}
