//! The RADIUS client on tokio (issue #18): rppp-radius's sans-IO
//! [`Client`](rppp_radius::client::Client) behind UDP sockets, for the
//! authenticator's deferred verification and for accounting.
//!
//! - [`config`]: [`RadiusConfig`], from pppd's `radiusclient.conf` and
//!   its `servers` file ([`RadiusConfig::from_radiusclient_conf`]).
//! - [`service`]: [`RadiusService`], the task that owns the sockets; its
//!   [`RadiusHandle`]: [`RadiusHandle::access`] (Access-Request, RFC
//!   2865), [`RadiusHandle::verify`] (the same for a
//!   [`rppp_auth::VerifyRequest`], giving its [`rppp_auth::Verdict`]),
//!   [`RadiusHandle::account`] (Accounting-Request, RFC 2866, fire and
//!   forget) and [`RadiusHandle::counters`].
//! - [`access`]: the Access-Request for each kind of credentials (RFC
//!   2865, RFC 2548) and the mapping of the answer to a verdict.
//! - [`reply`]: what an Access-Accept asks the session to apply,
//!   [`ReplyAttributes`], with what rppp cannot apply named.
//! - [`accounting`]: Start, Interim-Update and Stop records (RFC 2866,
//!   RFC 2869); [`tunnel`]: the L2TP tunnel's attributes in them (RFC
//!   2867, RFC 2868).
//! - [`session`]: [`RadiusHooks`], one session's RADIUS as pppd's plugin
//!   gives it: the verification, the limits, accounting; [`avpairs`]:
//!   pppd's `avpair`s encoded by the dictionary; [`plugin`] (with the
//!   `pppd` feature): `plugin radius.so` from a session's options, one
//!   client per configuration file.
//! - [`dae`]: the Dynamic Authorization listener (RFC 5176): a
//!   Disconnect-Request closes the sessions it names, a CoA-Request sets
//!   their Session-Timeout and Idle-Timeout; [`Directory`]: the sessions
//!   by what such requests name them with.
//!
//! Accounting survives a server outage: records no server answered are
//! held in a bounded queue, one is retried every
//! [`RadiusConfig::accounting_retry_interval`], and the rest follow the
//! first answer, with Acct-Delay-Time for the time they waited (RFC 2866
//! section 5.2). Shared secrets, passwords, responses and MPPE keys never
//! appear in `Debug` output or logs.

#![forbid(unsafe_code)]

pub mod access;
pub mod accounting;
pub mod avpairs;
pub mod config;
mod counters;
pub mod dae;
mod directory;
mod error;
pub mod framed_pool;
mod grant;
mod handle;
#[cfg(feature = "pppd")]
pub mod plugin;
mod queue;
pub mod radattr;
pub mod realms;
pub mod reply;
pub mod service;
pub mod session;
mod terminate;
pub mod tunnel;

pub use access::{access_request, authorization, Authorization, NasContext};
pub use accounting::{AccountingRecord, AccountingStatus, AcctTerminateCause, TrafficCounters};
pub use config::{ConfigLoadError, RadiusConfig};
pub use counters::ServiceCounters;
pub use directory::Directory;
pub use error::RadiusError;
pub use framed_pool::{FramedPoolError, FramedPools};
pub use handle::RadiusHandle;
pub use realms::RealmHandles;
pub use reply::{FramedIp, ReplyAttributes, Unsupported};
pub use service::RadiusService;
pub use session::{RadiusContext, RadiusHooks};
pub use terminate::terminate_cause;
pub use tunnel::TunnelContext;
