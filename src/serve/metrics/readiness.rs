//! The readiness gauges: an update in progress (its state, each phase, how long it has
//! run of how long it should) and the last validation (its findings by weight, and when
//! its results came), read from the model at scrape time like the others.

use jiff::Timestamp;

use super::Gauge;
use crate::config::ValidateSettings;
use crate::ontap::software::UpdateState;
use crate::serve::labels::{Label, with};
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
            ),
            phase: Gauge::new(
                "ontap_software_update_phase_info",
                "Always 1: one series per phase of the cluster's update (update_details), with its phase, node (empty for cluster-wide phases) and state.",
            ),
            elapsed: Gauge::new(
                "ontap_software_update_elapsed_seconds",
                "Seconds the cluster's update has run, as the cluster says.",
            ),
            estimated: Gauge::new(
                "ontap_software_update_estimated_seconds",
                "Seconds the cluster expects its whole update to take.",
            ),
            checks: Gauge::new(
                "ontap_software_validation_checks",
                "Findings of the cluster's last validation by status: warning and error count; note counts the checks [validate] ignore lowers (reviewed). version is the release ontop validated (empty when not known).",
            ),
            validated: Gauge::new(
                "ontop_validation_timestamp_seconds",
                "Unix time the results of the last validation ontop ran on the cluster came, with the release it was for.",
            ),
        }
    }

    pub(super) fn all(&self) -> [&Gauge; 6] {
        [
            &self.state,
            &self.phase,
            &self.elapsed,
            &self.estimated,
            &self.checks,
            &self.validated,
        ]
    }

    pub(super) fn add(&mut self, c: &ClusterState, labels: &[Label], rules: &ValidateSettings) {
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
                self.state.push(with(labels, "state", word), value);
            }
            for p in &s.phases {
                let mut set = with(labels, "phase", p.phase.as_deref().unwrap_or(""));
                set = with(&set, "node", p.node.as_deref().unwrap_or(""));
                set = with(&set, "state", p.state.as_deref().unwrap_or(""));
                self.phase.push(set, 1.0);
            }
            if let Some(elapsed) = s.elapsed {
                self.elapsed.push(labels.to_vec(), elapsed as f64);
            }
            if let Some(estimated) = s.estimated {
                self.estimated.push(labels.to_vec(), estimated as f64);
            }
        }
        if let Some(v) = readiness.validation() {
            let counts = v.counts(rules);
            let versioned = with(labels, "version", v.version.unwrap_or(""));
            for (status, count) in [
                ("warning", counts.warnings),
                ("error", counts.errors),
                ("note", counts.notes),
            ] {
                self.checks
                    .push(with(&versioned, "status", status), count as f64);
            }
            if let Some(at) = v.at {
                self.validated.push(versioned, seconds(at));
            }
        }
    }
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
