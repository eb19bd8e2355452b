//! A session pair under 10-30 % loss, duplication and reordering: every
//! scenario that brings the link up, and every failing one.

use std::net::Ipv4Addr;

use rppp::pair::{Faults, Side};
use rppp::session::{exit, SessionConfig, SessionEvent};
use rppp_auth::{AuthMethod, AuthMethods};
use rppp_ipcp::Ipv6cpConfig;

mod session_common;
use session_common::*;

/// A named pair of configurations.
type Scenario = (&'static str, fn() -> (SessionConfig, SessionConfig));

/// The scenarios that end with the link up, under 10-30 % loss,
/// duplication and reordering: each converges, or ends exactly as the
/// timers and counters say.
#[test]
fn every_scenario_under_faults() {
    let scenarios: [Scenario; 6] = [
        ("no auth", || (lns(), lac())),
        ("pap", || with_auth(AuthMethod::Pap, "s", "s")),
        ("chap", || with_auth(AuthMethod::ChapMd5, "s", "s")),
        ("mschapv2", || with_auth(AuthMethod::MsChapV2, "s", "s")),
        ("dns", || {
            let (mut lns, mut lac) = (lns(), lac());
            lns.ipcp.ms_dns = [Some(Ipv4Addr::new(8, 8, 8, 8)), None];
            lac.ipcp.use_peer_dns = true;
            (lns, lac)
        }),
        ("ipv6", || {
            let (mut lns, mut lac) = (lns(), lac());
            lns.ipv6cp = Some(Ipv6cpConfig::default());
            lac.ipv6cp = Some(Ipv6cpConfig::default());
            (lns, lac)
        }),
    ];
    for (name, configs) in &scenarios {
        let mut up = 0;
        let seeds = 60;
        for seed in 0..seeds {
            let p = 0.1 + 0.2 * (seed as f64 / seeds as f64);
            let (lns, lac) = configs();
            let mut pair = run(lns, lac, 1000 + seed, Faults::uniform(p));
            pair.drive_until(10 * MINUTE, both_ip_up);
            if both_ip_up(&pair) {
                up += 1;
                assert_eq!(
                    pair.side(Side::Lns).ip_up(),
                    Some((LNS_ADDR, LAC_ADDR)),
                    "{name} seed {seed}"
                );
                continue;
            }
            // Not up: it ended, with an exit code that names a timer or
            // counter running out, never a crash or a hang.
            pair.drive(10 * MINUTE);
            for side in [Side::Lns, Side::Lac] {
                let code = pair.side(side).exit_code();
                assert!(
                    matches!(
                        code,
                        Some(
                            exit::NEGOTIATION_FAILED
                                | exit::PEER_AUTH_FAILED
                                | exit::AUTH_TO_PEER_FAILED
                                | exit::OK
                        )
                    ),
                    "{name} seed {seed} {side:?}: {code:?} {:#?}",
                    pair.side(side).events
                );
            }
        }
        assert!(up >= seeds * 9 / 10, "{name}: only {up} of {seeds} came up");
    }
}

/// The failing scenarios under 10-30 % loss, duplication and reordering:
/// none ever brings IPv4 up, each side ends with the exit code the
/// fault-free run gives, or with 10 (negotiation failed) when the frames
/// that carry the verdict were lost: a LAC whose Authenticate-Nak or
/// Failure was lost learns of the end only from the Terminate-Request, and
/// pppd too exits with 10 then, since its status leaves 10 only when
/// authentication fails or a network protocol comes up.
#[test]
fn every_failure_under_faults() {
    type Failing = (&'static str, fn() -> (SessionConfig, SessionConfig), u8, u8);
    let scenarios: [Failing; 4] = [
        (
            "wrong secret, pap",
            || with_auth(AuthMethod::Pap, "s", "wrong"),
            exit::PEER_AUTH_FAILED,
            exit::AUTH_TO_PEER_FAILED,
        ),
        (
            "wrong secret, chap",
            || with_auth(AuthMethod::ChapMd5, "s", "wrong"),
            exit::PEER_AUTH_FAILED,
            exit::AUTH_TO_PEER_FAILED,
        ),
        (
            "wrong secret, mschapv2",
            || with_auth(AuthMethod::MsChapV2, "s", "wrong"),
            exit::PEER_AUTH_FAILED,
            exit::AUTH_TO_PEER_FAILED,
        ),
        (
            "auth refused",
            || {
                let (lns, mut lac) = with_auth(AuthMethod::MsChapV2, "s", "s");
                lac.lcp.allow = AuthMethods::NONE.with(AuthMethod::Pap);
                (lns, lac)
            },
            exit::PEER_AUTH_FAILED,
            exit::NEGOTIATION_FAILED,
        ),
    ];
    for (name, configs, lns_code, lac_code) in &scenarios {
        let seeds = 60;
        let mut exact = 0;
        for seed in 0..seeds {
            let p = 0.1 + 0.2 * (seed as f64 / seeds as f64);
            let (lns, lac) = configs();
            let mut pair = run(lns, lac, 5000 + seed, Faults::uniform(p));
            pair.drive(10 * MINUTE);
            assert!(pair.both_terminated(), "{name} seed {seed}");
            for side in [Side::Lns, Side::Lac] {
                let e = &pair.side(side).events;
                assert!(
                    !e.iter().any(|e| matches!(e, SessionEvent::IpUp { .. })),
                    "{name} seed {seed} {side:?}: IPv4 came up"
                );
            }
            let codes = (
                pair.side(Side::Lns).exit_code(),
                pair.side(Side::Lac).exit_code(),
            );
            if codes == (Some(*lns_code), Some(*lac_code)) {
                exact += 1;
                continue;
            }
            println!("{name} seed {seed} p {p:.2}: {codes:?}");
            assert!(
                matches!(codes.0, Some(c) if c == *lns_code || c == exit::NEGOTIATION_FAILED),
                "{name} seed {seed}: LNS {codes:?} {:#?}",
                pair.side(Side::Lns).events
            );
            assert!(
                matches!(codes.1, Some(c) if c == *lac_code || c == exit::NEGOTIATION_FAILED),
                "{name} seed {seed}: LAC {codes:?} {:#?}",
                pair.side(Side::Lac).events
            );
        }
        assert!(
            exact >= seeds / 2,
            "{name}: only {exact} of {seeds} ended as without faults"
        );
    }
}
