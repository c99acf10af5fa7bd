//! Why a filter finds nothing: each term that alone matches no cluster, said in words,
//! with the nearest word the fleet has (a label key or value, a name, one of the
//! screen's words). A term that could never match (a typo) reads differently from one
//! that matches nothing right now (`failed` in a healthy fleet).

use jiff::Timestamp;

use super::{ClusterState, Filter, Term, is_screen_word, matches};
use crate::text::suggest::did_you_mean;

/// The screen's own words, for "did you mean" (each one is a word of [`super`]).
const SCREEN_WORDS: &[&str] = &[
    "downloading",
    "running",
    "succeeded",
    "success",
    "failed",
    "failure",
    "not_started",
    "idle",
    "failing",
    "stale",
    "ok",
    "unknown",
    "ro",
    "read-only",
    "followed",
    "starting",
    "queued",
    "paused",
    "present",
    "refused",
    "gave-up",
    "not-sent",
    "ready",
    "warn",
    "blocked",
    "updating",
    "validating",
];

/// How many values a sentence lists before "…".
const LISTED: usize = 6;

impl Filter {
    /// One sentence for each term that alone matches none of `clusters` at `now`; empty
    /// when every term matches some cluster (their combination still may match none).
    pub(crate) fn advice(&self, clusters: &[ClusterState], now: Timestamp) -> Vec<String> {
        self.terms
            .iter()
            .filter(|t| !clusters.iter().any(|c| matches(t, c, now, &self.rules)))
            .map(|t| sentence(t, clusters))
            .collect()
    }
}

impl Filter {
    /// What the screen says for the first label term (`key=value`, or `!key=value`) no
    /// cluster has: the advice's own sentence, "sit=ams: no cluster has a label sit; did
    /// you mean site?". `None` when every label term names a label some cluster has.
    pub fn label_hint(&self, clusters: &[ClusterState]) -> Option<String> {
        self.terms.iter().find_map(|t| {
            let label = match t {
                Term::Not(inner) => inner.as_ref(),
                other => other,
            };
            let Term::Label { key, value } = label else {
                return None;
            };
            let held = clusters
                .iter()
                .any(|c| super::has_label(&c.identity.labels, key, value));
            (!held).then(|| sentence(label, clusters))
        })
    }
}

fn sentence(term: &Term, clusters: &[ClusterState]) -> String {
    let labels = || clusters.iter().flat_map(|c| c.identity.labels.iter());
    match term {
        Term::Not(inner) => format!("!{}: every cluster matches {}", text(inner), text(inner)),
        Term::Label { key, value } => {
            let mut keys: Vec<&str> = labels().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            if !keys.iter().any(|k| k.to_lowercase() == *key) {
                let near = did_you_mean(key, &keys);
                let known = if keys.is_empty() {
                    "; no cluster has labels".to_owned()
                } else if near.is_empty() {
                    format!("; labels: {}", listed(&keys))
                } else {
                    near
                };
                return format!("{key}={value}: no cluster has a label {key}{known}");
            }
            let mut values: Vec<&str> = labels()
                .filter(|(k, _)| k.to_lowercase() == *key)
                .map(|(_, v)| v.as_str())
                .collect();
            values.sort_unstable();
            values.dedup();
            let near = did_you_mean(value, &values);
            let near = if near.is_empty() {
                format!(" ({key} is {})", listed(&values))
            } else {
                near
            };
            format!("{key}={value}: no cluster has it{near}")
        }
        Term::Version(v) => {
            let mut versions: Vec<&str> = clusters
                .iter()
                .filter_map(|c| c.version.as_deref())
                .collect();
            versions.sort_unstable();
            versions.dedup();
            let running = if versions.is_empty() {
                " (no version is known yet)".to_owned()
            } else {
                format!(" (they run {})", listed(&versions))
            };
            format!("version:{v}: no cluster runs a release starting with {v}{running}")
        }
        Term::Name(part) => format!("name:{part}: no cluster name holds {part}"),
        Term::Word(word) if is_screen_word(word) => format!("{word}: no cluster is {word} now"),
        Term::Word(word) => {
            let mut known: Vec<&str> = SCREEN_WORDS.to_vec();
            known.extend(clusters.iter().map(|c| c.identity.name.as_str()));
            known.extend(labels().map(|(_, v)| v.as_str()));
            format!(
                "{word}: not a word of the filter, a part of a cluster name or a label value{}",
                did_you_mean(word, &known)
            )
        }
    }
}

/// A term as it can be typed again.
fn text(term: &Term) -> String {
    match term {
        Term::Not(inner) => format!("!{}", text(inner)),
        Term::Label { key, value } => format!("{key}={value}"),
        Term::Version(v) => format!("version:{v}"),
        Term::Name(part) => format!("name:{part}"),
        Term::Word(word) => word.clone(),
    }
}

/// "a, b, c" or "a, b, c, …".
fn listed(values: &[&str]) -> String {
    let mut text = values
        .iter()
        .take(LISTED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if values.len() > LISTED {
        text.push_str(", …");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ClusterIdentity;

    #[test]
    fn every_listed_word_is_one_of_the_screens() {
        for word in SCREEN_WORDS {
            assert!(is_screen_word(word), "{word}");
        }
    }

    #[test]
    fn a_typo_gets_the_nearest_word_and_a_quiet_fleet_says_so() {
        let c = ClusterState::new(ClusterIdentity {
            name: "prod-ams-1".into(),
            labels: [("site".to_owned(), "ams".to_owned())].into(),
            ..ClusterIdentity::default()
        });
        let now = Timestamp::UNIX_EPOCH;
        let advice = |text: &str| Filter::parse(text).advice(std::slice::from_ref(&c), now);
        assert!(advice("site=ams prod").is_empty());
        assert_eq!(
            advice("sit=ams"),
            ["sit=ams: no cluster has a label sit; did you mean site?"]
        );
        assert_eq!(
            advice("site=amz"),
            ["site=amz: no cluster has it; did you mean ams?"]
        );
        assert_eq!(advice("failed"), ["failed: no cluster is failed now"]);
        assert_eq!(
            advice("faild"),
            [
                "faild: not a word of the filter, a part of a cluster name or a label value; did you mean failed?"
            ]
        );
        assert_eq!(
            advice("version:9.99"),
            [
                "version:9.99: no cluster runs a release starting with 9.99 (no version is known yet)"
            ]
        );
    }
}
