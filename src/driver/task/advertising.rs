//! The peer's IPv6 prefix (RADIUS Framed-IPv6-Prefix, RFC 3162 section
//! 2.3) advertised on the session's interface while IPv6 is up: its route
//! through the interface, Router Advertisements on RFC 4861's schedule
//! and in answer to the peer's Router Solicitations ([`crate::nd`]).
//! What cannot be set up is logged and the link stays up, as for pppd's
//! default route.

use std::task::{Context, Poll};
use std::time::Instant;

use rand_core::Rng;

use super::super::datapath::DataPath;
use crate::kernel::NdSocket;
use crate::nd::message::{RouterSolicitation, ROUTER_SOLICITATION};
use crate::nd::{Advertiser, AdvertiserConfig, Ipv6Prefix};

/// Messages read from the socket per wake-up (as the frames' budget).
const READ_BUDGET: usize = 32;

/// One session's advertising of its peer's prefix.
pub(super) struct Advertising {
    prefix: Ipv6Prefix,
    /// While IPv6 is up: the advertiser and the interface's socket.
    running: Option<(Advertiser, NdSocket)>,
    /// Solicitations dropped as invalid (RFC 4861 section 6.1.1).
    invalid: u64,
}

impl Advertising {
    pub(super) fn new(prefix: Ipv6Prefix) -> Box<Advertising> {
        if !prefix.is_slaac() {
            tracing::warn!("IPv6 prefix {prefix}: SLAAC needs a /64; advertised as on-link only");
        }
        Box::new(Advertising {
            prefix,
            running: None,
            invalid: 0,
        })
    }

    /// IPv6 passes: the route, the socket, the first advertisement.
    pub(super) async fn start<D: DataPath>(&mut self, dp: &mut D, now: Instant) {
        if self.running.is_some() {
            return;
        }
        match dp.advertise_ipv6_prefix(self.prefix).await {
            Ok(socket) => {
                tracing::info!("IPv6 prefix {} advertised to the peer", self.prefix);
                let mut advertiser = Advertiser::new(self.prefix, AdvertiserConfig::default());
                advertiser.start(now);
                self.running = Some((advertiser, socket));
            }
            Err(e) => tracing::error!("{e}"),
        }
    }

    /// IPv6 goes down (or the session ends): no more advertisements, and
    /// the route goes.
    pub(super) async fn stop<D: DataPath>(&mut self, dp: &mut D) {
        let Some((advertiser, _socket)) = self.running.take() else {
            return;
        };
        dp.clear_ipv6_prefix().await;
        tracing::debug!(
            "IPv6 prefix {}: {} Router Advertisements sent, {} Router Solicitations heard, {} invalid",
            self.prefix,
            advertiser.sent(),
            advertiser.solicitations(),
            self.invalid
        );
    }

    /// When the next advertisement is due.
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.running.as_ref()?.0.poll_timeout()
    }

    /// Ready when the socket has something to read.
    pub(super) fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &self.running {
            Some((_, socket)) => socket.poll_readable(cx),
            None => Poll::Pending,
        }
    }

    /// Reads what came: each valid Router Solicitation brings an
    /// advertisement forward; other ICMPv6 messages are not ours.
    pub(super) fn on_readable(&mut self, now: Instant, rng: &mut dyn Rng) {
        let Some((advertiser, socket)) = &mut self.running else {
            return;
        };
        for _ in 0..READ_BUDGET {
            let received = match socket.recv() {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!("reading the ICMPv6 socket: {e}");
                    return;
                }
            };
            if received.message.first() != Some(&ROUTER_SOLICITATION) {
                continue;
            }
            match RouterSolicitation::parse(&received.message, received.hop_limit) {
                Ok(_) => advertiser.on_solicitation(now, rng),
                Err(e) => {
                    self.invalid = self.invalid.saturating_add(1);
                    tracing::debug!("Router Solicitation dropped: {e} ({} so far)", self.invalid);
                }
            }
        }
    }

    /// Sends the advertisement that is due, if one is.
    pub(super) fn on_timer(&mut self, now: Instant, rng: &mut dyn Rng) {
        let Some((advertiser, socket)) = &mut self.running else {
            return;
        };
        if let Some(message) = advertiser.poll_transmit(now, rng) {
            match socket.send_all_nodes(&message) {
                Ok(true) => tracing::debug!("sent a Router Advertisement of {}", self.prefix),
                Ok(false) => tracing::debug!("Router Advertisement dropped: socket queue full"),
                Err(e) => tracing::warn!("sending a Router Advertisement: {e}"),
            }
        }
    }
}
