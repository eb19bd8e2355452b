//! The L2TP codec: header, AVPs and hidden AVPs. Parsing never panics,
//! with or without the secret; what parses, checks and emits back to a
//! message that parses to the same value (hidden AVPs hidden again with
//! the secret); Display of every error never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_l2tp::message::Message;
use rppp_l2tp::HeaderRepr;

const SECRET: &[u8] = b"s3cret";

fuzz_target!(|data: &[u8]| {
    let (header, body) = match HeaderRepr::parse(data) {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = header.to_string();
    if !header.control || body.is_empty() {
        return;
    }
    let body = &data[body];
    for secret in [None, Some(SECRET)] {
        let message = match Message::parse(body, secret) {
            Ok(m) => m,
            Err(e) => {
                let _ = e.to_string();
                continue;
            }
        };
        if let Err(refusal) = message.check() {
            let _ = refusal.result_code();
        }
        let encoded = message.encode(header, secret);
        let (again, range) = HeaderRepr::parse(&encoded).expect("we emit a valid header");
        assert_eq!(again.tunnel_id, header.tunnel_id);
        let reparsed = Message::parse(&encoded[range], secret).expect("what we emit parses");
        assert_eq!(reparsed, message);
    }
});
