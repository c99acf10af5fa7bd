//! The filter language of `/`: words the screen itself uses, ANDed.
//!
//! - a name or a part of one: `ams`, `prod-ams-1`;
//! - the header's and the columns' words: `downloading` (or `running`), `succeeded`
//!   (`success`), `failed` (`failure`), `not_started`, `failing`, `stale`, `ok`,
//!   `unknown`, `paused` (a paused job, or polls paused after a refused login), and
//!   the JOB column's `starting`, `queued`, `present`,
//!   `refused`, `no-answer`, `gave-up`, `not-sent`, `followed` (ontop follows a
//!   download there);
//! - the READY and UPDATE columns' words: `ready`, `warn` (warnings), `blocked` (errors,
//!   or an update paused on an error or failed), `updating` (an update under way,
//!   paused or not), `validating` (a validation ontop asked for runs);
//! - `ro` or `read-only`;
//! - `version:9.16`, or a bare version (`9.16`, `9.15.1P7`): the running release starts
//!   with it;
//! - `name:part`, a part of the name even when it is one of the words above;
//! - `key=value`, a label (`site=ams`), or a label value alone (`ams`);
//! - `!term`: clusters that do not match `term`.
//!
//! Case does not matter, for labels too: [`has_label`] is the one rule the screen and the
//! CLI's `--label` share. The screen's words mean only what they say (`ro` finds the
//! read-only clusters, not `prod-ams-1`); any other word matches a name by substring and
//! a label value only whole. A label key or value no cluster has gets a "did you mean"
//! ([`Filter::label_hint`]).

mod advice;

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::Timestamp;

use super::cluster::{ClusterState, Health};
use crate::config::ValidateSettings;
use crate::download::{Ending, Phase};
use crate::ontap::{DownloadState, JobState};

/// A parsed filter: every term must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<Term>,
    /// How the READY words judge a validation (`[validate]`).
    rules: ValidateSettings,
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
            rules: ValidateSettings::default(),
        }
    }

    /// The same filter, its READY words judged by `rules` (the config's `[validate]`).
    pub(crate) fn judged_by(self, rules: &ValidateSettings) -> Self {
        Self {
            rules: rules.clone(),
            ..self
        }
    }

    /// Whether cluster `c` passes every term at `now`.
    pub(crate) fn matches(&self, c: &ClusterState, now: Timestamp) -> bool {
        self.terms.iter().all(|t| matches(t, c, now, &self.rules))
    }

    /// Where in `name` the filter's words match it (byte ranges, in order, merged), so
    /// the table can highlight them. Negated terms highlight nothing.
    pub(crate) fn name_matches(&self, name: &str) -> Vec<Range<usize>> {
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

/// Whether `labels` hold `key=value`. The one rule of the dashboard's filter and of the
/// CLI's `--label`: key and value compare without regard to case.
pub(crate) fn has_label(labels: &BTreeMap<String, String>, key: &str, value: &str) -> bool {
    labels
        .iter()
        .any(|(k, v)| same_word(k, key) && same_word(v, value))
}

/// Whether two label words are the same word, case aside ([`has_label`]'s rule).
pub(crate) fn same_word(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
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

fn matches(term: &Term, c: &ClusterState, now: Timestamp, rules: &ValidateSettings) -> bool {
    match term {
        Term::Not(inner) => !matches(inner, c, now, rules),
        Term::Label { key, value } => has_label(&c.identity.labels, key, value),
        Term::Version(v) => version_starts(c, v),
        // The screen's own words mean only what they say: `ro` is read-only, never a
        // part of `prod-ams-1` (`name:ro` asks for that).
        Term::Word(word) => state_word(word, c, now, rules).unwrap_or_else(|| {
            c.identity.name.to_lowercase().contains(word.as_str())
                || c.identity.labels.values().any(|v| same_word(v, word))
                || (looks_like_version(word) && version_starts(c, word))
        }),
        Term::Name(part) => c.identity.name.to_lowercase().contains(part.as_str()),
    }
}

/// Whether the cluster's running release starts with `prefix` (lower case).
fn version_starts(c: &ClusterState, prefix: &str) -> bool {
    c.version
        .as_deref()
        .is_some_and(|version| version.to_lowercase().starts_with(prefix))
}

/// A bare word that reads as a release (`9`, `9.15`, `9.15.1p7`) matches the version
/// column as `version:` does.
fn looks_like_version(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether `word` is one of the screen's own words (which never match a name).
fn is_screen_word(word: &str) -> bool {
    state_word(
        word,
        &ClusterState::new(Default::default()),
        Timestamp::UNIX_EPOCH,
        &ValidateSettings::default(),
    )
    .is_some()
}

/// `Some(matches)` for the screen's own words, `None` for any other word.
fn state_word(
    word: &str,
    c: &ClusterState,
    now: Timestamp,
    rules: &ValidateSettings,
) -> Option<bool> {
    if let Some(matched) = readiness_word(word, c, now, rules) {
        return Some(matched);
    }
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
        "refused" => matches!(ending, Some(e @ Ending::Refused(_)) if !e.is_unanswered()),
        "no-answer" => ending.is_some_and(Ending::is_unanswered),
        "gave-up" => matches!(ending, Some(Ending::GaveUp { .. })),
        "not-sent" => matches!(ending, Some(Ending::NotSent { .. })),
        _ => return None,
    })
}

/// `Some(matches)` for the READY and UPDATE columns' words, `None` for any other word.
fn readiness_word(
    word: &str,
    c: &ClusterState,
    now: Timestamp,
    rules: &ValidateSettings,
) -> Option<bool> {
    use super::readiness::{ready_verdict, update_of, validating};
    use super::validation::Verdict;
    let verdict = || ready_verdict(c, now, rules);
    let update = update_of(c);
    Some(match word {
        "ready" => verdict() == Verdict::Ready,
        "warn" | "warning" | "warnings" => matches!(verdict(), Verdict::Warnings(_)),
        "blocked" => {
            matches!(verdict(), Verdict::Errors(_)) || update.is_some_and(|u| u.needs_a_look())
        }
        "updating" => update.is_some_and(|u| u.open()),
        "validating" => validating(c),
        _ => return None,
    })
}

#[cfg(test)]
mod readiness_tests;

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

    fn cluster(name: &str, version: &str, labels: &[(&str, &str)]) -> ClusterState {
        let mut c = ClusterState::new(ClusterIdentity {
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..ClusterIdentity::default()
        });
        c.version = Some(version.into());
        c
    }

    #[test]
    fn a_bare_version_matches_the_version_column() {
        let now = Timestamp::UNIX_EPOCH;
        let c = cluster("prod-ams-1", "9.15.1P7", &[]);
        for wanted in ["9.15", "9", "9.15.1p7", "version:9.15", "!9.16"] {
            assert!(Filter::parse(wanted).matches(&c, now), "{wanted}");
        }
        for unwanted in ["9.16", "9.15.2", "!9.15"] {
            assert!(!Filter::parse(unwanted).matches(&c, now), "{unwanted}");
        }
        let named = cluster("sim-9", "9.14.1", &[]);
        assert!(
            Filter::parse("9").matches(&named, now),
            "a name still matches"
        );
    }

    #[test]
    fn labels_compare_without_case_and_a_typo_gets_a_did_you_mean() {
        let now = Timestamp::UNIX_EPOCH;
        let fleet = [
            cluster("a", "9.15.1", &[("site", "ams"), ("Env", "Prod")]),
            cluster("b", "9.15.1", &[("site", "fra")]),
        ];
        assert!(Filter::parse("site=AMS").matches(&fleet[0], now));
        assert!(Filter::parse("env=prod").matches(&fleet[0], now));
        assert!(super::has_label(&fleet[0].identity.labels, "ENV", "prod"));
        let hint = |f: &str| Filter::parse(f).label_hint(&fleet);
        assert_eq!(
            hint("sit=ams").as_deref(),
            Some("sit=ams: no cluster has a label sit; did you mean site?")
        );
        assert_eq!(
            hint("!site=amz").as_deref(),
            Some("site=amz: no cluster has it; did you mean ams?")
        );
        assert_eq!(
            hint("site=xyz").as_deref(),
            Some("site=xyz: no cluster has it (site is ams, fra)")
        );
        assert_eq!(
            hint("zone=1").as_deref(),
            Some("zone=1: no cluster has a label zone; labels: Env, site")
        );
        assert_eq!(hint("site=AMS ams prod"), None);
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
