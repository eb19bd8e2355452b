//! A build without the control socket (feature `ctl`, left out of the
//! router build): `rppp ctl` never asks the daemon anything. `--ctl` is
//! refused when the flags are read (`cli::l2tpd::args`), so no setting
//! here is ever silently ignored.

use super::Daemon;

/// A request of `rppp ctl`: none can be made without the socket.
#[derive(Debug)]
pub(super) enum DaemonRequest {}

/// The control socket's task: never started.
#[derive(Debug)]
pub(super) enum Serving {}

impl Serving {
    pub(super) async fn close(self, _: std::time::Duration) {
        match self {}
    }
}

impl Daemon {
    /// No socket to serve (`--ctl` was refused at the command line).
    pub(super) async fn control_socket(&mut self) -> Option<Serving> {
        None
    }

    /// Never called: no request exists.
    pub(super) fn on_ctl(&mut self, r: DaemonRequest) {
        match r {}
    }
}
