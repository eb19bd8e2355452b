//! Giving the allocator's free memory back to the kernel.
//!
//! A process that brought up thousands of sessions at once keeps the
//! memory their negotiations used and then freed: glibc's allocator holds
//! freed chunks for reuse and returns only the top of its heap on its
//! own. `malloc_trim(0)` also returns every whole free page inside the
//! heap (glibc 2.8 and later), so a daemon that trims once its setup
//! waves are over holds what its running sessions use, not what the
//! busiest minute used. Elsewhere (musl, other systems) it does nothing.

/// `malloc_trim(0)`: returns whether memory was given back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn trim() -> bool {
    // SAFETY: malloc_trim takes no pointer and touches only the
    // allocator's own free lists, under the allocator's own locks, so it
    // may run at any time on any thread.
    unsafe { libc::malloc_trim(0) != 0 }
}

/// Nothing to do without glibc's allocator.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn trim() -> bool {
    false
}

#[cfg(test)]
mod tests {
    /// Memory freed in the middle of the heap can be given back (on
    /// glibc; elsewhere the call says nothing was).
    #[test]
    fn freed_memory_can_be_given_back() {
        let blocks: Vec<Vec<u8>> = (0..2_000).map(|i| vec![i as u8; 4096]).collect();
        let keep: Vec<Vec<u8>> = blocks
            .into_iter()
            .enumerate()
            .filter_map(|(i, b)| (i % 100 == 0).then_some(b))
            .collect();
        let given_back = super::trim();
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            assert!(given_back, "nothing given back after freeing ~8 MB");
        }
        drop(keep);
    }
}
