//! The lab summary's figures block (`tests/lab/figures.sh`): it must show
//! with the outputs of a full run, megabytes long, where `cat | grep -q`
//! under `set -o pipefail` died of SIGPIPE and the block went missing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory, removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let d =
            std::env::temp_dir().join(format!("rppp-lab-summary-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn figures(outputs: &[&Path]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab/figures.sh");
    Command::new("bash")
        .arg(script)
        .args(outputs)
        .output()
        .expect("bash runs")
}

/// A group's output of `lines` CHECK lines with `figures` among them,
/// the first figure on the first line (where grep -q stops reading).
fn write_output(path: &Path, lines: usize, figures: &[&str]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for (i, figure) in figures.iter().enumerate() {
        writeln!(f, "FIGURE {figure}").unwrap();
        for n in 0..lines / figures.len().max(1) {
            writeln!(f, "CHECK ok:   session {i}.{n} came up with its address").unwrap();
        }
    }
    f.flush().unwrap();
}

#[test]
fn the_figures_block_shows_with_large_outputs() {
    let d = TempDir::new("large");
    let rppp = d.0.join("rppp.out");
    let server = d.0.join("server.out");
    // About 10 MB, far past a pipe's buffer.
    write_output(
        &rppp,
        200_000,
        &["setup 1000 sessions: 12.5 s", "PSS per session: 7.5 KiB"],
    );
    write_output(&server, 20_000, &["show sessions at 1000: 0.2 s"]);
    let o = figures(&[&rppp, &server]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        out,
        "figures (guest clock, TCG):\n  setup 1000 sessions: 12.5 s\n  PSS per session: 7.5 KiB\n  show sessions at 1000: 0.2 s\n"
    );
}

#[test]
fn no_figures_no_block() {
    let d = TempDir::new("none");
    let out = d.0.join("xl2tpd.out");
    write_output(&out, 1_000, &[]);
    for o in [figures(&[&out]), figures(&[])] {
        assert_eq!(o.status.code(), Some(0));
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}
