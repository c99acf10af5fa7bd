//! What a row says of a cluster's readiness: the READY verdict (the last validation's,
//! judged by `[validate]`, the same verdict `ontop status --json` gives), and the UPDATE
//! summary of an update under way (its phase now, the node, the state, elapsed of
//! estimated). The table, the filter's words, the sort and the details read these, so
//! they cannot disagree.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::cluster::ClusterState;
use super::validation::{Verdict, verdict_of};
use crate::config::ValidateSettings;
use crate::ontap::software::{Software, UpdateState};

/// The READY verdict of `c` at `now`: its last validation's, about whatever release it
/// was for (as `ontop status --json` says it); unknown without one.
pub(crate) fn ready_verdict(c: &ClusterState, now: Timestamp, rules: &ValidateSettings) -> Verdict {
    verdict_of(c.readiness.validation(), None, now, rules)
}

/// Whether a validation ontop asked for runs there now (its results are not read yet).
pub(crate) fn validating(c: &ClusterState) -> bool {
    c.readiness
        .operation
        .as_ref()
        .is_some_and(|f| f.ending().is_none())
}

/// The order READY sorts in: errors first (the most first), then warnings, stale,
/// unknown, ready last.
pub(crate) fn compare_ready(
    a: &ClusterState,
    b: &ClusterState,
    now: Timestamp,
    rules: &ValidateSettings,
) -> Ordering {
    let rank = |c: &ClusterState| match ready_verdict(c, now, rules) {
        Verdict::Errors(n) => (0, usize::MAX - n),
        Verdict::Warnings(n) => (1, usize::MAX - n),
        Verdict::Stale(_) => (2, 0),
        Verdict::Unknown => (3, 0),
        Verdict::Ready => (4, 0),
    };
    rank(a).cmp(&rank(b))
}

/// The order UPDATE sorts in: those that need a look first, then those under way, then
/// the rest.
pub(crate) fn compare_update(a: &ClusterState, b: &ClusterState) -> Ordering {
    let rank = |c: &ClusterState| match update_of(c) {
        Some(u) if u.needs_a_look() => 0,
        Some(u) if u.open() => 1,
        Some(_) => 2,
        None => 3,
    };
    rank(a).cmp(&rank(b))
}

/// Whether the UPDATE column has something to say: an update is under way (or paused),
/// or one failed, on some cluster.
pub(crate) fn any_update(clusters: &[ClusterState]) -> bool {
    clusters
        .iter()
        .filter_map(update_of)
        .any(|u| u.open() || u.needs_a_look())
}

/// Whether an update somewhere is paused on an error or failed: a person must look.
pub(crate) fn any_update_needing_a_look(clusters: &[ClusterState]) -> bool {
    clusters
        .iter()
        .filter_map(update_of)
        .any(|u| u.needs_a_look())
}

/// An update as a row shows it, read from the cluster's software.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UpdateSummary<'a> {
    /// The software it is read from (phases, status details, nodes).
    pub software: &'a Software,
    /// The release it goes to.
    pub to: Option<&'a str>,
    /// The phase now ("ONTAP updates"), when the cluster says.
    pub phase: Option<&'a str>,
    /// The node it runs on, when the phase names one.
    pub node: Option<&'a str>,
    /// The update's state, when the cluster says.
    pub state: Option<&'a UpdateState>,
    /// Seconds spent and expected in the phase now (else in the whole update).
    pub elapsed: Option<i64>,
    pub estimated: Option<i64>,
}

impl UpdateSummary<'_> {
    /// Not ended: running, waiting or paused.
    pub(crate) fn open(&self) -> bool {
        self.state.is_some_and(UpdateState::is_open)
    }

    /// Paused on an error, or failed: a person must look.
    pub(crate) fn needs_a_look(&self) -> bool {
        self.state.is_some_and(UpdateState::needs_a_look)
    }

    /// The state in a word: ONTAP's, with `in_progress` said as "running".
    pub(crate) fn state_word(&self) -> &str {
        match self.state {
            Some(UpdateState::InProgress) => "running",
            Some(state) => state.as_str(),
            None => "unknown",
        }
    }
}

/// The update `c`'s software tells of, when it tells of one (a release it goes to, or
/// phases).
pub(crate) fn update_of(c: &ClusterState) -> Option<UpdateSummary<'_>> {
    let software = c.readiness.software()?;
    if software.pending_version.is_none() && software.phases.is_empty() {
        return None;
    }
    let phase = software.current_phase();
    Some(UpdateSummary {
        software,
        to: software.pending_version.as_deref(),
        phase: phase.and_then(|p| p.phase.as_deref()),
        node: phase.and_then(|p| p.node.as_deref()),
        state: software.state.as_ref(),
        elapsed: phase.and_then(|p| p.elapsed).or(software.elapsed),
        estimated: phase.and_then(|p| p.estimated).or(software.estimated),
    })
}

/// A node's name as a row shows it: without its cluster's name in front
/// (`prod-ams-1-02` on `prod-ams-1` is `02`), whole otherwise.
pub(crate) fn short_node<'a>(cluster: &str, node: &'a str) -> &'a str {
    node.strip_prefix(cluster)
        .and_then(|rest| rest.strip_prefix(['-', '_']))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_loses_its_clusters_name_only_when_it_starts_with_it() {
        assert_eq!(short_node("prod-ams-1", "prod-ams-1-02"), "02");
        assert_eq!(short_node("prod-ams-1", "node-a"), "node-a");
        assert_eq!(short_node("prod-ams-1", "prod-ams-1"), "prod-ams-1");
        assert_eq!(short_node("prod-ams-1", "prod-ams-1-"), "prod-ams-1-");
    }
}
