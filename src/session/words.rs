//! A session's events in the words pppd's log has for the same moments,
//! for a reader who knows pppd's log (the demo's, a test's): no Rust
//! `Debug` renderings.

use std::fmt::Write as _;

use rppp_lcp::AuthMethod;

use super::event::SessionEvent;

/// Renders one session's events as pppd's log lines. It keeps the
/// authentication methods LCP agreed on, to name them when authentication
/// succeeds; use one per session.
#[derive(Debug, Default, Clone)]
pub struct EventWords {
    peer_auth: Option<AuthMethod>,
    our_auth: Option<AuthMethod>,
}

impl EventWords {
    /// A renderer for a new session.
    pub fn new() -> Self {
        Self::default()
    }

    /// The lines pppd logs for `event`, none for what pppd's log does not
    /// show (phases, the ACCMs, LCP's values: the frames show those).
    pub fn lines(&mut self, event: &SessionEvent) -> Vec<String> {
        match event {
            SessionEvent::LinkUp(n) => {
                self.peer_auth = n.peer_auth;
                self.our_auth = n.our_auth;
                Vec::new()
            }
            SessionEvent::Authenticated { peer_name } => vec![format!(
                "{} peer authentication succeeded for {peer_name}",
                method(self.peer_auth)
            )],
            SessionEvent::AuthenticatedToPeer => {
                vec![format!(
                    "{} authentication succeeded",
                    method(self.our_auth)
                )]
            }
            SessionEvent::VerifyRequest(_) => {
                vec!["the peer's credentials wait for the verifier (RADIUS)".to_string()]
            }
            SessionEvent::IpUp {
                local, peer, dns, ..
            } => {
                let mut lines = vec![
                    format!("local  IP address {local}"),
                    format!("remote IP address {peer}"),
                ];
                for (which, addr) in ["primary  ", "secondary"].iter().zip(dns) {
                    if let Some(a) = addr {
                        lines.push(format!("{which} DNS address {a}"));
                    }
                }
                lines
            }
            SessionEvent::Ipv6Up { local, peer } => vec![
                format!("local  LL address {local}"),
                format!("remote LL address {peer}"),
            ],
            SessionEvent::IpDown => vec!["IPCP down".to_string()],
            SessionEvent::Ipv6Down => vec!["IPv6CP down".to_string()],
            SessionEvent::Terminated { reason, exit_code } => {
                let mut line = String::new();
                let _ = write!(
                    line,
                    "Connection terminated: {reason} (exit code {exit_code})"
                );
                vec![line]
            }
            _ => Vec::new(),
        }
    }
}

/// How pppd names an authentication protocol in its log.
fn method(m: Option<AuthMethod>) -> &'static str {
    match m {
        Some(AuthMethod::Pap) => "PAP",
        Some(AuthMethod::ChapMd5) => "CHAP",
        Some(AuthMethod::MsChap) => "MS-CHAP",
        Some(AuthMethod::MsChapV2) => "MS-CHAP-v2",
        None => "peer",
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use rppp_lcp::LcpNegotiated;

    use super::*;
    use crate::session::{Phase, TerminationReason};

    #[test]
    fn events_read_as_pppd_logs_them() {
        let mut w = EventWords::new();
        assert!(w.lines(&SessionEvent::Phase(Phase::Establish)).is_empty());
        let n = LcpNegotiated {
            mru: 1400,
            peer_mru: 1400,
            mtu: 1400,
            send_accm: 0,
            recv_accm: 0,
            peer_auth: Some(AuthMethod::MsChapV2),
            our_auth: None,
            auth_refused: false,
            magic: 1,
            peer_magic: 2,
            pfc: false,
            acfc: false,
            endpoint: None,
        };
        assert!(w.lines(&SessionEvent::LinkUp(n)).is_empty());
        let peer = SessionEvent::Authenticated {
            peer_name: "lac".into(),
        };
        assert_eq!(
            w.lines(&peer),
            ["MS-CHAP-v2 peer authentication succeeded for lac"]
        );
        let up = SessionEvent::IpUp {
            local: Ipv4Addr::new(10, 201, 0, 2),
            peer: Ipv4Addr::new(10, 201, 0, 1),
            dns: [Some(Ipv4Addr::new(10, 201, 0, 53)), None],
            nbns: [None, None],
        };
        assert_eq!(
            w.lines(&up),
            [
                "local  IP address 10.201.0.2",
                "remote IP address 10.201.0.1",
                "primary   DNS address 10.201.0.53"
            ]
        );
        let end = SessionEvent::Terminated {
            reason: TerminationReason::UserRequest,
            exit_code: 5,
        };
        assert_eq!(
            w.lines(&end),
            ["Connection terminated: user request (exit code 5)"]
        );
    }
}
