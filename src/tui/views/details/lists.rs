//! The lists of the details: the packages in the cluster's repository and its history.

use jiff::Timestamp;
use ratatui::style::Style;

use super::Details;
use crate::state::{ClusterState, Health, age};
use crate::tui::format::{ago, clock, time_of_day};

impl Details {
    /// The packages in the cluster's repository, as of when they were read.
    pub(super) fn packages(&mut self, c: &ClusterState) {
        let Some((at, packages)) = &c.packages else {
            self.heading("Packages on the cluster");
            let text = match c.health(self.now) {
                _ if c.login_paused.is_some() => "not read: the cluster refused the login",
                Health::Failing => "not known: the cluster does not answer",
                _ => "asking the cluster…",
            };
            self.field("", text, self.theme.dim());
            return;
        };
        self.heading(&format!(
            "Packages on the cluster (as of {})",
            ago(Some(*at), self.now)
        ));
        if packages.is_empty() {
            self.field("", "none", self.theme.dim());
        }
        for p in packages {
            let created = p
                .create_time
                .as_deref()
                .map(|t| match t.parse::<Timestamp>() {
                    Ok(t) => format!("created {}", self.moment(t)),
                    Err(_) => format!("created {t}"),
                })
                .unwrap_or_default();
            self.field(p.version.as_deref().unwrap_or("?"), &created, Style::new());
        }
    }

    /// The cluster's history, newest first.
    pub(super) fn history(&mut self, c: &ClusterState) {
        self.heading("History (newest first)");
        if c.history.is_empty() {
            self.field("", "nothing yet", self.theme.dim());
        }
        for t in c.history.iter().rev() {
            let when = if age(t.at, self.now).as_secs() < 86_400 {
                time_of_day(t.at)
            } else {
                clock(t.at)
            };
            self.field(&when, &t.what.to_string(), Style::new());
        }
    }
}
