use super::*;
use crate::nd::message::RouterAdvertisement;

/// Randomness that is always the same number.
struct Fixed(u64);

impl rand_core::TryRng for Fixed {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0 as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(self.0 as u8);
        Ok(())
    }
}

fn advertiser(len: u8) -> Advertiser {
    let prefix = Ipv6Prefix::new("2001:db8:9::".parse().unwrap(), len).unwrap();
    Advertiser::new(prefix, AdvertiserConfig::default())
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn the_first_three_intervals_are_16_s_at_most_then_random() {
    let t0 = Instant::now();
    let mut rng = Fixed(100_000);
    let mut a = advertiser(64);
    assert_eq!(a.poll_timeout(), None);
    assert_eq!(a.poll_transmit(t0, &mut rng), None);
    a.start(t0);
    let ra = a.poll_transmit(t0, &mut rng).unwrap();
    let ra = RouterAdvertisement::parse(&ra, 255).unwrap();
    let p = ra.prefixes().next().unwrap();
    assert!(p.on_link && p.autonomous);
    assert_eq!(
        (p.valid_lifetime, p.preferred_lifetime),
        (2_592_000, 604_800)
    );
    assert_eq!(ra.router_lifetime, 1800);
    // Not again before its time.
    assert_eq!(a.poll_transmit(t0 + secs(15), &mut rng), None);
    // Three intervals of 16 s at most (the random interval is 300 s
    // here), as radvd's, then the random interval: 200 s + 100,000 ms.
    let mut at = t0;
    for _ in 0..3 {
        at += secs(16);
        assert_eq!(a.poll_timeout(), Some(at));
        assert!(a.poll_transmit(at, &mut rng).is_some());
    }
    assert_eq!(a.poll_timeout(), Some(at + secs(300)));
    assert_eq!(a.sent(), 4);
    a.stop();
    assert_eq!(a.poll_timeout(), None);
}

#[test]
fn a_solicitation_is_answered_soon_but_not_within_three_seconds_of_the_last() {
    let t0 = Instant::now();
    let mut rng = Fixed(250);
    let mut a = advertiser(64);
    // Heard before advertising starts: counted, nothing scheduled.
    a.on_solicitation(t0, &mut rng);
    assert_eq!(a.poll_timeout(), None);
    a.start(t0);
    a.poll_transmit(t0, &mut rng).unwrap();
    // One second after the first: held to three seconds after it.
    a.on_solicitation(t0 + secs(1), &mut rng);
    assert_eq!(a.poll_timeout(), Some(t0 + secs(3)));
    a.poll_transmit(t0 + secs(3), &mut rng).unwrap();
    // Ten seconds later: within MAX_RA_DELAY_TIME (250 ms here).
    let t = t0 + secs(13);
    a.on_solicitation(t, &mut rng);
    assert_eq!(a.poll_timeout(), Some(t + Duration::from_millis(250)));
    assert_eq!(a.solicitations(), 3);
}

#[test]
fn a_prefix_other_than_a_64_is_on_link_only() {
    let t0 = Instant::now();
    let mut a = advertiser(56);
    a.start(t0);
    let ra = a.poll_transmit(t0, &mut Fixed(0)).unwrap();
    let ra = RouterAdvertisement::parse(&ra, 255).unwrap();
    let p = ra.prefixes().next().unwrap();
    assert!(p.on_link && !p.autonomous);
}
