//! Both roles of CHAP against each other and against fixed bytes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_lcp::AuthMethod;

use super::packet::ChapRepr;
use super::*;
use crate::mschap::{crypto, message};
use crate::outcome::{AuthEvent, FailureReason, Role};
use crate::secret::Secret;
use crate::secrets::Secrets;

const METHODS: [AuthMethod; 3] = [
    AuthMethod::ChapMd5,
    AuthMethod::MsChap,
    AuthMethod::MsChapV2,
];

fn secrets(text: &str) -> Arc<Secrets> {
    Arc::new(Secrets::parse("chap-secrets", text.as_bytes(), &mut |_| Err("no".into())).unwrap())
}

fn authenticator(method: AuthMethod) -> ChapAuthenticator {
    ChapAuthenticator::new(
        method,
        ChapAuthenticatorConfig {
            name: b"lns".to_vec(),
            ..Default::default()
        },
        secrets("\"CORP\\\\joe\" lns s3cret 10.0.0.2\njoe lns s3cret 10.0.0.2\n"),
    )
}

fn peer(method: AuthMethod, user: &str, password: &str) -> ChapPeer {
    ChapPeer::new(
        method,
        PeerCredentials {
            user: user.as_bytes().to_vec(),
            password: Some(Secret::from(password)),
            ..Default::default()
        },
        None,
    )
}

fn drain_a(a: &mut ChapAuthenticator) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let mut p = Vec::new();
        if !a.poll_transmit(&mut p) {
            return out;
        }
        out.push(p);
    }
}

fn drain_p(p: &mut ChapPeer) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let mut b = Vec::new();
        if !p.poll_transmit(&mut b) {
            return out;
        }
        out.push(b);
    }
}

/// Runs challenge → response → verdict and returns the three packets.
fn exchange(
    a: &mut ChapAuthenticator,
    p: &mut ChapPeer,
    now: Instant,
    rng: &mut StdRng,
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    a.start(now, rng);
    let challenge = drain_a(a).pop().expect("a challenge");
    p.handle_packet(now, &challenge, rng);
    let response = drain_p(p).pop().expect("a response");
    a.handle_packet(now, &response, rng);
    let verdict = drain_a(a).pop().expect("a verdict");
    p.handle_packet(now, &verdict, rng);
    (challenge, response, verdict)
}

mod external;
mod outcomes;
mod repeats;
