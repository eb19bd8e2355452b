//! kernel-facts: check, on the real kernel, the facts about the PPPoL2TP and
//! ppp_generic data path that rppp's driver relies on (DESIGN.md, "The
//! kernel data path"), against a real pppd on the other end of a static
//! L2TP session.
//!
//! This program plays the PPP engine on the "lns" side by hand, minimally
//! and explicitly: it acknowledges pppd's LCP and IPCP requests, requests
//! CHAP-MD5 authentication itself (so pppd sends a CHAP Response) and
//! answers with Success without checking it. pppd runs on the "lac" side.
//! Every fact is one `FACT ok:` or `FACT FAIL:` line; the exit code is 0
//! only if all held. Frames are `[protocol: u16 BE][code][id][len: u16 BE][data]`.
#![forbid(unsafe_code)]

mod checks;
mod concurrent;
mod engine;
mod frame;
mod system;

use std::process::ExitCode;

pub(crate) const LCP: u16 = 0xc021;
pub(crate) const CHAP: u16 = 0xc223;
pub(crate) const IPCP: u16 = 0x8021;
pub(crate) const IPV6CP: u16 = 0x8057;
pub(crate) const IP: u16 = 0x0021;
pub(crate) const IPV6: u16 = 0x0057;

pub(crate) const OUR_TUNNEL: u16 = 300;
pub(crate) const PEER_TUNNEL: u16 = 400;
pub(crate) const OUR_SESSION: u16 = 1;
pub(crate) const PEER_SESSION: u16 = 2;
pub(crate) const OUR_IP: [u8; 4] = [10, 77, 0, 1];
pub(crate) const PEER_IP: &str = "10.77.0.2";
pub(crate) const IFNAME: &str = "facts0";
pub(crate) const MAGIC: u32 = 0x5a5a_1234;

/// The facts checked so far, and how many failed.
pub(crate) struct Facts {
    pub(crate) failed: u32,
}

impl Facts {
    pub(crate) fn check(&mut self, fact: &str, ok: bool, detail: impl std::fmt::Display) {
        if ok {
            println!("FACT ok:   {fact} [{detail}]");
        } else {
            println!("FACT FAIL: {fact} [{detail}]");
            self.failed += 1;
        }
    }
}

fn main() -> ExitCode {
    let mut f = Facts { failed: 0 };
    if let Err(e) = checks::run(&mut f) {
        println!("FACT FAIL: the checks could not run to the end: {e}");
        f.failed += 1;
    }
    println!("kernel-facts: {} failed", f.failed);
    if f.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
