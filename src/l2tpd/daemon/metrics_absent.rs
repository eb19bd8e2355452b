//! A build without Prometheus metrics (feature `metrics`, left out of the
//! router build): nothing is published. `--metrics` is refused when the
//! flags are read (`cli::l2tpd::args`).

use std::net::SocketAddr;
use std::time::Duration;

use super::Daemon;

/// How often the loop would publish (the tick never fires: nothing is
/// [`Published`]).
pub(super) const PUBLISH_INTERVAL: Duration = Duration::from_secs(3600);

/// Never made.
#[derive(Debug)]
pub(super) enum Published {}

impl Daemon {
    /// No endpoint (`--metrics` was refused at the command line).
    pub(super) async fn metrics_endpoint(
        &mut self,
        addr: SocketAddr,
        _per_session: bool,
    ) -> Option<tokio::task::JoinHandle<()>> {
        tracing::warn!("no metrics endpoint at {addr}: this rppp is built without metrics");
        None
    }

    /// Nothing to count.
    pub(super) fn metrics_tunnel_down(&mut self, _tunnel_id: u16) {}

    /// Nothing to publish.
    pub(super) fn publish_metrics(&mut self) {}
}
