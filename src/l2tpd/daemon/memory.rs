//! When the daemon gives its allocator's free memory back to the kernel
//! ([`crate::kernel::heap::trim`]): once a change in the number of
//! sessions has settled (no session starting), not while a wave of
//! sessions is still being set up, and not again while nothing changes.

/// What the last trim saw.
#[derive(Debug, Default)]
pub(super) struct Trimmer {
    trimmed_at: Option<u64>,
}

impl Trimmer {
    /// Whether to trim now, with `sessions` running of which `starting`
    /// are being set up.
    pub(super) fn due(&mut self, sessions: u64, starting: u64) -> bool {
        if starting > 0 || self.trimmed_at == Some(sessions) {
            return false;
        }
        self.trimmed_at = Some(sessions);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_once_a_wave_has_settled_and_again_after_the_next() {
        let mut t = Trimmer::default();
        assert!(!t.due(500, 200), "a wave is still starting");
        assert!(t.due(1_000, 0), "the wave has settled");
        assert!(!t.due(1_000, 0), "nothing changed since");
        assert!(t.due(990, 0), "ten sessions ended");
        assert!(!t.due(1_010, 20));
        assert!(t.due(1_010, 0));
    }
}
