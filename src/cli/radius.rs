//! `plugin radius.so` for a session run from pppd's command line: the
//! plugin's files are read and checked when the session is prepared, and
//! [`start`] is where the RADIUS client will start.

use rppp::options::radius::LoadedRadius;
use rppp::options::{self, Options};
use rppp::session::exit;

/// Reads `radiusclient.conf`, its servers file and dictionary when
/// `plugin radius.so` was given, logging their warnings. Errors are
/// rendered as the options files' are, with their exit code.
pub(crate) fn load(o: &Options) -> Result<Option<LoadedRadius>, (u8, String)> {
    let Some(radius) = &o.radius else {
        return Ok(None);
    };
    let loaded = radius.load(&mut options::read_file).map_err(|e| {
        (
            u8::try_from(e.exit_code()).unwrap_or(exit::FATAL_ERROR),
            e.to_string(),
        )
    })?;
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    Ok(Some(loaded))
}

/// RADIUS CLIENT START POINT: the one place where the RADIUS client
/// (`src/radius_client/`, a tokio service) is to be started from the
/// loaded configuration, for the session whose `AuthConfig::verification`
/// is already `Verification::External` (see `Options::session_config`).
/// It should return the client's handle, to answer the session's
/// verification requests, instead of `()`.
///
/// Until then a session with `plugin radius.so` stops here: running it
/// would fail every peer (no verifier answers).
pub(crate) fn start(loaded: LoadedRadius) -> Result<(), (u8, String)> {
    let servers = loaded.auth_servers.len();
    Err((
        exit::FATAL_ERROR,
        format!(
            "plugin radius.so: RADIUS is not wired yet (the configuration in {} with {servers} authentication server(s) was read and is valid, but this build cannot send requests)",
            loaded.options.config_file
        ),
    ))
}
