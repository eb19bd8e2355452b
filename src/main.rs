//! The `rppp` command: a drop-in for pppd under L2TP daemons (see
//! [`cli`]).

// The one `unsafe` call, which vouches for the fds the L2TP daemon passed,
// is allowed in `cli::inherited::take` alone.
#![deny(unsafe_code)]

mod cli;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    std::process::exit(i32::from(cli::main(args)));
}
