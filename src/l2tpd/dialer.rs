//! The LAC sections' dialling, sans-IO, as xl2tpd does it (`xl2tpd.c`:
//! `magic_lac_dial`, `lac_disconnect`; `call.c` and `xl2tpd.c`'s redial
//! scheduling):
//!
//! - a section is *active* once dialled (`autodial = yes` at start, or
//!   the control pipe's `c NAME`) until hung up (`d NAME`);
//! - dialling opens the section's tunnel if it has none, which places the
//!   calls once up (one, as xl2tpd, unless [`Dialer::calls_per_tunnel`]
//!   says more); with a tunnel up and calls missing, it places them;
//! - when the call or the tunnel ends and the section is active with
//!   `redial = yes` and a `redial timeout` above 0, it dials again after
//!   that timeout, at most `max redials` times in a row without a call
//!   coming up (the count starts again once a call is up);
//! - `d NAME` makes the section inactive and closes its tunnel (StopCCN).
//!
//! Time comes in as an argument; [`Dialer::poll_timeout`] says when to
//! call [`Dialer::handle_timeout`]. The daemon carries out the
//! [`DialAction`]s and tells the dialer about tunnels and calls.

use std::time::{Duration, Instant};

pub use super::control::Credentials;

/// What the daemon is to do for a LAC section (its index in
/// `Config::lac`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialAction {
    /// Open a tunnel for the section and place the call once it is up.
    OpenTunnel {
        /// The section.
        lac: usize,
    },
    /// Place calls on the section's tunnel, which is up.
    PlaceCall {
        /// The section.
        lac: usize,
        /// Our Tunnel ID.
        tunnel_id: u16,
        /// How many.
        count: u32,
    },
    /// Close the section's tunnel (StopCCN) and its call.
    CloseTunnel {
        /// The section.
        lac: usize,
        /// Our Tunnel ID.
        tunnel_id: u16,
    },
}

/// A section's redial rules (`redial`, `redial timeout`, `max redials`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redial {
    /// `redial = yes` with a timeout above 0.
    pub enabled: bool,
    /// `redial timeout`.
    pub timeout: Duration,
    /// `max redials`: redials in a row without a call up; `None`
    /// unbounded.
    pub max: Option<u32>,
}

impl Redial {
    /// A `[lac]` section's rules: `redial = yes` counts only with a
    /// `redial timeout` above 0, as in xl2tpd.
    pub fn of(lac: &super::config::Lac) -> Redial {
        Redial {
            enabled: lac.redial && !lac.redial_timeout.is_zero(),
            timeout: lac.redial_timeout,
            max: lac.max_redials,
        }
    }
}

/// One section's state.
#[derive(Debug, Clone)]
struct LacState {
    redial: Redial,
    /// Removed by the control pipe's `r NAME`: its slot stays (indices
    /// name sections), but nothing dials it any more.
    removed: bool,
    active: bool,
    tunnel: Option<u16>,
    tunnel_up: bool,
    /// Calls placed and not ended.
    calls: u32,
    /// Dials since the last call came up.
    tries: u32,
    redial_at: Option<Instant>,
    credentials: Option<Credentials>,
}

/// Why a dial did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialError {
    /// No such section.
    NoSuchLac,
    /// `max redials` dials in a row without a call coming up.
    TooManyRedials,
}

impl std::fmt::Display for DialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DialError::NoSuchLac => f.write_str("no such [lac] section"),
            DialError::TooManyRedials => f.write_str("maximum redials reached"),
        }
    }
}

/// Every LAC section's dialling; see the module's documentation.
#[derive(Debug, Clone)]
pub struct Dialer {
    lacs: Vec<LacState>,
    /// Calls each section's tunnel carries.
    want: u32,
}

impl Default for Dialer {
    fn default() -> Dialer {
        Dialer::new([])
    }
}

impl Dialer {
    /// Sections with these redial rules, in `Config::lac` order, none
    /// active.
    pub fn new(redials: impl IntoIterator<Item = Redial>) -> Dialer {
        Dialer {
            lacs: redials
                .into_iter()
                .map(|redial| LacState {
                    redial,
                    removed: false,
                    active: false,
                    tunnel: None,
                    tunnel_up: false,
                    calls: 0,
                    tries: 0,
                    redial_at: None,
                    credentials: None,
                })
                .collect(),
            want: 1,
        }
    }

    /// Each section's tunnel carries `n` calls (at least 1), not xl2tpd's
    /// one: what a tunnel places once up, and what a redial makes up.
    pub fn calls_per_tunnel(mut self, n: u32) -> Dialer {
        self.want = n.max(1);
        self
    }

    /// After a reload: section `i` of the new configuration has the rules
    /// `redials[i]` and carries on the state of the old section
    /// `from[i]` (its tunnel, call, credentials), or starts afresh. Old
    /// sections not carried on are forgotten (their tunnels run on,
    /// undialled).
    pub fn reconfigure(&mut self, redials: Vec<Redial>, from: &[Option<usize>]) {
        let mut next = Dialer::new(redials).calls_per_tunnel(self.want);
        for (i, s) in next.lacs.iter_mut().enumerate() {
            let old = from.get(i).copied().flatten();
            if let Some(o) = old.and_then(|o| self.lacs.get(o)).filter(|o| !o.removed) {
                let redial = s.redial;
                *s = o.clone();
                s.redial = redial;
            }
        }
        *self = next;
    }

    /// A section added at run time (the control pipe's `a NAME`): its
    /// index.
    pub fn add(&mut self, redial: Redial) -> usize {
        let mut d = Dialer::new([redial]).calls_per_tunnel(self.want);
        self.lacs.append(&mut d.lacs);
        self.lacs.len() - 1
    }

    /// Takes section `lac` away (`r NAME`): hung up as by
    /// [`disconnect`](Self::disconnect), and never dialled again.
    pub fn remove(&mut self, lac: usize) -> Result<Option<DialAction>, DialError> {
        let action = self.disconnect(lac)?;
        if let Some(s) = self.lacs.get_mut(lac) {
            s.removed = true;
        }
        Ok(action)
    }

    /// Whether section `lac` was removed.
    pub fn is_removed(&self, lac: usize) -> bool {
        self.lacs.get(lac).is_none_or(|s| s.removed)
    }

    /// Dials section `lac` (autodial, or `c NAME`): it becomes active;
    /// `credentials`, if given, are used for its calls from now on.
    pub fn connect(
        &mut self,
        lac: usize,
        credentials: Option<Credentials>,
    ) -> Result<Option<DialAction>, DialError> {
        let s = self
            .lacs
            .get_mut(lac)
            .filter(|s| !s.removed)
            .ok_or(DialError::NoSuchLac)?;
        s.active = true;
        s.tries = 0;
        if credentials.is_some() {
            s.credentials = credentials;
        }
        Ok(Self::dial(lac, s, self.want))
    }

    /// Hangs section `lac` up (`d NAME`): inactive, no redial, its tunnel
    /// closed.
    pub fn disconnect(&mut self, lac: usize) -> Result<Option<DialAction>, DialError> {
        let s = self.lacs.get_mut(lac).ok_or(DialError::NoSuchLac)?;
        s.active = false;
        s.redial_at = None;
        Ok(s.tunnel
            .map(|tunnel_id| DialAction::CloseTunnel { lac, tunnel_id }))
    }

    fn dial(lac: usize, s: &mut LacState, want: u32) -> Option<DialAction> {
        s.redial_at = None;
        match s.tunnel {
            None => Some(DialAction::OpenTunnel { lac }),
            Some(tunnel_id) if s.tunnel_up && s.calls < want => {
                let count = want - s.calls;
                s.calls = want;
                Some(DialAction::PlaceCall {
                    lac,
                    tunnel_id,
                    count,
                })
            }
            // The tunnel is coming up (its call will follow), or the call
            // is there.
            Some(_) => None,
        }
    }

    /// The daemon opened tunnel `tunnel_id` for section `lac`; its call
    /// is placed once it is up.
    pub fn tunnel_opened(&mut self, lac: usize, tunnel_id: u16) {
        if let Some(s) = self.lacs.get_mut(lac) {
            s.tunnel = Some(tunnel_id);
            s.tunnel_up = false;
            s.calls = self.want;
            s.tries += 1;
        }
    }

    /// The daemon could not open a tunnel for `lac` (no address, say).
    pub fn open_failed(&mut self, lac: usize, now: Instant) {
        if let Some(s) = self.lacs.get_mut(lac) {
            s.tries += 1;
            Self::schedule(s, now);
        }
    }

    /// Tunnel `tunnel_id` is up.
    pub fn tunnel_up(&mut self, tunnel_id: u16) {
        if let Some(s) = self.by_tunnel(tunnel_id) {
            s.tunnel_up = true;
        }
    }

    /// A call of tunnel `tunnel_id` came up: the redial count starts
    /// again.
    pub fn call_up(&mut self, tunnel_id: u16) {
        if let Some(s) = self.by_tunnel(tunnel_id) {
            s.tries = 0;
        }
    }

    /// A call of tunnel `tunnel_id` ended (either side's CDN, or it could
    /// not start).
    pub fn call_down(&mut self, tunnel_id: u16, now: Instant) {
        if let Some(s) = self.by_tunnel(tunnel_id) {
            s.calls = s.calls.saturating_sub(1);
            Self::schedule(s, now);
        }
    }

    /// Tunnel `tunnel_id` ended.
    pub fn tunnel_down(&mut self, tunnel_id: u16, now: Instant) {
        if let Some(s) = self.by_tunnel(tunnel_id) {
            s.tunnel = None;
            s.tunnel_up = false;
            s.calls = 0;
            Self::schedule(s, now);
        }
    }

    fn schedule(s: &mut LacState, now: Instant) {
        if s.active && s.redial.enabled && s.redial_at.is_none() {
            s.redial_at = Some(now + s.redial.timeout);
        }
    }

    fn by_tunnel(&mut self, tunnel_id: u16) -> Option<&mut LacState> {
        self.lacs.iter_mut().find(|s| s.tunnel == Some(tunnel_id))
    }

    /// The section whose tunnel is `tunnel_id`.
    pub fn lac_of(&self, tunnel_id: u16) -> Option<usize> {
        self.lacs.iter().position(|s| s.tunnel == Some(tunnel_id))
    }

    /// The credentials for section `lac`'s calls.
    pub fn credentials(&self, lac: usize) -> Option<&Credentials> {
        self.lacs.get(lac)?.credentials.as_ref()
    }

    /// Whether section `lac` is dialled, its tunnel, and whether it has
    /// calls placed (for the control pipe's status).
    pub fn status(&self, lac: usize) -> Option<(bool, Option<u16>, bool)> {
        let s = self.lacs.get(lac)?;
        Some((s.active, s.tunnel, s.calls > 0))
    }

    /// When the next redial is due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.lacs.iter().filter_map(|s| s.redial_at).min()
    }

    /// The redials due at `now`: actions, and the sections that gave up.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Result<DialAction, (usize, DialError)>> {
        let mut out = Vec::new();
        let want = self.want;
        for (lac, s) in self.lacs.iter_mut().enumerate() {
            if s.redial_at.is_none_or(|t| t > now) {
                continue;
            }
            s.redial_at = None;
            if !s.active {
                continue;
            }
            if s.redial.max.is_some_and(|max| s.tries > max) {
                s.active = false;
                out.push(Err((lac, DialError::TooManyRedials)));
                continue;
            }
            if let Some(a) = Self::dial(lac, s, want) {
                if let DialAction::PlaceCall { .. } = a {
                    s.tries += 1;
                }
                out.push(Ok(a));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rppp_auth::Secret;

    const REDIAL: Redial = Redial {
        enabled: true,
        timeout: Duration::from_secs(5),
        max: Some(2),
    };

    #[test]
    fn a_dial_opens_a_tunnel_whose_end_redials_after_the_timeout() {
        let t0 = Instant::now();
        let mut d = Dialer::new([REDIAL]);
        assert_eq!(
            d.connect(0, None),
            Ok(Some(DialAction::OpenTunnel { lac: 0 }))
        );
        d.tunnel_opened(0, 7);
        // Dialling again while it comes up does nothing.
        assert_eq!(d.connect(0, None), Ok(None));
        d.tunnel_up(7);
        d.call_up(7);
        d.tunnel_down(7, t0);
        assert_eq!(d.poll_timeout(), Some(t0 + Duration::from_secs(5)));
        assert!(d.handle_timeout(t0 + Duration::from_secs(4)).is_empty());
        assert_eq!(
            d.handle_timeout(t0 + Duration::from_secs(5)),
            vec![Ok(DialAction::OpenTunnel { lac: 0 })]
        );
    }

    #[test]
    fn a_call_that_ends_is_placed_again_on_the_same_tunnel() {
        let t0 = Instant::now();
        let mut d = Dialer::new([REDIAL]);
        d.connect(0, None).unwrap();
        d.tunnel_opened(0, 7);
        d.tunnel_up(7);
        d.call_down(7, t0);
        assert_eq!(
            d.handle_timeout(t0 + Duration::from_secs(5)),
            vec![Ok(DialAction::PlaceCall {
                lac: 0,
                tunnel_id: 7,
                count: 1
            })]
        );
        assert_eq!(d.status(0), Some((true, Some(7), true)));
    }

    #[test]
    fn a_redial_makes_up_the_calls_that_ended() {
        let t0 = Instant::now();
        let mut d = Dialer::new([REDIAL]).calls_per_tunnel(10);
        d.connect(0, None).unwrap();
        d.tunnel_opened(0, 7);
        d.tunnel_up(7);
        for _ in 0..3 {
            d.call_down(7, t0);
        }
        assert_eq!(
            d.handle_timeout(t0 + REDIAL.timeout),
            vec![Ok(DialAction::PlaceCall {
                lac: 0,
                tunnel_id: 7,
                count: 3
            })]
        );
        assert!(d.handle_timeout(t0 + REDIAL.timeout * 2).is_empty());
    }

    #[test]
    fn max_redials_without_a_call_up_give_up() {
        let t0 = Instant::now();
        let mut d = Dialer::new([REDIAL]);
        d.connect(0, None).unwrap();
        d.tunnel_opened(0, 1); // try 1
        d.tunnel_down(1, t0);
        let r = d.handle_timeout(t0 + REDIAL.timeout);
        assert_eq!(r, vec![Ok(DialAction::OpenTunnel { lac: 0 })]);
        d.tunnel_opened(0, 2); // redial 1
        d.tunnel_down(2, t0 + REDIAL.timeout);
        let r = d.handle_timeout(t0 + REDIAL.timeout * 2);
        assert_eq!(r, vec![Ok(DialAction::OpenTunnel { lac: 0 })]);
        d.tunnel_opened(0, 3); // redial 2
        d.tunnel_down(3, t0 + REDIAL.timeout * 2);
        let r = d.handle_timeout(t0 + REDIAL.timeout * 3);
        assert_eq!(r, vec![Err((0, DialError::TooManyRedials))]);
        assert_eq!(d.poll_timeout(), None);
        assert_eq!(d.status(0), Some((false, None, false)));
    }

    #[test]
    fn a_hang_up_closes_the_tunnel_and_stops_redialling() {
        let t0 = Instant::now();
        let mut d = Dialer::new([REDIAL]);
        let creds = Credentials {
            user: "alice".into(),
            password: Some(Secret::new(*b"pw")),
        };
        d.connect(0, Some(creds.clone())).unwrap();
        assert_eq!(d.credentials(0), Some(&creds));
        assert!(!format!("{creds:?}").contains("pw"));
        d.tunnel_opened(0, 3);
        assert_eq!(
            d.disconnect(0),
            Ok(Some(DialAction::CloseTunnel {
                lac: 0,
                tunnel_id: 3
            }))
        );
        d.tunnel_down(3, t0);
        assert_eq!(d.poll_timeout(), None);
        assert_eq!(d.connect(1, None), Err(DialError::NoSuchLac));
    }

    #[test]
    fn a_reload_carries_a_sections_tunnel_and_credentials_by_position() {
        let mut d = Dialer::new([REDIAL, REDIAL]);
        let creds = Credentials {
            user: "u".into(),
            password: None,
        };
        d.connect(1, Some(creds.clone())).unwrap();
        d.tunnel_opened(1, 4);
        // The new file has the old second section first, and a new one.
        d.reconfigure(vec![REDIAL, REDIAL], &[Some(1), None]);
        assert_eq!(d.status(0), Some((true, Some(4), true)));
        assert_eq!(d.credentials(0), Some(&creds));
        assert_eq!(d.status(1), Some((false, None, false)));
        assert_eq!(d.lac_of(4), Some(0));
    }

    #[test]
    fn a_removed_section_is_hung_up_and_never_dialled_again() {
        let mut d = Dialer::new([]);
        let lac = d.add(REDIAL);
        assert_eq!(lac, 0);
        d.connect(lac, None).unwrap();
        d.tunnel_opened(lac, 9);
        assert_eq!(
            d.remove(lac),
            Ok(Some(DialAction::CloseTunnel { lac, tunnel_id: 9 }))
        );
        assert!(d.is_removed(lac));
        assert_eq!(d.connect(lac, None), Err(DialError::NoSuchLac));
    }
}
