//! The control socket: what an operator of a long-lived rppp (many
//! sessions in one process) asks it, as accel-ppp's accel-cmd does: list
//! and show sessions, the engine's counters, terminate sessions by who or
//! where they are, shut down softly. `rppp ctl` is its client.
//!
//! - [`request`]: the words of a request, parsed into a typed request;
//! - [`table`]: `show sessions`' columns, filters, sorting and rendering;
//! - [`stat`]: `show stat` and `show session ID`;
//! - [`server`]: the Unix socket (mode 0600) answering requests from the
//!   [`Engine`](crate::driver::Engine)'s registry;
//! - [`client`]: sending one request and reading the answer.

pub mod client;
pub mod request;
pub mod server;
pub mod stat;
pub mod table;

pub use request::{Request, RequestError};
pub use server::{ControlSocket, DEFAULT_SOCKET, MAX_REQUEST};
