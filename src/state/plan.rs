//! The engine's plan for a download, made from what a model knows: the one way every
//! front end (the dashboard's confirmation, `ontop download`) turns chosen clusters into
//! targets, attachments and skips.

use jiff::Timestamp;

use super::{ClusterState, Health, Model};
use crate::download::{Busy, Candidate, Plan, holding, plan};
use crate::ontap::DownloadState;

impl Model {
    /// The plan for `chosen` (indices into the model), from what is known now; clusters
    /// that run or hold `version` (the package's release, when its name says) are
    /// skipped. `session_read_only` is `--read-only`.
    pub fn plan(
        &self,
        chosen: &[usize],
        version: Option<&str>,
        session_read_only: bool,
        now: Timestamp,
    ) -> Plan {
        plan(chosen.iter().filter_map(|&cluster| {
            let c = self.clusters.get(cluster)?;
            let packages = c.packages.as_ref().map(|(_, list)| list.as_slice());
            Some(Candidate {
                cluster,
                name: c.identity.name.clone(),
                read_only: session_read_only || c.identity.read_only,
                busy: busy(c),
                failing: failing_reason(c, now),
                login_refused: c.login_paused.is_some(),
                holds: version.and_then(|v| holding(v, c.version.as_deref(), packages)),
            })
        }))
    }
}

/// Whether a download already runs there, as the model knows it: one the engine
/// follows, or the cluster's own state.
fn busy(c: &ClusterState) -> Busy {
    if c.phase().is_some_and(|p| p.ending().is_none()) {
        Busy::Followed
    } else if matches!(c.download_state(), Some(DownloadState::Running)) {
        Busy::Downloading
    } else {
        Busy::No
    }
}

/// Why a cluster cannot take a download now: it does not answer, or has not yet.
fn failing_reason(c: &ClusterState, now: Timestamp) -> Option<String> {
    match c.health(now) {
        Health::Failing => Some(match &c.last_error {
            Some(e) => format!("{}: {}", e.kind, e.message),
            None => "the last poll failed".to_string(),
        }),
        Health::Unknown => Some("no answer yet".to_string()),
        Health::Ok | Health::Stale => None,
    }
}
