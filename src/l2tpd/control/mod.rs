//! xl2tpd's control pipe (issue #16): `echo "c myvpn" >
//! /var/run/xl2tpd/l2tp-control` and `xl2tpd-control` drive `rppp l2tpd`
//! as they drive xl2tpd.
//!
//! - [`request`]: one message parsed, sans-IO: the optional result file
//!   (`@PATH `) and a typed [`Request`], or a [`ParseError`];
//! - [`reply`]: the answers, typed, whose `Display` is the text xl2tpd
//!   writes to the result file ([`Reply`]);
//! - [`frame`]: the byte stream cut into messages, sans-IO ([`Framer`]);
//! - [`pipe`]: the FIFO on tokio ([`ControlPipe`]).
//!
//! # The protocol
//!
//! A message is one line written to the FIFO: `[@RESULT ]COMMAND
//! [ARGUMENTS]`. Without `@RESULT` nobody hears the answer (`echo`).
//! `xl2tpd-control` makes `RESULT` a FIFO,
//! `/var/run/xl2tpd/xl2tpd-control-PID.out`, opens it for reading, sends
//! `@RESULT COMMAND ...` without a newline, and reads the answer for up
//! to a second: lines `NN TEXT`, where `NN` is the result code it exits
//! with (0 success, 1 error, 2 out of memory, 3 bad settings).
//!
//! # Using it in the daemon
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use rppp::l2tpd::control::{ControlPipe, Failure, Reply, Request, DEFAULT_CONTROL_PIPE};
//!
//! let mut pipe = ControlPipe::open(DEFAULT_CONTROL_PIPE)?;
//! loop {
//!     // In the daemon, a branch of its `select!`: `next` is cancel-safe.
//!     let message = pipe.next().await?;
//!     let reply = match message.request {
//!         Err(error) => {
//!             tracing::info!("control pipe: {error}");
//!             Reply::from(error)
//!         }
//!         Ok(Request::Available) => Reply::Ok, // build a `reply::Available`
//!         Ok(other) => Failure::NotSupported(other.command()).into(),
//!     };
//!     // Spawn it, or await it: it takes at most `pipe::REPLY_TIMEOUT`.
//!     let to = message.reply_to;
//!     tokio::spawn(async move {
//!         if let Err(e) = ControlPipe::reply(to.as_ref(), &reply).await {
//!             tracing::info!("control pipe: answer not written: {e}");
//!         }
//!     });
//! }
//! # }
//! ```
//!
//! The daemon answers every message that names a result file, also those
//! xl2tpd answers with silence (`s`, `a` on an existing LAC), so that
//! `xl2tpd-control` never waits out its second. Only the pipe's own
//! errors end the loop; a message that does not parse is answered with
//! `01 ...` ([`Reply::from`] a [`ParseError`]).
//!
//! # The commands
//!
//! What xl2tpd does, what rppp's daemon should do, and the answer. "LAC"
//! is a `[lac NAME]` section, matched in any case
//! ([`LacRef::matches`]); when none matches a `c`, `o` or `d`, xl2tpd
//! reads the name as a local tunnel id ([`LacRef::tunnel_id`]).
//!
//! | Message | Meaning | The daemon | Answer |
//! |---|---|---|---|
//! | `c NAME [USER [PASSWORD]]` ([`Request::Connect`]) | dial a LAC | mark the LAC active (redial on), reset its redial count, keep the credentials in the LAC for PPP (xl2tpd passes the user as pppd's `name` and the password through pppd's `passwordfd` plugin, and forgets the password after the call unless the LAC has `redial = yes`), then place an incoming call (ICRQ) on its tunnel, opening the tunnel first if there is none. By tunnel id: a call on that tunnel | `00 OK`; `01 Session 'NAME' already active!` when the LAC has a call; `01 No such tunnel 'NAME'` when neither a LAC nor a number; `01 Error` when no tunnel has the id |
//! | `o NAME NUMBER` ([`Request::OutgoingCall`]) | as `c`, an outgoing call (OCRQ) to NUMBER | rppp-l2tp places incoming calls only: not supported | `01 Command 'o' not supported` ([`Failure::NotSupported`]) |
//! | `d NAME` ([`Request::Disconnect`]) | hang up a LAC | mark the LAC inactive (no redial), reset its redial count, close its tunnel (StopCCN, "Goodbye!"); by tunnel id: close that tunnel | `00 OK`; `01 Session 'NAME' not up` when the LAC has no tunnel; `01 No such tunnel 'NAME'`. By id xl2tpd answers `00 OK` even when there is no such tunnel |
//! | `h CALLID` ([`Request::Hangup`]) | hang up one call | close the session with this local id (xl2tpd sends SIGTERM to its pppd: PPP terminates, then CDN) | `00 OK`, also when there is no such call (as xl2tpd) |
//! | `t HOST` ([`Request::Tunnel`]) | open a tunnel to HOST:1701 with no LAC | open a tunnel as a LAC with the `[lac default]` settings, or answer not supported | `00 OK`; `01 Error` when the host does not resolve |
//! | `a NAME K=V;...` ([`Request::AddLac`]) | add a LAC | check the items as a `[lac NAME]` section ([`ConfigItems::section_text`] into [`config::parse`](crate::l2tpd::config::parse)), add it, dial it if `autodial = yes` | `00 OK`; `03 Configuration parse error` ([`Failure::BadSettings`]); an existing LAC: xl2tpd says nothing, rppp `01 Session 'NAME' already exists` |
//! | `r NAME` ([`Request::RemoveLac`]) | remove a LAC | as `d`, then forget the section (its calls lose their LAC) | `00 OK`; `01 No such tunnel 'NAME'` |
//! | `s [NAME]` ([`Request::LacStatus`]) | status | log the whole status (tunnels, calls, sections) as xl2tpd does to syslog | xl2tpd: nothing; rppp: `00 OK`, or a [`Reply::Status`] of the named LAC's tunnel |
//! | `x` ([`Request::Available`]) | list | — | [`Reply::Available`]: sections, tunnels, counts |
//! | `y NAME` ([`Request::LnsStatus`]) | an LNS's tunnels | `default` is `[lns default]` | [`Reply::Status`]; `01 Error: Could not find lns` ([`Failure::NoSuchLns`]) |
//! | `z NAME K=V;...` ([`Request::AddLns`]) | add or change an LNS | as `a`, but an existing section takes the new settings | `00 OK: Saved value` ([`Reply::Saved`]); `03 Configuration parse error` |
//! | `w NAME` ([`Request::RemoveLns`]) | remove an LNS | close every call of its tunnels, forget the section (xl2tpd does not find `default` here) | `00 OK`; `01 No such tunnel 'NAME'` |
//!
//! A daemon that does not carry out a command answers
//! [`Failure::NotSupported`], never "unknown command": every command
//! xl2tpd has parses to its [`Request`].
//!
//! # Departures from xl2tpd
//!
//! - Messages end at a newline or, for writers that send none, after
//!   [`pipe::QUIET`] without bytes; xl2tpd takes each `read()` as a
//!   message, so two quick `echo`s become one garbled message there.
//! - Lines over [`MAX_MESSAGE`] bytes are dropped whole and answered with
//!   an error; xl2tpd cuts them into 1024-byte messages.
//! - Arguments are checked: see [`request`]; xl2tpd crashes on a missing
//!   one and misreads `connect vpn`.
//! - The result file must be an absolute path, and is written only if it
//!   is a FIFO or a new file, never through a symbolic link
//!   ([`ControlPipe::reply`]); xl2tpd, as root, truncates whatever the
//!   path names, and unlinks it even when it is a regular file (so the
//!   answer is lost): rppp leaves a new regular file in place.
//! - The FIFO is not replaced while another process reads it
//!   ([`ControlPipe::open`]); xl2tpd unlinks it unconditionally.

pub mod error;
pub mod frame;
pub mod pipe;
pub mod reply;
pub mod request;

pub use frame::Framer;
pub use pipe::{ControlPipe, DEFAULT_CONTROL_PIPE};
pub use reply::{Available, AvailableTunnel, CallStatus, Failure, Reply, Status, TunnelStatus};
pub use request::{
    Argument, Command, ConfigItem, ConfigItems, Credentials, LacRef, Message, ParseError, Problem,
    ReplyTarget, Request, ResultFileProblem, SectionKind, MAX_MESSAGE,
};
