//! A scripted Windows L2TP/IPsec client against the LNS role, frame by
//! frame, with what Windows really sends: an LCP request with Callback
//! (option 13, CBCP) beside PFC and ACFC, LCP Identification packets,
//! MS-CHAPv2 with a `DOMAIN\user` name, CCP with MPPE, BACP, IPCP with VJ,
//! DNS and NBNS, and IPv6CP while the LNS has IPv6 off.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp::session::{protocol, Role, Session, SessionConfig, SessionEvent};
use rppp_auth::mschap::crypto;
use rppp_auth::{AuthMethod, AuthMethods, Secret, Secrets};

const IPCP: u16 = 0x8021;
const IPV6CP: u16 = 0x8057;
const CCP: u16 = 0x80fd;
const BACP: u16 = 0xc02b;
const USER: &[u8] = b"CORP\\joe";
const SECRET: &str = "Winter2026!";

/// A control packet: Code, Identifier, Length, Data (RFC 1661 section 5).
fn packet(code: u8, id: u8, data: &[u8]) -> Vec<u8> {
    let len = (4 + data.len()) as u16;
    let mut p = vec![code, id];
    p.extend_from_slice(&len.to_be_bytes());
    p.extend_from_slice(data);
    p
}

struct Lns {
    session: Session,
    rng: StdRng,
    now: Instant,
}

impl Lns {
    fn new() -> Lns {
        let mut c = SessionConfig::new(Role::Lns);
        c.lcp.mru = 1400;
        c.lcp.mtu = 1400;
        c.lcp.require = AuthMethods::NONE.with(AuthMethod::MsChapV2);
        c.auth.name = b"lns".to_vec();
        let line = format!("\"CORP\\\\joe\" lns \"{SECRET}\" *\n");
        let secrets = Secrets::parse("chap-secrets", line.as_bytes(), &mut |_| Err("none".into()));
        c.auth.chap_secrets = Arc::new(secrets.unwrap());
        c.ipcp.local = Some(Ipv4Addr::new(10, 201, 0, 1));
        c.ipcp.remote = Some(Ipv4Addr::new(10, 201, 0, 2));
        c.ipcp.ms_dns = [Some(Ipv4Addr::new(10, 201, 0, 53)), None];
        c.ipcp.ms_wins = [Some(Ipv4Addr::new(10, 201, 0, 54)), None];
        let mut lns = Lns {
            session: Session::new(c),
            rng: StdRng::seed_from_u64(2026),
            now: Instant::now(),
        };
        lns.session.start(lns.now, &mut lns.rng);
        lns
    }

    /// The client sends a frame; returns what the LNS sends back.
    fn send(&mut self, protocol: u16, information: &[u8]) -> Vec<(u16, Vec<u8>)> {
        self.now += Duration::from_millis(10);
        self.session
            .handle_frame(self.now, protocol, information, &mut self.rng);
        self.drain()
    }

    fn drain(&mut self) -> Vec<(u16, Vec<u8>)> {
        let mut out = Vec::new();
        loop {
            let mut buf = Vec::new();
            match self.session.poll_transmit(&mut buf) {
                Some(protocol) => out.push((protocol, buf)),
                None => return out,
            }
        }
    }

    fn events(&mut self) -> Vec<SessionEvent> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }
}

fn only(frames: &[(u16, Vec<u8>)], protocol: u16) -> Vec<Vec<u8>> {
    frames
        .iter()
        .filter(|(p, _)| *p == protocol)
        .map(|(_, f)| f.clone())
        .collect()
}

#[test]
fn a_windows_client_against_the_lns() {
    let mut lns = Lns::new();
    let (magic, challenge) = lcp_with_a_callback_rejected(&mut lns);
    identification_is_accepted(&mut lns, &magic);
    let lns_ipcp = ms_chap_v2_authenticates(&mut lns, &challenge);
    ccp_and_bacp_are_protocol_rejected(&mut lns);
    ipcp_rejects_vj_and_gives_addresses(&mut lns, &lns_ipcp);
    ipv6cp_is_protocol_rejected(&mut lns);
    // CCP, BACP and IPv6CP.
    let counters = lns.session.counters();
    assert_eq!(counters.protocol_rejects_sent, 3);
}

/// LCP as Windows runs it, Callback rejected; Windows's magic number and
/// the LNS's MS-CHAPv2 Challenge, sent once LCP opened.
fn lcp_with_a_callback_rejected(lns: &mut Lns) -> ([u8; 4], Vec<u8>) {
    // The LNS's LCP Configure-Request: MRU 1400, ACCM 0, MS-CHAPv2, magic.
    let ours = only(&lns.drain(), protocol::LCP).remove(0);
    assert_eq!(ours[0], 1);
    assert!(
        ours.windows(5).any(|w| w == [3, 5, 0xc2, 0x23, 0x81]),
        "{ours:02x?}"
    );

    // Windows: MRU 1400, magic, PFC, ACFC, Callback (operation 6: CBCP).
    let magic = [0x4d, 0x53, 0x52, 0x41];
    let mut options = vec![1, 4, 0x05, 0x78, 5, 6];
    options.extend_from_slice(&magic);
    options.extend_from_slice(&[7, 2, 8, 2, 13, 3, 6]);
    let out = lns.send(protocol::LCP, &packet(1, 0, &options));
    // Callback is rejected, alone.
    assert_eq!(
        only(&out, protocol::LCP),
        vec![packet(4, 0, &[13, 3, 6])],
        "{out:02x?}"
    );
    // Windows asks again without it and Acks the LNS's request.
    let out = lns.send(protocol::LCP, &packet(1, 1, &options[..options.len() - 3]));
    assert_eq!(
        only(&out, protocol::LCP),
        vec![packet(2, 1, &options[..options.len() - 3])]
    );
    let mut ack = ours.clone();
    ack[0] = 2;
    let out = lns.send(protocol::LCP, &ack);
    let challenge = only(&out, protocol::CHAP).remove(0);
    let events = lns.events();
    let link = events.iter().find_map(|e| match e {
        SessionEvent::LinkUp(n) => Some(*n),
        _ => None,
    });
    let link = link.expect("LCP opened");
    assert_eq!((link.mtu, link.peer_mru), (1400, 1400));
    assert!(link.pfc && link.acfc, "PFC and ACFC accepted");
    assert_eq!(link.peer_auth, Some(AuthMethod::MsChapV2));
    (magic, challenge)
}

/// Windows's LCP Identification packets.
fn identification_is_accepted(lns: &mut Lns, magic: &[u8; 4]) {
    // LCP Identification (RFC 1570), as Windows sends right after LCP
    // opens: accepted, never Code-Rejected.
    for (id, text) in [(2u8, &b"MSRASV5.20"[..]), (3, b"MSRAS-0-WINCLIENT")] {
        let mut data = magic.to_vec();
        data.extend_from_slice(text);
        let out = lns.send(protocol::LCP, &packet(12, id, &data));
        assert!(out.is_empty(), "Identification answered with {out:02x?}");
    }
}

/// Windows answers the Challenge; the LNS checks it, proves it knows the
/// secret and starts IPCP. Returns the LNS's IPCP Configure-Request.
fn ms_chap_v2_authenticates(lns: &mut Lns, challenge: &[u8]) -> Vec<u8> {
    // MS-CHAPv2 Challenge: Code 1, value size 16, name "lns".
    assert_eq!((challenge[0], challenge[4]), (1, 16), "{challenge:02x?}");
    assert_eq!(&challenge[21..], b"lns");
    let chap_id = challenge[1];
    let auth_challenge: [u8; 16] = challenge[5..21].try_into().unwrap();
    let peer_challenge = [0x21; 16];
    let secret = Secret::from(SECRET);
    // RFC 2759 section 8.2: the challenge hash uses the name without
    // its domain.
    let nt = crypto::generate_nt_response(&auth_challenge, &peer_challenge, b"joe", &secret);
    let mut data = vec![49];
    data.extend_from_slice(&peer_challenge);
    data.extend_from_slice(&[0; 8]);
    data.extend_from_slice(&nt);
    data.push(0);
    data.extend_from_slice(USER);
    let out = lns.send(protocol::CHAP, &packet(2, chap_id, &data));
    let chap = only(&out, protocol::CHAP);
    let success = &chap[0];
    assert_eq!(
        (success[0], success[1]),
        (3, chap_id),
        "Success: {out:02x?}"
    );
    let expected = crypto::generate_authenticator_response(
        &secret,
        &nt,
        &peer_challenge,
        &auth_challenge,
        b"joe",
    );
    let s = crypto::authenticator_response_string(&expected);
    assert!(
        success[4..].starts_with(s.as_bytes()),
        "the S= string proves the LNS knows the secret"
    );
    assert!(lns.events().iter().any(
        |e| matches!(e, SessionEvent::Authenticated { peer_name } if peer_name.as_bytes() == USER)
    ));
    // The LNS starts IPCP.
    let lns_ipcp = only(&out, IPCP).remove(0);
    assert_eq!(lns_ipcp[0], 1);
    lns_ipcp
}

/// Protocols the LNS does not run.
fn ccp_and_bacp_are_protocol_rejected(lns: &mut Lns) {
    // CCP with MPPE (option 18, 128-bit stateless) and BACP: neither is
    // run, so both are Protocol-Rejected (RFC 1661 section 5.7).
    for (proto, frame) in [
        (CCP, packet(1, 5, &[18, 6, 0x01, 0x00, 0x00, 0x40])),
        (BACP, packet(1, 6, &[1, 6, 0, 0, 0, 1])),
    ] {
        let out = lns.send(proto, &frame);
        let lcp = only(&out, protocol::LCP);
        assert_eq!(lcp.len(), 1, "{out:02x?}");
        assert_eq!(lcp[0][0], 8, "Protocol-Reject");
        assert_eq!(&lcp[0][4..6], &proto.to_be_bytes());
        assert_eq!(&lcp[0][6..], &frame[..]);
    }
}

/// Windows's IPCP: VJ and the secondary servers rejected, the address
/// and primary servers given, both ends up.
fn ipcp_rejects_vj_and_gives_addresses(lns: &mut Lns, lns_ipcp: &[u8]) {
    // IPCP: address 0, VJ, primary and secondary DNS and NBNS, all zero.
    let vj = [2u8, 6, 0x00, 0x2d, 0x0f, 0x01];
    let zero = |t: u8| [t, 6, 0, 0, 0, 0];
    let mut req = Vec::new();
    req.extend_from_slice(&zero(3));
    req.extend_from_slice(&vj);
    for t in [129, 130, 131, 132] {
        req.extend_from_slice(&zero(t));
    }
    let out = lns.send(IPCP, &packet(1, 7, &req));
    // VJ and the secondary servers (none configured) are rejected.
    let mut rej = vj.to_vec();
    rej.extend_from_slice(&zero(131));
    rej.extend_from_slice(&zero(132));
    assert_eq!(only(&out, IPCP), vec![packet(4, 7, &rej)]);
    let mut req = zero(3).to_vec();
    req.extend_from_slice(&zero(129));
    req.extend_from_slice(&zero(130));
    let out = lns.send(IPCP, &packet(1, 8, &req));
    let given = [
        3u8, 6, 10, 201, 0, 2, 129, 6, 10, 201, 0, 53, 130, 6, 10, 201, 0, 54,
    ];
    assert_eq!(only(&out, IPCP), vec![packet(3, 8, &given)]);
    let out = lns.send(IPCP, &packet(1, 9, &given));
    assert_eq!(only(&out, IPCP), vec![packet(2, 9, &given)]);
    let mut ack = lns_ipcp.to_vec();
    ack[0] = 2;
    lns.send(IPCP, &ack);
    assert!(lns.events().iter().any(|e| matches!(
        e,
        SessionEvent::IpUp { local, peer, .. }
            if *local == Ipv4Addr::new(10, 201, 0, 1) && *peer == Ipv4Addr::new(10, 201, 0, 2)
    )));
}

/// IPv6CP with IPv6 off.
fn ipv6cp_is_protocol_rejected(lns: &mut Lns) {
    // IPv6CP while the LNS has IPv6 off: Protocol-Rejected, IPv4 stays up.
    let v6 = packet(
        1,
        10,
        &[1, 10, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55],
    );
    let out = lns.send(IPV6CP, &v6);
    let lcp = only(&out, protocol::LCP);
    assert_eq!((lcp.len(), lcp[0][0]), (1, 8), "{out:02x?}");
    assert_eq!(&lcp[0][4..6], &IPV6CP.to_be_bytes());
    assert!(lns
        .events()
        .iter()
        .all(|e| !matches!(e, SessionEvent::IpDown)));
}
