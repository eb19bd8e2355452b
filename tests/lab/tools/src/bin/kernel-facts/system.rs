//! The commands the checks run: `ip`, `ping`, and waiting for a child.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::PEER_IP;

/// Runs `/sbin/ip args`; true when it succeeded.
pub(crate) fn ip(args: &str) -> bool {
    let ok = Command::new("/sbin/ip")
        .args(args.split_whitespace())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    println!("  ip {args}: {}", if ok { "ok" } else { "failed" });
    ok
}

/// Pings the peer `count` times, waiting `wait_s` seconds for each.
pub(crate) fn ping(count: u32, wait_s: u32) -> bool {
    Command::new("ping")
        .args([
            "-c",
            &count.to_string(),
            "-W",
            &wait_s.to_string(),
            "-q",
            PEER_IP,
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The exit code of `child` if it ends `within`.
pub(crate) fn wait_exit(child: &mut Child, within: Duration) -> Option<i32> {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if let Ok(Some(st)) = child.try_wait() {
            return st.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
