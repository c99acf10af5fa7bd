//! The filter language of `/`: words the screen itself uses, ANDed.
//!
//! - a name or a part of one: `ams`, `prod-ams-1`;
//! - the header's and the columns' words: `downloading` (or `running`), `succeeded`
//!   (`success`), `failed` (`failure`), `not_started`, `failing`, `stale`, `ok`,
//!   `unknown`, `paused` (a paused job, or polls paused after a refused login), and
//!   the JOB column's `starting`, `queued`, `present`,
//!   `refused`, `gave-up`, `not-sent`, `followed` (ontop follows a download there);
//! - `ro` or `read-only`;
//! - `version:9.16` (the running release starts with it);
//! - `name:part`, a part of the name even when it is one of the words above;
//! - `key=value`, a label exactly (`site=ams`), or a label value alone (`ams`);
//! - `!term`: clusters that do not match `term`.
//!
//! Case does not matter. The screen's words mean only what they say (`ro` finds the
//! read-only clusters, not `prod-ams-1`); any other word matches a name by substring
//! and a label value only whole.

mod advice;

use std::ops::Range;

use jiff::Timestamp;

use super::cluster::{ClusterState, Health};
use crate::download::{Ending, Phase};
use crate::ontap::{DownloadState, JobState};

/// A parsed filter: every term must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Not(Box<Term>),
    Label {
        key: String,
        value: String,
    },
    Version(String),
    /// `name:part`: a part of the name, even one of the screen's words.
    Name(String),
    Word(String),
}

impl Filter {
    /// Reads the filter text as typed.
    pub fn parse(text: &str) -> Self {
        Self {
            terms: text.split_whitespace().map(term).collect(),
        }
    }

    /// Whether cluster `c` passes every term at `now`.
    pub fn matches(&self, c: &ClusterState, now: Timestamp) -> bool {
        self.terms.iter().all(|t| matches(t, c, now))
    }

    /// Where in `name` the filter's words match it (byte ranges, in order, merged), so
    /// the table can highlight them. Negated terms highlight nothing.
    pub fn name_matches(&self, name: &str) -> Vec<Range<usize>> {
        let lower = name.to_lowercase();
        if lower.len() != name.len() {
            // Lowercasing moved the bytes (rare scripts): no highlight beats a wrong one.
            return Vec::new();
        }
        let mut ranges: Vec<Range<usize>> = self
            .terms
            .iter()
            .filter_map(|t| match t {
                Term::Name(w) if !w.is_empty() => Some(w.as_str()),
                Term::Word(w) if !w.is_empty() && !is_screen_word(w) => Some(w.as_str()),
                _ => None,
            })
            .flat_map(|w| {
                lower
                    .match_indices(w)
                    .map(|(at, m)| at..at + m.len())
                    .collect::<Vec<_>>()
            })
            .filter(|r| name.is_char_boundary(r.start) && name.is_char_boundary(r.end))
            .collect();
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }
}

fn term(raw: &str) -> Term {
    let lower = raw.to_lowercase();
    if let Some(rest) = lower.strip_prefix('!').filter(|r| !r.is_empty()) {
        return Term::Not(Box::new(term(rest)));
    }
    if let Some(version) = lower.strip_prefix("version:") {
        return Term::Version(version.to_string());
    }
    if let Some(part) = lower.strip_prefix("name:") {
        return Term::Name(part.to_string());
    }
    match lower.split_once('=') {
        Some((key, value)) => Term::Label {
            key: key.to_string(),
            value: value.to_string(),
        },
        None => Term::Word(lower),
    }
}

fn matches(term: &Term, c: &ClusterState, now: Timestamp) -> bool {
    match term {
        Term::Not(inner) => !matches(inner, c, now),
        Term::Label { key, value } => c
            .identity
            .labels
            .iter()
            .any(|(k, v)| k.to_lowercase() == *key && v.to_lowercase() == *value),
        Term::Version(v) => c
            .version
            .as_deref()
            .is_some_and(|version| version.to_lowercase().starts_with(v.as_str())),
        // The screen's own words mean only what they say: `ro` is read-only, never a
        // part of `prod-ams-1` (`name:ro` asks for that).
        Term::Word(word) => state_word(word, c, now).unwrap_or_else(|| {
            c.identity.name.to_lowercase().contains(word.as_str())
                || c.identity
                    .labels
                    .values()
                    .any(|v| v.to_lowercase() == *word)
        }),
        Term::Name(part) => c.identity.name.to_lowercase().contains(part.as_str()),
    }
}

/// Whether `word` is one of the screen's own words (which never match a name).
fn is_screen_word(word: &str) -> bool {
    state_word(
        word,
        &ClusterState::new(Default::default()),
        Timestamp::UNIX_EPOCH,
    )
    .is_some()
}

/// `Some(matches)` for the screen's own words, `None` for any other word.
fn state_word(word: &str, c: &ClusterState, now: Timestamp) -> Option<bool> {
    let download = c.download_state();
    let phase = c.phase();
    let ending = phase.and_then(Phase::ending);
    Some(match word {
        "downloading" | "running" => {
            download == Some(&DownloadState::Running)
                || matches!(phase, Some(Phase::Job(JobState::Running)))
        }
        "succeeded" | "success" => {
            download == Some(&DownloadState::Success)
                || matches!(ending, Some(Ending::Success { .. }))
        }
        "failed" | "failure" => {
            download == Some(&DownloadState::Failure)
                || matches!(ending, Some(Ending::Failure { .. }))
        }
        "not_started" | "idle" => download == Some(&DownloadState::NotStarted),
        "failing" => c.health(now) == Health::Failing,
        "stale" => c.is_stale(now),
        "ok" => c.health(now) == Health::Ok,
        "unknown" | "?" => c.health(now) == Health::Unknown,
        "ro" | "read-only" | "readonly" => c.identity.read_only,
        "followed" => phase.is_some_and(|p| p.ending().is_none()),
        "starting" => matches!(phase, Some(Phase::Starting)),
        "queued" => matches!(
            phase,
            Some(Phase::Queued { .. } | Phase::Job(JobState::Queued))
        ),
        "paused" => matches!(phase, Some(Phase::Job(JobState::Paused))) || c.login_paused.is_some(),
        "present" => matches!(ending, Some(Ending::AlreadyPresent)),
        "refused" => matches!(ending, Some(Ending::Refused(_))),
        "gave-up" => matches!(ending, Some(Ending::GaveUp { .. })),
        "not-sent" => matches!(ending, Some(Ending::NotSent { .. })),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{ClusterState, Filter, Range, Timestamp};
    use crate::state::ClusterIdentity;

    #[test]
    fn the_screens_words_never_match_a_name() {
        let mut c = ClusterState::new(ClusterIdentity {
            name: "prod-tok-1".into(),
            ..ClusterIdentity::default()
        });
        let now = Timestamp::UNIX_EPOCH;
        let passes = |f: &str, c: &ClusterState| Filter::parse(f).matches(c, now);
        assert!(!passes("ro", &c), "ro is read-only, not p-RO-d");
        assert!(!passes("ok", &c), "ok is a health, not t-OK");
        assert!(passes("name:ro", &c) && passes("name:tok", &c) && passes("prod", &c));
        c.identity.read_only = true;
        assert!(passes("ro", &c) && passes("prod ro", &c) && !passes("prod !ro", &c));
    }

    #[test]
    fn name_matches_are_found_merged_and_negations_skipped() {
        let f = Filter::parse("AMS !prod ms-1 site=ams");
        assert_eq!(
            f.name_matches("prod-ams-1"),
            vec![Range { start: 5, end: 10 }]
        );
        assert!(Filter::parse("!ams").name_matches("prod-ams-1").is_empty());
        assert!(Filter::parse("ro ok").name_matches("prod-tok-1").is_empty());
        assert_eq!(
            Filter::parse("name:ro").name_matches("prod-1"),
            vec![Range { start: 1, end: 3 }]
        );
        assert_eq!(Filter::parse("s").name_matches("sims"), [0..1, 3..4]);
    }
}
