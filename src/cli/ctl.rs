//! `rppp ctl [--socket PATH] WORDS...`: asks a running rppp's control
//! socket (see `rppp::ctl`) and prints the answer. Exit codes: 0 done, 1
//! refused (the reason on stderr) or no rppp listening, 2 a bad command
//! line.

use std::ffi::OsString;
use std::path::PathBuf;

use rppp::ctl::client::{ask, Answer};
use rppp::ctl::DEFAULT_SOCKET;

const USAGE: &str = "usage: rppp ctl [--socket PATH] COMMAND
commands:
  show sessions [COLUMN...] [user=U] [ifname=I] [ip=A] [tunnel=T] [sort=COLUMN] [--json]
  show session ID [--json]
  show stat [--json]
  terminate (id ID | user U | ifname I | ip A | tunnel T | all) [--hard]
  show tunnels [--json]                  (rppp l2tpd)
  reload                                 (rppp l2tpd: re-read xl2tpd.conf and l2tp-secrets)
  shutdown [--soft]                      (close every session and exit; --soft: accept no
                                          more, exit when the last session ends)
columns: id ifname user ip local l2tp peer-l2tp state uptime rx-bytes tx-bytes rx-pkts tx-pkts";

/// Runs `rppp ctl` with the words after `ctl`.
pub(crate) fn main(args: &[OsString]) -> u8 {
    let mut socket = std::env::var_os("RPPP_CTL_SOCKET")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET));
    let mut words = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--socket") => match args.next() {
                Some(path) => socket = PathBuf::from(path),
                None => {
                    eprintln!("rppp ctl: --socket needs a path\n{USAGE}");
                    return 2;
                }
            },
            Some("--help" | "-h") => {
                println!("{USAGE}");
                return 0;
            }
            Some(word) => words.push(word.to_owned()),
            None => {
                eprintln!("rppp ctl: {} is not UTF-8", arg.to_string_lossy());
                return 2;
            }
        }
    }
    if words.is_empty() {
        eprintln!("{USAGE}");
        return 2;
    }
    let request = words.join(" ");
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rppp ctl: cannot start the runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(ask(&socket, &request)) {
        Ok(Answer::Ok(body)) => {
            print!("{body}");
            0
        }
        Ok(Answer::Error(why)) => {
            eprintln!("rppp ctl: {why}");
            1
        }
        Err(e) => {
            eprintln!(
                "rppp ctl: no rppp answers on {} ({}); give --socket PATH",
                socket.display(),
                rppp::kernel::os_error_text(&e)
            );
            1
        }
    }
}
