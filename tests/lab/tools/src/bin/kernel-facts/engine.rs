//! Our end of the session, played by hand: the channel and unit fds, the
//! answers pppd needs, and reading frames until the one a check waits for.

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use rppp::kernel::{Channel, Errno, Unit};
use rppp_lab::{err, BoxError};

use crate::frame::{packet, Rx};
use crate::{IPCP, LCP, MAGIC};

/// Our end of the session: the fds, and a log of every frame received.
pub(crate) struct Engine {
    pub(crate) chan: Channel,
    pub(crate) unit: Unit,
    pub(crate) connected: bool,
    pub(crate) ack_ipcp: bool,
    pub(crate) seen: Vec<Rx>,
    pub(crate) chan_eof: bool,
}

impl Engine {
    pub(crate) fn send(&self, frame: &[u8]) -> Result<(), BoxError> {
        self.chan.write(frame).map_err(|e| err(e.to_string()))?;
        Ok(())
    }

    /// Answer what pppd needs answered: Ack its LCP (and, once enabled,
    /// IPCP) Configure-Requests as they are, reply to LCP Echo-Requests.
    pub(crate) fn auto_reply(&mut self, rx: &Rx) -> Result<(), BoxError> {
        match (rx.proto, rx.code) {
            (LCP, 1) => self.send(&packet(LCP, 2, rx.id, &rx.data))?,
            (LCP, 9) => self.send(&packet(LCP, 10, rx.id, &MAGIC.to_be_bytes()))?,
            (IPCP, 1) if self.ack_ipcp => self.send(&packet(IPCP, 2, rx.id, &rx.data))?,
            _ => {}
        }
        Ok(())
    }

    /// Read frames (channel fd always, unit fd once connected) until `want`
    /// matches one or `within` passes.
    pub(crate) fn pump(
        &mut self,
        within: Duration,
        mut want: impl FnMut(&Rx) -> bool,
    ) -> Result<Option<Rx>, BoxError> {
        let end = Instant::now() + within;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let ms = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
            let mut fds = vec![PollFd::new(self.chan.as_fd(), PollFlags::POLLIN)];
            if self.connected {
                fds.push(PollFd::new(self.unit.as_fd(), PollFlags::POLLIN));
            }
            poll(&mut fds, PollTimeout::from(ms)).map_err(|e| err(format!("poll: {e}")))?;
            drop(fds);
            let mut buf = vec![0u8; 65536];
            let mut got = Vec::new();
            loop {
                match self.chan.read(&mut buf) {
                    Ok(0) => {
                        self.chan_eof = true;
                        break;
                    }
                    Ok(n) => got.extend(Rx::parse("channel", &buf[..n])),
                    Err(e) if e.errno() == Errno::EAGAIN => break,
                    Err(e) => return Err(err(e.to_string())),
                }
            }
            if self.connected {
                loop {
                    match self.unit.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => got.extend(Rx::parse("unit", &buf[..n])),
                        Err(e) if e.errno() == Errno::EAGAIN => break,
                        Err(e) => return Err(err(e.to_string())),
                    }
                }
            }
            let mut found = None;
            for rx in got {
                println!("  rx {}", rx.describe());
                self.auto_reply(&rx)?;
                if found.is_none() && want(&rx) {
                    found = Some(rx.clone());
                }
                self.seen.push(rx);
            }
            if found.is_some() {
                return Ok(found);
            }
            if self.chan_eof {
                return Ok(None);
            }
        }
    }
}
