//! systemd's service notification (sd_notify(3)) for the long-lived
//! modes, so a unit can be `Type=notify`: `READY=1` once rppp listens,
//! `STATUS=` with its counts while it runs, `STOPPING=1` when it begins to
//! shut down. Outside systemd (no `NOTIFY_SOCKET`) nothing is sent. A
//! notification that cannot be sent is logged at debug level and
//! otherwise ignored: it must never stop the daemon.
//!
//! The `sd-notify` crate does the sending.

use sd_notify::NotifyState;

fn send(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!("sd_notify: {e}");
    }
}

/// `READY=1` with a first status line.
pub fn ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// `STATUS=...`: one line for `systemctl status`.
pub fn status(status: &str) {
    send(&[NotifyState::Status(status)]);
}

/// `STOPPING=1`.
pub fn stopping() {
    send(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}
