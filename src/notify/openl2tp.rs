//! openl2tpd's event datagrams, byte for byte as pppd's `openl2tp.so` sends
//! them.
//!
//! pppd's openl2tp plugin (`pppd/plugins/pppol2tp/openl2tp.c`, with the
//! format in openl2tp's `l2tp_event.h`) tells openl2tpd about a session by
//! sending one `PF_UNIX`/`SOCK_DGRAM` datagram per event to
//! [`EVENT_SOCKET_PATH`]. A datagram is a header `{u32 signature, u16 type,
//! u16 length}` followed by TLVs `{u16 type, u16 length, value}`, each
//! padded with zeros to a multiple of 4 bytes; `length` counts the bytes
//! after the header, padding included. Every integer is in the sending
//! host's byte order (openl2tpd runs on the same host), which is why this
//! encoder uses `to_ne_bytes`. pppd leaves stack garbage in the padding;
//! this encoder writes zeros (openl2tpd never reads the padding), which is
//! the form the lab's golden files keep.
//!
//! When pppd sends each event (`pppol2tp.c` and `openl2tp.c`):
//! - [`UpDown`] (`PPP_UPDOWN_IND`): from the `ip_up`/`ip_down` notifiers, so
//!   when IPCP opens (after the interface is configured and up, before the
//!   `ip-up` script) and when it closes (before the interface goes down);
//!   the IPv6CP notifiers call the same hook, so with IPv6CP too pppd sends
//!   "up" and "down" twice. It is sent in LAC and LNS mode alike.
//! - [`Accm`] (`PPP_ACCM_IND`): only in LNS mode (`pppol2tp_lns_mode`),
//!   from the LCP snooper, each time it has seen the ACCM of both
//!   directions in Configure-Acks (an Ack we send gives the send ACCM, an
//!   Ack we receive the receive ACCM; a Configure-Reject of the option sets
//!   both to `0xffffffff`).

use std::fmt;

/// Where openl2tpd binds its event socket (`OPENL2TP_EVENT_SOCKET_NAME`).
pub const EVENT_SOCKET_PATH: &str = "/tmp/openl2tp-event.sock";

/// The first four bytes of every datagram (`OPENL2TP_MSG_SIGNATURE`).
pub const SIGNATURE: u32 = 0x6b6c_7831;

/// The largest datagram the plugin builds (`OPENL2TP_MSG_MAX_LEN`), and the
/// largest openl2tpd reads.
pub const MAX_LEN: usize = 512;

/// Message type of [`UpDown`] (`OPENL2TP_MSG_TYPE_PPP_UPDOWN_IND`).
pub const MSG_PPP_UPDOWN_IND: u16 = 1;
/// Message type of [`Accm`] (`OPENL2TP_MSG_TYPE_PPP_ACCM_IND`).
pub const MSG_PPP_ACCM_IND: u16 = 2;

/// TLV types (the `OPENL2TP_TLV_TYPE_*` enumeration, in its order).
pub mod tlv {
    /// Tunnel id, `u16`.
    pub const TUNNEL_ID: u16 = 0;
    /// Session id, `u16`.
    pub const SESSION_ID: u16 = 1;
    /// `{u32 send_accm, u32 recv_accm}`.
    pub const PPP_ACCM: u16 = 2;
    /// The ppp unit number, a C `int`.
    pub const PPP_UNIT: u16 = 3;
    /// The interface name, NUL-terminated.
    pub const PPP_IFNAME: u16 = 4;
    /// The peer's authenticated name, NUL-terminated.
    pub const PPP_USER_NAME: u16 = 5;
    /// 1 for up, 0 for down, `u8`.
    pub const PPP_STATE: u16 = 6;
}

/// `PPP_UPDOWN_IND`: the network layer of a session came up or went down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpDown<'a> {
    /// Our tunnel id (`pppol2tp_tunnel_id`), as the daemon passed it.
    pub tunnel_id: u16,
    /// Our session id (`pppol2tp_session_id`).
    pub session_id: u16,
    /// Up (IPCP or IPv6CP opened) or down (it closed).
    pub up: bool,
    /// The ppp unit number (`ppp_ifunit()`, `N` of `/dev/ppp` unit N).
    pub unit: i32,
    /// The interface name (`ppp_get_ifname()`), after any rename such as
    /// `pppol2tp_ifname`.
    pub ifname: &'a str,
    /// The name the peer authenticated itself with (`ppp_peer_authname()`);
    /// empty when we did not authenticate the peer, in which case pppd
    /// leaves the TLV out.
    pub user_name: &'a str,
}

/// `PPP_ACCM_IND`: the ACCMs negotiated by LCP, for the L2TP daemon to send
/// to the LAC in a Set-Link-Info message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accm {
    /// Our tunnel id.
    pub tunnel_id: u16,
    /// Our session id.
    pub session_id: u16,
    /// The ACCM we send with: the value in the peer's Configure-Request
    /// that we acknowledged (`0xffffffff` after a Configure-Reject).
    pub send_accm: u32,
    /// The ACCM we receive with: the value in our Configure-Request that
    /// the peer acknowledged (`0xffffffff` after a Configure-Reject).
    pub recv_accm: u32,
}

/// One event for openl2tpd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// `PPP_UPDOWN_IND`.
    UpDown(UpDown<'a>),
    /// `PPP_ACCM_IND`.
    Accm(Accm),
}

/// Why an event could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// A name holds a NUL byte, which the NUL-terminated TLV cannot carry.
    NulInName {
        /// `"ifname"` or `"user_name"`.
        field: &'static str,
    },
    /// The datagram would exceed [`MAX_LEN`] (openl2tpd reads no more).
    TooLong {
        /// The length it would have had.
        len: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NulInName { field } => write!(f, "openl2tp event: {field} contains a NUL byte"),
            Self::TooLong { len } => {
                write!(
                    f,
                    "openl2tp event: {len} bytes, more than the {MAX_LEN} openl2tpd reads"
                )
            }
        }
    }
}

impl std::error::Error for EncodeError {}

impl Event<'_> {
    /// The plugin's name for the message type, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UpDown(_) => "PPP_UPDOWN_IND",
            Self::Accm(_) => "PPP_ACCM_IND",
        }
    }

    /// The datagram.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        match self {
            Self::UpDown(e) => e.encode(),
            Self::Accm(e) => Ok(e.encode()),
        }
    }
}

impl UpDown<'_> {
    /// The datagram, TLVs in the plugin's order: tunnel id, session id,
    /// state, unit, interface name, then the user name unless it is empty.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut m = Message::new(MSG_PPP_UPDOWN_IND);
        m.tlv(tlv::TUNNEL_ID, &self.tunnel_id.to_ne_bytes());
        m.tlv(tlv::SESSION_ID, &self.session_id.to_ne_bytes());
        m.tlv(tlv::PPP_STATE, &[u8::from(self.up)]);
        m.tlv(tlv::PPP_UNIT, &self.unit.to_ne_bytes());
        m.tlv(tlv::PPP_IFNAME, &c_string(self.ifname, "ifname")?);
        if !self.user_name.is_empty() {
            m.tlv(tlv::PPP_USER_NAME, &c_string(self.user_name, "user_name")?);
        }
        m.finish()
    }
}

impl Accm {
    /// The datagram: tunnel id, session id, then the ACCM pair.
    ///
    /// pppd's LCP snooper copies the 4 option bytes straight from the frame
    /// into a `u32` (`memcpy`), and the plugin copies that `u32` into the
    /// TLV, so the TLV holds each ACCM as it is on the wire: big-endian
    /// whatever the host. This encoder does the same, so it matches pppd
    /// byte for byte on any host.
    pub fn encode(&self) -> Vec<u8> {
        let mut pair = [0u8; 8];
        pair[..4].copy_from_slice(&self.send_accm.to_be_bytes());
        pair[4..].copy_from_slice(&self.recv_accm.to_be_bytes());
        let mut m = Message::new(MSG_PPP_ACCM_IND);
        m.tlv(tlv::TUNNEL_ID, &self.tunnel_id.to_ne_bytes());
        m.tlv(tlv::SESSION_ID, &self.session_id.to_ne_bytes());
        m.tlv(tlv::PPP_ACCM, &pair);
        // Three short TLVs: 36 bytes, always within MAX_LEN.
        m.buf_with_length()
    }
}

/// The name with its terminating NUL, or an error if it holds one already.
fn c_string(name: &str, field: &'static str) -> Result<Vec<u8>, EncodeError> {
    if name.as_bytes().contains(&0) {
        return Err(EncodeError::NulInName { field });
    }
    let mut v = Vec::with_capacity(name.len() + 1);
    v.extend_from_slice(name.as_bytes());
    v.push(0);
    Ok(v)
}

/// A datagram being built.
struct Message {
    buf: Vec<u8>,
}

impl Message {
    fn new(msg_type: u16) -> Self {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&SIGNATURE.to_ne_bytes());
        buf.extend_from_slice(&msg_type.to_ne_bytes());
        buf.extend_from_slice(&0u16.to_ne_bytes());
        Self { buf }
    }

    /// Appends a TLV and its zero padding. Lengths past `u16::MAX` are
    /// caught by [`Message::finish`] (the datagram is then far over
    /// [`MAX_LEN`]); the field is saturated meanwhile.
    fn tlv(&mut self, tlv_type: u16, value: &[u8]) {
        let len = u16::try_from(value.len()).unwrap_or(u16::MAX);
        self.buf.extend_from_slice(&tlv_type.to_ne_bytes());
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(value);
        let padded = value.len().div_ceil(4) * 4;
        self.buf.resize(self.buf.len() + padded - value.len(), 0);
    }

    fn finish(self) -> Result<Vec<u8>, EncodeError> {
        if self.buf.len() > MAX_LEN {
            return Err(EncodeError::TooLong {
                len: self.buf.len(),
            });
        }
        Ok(self.buf_with_length())
    }

    /// The buffer with the header's length field filled in.
    fn buf_with_length(mut self) -> Vec<u8> {
        let len = u16::try_from(self.buf.len() - 8).unwrap_or(u16::MAX);
        self.buf[6..8].copy_from_slice(&len.to_ne_bytes());
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from pppd 2.4.9 with openl2tp.so in the lab (padding zeroed):
    // tunnel 100, session 1, unit 0, ppp0, peer authenticated as "lac".
    const GOLDEN_ACCM: &[u8] = include_bytes!("../../tests/lab/golden/openl2tp/event-1.bin");
    const GOLDEN_UP: &[u8] = include_bytes!("../../tests/lab/golden/openl2tp/event-2.bin");
    const GOLDEN_DOWN: &[u8] = include_bytes!("../../tests/lab/golden/openl2tp/event-3.bin");

    fn updown(up: bool, user_name: &str) -> UpDown<'_> {
        UpDown {
            tunnel_id: 100,
            session_id: 1,
            up,
            unit: 0,
            ifname: "ppp0",
            user_name,
        }
    }

    #[test]
    fn accm_matches_pppd() {
        let e = Accm {
            tunnel_id: 100,
            session_id: 1,
            send_accm: 0,
            recv_accm: 0,
        };
        assert_eq!(e.encode(), GOLDEN_ACCM);
        assert_eq!(Event::Accm(e).encode().unwrap(), GOLDEN_ACCM);
    }

    #[test]
    fn up_and_down_match_pppd() {
        assert_eq!(updown(true, "lac").encode().unwrap(), GOLDEN_UP);
        assert_eq!(updown(false, "lac").encode().unwrap(), GOLDEN_DOWN);
        assert_eq!(
            Event::UpDown(updown(true, "lac")).encode().unwrap(),
            GOLDEN_UP
        );
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn golden_files_are_this_hosts_byte_order() {
        // The header as openl2tpd reads it on x86_64 (the lab's host).
        assert_eq!(&GOLDEN_UP[..8], &[0x31, 0x78, 0x6c, 0x6b, 1, 0, 52, 0]);
    }

    #[test]
    fn no_user_name_leaves_the_tlv_out() {
        let d = updown(true, "").encode().unwrap();
        // The golden "up" datagram up to and including the ifname TLV.
        let mut want = GOLDEN_UP[..52].to_vec();
        want[6..8].copy_from_slice(&44u16.to_ne_bytes());
        assert_eq!(d, want);
    }

    #[test]
    fn accm_is_in_wire_order() {
        let e = Accm {
            tunnel_id: 0x1234,
            session_id: 0xabcd,
            send_accm: 0x000a_0000,
            recv_accm: 0xffff_ffff,
        };
        let d = e.encode();
        assert_eq!(d.len(), 36);
        assert_eq!(&d[8..12], &[0, 0, 2, 0]);
        assert_eq!(&d[12..14], &0x1234u16.to_ne_bytes());
        assert_eq!(&d[20..22], &0xabcdu16.to_ne_bytes());
        assert_eq!(&d[24..28], &[2, 0, 8, 0]);
        assert_eq!(&d[28..36], &[0, 0x0a, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    }

    #[test]
    fn unit_and_state_and_padding() {
        let d = UpDown {
            tunnel_id: 7,
            session_id: 9,
            up: true,
            unit: 1234,
            ifname: "l2tp-abcde",
            user_name: "a",
        }
        .encode()
        .unwrap();
        assert_eq!(&d[24..29], &[6, 0, 1, 0, 1]);
        assert_eq!(&d[29..32], &[0, 0, 0]);
        assert_eq!(&d[36..40], &1234i32.to_ne_bytes());
        // "l2tp-abcde\0" is 11 bytes, padded to 12.
        assert_eq!(&d[40..44], &[4, 0, 11, 0]);
        assert_eq!(&d[44..56], b"l2tp-abcde\0\0");
        assert_eq!(&d[56..60], &[5, 0, 2, 0]);
        assert_eq!(&d[60..64], b"a\0\0\0");
        assert_eq!(d.len(), 64);
        assert_eq!(usize::from(u16::from_ne_bytes([d[6], d[7]])), 56);
        assert_eq!(d.len() % 4, 0);
    }

    #[test]
    fn bad_names_are_errors_not_panics() {
        assert_eq!(
            updown(true, "a\0b").encode(),
            Err(EncodeError::NulInName { field: "user_name" })
        );
        let bad_if = UpDown {
            ifname: "pp\0p",
            ..updown(true, "")
        };
        assert_eq!(
            bad_if.encode(),
            Err(EncodeError::NulInName { field: "ifname" })
        );
        let long = "x".repeat(600);
        assert!(matches!(
            updown(false, &long).encode(),
            Err(EncodeError::TooLong { .. })
        ));
        let long = "x".repeat(70_000);
        assert!(matches!(
            updown(false, &long).encode(),
            Err(EncodeError::TooLong { .. })
        ));
        // The longest user name that fits: 8 + 8 + 8 + 8 + 8 + 12 + 4 + 456.
        let fits = "y".repeat(455);
        assert_eq!(updown(true, &fits).encode().unwrap().len(), MAX_LEN);
        let over = "y".repeat(456);
        assert!(updown(true, &over).encode().is_err());
    }
}
