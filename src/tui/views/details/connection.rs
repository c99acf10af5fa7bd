//! The details pane's cluster section, past its name and version: how ontop reaches
//! the cluster (TLS, certificate, plain HTTP, read-only) and how far to trust what is
//! shown (health, and a login paused after a refusal).

use ratatui::style::Style;

use super::Details;
use crate::ontap::EXPIRY_WARNING_DAYS;
use crate::state::{ClusterState, Health, format_age};
use crate::tui::format::ago;

impl Details {
    /// The certificate and the flags that change how far the connection is trusted.
    pub(super) fn connection(&mut self, c: &ClusterState) {
        if c.identity.insecure {
            self.field(
                "tls",
                "certificate NOT verified (insecure = true)",
                self.theme.warning_badge(),
            );
        }
        if let Some(cert) = &c.certificate {
            let days = cert.days_left_at(self.now);
            let when = if days < 0 {
                format!("EXPIRED {} days ago", -days)
            } else {
                format!("expires in {days} days")
            };
            let trust = if cert.insecure {
                "not verified"
            } else if cert.pinned {
                "pinned"
            } else {
                "verified"
            };
            let kind = if cert.self_signed {
                ", self-signed"
            } else {
                ""
            };
            let text = format!(
                "{when} ({}), {trust}{kind}; {}",
                crate::ontap::certificate::written_utc(cert.expires, "%Y-%m-%d %H:%M:%S UTC"),
                cert.fingerprint
            );
            let style = if days < EXPIRY_WARNING_DAYS {
                self.theme.warning_badge()
            } else {
                Style::new()
            };
            self.field("certificate", &text, style);
        }
        if c.plain_http() {
            self.field(
                "http",
                "plain HTTP: credentials cross the network unencrypted",
                self.theme.warning_badge(),
            );
        }
        if c.identity.read_only {
            self.field(
                "read-only",
                "downloads are disabled for this cluster",
                self.theme.info_badge(),
            );
        }
    }

    /// Health in the table's word, and the login pause with the keys that end it.
    pub(super) fn health(&mut self, c: &ClusterState) {
        let health = c.health(self.now);
        // The same word as the table's HEALTH: old values read as STALE, failing or not.
        let shown = if c.is_stale(self.now) {
            Health::Stale
        } else {
            health
        };
        let (word, style) = self.theme.health(shown);
        let every = format_age(c.identity.poll_interval);
        let text = match health {
            // The table's word for it: the cluster answered, and refused the login.
            _ if c.login_paused.is_some() => format!(
                "PAUSED: login refused, nothing asked since; last answer {}",
                ago(c.last_success, self.now)
            ),
            Health::Ok => format!("{word}: last answer {}", ago(c.last_success, self.now)),
            Health::Unknown => format!("{word}: no answer yet"),
            Health::Stale => format!(
                "{word}: last answer {}, polled every {every}",
                ago(c.last_success, self.now)
            ),
            Health::Failing => format!(
                "{word}: last poll failed {}; last answer {}",
                ago(c.last_failure, self.now),
                ago(c.last_success, self.now)
            ),
        };
        self.field("health", &text, style);
        if let Some((since, pause)) = c.login_paused.as_deref() {
            let mut text = format!(
                "polls paused {}: {} refused the login of {} (every refused login counts \
                 towards locking the account). p enters the password",
                ago(Some(*since), self.now),
                c.identity.name,
                pause.user
            );
            if let Some(source) = &pause.source {
                text.push_str(&format!("; r reads {source} again"));
            }
            if let Some(note) = &pause.note {
                text.push_str(&format!(". Last try: {note}"));
            }
            self.field("login", &text, style);
        }
    }
}
