//! The pppd words an `[lns]` or `[lac]` section of xl2tpd.conf stands
//! for, sans-IO: what xl2tpd puts on pppd's command line when a call is
//! established (xl2tpd's `control.c`, the ICRP and ICCN cases), so that
//! rppp's option parser reads a session's configuration exactly as pppd
//! under xl2tpd would.
//!
//! In order:
//! - `passive`, `nodetach`;
//! - the addresses, `LOCAL:REMOTE`: for an LNS, `local ip` (or the
//!   session's `local ip range` lease) and the peer's `ip range` lease;
//!   for a LAC, `local ip` and `remote ip` (each may be empty; nothing is
//!   written when both are);
//! - `defaultroute` for a LAC with `defaultroute = yes`;
//! - unless `refuse authentication` (xl2tpd's `authself`): `refuse-pap`
//!   and `refuse-chap` as the section asks; with it, both;
//! - with `require authentication` (`authpeer`): `auth`, then
//!   `require-pap` and `require-chap` as asked;
//! - `name NAME`, `debug` (`ppp debug`), `file PPPOPTFILE`;
//! - `ipparam PEER` with `pass peer = yes`.
//!
//! The PPP user a `c NAME USER PASSWORD` control command gives becomes
//! `user USER` here (xl2tpd sets the section's `name` from it); the
//! password never becomes a word (xl2tpd hands it to pppd through a pipe,
//! `passwordfd`): [`super::setup`] sets it on the parsed options, so no
//! log of the words shows it.
//!
//! Departure: xl2tpd writes `0.0.0.0` for an LNS peer address it did not
//! assign (`assign ip = no`); rppp leaves the field empty, which pppd and
//! rppp read as "negotiate".

use std::net::Ipv4Addr;

use super::config::{Common, Lac, Lease, Lns};

/// The words for a session of LNS section `lns` with the addresses in
/// `lease`, from the LAC at `peer`.
pub fn lns_words(lns: &Lns, lease: &Lease, peer: Ipv4Addr) -> Vec<String> {
    let mut w = vec!["passive".to_string(), "nodetach".to_string()];
    addresses(&mut w, lease.local, lease.remote);
    auth_and_common(&mut w, &lns.common, peer);
    w
}

/// The words for a call of LAC section `lac` to the LNS at `peer`;
/// `user` is the control pipe's, if it gave one.
pub fn lac_words(lac: &Lac, peer: Ipv4Addr, user: Option<&str>) -> Vec<String> {
    let mut w = vec!["passive".to_string(), "nodetach".to_string()];
    if lac.defaultroute {
        w.push("defaultroute".into());
    }
    addresses(&mut w, lac.local_ip, lac.remote_ip);
    auth_and_common(&mut w, &lac.common, peer);
    if let Some(user) = user {
        w.push("user".into());
        w.push(user.into());
    }
    w
}

fn addresses(w: &mut Vec<String>, local: Option<Ipv4Addr>, remote: Option<Ipv4Addr>) {
    if local.is_none() && remote.is_none() {
        return;
    }
    let show = |a: Option<Ipv4Addr>| a.map(|a| a.to_string()).unwrap_or_default();
    w.push(format!("{}:{}", show(local), show(remote)));
}

fn auth_and_common(w: &mut Vec<String>, c: &Common, peer: Ipv4Addr) {
    let a = &c.auth;
    if a.refuse_authentication {
        w.push("refuse-pap".into());
        w.push("refuse-chap".into());
    } else {
        if a.refuse_pap {
            w.push("refuse-pap".into());
        }
        if a.refuse_chap {
            w.push("refuse-chap".into());
        }
    }
    if a.require_authentication {
        w.push("auth".into());
        if a.require_pap {
            w.push("require-pap".into());
        }
        if a.require_chap {
            w.push("require-chap".into());
        }
    }
    if let Some(name) = c.name.as_deref().filter(|n| !n.is_empty()) {
        w.push("name".into());
        w.push(name.into());
    }
    if c.ppp_debug {
        w.push("debug".into());
    }
    if let Some(f) = c.pppoptfile.as_deref().filter(|f| !f.is_empty()) {
        w.push("file".into());
        w.push(f.into());
    }
    if c.pass_peer {
        w.push("ipparam".into());
        w.push(peer.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tpd::config::{self, AddressPool};

    fn conf(text: &str) -> config::Config {
        config::parse("test.conf", text.as_bytes()).unwrap()
    }

    const PEER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 7);

    #[test]
    fn a_vpn_recipes_lns_section() {
        let c = conf(
            "[lns default]\nip range = 192.168.42.10-192.168.42.250\nlocal ip = 192.168.42.1\n\
             require chap = yes\nrefuse pap = yes\nrequire authentication = yes\n\
             name = l2tpd\npppoptfile = /etc/ppp/options.xl2tpd\nlength bit = yes\n",
        );
        let lns = c.lns_default.as_ref().unwrap();
        let mut pool = AddressPool::new();
        let lease = pool.allocate(1u32, lns).unwrap();
        assert_eq!(
            lns_words(lns, &lease, PEER),
            [
                "passive",
                "nodetach",
                "192.168.42.1:192.168.42.10",
                "refuse-pap",
                "auth",
                "require-chap",
                "name",
                "l2tpd",
                "file",
                "/etc/ppp/options.xl2tpd"
            ]
        );
    }

    #[test]
    fn refuse_authentication_refuses_both_and_pass_peer_gives_ipparam() {
        let c = conf(
            "[lns default]\nassign ip = no\nrefuse authentication = yes\nppp debug = yes\n\
             pass peer = yes\n",
        );
        let lns = c.lns_default.as_ref().unwrap();
        let mut pool = AddressPool::new();
        let lease = pool.allocate(1u32, lns).unwrap();
        assert_eq!(
            lns_words(lns, &lease, PEER),
            [
                "passive",
                "nodetach",
                "refuse-pap",
                "refuse-chap",
                "debug",
                "ipparam",
                "192.0.2.7"
            ]
        );
    }

    #[test]
    fn a_lac_section_with_a_user_from_the_control_pipe() {
        let c = conf(
            "[lac vpn]\nlns = 192.0.2.7\nremote ip = 10.0.0.1\ndefaultroute = yes\n\
             refuse pap = yes\nname = me\n",
        );
        let lac = c.lac_named("vpn").unwrap();
        assert_eq!(
            lac_words(lac, PEER, Some("alice")),
            [
                "passive",
                "nodetach",
                "defaultroute",
                ":10.0.0.1",
                "refuse-pap",
                "name",
                "me",
                "user",
                "alice"
            ]
        );
    }
}
