//! The control packet codec: parse never panics, and what parses emits back
//! to the same octets (padding after Length excluded).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_lcp::packet::{Packet, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(repr) = Repr::parse_bytes(data) else {
        assert!(Packet::new_checked(data).is_err());
        return;
    };
    let packet = Packet::new_checked(data).expect("parse succeeded, so the check does");
    assert_eq!(packet.data(), repr.data);
    let _ = repr.to_string();
    let mut out = vec![0xa5; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..]));
    assert_eq!(out, packet.as_bytes());
});
