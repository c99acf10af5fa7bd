//! The readiness gauges: an update in progress (its state, each phase, how long it has
//! run of how long it should) and the last validation (its findings by weight, and when
//! its results came), read from the model at scrape time like the others.

use jiff::Timestamp;

use super::{Extra, Gauge};
use crate::config::ValidateSettings;
use crate::ontap::software::UpdateState;
use crate::serve::labels::Escaped;
use crate::state::ClusterState;

/// The readiness gauge families, filled one cluster at a time.
pub(super) struct ReadinessGauges {
    state: Gauge,
    phase: Gauge,
    elapsed: Gauge,
    estimated: Gauge,
    checks: Gauge,
    validated: Gauge,
}

impl ReadinessGauges {
    pub(super) fn new() -> Self {
        Self {
            state: Gauge::new(
                "ontap_software_update_state",
                "1 for the state of the cluster's update (GET /cluster/software, while it holds one: a pending version or phases), 0 for the others; other means a state this ontop does not know.",
                0,
            ),
            phase: Gauge::new(
                "ontap_software_update_phase_info",
                "Always 1: one series per phase of the cluster's update (update_details), with its phase, node (empty for cluster-wide phases) and state.",
                0,
            ),
            elapsed: Gauge::new(
                "ontap_software_update_elapsed_seconds",
                "Seconds the cluster's update has run, as the cluster says.",
                0,
            ),
            estimated: Gauge::new(
                "ontap_software_update_estimated_seconds",
                "Seconds the cluster expects its whole update to take.",
                0,
            ),
            checks: Gauge::new(
                "ontap_software_validation_checks",
                "Findings of the cluster's last validation by status: warning and error count; note counts the checks [validate] ignore lowers (reviewed). version is the release ontop validated (empty when not known).",
                0,
            ),
            validated: Gauge::new(
                "ontop_validation_timestamp_seconds",
                "Unix time the results of the last validation ontop ran on the cluster came, with the release it was for.",
                0,
            ),
        }
    }

    pub(super) fn all(self) -> [Gauge; 6] {
        [
            self.state,
            self.phase,
            self.elapsed,
            self.estimated,
            self.checks,
            self.validated,
        ]
    }

    /// Adds the series of cluster `i` (an index into the served labels).
    pub(super) fn add(&mut self, i: usize, c: &ClusterState, rules: &ValidateSettings) {
        let readiness = &c.readiness;
        // `state: failed` alone may be a validation's error, not an update's: an update is
        // the one with a pending version or phases.
        if let Some(s) = readiness
            .software()
            .filter(|s| s.pending_version.is_some() || !s.phases.is_empty())
        {
            let current = s.state.as_ref().map(state_word);
            for word in UpdateState::WORDS.iter().copied().chain(["other"]) {
                let value = f64::from(u8::from(current == Some(word)));
                self.state.push_with(i, Extra::State(word), value);
            }
            for p in &s.phases {
                let set = vec![
                    ("phase", text(p.phase.as_deref())),
                    ("node", text(p.node.as_deref())),
                    ("state", text(p.state.as_deref())),
                ];
                self.phase.push_with(i, Extra::Labels(set), 1.0);
            }
            if let Some(elapsed) = s.elapsed {
                self.elapsed.push(i, elapsed as f64);
            }
            if let Some(estimated) = s.estimated {
                self.estimated.push(i, estimated as f64);
            }
        }
        if let Some(v) = readiness.validation() {
            let counts = v.counts(rules);
            let version = text(v.version);
            for (status, count) in [
                ("warning", counts.warnings),
                ("error", counts.errors),
                ("note", counts.notes),
            ] {
                let set = vec![
                    ("version", version.clone()),
                    ("status", Escaped(status.into())),
                ];
                self.checks.push_with(i, Extra::Labels(set), count as f64);
            }
            if let Some(at) = v.at {
                self.validated
                    .push_with(i, Extra::Version(version), seconds(at));
            }
        }
    }
}

/// A label value from what a cluster said, empty when it said nothing.
fn text(value: Option<&str>) -> Escaped {
    Escaped(value.unwrap_or("").to_owned())
}

fn state_word(state: &UpdateState) -> &str {
    match state {
        UpdateState::Other(_) => "other",
        known => known.as_str(),
    }
}

fn seconds(at: Timestamp) -> f64 {
    at.as_millisecond() as f64 / 1000.0
}
