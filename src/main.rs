//! The `rppp` command: a drop-in for pppd under L2TP daemons (see
//! [`cli`]).

mod cli;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    std::process::exit(i32::from(cli::main(args)));
}
