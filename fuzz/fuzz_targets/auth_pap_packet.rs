//! The PAP codec: parse never panics, what parses emits back to a packet
//! that parses to the same value, and Display never shows the password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_auth::pap::packet::PapRepr;

fuzz_target!(|data: &[u8]| {
    let Ok(repr) = PapRepr::parse(data) else { return };
    let shown = format!("{repr} {repr:?}");
    assert!(shown.contains("AuthReq") || shown.contains("AuthAck") || shown.contains("AuthNak"));
    let mut out = Vec::new();
    repr.append_to(&mut out);
    assert_eq!(PapRepr::parse(&out), Ok(repr));
});
