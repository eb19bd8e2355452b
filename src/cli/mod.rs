//! The `rppp` command: pppd's command line for one PPPoL2TP session, as
//! xl2tpd and openl2tpd exec it, and a multi-session mode.
//!
//! ```text
//! rppp [pppd options] plugin pppol2tp.so pppol2tp FD [pppd options]
//! rppp [--ctl PATH] [--metrics ADDR:PORT [--metrics-per-session]]
//!      --sessions-file FILE [pppd options common to every session]
//! rppp l2tpd [flags]     (feature l2tpd: the L2TPv2 daemon, see `l2tpd`)
//! ```
//!
//! In the multi-session mode each non-empty line of FILE (`#` starts a
//! comment) holds one session's own options, at least `pppol2tp FD`; they
//! follow the common options, as if appended to the command line. Every
//! session runs in this one process; each one's end is logged with its
//! exit code, and the process exits with 0 when every session ended with
//! 0 or 5, 1 otherwise. That mode serves the control socket (`--ctl`, or
//! the default path) and, with `--metrics`, Prometheus metrics at
//! `http://ADDR:PORT/metrics` (per-session byte counters only with
//! `--metrics-per-session`).
//!
//! A command line without `pppol2tp` is read first, files included: an
//! option error is reported as with `pppol2tp` (exit 2, its argument or
//! file and line), and `pppol2tp FD` from an options file runs the
//! session. Any other line (PPPoE, a serial line, xl2tpd's pty fallback)
//! is not rppp's: it execs the real pppd named by `RPPP_REAL_PPPD`
//! (default `/usr/sbin/pppd.real`) when that exists, and fails with a
//! clear error otherwise.

#[cfg(feature = "ctl")]
mod ctl;
mod fd_error;
mod help;
mod inherited;
#[cfg(feature = "l2tpd-core")]
mod l2tpd;
mod logging;
#[cfg(feature = "radius")]
mod radius;
#[cfg(not(feature = "radius"))]
#[path = "radius_absent.rs"]
mod radius;
mod run;

use std::ffi::OsString;
use std::io::Read as _;
use std::os::unix::process::CommandExt as _;

use rppp::auth::Secret;
use rppp::options::{self, Context, Options};
use rppp::session::exit;

pub(crate) use help::info;
pub(crate) use logging::LogTargets;

const REAL_PPPD: &str = "/usr/sbin/pppd.real";

/// Runs the command; returns the exit code.
pub(crate) fn main(args: Vec<OsString>) -> u8 {
    if args.first().is_some_and(|a| a == "ctl") {
        #[cfg(feature = "ctl")]
        return ctl::main(&args[1..]);
        #[cfg(not(feature = "ctl"))]
        {
            eprintln!("rppp: this build has no control socket (feature ctl)");
            return exit::OPTION_ERROR;
        }
    }
    if args
        .first()
        .is_some_and(|a| a == "--ctl" || a == "--metrics" || a == "--metrics-per-session")
    {
        // rppp [--ctl PATH] [--metrics ADDR:PORT [--metrics-per-session]]
        //      --sessions-file FILE ...
        let mut server = run::ServerFlags::default();
        let mut rest = &args[..];
        loop {
            match rest.first().and_then(|a| a.to_str()) {
                Some("--ctl") => {
                    let Some(path) = rest.get(1) else {
                        eprintln!("rppp: --ctl needs a path");
                        return exit::OPTION_ERROR;
                    };
                    server.ctl = Some(path.into());
                    rest = &rest[2..];
                }
                Some("--metrics") => {
                    let addr = rest.get(1).and_then(|a| a.to_str()).map(str::parse);
                    let Some(Ok(addr)) = addr else {
                        eprintln!(
                            "rppp: --metrics needs an address and port (127.0.0.1:9469, [::]:9469)"
                        );
                        return exit::OPTION_ERROR;
                    };
                    server.metrics = Some(addr);
                    rest = &rest[2..];
                }
                Some("--metrics-per-session") => {
                    server.metrics_per_session = true;
                    rest = &rest[1..];
                }
                _ => break,
            }
        }
        if rest.first().is_some_and(|a| a == "--sessions-file") {
            return run::multi(&rest[1..], server);
        }
        eprintln!("rppp: --ctl PATH and --metrics ADDR:PORT go before --sessions-file FILE");
        return exit::OPTION_ERROR;
    }
    #[cfg(feature = "l2tpd-core")]
    if args.first().is_some_and(|a| a == "l2tpd") {
        return l2tpd::main(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "--sessions-file") {
        return run::multi(&args[1..], run::ServerFlags::default());
    }
    let info = args
        .iter()
        .any(|a| a == "--version" || a == "--help" || a == "-h");
    if !info && !options::mentions_pppol2tp(&args) {
        // The options are read before anything is handed over: an option
        // error is reported as one (exit 2, with its file and line), and
        // `pppol2tp FD` given in an options file counts, as in pppd.
        return match read_options(&args) {
            Ok(o) if o.pppol2tp.fd.is_some() => run::single(o),
            Ok(_) => hand_to_pppd(&args),
            Err(e) if names_another_link(&e) => hand_to_pppd(&args),
            Err(e) => report_options_error(&e),
        };
    }
    match parse(&args) {
        Ok(o) => run::single(o),
        Err(code) => code,
    }
}

/// Whether an options error only says that the command line is beyond
/// rppp (a serial device, `pty`, a plugin such as rp-pppoe.so, an option
/// rppp refuses to carry out) rather than wrong: such a line may be the
/// real pppd's, which judges the rest of it.
fn names_another_link(e: &options::OptionsError) -> bool {
    matches!(
        e.kind,
        options::ErrorKind::NotSupported { .. } | options::ErrorKind::UnknownPlugin { .. }
    )
}

/// Reads a command line, with pppd's files.
fn read_options(args: &[OsString]) -> Result<Options, options::OptionsError> {
    let root = nix::unistd::getuid().is_root();
    let context = Context::new(root);
    options::parse(args, &context, &mut options::read_file)
}

/// Parses a command line, with pppd's files; errors are printed.
pub(crate) fn parse(args: &[OsString]) -> Result<Options, u8> {
    read_options(args).map_err(|e| report_options_error(&e))
}

/// Prints an options error, to stderr and syslog; returns its exit code
/// (pppd's 2).
fn report_options_error(e: &options::OptionsError) -> u8 {
    eprintln!("rppp: {e}");
    // As pppd's option_error: syslog too, since an L2TP daemon
    // (openl2tpd's ppp_unix) sends the engine's stderr nowhere.
    // The log is set up from the options, so not yet here.
    let syslog_only = LogTargets {
        syslog: true,
        ..LogTargets::default()
    };
    let _ = logging::init(&syslog_only);
    tracing::error!("{e}");
    u8::try_from(e.exit_code()).unwrap_or(exit::OPTION_ERROR)
}

/// Not an L2TP session: exec the real pppd, or fail clearly.
fn hand_to_pppd(args: &[OsString]) -> u8 {
    let real = std::env::var_os("RPPP_REAL_PPPD").unwrap_or_else(|| REAL_PPPD.into());
    let me = std::env::current_exe().ok();
    let is_me = me.is_some_and(|m| std::fs::canonicalize(&real).ok().as_ref() == Some(&m));
    if std::path::Path::new(&real).exists() && !is_me {
        let e = std::process::Command::new(&real).args(args).exec();
        eprintln!(
            "rppp: this is not a PPPoL2TP session, and exec {} failed: {e}",
            real.to_string_lossy()
        );
        return exit::FATAL_ERROR;
    }
    eprintln!(
        "rppp: this command line names no PPPoL2TP socket (pppol2tp FD), and rppp runs PPP over \
         L2TP only; it hands other PPP links to the real pppd, which is not at {} (install it \
         there, or name it in RPPP_REAL_PPPD). rppp --help says how rppp is run.",
        real.to_string_lossy()
    );
    exit::FATAL_ERROR
}

/// The password from `passwordfd` (the plugin reads the pipe to its end
/// and drops one trailing newline), into the options. `fd` is that fd,
/// taken by [`inherited::take`].
pub(crate) fn read_password(
    o: &mut Options,
    fd: Option<Result<std::os::fd::OwnedFd, fd_error::FdError>>,
) -> Result<(), String> {
    let Some(owned) = fd.transpose().map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let fd = o.auth.passwordfd.unwrap_or(-1);
    let mut file = std::fs::File::from(owned);
    let mut bytes = Vec::new();
    file.by_ref()
        .take(1024)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            format!(
                "passwordfd {fd}: cannot read the password: {}",
                rppp::kernel::os_error_text(&e)
            )
        })?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    o.auth.password = Some(Secret::new(bytes));
    Ok(())
}
