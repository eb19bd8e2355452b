//! A session's context as its log lines show it.

use std::fmt::{self, Write};

/// What is known of the session a line comes from; each part once known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionContext {
    /// The engine's session id.
    pub id: Option<u64>,
    /// The interface (`ppp3`).
    pub ifname: Option<String>,
    /// The peer's authenticated name.
    pub user: Option<String>,
    /// The L2TP ids, ours then the peer's: `5/7:9/11`.
    pub l2tp: Option<String>,
}

impl SessionContext {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == SessionContext::default()
    }
}

/// The prefix: `[session=3 if=ppp3 user=alice l2tp=5/7:9/11]`, each part
/// left out until known, in that order. The values are escaped so that a
/// line stays one line and the prefix ends at its `]`: whitespace,
/// control characters, `]`, `=` and `\` become `\u{..}`.
impl fmt::Display for SessionContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        let mut first = true;
        let mut part = |f: &mut fmt::Formatter<'_>, key: &str| {
            let space = if first { "" } else { " " };
            first = false;
            write!(f, "{space}{key}=")
        };
        if let Some(id) = self.id {
            part(f, "session")?;
            write!(f, "{id}")?;
        }
        let texts = [
            ("if", &self.ifname),
            ("user", &self.user),
            ("l2tp", &self.l2tp),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                part(f, key)?;
                escaped(f, value)?;
            }
        }
        f.write_char(']')
    }
}

/// `value` with whitespace, control characters, `]`, `=` and `\` as
/// `\u{..}`.
fn escaped(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    for c in value.chars() {
        if c.is_whitespace() || c.is_control() || matches!(c, ']' | '=' | '\\') {
            write!(f, "\\u{{{:x}}}", u32::from(c))?;
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::SessionContext;

    #[test]
    fn every_part_in_order() {
        let c = SessionContext {
            id: Some(3),
            ifname: Some("ppp3".into()),
            user: Some("alice".into()),
            l2tp: Some("5/7:9/11".into()),
        };
        assert_eq!(
            c.to_string(),
            "[session=3 if=ppp3 user=alice l2tp=5/7:9/11]"
        );
    }

    #[test]
    fn parts_not_known_are_left_out() {
        let c = SessionContext {
            id: Some(12),
            l2tp: Some("5/7:9/11".into()),
            ..SessionContext::default()
        };
        assert_eq!(c.to_string(), "[session=12 l2tp=5/7:9/11]");
        let c = SessionContext {
            ifname: Some("ppp0".into()),
            ..SessionContext::default()
        };
        assert_eq!(c.to_string(), "[if=ppp0]");
        assert!(SessionContext::default().is_empty());
        assert!(!c.is_empty());
    }

    #[test]
    fn a_name_cannot_break_the_line_or_the_prefix() {
        let c = SessionContext {
            id: Some(1),
            user: Some("a b]\nx=y\\é".into()),
            ..SessionContext::default()
        };
        assert_eq!(
            c.to_string(),
            "[session=1 user=a\\u{20}b\\u{5d}\\u{a}x\\u{3d}y\\u{5c}é]"
        );
    }
}
