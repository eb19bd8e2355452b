//! Splitting a secrets file into lines of words, as pppd reads its options
//! and secrets files (pppd(8), "A secrets file is parsed into words as for
//! a options file").
//!
//! - Words are separated by white space; `#` starts a comment that runs to
//!   the end of the line (also right after a word).
//! - A word that starts with `"` or `'` runs to the matching quote, white
//!   space, `#` and newlines included.
//! - `\` escapes, inside quotes or not: `\a \b \f \n \r \t`, `\s` (a space),
//!   `\ooo` (up to three octal digits), `\xHH` (up to two hexadecimal
//!   digits), `\` and a newline (nothing: the line continues); any other
//!   character stands for itself.
//! - A newline that is neither escaped nor inside quotes ends a line; a
//!   line is the words between two of them.

use super::SecretsErrorKind;

/// pppd's MAXWORDLEN: no word may be longer.
pub(crate) const MAX_WORD_LEN: usize = 1024;

/// A logical line: its words and the line number its first word is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// 1-based line number of the first word.
    pub(crate) number: usize,
    /// The words, unquoted and unescaped.
    pub(crate) words: Vec<Vec<u8>>,
}

/// A failure and the line it is on.
pub(crate) type WordsError = (usize, SecretsErrorKind);

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

    /// Reads the escape sequence after a backslash. `None` for an escaped
    /// newline (or a backslash at the end of the text): no character.
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
                // Three octal digits can exceed 255: keep the low octet, as C does.
                value as u8
            }
            b'x' => {
                let mut value = 0u8;
                for _ in 0..2 {
                    match self.peek().and_then(|d| (d as char).to_digit(16)) {
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
}

/// Splits `text` into logical lines of words. Lines without words are left
/// out.
pub(crate) fn split_lines(text: &[u8]) -> Result<Vec<Line>, WordsError> {
    let mut s = Scanner {
        text,
        pos: 0,
        line: 1,
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut at_line_start = true;
    // Skip white space and comments up to the start of a word.
    while let Some(c) = s.peek() {
        match c {
            b'\n' => {
                s.bump();
                at_line_start = true;
                continue;
            }
            b'#' => {
                while let Some(c) = s.peek() {
                    if c == b'\n' {
                        break;
                    }
                    s.bump();
                }
                continue;
            }
            b'\\' if s.text.get(s.pos + 1) == Some(&b'\n') => {
                s.bump();
                s.bump();
                continue;
            }
            c if c.is_ascii_whitespace() => {
                s.bump();
                continue;
            }
            _ => {}
        }
        let start_line = s.line;
        let word = read_word(&mut s)?;
        if at_line_start {
            lines.push(Line {
                number: start_line,
                words: Vec::new(),
            });
            at_line_start = false;
        }
        if let Some(line) = lines.last_mut() {
            line.words.push(word);
        }
    }
    Ok(lines)
}

/// Reads one word, starting at a non-space character.
fn read_word(s: &mut Scanner<'_>) -> Result<Vec<u8>, WordsError> {
    let start_line = s.line;
    let mut word = Vec::new();
    let quote = match s.peek() {
        Some(q @ (b'"' | b'\'')) => {
            s.bump();
            Some(q)
        }
        _ => None,
    };
    loop {
        let Some(c) = s.peek() else {
            if quote.is_some() {
                return Err((start_line, SecretsErrorKind::UnterminatedQuote));
            }
            break;
        };
        match quote {
            Some(q) if c == q => {
                s.bump();
                break;
            }
            None if c.is_ascii_whitespace() || c == b'#' => break,
            _ => {}
        }
        s.bump();
        let octet = if c == b'\\' {
            match s.escape() {
                Some(octet) => octet,
                None => continue,
            }
        } else {
            c
        };
        if word.len() == MAX_WORD_LEN {
            return Err((start_line, SecretsErrorKind::WordTooLong));
        }
        word.push(octet);
    }
    Ok(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(usize, Vec<String>)> {
        split_lines(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|l| {
                (
                    l.number,
                    l.words
                        .into_iter()
                        .map(|w| String::from_utf8(w).unwrap())
                        .collect(),
                )
            })
            .collect()
    }

    fn line(n: usize, ws: &[&str]) -> (usize, Vec<String>) {
        (n, ws.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn plain_words_comments_and_blank_lines() {
        assert_eq!(
            words("# header\n\njoe  server\tpw 10.0.0.1 # trailing\n  * * x#comment\n"),
            [
                line(3, &["joe", "server", "pw", "10.0.0.1"]),
                line(4, &["*", "*", "x"])
            ]
        );
    }

    #[test]
    fn quotes_keep_spaces_hashes_and_newlines() {
        assert_eq!(
            words("\"joe smith\" 'srv' \"a # b\" \"\"\n"),
            [line(1, &["joe smith", "srv", "a # b", ""])]
        );
        assert_eq!(
            words("a b \"two\nlines\" c\nd e f"),
            [
                line(1, &["a", "b", "two\nlines", "c"]),
                line(3, &["d", "e", "f"])
            ]
        );
        // A closing quote ends the word; what follows starts another.
        assert_eq!(words("\"ab\"cd e"), [line(1, &["ab", "cd", "e"])]);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            words(r"a\sb \x41\102\t \q \\ \# 'it\'s'"),
            [line(1, &["a b", "AB\t", "q", "\\", "#", "it's"])]
        );
        let lines = split_lines(br"\a\b\f\n\r \777 \x \xfff").unwrap();
        assert_eq!(
            lines[0].words,
            [
                b"\x07\x08\x0c\n\r".to_vec(),
                vec![0xff],
                vec![0],
                vec![0xff, b'f']
            ]
        );
    }

    #[test]
    fn backslash_newline_continues_the_line() {
        assert_eq!(
            words("joe server \\\n  secret\nnext * x"),
            [
                line(1, &["joe", "server", "secret"]),
                line(3, &["next", "*", "x"])
            ]
        );
        assert_eq!(words("ab\\\ncd x y"), [line(1, &["abcd", "x", "y"])]);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        assert_eq!(
            split_lines(b"a b c\n\nd e \"open\n\n"),
            Err((3, SecretsErrorKind::UnterminatedQuote))
        );
    }

    #[test]
    fn overlong_word_is_an_error() {
        let text = format!("a b {}", "x".repeat(MAX_WORD_LEN + 1));
        assert_eq!(
            split_lines(text.as_bytes()),
            Err((1, SecretsErrorKind::WordTooLong))
        );
        let text = format!("a b {}", "x".repeat(MAX_WORD_LEN));
        assert!(split_lines(text.as_bytes()).is_ok());
    }

    #[test]
    fn trailing_backslash_is_ignored() {
        assert_eq!(words("a b c\\"), [line(1, &["a", "b", "c"])]);
    }
}
