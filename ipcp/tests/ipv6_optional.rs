//! IPv6CP is optional per session: against a peer without IPv6 (pppd's
//! `noipv6`), whose LCP Protocol-Rejects every IPv6CP packet, our IPv6CP
//! stops and IPCP still opens.

use std::net::Ipv4Addr;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_ipcp::{Ipcp, IpcpConfig, IpcpEvent, Ipv6cp, Ipv6cpConfig, Ipv6cpEvent};
use rppp_lcp::State;

fn drain(mut poll: impl FnMut(&mut Vec<u8>) -> bool) -> Vec<Vec<u8>> {
    let mut packets = vec![];
    loop {
        let mut out = vec![];
        if !poll(&mut out) {
            return packets;
        }
        packets.push(out);
    }
}

#[test]
fn a_peer_that_protocol_rejects_ipv6cp_leaves_ipv4_working() {
    let mut rng = StdRng::seed_from_u64(5072);
    let now = Instant::now();
    let mut server = Ipcp::new(IpcpConfig {
        local: Some(Ipv4Addr::new(10, 201, 0, 1)),
        remote: Some(Ipv4Addr::new(10, 201, 0, 2)),
        ..IpcpConfig::default()
    });
    let mut server6 = Ipv6cp::new(Ipv6cpConfig::default());
    let mut client = Ipcp::new(IpcpConfig {
        noipdefault: true,
        ..IpcpConfig::default()
    });
    server.lower_up(now, &mut rng);
    server.open(now, &mut rng);
    server6.lower_up(now, &mut rng);
    server6.open(now, &mut rng);
    client.lower_up(now, &mut rng);
    client.open(now, &mut rng);

    let mut ipv6cp_rejected = 0;
    for _ in 0..10 {
        for packet in drain(|out| server.poll_transmit(out)) {
            client.handle_packet(now, &packet, &mut rng);
        }
        for packet in drain(|out| client.poll_transmit(out)) {
            server.handle_packet(now, &packet, &mut rng);
        }
        // The client's LCP answers IPv6CP with Protocol-Reject; ours reports
        // it to IPv6CP.
        for _ in drain(|out| server6.poll_transmit(out)) {
            ipv6cp_rejected += 1;
            server6.protocol_rejected(now, &mut rng);
        }
    }
    assert_eq!(ipv6cp_rejected, 1, "IPv6CP sent one request and stopped");
    assert_eq!(server6.state(), State::Stopped);
    assert_eq!(server6.poll_timeout(), None);
    assert_eq!(
        std::iter::from_fn(|| server6.poll_event()).collect::<Vec<_>>(),
        [Ipv6cpEvent::Finished]
    );
    assert_eq!(server.state(), State::Opened);
    assert_eq!(client.state(), State::Opened);
    assert_eq!(server.poll_event(), Some(IpcpEvent::Up));
    assert_eq!(
        client.negotiated().unwrap().local,
        Ipv4Addr::new(10, 201, 0, 2)
    );
    assert_eq!(
        server.negotiated().unwrap().peer,
        Some(Ipv4Addr::new(10, 201, 0, 2))
    );
}
