//! Unit creation by PPPIOCNEWUNIT and by RTM_NEWLINK at once, for the
//! EBUSY fact.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sched::{sched_setaffinity, CpuSet};
use nix::unistd::Pid;
use rppp::kernel::{Errno, Unattached};

/// Create units by PPPIOCNEWUNIT in one thread and by RTM_NEWLINK in
/// another, at once; returns (RTM_NEWLINK attempts, EBUSY count, other
/// errors). Units are kept until the end: closing one takes the rtnl lock,
/// which would make the two loops run in lockstep and never collide.
pub(crate) fn concurrent_units(within: Duration) -> (u32, u32, Vec<String>) {
    const MAX_UNITS: usize = 150;
    let stop = Arc::new(AtomicBool::new(false));
    let s2 = Arc::clone(&stop);
    // With two CPUs, put the loops on different ones so they really overlap.
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let pin = move |cpu: usize| {
        let mut set = CpuSet::new();
        if cpus > 1 && set.set(cpu).is_ok() {
            let _ = sched_setaffinity(Pid::from_raw(0), &set);
        }
    };
    let ioctl_thread = std::thread::spawn(move || {
        pin(0);
        let mut units = Vec::new();
        while !s2.load(Ordering::Relaxed) && units.len() < MAX_UNITS {
            if let Ok(unit) = Unattached::open().and_then(|u| u.new_unit(None)) {
                units.push(unit);
            }
        }
        units.len()
    });
    pin(1);
    let (mut attempts, mut busy, mut other) = (0u32, 0u32, Vec::new());
    let mut named = Vec::new();
    let end = Instant::now() + within;
    while Instant::now() < end && busy < 3 && named.len() < MAX_UNITS {
        attempts += 1;
        let name = format!("busy{}", named.len());
        match Unattached::open().and_then(|u| u.create_named(&name)) {
            Ok(unit) => named.push(unit),
            Err(e) if e.errno() == Errno::EBUSY => busy += 1,
            Err(e) => other.push(e.to_string()),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let ioctl_units = ioctl_thread.join().unwrap_or(0);
    println!(
        "  concurrent creation on {cpus} CPUs: {attempts} RTM_NEWLINK ({} made), {busy} EBUSY, {ioctl_units} PPPIOCNEWUNIT units meanwhile",
        named.len()
    );
    (attempts, busy, other)
}
