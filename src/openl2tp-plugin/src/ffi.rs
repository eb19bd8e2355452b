//! The FFI edge: the openl2tpd symbols the plugin uses, declared by hand
//! (only these), and the shim's flat struct. Nothing here is called
//! except from [`crate::hooks`] and [`crate::reports`], on openl2tpd's
//! event-loop thread.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void};

pub(crate) use rppp::kernel::Pppol2tpIocStats;

/// openl2tpd's `struct l2tp_session`, never looked into from Rust.
#[repr(C)]
pub(crate) struct L2tpSession {
    _opaque: [u8; 0],
}

/// Length of each text field of [`OlSession`] (shim.h's `RPPP_OL_TEXT`).
pub(crate) const TEXT: usize = 256;

/// shim.h's `struct rppp_ol_session`, field for field.
#[repr(C)]
#[derive(Clone)]
pub(crate) struct OlSession {
    pub(crate) no_ppp: i32,
    pub(crate) use_ppp_proxy: i32,
    pub(crate) send_seq: i32,
    pub(crate) recv_seq: i32,
    pub(crate) reorder_timeout: i32,
    pub(crate) is_lns: i32,
    pub(crate) created_by_admin: i32,
    pub(crate) ppp_profile_name: [u8; TEXT],
    pub(crate) user_name: [u8; TEXT],
    pub(crate) user_password: [u8; TEXT],
    pub(crate) interface_name: [u8; TEXT],
    pub(crate) tunnel_fd: i32,
    pub(crate) peer_addr: u32,
    pub(crate) peer_port: u16,
    pub(crate) pad: u16,
    pub(crate) profile_result: i32,
    pub(crate) trace_flags: u32,
    pub(crate) asyncmap: u32,
    pub(crate) mtu: i32,
    pub(crate) mru: i32,
    pub(crate) auth_none: i32,
    pub(crate) auth_peer: i32,
    pub(crate) refuse_pap: i32,
    pub(crate) refuse_chap: i32,
    pub(crate) refuse_mschap: i32,
    pub(crate) refuse_mschapv2: i32,
    pub(crate) refuse_eap: i32,
    pub(crate) sync_mode_set: i32,
    pub(crate) sync_mode: i32,
    pub(crate) chap_interval: i32,
    pub(crate) chap_max_challenge: i32,
    pub(crate) chap_restart: i32,
    pub(crate) pap_max_auth_requests: i32,
    pub(crate) pap_restart_interval: i32,
    pub(crate) pap_timeout: i32,
    pub(crate) idle_timeout: i32,
    pub(crate) ipcp_max_config_requests: i32,
    pub(crate) ipcp_max_config_naks: i32,
    pub(crate) ipcp_max_terminate_requests: i32,
    pub(crate) ipcp_retransmit_interval: i32,
    pub(crate) lcp_echo_failure_count: i32,
    pub(crate) lcp_echo_interval: i32,
    pub(crate) lcp_max_config_requests: i32,
    pub(crate) lcp_max_config_naks: i32,
    pub(crate) lcp_max_terminate_requests: i32,
    pub(crate) lcp_retransmit_interval: i32,
    pub(crate) max_connect_time: i32,
    pub(crate) max_failure_count: i32,
    pub(crate) local_ip: u32,
    pub(crate) peer_ip: u32,
    pub(crate) dns_1: u32,
    pub(crate) dns_2: u32,
    pub(crate) wins_1: u32,
    pub(crate) wins_2: u32,
    pub(crate) use_radius: i32,
    pub(crate) default_route_set: i32,
    pub(crate) default_route: i32,
    pub(crate) multilink: i32,
    pub(crate) proxy_arp: i32,
    pub(crate) ip_pool_name: [u8; TEXT],
    pub(crate) local_name: [u8; TEXT],
    pub(crate) remote_name: [u8; TEXT],
}

impl OlSession {
    /// All zero, as the shim starts it.
    pub(crate) fn zeroed() -> Box<OlSession> {
        // SAFETY: every field is an integer or an array of integers, for
        // which all-zero bits are a valid value.
        Box::new(unsafe { std::mem::zeroed() })
    }
}

/// `l2tp_session_created_hook`, `_deleted_hook`, `_down_hook`.
pub(crate) type SessionHook = Option<unsafe extern "C" fn(*const L2tpSession, u16, u16) -> c_int>;
/// `l2tp_session_up_hook`: also the peer's tunnel and session ids.
pub(crate) type UpHook =
    Option<unsafe extern "C" fn(*const L2tpSession, u16, u16, u16, u16) -> c_int>;
/// `l2tp_session_get_stats_hook`.
pub(crate) type StatsHook =
    Option<unsafe extern "C" fn(*const L2tpSession, u16, u16, *mut Pppol2tpIocStats) -> c_int>;
/// usl's `usl_fd_callback_fn_t`.
pub(crate) type FdCallback = Option<unsafe extern "C" fn(c_int, *mut c_void)>;

extern "C" {
    /// Set to keep openl2tpd from loading ppp_unix.so.
    pub(crate) static mut l2tp_inhibit_default_plugin: c_int;
    pub(crate) static mut l2tp_session_created_hook: SessionHook;
    pub(crate) static mut l2tp_session_deleted_hook: SessionHook;
    pub(crate) static mut l2tp_session_up_hook: UpHook;
    pub(crate) static mut l2tp_session_down_hook: SessionHook;
    pub(crate) static mut l2tp_session_get_stats_hook: StatsHook;

    /// PPP came up or went down on a session: its unit, interface and
    /// (LNS) the peer's user name.
    pub(crate) fn l2tp_session_ppp_updown_ind(
        tunnel_id: u16,
        session_id: u16,
        unit: c_int,
        up: c_int,
        ifname: *mut c_char,
        user_name: *mut c_char,
    );
    /// The ACCMs PPP negotiated: an LNS sends them in Set-Link-Info.
    pub(crate) fn l2tp_session_ppp_accm_ind(
        tunnel_id: u16,
        session_id: u16,
        send_accm: u32,
        recv_accm: u32,
    );
    /// PPP is over: openl2tpd closes the session (a CDN).
    pub(crate) fn l2tp_session_close_event(tunnel_id: u16, session_id: u16);

    pub(crate) fn usl_fd_add_fd(fd: c_int, callback: FdCallback, arg: *mut c_void) -> c_int;
    pub(crate) fn usl_fd_remove_fd(fd: c_int) -> c_int;

    /// The shim (shim/shim.c).
    pub(crate) fn rppp_ol_read(session: *const L2tpSession, out: *mut OlSession) -> c_int;
}

/// A NUL-terminated text field as bytes, without the NUL.
pub(crate) fn text(field: &[u8; TEXT]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(TEXT);
    &field[..end]
}
