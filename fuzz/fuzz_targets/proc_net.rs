//! `/proc/net/route` and `/proc/net/dev` as the router build reads them
//! (`rppp::kernel::proc_net`): any text, never a panic; every route read
//! has a prefix mask the kernel could print and says consistently whether
//! it is a default route; an interface's counters are found only on its
//! own line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp::kernel::proc_net;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for r in proc_net::routes(text) {
        assert!(!r.iface.is_empty());
        if r.is_default() {
            assert!(r.destination.is_unspecified() && r.mask.is_unspecified());
            assert_eq!(r.flags & proc_net::RTF_REJECT, 0);
        }
        assert_eq!(r.gateway().is_some(), r.flags & proc_net::RTF_GATEWAY != 0);
    }
    for name in ["ppp0", "lo", ""] {
        if proc_net::dev_counters(text, name).is_some() {
            assert!(text.lines().any(|l| l
                .split_once(':')
                .is_some_and(|(i, _)| i.trim() == name)));
        }
    }
});
