//! `rppp l2tpd`: the L2TPv2 daemon ([`rppp::l2tpd`]), LNS and LAC in one
//! process, every PPP session in one Engine.
//!
//! It reads xl2tpd's files and takes xl2tpd's flags, so a switch from
//! xl2tpd is `rppp l2tpd` where `xl2tpd` was:
//!
//! ```text
//! rppp l2tpd [-c xl2tpd.conf] [-s l2tp-secrets] [-C control-pipe] [-p pidfile] [-D] [-l]
//!            [--listen ADDR]... [--hello SECS] [--calls N] [--ctl PATH]
//!            [--metrics ADDR:PORT [--metrics-per-session]] [--debug]
//!            [--max-sessions N] [--max-starting N] [--peer-rate PER_SECOND[/BURST]]
//! rppp l2tpd [--hostname NAME] [--secret S] [--hide] [--rws N] [--ppp-options FILE]
//!            [--lns --local-ip IP --ip-range FIRST-LAST [--allow IP]...]
//!            [--lac LNS_ADDR[:PORT]]... [--redial SECS] [the flags of the first form but -c and -s]
//! ```
//!
//! Without the second form's flags it reads `-c` (by default
//! `/etc/xl2tpd/xl2tpd.conf`) and the `auth file` it names (or `-s`),
//! and listens on the control pipe (`-C`, by default
//! `/var/run/xl2tpd/l2tp-control`). The second form builds the same
//! configuration from its flags ([`flags`]) and has a control pipe only
//! with `-C`. `--ctl PATH` serves `rppp ctl` (show sessions, terminate,
//! ...) on a Unix socket, `--metrics ADDR:PORT` Prometheus metrics
//! (`GET /metrics`) with the L2TP figures. `--max-sessions`,
//! `--max-starting` and `--peer-rate` refuse calls past them with a CDN
//! (Result Code 4) and tunnels with a StopCCN ([`rppp::limits`]);
//! on a LAC `--max-starting` also paces its own calls
//! ([`rppp::l2tpd::pacer`]).
//! It runs in the foreground (xl2tpd's `-D`) and logs to
//! stderr and syslog (`-l`).

mod args;
mod flags;

use std::ffi::OsString;

use rppp::l2tpd::config;
use rppp::l2tpd::settings::ConfigSources;
use rppp::l2tpd::{Daemon, PppSetup, Settings};
use rppp::session::exit;

use super::{logging, LogTargets};
use args::{parse_args, Args, Source};

pub(super) const USAGE: &str =
    "usage: rppp l2tpd [-c xl2tpd.conf] [-s l2tp-secrets] [-C control-pipe] [-p pidfile] [-D] [-l]
                  [--listen ADDR]... [--hello SECS] [--calls N] [--ctl PATH]
                  [--metrics ADDR:PORT [--metrics-per-session]] [--debug]
                  [--dae-listen ADDR:PORT --dae-clients FILE]
                  [--max-sessions N] [--max-starting N] [--peer-rate PER_SECOND[/BURST]]
   or: rppp l2tpd [--hostname NAME] [--secret S] [--hide] [--rws N] [--ppp-options FILE]
                  [--lns --local-ip IP --ip-range FIRST-LAST [--allow IP]...]
                  [--lac LNS_ADDR[:PORT]]... [--redial SECS] [-C control-pipe] [--listen ADDR]... [--calls N] ...";

fn hostname() -> String {
    nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "rppp".into())
}

/// The settings from the files (or the flags); an error names the file
/// and line.
fn settings(a: &mut Args) -> Result<Settings, String> {
    let system_hostname = hostname();
    let mut loaded = None;
    let (config, secrets) = match std::mem::take(&mut a.source) {
        Source::Flags(f) => f.into_config()?,
        Source::Files {
            config: path,
            secrets,
        } => {
            let sources = ConfigSources {
                config: path,
                secrets,
            };
            let (config, secrets) =
                Settings::load(&sources, &mut config::read_file).map_err(|e| e.to_string())?;
            loaded = Some(sources);
            (config, secrets)
        }
    };
    let mut s = Settings::new(config, secrets, &system_hostname);
    if !a.listen.is_empty() {
        s.listen = std::mem::take(&mut a.listen);
    }
    if let Some(h) = a.hello {
        s.hello = h;
    }
    s.calls = a.calls;
    s.control_pipe = a.control_pipe.clone();
    s.ctl_socket = a.ctl.clone();
    s.metrics = a.metrics;
    s.metrics_per_session = a.metrics_per_session;
    dae(&mut s, a)?;
    s.limits = a.limits;
    s.sources = loaded;
    Ok(s)
}

/// `--dae-listen` and `--dae-clients`: both or neither.
#[cfg(feature = "radius")]
fn dae(s: &mut Settings, a: &Args) -> Result<(), String> {
    match (a.dae_listen, &a.dae_clients) {
        (None, None) => Ok(()),
        (Some(listen), Some(file)) => {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("--dae-clients {file}: {e}"))?;
            let settings =
                rppp::radius_client::dae::DaeSettings::from_clients_file(listen, file, &text)
                    .map_err(|e| format!("--dae-clients {e}"))?;
            s.dae = Some(settings);
            Ok(())
        }
        _ => Err("--dae-listen and --dae-clients go together".into()),
    }
}

/// Without RADIUS, no Dynamic Authorization.
#[cfg(not(feature = "radius"))]
fn dae(_: &mut Settings, a: &Args) -> Result<(), String> {
    match (a.dae_listen, &a.dae_clients) {
        (None, None) => Ok(()),
        _ => Err("--dae-listen: this rppp is built without RADIUS".into()),
    }
}

/// `rppp l2tpd ...`; returns the exit code.
pub(crate) fn main(args: &[OsString]) -> u8 {
    let mut a = match parse_args(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return exit::OK;
        }
        Err(e) => {
            eprintln!("rppp l2tpd: {e}\n{USAGE}");
            return exit::OPTION_ERROR;
        }
    };
    let targets = LogTargets {
        debug: a.debug,
        logfile: None,
        stderr: true,
        syslog: true,
        // The daemon's PPP sessions share its log.
        session_context: true,
    };
    if let Err(e) = logging::init(&targets) {
        eprintln!("rppp l2tpd: {e}");
        return exit::OPTION_ERROR;
    }
    let settings = match settings(&mut a) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return exit::OPTION_ERROR;
        }
    };
    for w in &settings.config.warnings {
        tracing::warn!("{w}");
    }
    // One descriptor per session and a few per tunnel: the soft limit of
    // 1,024 stopped the daemon at about 300 sessions.
    let nofile = rppp::l2tpd::kernel::raise_fd_limit();
    tracing::debug!("open-file limit {nofile}");
    if !a.foreground {
        tracing::info!("rppp l2tpd runs in the foreground (as xl2tpd -D); leave detaching to the service manager");
    }
    // Every section's PPP options are read once before anything starts.
    let setup = PppSetup::new(nix::unistd::getuid().is_root());
    if let Err((section, e)) = setup.check(&settings) {
        tracing::error!("{section}: {e}");
        return exit::OPTION_ERROR;
    }
    let _pid_file = match a.pid_file.as_deref().map(PidFile::write).transpose() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("{e}");
            return exit::FATAL_ERROR;
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return exit::FATAL_ERROR;
        }
    };
    rt.block_on(async move {
        let daemon = match Daemon::new(settings, setup) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!("{e}");
                return exit::FATAL_ERROR;
            }
        };
        match daemon.run().await {
            Ok(()) => exit::OK,
            Err(e) => {
                tracing::error!("{e}");
                exit::FATAL_ERROR
            }
        }
    })
}

/// xl2tpd's `-p`: our PID in a file, removed when the daemon ends.
struct PidFile(String);

impl PidFile {
    fn write(path: &str) -> Result<PidFile, String> {
        std::fs::write(path, format!("{}\n", std::process::id()))
            .map_err(|e| format!("-p {path}: {e}"))?;
        Ok(PidFile(path.to_string()))
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
