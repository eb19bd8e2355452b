//! The lab's streamer (`tests/lab/stream.pl`, run by run-vm.sh next to
//! QEMU): the guest's lines are printed while the VM runs, without the
//! runner's own LAB_ lines and carriage returns, and all of them once QEMU
//! has exited.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::TempDir;

fn streamer(out: &Path, done: &Path) -> Command {
    let mut c = Command::new("perl");
    c.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab/stream.pl"))
        .arg(out)
        .arg(done)
        .arg("demo");
    c
}

#[test]
fn lines_come_while_the_vm_runs_and_all_of_them_at_the_end() {
    let d = TempDir::new("lab-stream");
    let out = d.join("out.raw");
    let done = d.join("done");
    let mut serial = std::fs::File::create(&out).unwrap();
    serial
        .write_all(b"LAB_BOOTED uptime=1.0\r\nCHECK ok:   first\r\n")
        .unwrap();
    let mut child = streamer(&out, &done)
        .stdout(Stdio::piped())
        .spawn()
        .expect("perl runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Printed before the VM is done.
    assert_eq!(lines.next().unwrap().unwrap(), "CHECK ok:   first");
    serial
        .write_all(b"FIGURE x 1\r\nLAB_ARTIFACT a 00\r\npartial")
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    serial
        .write_all(b" line\r\nLAB_EXIT=0 uptime=2\r\nlast")
        .unwrap();
    std::fs::write(&done, "").unwrap();
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(rest, ["FIGURE x 1", "partial line", "last"]);
    assert!(child.wait().unwrap().success());
}

#[test]
fn it_ends_when_the_output_file_is_gone() {
    let d = TempDir::new("lab-stream-gone");
    let out = d.join("out.raw");
    std::fs::write(&out, "CHECK ok:   one\n").unwrap();
    let child = streamer(&out, &d.join("done"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("perl runs");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_file(&out).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "CHECK ok:   one\n");
}
