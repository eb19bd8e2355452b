//! `/dev/ppp` (`drivers/net/ppp/ppp_generic.c`): channel and unit fds.

use crate::session::NpMode;
use std::fs::{File, OpenOptions};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

use libc::c_int;
use nix::errno::Errno;

use super::ioctl;
use super::{rtnl, Context, Error, Result};

const DEV_PPP: &str = "/dev/ppp";

/// Open `/dev/ppp`: read-write, non-blocking, close-on-exec.
fn open_dev_ppp(call: &'static str) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(DEV_PPP)
        .map_err(|e| Error::new(call, Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))))
}

fn read_frame(file: &File, buf: &mut [u8], call: &'static str) -> Result<usize> {
    nix::unistd::read(file.as_fd(), buf).context(call)
}

fn write_frame(file: &File, frame: &[u8], call: &'static str) -> Result<usize> {
    nix::unistd::write(file.as_fd(), frame).context(call)
}

/// How long a unit has gone without data packets (`struct ppp_idle`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdleTime {
    /// Since the last data packet sent.
    pub xmit: Duration,
    /// Since the last data packet received.
    pub recv: Duration,
}

fn np_mode_to_raw(mode: NpMode) -> c_int {
    match mode {
        NpMode::Pass => 0,
        NpMode::Drop => 1,
        NpMode::Error => 2,
        NpMode::Queue => 3,
        NpMode::Other(v) => v,
    }
}

fn np_mode_from_raw(v: c_int) -> NpMode {
    match v {
        0 => NpMode::Pass,
        1 => NpMode::Drop,
        2 => NpMode::Error,
        3 => NpMode::Queue,
        v => NpMode::Other(v),
    }
}

/// A `/dev/ppp` fd attached to a channel (`PPPIOCATTCHAN`): LCP and
/// authentication frames, and every frame while no unit is connected, are
/// read here; control frames written here are sent in every state.
#[derive(Debug)]
pub struct Channel {
    file: File,
}

impl Channel {
    /// Open `/dev/ppp` and attach it to channel `index`
    /// (from [`PppoL2tpSocket::channel_index`](super::PppoL2tpSocket::channel_index)).
    pub fn attach(index: u32) -> Result<Self> {
        let file = open_dev_ppp("open(/dev/ppp) for the channel")?;
        let idx = c_int::try_from(index)
            .map_err(|_| Error::new("ioctl(PPPIOCATTCHAN): channel index", Errno::ERANGE))?;
        // SAFETY: PPPIOCATTCHAN reads one int from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_attchan(file.as_raw_fd(), &idx) }
            .context("ioctl(PPPIOCATTCHAN) on /dev/ppp")?;
        Ok(Channel { file })
    }

    /// `PPPIOCCONNECT`: connect the channel to a unit.
    pub fn connect(&self, unit: u32) -> Result<()> {
        let u = c_int::try_from(unit)
            .map_err(|_| Error::new("ioctl(PPPIOCCONNECT): unit number", Errno::ERANGE))?;
        // SAFETY: PPPIOCCONNECT reads one int from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_connect(self.file.as_raw_fd(), &u) }
            .context("ioctl(PPPIOCCONNECT) on the channel fd")?;
        Ok(())
    }

    /// `PPPIOCDISCONN`: disconnect the channel from its unit.
    pub fn disconnect(&self) -> Result<()> {
        // SAFETY: PPPIOCDISCONN takes no argument.
        unsafe { ioctl::ppp_ioc_disconn(self.file.as_raw_fd()) }
            .context("ioctl(PPPIOCDISCONN) on the channel fd")?;
        Ok(())
    }

    /// `PPPIOCSASYNCMAP` on the channel. PPPoL2TP channels have no ioctl
    /// handler, so this fails with `ENOTTY` there: ACCM goes to the L2TP
    /// daemon instead. Kept to check that fact.
    pub fn set_asyncmap(&self, accm: u32) -> Result<()> {
        // SAFETY: PPPIOCSASYNCMAP reads one u32 from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_sasyncmap(self.file.as_raw_fd(), &accm) }
            .context("ioctl(PPPIOCSASYNCMAP) on the channel fd")?;
        Ok(())
    }

    /// Read one frame (`[protocol][information]`); `Ok(0)` once the
    /// channel is gone (session or tunnel deleted), `EAGAIN` when none is queued.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
        read_frame(&self.file, buf, "read(channel fd)")
    }

    /// Write one frame (`[protocol][information]`).
    pub fn write(&self, frame: &[u8]) -> Result<usize> {
        write_frame(&self.file, frame, "write(channel fd)")
    }
}

impl AsFd for Channel {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

/// A fresh `/dev/ppp` fd, not yet a channel or a unit.
#[derive(Debug)]
pub struct Unattached {
    file: File,
}

impl Unattached {
    /// Open `/dev/ppp`.
    pub fn open() -> Result<Self> {
        Ok(Unattached {
            file: open_dev_ppp("open(/dev/ppp) for a unit")?,
        })
    }

    /// `PPPIOCNEWUNIT`: create a unit, `ppp<N>` with N = `unit` or any free
    /// number when `None`.
    pub fn new_unit(self, unit: Option<u32>) -> Result<Unit> {
        let mut u: c_int = match unit {
            Some(n) => c_int::try_from(n)
                .map_err(|_| Error::new("ioctl(PPPIOCNEWUNIT): unit number", Errno::ERANGE))?,
            None => -1,
        };
        // SAFETY: PPPIOCNEWUNIT reads and writes one int at the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_newunit(self.file.as_raw_fd(), &mut u) }
            .context("ioctl(PPPIOCNEWUNIT) on /dev/ppp")?;
        Ok(Unit { file: self.file })
    }

    /// `RTM_NEWLINK` with kind "ppp", `IFLA_PPP_DEV_FD` = this fd and
    /// `IFLA_IFNAME` = `name`: create the unit with its name in one step.
    /// Fails with `EBUSY` while another ppp ioctl holds the kernel's ppp
    /// mutex (the caller retries), `EEXIST` if the name is taken.
    pub fn create_named(self, name: &str) -> Result<Unit> {
        self.request_named(name)?;
        Ok(Unit { file: self.file })
    }

    /// [`Unattached::create_named`]'s request alone, leaving this fd to
    /// retry with (`EBUSY`) or to turn into its unit
    /// ([`Unattached::into_unit`]) once it succeeded.
    pub fn request_named(&self, name: &str) -> Result<()> {
        rtnl::new_ppp_link(self.file.as_raw_fd(), name)
    }

    /// The unit this fd owns after an `RTM_NEWLINK` naming it (as
    /// `IFLA_PPP_DEV_FD`) succeeded elsewhere, e.g. on a shared rtnetlink
    /// socket.
    pub fn into_unit(self) -> Unit {
        Unit { file: self.file }
    }
}

impl AsFd for Unattached {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

/// A `/dev/ppp` fd that owns a ppp unit (a `pppN` interface); closing it
/// deletes the interface. NCP frames (IPCP, IPv6CP, CCP) are read here once
/// a channel is connected; it reads end-of-file while none is.
#[derive(Debug)]
pub struct Unit {
    file: File,
}

impl Unit {
    /// `PPPIOCGUNIT`: the unit number.
    pub fn number(&self) -> Result<u32> {
        let mut u: c_int = -1;
        // SAFETY: PPPIOCGUNIT writes one int to the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_gunit(self.file.as_raw_fd(), &mut u) }
            .context("ioctl(PPPIOCGUNIT) on the unit fd")?;
        u32::try_from(u).map_err(|_| Error::new("ioctl(PPPIOCGUNIT): negative unit", Errno::ERANGE))
    }

    /// `PPPIOCSNPMODE`: how the unit treats network protocol `protocol`.
    pub fn set_npmode(&self, protocol: u16, mode: NpMode) -> Result<()> {
        let np = ioctl::NpIoctl {
            protocol: c_int::from(protocol),
            mode: np_mode_to_raw(mode),
        };
        // SAFETY: PPPIOCSNPMODE reads one struct npioctl, which np is.
        unsafe { ioctl::ppp_ioc_snpmode(self.file.as_raw_fd(), &np) }
            .context("ioctl(PPPIOCSNPMODE) on the unit fd")?;
        Ok(())
    }

    /// `PPPIOCGNPMODE`: the current mode for network protocol `protocol`.
    pub fn npmode(&self, protocol: u16) -> Result<NpMode> {
        let mut np = ioctl::NpIoctl {
            protocol: c_int::from(protocol),
            mode: -1,
        };
        // SAFETY: PPPIOCGNPMODE reads and writes one struct npioctl, which np is.
        unsafe { ioctl::ppp_ioc_gnpmode(self.file.as_raw_fd(), &mut np) }
            .context("ioctl(PPPIOCGNPMODE) on the unit fd")?;
        Ok(np_mode_from_raw(np.mode))
    }

    /// `PPPIOCSMRU`: the receive buffer size; failure is not fatal to a link.
    pub fn set_mru(&self, mru: u16) -> Result<()> {
        let v = c_int::from(mru);
        // SAFETY: PPPIOCSMRU reads one int from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_smru(self.file.as_raw_fd(), &v) }
            .context("ioctl(PPPIOCSMRU) on the unit fd")?;
        Ok(())
    }

    /// `PPPIOCSDEBUG`: the unit's kernel debug flags.
    pub fn set_debug(&self, flags: i32) -> Result<()> {
        let v: c_int = flags;
        // SAFETY: PPPIOCSDEBUG reads one int from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_sdebug(self.file.as_raw_fd(), &v) }
            .context("ioctl(PPPIOCSDEBUG) on the unit fd")?;
        Ok(())
    }

    /// `PPPIOCGFLAGS`: the unit's `SC_*` flags.
    pub fn flags(&self) -> Result<u32> {
        let mut v: c_int = 0;
        // SAFETY: PPPIOCGFLAGS writes one int to the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_gflags(self.file.as_raw_fd(), &mut v) }
            .context("ioctl(PPPIOCGFLAGS) on the unit fd")?;
        Ok(v as u32)
    }

    /// `PPPIOCSFLAGS`: set the unit's `SC_*` flags.
    pub fn set_flags(&self, flags: u32) -> Result<()> {
        let v = flags as c_int;
        // SAFETY: PPPIOCSFLAGS reads one int from the pointer, which is valid.
        unsafe { ioctl::ppp_ioc_sflags(self.file.as_raw_fd(), &v) }
            .context("ioctl(PPPIOCSFLAGS) on the unit fd")?;
        Ok(())
    }

    /// `PPPIOCGIDLE`: how long since the unit last sent and last received
    /// a data packet (protocol below 0x8000, and only packets that passed
    /// the NP mode; with no active filter every one counts), in whole
    /// seconds as the kernel counts them.
    pub fn idle(&self) -> Result<IdleTime> {
        let mut idle = ioctl::PppIdle::default();
        // SAFETY: PPPIOCGIDLE writes one struct ppp_idle, which idle is
        // (two C longs, the layout the request code was built from).
        unsafe { ioctl::ppp_ioc_gidle(self.file.as_raw_fd(), &mut idle) }
            .context("ioctl(PPPIOCGIDLE) on the unit fd")?;
        let secs = |v: libc::c_long| Duration::from_secs(u64::try_from(v).unwrap_or(0));
        Ok(IdleTime {
            xmit: secs(idle.xmit_idle),
            recv: secs(idle.recv_idle),
        })
    }

    /// Read one frame (`[protocol][information]`); `Ok(0)` (end of file)
    /// while no channel is connected, `EAGAIN` when none is queued.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
        read_frame(&self.file, buf, "read(unit fd)")
    }

    /// Write one frame (`[protocol][information]`); silently dropped by the
    /// kernel while no channel is connected.
    pub fn write(&self, frame: &[u8]) -> Result<usize> {
        write_frame(&self.file, frame, "write(unit fd)")
    }
}

impl AsFd for Unit {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npmode_values_round_trip_and_unknown_ones_are_kept() {
        for m in [
            NpMode::Pass,
            NpMode::Drop,
            NpMode::Error,
            NpMode::Queue,
            NpMode::Other(17),
        ] {
            assert_eq!(np_mode_from_raw(np_mode_to_raw(m)), m);
        }
        assert_eq!(np_mode_from_raw(0), NpMode::Pass);
        assert_eq!(np_mode_from_raw(1), NpMode::Drop);
    }
}
