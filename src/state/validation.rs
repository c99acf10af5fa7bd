//! Readiness: what a cluster's software says (its nodes' releases, an update in progress,
//! the last validation's findings) and the verdicts a person acts on: per cluster
//! `ready`, `N warnings`, `N errors`, `stale` or `unknown`, and across the fleet the
//! findings grouped by check. The rules are `[validate]`'s ([`ValidateSettings`]): the
//! checks a team has reviewed are notes, shown and not counted, and a validation older
//! than `max_age`, or for another release than the one asked about, is stale.

use std::time::Duration;

use jiff::Timestamp;

use crate::config::ValidateSettings;
use crate::download::{Ending, Followed, Operation};
use crate::ontap::software::{Check, CheckStatus, Software};

/// What the model knows of one cluster's readiness.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    /// The cluster's software as last read, and when.
    pub software: Option<(Timestamp, Software)>,
    /// The release the last validation ontop ran here was for, and when its results came
    /// (ONTAP's results name neither; this session or the journal does).
    pub validated: Option<(String, Timestamp)>,
    /// The validation the engine follows (or last followed) here.
    pub operation: Option<Box<Followed>>,
}

impl Readiness {
    /// The software as last read.
    pub(crate) fn software(&self) -> Option<&Software> {
        self.software.as_ref().map(|(_, s)| s)
    }

    /// The last validation's findings, with what ontop knows of them; `None` when the
    /// cluster holds none (never validated, or one runs now).
    pub(crate) fn validation(&self) -> Option<Validation<'_>> {
        let checks = self.software()?.validation.as_deref()?;
        Some(Validation {
            checks,
            version: self.validated.as_ref().map(|(v, _)| v.as_str()),
            at: self.validated.as_ref().map(|(_, at)| *at),
        })
    }

    /// Takes in a followed validation: once it ends with findings, they are the last
    /// validation's, for its release, as of now.
    pub(crate) fn followed(&mut self, at: Timestamp, followed: Followed) {
        if let (Some(Ending::Validated { checks }), Operation::Validation { version }) =
            (followed.ending(), &followed.operation)
        {
            self.validated = Some((version.clone(), at));
            let (_, software) = self
                .software
                .get_or_insert_with(|| (at, Software::default()));
            software.validation = Some(checks.clone());
        }
        self.operation = Some(Box::new(followed));
    }

    /// An update runs (or waits, or is paused) on the cluster.
    pub fn updating(&self) -> bool {
        self.software().is_some_and(Software::updating)
    }
}

/// The last validation's findings on a cluster.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Validation<'a> {
    pub checks: &'a [Check],
    /// The release it was for, when ontop ran it.
    pub version: Option<&'a str>,
    /// When its results came, when ontop ran it.
    pub at: Option<Timestamp>,
}

/// Findings by weight: warnings and errors count, notes (ignored checks) do not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub warnings: usize,
    pub errors: usize,
    pub notes: usize,
}

/// Why a validation no longer says anything about the release asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stale {
    /// Older than `max_age`.
    Old(Duration),
    /// For another release than the one asked about.
    OtherVersion(String),
}

/// What a cluster's last validation says, in one word a person acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No warning or error counts (notes aside).
    Ready,
    Warnings(usize),
    Errors(usize),
    Stale(Stale),
    /// Never validated, results not read (yet), or not known which release they are for.
    Unknown,
}

impl Verdict {
    /// The word for scripts (JSON, metrics' labels, filter words).
    pub(crate) fn word(&self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Warnings(_) => "warnings",
            Self::Errors(_) => "errors",
            Self::Stale(_) => "stale",
            Self::Unknown => "unknown",
        }
    }

    /// The verdict in a few words: "ready", "2 warnings", "1 error", "stale (3d old)".
    pub(crate) fn describe(&self) -> String {
        let plural = |n: usize, one: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        match self {
            Self::Ready => "ready".into(),
            Self::Warnings(n) => plural(*n, "warning"),
            Self::Errors(n) => plural(*n, "error"),
            Self::Stale(Stale::Old(age)) => {
                format!("stale ({} old)", super::cluster::format_age(*age))
            }
            Self::Stale(Stale::OtherVersion(v)) => format!("stale (validated {v})"),
            Self::Unknown => "unknown".into(),
        }
    }
}

impl Validation<'_> {
    /// Its findings by weight, under `settings`.
    pub(crate) fn counts(&self, settings: &ValidateSettings) -> Counts {
        let mut counts = Counts::default();
        for check in self.checks {
            match weight(check, settings) {
                Weight::Note => counts.notes += 1,
                Weight::Error => counts.errors += 1,
                Weight::Warning => counts.warnings += 1,
            }
        }
        counts
    }

    /// The verdict at `now` about `target` (any release when `None`).
    pub(crate) fn verdict(
        &self,
        target: Option<&str>,
        now: Timestamp,
        settings: &ValidateSettings,
    ) -> Verdict {
        match (target, self.version) {
            (Some(_), None) => return Verdict::Unknown,
            (Some(target), Some(version)) if !same_version(target, version) => {
                return Verdict::Stale(Stale::OtherVersion(version.to_string()));
            }
            _ => {}
        }
        if let Some(at) = self.at {
            let age = super::cluster::age(at, now);
            if age > settings.max_age {
                return Verdict::Stale(Stale::Old(age));
            }
        }
        let counts = self.counts(settings);
        match counts {
            Counts { errors: 1.., .. } => Verdict::Errors(counts.errors),
            Counts { warnings: 1.., .. } => Verdict::Warnings(counts.warnings),
            _ => Verdict::Ready,
        }
    }
}

/// A cluster's verdict about `target`: unknown without a validation.
pub(crate) fn verdict_of(
    validation: Option<Validation<'_>>,
    target: Option<&str>,
    now: Timestamp,
    settings: &ValidateSettings,
) -> Verdict {
    validation.map_or(Verdict::Unknown, |v| v.verdict(target, now, settings))
}

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Weight {
    Error,
    Warning,
    /// A check `[validate] ignore` names: shown, not counted.
    Note,
}

impl Weight {
    /// The word: "error", "warning", "note".
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// A finding's weight under `settings`; a status this build does not know counts as a
/// warning (it is not nothing).
pub(crate) fn weight(check: &Check, settings: &ValidateSettings) -> Weight {
    if settings.ignores(&check.name) {
        return Weight::Note;
    }
    match check.status {
        CheckStatus::Error => Weight::Error,
        CheckStatus::Warning | CheckStatus::Other(_) => Weight::Warning,
    }
}

/// Releases compare without regard to case ("9.16.1p3" is "9.16.1P3").
fn same_version(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// One finding across the fleet: a check, how it weighs, and each distinct text with
/// the clusters that gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckGroup {
    pub check: String,
    pub weight: Weight,
    pub texts: Vec<CheckText>,
}

impl CheckGroup {
    /// Every cluster that gave this finding, in fleet order.
    pub(crate) fn clusters(&self) -> usize {
        self.texts.iter().map(|t| t.clusters.len()).sum()
    }
}

/// What a check said (the issue, and what to do), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckText {
    pub issue: Option<String>,
    pub action: Option<String>,
    pub clusters: Vec<String>,
}

/// The fleet's findings grouped by check and weight, errors first, then warnings, then
/// notes; within a weight, the check on most clusters first.
pub(crate) fn by_check<'a>(
    fleet: impl IntoIterator<Item = (&'a str, Validation<'a>)>,
    settings: &ValidateSettings,
) -> Vec<CheckGroup> {
    let mut groups: Vec<CheckGroup> = Vec::new();
    for (cluster, validation) in fleet {
        for check in validation.checks {
            let weight = weight(check, settings);
            let index = groups
                .iter()
                .position(|g| g.weight == weight && g.check.eq_ignore_ascii_case(&check.name))
                .unwrap_or_else(|| {
                    groups.push(CheckGroup {
                        check: check.name.clone(),
                        weight,
                        texts: Vec::new(),
                    });
                    groups.len() - 1
                });
            let group = &mut groups[index];
            let text = group
                .texts
                .iter_mut()
                .find(|t| t.issue == check.issue && t.action == check.action);
            match text {
                Some(text) if text.clusters.last().map(String::as_str) != Some(cluster) => {
                    text.clusters.push(cluster.to_string());
                }
                Some(_) => {}
                None => group.texts.push(CheckText {
                    issue: check.issue.clone(),
                    action: check.action.clone(),
                    clusters: vec![cluster.to_string()],
                }),
            }
        }
    }
    groups.sort_by(|a, b| {
        (a.weight, std::cmp::Reverse(a.clusters()), &a.check).cmp(&(
            b.weight,
            std::cmp::Reverse(b.clusters()),
            &b.check,
        ))
    });
    groups
}

#[cfg(test)]
mod tests;
