//! A session's frames: read from the channel and the unit (within a
//! budget per turn), logged as pppd logs them, counted, fed in; and
//! written to the channel.

use rand::rngs::SysRng;
use rand_core::UnwrapErr;

use super::super::datapath::DataPath;
use super::super::hooks::Hooks;
use super::super::status::FrameCounts;
use super::{Task, READ_BUDGET};
use crate::kernel::frames::Read;
use crate::session::{FrameDisplay, Session};

impl<D: DataPath, H: Hooks> Task<D, H> {
    pub(super) fn handle_frame(
        &mut self,
        now: std::time::Instant,
        protocol: u16,
        information: &[u8],
    ) {
        feed(
            &mut self.session,
            &mut self.rng,
            &mut self.rx_frames,
            now,
            protocol,
            information,
        );
    }

    /// Reads what is queued on the channel or the unit, up to the budget,
    /// and feeds it in.
    pub(super) fn read(&mut self, now: std::time::Instant, from_unit: bool) {
        let fd = if from_unit { &self.unit } else { &self.channel };
        let Some(fd) = fd else { return };
        let (session, rng, counts) = (&mut self.session, &mut self.rng, &mut self.rx_frames);
        let mut got = false;
        let mut more = true;
        for _ in 0..READ_BUDGET {
            match fd.read(|protocol, information| {
                feed(session, rng, counts, now, protocol, information)
            }) {
                Ok(Read::Frame) => got = true,
                Ok(Read::Runt) => {}
                Ok(Read::Empty) => {
                    more = false;
                    break;
                }
                // End of file on the channel (or on the connected unit):
                // the L2TP session is gone. pppd: "Modem hangup", exit 16.
                Ok(Read::Closed) => {
                    more = false;
                    session.lower_down(now, rng);
                    break;
                }
                Err(e) => {
                    more = false;
                    let which = if from_unit { "unit fd" } else { "channel fd" };
                    tracing::error!("read({which}) failed: {e}");
                    session.lower_down(now, rng);
                    break;
                }
            }
        }
        if from_unit {
            self.unit_more = more;
        } else {
            self.channel_more = more;
            if got {
                // The peer is negotiating: its restart timer runs as ours
                // does. Let the next session start.
                self.window = None;
            }
        }
    }

    /// Writes the session's queued frames to the channel.
    pub(super) fn transmit(&mut self) {
        let mut frame = Vec::new();
        while let Some(protocol) = self.session.poll_transmit(&mut frame) {
            tracing::debug!(
                "sent {}",
                FrameDisplay {
                    protocol,
                    information: &frame
                }
            );
            self.tx_frames.count(protocol);
            if let Some(channel) = &self.channel {
                match channel.write(protocol, &frame) {
                    Ok(true) => {}
                    Ok(false) => self.write_errors += 1,
                    Err(e) => {
                        self.write_errors += 1;
                        tracing::debug!("write(channel fd) failed: {e}");
                    }
                }
            }
            frame.clear();
        }
    }
}

/// One frame in, logged whatever path it came by (the socket before the
/// channel existed, the channel, the unit).
fn feed(
    session: &mut Session,
    rng: &mut UnwrapErr<SysRng>,
    counts: &mut FrameCounts,
    now: std::time::Instant,
    protocol: u16,
    information: &[u8],
) {
    tracing::debug!(
        "rcvd {}",
        FrameDisplay {
            protocol,
            information
        }
    );
    counts.count(protocol);
    session.handle_frame(now, protocol, information, rng);
}
