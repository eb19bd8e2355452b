//! The option iterator and LCP's typed options: no panic on any list, and
//! every option that types emits back to its own octets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_lcp::lcp::options::LcpOption;
use rppp_lcp::option::OptionIter;

fuzz_target!(|data: &[u8]| {
    let mut consumed = 0;
    for option in OptionIter::new(data) {
        let Ok(raw) = option else { return };
        let wire = &data[consumed..consumed + raw.wire_len()];
        consumed += raw.wire_len();
        let mut out = Vec::new();
        raw.append_to(&mut out);
        assert_eq!(out, wire);
        if let Ok(typed) = LcpOption::parse(raw) {
            let _ = typed.to_string();
            out.clear();
            typed.append_to(&mut out);
            assert_eq!(out, wire, "{typed:?}");
        }
    }
    assert_eq!(consumed, data.len());
});
