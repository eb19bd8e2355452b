//! The RADIUS codec and crypto: parsing never panics; every attribute,
//! vendor sub-attribute and typed accessor decodes or errs; the
//! authenticators, Message-Authenticator, User-Password and MPPE keys are
//! checked against a fixed secret; a request written back with the same
//! attributes is the same octets; the client engine drops or delivers
//! the datagram without panicking. Display of every error never panics.
//! What a session takes from a reply (rppp's `ReplyAttributes`, Framed-Route
//! texts among them) and radattr.so's rendering never panic either.
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp_radius::client::{Client, ClientConfig, Request, ServerConfig};
use rppp_radius::crypto::{
    decrypt_mppe_key, message_authenticator_status, request_authenticator_valid,
    response_authenticator_valid, unhide_password,
};
use rppp_radius::{AttributeType, Code, MicrosoftType, Packet, PacketBuilder, SharedSecret};

fuzz_target!(|data: &[u8]| {
    let secret = SharedSecret::new("xyzzy5461");
    let request_authenticator = [0x5a; 16];
    let packet = match Packet::parse(data) {
        Ok(p) => p,
        Err(e) => {
            let _ = e.to_string();
            engine(data);
            return;
        }
    };
    let _ = format!("{packet:?}");
    let mut rebuilt = PacketBuilder::new(packet.code(), packet.identifier());
    rebuilt.authenticator(packet.authenticator());
    for a in packet.attributes() {
        let _ = a.as_u32().map_err(|e| e.to_string());
        let _ = a.as_ipv4();
        let _ = a.as_ipv6();
        let _ = a.as_text();
        let _ = a.as_interface_id();
        let _ = a.as_ipv6_prefix().map_err(|e| e.to_string());
        let _ = a.as_tagged_u32();
        let _ = a.as_tagged_string();
        match a.as_vendor_specific() {
            Ok(v) => match v.attributes() {
                Ok(subs) => {
                    for s in subs {
                        let _ = format!("{s:?}");
                        if matches!(
                            MicrosoftType::from(s.vendor_type),
                            MicrosoftType::MsMppeSendKey | MicrosoftType::MsMppeRecvKey
                        ) {
                            let _ = decrypt_mppe_key(s.value, &secret, &request_authenticator)
                                .map_err(|e| e.to_string());
                        }
                    }
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            },
            Err(e) => {
                let _ = e.to_string();
            }
        }
        if a.attribute_type() == AttributeType::UserPassword {
            let _ = unhide_password(a.value(), &secret, &packet.authenticator())
                .map_err(|e| e.to_string());
        }
        rebuilt
            .add(a.attribute_type(), a.value())
            .expect("a parsed value fits");
    }
    let reply = rppp::radius_client::ReplyAttributes::from_packet(&packet);
    let _ = format!("{reply:?}");
    let _ = rppp::radius_client::radattr::render(&packet, &DICTIONARY);
    let _ = packet.user_name();
    let _ = packet.framed_ipv6_prefix();
    let _ = packet.service_type();
    let _ = packet.error_cause();
    let _ = packet.tunnel_type();
    let _ = packet.classes().count();
    let _ = packet.microsoft_ipv4(MicrosoftType::MsPrimaryDnsServer);
    let _ = response_authenticator_valid(&packet, &request_authenticator, &secret);
    let _ = request_authenticator_valid(&packet, &secret);
    let _ = message_authenticator_status(&packet, &secret, None);
    let _ = message_authenticator_status(&packet, &secret, Some(&request_authenticator));
    // A request whose authenticator is neither a reply's nor computed is
    // written back octet for octet.
    let code = packet.code();
    if !code.is_response() && !code.has_computed_request_authenticator() {
        let out = rebuilt.finish(&secret, None).expect("what parsed fits");
        assert_eq!(out, packet.as_bytes());
    }
    engine(data);
});

/// A radiusclient dictionary with a name for each kind of value.
static DICTIONARY: std::sync::LazyLock<rppp_radius::config::Dictionary> =
    std::sync::LazyLock::new(|| {
        let text = "ATTRIBUTE User-Name 1 string
ATTRIBUTE Framed-IP-Address 8 ipaddr
ATTRIBUTE Session-Timeout 27 integer
VALUE Session-Timeout Forever 0
ATTRIBUTE Event-Timestamp 55 date
ATTRIBUTE Framed-IPv6-Address 168 ipv6addr
ATTRIBUTE Framed-Interface-Id 96 ifid
ATTRIBUTE Tunnel-Password 69 string encrypt=2
VENDOR Microsoft 311
ATTRIBUTE MS-Primary-DNS-Server 28 ipaddr Microsoft
ATTRIBUTE MS-MPPE-Send-Key 16 string Microsoft
";
        let mut none = |_: &str, _: &str| -> std::io::Result<(String, String)> {
            Err(std::io::Error::other("no includes"))
        };
        rppp_radius::config::Dictionary::parse("dictionary", text, &mut none)
            .expect("the fuzz dictionary parses")
    });

/// One Access-Request in flight; the datagram is its reply candidate.
fn engine(data: &[u8]) {
    let mut rng = StdRng::seed_from_u64(0);
    let server = "192.0.2.1:1812".parse().unwrap();
    let mut config = ClientConfig::new();
    config.auth_servers = vec![ServerConfig::new(server, SharedSecret::new("xyzzy5461"))];
    let mut client = Client::new(config, &mut rng);
    let now = Instant::now();
    let mut request = Request::new(Code::AccessRequest);
    request.add_text(AttributeType::UserName, "nemo");
    let Ok((_, tx)) = client.send(now, request, &mut rng) else {
        return;
    };
    // Aim the datagram at the request's Identifier half the time.
    let mut datagram = data.to_vec();
    if datagram.len() > 1 && datagram[0] & 1 == 0 {
        datagram[1] = tx.payload[1];
    }
    if let Err(reason) = client.handle_datagram(now, server, &datagram) {
        let _ = reason.to_string();
    }
    client.handle_timeout(now + std::time::Duration::from_secs(60), &mut rng);
    while client.poll_transmit().is_some() {}
    while client.poll_event().is_some() {}
}
