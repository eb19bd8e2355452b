//! The daemon's log lines: each control datagram at debug level (its
//! header and message type, never its AVPs), and the endpoint's events at
//! info level in xl2tpd's words.

use std::net::SocketAddr;

use rppp_l2tp::avp::RawAvp;
use rppp_l2tp::{Event, HeaderRepr, MessageType};

/// At debug level, one line per control datagram, as xl2tpd's `debug
/// packet` shows them: the message type (from the Message Type AVP,
/// which is never hidden), the header's ids and sequence numbers. No
/// other AVP, so no secret or hidden value, reaches the log.
pub(super) fn log_datagram(dir: &str, remote: SocketAddr, bytes: &[u8]) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    match HeaderRepr::parse(bytes) {
        Ok((h, body)) => {
            let body = bytes.get(body).unwrap_or_default();
            let (ns, nr) = h.sequence.unwrap_or_default();
            let kind = match RawAvp::parse(body, 0) {
                _ if body.is_empty() => "ZLB".to_string(),
                Ok((avp, _)) if avp.vendor == 0 && avp.attribute == 0 && !avp.hidden => {
                    match avp.value {
                        [a, b] => format!("{:?}", MessageType::from(u16::from_be_bytes([*a, *b]))),
                        _ => "a message with a bad Message Type".into(),
                    }
                }
                _ => "a message without a Message Type".into(),
            };
            tracing::debug!(
                "L2TP {dir} {remote}: {kind}, tunnel {} session {} Ns {ns} Nr {nr}, {} octets of AVPs",
                h.tunnel_id,
                h.session_id,
                body.len(),
            );
        }
        Err(_) => tracing::debug!(
            "L2TP {dir} {remote}: {} octets, no L2TP header",
            bytes.len()
        ),
    }
}

/// The endpoint's events at info level, in xl2tpd's words (its `control.c`
/// and `call.c` notices) after rppp's `tunnel N:` prefix, so that what
/// reads xl2tpd's log finds the same lines.
pub(super) fn log_event(tunnel_id: u16, remote: Option<(SocketAddr, &str)>, event: &Event) {
    let ip = remote.map_or_else(|| "?".to_string(), |(r, _)| r.ip().to_string());
    let port = remote.map_or(0, |(r, _)| r.port());
    match event {
        Event::TunnelUp(i) => {
            let section = remote.map_or("", |(_, s)| s);
            tracing::info!(
                "tunnel {tunnel_id}: up: Connection established to {ip}, {port}.  Local: {tunnel_id}, Remote: {} (peer '{}', [{section}]).",
                i.peer_tunnel_id,
                String::from_utf8_lossy(&i.peer_host_name).escape_debug(),
            )
        }
        Event::SessionUp(i) => tracing::info!(
            "tunnel {tunnel_id}: session {} up: Call established with {ip}, Local: {}, Remote: {}, Serial: {}",
            i.session_id,
            i.session_id,
            i.peer_session_id,
            i.call_serial_number
        ),
        Event::SessionDown {
            session_id,
            peer_session_id,
            reason,
        } => tracing::info!(
            "tunnel {tunnel_id}: session {session_id} down: Connection closed to {ip}, Local: {session_id}, Remote: {peer_session_id} ({reason})"
        ),
        Event::LinkInfo {
            session_id,
            send_accm,
            recv_accm,
        } => tracing::info!(
            "tunnel {tunnel_id}: session {session_id}: Set-Link-Info send {send_accm:#010x} recv {recv_accm:#010x}"
        ),
        Event::WanError { session_id, errors } => {
            tracing::warn!("tunnel {tunnel_id}: session {session_id}: WAN errors {errors:?}")
        }
        Event::TunnelDown(end) => tracing::info!(
            "tunnel {tunnel_id}: down: {end}: Connection closed to {ip}, port {port}, Local: {tunnel_id}"
        ),
    }
}
