//! The CHAP codec: parse never panics, what parses emits back to the same
//! octets (padding after Length excluded), and Display never panics. The
//! MS-CHAP Success and Failure message readers run on every message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_auth::chap::packet::ChapRepr;
use rppp_auth::mschap::message;
use rppp_lcp::packet::Packet;

fuzz_target!(|data: &[u8]| {
    let Ok(repr) = ChapRepr::parse(data) else { return };
    let _ = repr.to_string();
    let mut out = Vec::new();
    repr.append_to(&mut out);
    let packet = Packet::new_checked(data).expect("parse succeeded, so the header is good");
    assert_eq!(out, packet.as_bytes());
    assert_eq!(ChapRepr::parse(&out), Ok(repr));
    if let ChapRepr::Success { message: m, .. } | ChapRepr::Failure { message: m, .. } = repr {
        let _ = message::parse_success_v2(m);
        let _ = message::parse_failure(m);
    }
});
