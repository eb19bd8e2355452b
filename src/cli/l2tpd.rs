//! `rppp l2tpd`: the L2TPv2 daemon ([`rppp::l2tpd`]), LNS and LAC in one
//! process, every PPP session in one Engine.
//!
//! This is the first step, with a few flags; xl2tpd.conf support comes
//! next and will fill the same settings:
//!
//! ```text
//! rppp l2tpd [--listen ADDR]... [--hostname NAME] [--secret S] [--hide]
//!            [--rws N] [--hello SECS] [--ppp-options FILE] [--debug]
//!            [--lns --local-ip IP --ip-range FIRST-LAST [--allow IP]...]
//!            [--lac LNS_ADDR[:PORT]]... [--calls N]
//! ```
//!
//! `--ppp-options FILE` is a pppd options file (read as pppd reads
//! `file FILE`, after `/etc/ppp/options`), the same for every session;
//! an LNS session also gets `LOCAL:PEER` with the peer's address from
//! `--ip-range`. `--calls N` places N calls in each `--lac` tunnel once
//! it is up (1 by default). Runs in the foreground and logs to stderr and syslog.

use std::collections::HashMap;
use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use rppp::driver::{KernelSessionOptions, UnitNaming};
use rppp::l2tpd::{
    Daemon, IpPool, LacSettings, LnsSettings, SessionSetup, Settings, TunnelSettings, L2TP_PORT,
};
use rppp::options::{self, Context};
use rppp::session::{exit, SessionConfig};
use rppp_l2tp::{Role, SessionInfo};

use super::{logging, LogTargets};

const USAGE: &str = "usage: rppp l2tpd [--listen ADDR]... [--hostname NAME] [--secret S] [--hide]
           [--rws N] [--hello SECS] [--ppp-options FILE] [--debug]
           [--lns --local-ip IP --ip-range FIRST-LAST [--allow IP]...]
           [--lac LNS_ADDR[:PORT]]... [--calls N]
A first step: xl2tpd.conf support comes next.";

/// What the command line says.
#[derive(Debug)]
struct Args {
    settings: Settings,
    ppp_options: Option<String>,
    debug: bool,
}

/// The flags as given, before they are checked against each other.
#[derive(Debug)]
struct Flags {
    listen: Vec<SocketAddr>,
    tunnel: TunnelSettings,
    lns: bool,
    local_ip: Option<Ipv4Addr>,
    range: Option<(Ipv4Addr, Ipv4Addr)>,
    allow: Vec<IpAddr>,
    lacs: Vec<SocketAddr>,
    /// Calls placed in each `--lac` tunnel.
    calls: u32,
    ppp_options: Option<String>,
    debug: bool,
}

/// The command line; `None` for `--help`.
fn parse_args(args: &[OsString]) -> Result<Option<Args>, String> {
    let mut f = Flags {
        listen: Vec::new(),
        tunnel: TunnelSettings::new(&hostname()),
        lns: false,
        local_ip: None,
        range: None,
        allow: Vec::new(),
        lacs: Vec::new(),
        calls: 1,
        ppp_options: None,
        debug: false,
    };
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--listen" => {
                let v = value()?;
                f.listen.push(socket_addr(&v)?);
            }
            "--hostname" => f.tunnel.host_name = value()?,
            "--secret" => f.tunnel.secret = Some(value()?.into_bytes()),
            "--hide" => f.tunnel.hide_avps = true,
            "--rws" => {
                let v = value()?;
                f.tunnel.receive_window = Some(v.parse().map_err(|_| format!("--rws {v}"))?);
            }
            "--hello" => {
                let v = value()?;
                let secs: u64 = v.parse().map_err(|_| format!("--hello {v}"))?;
                f.tunnel.hello = (secs > 0).then(|| Duration::from_secs(secs));
            }
            "--ppp-options" => f.ppp_options = Some(value()?),
            "--debug" => f.debug = true,
            "--lns" => f.lns = true,
            "--local-ip" => {
                let v = value()?;
                f.local_ip = Some(v.parse().map_err(|_| format!("--local-ip {v}"))?);
            }
            "--ip-range" => f.range = Some(ip_range(&value()?)?),
            "--allow" => {
                let v = value()?;
                f.allow.push(v.parse().map_err(|_| format!("--allow {v}"))?);
            }
            "--lac" => {
                let v = value()?;
                f.lacs.push(socket_addr(&v)?);
            }
            "--calls" => {
                let v = value()?;
                f.calls = v.parse().map_err(|_| format!("--calls {v}"))?;
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    f.into_args().map(Some)
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

impl Flags {
    /// The daemon's settings: `--local-ip`, `--ip-range` and `--allow`
    /// only with `--lns`, which needs the first two, and something to do.
    fn into_args(self) -> Result<Args, String> {
        let mut settings = Settings::default();
        if !self.listen.is_empty() {
            settings.listen = self.listen;
        }
        if self.lns {
            let (Some(local_ip), Some(ip_range)) = (self.local_ip, self.range) else {
                return Err("--lns needs --local-ip and --ip-range".into());
            };
            settings.lns = Some(LnsSettings {
                tunnel: self.tunnel.clone(),
                peers: self.allow,
                local_ip,
                ip_range,
            });
        } else if self.local_ip.is_some() || self.range.is_some() || !self.allow.is_empty() {
            return Err("--local-ip, --ip-range and --allow need --lns".into());
        }
        if self.calls != 1 && self.lacs.is_empty() {
            return Err("--calls needs --lac".into());
        }
        let tunnel = self.tunnel;
        let calls = self.calls;
        settings.lacs = self
            .lacs
            .into_iter()
            .map(|lns| LacSettings {
                lns,
                tunnel: tunnel.clone(),
                calls,
            })
            .collect();
        if settings.lns.is_none() && settings.lacs.is_empty() {
            return Err("nothing to do: give --lns or --lac".into());
        }
        Ok(Args {
            settings,
            ppp_options: self.ppp_options,
            debug: self.debug,
        })
    }
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

fn hostname() -> String {
    nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "rppp".into())
}

/// Each session's PPP configuration: the options file, and for an LNS
/// the addresses.
struct PppSetup {
    ppp_options: Option<String>,
    lns: Option<(Ipv4Addr, IpPool)>,
    hostname: String,
    privileged: bool,
    addresses: HashMap<(u16, u16), Ipv4Addr>,
}

impl PppSetup {
    fn build(
        &self,
        role: Role,
        peer: Option<Ipv4Addr>,
    ) -> Result<(SessionConfig, KernelSessionOptions), String> {
        let mut args: Vec<OsString> = Vec::new();
        if let Some(f) = &self.ppp_options {
            args.push("file".into());
            args.push(f.into());
        }
        if let (Some((local, _)), Some(peer)) = (&self.lns, peer) {
            args.push(format!("{local}:{peer}").into());
        }
        let context = Context::new(self.privileged);
        let mut o =
            options::parse(&args, &context, &mut options::read_file).map_err(|e| e.to_string())?;
        o.pppol2tp.lns_mode = role == Role::Lns;
        let config = o
            .session_config(self.hostname.as_bytes(), &mut options::read_file)
            .map_err(|e| e.to_string())?;
        let kernel = KernelSessionOptions {
            socket: Default::default(),
            naming: UnitNaming {
                ifname: o.interface_name().map(str::to_owned),
                unit: o.unit,
                kdebug: i32::try_from(o.kdebug).ok().filter(|&k| k != 0),
            },
            link: o.link_options(),
        };
        Ok((config, kernel))
    }
}

impl SessionSetup for PppSetup {
    fn prepare(
        &mut self,
        role: Role,
        info: &SessionInfo,
    ) -> Result<(SessionConfig, KernelSessionOptions), String> {
        let peer = match (&mut self.lns, role) {
            (Some((_, pool)), Role::Lns) => Some(
                pool.allocate()
                    .ok_or_else(|| "no address left in --ip-range".to_string())?,
            ),
            _ => None,
        };
        let built = self.build(role, peer);
        match (peer, &built) {
            (Some(p), Ok(_)) => {
                self.addresses.insert((info.tunnel_id, info.session_id), p);
            }
            (Some(p), Err(_)) => {
                if let Some((_, pool)) = &mut self.lns {
                    pool.release(p);
                }
            }
            _ => {}
        }
        built
    }

    fn released(&mut self, tunnel_id: u16, session_id: u16) {
        if let (Some(p), Some((_, pool))) = (
            self.addresses.remove(&(tunnel_id, session_id)),
            &mut self.lns,
        ) {
            pool.release(p);
        }
    }
}

/// `rppp l2tpd ...`; returns the exit code.
pub(crate) fn main(args: &[OsString]) -> u8 {
    let a = match parse_args(args) {
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
    };
    if let Err(e) = logging::init(&targets) {
        eprintln!("rppp l2tpd: {e}");
        return exit::OPTION_ERROR;
    }
    let setup = PppSetup {
        ppp_options: a.ppp_options.clone(),
        lns: a.settings.lns.as_ref().map(|l| {
            (
                l.local_ip,
                IpPool::new(l.ip_range.0, l.ip_range.1, l.local_ip),
            )
        }),
        hostname: hostname(),
        privileged: nix::unistd::getuid().is_root(),
        addresses: HashMap::new(),
    };
    // The options are checked once before anything starts.
    let role = if a.settings.lns.is_some() {
        Role::Lns
    } else {
        Role::Lac
    };
    if let Err(e) = setup.build(role, None) {
        eprintln!("rppp l2tpd: {e}");
        return exit::OPTION_ERROR;
    }
    let nofile = rppp::l2tpd::kernel::raise_fd_limit();
    tracing::debug!("open-file limit {nofile}");
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rppp l2tpd: cannot start the runtime: {e}");
            return exit::FATAL_ERROR;
        }
    };
    rt.block_on(async move {
        let daemon = match Daemon::new(a.settings, setup) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn lns_flags_fill_the_settings() {
        let a = parse_args(&args(
            "--listen 127.0.0.1 --lns --local-ip 10.0.0.1 --ip-range 10.0.0.2-10.0.0.9 --secret s --hide",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(a.settings.listen, vec!["127.0.0.1:1701".parse().unwrap()]);
        let lns = a.settings.lns.unwrap();
        assert_eq!(lns.local_ip, Ipv4Addr::new(10, 0, 0, 1));
        assert!(lns.tunnel.hide_avps);
        assert_eq!(lns.tunnel.secret.as_deref(), Some(&b"s"[..]));
    }

    #[test]
    fn lac_flag_dials_port_1701_by_default() {
        let a = parse_args(&args("--lac 192.0.2.1")).unwrap().unwrap();
        assert_eq!(a.settings.lacs[0].lns, "192.0.2.1:1701".parse().unwrap());
        assert_eq!(a.settings.lacs[0].calls, 1);
    }

    #[test]
    fn calls_go_in_every_lac_tunnel() {
        let a = parse_args(&args("--lac 192.0.2.1 --lac 192.0.2.2 --calls 100"))
            .unwrap()
            .unwrap();
        assert_eq!(a.settings.lacs.len(), 2);
        assert!(a.settings.lacs.iter().all(|l| l.calls == 100));
        assert!(parse_args(&args("--lac 192.0.2.1 --calls x")).is_err());
        assert!(parse_args(&args("--lac 192.0.2.1 --calls")).is_err());
        assert!(parse_args(&args(
            "--lns --local-ip 10.0.0.1 --ip-range 10.0.0.2-10.0.0.9 --calls 5"
        ))
        .is_err());
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(parse_args(&args("")).is_err());
        assert!(parse_args(&args("--lns")).is_err());
        assert!(parse_args(&args("--lac 192.0.2.1 --ip-range 1.2.3.4-1.2.3.5")).is_err());
        assert!(parse_args(&args("--frobnicate")).is_err());
    }
}
