//! The text of MS-CHAP's Success and Failure packets.
//!
//! - MS-CHAPv2 Success (RFC 2759 section 5): `S=<auth_string> M=<message>`,
//!   the authenticator response as 40 upper-case hexadecimal digits.
//! - Failure (RFC 2759 section 6, RFC 2433 section 5):
//!   `E=eeeeeeeeee R=r C=cccc... V=vvvvvvvvvv M=<msg>`: the error code
//!   (691: authentication failure), whether a retry is allowed, the next
//!   challenge in hexadecimal, the password-change version, and a message
//!   (MS-CHAPv2 only), which runs to the end of the packet.

use super::crypto::{parse_hex, push_hex};

/// ERROR_AUTHENTICATION_FAILURE (RFC 2759 section 6).
pub const ERROR_AUTHENTICATION_FAILURE: u32 = 691;

/// The Message of an MS-CHAPv2 Success: `S=<40 hex digits> M=<message>`.
pub fn success_v2(authenticator_response: &[u8; 20], message: &str) -> Vec<u8> {
    let mut s = String::with_capacity(45 + message.len());
    s.push_str("S=");
    push_hex(&mut s, authenticator_response);
    s.push_str(" M=");
    s.push_str(message);
    s.into_bytes()
}

/// The authenticator response of an MS-CHAPv2 Success message: `S=` and 40
/// hexadecimal digits at its start, then the end or a space. `None` when the
/// message has no well-formed `S=`.
pub fn parse_success_v2(message: &[u8]) -> Option<[u8; 20]> {
    let rest = message.strip_prefix(b"S=")?;
    let (digits, after) = rest.split_at_checked(40)?;
    if !(after.is_empty() || after[0] == b' ') {
        return None;
    }
    let mut out = [0u8; 20];
    parse_hex(digits, &mut out).then_some(out)
}

/// A Failure message to send: `E=<error> R=<0|1> C=<challenge> V=<version>`,
/// and ` M=<message>` when `message` is given (MS-CHAPv2).
pub fn failure(
    error: u32,
    retry: bool,
    challenge: &[u8],
    version: u32,
    message: Option<&str>,
) -> Vec<u8> {
    let mut s = format!("E={error} R={} C=", u8::from(retry));
    push_hex(&mut s, challenge);
    s.push_str(&format!(" V={version}"));
    if let Some(message) = message {
        s.push_str(" M=");
        s.push_str(message);
    }
    s.into_bytes()
}

/// A Failure message as received. Every field is optional: peers send
/// less than the RFCs describe, and what is missing is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// `E=`: the error code.
    pub error: Option<u32>,
    /// `R=`: whether the authenticator allows a retry.
    pub retry: Option<bool>,
    /// `C=`: the next challenge, when its digits are well formed.
    pub challenge: Option<Vec<u8>>,
    /// `V=`: the password-change protocol version.
    pub version: Option<u32>,
    /// `M=`: the text, to the end of the packet.
    pub message: Option<String>,
}

/// Reads a Failure message. Never fails: unknown or malformed parts are
/// left out.
pub fn parse_failure(text: &[u8]) -> Failure {
    let mut failure = Failure::default();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(message) = rest.strip_prefix(b"M=") {
            failure.message = Some(String::from_utf8_lossy(message).into_owned());
            break;
        }
        let end = rest.iter().position(|&c| c == b' ').unwrap_or(rest.len());
        let (field, tail) = rest.split_at(end);
        rest = tail.strip_prefix(b" ").unwrap_or(tail);
        let number = || {
            core::str::from_utf8(&field[2..])
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
        };
        match field.get(..2) {
            Some(b"E=") => failure.error = number(),
            Some(b"R=") => failure.retry = number().map(|r| r != 0),
            Some(b"V=") => failure.version = number(),
            Some(b"C=") => {
                let digits = &field[2..];
                let mut challenge = vec![0u8; digits.len() / 2];
                if parse_hex(digits, &mut challenge) {
                    failure.challenge = Some(challenge);
                }
            }
            _ => {}
        }
    }
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_round_trip() {
        let response = [0x40u8; 20];
        let message = success_v2(&response, "Access granted");
        assert_eq!(
            message,
            b"S=4040404040404040404040404040404040404040 M=Access granted"
        );
        assert_eq!(parse_success_v2(&message), Some(response));
        // Without M=, lower-case digits.
        assert_eq!(
            parse_success_v2(b"S=407a5589115fd0d6209f510fe9c04566932cda56").map(|r| r[0]),
            Some(0x40)
        );
    }

    #[test]
    fn malformed_success_is_none() {
        for bad in [
            &b""[..],
            b"Access granted",
            b"S=407A",
            b"S=407A5589115FD0D6209F510FE9C04566932CDA5G",
            b"S=407A5589115FD0D6209F510FE9C04566932CDA56X",
            b" S=407A5589115FD0D6209F510FE9C04566932CDA56",
        ] {
            assert_eq!(parse_success_v2(bad), None, "{}", bad.escape_ascii());
        }
    }

    #[test]
    fn failure_round_trip() {
        let text = failure(691, false, &[0xab; 16], 3, Some("Access denied"));
        assert_eq!(
            text,
            b"E=691 R=0 C=ABABABABABABABABABABABABABABABAB V=3 M=Access denied"
        );
        assert_eq!(
            parse_failure(&text),
            Failure {
                error: Some(691),
                retry: Some(false),
                challenge: Some(vec![0xab; 16]),
                version: Some(3),
                message: Some("Access denied".into()),
            }
        );
        let v1 = failure(691, false, &[1; 8], 0, None);
        assert_eq!(v1, b"E=691 R=0 C=0101010101010101 V=0");
    }

    #[test]
    fn partial_and_odd_failures_parse_what_they_can() {
        assert_eq!(
            parse_failure(b"E=649 R=1"),
            Failure {
                error: Some(649),
                retry: Some(true),
                ..Failure::default()
            }
        );
        let odd = parse_failure(b"E=x R= C=zz  junk M=a b  c");
        assert_eq!(odd.error, None);
        assert_eq!(odd.retry, None);
        assert_eq!(odd.challenge, None);
        assert_eq!(odd.message.as_deref(), Some("a b  c"));
        assert_eq!(parse_failure(b""), Failure::default());
    }
}
