//! IPCP's and IPv6CP's typed options: no panic on any option list, every
//! option emits back to its own octets (typed or, for a bad Length, kept
//! raw), and what parses re-parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp_ipcp::ipcp::options::IpcpOption;
use rppp_ipcp::ipv6cp::options::Ipv6cpOption;
use rppp_lcp::option::OptionIter;

fuzz_target!(|data: &[u8]| {
    let mut consumed = 0;
    let mut out = Vec::new();
    for option in OptionIter::new(data) {
        let Ok(raw) = option else { return };
        let wire = &data[consumed..consumed + raw.wire_len()];
        consumed += raw.wire_len();

        let ipcp = IpcpOption::parse_lossy(raw);
        let shown = ipcp.to_string();
        assert!(shown.starts_with('<') && shown.ends_with('>'), "{shown}");
        out.clear();
        ipcp.append_to(&mut out);
        assert_eq!(out, wire, "{ipcp:?}");
        if let Ok(typed) = IpcpOption::parse(raw) {
            let again = OptionIter::new(&out).next().unwrap().unwrap();
            assert_eq!(IpcpOption::parse(again), Ok(typed));
        }

        let ipv6cp = Ipv6cpOption::parse_lossy(raw);
        let shown = ipv6cp.to_string();
        assert!(shown.starts_with('<') && shown.ends_with('>'), "{shown}");
        out.clear();
        ipv6cp.append_to(&mut out);
        assert_eq!(out, wire, "{ipv6cp:?}");
        if let Ok(typed) = Ipv6cpOption::parse(raw) {
            let again = OptionIter::new(&out).next().unwrap().unwrap();
            assert_eq!(Ipv6cpOption::parse(again), Ok(typed));
        }
    }
    assert_eq!(consumed, data.len());
});
