//! The model: plain data and pure functions, no terminal and no network.
//!
//! The TUI loop owns one [`Model`] and feeds it fleet events with [`Model::apply`]; the
//! views read it. Everything here takes `now` as an argument, so tests pin time.

pub mod cluster;
pub mod progress;
pub mod session;
pub mod table;

use jiff::Timestamp;

pub use cluster::{ClusterIdentity, ClusterState, Health, Transition, age, format_age, short_uuid};
pub use progress::JobProgress;
pub use session::{SessionDownload, SessionPhase};
pub use table::{Column, SortOrder, visible_rows};

use crate::download::Ending;
use crate::fleet::Event;
use crate::ontap::DownloadState;

/// The whole fleet as the dashboard knows it, in config order.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub clusters: Vec<ClusterState>,
}

/// The header's fleet counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FleetCounts {
    pub clusters: usize,
    pub downloading: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub failing: usize,
    pub stale: usize,
}

impl Model {
    /// A model of clusters nothing is known about yet.
    pub fn new(identities: impl IntoIterator<Item = ClusterIdentity>) -> Self {
        Self {
            clusters: identities.into_iter().map(ClusterState::new).collect(),
        }
    }

    /// Applies one event; returns whether anything visible changed. Events about a
    /// cluster the model does not have are ignored.
    pub fn apply(&mut self, event: Event) -> bool {
        match self.clusters.get_mut(event.cluster()) {
            Some(cluster) => cluster.apply(event),
            None => false,
        }
    }

    /// The session downloads that ended since the last call, for the bell, the status
    /// message, the audit log and the journal. Each ending is returned once.
    pub fn take_endings(&mut self) -> Vec<(usize, Ending)> {
        self.clusters
            .iter_mut()
            .enumerate()
            .filter_map(|(i, c)| c.take_unannounced_ending().map(|e| (i, e)))
            .collect()
    }

    /// Picks up a download an earlier session started (from the journal).
    pub fn resume(&mut self, cluster: usize, url: String, job: String, started_at: Timestamp) {
        if let Some(c) = self.clusters.get_mut(cluster) {
            c.session = Some(SessionDownload::resumed(url, job, started_at));
        }
    }

    /// Counts for the header at `now`.
    pub fn counts(&self, now: Timestamp) -> FleetCounts {
        let mut counts = FleetCounts {
            clusters: self.clusters.len(),
            ..FleetCounts::default()
        };
        for c in &self.clusters {
            match c.download_state() {
                Some(DownloadState::Running) => counts.downloading += 1,
                Some(DownloadState::Success) => counts.succeeded += 1,
                Some(DownloadState::Failure) => counts.failed += 1,
                _ => {}
            }
            match c.health(now) {
                Health::Failing => counts.failing += 1,
                Health::Stale => counts.stale += 1,
                Health::Ok | Health::Unknown => {}
            }
        }
        counts
    }
}
