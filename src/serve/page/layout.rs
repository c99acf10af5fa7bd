//! The order of the page: rows grouped by a label, and in each group the problems
//! first (a failed download, FAILING, PAUSED, STALE, in that order), then what runs, then
//! the rest, which the page folds away.

use std::collections::HashMap;

use jiff::Timestamp;

use super::cells::bad_ending;
use crate::ontap::{DownloadState, JobState};
use crate::state::{ClusterState, Health, Model, SortOrder, Standing, visible_rows};

/// Where a row goes: the tiers in page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Tier {
    /// Needs a look; the worst first: a failed download, FAILING, PAUSED, STALE.
    Problem(Trouble),
    /// A download, a removal or a job under way.
    Running,
    /// Fine, or no answer yet: folded behind a `<details>`.
    Rest,
}

/// What is wrong with a problem row, the worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Trouble {
    /// The download (or a removal) failed, was refused, or was given up.
    Failed,
    /// The last poll failed: the cluster is not answering.
    Failing,
    /// The cluster refused the login: polls stopped.
    Paused,
    /// No answer for three poll intervals.
    Stale,
}

impl Trouble {
    /// The word the summary gives it: the screen's.
    pub(super) fn word(self, c: &ClusterState, now: Timestamp) -> String {
        match self {
            Self::Failed => bad_ending(c).map_or("failed".to_owned(), |e| e.word().to_owned()),
            _ => Standing::of(c, now).word(),
        }
    }
}

/// The tier of `c` at `now`.
pub(super) fn tier(c: &ClusterState, now: Timestamp) -> Tier {
    let failed = c.download_state() == Some(&DownloadState::Failure) || bad_ending(c).is_some();
    if failed {
        return Tier::Problem(Trouble::Failed);
    }
    if c.login_paused.is_some() {
        return Tier::Problem(Trouble::Paused);
    }
    if c.health(now) == Health::Failing {
        return Tier::Problem(Trouble::Failing);
    }
    if c.is_stale(now) {
        return Tier::Problem(Trouble::Stale);
    }
    let job_under_way = c
        .job
        .as_ref()
        .and_then(|j| j.state.as_ref())
        .is_some_and(|s| matches!(s, JobState::Running | JobState::Queued | JobState::Paused));
    let running = matches!(
        c.download_state(),
        Some(DownloadState::Running | DownloadState::Other(_))
    ) || c.open_operations().next().is_some()
        || job_under_way;
    if running { Tier::Running } else { Tier::Rest }
}

/// One row: the cluster (its index in config order) and its tier.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'m> {
    pub index: usize,
    pub cluster: &'m ClusterState,
    pub tier: Tier,
}

/// One group of rows: the clusters with one value of the group label.
#[derive(Debug)]
pub(super) struct Group<'m> {
    /// The value of the group label, `None` for the clusters without it (or for the one
    /// group when the page is not grouped).
    pub value: Option<String>,
    /// Problems, then what runs, in page order.
    pub shown: Vec<Row<'m>>,
    /// The rest, folded.
    pub folded: Vec<Row<'m>>,
}

impl Group<'_> {
    /// The group's worst tier (groups with problems come first).
    fn worst(&self) -> Tier {
        self.shown.first().map_or(Tier::Rest, |r| r.tier)
    }
}

/// The rows that pass `filter`, grouped by the label `group` (when given), ordered: by
/// `sort` when it names a column (within each tier), else worst first and config order.
pub(super) fn groups<'m>(
    model: &'m Model,
    filter: &str,
    sort: SortOrder,
    group: Option<&str>,
    now: Timestamp,
) -> Vec<Group<'m>> {
    let mut rows: Vec<(Option<String>, Row<'m>)> = visible_rows(model, filter, sort, now)
        .into_iter()
        .map(|index| {
            let cluster = &model.clusters[index];
            let row = Row {
                index,
                cluster,
                tier: tier(cluster, now),
            };
            (group.and_then(|key| label(cluster, key)), row)
        })
        .collect();
    // A stable sort: the order `visible_rows` gave stays among equals.
    rows.sort_by(|(_, a), (_, b)| match sort.column {
        Some(_) => coarse(a.tier).cmp(&coarse(b.tier)),
        None => a.tier.cmp(&b.tier),
    });
    let mut groups: Vec<Group<'m>> = Vec::new();
    // Each group's place, so ten thousand rows in many groups cost one pass.
    let mut places: HashMap<Option<String>, usize> = HashMap::new();
    for (value, row) in rows {
        let at = *places.entry(value.clone()).or_insert_with(|| {
            groups.push(Group {
                value,
                shown: Vec::new(),
                folded: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[at];
        match row.tier {
            Tier::Rest => group.folded.push(row),
            _ => group.shown.push(row),
        }
    }
    groups.sort_by(|a, b| {
        let name = |g: &Group| g.value.as_ref().map(|v| v.to_lowercase());
        coarse(a.worst())
            .cmp(&coarse(b.worst()))
            // Clusters without the label last.
            .then(a.value.is_none().cmp(&b.value.is_none()))
            .then(name(a).cmp(&name(b)))
    });
    groups
}

/// The tier without the kind of trouble: a sort by column orders problems among
/// themselves.
fn coarse(tier: Tier) -> u8 {
    match tier {
        Tier::Problem(_) => 0,
        Tier::Running => 1,
        Tier::Rest => 2,
    }
}

/// The value of the label `key` (compared without regard to case, as the filter does).
pub(super) fn label(c: &ClusterState, key: &str) -> Option<String> {
    c.identity
        .labels
        .iter()
        .find(|(k, _)| k.to_lowercase() == key.to_lowercase())
        .map(|(_, v)| v.clone())
}
