//! The table's columns, filter and sort: one source of truth for what a row shows.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::Model;
use super::cluster::{ClusterState, age};
use super::filter::Filter;
use crate::download::{Ending, Followed, Phase, Since};
use crate::ontap::Package;

/// A column of the cluster table. The order of [`Column::ALL`] is the order on screen
/// and the order of the sort menu (`s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Version,
    /// Whether the cluster has the release of the package the form would download.
    Package,
    Labels,
    Download,
    Message,
    Code,
    Job,
    InState,
    LastPoll,
    Health,
    /// The last validation's verdict.
    Ready,
    /// An update under way: phase, node, state, elapsed of estimated.
    Update,
}

impl Column {
    /// Every column, left to right.
    pub const ALL: [Column; 13] = [
        Column::Name,
        Column::Version,
        Column::Package,
        Column::Labels,
        Column::Ready,
        Column::Update,
        Column::Download,
        Column::Message,
        Column::Code,
        Column::Job,
        Column::InState,
        Column::LastPoll,
        Column::Health,
    ];

    /// The columns the sort menu offers: all but PKG, which is about the form's release.
    pub const SORTABLE: [Column; 12] = {
        let mut sortable = [Column::Name; 12];
        let (mut from, mut to) = (0, 0);
        while from < Self::ALL.len() {
            if !matches!(Self::ALL[from], Column::Package) {
                sortable[to] = Self::ALL[from];
                to += 1;
            }
            from += 1;
        }
        sortable
    };

    /// The header text.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Self::Name => "CLUSTER",
            Self::Version => "VERSION",
            Self::Package => "PKG",
            Self::Labels => "LABELS",
            Self::Download => "DOWNLOAD",
            Self::Message => "MESSAGE",
            Self::Code => "CODE",
            Self::Job => "JOB",
            Self::InState => "IN STATE",
            Self::LastPoll => "POLLED",
            Self::Health => "HEALTH",
            Self::Ready => "READY",
            Self::Update => "UPDATE",
        }
    }

    fn compare(
        self,
        a: &ClusterState,
        b: &ClusterState,
        now: Timestamp,
        model: &Model,
    ) -> Ordering {
        match self {
            Self::Name => a.identity.name.cmp(&b.identity.name),
            Self::Version => a.version.cmp(&b.version),
            // Which release it is about is the screen's: the sort menu skips this column.
            Self::Package => Ordering::Equal,
            Self::Labels => labels_text(a).cmp(&labels_text(b)),
            Self::Download => state_rank(a).cmp(&state_rank(b)),
            Self::Message => message(a).cmp(message(b)),
            Self::Code => code(a).cmp(&code(b)),
            Self::Job => job_word(a).cmp(job_word(b)),
            // Longest in state (the earliest moment) first reads best, rows with no
            // time last; `S` reverses it.
            Self::InState => {
                let key = |c: &ClusterState| (since(c).is_none(), since(c));
                key(a).cmp(&key(b))
            }
            Self::LastPoll => b.last_success.cmp(&a.last_success),
            Self::Health => b.health(now).cmp(&a.health(now)),
            Self::Ready => super::readiness::compare_ready(a, b, now, &model.validate),
            Self::Update => super::readiness::compare_update(a, b),
        }
    }
}

/// How rows are ordered: by a column, or in config order when `column` is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SortOrder {
    pub column: Option<Column>,
    pub reverse: bool,
}

impl SortOrder {
    /// The order a sort key asks for: by `column` (`None`: config order) in its natural
    /// direction; the column already sorted by again turns it round.
    pub fn by(self, column: Option<Column>) -> Self {
        if column == self.column {
            return self.reversed();
        }
        Self {
            column,
            reverse: false,
        }
    }

    /// The same column, the other way round (`S`).
    pub fn reversed(self) -> Self {
        Self {
            reverse: !self.reverse,
            ..self
        }
    }
}

/// Indices of the clusters that pass `filter` (see [`super::filter`]), in `sort` order.
pub fn visible_rows(model: &Model, filter: &str, sort: SortOrder, now: Timestamp) -> Vec<usize> {
    let filter = Filter::parse(filter).judged_by(&model.validate);
    let mut rows: Vec<usize> = model
        .clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| filter.matches(c, now))
        .map(|(i, _)| i)
        .collect();
    if let Some(column) = sort.column {
        // A stable sort keeps config order among equals.
        rows.sort_by(|&a, &b| column.compare(&model.clusters[a], &model.clusters[b], now, model));
    }
    if sort.reverse {
        rows.reverse();
    }
    rows
}

/// Running first, then failures, so the interesting rows rise to the top.
fn state_rank(c: &ClusterState) -> (u8, String) {
    use crate::ontap::DownloadState as D;
    let rank = match c.download_state() {
        Some(D::Running) => 0,
        Some(D::Failure) => 1,
        Some(D::Other(_)) => 2,
        Some(D::Success) => 3,
        Some(D::NotStarted) => 4,
        None => 5,
    };
    (
        rank,
        c.download_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    )
}

/// The labels as the LABELS column shows them: `site=ams env=prod`.
pub(crate) fn labels_text(c: &ClusterState) -> String {
    c.identity
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn message(c: &ClusterState) -> &str {
    c.download
        .as_ref()
        .and_then(|d| d.message.as_deref())
        .unwrap_or("")
}

fn code(c: &ClusterState) -> Option<i64> {
    c.download.as_ref().and_then(|d| d.code)
}

fn job_word(c: &ClusterState) -> &str {
    latest_operation(c).map_or("", |f| f.phase.word())
}

fn since(c: &ClusterState) -> Option<Timestamp> {
    c.in_state_since().map(Since::at)
}

/// How long what IN STATE shows has held at `now`, and whether that is a lower bound
/// (only ontop's first sight is known).
pub(crate) fn time_in_state(
    c: &ClusterState,
    now: Timestamp,
) -> Option<(std::time::Duration, bool)> {
    c.in_state_since().map(|since| {
        let at_least = matches!(since, Since::AtLeast(_));
        (age(since.at(), now), at_least)
    })
}

/// The packages the cluster's repository holds, as the screen shows them: the list its
/// poller last read, less a release whose removal ended after that read. The engine
/// reads the repository again once an operation ends; until that answer comes, PKG, the
/// packages view and the JOB column's "removed" do not contradict each other.
pub(crate) fn held_packages(c: &ClusterState) -> Option<Vec<Package>> {
    let (read_at, list) = c.packages.as_ref()?;
    let removed = c
        .removal
        .as_ref()
        .and_then(|r| match (&r.phase, r.operation.version()) {
            (Phase::Ended(Ending::Removed), Some(version)) if r.since.at() >= *read_at => {
                Some(version)
            }
            _ => None,
        });
    Some(
        list.iter()
            .filter(|p| {
                !p.version
                    .as_deref()
                    .zip(removed)
                    .is_some_and(|(held, gone)| held.eq_ignore_ascii_case(gone))
            })
            .cloned()
            .collect(),
    )
}

/// The operation the JOB column shows: the latest asked for, a download or a package
/// removal, so that a row says "removed" once its release left the repository.
pub(crate) fn latest_operation(c: &ClusterState) -> Option<&Followed> {
    match (&c.followed, &c.removal) {
        (Some(download), Some(removal)) if removal.since_request > download.since_request => {
            Some(removal)
        }
        (Some(download), _) => Some(download),
        (None, removal) => removal.as_deref(),
    }
}
