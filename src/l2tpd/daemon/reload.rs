//! `rppp ctl reload` and SIGHUP: the daemon re-reads xl2tpd.conf and
//! l2tp-secrets (and checks every section's PPP options) while every
//! tunnel and session runs on.
//!
//! - A file with an error changes nothing: the answer names the file and
//!   the line (or the section and the option).
//! - Each tunnel keeps its section, found again by name; a tunnel whose
//!   section is gone runs on, and new calls on it are refused.
//! - New calls take the new settings: pools, PPP options, secrets (the
//!   chap-secrets and pap-secrets files are read at each call anyway).
//! - `[lac]` sections keep their dialling state by name; a new section
//!   with `autodial = yes` is dialled. Sections the control pipe added
//!   (`a NAME`) are not in the file and are forgotten.
//! - `listen-addr` and `port` take effect at the next start (said in the
//!   answer).
//! - Started with flags (no xl2tpd.conf): the configuration is the
//!   command line's and stays; the PPP options files are checked.

use super::Daemon;
use crate::l2tpd::config;
use crate::l2tpd::dialer::Redial;
use crate::l2tpd::settings::Settings;

impl Daemon {
    /// Reloads; the answer for `rppp ctl`, or why nothing changed.
    pub(super) fn reload(&mut self) -> Result<String, String> {
        let Some(sources) = self.settings.sources.clone() else {
            // The flag form: the configuration is the command line's; the
            // PPP options files it names are read at each call, and
            // checked here.
            self.setup
                .check(&self.settings)
                .map_err(|(section, e)| format!("{section}: {e}"))?;
            return Ok(format!(
                "started with flags, not -c: the configuration stays; the PPP options \
                 and secrets files are read at each call, and check out; {} tunnel(s) and \
                 {} PPP session(s) run on\n",
                self.endpoint.tunnel_ids().count(),
                self.glue.ppp_sessions(),
            ));
        };
        let (config, secrets) =
            Settings::load(&sources, &mut config::read_file).map_err(|e| e.to_string())?;
        let mut next = self.settings.clone();
        next.config = config;
        next.secrets = secrets;
        self.setup
            .check(&next)
            .map_err(|(section, e)| format!("{section}: {e}"))?;
        for w in &next.config.warnings {
            tracing::warn!("{w}");
        }
        let mut notes = Vec::new();
        let (g, o) = (&next.config.global, &self.settings.config.global);
        if (g.listen_addr, g.port) != (o.listen_addr, o.port) {
            notes.push("listen-addr and port take effect at the next start");
        }
        // Tunnels keep their sections, by name.
        let old = std::mem::replace(&mut self.settings, next);
        // Section indices and words may differ now.
        self.setup.forget_templates();
        for place in self.places.values_mut() {
            place.section = self.settings.remap(&old.config, place.section);
        }
        // The dialler carries each [lac] section on by name.
        let from: Vec<Option<usize>> = self
            .settings
            .config
            .lac
            .iter()
            .map(|l| {
                old.config.lac.iter().enumerate().position(|(i, o)| {
                    o.common.section.eq_ignore_ascii_case(&l.common.section)
                        && !self.dialer.is_removed(i)
                })
            })
            .collect();
        let redials = self.settings.config.lac.iter().map(Redial::of).collect();
        self.dialer.reconfigure(redials, &from);
        let new_autodial: Vec<usize> = (0..self.settings.config.lac.len())
            .filter(|&i| from[i].is_none() && self.settings.config.lac[i].autodial)
            .collect();
        for i in new_autodial {
            self.connect_lac(i, None);
        }
        let c = &self.settings.config;
        let mut answer = format!(
            "reloaded {}: {} [lns] and {} [lac] section(s); {} tunnel(s) and {} PPP session(s) run on\n",
            sources.config,
            c.lns.len() + usize::from(c.lns_default.is_some()),
            c.lac.len(),
            self.endpoint.tunnel_ids().count(),
            self.glue.ppp_sessions(),
        );
        for n in notes {
            answer.push_str(n);
            answer.push('\n');
        }
        tracing::info!("{}", answer.trim_end());
        Ok(answer)
    }
}
