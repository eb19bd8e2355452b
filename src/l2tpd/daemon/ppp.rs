//! Starting a call's PPP session on the engine, with RADIUS when its
//! section's options load `plugin radius.so`: one client per
//! `radiusclient.conf` for the whole daemon, started at the first call
//! that needs it; Calling-Station-Id is the L2TP peer's address,
//! Called-Station-Id ours.

use rppp_l2tp::{Role, SessionInfo};

use crate::driver::SessionId;
use crate::kernel::PppoL2tpSocket;
use crate::l2tpd::setup::CallSetup;

use super::Daemon;

#[cfg(feature = "radius")]
use crate::radius_client::{plugin::CallContext, TunnelContext};

/// The daemon's RADIUS clients.
#[cfg(feature = "radius")]
pub(super) type Radius = crate::radius_client::plugin::Clients;

impl Daemon {
    /// Adds the session of `call` on `socket`; `tunnel` is its tunnel,
    /// where we are `role`, and `info` what the call carried.
    pub(super) fn add_ppp(
        &mut self,
        tunnel: u16,
        socket: PppoL2tpSocket,
        call: CallSetup,
        role: Role,
        info: &SessionInfo,
    ) -> Result<SessionId, String> {
        let CallSetup {
            config,
            kernel,
            radius,
        } = call;
        // usepeerdns: resolv.conf when IPCP comes up (the daemon runs no
        // scripts).
        let hooks = crate::notify::PeerDnsHooks::for_config(&config);
        #[cfg(feature = "radius")]
        if let Some(setup) = radius {
            self.radius
                .start(&setup)
                .map_err(|e| format!("{}: cannot start the RADIUS client: {e}", setup.file))?;
            let place = self.places.get(&tunnel);
            let remote = place.map(|p| p.remote.ip());
            let local = place
                .and_then(|p| self.listen.get(p.local))
                .and_then(|s| s.local_addr().ok())
                .map(|a| a.ip());
            // The LAC initiated the tunnel: it is the tunnel's client.
            let (client, server) = match role {
                Role::Lns => (remote, local),
                Role::Lac => (local, remote),
            };
            let tunnel_context = client.map(|client_endpoint| TunnelContext {
                client_endpoint,
                server_endpoint: server,
                connection: Some(info.call_serial_number.to_string()),
            });
            let call = CallContext {
                calling: remote.map(|a| a.to_string()),
                called: local.map(|a| a.to_string()),
                tunnel: tunnel_context,
                interim_default: setup.interim_default,
                radattr: setup.radattr,
                pools: Some(std::sync::Arc::new(
                    self.setup
                        .pools_for(&self.settings, (tunnel, info.session_id)),
                )),
            };
            return match self.radius.hooks(&setup.file, hooks, call) {
                Ok(hooks) => {
                    let acct_session_id = hooks.acct_session_id();
                    let id = self
                        .engine
                        .add_kernel_session(socket, config, kernel, hooks);
                    // Dynamic Authorization finds the session by its
                    // RADIUS names: they must lead to its engine id.
                    if let Some(d) = &self.directory {
                        d.bind(&acct_session_id, id);
                    }
                    Ok(id)
                }
                Err(_) => Err(format!("{}: no RADIUS client", setup.file)),
            };
        }
        #[cfg(not(feature = "radius"))]
        if let Some(never) = radius {
            match never {}
        }
        let _ = (tunnel, role, info);
        Ok(self
            .engine
            .add_kernel_session(socket, config, kernel, hooks))
    }

    /// The Dynamic Authorization listener, when configured: its socket is
    /// bound now (a failure stops the start), its task serves the
    /// engine's sessions.
    pub(super) async fn start_dae(
        &mut self,
    ) -> std::io::Result<Option<tokio::task::JoinHandle<()>>> {
        #[cfg(feature = "radius")]
        if let Some(settings) = self.settings.dae.clone() {
            use crate::radius_client::{dae, Directory};
            let socket = dae::bind(&settings).await.map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("Dynamic Authorization on {}: {e}", settings.listen),
                )
            })?;
            let directory = Directory::new();
            self.radius.set_directory(directory.clone());
            self.directory = Some(directory.clone());
            tracing::info!(
                "Dynamic Authorization (RFC 5176) on {} for {} client(s)",
                settings.listen,
                settings.config.clients.len()
            );
            let engine = self.engine.clone();
            return Ok(Some(tokio::spawn(dae::serve(
                socket,
                settings.config,
                engine,
                directory,
            ))));
        }
        Ok(None)
    }

    /// Lets the sessions' last accounting go out, then stops the clients.
    pub(super) async fn stop_radius(&mut self) {
        #[cfg(feature = "radius")]
        std::mem::take(&mut self.radius).shutdown().await;
    }
}
