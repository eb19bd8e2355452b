//! What a session tells the world outside the process, the way pppd does:
//! openl2tpd's event socket and pppd's scripts.
//!
//! - [`openl2tp`]: the datagrams pppd's `openl2tp.so` plugin sends
//!   (`PPP_UPDOWN_IND`, `PPP_ACCM_IND`), encoded byte for byte;
//!   [`openl2tp_socket`]: sending them to `/tmp/openl2tp-event.sock`.
//! - [`scripts`]: the arguments and environment of `/etc/ppp/ip-up` and the
//!   others (pure); [`script_runner`]: running them on tokio with a
//!   deadline; [`script_order`]: pppd's rule that an up script and its down
//!   script never overlap; [`identity`]: the process facts the scripts'
//!   environment carries; [`hooks`]: all of it driven by one session's
//!   events, as the `rppp` command does; [`resolv`]: `usepeerdns`'s
//!   `/etc/ppp/resolv.conf`.

pub mod hooks;
pub mod identity;
pub mod openl2tp;
pub mod openl2tp_socket;
pub mod resolv;
pub mod script_order;
pub mod script_runner;
pub mod scripts;

pub use hooks::{SessionHooks, SCRIPT_TIMEOUT};
pub use openl2tp::{Accm, EncodeError, Event, UpDown, EVENT_SOCKET_PATH};
pub use openl2tp_socket::EventSocket;
pub use resolv::PeerDnsHooks;
pub use script_order::ScriptPair;
pub use script_runner::{ScriptOutcome, ScriptRunner, SkipReason};
pub use scripts::{
    invocation, Invocation, Ipv4Info, Ipv6Info, LinkStats, ProcessInfo, Script, ScriptContext,
    DEFAULT_SCRIPT_DIR,
};
