//! Applying one option to [`Options`], with pppd's meaning (pppd(8), and
//! the option tables of `options.c`, `auth.c`, `lcp.c`, `ipcp.c`,
//! `ipv6cp.c`, `chap-new.c`, `upap.c` and the pppol2tp plugin).
//!
//! Limits that pppd leaves to the kernel or to chance are checked here:
//! `mtu` and `mru` lie in 128..=16384 (pppd's MINMRU and MAXMRU), restart
//! timers are at least 1 s and the `*-max-*` counters at least 1 (0 would
//! make the automaton give up before it starts, or spin).

use rppp_auth::Secret;
use rppp_lcp::{AuthMethod, FsmConfig};

use super::error::{ErrorKind, Source};
use super::radius;
use super::types::{InfoRequest, Options};
use super::value::{self, u32_in};

/// pppd's MINMRU and MAXMRU.
const MIN_MRU: u32 = 128;
const MAX_MRU: u32 = 16384;

/// What the parser remembers between options, beyond [`Options`].
#[derive(Debug, Default)]
pub(crate) struct State {
    /// `nodefaultroute` (as written) and where: `defaultroute` is then
    /// an error (pppd's `OPT_ENABLE`).
    defaultroute_off: Option<(String, Source)>,
    /// `noproxyarp` and where, likewise for `proxyarp`.
    proxyarp_off: Option<(String, Source)>,
    /// Where `pppol2tp` was given: once only.
    pppol2tp_at: Option<Source>,
}

/// The outcome of an option that applied.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// Done.
    Done,
    /// Done, and the user should know this.
    Warn(&'static str),
}

/// The plugins rppp has built in, by file name (any directory); the
/// RADIUS ones are [`radius::plugin`]'s.
fn plugin(options: &mut Options, arg: &[u8], source: &Source) -> Result<Applied, ErrorKind> {
    let path = value::utf8(arg)?;
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(applied) = radius::plugin(options, file, source) {
        return applied;
    }
    match file {
        "pppol2tp.so" => options.plugins.pppol2tp = true,
        "openl2tp.so" => options.plugins.openl2tp = true,
        "passwordfd.so" => options.plugins.passwordfd = true,
        _ => {
            return Err(ErrorKind::UnknownPlugin {
                plugin: path.to_string(),
            })
        }
    }
    Ok(Applied::Done)
}

/// `set NAME=VALUE` and `unset NAME`.
fn environment(options: &mut Options, set: bool, arg: &[u8]) -> Result<Applied, ErrorKind> {
    let text = value::utf8(arg)?;
    let bad = |expected| ErrorKind::BadValue {
        value: text.to_string(),
        expected,
    };
    let entry = if set {
        match text.split_once('=') {
            Some((name, value)) if !name.is_empty() => (name.to_string(), Some(value.to_string())),
            _ => return Err(bad("NAME=VALUE")),
        }
    } else {
        if text.is_empty() || text.contains('=') {
            return Err(bad("a variable name without '='"));
        }
        (text.to_string(), None)
    };
    options.env.push(entry);
    Ok(Applied::Done)
}

/// The `*-restart` and `*-max-*` options of one automaton.
fn fsm(fsm: &mut FsmConfig, which: &str, arg: &[u8]) -> Result<(), ErrorKind> {
    match which {
        "restart" => fsm.restart_interval = value::seconds(arg, 1)?,
        "max-terminate" => fsm.max_terminate = u32_in(arg, 1, u32::MAX)?,
        "max-configure" => fsm.max_configure = u32_in(arg, 1, u32::MAX)?,
        "max-failure" => fsm.max_failure = u32_in(arg, 1, u32::MAX)?,
        _ => return Err(ErrorKind::UnknownOption),
    }
    Ok(())
}

/// One option as the parser found it.
struct Given<'a> {
    /// Its canonical name.
    name: &'a str,
    /// Its name as written (`-defaultroute` for `nodefaultroute`).
    written: &'a str,
    /// Its argument (empty for an option without one).
    arg: &'a [u8],
    /// Where it was.
    source: &'a Source,
}

/// What a family of options did with one: `Ok(None)` when the option is
/// not one of the family's.
type Handled = Result<Option<Applied>, ErrorKind>;

/// The families of options, each pppd's source file (or plugin) that
/// defines them.
const FAMILIES: [fn(&mut Options, &mut State, &Given) -> Handled; 9] = [
    general,
    auth_policy,
    auth,
    lcp,
    ipcp,
    ipv6cp,
    scripts,
    pppol2tp,
    radius_plugins,
];

/// Applies the option `name` (its canonical name) with its argument `arg`
/// (empty for an option without one).
pub(crate) fn apply(
    options: &mut Options,
    state: &mut State,
    name: &str,
    written: &str,
    arg: &[u8],
    source: &Source,
) -> Result<Applied, ErrorKind> {
    let given = Given {
        name,
        written,
        arg,
        source,
    };
    for family in FAMILIES {
        if let Some(applied) = family(options, state, &given)? {
            return Ok(applied);
        }
    }
    Err(ErrorKind::UnknownOption)
}

/// `options.c`: the process, logging, the unit, the environment, plugins.
fn general(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    let arg = given.arg;
    match given.name {
        "debug" => o.debug = o.debug.saturating_add(1),
        "kdebug" => o.kdebug = u32_in(arg, 0, i32::MAX as u32)?,
        "nodetach" => o.nodetach = true,
        "updetach" => {
            o.updetach = true;
            o.nodetach = false;
        }
        "holdoff" => o.holdoff = value::seconds(arg, 0)?,
        "idle" => o.idle = value::seconds_or_off(arg)?,
        "maxconnect" => o.maxconnect = value::seconds_or_off(arg)?,
        "persist" => {
            o.persist = true;
            return Ok(Some(Applied::Warn(
                "not applicable: the L2TP daemon starts rppp again for a new session; rppp never redials",
            )));
        }
        "nopersist" => o.persist = false,
        "--version" => o.request = Some(InfoRequest::Version),
        "--help" => o.request = Some(InfoRequest::Help),
        "logfile" => o.logfile = Some(value::utf8(arg)?.to_string()),
        "logfd" => o.logfd = Some(value::fd(arg)?),
        "nolog" => o.logfd = Some(-1),
        "linkname" => o.linkname = Some(value::utf8(arg)?.to_string()),
        "maxfail" => o.maxfail = u32_in(arg, 0, u32::MAX)?,
        "unit" => o.unit = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "ifname" => o.ifname = Some(value::interface_name(arg)?),
        "dump" => o.dump = true,
        "dryrun" => o.dryrun = true,
        "child-timeout" => o.child_timeout = value::seconds(arg, 0)?,
        "set" => return environment(o, true, arg).map(Some),
        "unset" => return environment(o, false, arg).map(Some),
        "defaultroute-metric" => o.defaultroute_metric = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "multilink" => {
            o.multilink = true;
            return Ok(Some(Applied::Warn(
                "multilink is not supported: this link is never bundled with others",
            )));
        }
        "nomultilink" => o.multilink = false,
        "plugin" => return plugin(o, arg, given.source).map(Some),
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

/// `auth.c`, `chap-new.c`, `upap.c`, `chap_ms.c` and the passwordfd
/// plugin: names, secrets and the authentication timers.
fn auth(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    let (name, arg) = (given.name, given.arg);
    match name {
        "domain" => o.auth.domain = Some(arg.to_vec()),
        "name" => o.auth.name = Some(arg.to_vec()),
        "user" => o.auth.user = Some(arg.to_vec()),
        "password" => o.auth.password = Some(Secret::new(arg)),
        "usehostname" => o.auth.usehostname = true,
        "remotename" => o.auth.remote_name = Some(arg.to_vec()),
        "pap-secrets" => o.auth.pap_secrets = value::utf8(arg)?.to_string(),
        "chap-secrets" => o.auth.chap_secrets = value::utf8(arg)?.to_string(),
        "chap-restart" => o.auth.chap_restart = value::seconds(arg, 1)?,
        "chap-max-challenge" => o.auth.chap_max_challenge = u32_in(arg, 1, u32::MAX)?,
        "chap-interval" => o.auth.chap_interval = value::seconds_or_off(arg)?,
        "pap-restart" => o.auth.pap_restart = value::seconds(arg, 1)?,
        "pap-max-authreq" => o.auth.pap_max_authreq = u32_in(arg, 1, u32::MAX)?,
        "pap-timeout" => o.auth.pap_timeout = value::seconds_or_off(arg)?,
        "ms-ignore-domain" => o.auth.ms_ignore_domain = true,
        "hide-password" => o.show_password = false,
        "show-password" => o.show_password = true,
        // plugins/passwordfd.c
        "passwordfd" => o.auth.passwordfd = Some(value::fd(arg)?),
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

/// The method an authentication option names after `require-` or
/// `refuse-`: each names one digest, `chap` CHAP with MD5 only.
fn auth_method(name: &str) -> Option<AuthMethod> {
    Some(match name {
        "pap" => AuthMethod::Pap,
        "chap" => AuthMethod::ChapMd5,
        "mschap" => AuthMethod::MsChap,
        "mschap-v2" => AuthMethod::MsChapV2,
        _ => return None,
    })
}

/// `auth.c`: the authentication policy, `auth`, `noauth`, `require-*` and
/// `refuse-*` (their `+pap`, `-chap`, ... aliases arrive by these names).
/// `require-eap` is refused before it gets here; `refuse-eap` never does
/// (the table lists it among the options that turn off what rppp never
/// does).
fn auth_policy(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    let policy = &mut o.auth.policy;
    let name = given.name;
    if let Some(method) = name.strip_prefix("require-").and_then(auth_method) {
        policy.require(method);
        o.auth.explicit = true;
    } else if let Some(method) = name.strip_prefix("refuse-").and_then(auth_method) {
        policy.refuse(method);
    } else if name == "auth" || name == "noauth" {
        policy.set_auth(name == "auth");
        o.auth.explicit = true;
    } else {
        return Ok(None);
    }
    Ok(Some(Applied::Done))
}

/// `lcp.c`.
fn lcp(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    let (name, arg) = (given.name, given.arg);
    match name {
        "noaccomp" => o.lcp.accept_acfc = false,
        "nopcomp" => o.lcp.accept_pfc = false,
        // Repeated asyncmap options are ORed together (pppd(8)); after
        // default-asyncmap the map is all ones.
        "asyncmap" => {
            let map = value::hex_u32(arg)?;
            o.lcp.asyncmap = Some(o.lcp.asyncmap.unwrap_or(u32::MAX) | map);
        }
        "default-asyncmap" => o.lcp.asyncmap = None,
        "nomagic" => o.lcp.magic_number = false,
        "mru" => o.lcp.mru = u32_in(arg, MIN_MRU, MAX_MRU)? as u16,
        "default-mru" => o.lcp.mru = 1500,
        "mtu" => o.lcp.mtu = u32_in(arg, MIN_MRU, MAX_MRU)? as u16,
        "passive" => o.lcp.fsm.passive = true,
        "silent" => o.lcp.fsm.silent = true,
        "lcp-echo-failure" => o.lcp.echo_failure = u32_in(arg, 0, u32::MAX)?,
        "lcp-echo-interval" => o.lcp.echo_interval = value::seconds_or_off(arg)?,
        "lcp-restart" | "lcp-max-terminate" | "lcp-max-configure" | "lcp-max-failure" => {
            fsm(&mut o.lcp.fsm, &name["lcp-".len()..], arg)?
        }
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

/// `ipcp.c`: addresses, DNS and NBNS, routes and proxy ARP.
fn ipcp(o: &mut Options, state: &mut State, given: &Given) -> Handled {
    let (name, arg) = (given.name, given.arg);
    match name {
        "ms-dns" => o.ipcp.push_ms_dns(value::ipv4(arg)?),
        "ms-wins" => o.ipcp.push_ms_wins(value::ipv4(arg)?),
        "ipcp-accept-local" => o.ipcp.accept_local = true,
        "ipcp-accept-remote" => o.ipcp.accept_remote = true,
        "noipdefault" => o.ipcp.noipdefault = true,
        "ipcp-restart" | "ipcp-max-terminate" | "ipcp-max-configure" | "ipcp-max-failure" => {
            fsm(&mut o.ipcp.fsm, &name["ipcp-".len()..], arg)?
        }
        "defaultroute" => {
            enable(&state.defaultroute_off)?;
            o.defaultroute = true;
        }
        "nodefaultroute" => {
            o.defaultroute = false;
            state.defaultroute_off = Some((given.written.to_string(), given.source.clone()));
        }
        "replacedefaultroute" => o.replacedefaultroute = true,
        "noreplacedefaultroute" => o.replacedefaultroute = false,
        "proxyarp" => {
            enable(&state.proxyarp_off)?;
            proxyarp_in_this_build()?;
            o.proxyarp = true;
        }
        "noproxyarp" => {
            o.proxyarp = false;
            state.proxyarp_off = Some((given.written.to_string(), given.source.clone()));
        }
        "usepeerdns" => o.ipcp.use_peer_dns = true,
        "usepeerwins" => o.ipcp.use_peer_wins = true,
        "ipparam" => o.ipparam = Some(value::utf8(arg)?.to_string()),
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

/// An `OPT_ENABLE` option (`defaultroute`, `proxyarp`): an error once its
/// `no` form (`disabled_by`, as written and where) was given.
/// Proxy ARP needs rtnetlink (the `rtnetlink` feature), which the router
/// build leaves out: there `proxyarp` is an error, not an option that
/// does nothing.
fn proxyarp_in_this_build() -> Result<(), ErrorKind> {
    if cfg!(feature = "rtnetlink") {
        Ok(())
    } else {
        Err(ErrorKind::NotSupported {
            reason: "this build of rppp has no proxy ARP (built without the rtnetlink feature)",
        })
    }
}

fn enable(disabled_by: &Option<(String, Source)>) -> Result<(), ErrorKind> {
    match disabled_by {
        Some((by, at)) => Err(ErrorKind::Disabled {
            by: by.clone(),
            at: at.clone(),
        }),
        None => Ok(()),
    }
}

/// `ipv6cp.c`. IPv6CP is on by default (pppd 2.4.9 and later); as in
/// pppd's `setifaceid`, giving identifiers with `ipv6` turns it on again
/// after a `noipv6`.
fn ipv6cp(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    let (name, arg) = (given.name, given.arg);
    match name {
        "ipv6" => {
            let (local, remote) = value::interface_ids(arg)?;
            if local.is_some() {
                o.ipv6cp.local = local;
            }
            if remote.is_some() {
                o.ipv6cp.remote = remote;
            }
            o.ipv6 = true;
        }
        "+ipv6" => o.ipv6 = true,
        "noipv6" => o.ipv6 = false,
        "ipv6cp-accept-local" => o.ipv6cp.accept_local = true,
        "ipv6cp-accept-remote" => o.ipv6cp.accept_remote = true,
        "ipv6cp-use-ipaddr" => o.ipv6cp_use_ipaddr = true,
        "ipv6cp-restart"
        | "ipv6cp-max-terminate"
        | "ipv6cp-max-configure"
        | "ipv6cp-max-failure" => fsm(&mut o.ipv6cp.fsm, &name["ipv6cp-".len()..], arg)?,
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

/// The scripts' paths (`ipcp.c`, `ipv6cp.c`).
fn scripts(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    let slot = match given.name {
        "ip-pre-up-script" => &mut o.scripts.ip_pre_up,
        "ip-up-script" => &mut o.scripts.ip_up,
        "ip-down-script" => &mut o.scripts.ip_down,
        "ipv6-up-script" => &mut o.scripts.ipv6_up,
        "ipv6-down-script" => &mut o.scripts.ipv6_down,
        _ => return Ok(None),
    };
    *slot = Some(value::utf8(given.arg)?.to_string());
    Ok(Some(Applied::Done))
}

/// `plugins/pppol2tp/pppol2tp.c`: the socket, its kernel options and the
/// ids that label the events.
fn pppol2tp(o: &mut Options, state: &mut State, given: &Given) -> Handled {
    let arg = given.arg;
    let p = &mut o.pppol2tp;
    match given.name {
        "pppol2tp" => {
            if let Some(first) = &state.pppol2tp_at {
                return Err(ErrorKind::Repeated {
                    first: first.clone(),
                });
            }
            p.fd = Some(value::fd(arg)?);
            state.pppol2tp_at = Some(given.source.clone());
        }
        "pppol2tp_lns_mode" => p.lns_mode = true,
        "pppol2tp_send_seq" => p.send_seq = true,
        "pppol2tp_recv_seq" => p.recv_seq = true,
        "pppol2tp_reorderto" => p.reorder_timeout_ms = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "pppol2tp_debug_mask" => p.debug_mask = Some(u32_in(arg, 0, i32::MAX as u32)?),
        "pppol2tp_ifname" => p.ifname = Some(value::interface_name(arg)?),
        "pppol2tp_tunnel_id" => p.tunnel_id = Some(u32_in(arg, 0, u32::MAX)?),
        "pppol2tp_session_id" => p.session_id = Some(u32_in(arg, 0, u32::MAX)?),
        _ => return Ok(None),
    }
    Ok(Some(Applied::Done))
}

/// `plugins/radius/radius.c`, `radattr.c`, `radrealms.c`: see
/// [`radius`](super::radius).
fn radius_plugins(o: &mut Options, _: &mut State, given: &Given) -> Handled {
    radius::radius(o, given.name, given.arg, given.source)
}

#[cfg(test)]
mod tests;
