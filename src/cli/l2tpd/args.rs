//! `rppp l2tpd`'s command line: xl2tpd's flags (`-c`, `-s`, `-C`, `-p`,
//! `-D`, `-l`), rppp's own (`--listen`, `--hello`, `--calls`, `--debug`)
//! and the flag form ([`super::flags`]).

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use rppp::l2tpd::config::DEFAULT_CONFIG_FILE;
use rppp::l2tpd::{DEFAULT_CONTROL_PIPE, L2TP_PORT};
use rppp::limits::{LimitSettings, Rate};
use rppp_auth::Secret;

use super::flags::FlagForm;

/// Where the configuration comes from.
#[derive(Debug)]
pub(super) enum Source {
    /// xl2tpd.conf (`-c`) and l2tp-secrets (`-s`, else its `auth file`).
    Files {
        config: String,
        secrets: Option<String>,
    },
    /// The flag form.
    Flags(FlagForm),
}

impl Default for Source {
    fn default() -> Source {
        Source::Flags(FlagForm::default())
    }
}

/// What the command line says.
#[derive(Debug)]
pub(super) struct Args {
    pub(super) source: Source,
    pub(super) listen: Vec<SocketAddr>,
    /// `--hello SECS`: `Some(None)` for 0 (never).
    pub(super) hello: Option<Option<Duration>>,
    pub(super) calls: u32,
    pub(super) control_pipe: Option<String>,
    pub(super) ctl: Option<std::path::PathBuf>,
    pub(super) metrics: Option<SocketAddr>,
    pub(super) metrics_per_session: bool,
    /// `--dae-listen ADDR:PORT` and `--dae-clients FILE`.
    pub(super) dae_listen: Option<SocketAddr>,
    pub(super) dae_clients: Option<String>,
    pub(super) limits: LimitSettings,
    pub(super) pid_file: Option<String>,
    pub(super) foreground: bool,
    pub(super) debug: bool,
}

/// The command line; `None` for `--help`.
pub(super) fn parse_args(args: &[OsString]) -> Result<Option<Args>, String> {
    let mut form = FlagForm::default();
    let mut config = None;
    let mut secrets = None;
    let mut control_pipe = None;
    let mut a = Args {
        source: Source::default(),
        listen: Vec::new(),
        hello: None,
        calls: 1,
        control_pipe: None,
        ctl: None,
        metrics: None,
        metrics_per_session: false,
        dae_listen: None,
        dae_clients: None,
        limits: LimitSettings::default(),
        pid_file: None,
        foreground: false,
        debug: false,
    };
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "-c" => config = Some(value()?),
            "-s" => secrets = Some(value()?),
            "-C" => control_pipe = Some(value()?),
            "-p" => a.pid_file = Some(value()?),
            "-D" => a.foreground = true,
            // Logs always go to syslog (and stderr).
            "-l" => {}
            "--listen" => {
                let v = value()?;
                a.listen.push(socket_addr(&v)?);
            }
            "--hello" => {
                let v = value()?;
                let secs: u64 = v.parse().map_err(|_| format!("--hello {v}"))?;
                a.hello = Some((secs > 0).then(|| Duration::from_secs(secs)));
            }
            "--calls" => {
                let v = value()?;
                a.calls = v
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| format!("--calls {v}: a number from 1"))?;
            }
            "--debug" => a.debug = true,
            #[cfg(feature = "ctl")]
            "--ctl" => a.ctl = Some(value()?.into()),
            #[cfg(not(feature = "ctl"))]
            "--ctl" => return Err(absent(&flag, "the control socket (feature ctl)")),
            #[cfg(feature = "metrics")]
            "--metrics" => {
                let v = value()?;
                a.metrics = Some(
                    v.parse()
                        .map_err(|_| format!("--metrics {v}: an ADDRESS:PORT"))?,
                );
            }
            #[cfg(feature = "metrics")]
            "--metrics-per-session" => a.metrics_per_session = true,
            #[cfg(not(feature = "metrics"))]
            "--metrics" | "--metrics-per-session" => {
                return Err(absent(&flag, "metrics (feature metrics)"))
            }
            "--dae-listen" => {
                let v = value()?;
                a.dae_listen = Some(
                    v.parse()
                        .map_err(|_| format!("--dae-listen {v}: an ADDRESS:PORT"))?,
                );
            }
            "--dae-clients" => a.dae_clients = Some(value()?),
            "--max-sessions" => a.limits.max_sessions = Some(count(&flag, &value()?)?),
            "--max-starting" => a.limits.max_starting = Some(count(&flag, &value()?)?),
            "--peer-rate" => a.limits.per_peer = Some(rate(&value()?)?),
            "--hostname" => form.hostname = Some(value()?),
            "--secret" => form.secret = Some(Secret::new(value()?.into_bytes())),
            "--hide" => form.hide = true,
            "--rws" => {
                let v = value()?;
                form.rws = Some(v.parse().map_err(|_| format!("--rws {v}"))?);
            }
            "--ppp-options" => form.ppp_options = Some(value()?),
            "--lns" => form.lns = true,
            "--local-ip" => {
                let v = value()?;
                form.local_ip = Some(v.parse().map_err(|_| format!("--local-ip {v}"))?);
            }
            "--ip-range" => form.range = Some(ip_range(&value()?)?),
            "--allow" => {
                let v = value()?;
                form.allow
                    .push(v.parse().map_err(|_| format!("--allow {v}"))?);
            }
            "--lac" => {
                let v = value()?;
                form.lacs.push(socket_addr(&v)?);
            }
            "--redial" => {
                let v = value()?;
                let secs: u64 = v
                    .parse()
                    .ok()
                    .filter(|&s| s >= 1)
                    .ok_or_else(|| format!("--redial {v}: seconds, from 1"))?;
                form.redial = Some(Duration::from_secs(secs));
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if form.given() {
        if config.is_some() || secrets.is_some() {
            return Err(
                "-c and -s read xl2tpd's files: give them or the --lns/--lac flags, not both"
                    .into(),
            );
        }
        // Check the flags now, so a mistake is a usage error.
        a.source = Source::Flags(form);
        a.control_pipe = control_pipe;
    } else {
        a.source = Source::Files {
            config: config.unwrap_or_else(|| DEFAULT_CONFIG_FILE.to_string()),
            secrets,
        };
        a.control_pipe = Some(control_pipe.unwrap_or_else(|| DEFAULT_CONTROL_PIPE.to_string()));
    }
    Ok(Some(a))
}

/// A flag for what this build left out: an error that says so.
#[cfg(not(all(feature = "ctl", feature = "metrics")))]
fn absent(flag: &str, what: &str) -> String {
    format!("{flag}: this rppp is built without {what}")
}

/// A count from 1.
fn count(flag: &str, v: &str) -> Result<usize, String> {
    v.parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| format!("{flag} {v}: a number from 1"))
}

/// `--peer-rate PER_SECOND[/BURST]`: new calls (and tunnels) per second
/// from one peer, the burst as deep as one second's by default.
fn rate(v: &str) -> Result<Rate, String> {
    Rate::parse(v).map_err(|e| format!("--peer-rate {v}: {e}"))
}

/// `--ip-range FIRST-LAST`.
fn ip_range(v: &str) -> Result<(Ipv4Addr, Ipv4Addr), String> {
    let (a, b) = v
        .split_once('-')
        .ok_or_else(|| format!("--ip-range {v}: FIRST-LAST"))?;
    let a: Ipv4Addr = a.parse().map_err(|_| format!("--ip-range {v}"))?;
    let b: Ipv4Addr = b.parse().map_err(|_| format!("--ip-range {v}"))?;
    Ok((a, b))
}

/// `host`, `host:port` or `ip:port`; port 1701 by default.
fn socket_addr(v: &str) -> Result<SocketAddr, String> {
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, L2TP_PORT));
    }
    let with_port = if v.contains(':') {
        v.to_owned()
    } else {
        format!("{v}:{L2TP_PORT}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| format!("{v}: {e}"))?
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| format!("{v}: no IPv4 address"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp::l2tpd::config::Sense;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    fn flags(s: &str) -> FlagForm {
        match parse_args(&args(s)).unwrap().unwrap().source {
            Source::Flags(f) => f,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lns_flags_make_an_lns_default_section() {
        let a = parse_args(&args(
            "--listen 127.0.0.1 --lns --local-ip 10.0.0.1 --ip-range 10.0.0.2-10.0.0.9 --secret s --hide --allow 192.0.2.1",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(a.listen, vec!["127.0.0.1:1701".parse().unwrap()]);
        assert_eq!(a.control_pipe, None);
        let Source::Flags(f) = a.source else { panic!() };
        let (config, secrets) = f.into_config().unwrap();
        let lns = config.lns_default.unwrap();
        assert_eq!(lns.local_ip, Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert!(lns.common.hidden_bit && lns.common.challenge);
        assert_eq!(lns.ip_range.rules[0].sense, Sense::Allow);
        assert!(lns.lac.admits(Ipv4Addr::new(192, 0, 2, 1)));
        assert!(config.global.access_control);
        assert_eq!(secrets.secret_for(b"any", b"one"), Some(&b"s"[..]));
    }

    #[test]
    fn lac_flags_autodial_port_1701_by_default() {
        let (config, _) = flags("--lac 192.0.2.1 --lac 192.0.2.2:1702")
            .into_config()
            .unwrap();
        assert_eq!(config.lac.len(), 2);
        assert!(config.lac[0].autodial);
        assert_eq!(config.lac[0].lns[0].port, 1701);
        assert_eq!(config.lac[1].lns[0].port, 1702);
        assert!(!config.lac[0].redial);
        let (config, _) = flags("--lac 192.0.2.1 --redial 2").into_config().unwrap();
        assert!(config.lac[0].redial);
        assert_eq!(config.lac[0].redial_timeout, Duration::from_secs(2));
        assert!(
            flags("--lns --local-ip 10.0.0.1 --ip-range 10.0.0.2-10.0.0.3 --redial 2")
                .into_config()
                .is_err()
        );
    }

    #[test]
    fn without_flags_the_files_and_the_pipe_are_xl2tpds() {
        let a = parse_args(&args("-D --calls 3")).unwrap().unwrap();
        assert_eq!(a.calls, 3);
        assert!(a.foreground);
        assert_eq!(a.control_pipe.as_deref(), Some(DEFAULT_CONTROL_PIPE));
        match a.source {
            Source::Files { config, secrets } => {
                assert_eq!(config, DEFAULT_CONFIG_FILE);
                assert_eq!(secrets, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn limits() {
        let a = parse_args(&args(
            "--max-sessions 1000 --max-starting 50 --peer-rate 10/20",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(a.limits.max_sessions, Some(1000));
        assert_eq!(a.limits.max_starting, Some(50));
        assert_eq!(
            a.limits.per_peer,
            Some(Rate {
                per_second: 10.0,
                burst: 20.0
            })
        );
        assert!(parse_args(&args("--max-sessions 0")).is_err());
        assert!(parse_args(&args("--peer-rate 0")).is_err());
        assert!(parse_args(&args("--peer-rate 5/x")).is_err());
        assert!(parse_args(&args("--peer-rate NaN")).is_err());
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(flags("--lns").into_config().is_err());
        assert!(flags("--lac 192.0.2.1 --ip-range 1.2.3.4-1.2.3.5")
            .into_config()
            .is_err());
        assert!(
            flags("--lns --local-ip 10.0.0.1 --ip-range 10.0.0.9-10.0.0.2")
                .into_config()
                .is_err()
        );
        assert!(parse_args(&args("--frobnicate")).is_err());
        assert!(parse_args(&args("--calls 0")).is_err());
        assert!(parse_args(&args("-c x.conf --lns")).is_err());
        assert!(parse_args(&args("--secret")).is_err());
    }
}
