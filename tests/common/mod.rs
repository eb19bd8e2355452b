//! What the notify tests share: temporary directories and a recorder of
//! the log lines a test makes.
//!
//! Each test crate that declares `mod common;` uses only part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A fresh directory, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// A new directory `rppp-test-{tag}-…` under the system's temporary
    /// directory.
    pub(crate) fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("rppp-test-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Log lines recorded by [`capture_logs`].
#[derive(Clone, Default)]
pub(crate) struct Logs(Arc<Mutex<Vec<(tracing::Level, String)>>>);

impl Logs {
    /// Events at exactly `level`.
    pub(crate) fn count(&self, level: tracing::Level) -> usize {
        self.count_where(|l| l == level)
    }

    /// Events at `level` or more severe.
    pub(crate) fn count_at_least(&self, level: tracing::Level) -> usize {
        self.count_where(|l| l <= level)
    }

    fn count_where(&self, keep: impl Fn(tracing::Level) -> bool) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(l, _)| keep(*l))
            .count()
    }

    pub(crate) fn all(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, m)| m.clone())
            .collect()
    }
}

/// Records every event logged on this thread (an async test's
/// current-thread runtime runs all its tasks here) while the guard lives.
pub(crate) fn capture_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let guard = tracing::subscriber::set_default(Recorder(logs.clone()));
    (logs, guard)
}

struct Recorder(Logs);

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Text(String);
        impl tracing::field::Visit for Text {
            fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
                let _ = write!(self.0, "{}={v:?} ", f.name());
            }
        }
        let mut text = Text(String::new());
        event.record(&mut text);
        let level = *event.metadata().level();
        self.0 .0.lock().unwrap().push((level, text.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
