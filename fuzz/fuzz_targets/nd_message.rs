//! Neighbor Discovery's messages as the LNS's ICMPv6 socket reads them
//! (RFC 4861 sections 4.1, 4.2, 6.1): the first octet is the hop limit,
//! the rest one message. Never a panic; a message read encodes back to
//! itself (as far as it was read); a valid Router Solicitation reaches
//! the advertiser, whose schedule stays after "now".
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rppp::nd::message::{RouterAdvertisement, RouterSolicitation};
use rppp::nd::{Advertiser, AdvertiserConfig, Ipv6Prefix};

fuzz_target!(|data: &[u8]| {
    let Some((&hop_limit, message)) = data.split_first() else {
        return;
    };
    if let Ok(rs) = RouterSolicitation::parse(message, hop_limit) {
        assert_eq!(RouterSolicitation::parse(&rs.encode(), 255), Ok(rs));
        let prefix = Ipv6Prefix::new("2001:db8::".parse().unwrap(), 64).unwrap();
        let mut a = Advertiser::new(prefix, AdvertiserConfig::default());
        let mut rng = StdRng::seed_from_u64(u64::from(hop_limit));
        let t0 = Instant::now();
        a.start(t0);
        assert!(a.poll_transmit(t0, &mut rng).is_some());
        let t1 = t0 + Duration::from_millis(u64::from(hop_limit) * 20);
        a.on_solicitation(t1, &mut rng);
        assert!(a.poll_timeout().is_some_and(|t| t >= t0 + Duration::from_secs(3)));
    }
    if let Ok(ra) = RouterAdvertisement::parse(message, hop_limit) {
        assert_eq!(RouterAdvertisement::parse(&ra.encode(), 255), Ok(ra));
    }
});
