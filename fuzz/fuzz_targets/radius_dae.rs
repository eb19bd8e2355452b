//! Dynamic Authorization (RFC 5176), the NAS side: any datagram from a
//! configured client is dropped, answered again or read into a request,
//! never a panic; every request read can be answered with an ACK and
//! with a NAK, and the answer parses. With the first octet odd, the
//! Request Authenticator of the rest is made right first, so the
//! attribute reading behind the check is reached too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_radius::dae::{DaeClient, DaeConfig, DaeInput, DaeOutcome, DaeServer};
use rppp_radius::{ErrorCause, Packet, SharedSecret};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let secret = SharedSecret::new("xyzzy5461");
    let mut server = DaeServer::new(DaeConfig {
        clients: vec![DaeClient {
            address: "127.0.0.1".parse().unwrap(),
            secret: secret.clone(),
        }],
        require_message_authenticator: mode & 2 != 0,
        nas_identifier: Some("lns".into()),
        nas_ip_address: None,
    });
    let mut datagram = rest.to_vec();
    if mode & 1 != 0 && datagram.len() >= 20 {
        datagram[4..20].fill(0);
        let mut ctx = md5::Context::new();
        ctx.consume(&datagram);
        ctx.consume(secret.expose());
        let digest = ctx.finalize().0;
        datagram[4..20].copy_from_slice(&digest);
    }
    let from = "127.0.0.1:3799".parse().unwrap();
    for _ in 0..2 {
        match server.handle_datagram(from, &datagram) {
            DaeInput::Request(r) => {
                let _ = format!("{r:?}");
                for outcome in [DaeOutcome::Ack, DaeOutcome::Nak(ErrorCause::SessionContextNotFound)] {
                    let answer = server.respond(&r, outcome).expect("the client is configured");
                    Packet::parse(&answer).expect("our answer parses");
                }
            }
            DaeInput::Retransmit(answer) => {
                Packet::parse(&answer).expect("our answer parses");
            }
            DaeInput::Dropped(why) => {
                let _ = format!("{why:?}");
            }
        }
    }
});
