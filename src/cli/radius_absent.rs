//! `plugin radius.so` in a build without the `radius` feature (a router
//! build): the options still parse, and a session that asks for RADIUS
//! is refused at once with a clear error rather than run without it.

use rppp::driver::Hooks;
use rppp::options::Options;
use rppp::session::exit;

/// Never made: [`load`] refuses first.
#[derive(Debug)]
pub(crate) enum Setup {}

/// Refuses `plugin radius.so`.
pub(crate) fn load(o: &Options) -> Result<Option<Setup>, (u8, String)> {
    match &o.radius {
        None => Ok(None),
        Some(_) => Err((
            exit::OPTION_ERROR,
            "plugin radius.so: this rppp is built without RADIUS (the `radius` feature)"
                .to_string(),
        )),
    }
}

/// No clients.
#[derive(Default)]
pub(crate) struct Radius {
    _none: (),
}

impl Radius {
    pub(crate) async fn start(&mut self, setup: Setup) -> Result<(), String> {
        match setup {}
    }

    pub(crate) fn hooks<H: Hooks>(&self, _: &Options, inner: H) -> Result<H, H> {
        Err(inner)
    }

    pub(crate) async fn shutdown(self) {}
}
