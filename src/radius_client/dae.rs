//! The Dynamic Authorization listener (RFC 5176) on tokio: rppp-radius's
//! sans-IO [`DaeServer`] behind a UDP socket (port 3799 by default,
//! section 2.3), carrying requests out on an [`Engine`]'s sessions found
//! in a [`Directory`]: a Disconnect-Request closes them (Terminate-Request
//! to the peer, Acct-Terminate-Cause Admin-Reset), a CoA-Request sets
//! their Session-Timeout and Idle-Timeout. A request that names no
//! session is NAK'ed with Session Context Not Found (503).

use std::net::SocketAddr;

use rppp_radius::dae::{
    DaeClient, DaeConfig, DaeInput, DaeKind, DaeOutcome, DaeRequest, DaeServer,
};
use rppp_radius::ErrorCause;
use tokio::net::UdpSocket;

use super::Directory;
use crate::driver::{CloseReason, Engine, SessionLimits};

/// The port RFC 5176 section 2.3 gives Dynamic Authorization.
pub const DAE_PORT: u16 = 3799;

/// Where the listener listens and whom it answers.
#[derive(Debug, Clone)]
pub struct DaeSettings {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The clients with their secrets, and the NAS's identity to check.
    pub config: DaeConfig,
}

impl DaeSettings {
    /// From a file of `ADDRESS SECRET` lines, as radiusclient's servers
    /// file (`#` comments).
    ///
    /// # Errors
    /// The file and line of a line that is not an address and a secret.
    pub fn from_clients_file(
        listen: SocketAddr,
        file: &str,
        text: &str,
    ) -> Result<DaeSettings, String> {
        let servers =
            rppp_radius::config::ServersFile::parse(file, text).map_err(|e| e.to_string())?;
        let clients = servers
            .entries
            .into_iter()
            .map(|e| {
                let address = e.host.parse().map_err(|_| {
                    format!(
                        "{file}: {}: a Dynamic Authorization client is an IP address",
                        e.host
                    )
                })?;
                Ok(DaeClient {
                    address,
                    secret: e.secret,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(DaeSettings {
            listen,
            config: DaeConfig {
                clients,
                require_message_authenticator: true,
                ..DaeConfig::default()
            },
        })
    }
}

/// Binds the listener's socket: a failure is the caller's to report at
/// start.
///
/// # Errors
/// The address cannot be bound.
pub async fn bind(settings: &DaeSettings) -> std::io::Result<UdpSocket> {
    UdpSocket::bind(settings.listen).await
}

/// Serves requests on `socket` for ever (abort the task to stop).
pub async fn serve(socket: UdpSocket, config: DaeConfig, engine: Engine, directory: Directory) {
    let mut server = DaeServer::new(config);
    let mut buf = vec![0; 4096];
    loop {
        let (n, from) = match socket.recv_from(&mut buf).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("Dynamic Authorization socket: {e}");
                continue;
            }
        };
        let answer = match server.handle_datagram(from, &buf[..n]) {
            DaeInput::Request(request) => {
                let outcome = carry_out(&request, &engine, &directory);
                server.respond(&request, outcome)
            }
            DaeInput::Retransmit(answer) => Some(answer),
            DaeInput::Dropped(why) => {
                // Counted by the server; at debug, so a flood of forged
                // datagrams cannot flood the log.
                tracing::debug!("Dynamic Authorization request from {from} dropped: {why:?}");
                None
            }
        };
        if let Some(answer) = answer {
            if let Err(e) = socket.send_to(&answer, from).await {
                tracing::warn!("Dynamic Authorization answer to {from}: {e}");
            }
        }
    }
}

/// Does what `request` asks, or says why not.
fn carry_out(request: &DaeRequest, engine: &Engine, directory: &Directory) -> DaeOutcome {
    let what = match request.kind {
        DaeKind::Disconnect => "Disconnect-Request",
        DaeKind::Coa => "CoA-Request",
    };
    if let Some(cause) = request.refused {
        tracing::warn!(
            "RADIUS {what} from {}: refused ({cause:?}{})",
            request.from,
            request
                .unsupported
                .map(|a| format!(", attribute {}", u8::from(a)))
                .unwrap_or_default()
        );
        return DaeOutcome::Nak(cause);
    }
    let ids = directory.select(&request.selector);
    if ids.is_empty() {
        tracing::info!("RADIUS {what} from {}: no such session", request.from);
        return DaeOutcome::Nak(ErrorCause::SessionContextNotFound);
    }
    let mut done = 0;
    for id in &ids {
        let ok = match request.kind {
            DaeKind::Disconnect => engine.close(*id, CloseReason::Admin).is_ok(),
            DaeKind::Coa => engine
                .set_limits(
                    *id,
                    SessionLimits {
                        session_timeout: request.changes.session_timeout,
                        idle_timeout: request.changes.idle_timeout,
                    },
                )
                .is_ok(),
        };
        done += usize::from(ok);
    }
    tracing::info!(
        "RADIUS {what} from {}: {done} of {} session(s)",
        request.from,
        ids.len()
    );
    match done {
        0 => DaeOutcome::Nak(ErrorCause::SessionContextNotFound),
        _ => DaeOutcome::Ack,
    }
}
