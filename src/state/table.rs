//! The table's columns, filter and sort: one source of truth for what a row shows.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::Model;
use super::cluster::{ClusterState, age};
use crate::download::Since;

/// A column of the cluster table. The order of [`Column::ALL`] is the order on screen
/// and the order `s` cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Version,
    Download,
    Message,
    Code,
    Job,
    InState,
    LastPoll,
    Health,
}

impl Column {
    /// Every column, left to right.
    pub const ALL: [Column; 9] = [
        Column::Name,
        Column::Version,
        Column::Download,
        Column::Message,
        Column::Code,
        Column::Job,
        Column::InState,
        Column::LastPoll,
        Column::Health,
    ];

    /// The header text.
    pub fn title(self) -> &'static str {
        match self {
            Self::Name => "CLUSTER",
            Self::Version => "VERSION",
            Self::Download => "DOWNLOAD",
            Self::Message => "MESSAGE",
            Self::Code => "CODE",
            Self::Job => "JOB",
            Self::InState => "IN STATE",
            Self::LastPoll => "POLLED",
            Self::Health => "HEALTH",
        }
    }

    fn compare(self, a: &ClusterState, b: &ClusterState, now: Timestamp) -> Ordering {
        match self {
            Self::Name => a.identity.name.cmp(&b.identity.name),
            Self::Version => a.version.cmp(&b.version),
            Self::Download => state_rank(a).cmp(&state_rank(b)),
            Self::Message => message(a).cmp(message(b)),
            Self::Code => code(a).cmp(&code(b)),
            Self::Job => job_word(a).cmp(job_word(b)),
            // Longest in state first reads best; `S` reverses it.
            Self::InState => since(b).cmp(&since(a)),
            Self::LastPoll => b.last_success.cmp(&a.last_success),
            Self::Health => b.health(now).cmp(&a.health(now)),
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
    /// The next sort column (`s`): config order, then each column, then config order.
    pub fn cycle(self) -> Self {
        let next = match self.column {
            None => Some(Column::ALL[0]),
            Some(c) => {
                let i = Column::ALL.iter().position(|x| *x == c).unwrap_or(0);
                Column::ALL.get(i + 1).copied()
            }
        };
        Self {
            column: next,
            reverse: self.reverse,
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

/// Indices of the clusters that pass `filter`, in `sort` order.
///
/// The filter is case-insensitive; every space-separated term must match the name, the
/// download or job state, the health word, or a label (`site`, `ams`, or `site=ams`).
pub fn visible_rows(model: &Model, filter: &str, sort: SortOrder, now: Timestamp) -> Vec<usize> {
    let terms: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let mut rows: Vec<usize> = model
        .clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| terms.iter().all(|t| matches(c, t, now)))
        .map(|(i, _)| i)
        .collect();
    if let Some(column) = sort.column {
        // A stable sort keeps config order among equals.
        rows.sort_by(|&a, &b| column.compare(&model.clusters[a], &model.clusters[b], now));
    }
    if sort.reverse {
        rows.reverse();
    }
    rows
}

fn matches(c: &ClusterState, term: &str, now: Timestamp) -> bool {
    let contains = |s: &str| s.to_lowercase().contains(term);
    if let Some((key, value)) = term.split_once('=') {
        return c
            .identity
            .labels
            .iter()
            .any(|(k, v)| k.to_lowercase() == key && v.to_lowercase().contains(value));
    }
    contains(&c.identity.name)
        || c.download_state().is_some_and(|s| contains(s.as_str()))
        || c.phase().is_some_and(|p| contains(p.word()))
        || contains(c.health(now).as_str())
        || c.identity
            .labels
            .iter()
            .any(|(k, v)| contains(k) || contains(v))
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
    c.phase().map_or("", |p| p.word())
}

fn since(c: &ClusterState) -> Option<Timestamp> {
    c.in_state_since().map(Since::at)
}

/// How long what IN STATE shows has held at `now`, and whether that is a lower bound
/// (only ontop's first sight is known).
pub fn time_in_state(c: &ClusterState, now: Timestamp) -> Option<(std::time::Duration, bool)> {
    c.in_state_since().map(|since| {
        let at_least = matches!(since, Since::AtLeast(_));
        (age(since.at(), now), at_least)
    })
}
