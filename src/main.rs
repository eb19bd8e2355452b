//! The `rppp` command.

fn main() {
    eprintln!("rppp: no command yet");
    std::process::exit(2);
}
