//! An LNS session and a LAC session negotiating in one process on a virtual
//! clock: LCP, authentication, IPCP with DNS and, with `--ipv6`, IPv6CP.
//! Prints pppd's frame log, the events, and the negotiated link. Needs no
//! kernel support.
//!
//! ```text
//! cargo run --features test-util --bin rppp-demo -- [--auth none|pap|chap|mschapv2]
//!                              [--ipv6] [--loss 0.0..0.5] [--seed N] [--help]
//! ```

#![deny(unsafe_code)]

use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use rppp::pair::{Faults, Pair, Side};
use rppp::session::{Role, SessionConfig, SessionEvent};
use rppp_auth::{AuthMethod, AuthMethods, Secrets};
use rppp_ipcp::Ipv6cpConfig;

const USAGE: &str =
    "usage: rppp-demo [--auth none|pap|chap|mschapv2] [--ipv6] [--loss 0.0..0.5] [--seed N]";

/// `--help`: the usage, then what the demo does and each option.
const HELP: &str = "
An LNS session and a LAC session negotiate LCP, authentication and IPCP
with DNS in this one process, on a virtual clock: no kernel, no root, no
network. It prints pppd's frame log with each side's events in pppd's
words, then the link each side has; exit 0 when both came up.

  --auth METHOD  what the LNS requires of the LAC: none, pap, chap or
                 mschapv2 (the default)
  --ipv6         IPv6CP too
  --loss P       the link loses each frame with probability P (up to 0.5):
                 a lost frame is marked \"dropped\" and the timers resend
  --seed N       the random choices: magic numbers, challenges, losses
                 (default 1); the same seed gives the same run

Run it with: cargo run --features test-util --bin rppp-demo -- [options]";

/// What the command line asks for.
enum Command {
    Run(Options),
    Help,
}

struct Options {
    auth: Option<AuthMethod>,
    ipv6: bool,
    loss: f64,
    seed: u64,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut o = Options {
        auth: Some(AuthMethod::MsChapV2),
        ipv6: false,
        loss: 0.0,
        seed: 1,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--auth" => {
                o.auth = match value()?.as_str() {
                    "none" => None,
                    "pap" => Some(AuthMethod::Pap),
                    "chap" => Some(AuthMethod::ChapMd5),
                    "mschapv2" => Some(AuthMethod::MsChapV2),
                    other => return Err(format!("--auth: unknown method {other:?}")),
                }
            }
            "--ipv6" => o.ipv6 = true,
            "--loss" => {
                o.loss = value()?
                    .parse()
                    .ok()
                    .filter(|p| (0.0..=0.5).contains(p))
                    .ok_or("--loss: a probability from 0.0 to 0.5")?
            }
            "--seed" => o.seed = value()?.parse().map_err(|_| "--seed: a number")?,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(Command::Run(o))
}

fn secrets(text: &str) -> Arc<Secrets> {
    let mut no_files = |path: &str| Err(format!("no file {path} in the demo"));
    Arc::new(Secrets::parse("demo-secrets", text.as_bytes(), &mut no_files).expect("valid"))
}

/// The configurations xl2tpd's sample files give pppd: the LNS names
/// itself `lns`, requires `auth` of the LAC and hands out 10.201.0.2 with a
/// DNS server; the LAC (`lac`) takes what it is given.
fn configs(o: &Options) -> (SessionConfig, SessionConfig) {
    let mut lns = SessionConfig::new(Role::Lns);
    lns.lcp.mru = 1400;
    lns.lcp.mtu = 1400;
    lns.ipcp.local = Some(Ipv4Addr::new(10, 201, 0, 1));
    lns.ipcp.remote = Some(Ipv4Addr::new(10, 201, 0, 2));
    lns.ipcp.ms_dns = [Some(Ipv4Addr::new(10, 201, 0, 53)), None];
    lns.auth.name = b"lns".to_vec();
    let mut lac = SessionConfig::new(Role::Lac);
    lac.lcp.mru = 1400;
    lac.lcp.mtu = 1400;
    lac.ipcp.noipdefault = true;
    lac.ipcp.accept_local = true;
    lac.ipcp.accept_remote = true;
    lac.ipcp.use_peer_dns = true;
    lac.auth.name = b"lac".to_vec();
    lac.auth.user = b"lac".to_vec();
    lac.auth.remote_name = Some(b"lns".to_vec());
    if let Some(method) = o.auth {
        lns.lcp.require = AuthMethods::NONE.with(method);
        let s = secrets("lac lns demo-secret *\n");
        lns.auth.chap_secrets = Arc::clone(&s);
        lns.auth.pap_secrets = s;
        let s = secrets("lac lns demo-secret\n");
        lac.auth.chap_secrets = Arc::clone(&s);
        lac.auth.pap_secrets = s;
    }
    if o.ipv6 {
        lns.ipv6cp = Some(Ipv6cpConfig::default());
        lac.ipv6cp = Some(Ipv6cpConfig::default());
    }
    (lns, lac)
}

/// The link-local addresses (ours, the peer's) while IPv6CP is up.
fn ipv6_up(p: &Pair, side: Side) -> Option<(Ipv6Addr, Ipv6Addr)> {
    p.side(side).events.iter().rev().find_map(|e| match e {
        SessionEvent::Ipv6Up { local, peer } => Some(Some((*local, *peer))),
        SessionEvent::Ipv6Down | SessionEvent::Terminated { .. } => Some(None),
        _ => None,
    })?
}

/// Who authenticated with what, for the summary.
fn auth_words(peer: Option<AuthMethod>, ours: Option<AuthMethod>) -> String {
    match (peer, ours) {
        (Some(p), Some(o)) => format!("peer authenticated with {p}, we with {o}"),
        (Some(p), None) => format!("peer authenticated with {p}"),
        (None, Some(o)) => format!("we authenticated with {o}"),
        (None, None) => "no authentication".to_string(),
    }
}

fn main() -> ExitCode {
    let o = match parse(std::env::args().skip(1)) {
        Ok(Command::Run(o)) => o,
        Ok(Command::Help) => {
            println!("{USAGE}\n{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("rppp-demo: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (lns, lac) = configs(&o);
    // Loss alone: a duplicated or reordered frame would show as a line
    // twice, or out of its place, without saying why.
    let faults = Faults {
        loss: o.loss,
        ..Faults::default()
    };
    let mut pair = Pair::new(lns, lac, o.seed).with_faults(faults).with_log();
    pair.start();
    // Both sides up at once: a lost Configure-Ack can take a side's
    // IPCP down again after it came up.
    let up = |p: &Pair| {
        [Side::Lns, Side::Lac]
            .iter()
            .all(|&s| p.side(s).ip_up().is_some() && (!o.ipv6 || ipv6_up(p, s).is_some()))
            || p.both_terminated()
    };
    pair.drive_until(Duration::from_secs(120), up);
    for line in pair.log.take().unwrap_or_default() {
        println!("{line}");
    }
    println!();
    let mut all_up = true;
    for side in [Side::Lns, Side::Lac] {
        let name = format!("{side:?}").to_lowercase();
        let e = pair.side(side);
        let link = e.events.iter().rev().find_map(|e| match e {
            SessionEvent::LinkUp(n) => Some(*n),
            _ => None,
        });
        let Some(((local, peer), n)) = e.ip_up().zip(link) else {
            all_up = false;
            match e.exit_code() {
                Some(code) => println!("{name}: not up (exit code {code})"),
                None => println!("{name}: not up within 120 s"),
            }
            continue;
        };
        println!(
            "{name}: link up: mtu {}, mru {}, peer mru {}; {}; local IP address {local}, \
             remote IP address {peer}",
            n.mtu,
            n.mru,
            n.peer_mru,
            auth_words(n.peer_auth, n.our_auth)
        );
        // The last IpUp's: a renegotiation may have brought IPCP up again.
        let dns = e.events.iter().rev().find_map(|e| match e {
            SessionEvent::IpUp { dns, .. } => Some(*dns),
            _ => None,
        });
        let dns: Vec<String> = dns
            .iter()
            .flatten()
            .flatten()
            .map(|a| a.to_string())
            .collect();
        if !dns.is_empty() {
            println!("{name}: DNS {}", dns.join(", "));
        }
        if let Some((local, peer)) = ipv6_up(&pair, side) {
            println!("{name}: local LL address {local}, remote LL address {peer}");
        }
    }
    if all_up {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
