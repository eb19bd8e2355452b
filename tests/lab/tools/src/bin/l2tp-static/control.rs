//! The control FIFO: `mem` and `stop`, one command a line.

use std::fs::OpenOptions;
use std::io::Read;
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use rppp_lab::{err, BoxError};

use super::engines::{reap, report_memory, stop, Engine};
use super::{Config, Log};

/// The control FIFO, opened read-write so it never reports end-of-file.
pub(super) fn open_control(path: &str) -> Result<std::fs::File, BoxError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| err(format!("open control FIFO {path}: {e}")))
}

/// Waits up to 100 ms for the control FIFO and returns the complete
/// command lines read so far (a partial line stays in `pending`).
fn read_commands(
    control: &mut std::fs::File,
    pending: &mut Vec<u8>,
) -> Result<Vec<String>, BoxError> {
    let mut fds = [PollFd::new(control.as_fd(), PollFlags::POLLIN)];
    poll(&mut fds, PollTimeout::from(100u16))
        .map_err(|e| err(format!("poll(control FIFO): {e}")))?;
    let mut buf = [0u8; 512];
    match control.read(&mut buf) {
        Ok(n) => pending.extend_from_slice(&buf[..n]),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(err(format!("read control FIFO: {e}"))),
    }
    let mut commands = Vec::new();
    while let Some(nl) = pending.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = pending.drain(..=nl).collect();
        commands.push(String::from_utf8_lossy(&line).trim().to_string());
    }
    Ok(commands)
}

/// Carries out the control FIFO's commands until no engine is left; true
/// if an engine had to be killed.
pub(super) fn serve(
    c: &Config,
    control: &mut std::fs::File,
    engines: &mut [Engine],
    log: &mut Log,
) -> Result<bool, BoxError> {
    let mut pending = Vec::new();
    let mut killed = false;
    while !reap(engines, log) {
        for cmd in read_commands(control, &mut pending)? {
            match cmd.as_str() {
                "mem" => {
                    report_memory(engines);
                    log.line("MEMDONE");
                }
                "stop" => killed |= stop(engines, log, Duration::from_secs(c.stop_grace)),
                "" => {}
                other => log.line(&format!("ERROR unknown command {other:?}")),
            }
        }
    }
    Ok(killed)
}
