//! The details' readiness sections: the update under way (its state, the phase now, each
//! phase per node with elapsed of estimated, the nodes' releases, and each status detail
//! with the cluster's issue and action: what a paused or failed update asks of a person),
//! and the last validation (its verdict, release, when it was read, the counts and every
//! finding with its issue and action; a validation asked for and not ended, or one that
//! ended without findings, with why).

use ratatui::style::Style;

use super::Details;
use crate::download::{Ending, Operation};
use crate::state::ClusterState;
use crate::state::readiness::{short_node, update_of};
use crate::state::validation::{Verdict, Weight, weight};

impl Details {
    /// The update, when the cluster's software tells of one.
    pub(super) fn update(&mut self, c: &ClusterState) {
        let Some(update) = update_of(c) else {
            return;
        };
        self.heading("Update");
        let style = self.theme.update_state(update.state);
        let mark = if update.needs_a_look() { "✗ " } else { "" };
        self.field("state", &format!("{mark}{}", update.state_word()), style);
        self.field("to", update.to.unwrap_or("not said"), Style::new());
        let software = update.software;
        let nodes: Vec<String> = software
            .nodes
            .iter()
            .map(|n| {
                format!(
                    "{} {}",
                    n.name.as_deref().unwrap_or("?"),
                    n.version.as_deref().unwrap_or("?")
                )
            })
            .collect();
        if !nodes.is_empty() {
            self.field("nodes", &nodes.join(", "), Style::new());
        }
        for phase in &software.phases {
            let node = phase
                .node
                .as_deref()
                .map(|n| format!(" {}", short_node(&c.identity.name, n)))
                .unwrap_or_default();
            let times = match (phase.elapsed, phase.estimated) {
                (Some(e), Some(t)) => format!(", {} of {}", span(e), span(t)),
                (Some(e), None) => format!(", {}", span(e)),
                _ => String::new(),
            };
            let state = phase.state.as_deref().unwrap_or("?");
            let style = match state {
                "paused_on_error" | "failed" => self.theme.update_state(update.state),
                _ => Style::new(),
            };
            let label = phase.phase.as_deref().unwrap_or("phase");
            self.field(&format!("{label}{node}"), &format!("{state}{times}"), style);
        }
        for detail in &software.statuses {
            let name = detail.name.as_deref().unwrap_or("status");
            let node = detail
                .node
                .as_deref()
                .map(|n| format!(" on {n}"))
                .unwrap_or_default();
            let state = detail.state.as_deref().unwrap_or("?");
            self.field("status", &format!("{name}{node}: {state}"), Style::new());
            // A step that completed says so in its state; its message adds nothing.
            if state == "completed" {
                continue;
            }
            // A step that stopped says its issue loud; one under way only says what it does.
            let stopped = matches!(state, "failed" | "paused_on_error" | "error");
            let (label, style) = if stopped {
                ("issue", self.theme.failure_text())
            } else {
                ("message", Style::new())
            };
            if let Some(issue) = &detail.issue {
                let code = issue
                    .code
                    .filter(|&c| c != 0)
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                self.field(label, &format!("{}{code}", issue.message), style);
            }
            if let Some(action) = &detail.action {
                self.field("action", &action.message, self.theme.heading());
            }
        }
    }

    /// The last validation, and a validation asked for that has not given findings.
    pub(super) fn validation(&mut self, c: &ClusterState) {
        let validation = c.readiness.validation();
        let asked = c.readiness.operation.as_ref();
        if validation.is_none() && asked.is_none() {
            return;
        }
        self.heading("Validation");
        if let Some(f) = asked {
            let version = match &f.operation {
                Operation::Validation { version } => version.as_str(),
                _ => "?",
            };
            match f.ending() {
                None => self.field(
                    "asked",
                    &format!(
                        "{version}: {} (the findings come when the job ends)",
                        f.phase.label()
                    ),
                    Style::new(),
                ),
                Some(Ending::Validated { .. }) => {}
                Some(ending) => {
                    let text = format!("{version}: {}", ending.summary());
                    self.field("last asked", &text, self.theme.failure_text());
                    if let Some(step) = ending.next_step() {
                        self.field("next step", step, self.theme.heading());
                    }
                }
            }
        }
        let Some(v) = validation else {
            return;
        };
        let verdict = v.verdict(None, self.now, &self.rules);
        let (_, style) = self.theme.verdict(&verdict);
        self.field("verdict", &verdict.describe(), style);
        let release = v
            .version
            .unwrap_or("not known (validated outside this ontop)");
        self.field("release", release, Style::new());
        if let Some(at) = v.at {
            self.field("read", &self.moment(at), Style::new());
        }
        let counts = v.counts(&self.rules);
        let n = |n: usize, one: &str| match n {
            1 => format!("1 {one}"),
            n => format!("{n} {one}s"),
        };
        let text = format!(
            "{}, {}, {} (notes: reviewed checks, [validate] ignore)",
            n(counts.errors, "error"),
            n(counts.warnings, "warning"),
            n(counts.notes, "note")
        );
        self.field("findings", &text, Style::new());
        let mut checks: Vec<_> = v.checks.iter().collect();
        checks.sort_by_key(|check| weight(check, &self.rules));
        for check in checks {
            let weight = weight(check, &self.rules);
            let (mark, style) = match weight {
                Weight::Error => ("✗", self.theme.verdict(&Verdict::Errors(1)).1),
                Weight::Warning => ("!", self.theme.verdict(&Verdict::Warnings(1)).1),
                Weight::Note => ("·", self.theme.dim()),
            };
            self.field(
                &format!("{mark} {}", weight.word()),
                &check.name,
                style.patch(self.theme.heading()),
            );
            if let Some(issue) = &check.issue {
                self.field("  issue", issue, Style::new());
            }
            if let Some(action) = &check.action {
                self.field("  action", action, Style::new());
            }
        }
    }
}

/// Seconds as an age: "40m".
fn span(s: i64) -> String {
    crate::state::format_age(std::time::Duration::from_secs(s.max(0) as u64))
}
