//! The ppp ioctls, encoded by nix's macros for the target architecture
//! (`include/uapi/linux/ppp-ioctl.h`, `if_ppp.h`). Never hard-coded numbers:
//! MIPS and PowerPC encode direction and size differently.

use libc::c_int;

/// `struct npioctl` of `ppp_defs.h`: a network protocol and its mode.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct NpIoctl {
    pub(super) protocol: c_int,
    /// `enum NPmode`, an int.
    pub(super) mode: c_int,
}

/// `struct pppol2tp_ioc_stats` of `if_pppol2tp.h` (72 bytes; the u64 fields
/// are `__aligned_u64`): what `PPPIOCGL2TPSTATS` fills, and what an L2TP
/// daemon's statistics hook takes (openl2tpd's get_stats).
#[repr(C, align(8))]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pppol2tpIocStats {
    /// Our tunnel id.
    pub tunnel_id: u16,
    /// Our session id.
    pub session_id: u16,
    /// Bit 0: `using_ipsec`.
    pub flags: u32,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Send errors.
    pub tx_errors: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Received packets discarded for their sequence number.
    pub rx_seq_discards: u64,
    /// Received packets out of sequence.
    pub rx_oos_packets: u64,
    /// Receive errors.
    pub rx_errors: u64,
}

/// `struct ppp_idle` of `ppp_defs.h`: seconds since the last data packet
/// was sent and received. The fields are `__kernel_old_time_t`, a C
/// `long`, so this one layout is `PPPIOCGIDLE64` on 64-bit targets and
/// `PPPIOCGIDLE32` on 32-bit ones, as the kernel's `PPPIOCGIDLE` is for
/// the target (and on kernels before 5.1, which have only that one).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PppIdle {
    pub(super) xmit_idle: libc::c_long,
    pub(super) recv_idle: libc::c_long,
}

nix::ioctl_read!(ppp_iocg_l2tp_stats, b't', 54, Pppol2tpIocStats);
nix::ioctl_read!(ppp_iocg_chan, b't', 55, c_int);
nix::ioctl_write_ptr!(ppp_ioc_attchan, b't', 56, c_int);
nix::ioctl_none!(ppp_ioc_disconn, b't', 57);
nix::ioctl_write_ptr!(ppp_ioc_connect, b't', 58, c_int);
nix::ioctl_readwrite!(ppp_ioc_newunit, b't', 62, c_int);
nix::ioctl_read!(ppp_ioc_gidle, b't', 63, PppIdle);
nix::ioctl_write_ptr!(ppp_ioc_sdebug, b't', 64, c_int);
nix::ioctl_write_ptr!(ppp_ioc_snpmode, b't', 75, NpIoctl);
nix::ioctl_readwrite!(ppp_ioc_gnpmode, b't', 76, NpIoctl);
nix::ioctl_write_ptr!(ppp_ioc_smru, b't', 82, c_int);
nix::ioctl_read!(ppp_ioc_gunit, b't', 86, c_int);
nix::ioctl_write_ptr!(ppp_ioc_sasyncmap, b't', 87, u32);
nix::ioctl_write_ptr!(ppp_ioc_sflags, b't', 89, c_int);
nix::ioctl_read!(ppp_ioc_gflags, b't', 90, c_int);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_sizes_match_the_kernel_headers() {
        assert_eq!(std::mem::size_of::<NpIoctl>(), 8);
        assert_eq!(std::mem::size_of::<Pppol2tpIocStats>(), 72);
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[test]
    fn encodings_match_the_documented_x86_64_values() {
        // reference/pppd-and-kernel-notes.md section 1.2 lists these.
        use nix::{
            request_code_none, request_code_read, request_code_readwrite, request_code_write,
        };
        let sz = std::mem::size_of::<c_int>();
        assert_eq!(request_code_read!(b't', 55, sz) as u32, 0x8004_7437);
        assert_eq!(request_code_write!(b't', 56, sz) as u32, 0x4004_7438);
        assert_eq!(request_code_none!(b't', 57) as u32, 0x7439);
        assert_eq!(request_code_write!(b't', 58, sz) as u32, 0x4004_743a);
        assert_eq!(request_code_readwrite!(b't', 62, sz) as u32, 0xc004_743e);
        assert_eq!(request_code_write!(b't', 75, 8) as u32, 0x4008_744b);
        assert_eq!(request_code_read!(b't', 86, sz) as u32, 0x8004_7456);
        assert_eq!(request_code_read!(b't', 54, 72) as u32, 0x8048_7436);
        // PPPIOCGIDLE64, _IOR('t', 63, struct ppp_idle64).
        assert_eq!(
            request_code_read!(b't', 63, std::mem::size_of::<PppIdle>()) as u32,
            0x8010_743f
        );
    }
}
