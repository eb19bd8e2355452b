//! `plugin radius.so` for sessions run from pppd's command line
//! (`rppp::radius_client::plugin`): the files are read when a session is
//! prepared, the clients start with the runtime.

use rppp::driver::Hooks;
use rppp::options::{self, Options};
pub(crate) use rppp::radius_client::plugin::Setup;
use rppp::radius_client::plugin::{self, CallContext, Clients};
use rppp::radius_client::{RadiusHooks, TunnelContext};

/// Reads the plugin's files when `o` has `plugin radius.so`.
pub(crate) fn load(o: &Options) -> Result<Option<Setup>, (u8, String)> {
    plugin::load(o, &mut options::read_file).map_err(|e| (e.exit_code(), e.to_string()))
}

/// The process's RADIUS clients.
#[derive(Default)]
pub(crate) struct Radius {
    clients: Clients,
}

impl Radius {
    /// Starts the client for `setup` unless it runs already.
    pub(crate) async fn start(&mut self, setup: Setup) -> Result<(), String> {
        self.clients
            .start(&setup)
            .map_err(|e| format!("{}: cannot start the RADIUS client: {e}", setup.file))
    }

    /// `inner` with RADIUS for a session of `o`; `inner` back without.
    pub(crate) fn hooks<H: Hooks>(&self, o: &Options, inner: H) -> Result<RadiusHooks<H>, H> {
        let Some(radius) = &o.radius else {
            return Err(inner);
        };
        // xl2tpd's `pass peer` hands the LAC's address as ipparam.
        let peer = o
            .ipparam
            .as_deref()
            .and_then(|p| p.parse::<std::net::IpAddr>().ok());
        // As the LNS, the peer is the tunnel's client; our own end is not
        // on the command line.
        let tunnel = peer
            .filter(|_| o.pppol2tp.lns_mode)
            .map(|client_endpoint| TunnelContext {
                client_endpoint,
                server_endpoint: None,
                connection: None,
            });
        let call = CallContext {
            calling: peer.map(|p| p.to_string()),
            called: None,
            tunnel,
            interim_default: radius.interim_interval,
            radattr: radius.radattr,
            pools: None,
        };
        self.clients.hooks(&radius.config_file, inner, call)
    }

    /// Lets accounting in flight finish, then stops the clients.
    pub(crate) async fn shutdown(self) {
        self.clients.shutdown().await;
    }
}
