//! The kernel's L2TP generic netlink family ("l2tp", `net/l2tp/l2tp_netlink.c`,
//! `include/uapi/linux/l2tp.h`), as far as rppp needs it: the commands that
//! announce a deleted tunnel or session on the family's multicast group
//! ("l2tp"), and `L2TP_CMD_SESSION_GET`, which answers `ENODEV` for a
//! session that is gone. No crate describes this family, so its
//! attributes are a small [`Nla`] type here; the framing is
//! netlink-packet-generic's.

use netlink_packet_core::{
    emit_u32, parse_string, parse_u32, DecodeError, DefaultNla, Emitable, ErrorContext, Nla,
    NlaBuffer, NlasIterator, Parseable, ParseableParametrized,
};
use netlink_packet_generic::{GenlFamily, GenlHeader};

/// The family's name, for the controller's lookup.
pub(crate) const FAMILY_NAME: &str = "l2tp";
/// Its multicast group's name (`L2TP_GENL_MCGROUP`).
pub(crate) const MCAST_GROUP: &str = "l2tp";
/// `L2TP_GENL_VERSION`.
const VERSION: u8 = 1;

/// `enum l2tp_cmd` (the commands rppp sends or reads).
pub(crate) mod cmd {
    /// `L2TP_CMD_TUNNEL_DELETE`: announced before a tunnel is deleted.
    pub(crate) const TUNNEL_DELETE: u8 = 2;
    /// `L2TP_CMD_SESSION_DELETE`: announced before a session is deleted.
    pub(crate) const SESSION_DELETE: u8 = 6;
    /// `L2TP_CMD_SESSION_GET`: one session's attributes, `ENODEV` when
    /// there is no such session (or tunnel) in the caller's namespace.
    pub(crate) const SESSION_GET: u8 = 8;
}

/// `L2TP_ATTR_IFNAME` (string).
const ATTR_IFNAME: u16 = 8;
/// `L2TP_ATTR_CONN_ID` (u32): the tunnel id.
const ATTR_CONN_ID: u16 = 9;
/// `L2TP_ATTR_PEER_CONN_ID` (u32).
const ATTR_PEER_CONN_ID: u16 = 10;
/// `L2TP_ATTR_SESSION_ID` (u32).
const ATTR_SESSION_ID: u16 = 11;
/// `L2TP_ATTR_PEER_SESSION_ID` (u32).
const ATTR_PEER_SESSION_ID: u16 = 12;

/// One attribute of an L2TP message; the ones rppp does not read are kept
/// as they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum L2tpAttr {
    /// The tunnel id.
    ConnId(u32),
    /// The peer's tunnel id.
    PeerConnId(u32),
    /// The session id.
    SessionId(u32),
    /// The peer's session id.
    PeerSessionId(u32),
    /// The session's interface name (L2TPv3 Ethernet pseudowires).
    IfName(String),
    /// Anything else.
    Other(DefaultNla),
}

impl Nla for L2tpAttr {
    fn value_len(&self) -> usize {
        match self {
            L2tpAttr::ConnId(_)
            | L2tpAttr::PeerConnId(_)
            | L2tpAttr::SessionId(_)
            | L2tpAttr::PeerSessionId(_) => 4,
            L2tpAttr::IfName(s) => s.len() + 1,
            L2tpAttr::Other(nla) => nla.value_len(),
        }
    }

    fn kind(&self) -> u16 {
        match self {
            L2tpAttr::ConnId(_) => ATTR_CONN_ID,
            L2tpAttr::PeerConnId(_) => ATTR_PEER_CONN_ID,
            L2tpAttr::SessionId(_) => ATTR_SESSION_ID,
            L2tpAttr::PeerSessionId(_) => ATTR_PEER_SESSION_ID,
            L2tpAttr::IfName(_) => ATTR_IFNAME,
            L2tpAttr::Other(nla) => nla.kind(),
        }
    }

    fn emit_value(&self, buffer: &mut [u8]) {
        match self {
            L2tpAttr::ConnId(v)
            | L2tpAttr::PeerConnId(v)
            | L2tpAttr::SessionId(v)
            | L2tpAttr::PeerSessionId(v) => {
                // The buffer is value_len() long: 4 octets.
                let _ = emit_u32(buffer, *v);
            }
            L2tpAttr::IfName(s) => {
                buffer[..s.len()].copy_from_slice(s.as_bytes());
                buffer[s.len()] = 0;
            }
            L2tpAttr::Other(nla) => nla.emit_value(buffer),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for L2tpAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let value = buf.value();
        Ok(match buf.kind() {
            ATTR_CONN_ID => L2tpAttr::ConnId(parse_u32(value).context("L2TP_ATTR_CONN_ID")?),
            ATTR_PEER_CONN_ID => {
                L2tpAttr::PeerConnId(parse_u32(value).context("L2TP_ATTR_PEER_CONN_ID")?)
            }
            ATTR_SESSION_ID => {
                L2tpAttr::SessionId(parse_u32(value).context("L2TP_ATTR_SESSION_ID")?)
            }
            ATTR_PEER_SESSION_ID => {
                L2tpAttr::PeerSessionId(parse_u32(value).context("L2TP_ATTR_PEER_SESSION_ID")?)
            }
            ATTR_IFNAME => L2tpAttr::IfName(parse_string(value).context("L2TP_ATTR_IFNAME")?),
            _ => L2tpAttr::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// One message of the L2TP family: its command and attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct L2tpMessage {
    /// The command (`L2TP_CMD_*`), kept as a number: the kernel may add
    /// commands.
    pub(crate) cmd: u8,
    /// The attributes.
    pub(crate) attrs: Vec<L2tpAttr>,
}

impl L2tpMessage {
    /// `L2TP_CMD_SESSION_GET` for one session of one tunnel.
    pub(crate) fn session_get(tunnel_id: u32, session_id: u32) -> Self {
        L2tpMessage {
            cmd: cmd::SESSION_GET,
            attrs: vec![L2tpAttr::ConnId(tunnel_id), L2tpAttr::SessionId(session_id)],
        }
    }

    /// The tunnel id it names.
    pub(crate) fn tunnel_id(&self) -> Option<u32> {
        self.attrs.iter().find_map(|a| match a {
            L2tpAttr::ConnId(v) => Some(*v),
            _ => None,
        })
    }

    /// The session id it names.
    pub(crate) fn session_id(&self) -> Option<u32> {
        self.attrs.iter().find_map(|a| match a {
            L2tpAttr::SessionId(v) => Some(*v),
            _ => None,
        })
    }
}

impl GenlFamily for L2tpMessage {
    fn family_name() -> &'static str {
        FAMILY_NAME
    }

    fn command(&self) -> u8 {
        self.cmd
    }

    fn version(&self) -> u8 {
        VERSION
    }
}

impl Emitable for L2tpMessage {
    fn buffer_len(&self) -> usize {
        self.attrs.as_slice().buffer_len()
    }

    fn emit(&self, buffer: &mut [u8]) {
        self.attrs.as_slice().emit(buffer)
    }
}

impl ParseableParametrized<[u8], GenlHeader> for L2tpMessage {
    fn parse_with_param(buf: &[u8], header: GenlHeader) -> Result<Self, DecodeError> {
        let attrs = NlasIterator::new(buf)
            .map(|nla| nla.and_then(|nla| L2tpAttr::parse(&nla)))
            .collect::<Result<Vec<_>, _>>()
            .context("failed to parse L2TP message attributes")?;
        Ok(L2tpMessage {
            cmd: header.cmd,
            attrs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlink_packet_core::{NetlinkMessage, NetlinkPayload, NLM_F_REQUEST};
    use netlink_packet_generic::GenlMessage;

    #[test]
    fn session_get_encodes_as_the_kernel_expects() {
        let mut genl = GenlMessage::from_payload(L2tpMessage::session_get(100, 7));
        genl.set_resolved_family_id(0x1d);
        let mut msg = NetlinkMessage::from(genl);
        msg.header.flags = NLM_F_REQUEST;
        msg.header.sequence_number = 1;
        msg.finalize();
        let mut buf = vec![0; msg.buffer_len()];
        msg.serialize(&mut buf);
        #[rustfmt::skip]
        let want: Vec<u8> = [
            // nlmsghdr: length 36, type 0x1d, flags REQUEST, seq 1, pid 0
            &36u32.to_ne_bytes()[..], &0x1du16.to_ne_bytes(), &1u16.to_ne_bytes(),
            &1u32.to_ne_bytes(), &0u32.to_ne_bytes(),
            // genlmsghdr: cmd SESSION_GET (8), version 1, reserved
            &[8, 1, 0, 0],
            // L2TP_ATTR_CONN_ID (9) = 100
            &8u16.to_ne_bytes(), &9u16.to_ne_bytes(), &100u32.to_ne_bytes(),
            // L2TP_ATTR_SESSION_ID (11) = 7
            &8u16.to_ne_bytes(), &11u16.to_ne_bytes(), &7u32.to_ne_bytes(),
        ]
        .concat();
        assert_eq!(buf, want);
    }

    /// A `L2TP_CMD_SESSION_DELETE` notification as `l2tp_nl_session_send`
    /// builds it for a PPP session: ids, `L2TP_ATTR_PW_TYPE` (u16),
    /// `L2TP_ATTR_DEBUG` (u32), flags, and the nested statistics.
    fn session_delete_notification() -> Vec<u8> {
        fn nla(kind: u16, value: &[u8]) -> Vec<u8> {
            let mut v = ((4 + value.len()) as u16).to_ne_bytes().to_vec();
            v.extend_from_slice(&kind.to_ne_bytes());
            v.extend_from_slice(value);
            while v.len() % 4 != 0 {
                v.push(0);
            }
            v
        }
        let mut attrs = Vec::new();
        attrs.extend(nla(9, &200u32.to_ne_bytes())); // CONN_ID
        attrs.extend(nla(11, &0x8001u32.to_ne_bytes())); // SESSION_ID
        attrs.extend(nla(10, &100u32.to_ne_bytes())); // PEER_CONN_ID
        attrs.extend(nla(12, &1u32.to_ne_bytes())); // PEER_SESSION_ID
        attrs.extend(nla(17, &0u32.to_ne_bytes())); // DEBUG
        attrs.extend(nla(1, &7u16.to_ne_bytes())); // PW_TYPE PPP
        attrs.extend(nla(18, &[0])); // RECV_SEQ
        let stats = [nla(1, &5u64.to_ne_bytes()), nla(2, &300u64.to_ne_bytes())].concat();
        attrs.extend(nla(30 | 0x8000, &stats)); // STATS, nested
        let mut msg = Vec::new();
        msg.extend(((16 + 4 + attrs.len()) as u32).to_ne_bytes());
        msg.extend(0x1du16.to_ne_bytes());
        msg.extend(4u16.to_ne_bytes()); // NLM_F_ACK, as the kernel sets it
        msg.extend(1234u32.to_ne_bytes()); // the deleting request's seq
        msg.extend(5678u32.to_ne_bytes()); // and port
        msg.extend([6, 1, 0, 0]);
        msg.extend(attrs);
        msg
    }

    #[test]
    fn a_session_delete_notification_decodes() {
        let buf = session_delete_notification();
        let msg = NetlinkMessage::<GenlMessage<L2tpMessage>>::deserialize(&buf).unwrap();
        let NetlinkPayload::InnerMessage(genl) = msg.payload else {
            panic!("{msg:?}")
        };
        assert_eq!(genl.resolved_family_id(), 0x1d);
        assert_eq!(genl.payload.cmd, cmd::SESSION_DELETE);
        assert_eq!(genl.payload.tunnel_id(), Some(200));
        assert_eq!(genl.payload.session_id(), Some(0x8001));
        assert!(genl.payload.attrs.contains(&L2tpAttr::PeerConnId(100)));
        assert!(genl.payload.attrs.contains(&L2tpAttr::PeerSessionId(1)));
        // The attributes rppp does not read survive as they came.
        assert!(genl
            .payload
            .attrs
            .iter()
            .any(|a| matches!(a, L2tpAttr::Other(n) if n.kind() & 0x7fff == 30)));
    }

    #[test]
    fn attributes_round_trip() {
        let m = L2tpMessage {
            cmd: cmd::TUNNEL_DELETE,
            attrs: vec![
                L2tpAttr::ConnId(7),
                L2tpAttr::IfName("l2tpeth0".into()),
                L2tpAttr::Other(DefaultNla::new(7, vec![2])),
            ],
        };
        let mut buf = vec![0; m.buffer_len()];
        m.emit(&mut buf);
        let back = L2tpMessage::parse_with_param(
            &buf,
            GenlHeader {
                cmd: cmd::TUNNEL_DELETE,
                version: 1,
            },
        )
        .unwrap();
        assert_eq!(back, m);
        assert_eq!(back.session_id(), None);
    }

    #[test]
    fn a_truncated_attribute_is_an_error_not_a_panic() {
        let mut buf = session_delete_notification();
        // Cut the message inside its first attribute's value.
        let payload = &buf[20..26].to_vec();
        assert!(L2tpMessage::parse_with_param(
            payload,
            GenlHeader {
                cmd: cmd::SESSION_DELETE,
                version: 1
            }
        )
        .is_err());
        // A CONN_ID of 2 octets: its parser refuses it.
        buf.truncate(20);
        buf.extend(6u16.to_ne_bytes());
        buf.extend(9u16.to_ne_bytes());
        buf.extend([1, 0, 0, 0]);
        assert!(L2tpMessage::parse_with_param(
            &buf[20..],
            GenlHeader {
                cmd: cmd::SESSION_DELETE,
                version: 1
            }
        )
        .is_err());
    }
}
