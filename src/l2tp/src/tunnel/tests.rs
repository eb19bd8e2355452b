//! A tunnel against a hand-driven peer: every refusal path of sections
//! 4.1 and 7.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;
use crate::avp::{CallErrors, CdnResult, ErrorCode, Framing, ProtocolVersion, StopCcnResult};
use crate::config::Role;
use crate::message::AvpEntry;

const PEER_TUNNEL: u16 = 77;
const LOCAL: u16 = 1000;

struct Peer {
    ns: u16,
    /// Non-ZLB messages received from the tunnel: the Nr we send.
    received: u16,
    now: Instant,
    rng: StdRng,
}

impl Peer {
    fn new() -> Peer {
        Peer {
            ns: 0,
            received: 0,
            now: Instant::now(),
            rng: StdRng::seed_from_u64(2661),
        }
    }

    fn datagram(&mut self, tunnel_id: u16, session: u16, m: &Message) -> Vec<u8> {
        let d = m.encode(
            HeaderRepr::control(tunnel_id, session, self.ns, self.received),
            None,
        );
        self.ns = self.ns.wrapping_add(1);
        d
    }

    fn send(&mut self, t: &mut Tunnel, session: u16, m: Message) -> Vec<(u16, Option<Message>)> {
        let d = self.datagram(t.local_id(), session, &m);
        t.handle_datagram(self.now, &d, &mut self.rng);
        self.drain(t)
    }

    /// What the tunnel sent: (header session id, message or None for ZLB).
    fn drain(&mut self, t: &mut Tunnel) -> Vec<(u16, Option<Message>)> {
        let mut out = Vec::new();
        let mut sent = Vec::new();
        while t.poll_transmit(&mut out) {
            let (h, body) = HeaderRepr::parse(&out).unwrap();
            assert_eq!(h.tunnel_id, t.peer_id());
            let m = (!body.is_empty())
                .then(|| Message::parse(&out[body], t.config().secret.as_deref()).unwrap());
            if m.is_some() {
                self.received = self.received.wrapping_add(1);
            }
            sent.push((h.session_id, m));
            out.clear();
        }
        sent
    }
}

fn events(t: &mut Tunnel) -> Vec<Event> {
    std::iter::from_fn(|| t.poll_event()).collect()
}

fn sccrq(extra: impl IntoIterator<Item = Avp>) -> Message {
    let mut m = Message::new(
        MessageType::Sccrq,
        [
            Avp::ProtocolVersion(ProtocolVersion::RFC2661),
            Avp::HostName(b"peer".to_vec()),
            Avp::FramingCapabilities(Framing::BOTH),
            Avp::AssignedTunnelId(PEER_TUNNEL),
        ],
    );
    m.avps.extend(extra.into_iter().map(AvpEntry::new));
    m
}

fn accept(
    config: TunnelConfig,
    m: &Message,
    peer: &mut Peer,
) -> (Tunnel, Vec<(u16, Option<Message>)>) {
    let d = peer.datagram(0, 0, m);
    let mut t = Tunnel::accept(Arc::new(config), LOCAL, &d, peer.now, &mut peer.rng).unwrap();
    let sent = peer.drain(&mut t);
    (t, sent)
}

fn only(sent: &[(u16, Option<Message>)]) -> &Message {
    let messages: Vec<&Message> = sent.iter().filter_map(|(_, m)| m.as_ref()).collect();
    assert_eq!(messages.len(), 1, "{sent:?}");
    messages[0]
}

fn stop_result(sent: &[(u16, Option<Message>)]) -> ResultCode {
    let m = only(sent);
    assert_eq!(m.message_type, MessageType::StopCcn);
    assert_eq!(m.assigned_tunnel_id(), Some(LOCAL));
    m.result_code().unwrap()
}

/// An established LNS tunnel and its peer.
fn established(config: TunnelConfig) -> (Tunnel, Peer) {
    let mut peer = Peer::new();
    let (mut t, sent) = accept(config, &sccrq([]), &mut peer);
    assert_eq!(only(&sent).message_type, MessageType::Sccrp);
    peer.send(&mut t, 0, Message::new(MessageType::Scccn, []));
    assert_eq!(t.state(), TunnelState::Established);
    assert!(matches!(events(&mut t)[..], [Event::TunnelUp(_)]));
    (t, peer)
}

fn lns() -> TunnelConfig {
    TunnelConfig::new(Role::Lns, "lns")
}

#[test]
fn an_acceptable_sccrq_gets_an_sccrp_with_our_ids_and_window() {
    let mut peer = Peer::new();
    let (t, sent) = accept(lns(), &sccrq([Avp::ReceiveWindowSize(16)]), &mut peer);
    let sccrp = only(&sent);
    assert_eq!(sccrp.message_type, MessageType::Sccrp);
    assert_eq!(sccrp.assigned_tunnel_id(), Some(LOCAL));
    assert_eq!(sccrp.host_name().as_deref(), Some(&b"lns"[..]));
    assert_eq!(sccrp.receive_window(), Some(8));
    assert_eq!(sccrp.check(), Ok(()));
    assert_eq!(t.state(), TunnelState::WaitCtlConn);
    assert_eq!(t.peer().unwrap().peer_window, 16);
}

#[test]
fn a_challenge_is_answered_and_ours_checked() {
    let mut peer = Peer::new();
    let config = lns().with_secret(b"k");
    let (mut t, sent) = accept(config, &sccrq([Avp::Challenge(vec![1, 2, 3])]), &mut peer);
    let sccrp = only(&sent);
    let expected = challenge_response(MessageType::Sccrp, b"k", &[1, 2, 3]);
    assert_eq!(sccrp.challenge_response(), Some(expected));
    let ours = sccrp.challenge().unwrap();
    let good = challenge_response(MessageType::Scccn, b"k", &ours);
    let mut bad = good;
    bad[0] ^= 1;
    let sent = peer.send(
        &mut t,
        0,
        Message::new(MessageType::Scccn, [Avp::ChallengeResponse(bad)]),
    );
    assert_eq!(
        stop_result(&sent).result,
        u16::from(StopCcnResult::NotAuthorized)
    );
    assert!(matches!(
        &events(&mut t)[..],
        [Event::TunnelDown(TunnelEnd::Refused(_))]
    ));
}

#[test]
fn sccrq_refusals_carry_their_result_codes() {
    let cases: Vec<(Message, u16, Option<ErrorCode>)> = vec![
        (
            Message::new(
                MessageType::Sccrq,
                [
                    Avp::ProtocolVersion(ProtocolVersion {
                        version: 2,
                        revision: 0,
                    }),
                    Avp::HostName(b"p".to_vec()),
                    Avp::FramingCapabilities(Framing::BOTH),
                    Avp::AssignedTunnelId(PEER_TUNNEL),
                ],
            ),
            5,
            None,
        ),
        (
            sccrq([Avp::Unknown {
                vendor: 0,
                attribute: 99,
                value: vec![],
            }]),
            2,
            Some(ErrorCode::UnknownMandatoryAvp),
        ),
        (
            Message::new(MessageType::Sccrq, [Avp::AssignedTunnelId(PEER_TUNNEL)]),
            2,
            Some(ErrorCode::BadLength),
        ),
        (
            sccrq([Avp::Challenge(vec![1])]),
            4,
            Some(ErrorCode::NoError),
        ),
    ];
    for (m, result, error) in cases {
        let mut peer = Peer::new();
        let (mut t, sent) = accept(lns(), &m, &mut peer);
        let r = stop_result(&sent);
        assert_eq!((r.result, r.error), (result, error), "{m:?}");
        assert_eq!(t.state(), TunnelState::Closing);
        assert!(matches!(
            &events(&mut t)[..],
            [Event::TunnelDown(TunnelEnd::Refused(_))]
        ));
    }
}

#[test]
fn vendor_avps_without_the_m_bit_are_ignored() {
    let mut peer = Peer::new();
    let mut m = sccrq([]);
    m.avps.push(AvpEntry {
        avp: Avp::Unknown {
            vendor: 311,
            attribute: 5,
            value: vec![1],
        },
        mandatory: false,
        hidden: false,
    });
    let (t, sent) = accept(lns(), &m, &mut peer);
    assert_eq!(only(&sent).message_type, MessageType::Sccrp);
    assert_eq!(t.state(), TunnelState::WaitCtlConn);
}

fn icrq(peer_session: u16, extra: impl IntoIterator<Item = AvpEntry>) -> Message {
    let mut m = Message::new(
        MessageType::Icrq,
        [
            Avp::AssignedSessionId(peer_session),
            Avp::CallSerialNumber(5),
        ],
    );
    m.avps.extend(extra);
    m
}

#[test]
fn an_lns_answers_icrq_and_reports_the_session_with_proxy_avps() {
    let (mut t, mut peer) = established(lns());
    let sent = peer.send(&mut t, 0, icrq(42, []));
    let (to, icrp) = (sent[0].0, only(&sent));
    assert_eq!((to, icrp.message_type), (42, MessageType::Icrp));
    let ours = icrp.assigned_session_id().unwrap();
    let mut iccn = Message::new(
        MessageType::Iccn,
        [
            Avp::TxConnectSpeed(64_000),
            Avp::FramingType(Framing::SYNC),
            Avp::ProxyAuthenType(2),
            Avp::SequencingRequired,
        ],
    );
    iccn.avps
        .push(AvpEntry::new(Avp::ProxyAuthenName(b"joe".to_vec())));
    peer.send(&mut t, ours, iccn);
    let [Event::SessionUp(info)] = &events(&mut t)[..] else {
        panic!()
    };
    assert_eq!((info.session_id, info.peer_session_id), (ours, 42));
    assert_eq!((info.tunnel_id, info.peer_tunnel_id), (LOCAL, PEER_TUNNEL));
    assert_eq!(info.tx_connect_speed, 64_000);
    assert!(info.sequencing_required);
    assert_eq!(info.proxy.len(), 2);
    // WEN and a CDN from the peer.
    peer.send(
        &mut t,
        ours,
        Message::new(
            MessageType::Wen,
            [Avp::CallErrors(CallErrors {
                crc: 3,
                ..CallErrors::default()
            })],
        ),
    );
    let cdn = Message::new(
        MessageType::Cdn,
        [
            Avp::ResultCode(ResultCode::cdn(CdnResult::LostCarrier)),
            Avp::AssignedSessionId(42),
        ],
    );
    peer.send(&mut t, ours, cdn);
    let ev = events(&mut t);
    assert!(matches!(&ev[0], Event::WanError { errors, .. } if errors.crc == 3));
    assert!(
        matches!(&ev[1], Event::SessionDown { reason: SessionEnd::Peer { result, .. }, .. } if result.result == 1)
    );
    assert_eq!(t.session_count(), 0);
}

fn cdn_result(sent: &[(u16, Option<Message>)]) -> ResultCode {
    let m = only(sent);
    assert_eq!(m.message_type, MessageType::Cdn);
    m.result_code().unwrap()
}

#[test]
fn call_refusals_are_cdns_and_the_tunnel_stays_up() {
    let (mut t, mut peer) = established(lns());
    let unknown = AvpEntry {
        avp: Avp::Unknown {
            vendor: 9,
            attribute: 1,
            value: vec![],
        },
        mandatory: true,
        hidden: false,
    };
    let r = cdn_result(&peer.send(&mut t, 0, icrq(42, [unknown])));
    assert_eq!(
        (r.result, r.error),
        (2, Some(ErrorCode::UnknownMandatoryAvp))
    );
    let ocrq = Message::new(
        MessageType::Ocrq,
        [
            Avp::AssignedSessionId(43),
            Avp::CallSerialNumber(1),
            Avp::MinimumBps(1),
            Avp::MaximumBps(2),
            Avp::BearerType(crate::avp::Bearer::ANALOG),
            Avp::FramingType(Framing::SYNC),
            Avp::CalledNumber(b"1".to_vec()),
        ],
    );
    let sent = peer.send(&mut t, 0, ocrq);
    assert_eq!(sent[0].0, 43);
    let r = cdn_result(&sent);
    assert_eq!(r.result, u16::from(CdnResult::PermanentFacilities));
    assert!(String::from_utf8_lossy(&r.message).contains("outgoing calls are not supported"));
    // An ICCN for a session still waiting for ... nothing: out of state.
    peer.send(&mut t, 0, icrq(44, []));
    let ours = t.session_ids().next().unwrap();
    peer.send(
        &mut t,
        ours,
        Message::new(
            MessageType::Iccn,
            [Avp::TxConnectSpeed(1), Avp::FramingType(Framing::SYNC)],
        ),
    );
    let r = cdn_result(&peer.send(
        &mut t,
        ours,
        Message::new(MessageType::Icrp, [Avp::AssignedSessionId(44)]),
    ));
    assert_eq!(r.result, 2);
    assert_eq!(t.state(), TunnelState::Established);
    assert_eq!(t.counters().refused, 3);
}

#[test]
fn tunnel_level_refusals() {
    // An unknown message type: ignored without the M bit, refused with it.
    let (mut t, mut peer) = established(lns());
    let mut m = Message::new(MessageType::Unknown(99), []);
    m.mandatory = false;
    let sent = peer.send(&mut t, 0, m.clone());
    assert!(sent.iter().all(|(_, m)| m.is_none()));
    assert_eq!(t.counters().ignored, 1);
    m.mandatory = true;
    assert_eq!(stop_result(&peer.send(&mut t, 0, m)).result, 2);
    // A message out of state.
    let (mut t, mut peer) = established(lns());
    let r = stop_result(&peer.send(&mut t, 0, Message::new(MessageType::Scccn, [])));
    assert_eq!(r.result, u16::from(StopCcnResult::FsmError));
    // A body that does not parse: a truncated AVP.
    let (mut t, mut peer) = established(lns());
    let mut d = peer.datagram(LOCAL, 0, &Message::new(MessageType::Hello, []));
    d.extend_from_slice(&[0x80, 0x09, 0, 0, 0, 7]);
    d[3] = d.len() as u8;
    t.handle_datagram(peer.now, &d, &mut peer.rng);
    let r = stop_result(&peer.drain(&mut t));
    assert_eq!((r.result, r.error), (2, Some(ErrorCode::BadLength)));
    assert_eq!(t.counters().bad_messages, 1);
}

#[test]
fn a_peer_stopccn_is_acknowledged_at_once_and_the_tunnel_lingers() {
    let (mut t, mut peer) = established(lns());
    peer.send(&mut t, 0, icrq(42, []));
    events(&mut t);
    let stop = Message::new(
        MessageType::StopCcn,
        [
            Avp::AssignedTunnelId(PEER_TUNNEL),
            Avp::ResultCode(ResultCode::stop(StopCcnResult::ShuttingDown)),
        ],
    );
    let sent = peer.send(&mut t, 0, stop.clone());
    assert!(matches!(sent[..], [(0, None)]), "a ZLB at once: {sent:?}");
    let ev = events(&mut t);
    assert!(matches!(
        &ev[0],
        Event::SessionDown {
            reason: SessionEnd::TunnelClosed,
            ..
        }
    ));
    assert!(matches!(&ev[1], Event::TunnelDown(TunnelEnd::Peer(r)) if r.result == 6));
    // A retransmitted StopCCN is acknowledged again.
    peer.ns -= 1;
    let d = peer.datagram(LOCAL, 0, &stop);
    t.handle_datagram(peer.now, &d, &mut peer.rng);
    t.handle_timeout(peer.now, &mut peer.rng);
    assert!(matches!(peer.drain(&mut t)[..], [(0, None)]));
    let until = t.poll_timeout().unwrap();
    assert!(until - peer.now >= Duration::from_secs(30));
    t.handle_timeout(until, &mut peer.rng);
    assert!(t.is_drained());
}

#[test]
fn commands_check_the_role_and_state() {
    let (mut t, mut peer) = established(lns());
    let now = peer.now;
    assert_eq!(
        t.open_session(now, CallParams::default(), &mut peer.rng),
        Err(CommandError::WrongRole)
    );
    assert_eq!(
        t.send_link_info(now, 5, 0, 0),
        Err(CommandError::NoSuchSession(5))
    );
    peer.send(&mut t, 0, icrq(42, []));
    let ours = t.session_ids().next().unwrap();
    assert_eq!(
        t.send_link_info(now, ours, 0, 0),
        Err(CommandError::NotEstablished(ours))
    );
    // A LAC refuses an ICRQ and sends no Set-Link-Info.
    let (mut lac, mut peer) = established(TunnelConfig::new(Role::Lac, "lac"));
    let r = cdn_result(&peer.send(&mut lac, 0, icrq(42, [])));
    assert_eq!(r.result, u16::from(CdnResult::PermanentFacilities));
    assert_eq!(
        lac.send_link_info(now, 1, 0, 0),
        Err(CommandError::WrongRole)
    );
    lac.close(now, ResultCode::stop(StopCcnResult::GeneralClear));
    assert_eq!(
        lac.open_session(now, CallParams::default(), &mut peer.rng),
        Err(CommandError::TunnelClosed)
    );
}

#[test]
fn max_sessions_refuses_with_a_temporary_failure() {
    let mut config = lns();
    config.max_sessions = 1;
    let (mut t, mut peer) = established(config);
    peer.send(&mut t, 0, icrq(42, []));
    let r = cdn_result(&peer.send(&mut t, 0, icrq(43, [])));
    assert_eq!(
        (r.result, r.error),
        (
            u16::from(CdnResult::TemporaryFacilities),
            Some(ErrorCode::NoResources)
        )
    );
}
