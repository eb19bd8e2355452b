//! Lines and sections of xl2tpd.conf, as xl2tpd's `parse_config` reads
//! them: `;` starts a comment anywhere on a line; white space (any octet
//! up to the space) around a line, a key and a value is dropped; a line is
//! a section header `[KIND NAME]` or `key = value`.

use super::error::{ConfigError, ErrorKind, Warning};
use super::keys::{self, Target};
use super::types::{Config, Lac, Lns};

/// xl2tpd's white space: every octet up to and including the space.
fn is_blank(c: char) -> bool {
    c <= ' '
}

/// Which section the lines belong to.
#[derive(Debug, Clone, Copy)]
enum Current {
    None,
    Global,
    Lns(Option<usize>),
    Lac(Option<usize>),
}

struct Parser<'a> {
    path: &'a str,
    config: Config,
    current: Current,
}

/// Parses the text of the xl2tpd.conf at `path`.
pub(crate) fn parse(path: &str, text: &[u8]) -> Result<Config, ConfigError> {
    let mut parser = Parser {
        path,
        config: Config::default(),
        current: Current::None,
    };
    for (index, raw) in text.split(|&c| c == b'\n').enumerate() {
        let line = index + 1;
        let content = raw.split(|&c| c == b';').next().unwrap_or_default();
        let content = core::str::from_utf8(content)
            .map_err(|_| ConfigError::at(path, line, ErrorKind::NotUtf8))?;
        let content = content.trim_matches(is_blank);
        if content.is_empty() {
            continue;
        }
        if let Some(header) = content.strip_prefix('[') {
            parser.section(line, header)?;
        } else {
            parser.key_value(line, content)?;
        }
    }
    Ok(parser.config)
}

impl Parser<'_> {
    fn error(&self, line: usize, kind: ErrorKind) -> ConfigError {
        ConfigError::at(self.path, line, kind)
    }

    /// `[KIND NAME]` (the text after `[`): `global` (any name is
    /// ignored), `lns` or `lac`, in any case. `NAME` `default` is the
    /// default section; a name seen before reopens that section; no name
    /// opens a new, nameless one.
    fn section(&mut self, line: usize, header: &str) -> Result<(), ConfigError> {
        let (inner, after) = header
            .split_once(']')
            .ok_or_else(|| self.error(line, ErrorKind::NoClosingBracket))?;
        if !after.trim_matches(is_blank).is_empty() {
            self.config.warnings.push(Warning {
                path: self.path.to_string(),
                line,
                key: format!("[{inner}]"),
                message: "text after ']' is ignored",
            });
        }
        let inner = inner.trim_matches(is_blank);
        let (kind, name) = match inner.split_once(is_blank) {
            Some((kind, name)) => (kind, name.trim_matches(is_blank)),
            None => (inner, ""),
        };
        let is_default = name.eq_ignore_ascii_case("default");
        self.current = if kind.eq_ignore_ascii_case("global") {
            Current::Global
        } else if kind.eq_ignore_ascii_case("lns") {
            Current::Lns(self.open_lns(name, is_default))
        } else if kind.eq_ignore_ascii_case("lac") {
            Current::Lac(self.open_lac(name, is_default))
        } else {
            return Err(self.error(
                line,
                ErrorKind::UnknownSection {
                    section: kind.to_string(),
                },
            ));
        };
        Ok(())
    }

    /// The `[lns NAME]` section to fill: `None` for `[lns default]`.
    fn open_lns(&mut self, name: &str, is_default: bool) -> Option<usize> {
        let config = &mut self.config;
        if is_default {
            config
                .lns_default
                .get_or_insert_with(|| Lns::new("default"));
            return None;
        }
        let found = config
            .lns
            .iter()
            .position(|lns| !name.is_empty() && lns.common.section.eq_ignore_ascii_case(name));
        Some(found.unwrap_or_else(|| {
            config.lns.push(Lns::new(name));
            config.lns.len() - 1
        }))
    }

    /// The `[lac NAME]` section to fill: `None` for `[lac default]`.
    fn open_lac(&mut self, name: &str, is_default: bool) -> Option<usize> {
        let config = &mut self.config;
        if is_default {
            config
                .lac_default
                .get_or_insert_with(|| Lac::new("default"));
            return None;
        }
        let found = config
            .lac
            .iter()
            .position(|lac| !name.is_empty() && lac.common.section.eq_ignore_ascii_case(name));
        Some(found.unwrap_or_else(|| {
            config.lac.push(Lac::new(name));
            config.lac.len() - 1
        }))
    }

    /// `key = value`, in the current section.
    fn key_value(&mut self, line: usize, content: &str) -> Result<(), ConfigError> {
        let (key, value) = content
            .split_once('=')
            .ok_or_else(|| self.error(line, ErrorKind::NoEquals))?;
        let key = key.trim_matches(is_blank);
        let value = value.trim_matches(is_blank);
        let config = &mut self.config;
        let target = match self.current {
            Current::None => return Err(self.error(line, ErrorKind::OutsideSection)),
            Current::Global => Target::Global(&mut config.global),
            Current::Lns(None) => Target::Lns(
                config
                    .lns_default
                    .get_or_insert_with(|| Lns::new("default")),
            ),
            Current::Lns(Some(i)) => Target::Lns(&mut config.lns[i]),
            Current::Lac(None) => Target::Lac(
                config
                    .lac_default
                    .get_or_insert_with(|| Lac::new("default")),
            ),
            Current::Lac(Some(i)) => Target::Lac(&mut config.lac[i]),
        };
        let mut warnings = Vec::new();
        let result = keys::apply(target, key, value, &mut warnings);
        for message in warnings {
            config.warnings.push(Warning {
                path: self.path.to_string(),
                line,
                key: key.to_string(),
                message,
            });
        }
        result.map_err(|kind| ConfigError {
            path: self.path.to_string(),
            line,
            key: Some(key.to_string()),
            kind,
        })
    }
}
