//! The radiusclient `servers` file: one `host[:port] secret` per line;
//! lines starting with `#` are comments, and a `#` later on the line is
//! part of the secret or ignored with the fields after it. pppd's radius plugin looks the secret of each
//! `authserver`/`acctserver` up here.

use crate::config::{whole_lines, ConfigError, ConfigErrorKind};
use crate::secret::SharedSecret;

/// One line of the servers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSecret {
    /// The host as written (a name or an address).
    pub host: String,
    /// The port, when the line gives one.
    pub port: Option<u16>,
    /// The secret.
    pub secret: SharedSecret,
}

/// The parsed servers file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServersFile {
    /// The lines, in order.
    pub entries: Vec<ServerSecret>,
}

/// Splits `host[:port]`, with `[v6]:port` for IPv6 literals. A bare IPv6
/// address (more than one colon) has no port.
pub(crate) fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((host.to_owned(), port));
    }
    match s.split_once(':') {
        Some((host, port)) if !port.contains(':') => {
            Some((host.to_owned(), Some(port.parse().ok()?)))
        }
        _ => Some((s.to_owned(), None)),
    }
}

impl ServersFile {
    /// Parses the file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, ConfigError> {
        let mut entries = Vec::new();
        for (n, line) in whole_lines(text) {
            let mut fields = line.split_whitespace();
            let server = fields.next().unwrap_or_default();
            let secret = fields
                .next()
                .ok_or_else(|| ConfigError::new(file, n, ConfigErrorKind::MissingSecret))?;
            let (host, port) = split_host_port(server)
                .filter(|(h, _)| !h.is_empty())
                .ok_or_else(|| {
                    ConfigError::new(file, n, ConfigErrorKind::BadServer(server.to_owned()))
                })?;
            entries.push(ServerSecret {
                host,
                port,
                secret: SharedSecret::new(secret),
            });
        }
        Ok(ServersFile { entries })
    }

    /// The secret for `host` and `port`: the first line naming the host
    /// with that port or with none.
    pub fn secret_for(&self, host: &str, port: u16) -> Option<&SharedSecret> {
        self.entries
            .iter()
            .find(|e| e.host.eq_ignore_ascii_case(host) && e.port.is_none_or(|p| p == port))
            .map(|e| &e.secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up() {
        let text = "# server secret\nradius.example.net  s3cret\n192.0.2.1:1645 other # note\n[2001:db8::1]:1812 six\n";
        let f = ServersFile::parse("servers", text).unwrap();
        assert_eq!(f.entries.len(), 3);
        assert_eq!(
            f.secret_for("RADIUS.example.net", 1812).unwrap().expose(),
            b"s3cret"
        );
        assert_eq!(f.secret_for("192.0.2.1", 1645).unwrap().expose(), b"other");
        assert!(f.secret_for("192.0.2.1", 1812).is_none());
        assert_eq!(f.secret_for("2001:db8::1", 1812).unwrap().expose(), b"six");
        assert!(!format!("{f:?}").contains("s3cret"));
        let f = ServersFile::parse("servers", "h1 #hash\nh2 s#c\n").unwrap();
        assert_eq!(f.secret_for("h1", 1812).unwrap().expose(), b"#hash");
        assert_eq!(f.secret_for("h2", 1812).unwrap().expose(), b"s#c");
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = ServersFile::parse("/etc/radiusclient/servers", "\n# c\nhost\n").unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.line, e.kind.clone()),
            (
                "/etc/radiusclient/servers",
                3,
                ConfigErrorKind::MissingSecret
            )
        );
        assert_eq!(
            e.to_string(),
            "/etc/radiusclient/servers:3: server without a secret"
        );
        let e = ServersFile::parse("s", "host:99999 x\n").unwrap_err();
        assert_eq!(e.kind, ConfigErrorKind::BadServer("host:99999".into()));
    }
}
