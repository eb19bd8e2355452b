//! The unit: created and named atomically with `RTM_NEWLINK` (with a
//! bounded, jittered retry while the kernel's ppp mutex answers EBUSY), or
//! with `PPPIOCNEWUNIT` and a rename while down; then connected to the
//! channel.

use std::sync::Arc;
use std::time::Duration;

use nix::errno::Errno;
use rand::rngs::SysRng;
use rand::RngExt as _;
use rand_core::UnwrapErr;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{step, KernelDataPath};
use crate::driver::datapath::{DataPathError, DataPathStep, UnitCreated};
#[cfg(doc)]
use crate::driver::DataPath;
use crate::kernel::frames::SharedFd;
use crate::kernel::{Unattached, Unit};
use crate::session::network_protocol;
use crate::session::NpMode;

/// How the unit is named: pppd's `ifname` (or `pppol2tp_ifname`) and `unit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitNaming {
    /// The interface name; created with it atomically (`RTM_NEWLINK`).
    pub ifname: Option<String>,
    /// The unit number (`PPPIOCNEWUNIT`), renamed to `ifname` while down
    /// when both are given.
    pub unit: Option<u32>,
    /// pppd's `kdebug`: the unit's kernel debug flags (`PPPIOCSDEBUG`),
    /// set when given and non-zero.
    pub kdebug: Option<i32>,
}

/// What to do after `RTM_NEWLINK` answered EBUSY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterBusy {
    /// Sleep this long, then send `RTM_NEWLINK` again.
    Retry(Duration),
    /// Stop retrying: create the unit with `PPPIOCNEWUNIT`, which waits
    /// for the ppp mutex in the kernel, and rename it while it is down.
    Fallback,
}

/// The bounded, jittered retry of `RTM_NEWLINK` while the kernel's ppp
/// mutex is busy.
///
/// On Linux 4.7 to 6.x every ppp ioctl, from any process, holds one global
/// mutex, and `RTM_NEWLINK` of kind "ppp" only try-locks it (it already
/// holds RTNL) and answers EBUSY. With many sessions (and another process
/// doing its own ppp ioctls, as the peer does in the lab) a creation can
/// keep losing that race: a long backoff then leaves the CPU idle while
/// sessions wait for their unit. So the retries are few and short (1 ms
/// doubling to 16 ms, each plus up to as much again of jitter, about
/// 50 ms in all), and then the unit is created with `PPPIOCNEWUNIT`,
/// which queues on the mutex instead of racing for it, and renamed while
/// still down (DESIGN.md: the fallback).
#[derive(Debug, Clone)]
struct NewlinkBackoff {
    busy: u32,
    delay: Duration,
}

impl NewlinkBackoff {
    const FIRST: Duration = Duration::from_millis(1);
    const CAP: Duration = Duration::from_millis(16);
    /// EBUSY answers before falling back.
    const RETRIES: u32 = 6;

    fn new() -> Self {
        NewlinkBackoff {
            busy: 0,
            delay: Self::FIRST,
        }
    }

    /// How many EBUSY answers so far.
    fn busy(&self) -> u32 {
        self.busy
    }

    /// After one more EBUSY: the next step. `jitter(max)` returns a
    /// uniformly random number of microseconds in `0..=max`.
    fn after_busy(&mut self, jitter: impl FnOnce(u64) -> u64) -> AfterBusy {
        self.busy += 1;
        if self.busy > Self::RETRIES {
            return AfterBusy::Fallback;
        }
        let max = self.delay.as_micros() as u64;
        let sleep = self.delay + Duration::from_micros(jitter(max).min(max));
        self.delay = (self.delay * 2).min(Self::CAP);
        AfterBusy::Retry(sleep)
    }
}

impl KernelDataPath {
    /// Creates the unit only while holding one of `slots`' permits. An
    /// engine shares one semaphore among its sessions so that a thousand
    /// sessions starting together create their units a few at a time, in
    /// the order they were added: each unit creation is serialised by the
    /// kernel's RTNL and ppp locks anyway, and otherwise every session's
    /// later netlink requests (MTU, addresses, up) queue behind every other
    /// session's `RTM_NEWLINK` on the shared socket, and sessions started
    /// early wait for ones started late.
    pub fn limit_unit_creation(&mut self, slots: Arc<Semaphore>) {
        self.creation_slots = Some(slots);
    }

    /// Holds a creation slot taken before [`KernelDataPath::open`] attached
    /// the channel; [`DataPath::create_unit`] then creates the unit under
    /// it, without waiting for another, and gives it back. The engine
    /// does this so that a session's whole kernel setup, not only its
    /// unit creation, takes its turn.
    pub(crate) fn hold_setup_slot(&mut self, permit: OwnedSemaphorePermit) {
        self.setup_slot = Some(permit);
    }

    /// How the unit is to be named (nothing asked once it exists).
    fn naming(&self) -> &UnitNaming {
        static NOTHING: UnitNaming = UnitNaming {
            ifname: None,
            unit: None,
            kdebug: None,
        };
        self.naming.as_deref().unwrap_or(&NOTHING)
    }

    /// Creates the unit (named, numbered or both; under a creation slot
    /// when the engine limits them), sets every NP mode to DROP, and
    /// connects the channel to it.
    pub(super) async fn create_and_connect_unit(&mut self) -> Result<UnitCreated, DataPathError> {
        let _permit = match (self.setup_slot.take(), &self.creation_slots) {
            (Some(held), _) => Some(held),
            (None, Some(s)) => Some(Arc::clone(s).acquire_owned().await.map_err(|e| {
                DataPathError::new(
                    DataPathStep::CreateUnit,
                    format!("wait for a creation slot: {e}"),
                )
            })?),
            (None, None) => None,
        };
        let unit = match (&self.naming().ifname, self.naming().unit) {
            (Some(name), None) => self.create_named(name).await?,
            (Some(name), Some(n)) => self.new_unit_renamed(Some(n), name).await?,
            (None, n) => off_runtime(move || Unattached::open().and_then(|dev| dev.new_unit(n)))
                .await?
                .map_err(step(DataPathStep::CreateUnit, "PPPIOCNEWUNIT"))?,
        };
        // A new unit passes every network protocol: drop them all until
        // their NCP opens.
        for protocol in [network_protocol::IPV4, network_protocol::IPV6] {
            unit.set_npmode(protocol, NpMode::Drop).map_err(|e| {
                DataPathError::in_call(
                    DataPathStep::CreateUnit,
                    "PPPIOCSNPMODE",
                    format!("set the NP mode to DROP: {e}"),
                )
            })?;
        }
        let number = unit
            .number()
            .map_err(step(DataPathStep::CreateUnit, "PPPIOCGUNIT"))?;
        let ifname = self
            .naming()
            .ifname
            .clone()
            .unwrap_or_else(|| format!("ppp{number}"));
        // Named now: the naming is not needed again.
        self.naming = None;
        let index = ifindex(&ifname)?;
        let unit = Arc::new(unit);
        let frames = Arc::clone(&unit) as SharedFd;
        self.unit = Some(unit);
        self.ifindex = Some(index);
        self.ifname = Some(ifname.clone());
        self.channel
            .as_ref()
            .ok_or(DataPathError::new(
                DataPathStep::CreateUnit,
                "no channel to connect",
            ))?
            .connect(number)
            .map_err(step(DataPathStep::CreateUnit, "PPPIOCCONNECT"))?;
        Ok(UnitCreated {
            ifname,
            unit: number,
            frames,
        })
    }

    async fn create_named(&self, name: &str) -> Result<Unit, DataPathError> {
        let mut backoff = NewlinkBackoff::new();
        let dev = Unattached::open().map_err(step(DataPathStep::CreateUnit, "open /dev/ppp"))?;
        loop {
            match self
                .netif
                .new_ppp_link(&dev, name)
                .await
                .map_err(|e| e.errno())
            {
                Ok(()) => {
                    if backoff.busy() > 0 {
                        tracing::info!(
                            "RTM_NEWLINK {name}: EBUSY {} times, then created",
                            backoff.busy()
                        );
                    }
                    return Ok(dev.into_unit());
                }
                // Another ppp ioctl holds the kernel's ppp mutex: routine
                // with many sessions.
                Err(Some(Errno::EBUSY)) => {
                    let jitter = |max| UnwrapErr(SysRng).random_range(0..=max);
                    match backoff.after_busy(jitter) {
                        AfterBusy::Retry(sleep) => tokio::time::sleep(sleep).await,
                        AfterBusy::Fallback => {
                            tracing::info!(
                                "RTM_NEWLINK {name}: EBUSY {} times, \
                                 PPPIOCNEWUNIT and a rename instead",
                                backoff.busy()
                            );
                            return self.new_unit_renamed_from(dev, None, name).await;
                        }
                    }
                }
                Err(Some(Errno::EOPNOTSUPP)) => {
                    // Before Linux 4.7: no RTM_NEWLINK for ppp.
                    return self.new_unit_renamed_from(dev, None, name).await;
                }
                Err(e) => {
                    let what =
                        e.map_or("no error code".into(), |e| format!("{} ({e:?})", e.desc()));
                    return Err(DataPathError::in_call(
                        DataPathStep::CreateUnit,
                        "RTM_NEWLINK",
                        format!("interface {name:?}: {what}"),
                    ));
                }
            }
        }
    }

    async fn new_unit_renamed(&self, unit: Option<u32>, name: &str) -> Result<Unit, DataPathError> {
        let dev = Unattached::open().map_err(step(DataPathStep::CreateUnit, "open /dev/ppp"))?;
        self.new_unit_renamed_from(dev, unit, name).await
    }

    /// `PPPIOCNEWUNIT` on `dev`, then the new `ppp<N>` renamed to `name`
    /// while it is down.
    async fn new_unit_renamed_from(
        &self,
        dev: Unattached,
        unit: Option<u32>,
        name: &str,
    ) -> Result<Unit, DataPathError> {
        let unit = off_runtime(move || dev.new_unit(unit))
            .await?
            .map_err(step(DataPathStep::CreateUnit, "PPPIOCNEWUNIT"))?;
        if let Some(flags) = self.naming().kdebug {
            if let Err(e) = unit.set_debug(flags) {
                tracing::warn!("kdebug {flags}: {e} (not fatal)");
            }
        }
        let number = unit
            .number()
            .map_err(step(DataPathStep::CreateUnit, "PPPIOCGUNIT"))?;
        let from = format!("ppp{number}");
        let index = ifindex(&from)?;
        self.netif.rename(index, &from, name).await.map_err(|e| {
            DataPathError::in_call(
                DataPathStep::NameInterface,
                e.call(),
                format!("rename ppp{number} to {name:?}: {e}"),
            )
        })?;
        Ok(unit)
    }
}

/// `PPPIOCNEWUNIT` registers the interface under RTNL, which another
/// process's interface deletions may hold for tens of milliseconds: the
/// call runs on tokio's blocking pool, not on the runtime's thread (see
/// `netlink_thread`). The closure allocates nothing that outlives it.
async fn off_runtime<T: Send + 'static>(
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DataPathError> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| DataPathError::in_call(DataPathStep::CreateUnit, "PPPIOCNEWUNIT", e))
}

fn ifindex(name: &str) -> Result<u32, DataPathError> {
    nix::net::if_::if_nametoindex(name).map_err(|e| {
        DataPathError::in_call(
            DataPathStep::NameInterface,
            "if_nametoindex",
            format!("find {name:?}: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retries(mut b: NewlinkBackoff, jitter: u64) -> (Vec<Duration>, u32) {
        let mut sleeps = Vec::new();
        loop {
            match b.after_busy(|max| jitter.min(max)) {
                AfterBusy::Retry(d) => sleeps.push(d),
                AfterBusy::Fallback => return (sleeps, b.busy()),
            }
        }
    }

    #[test]
    fn newlink_backoff_doubles_to_its_cap_then_falls_back() {
        let (sleeps, busy) = retries(NewlinkBackoff::new(), 0);
        let ms = |n| Duration::from_millis(n);
        assert_eq!(sleeps, [ms(1), ms(2), ms(4), ms(8), ms(16), ms(16)]);
        // The seventh EBUSY falls back to PPPIOCNEWUNIT.
        assert_eq!(busy, NewlinkBackoff::RETRIES + 1);
    }

    #[test]
    fn newlink_backoff_jitter_adds_at_most_the_delay() {
        let (sleeps, _) = retries(NewlinkBackoff::new(), u64::MAX);
        let ms = |n| Duration::from_millis(n);
        assert_eq!(sleeps, [ms(2), ms(4), ms(8), ms(16), ms(32), ms(32)]);
        let total: Duration = sleeps.iter().sum();
        assert!(total <= Duration::from_millis(100), "bounded: {total:?}");
    }

    #[test]
    fn newlink_backoff_asks_for_jitter_up_to_the_delay() {
        let mut b = NewlinkBackoff::new();
        let mut asked = Vec::new();
        while let AfterBusy::Retry(d) = b.after_busy(|max| {
            asked.push(max);
            max / 2
        }) {
            assert!(d >= NewlinkBackoff::FIRST);
        }
        assert_eq!(asked, [1_000, 2_000, 4_000, 8_000, 16_000, 16_000]);
    }
}
