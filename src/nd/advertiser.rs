//! When a router sends Router Advertisements on one interface (RFC 4861
//! sections 6.2.4 to 6.2.6): at once when advertising starts, the next
//! three at most MAX_INITIAL_RTR_ADVERT_INTERVAL apart (as radvd counts),
//! then at a random interval; and soon after each Router
//! Solicitation, but never two within MIN_DELAY_BETWEEN_RAS.

use std::time::{Duration, Instant};

use rand_core::Rng;

use super::message::{NdOption, PrefixInformation, RouterAdvertisement};
use super::Ipv6Prefix;

/// MAX_INITIAL_RTR_ADVERTISEMENTS (RFC 4861 section 10).
const MAX_INITIAL_RTR_ADVERTISEMENTS: u8 = 3;
/// MAX_INITIAL_RTR_ADVERT_INTERVAL.
const MAX_INITIAL_RTR_ADVERT_INTERVAL: Duration = Duration::from_secs(16);
/// MIN_DELAY_BETWEEN_RAS.
const MIN_DELAY_BETWEEN_RAS: Duration = Duration::from_secs(3);
/// MAX_RA_DELAY_TIME.
const MAX_RA_DELAY_TIME: Duration = Duration::from_millis(500);

/// The router's variables for the interface (RFC 4861 section 6.2.1);
/// the default is the RFC's defaults, as radvd's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdvertiserConfig {
    /// MaxRtrAdvInterval: 600 s.
    pub max_interval: Duration,
    /// MinRtrAdvInterval: a third of the maximum.
    pub min_interval: Duration,
    /// AdvDefaultLifetime, in seconds: three times the maximum interval.
    /// The peer takes this end as its default router.
    pub router_lifetime: u16,
    /// AdvValidLifetime, in seconds: 30 days.
    pub valid_lifetime: u32,
    /// AdvPreferredLifetime, in seconds: 7 days.
    pub preferred_lifetime: u32,
    /// AdvCurHopLimit: 64.
    pub cur_hop_limit: u8,
}

impl Default for AdvertiserConfig {
    fn default() -> AdvertiserConfig {
        AdvertiserConfig {
            max_interval: Duration::from_secs(600),
            min_interval: Duration::from_secs(200),
            router_lifetime: 1800,
            valid_lifetime: 2_592_000,
            preferred_lifetime: 604_800,
            cur_hop_limit: 64,
        }
    }
}

/// The advertising of one prefix on one interface, sans-IO: the caller
/// asks [`poll_timeout`](Advertiser::poll_timeout) when to wake, then
/// [`poll_transmit`](Advertiser::poll_transmit) for a message to send.
#[derive(Debug)]
pub struct Advertiser {
    config: AdvertiserConfig,
    advertisement: RouterAdvertisement,
    /// When the next advertisement is due (`None`: not advertising).
    next: Option<Instant>,
    last_sent: Option<Instant>,
    /// Initial advertisements left to send at the shorter interval.
    initial_left: u8,
    sent: u64,
    solicitations: u64,
}

impl Advertiser {
    /// Advertising `prefix`: on-link, and autonomous (for SLAAC) when it
    /// is a /64.
    pub fn new(prefix: Ipv6Prefix, config: AdvertiserConfig) -> Advertiser {
        let advertisement = RouterAdvertisement {
            cur_hop_limit: config.cur_hop_limit,
            managed: false,
            other: false,
            router_lifetime: config.router_lifetime,
            reachable_time: 0,
            retrans_timer: 0,
            options: vec![NdOption::PrefixInformation(PrefixInformation {
                prefix,
                on_link: true,
                autonomous: prefix.is_slaac(),
                valid_lifetime: config.valid_lifetime,
                preferred_lifetime: config.preferred_lifetime,
            })],
        };
        Advertiser {
            config,
            advertisement,
            next: None,
            last_sent: None,
            initial_left: MAX_INITIAL_RTR_ADVERTISEMENTS,
            sent: 0,
            solicitations: 0,
        }
    }

    /// The interface became an advertising interface (section 6.2.4):
    /// the first advertisement is due now.
    pub fn start(&mut self, now: Instant) {
        self.next = Some(now);
        self.initial_left = MAX_INITIAL_RTR_ADVERTISEMENTS;
    }

    /// It no longer is: nothing more is sent.
    pub fn stop(&mut self) {
        self.next = None;
    }

    /// When [`poll_transmit`](Advertiser::poll_transmit) has something.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next
    }

    /// The advertisement to send now, if one is due; the next one is then
    /// scheduled (section 6.2.4).
    pub fn poll_transmit(&mut self, now: Instant, rng: &mut dyn Rng) -> Option<Vec<u8>> {
        if self.next? > now {
            return None;
        }
        let mut interval = self.random_interval(rng);
        if self.initial_left > 0 {
            self.initial_left -= 1;
            interval = interval.min(MAX_INITIAL_RTR_ADVERT_INTERVAL);
        }
        self.next = Some(now + interval);
        self.last_sent = Some(now);
        self.sent = self.sent.saturating_add(1);
        Some(self.advertisement.encode())
    }

    /// A valid Router Solicitation came (section 6.2.6): an advertisement
    /// within MAX_RA_DELAY_TIME, unless one is due sooner anyway, and not
    /// within MIN_DELAY_BETWEEN_RAS of the last one.
    pub fn on_solicitation(&mut self, now: Instant, rng: &mut dyn Rng) {
        self.solicitations = self.solicitations.saturating_add(1);
        let Some(next) = self.next else { return };
        let delay = rng.next_u32() % (MAX_RA_DELAY_TIME.as_millis() as u32 + 1);
        let mut at = now + Duration::from_millis(u64::from(delay));
        if let Some(last) = self.last_sent {
            at = at.max(last + MIN_DELAY_BETWEEN_RAS);
        }
        if at < next {
            self.next = Some(at);
        }
    }

    /// Advertisements sent.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Solicitations heard.
    pub fn solicitations(&self) -> u64 {
        self.solicitations
    }

    /// Uniformly between MinRtrAdvInterval and MaxRtrAdvInterval, in
    /// milliseconds.
    fn random_interval(&self, rng: &mut dyn Rng) -> Duration {
        let min = self.config.min_interval.as_millis() as u64;
        let max = (self.config.max_interval.as_millis() as u64).max(min);
        Duration::from_millis(min + rng.next_u64() % (max - min + 1))
    }
}

#[cfg(test)]
mod tests;
