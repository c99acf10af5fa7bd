//! Which clusters a command acts on: `--cluster NAME` (repeatable), `--all`, and
//! `--label KEY=VALUE` (repeatable, ANDed), the same for `status`, `download` and
//! `packages`. Typos get "did you mean", and the selection is said before anything is
//! sent.

use std::collections::BTreeSet;
use std::path::Path;

pub use crate::cli::SelectionArgs;
use crate::commands::CliError;
use crate::config::Config;
use crate::state::filter::{has_label, same_word};

/// Which clusters a command takes when no flag names any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenUnnamed {
    /// Every cluster: the command only reads (`status`, `packages`).
    Everyone,
    /// None: a command that sends changes wants its clusters named.
    NoOne,
}

impl SelectionArgs {
    /// True when no flag picks anything.
    pub(crate) fn is_empty(&self) -> bool {
        self.clusters.is_empty() && !self.all && self.labels.is_empty()
    }

    /// Indices (config order) of the selected clusters. With no flag at all, what
    /// `unnamed` says; `--label` alone starts from every cluster.
    pub fn select(&self, config: &Config, unnamed: WhenUnnamed) -> Result<Vec<usize>, CliError> {
        let names: Vec<&str> = config.clusters.iter().map(|c| c.name.as_str()).collect();
        let by_default = unnamed == WhenUnnamed::Everyone;
        let everyone =
            self.all || self.clusters.is_empty() && (by_default || !self.labels.is_empty());
        let mut chosen = choose(&names, &self.clusters, everyone, &config.path)?;
        for wanted in &self.labels {
            let (key, value) = parse_label(wanted)?;
            check_label(config, key, value)?;
            // The dashboard's filter compares labels the same way (case aside).
            chosen.retain(|&i| has_label(&config.clusters[i].labels, key, value));
        }
        if chosen.is_empty() && !self.is_empty() {
            return Err(CliError::Usage(format!(
                "no configured cluster matches {}",
                self.describe()
            )));
        }
        Ok(chosen)
    }

    /// The flags in words, for the line that says what was selected.
    pub(crate) fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.all {
            parts.push("--all".into());
        }
        parts.extend(self.clusters.iter().map(|c| format!("--cluster {c}")));
        parts.extend(self.labels.iter().map(|l| format!("--label {l}")));
        parts.join(" ")
    }
}

/// Says which clusters were selected, on stderr (stdout stays the command's output).
pub(crate) fn announce(config: &Config, chosen: &[usize], args: &SelectionArgs) {
    if args.labels.is_empty() {
        return;
    }
    let names: Vec<&str> = chosen
        .iter()
        .map(|&i| config.clusters[i].name.as_str())
        .collect();
    let count = crate::text::count_clusters(names.len());
    crate::errln!(
        "ontop: selected {count} ({}): {}",
        args.describe(),
        names.join(", ")
    );
}

fn parse_label(text: &str) -> Result<(&str, &str), CliError> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim(), value.trim())),
        _ => Err(CliError::Usage(format!(
            "--label {text:?}: write it as KEY=VALUE, e.g. --label site=ams"
        ))),
    }
}

/// An unknown label key, or a value no cluster has, is a typo until proven otherwise.
fn check_label(config: &Config, key: &str, value: &str) -> Result<(), CliError> {
    let keys: BTreeSet<&str> = config
        .clusters
        .iter()
        .flat_map(|c| c.labels.keys().map(String::as_str))
        .collect();
    if !keys.iter().any(|k| same_word(k, key)) {
        let known: Vec<&str> = keys.iter().copied().collect();
        let close = crate::text::suggest::close_matches(key, &known);
        let hint = if !close.is_empty() {
            format!("did you mean {}?", close.join(", "))
        } else if known.is_empty() {
            "the config gives no cluster labels (labels = { site = \"ams\" })".to_owned()
        } else {
            format!("label keys in the config: {}", known.join(", "))
        };
        return Err(CliError::Usage(format!(
            "no cluster has a label {key:?}; {hint}"
        )));
    }
    let values: BTreeSet<&str> = config
        .clusters
        .iter()
        .flat_map(|c| c.labels.iter())
        .filter(|(k, _)| same_word(k, key))
        .map(|(_, v)| v.as_str())
        .collect();
    if !values.iter().any(|v| same_word(v, value)) {
        let known: Vec<&str> = values.iter().copied().collect();
        let close = crate::text::suggest::close_matches(value, &known);
        let hint = if close.is_empty() {
            format!("its values: {}", known.join(", "))
        } else {
            format!("did you mean {key}={}?", close.join(", "))
        };
        return Err(CliError::Usage(format!(
            "no cluster has {key}={value:?}; {hint}"
        )));
    }
    Ok(())
}

/// Indices (config order, no repeats) of the clusters named, or of all of them.
pub(crate) fn choose(
    names: &[&str],
    wanted: &[String],
    all: bool,
    config_path: &Path,
) -> Result<Vec<usize>, CliError> {
    if all {
        return Ok((0..names.len()).collect());
    }
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    for name in wanted {
        match (names.iter()).position(|n| crate::text::suggest::same_name(name, n)) {
            Some(i) => chosen.push(i),
            None => unknown.push(unknown_cluster(name, names, config_path)),
        }
    }
    if !unknown.is_empty() {
        // One line per unknown name; the caller puts "ontop: " in front of the first.
        return Err(CliError::Usage(unknown.join("\nontop: ")));
    }
    chosen.sort_unstable();
    chosen.dedup();
    Ok(chosen)
}

fn unknown_cluster(name: &str, names: &[&str], config_path: &Path) -> String {
    let place = config_path.display();
    let close = crate::text::suggest::close_matches(name, names);
    if close.is_empty() {
        let mut shown: Vec<&str> = names.iter().take(8).copied().collect();
        if names.len() > shown.len() {
            shown.push("...");
        }
        format!(
            "no cluster is named {name:?} in {place}; configured: {}",
            shown.join(", ")
        )
    } else {
        format!(
            "no cluster is named {name:?} in {place}; did you mean {}?",
            close.join(", ")
        )
    }
}
