//! The model: plain data and pure functions, no terminal and no network.
//!
//! The TUI loop owns one [`Model`] and feeds it fleet events with [`Model::apply`]; the
//! views read it. Everything here takes `now` as an argument, so tests pin time.

pub(crate) mod cluster;
pub(crate) mod filter;
pub(crate) mod plan;
pub(crate) mod readiness;
pub(crate) mod report;
pub(crate) mod standing;
pub(crate) mod table;
pub(crate) mod validation;

use jiff::Timestamp;

pub use cluster::Change;
pub use cluster::ClusterIdentity;
pub use cluster::Health;
pub(crate) use cluster::{ClusterState, age, format_age, short_uuid};
pub(crate) use standing::Standing;
pub use table::{Column, SortOrder, visible_rows};

use crate::engine::Update;
use crate::ontap::DownloadState;

/// The whole fleet as the dashboard knows it, in config order.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub clusters: Vec<ClusterState>,
    /// How validation results are judged (`[validate]`).
    pub validate: crate::config::ValidateSettings,
}

/// What an open operation waits on: which count of [`OpenOperations`] it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waits {
    Download,
    Queued,
    Removal,
    Validation,
}

fn waits_on(op: &crate::download::Followed) -> Waits {
    use crate::download::{OperationKind, Phase};
    match (op.kind(), &op.phase) {
        (OperationKind::Removal, _) => Waits::Removal,
        (OperationKind::Validation, _) => Waits::Validation,
        (_, Phase::Queued { .. }) => Waits::Queued,
        _ => Waits::Download,
    }
}

/// The header's fleet counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FleetCounts {
    pub clusters: usize,
    pub downloading: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub failing: usize,
    pub stale: usize,
    /// Failing clusters whose polls are paused after a refused login.
    pub paused: usize,
}

/// Operations the engine follows that have not ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOperations {
    /// Downloads running, or asked for and not answered yet.
    pub downloads: usize,
    /// Starts waiting in ontop for a place (`max_running`): nothing sent.
    pub queued: usize,
    /// Package removals.
    pub removals: usize,
    /// Validations running, or waiting for their results.
    pub validations: usize,
}

impl OpenOperations {
    /// Nothing is open.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Model {
    /// A model of clusters nothing is known about yet.
    pub fn new(identities: impl IntoIterator<Item = ClusterIdentity>) -> Self {
        Self {
            clusters: identities.into_iter().map(ClusterState::new).collect(),
            validate: Default::default(),
        }
    }

    /// Applies one update; returns whether anything visible changed. Updates about a
    /// cluster the model does not have, or about none, change nothing here.
    pub fn apply(&mut self, update: Update) -> bool {
        match update.cluster().and_then(|i| self.clusters.get_mut(i)) {
            Some(cluster) => cluster.apply(update),
            None => false,
        }
    }

    /// The operations not ended yet, by what they wait on: (running or on their way,
    /// queued in ontop, package removals). The quit question and `--wait` read these.
    pub fn open_operations(&self) -> OpenOperations {
        let mut open = OpenOperations::default();
        for op in self.clusters.iter().flat_map(|c| c.open_operations()) {
            match waits_on(op) {
                Waits::Removal => open.removals += 1,
                Waits::Validation => open.validations += 1,
                Waits::Queued => open.queued += 1,
                Waits::Download => open.downloads += 1,
            }
        }
        open
    }

    /// The clusters, in config order, whose download (or upload) counts in
    /// [`OpenOperations::downloads`]: the quit question names them.
    pub(crate) fn downloading(&self) -> impl Iterator<Item = usize> + '_ {
        (self.clusters.iter().enumerate())
            .filter(|(_, c)| {
                c.open_operations()
                    .any(|op| waits_on(op) == Waits::Download)
            })
            .map(|(i, _)| i)
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
            if c.health(now) == Health::Failing {
                counts.failing += 1;
            }
            if c.login_paused.is_some() {
                counts.paused += 1;
            }
            // Stale counts every row whose values are old, failing ones too.
            if c.is_stale(now) {
                counts.stale += 1;
            }
        }
        counts
    }
}
