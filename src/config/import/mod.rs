//! `ontop config import`: an ontop config made from another tool's list of clusters.
//!
//! The one source so far is NetApp Harvest's `harvest.yml` ([`harvest`]): one
//! `[[cluster]]` per poller, with Harvest's `Defaults` applied to each as Harvest applies
//! them. What cannot be carried over is said in comments where it applies, so the output
//! loads with `ontop config check` as it is and the reader sees what was left behind.
//!
//! - [`harvest`](self::harvest) reads the file's shape, in file order;
//! - `mapping` turns one poller into one cluster, or into the reason it is skipped;
//! - `auth` finds where its password comes from, as Harvest looks for it;
//! - `render` writes the TOML with `toml_edit`, the notes as comments.

mod auth;
mod harvest;
mod mapping;
mod render;

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::files::ReadError;
use crate::text::clean;
use auth::Password;
use mapping::Outcome;

/// The largest `harvest.yml` read: thousands of pollers fit in far less.
pub(crate) const MAX_HARVEST_FILE: u64 = 4 * 1024 * 1024;

/// An ontop config made from a `harvest.yml`. It has no `Debug`: its text may hold
/// passwords.
pub(crate) struct Imported {
    /// The config as TOML, with comments (what was skipped, and why).
    pub toml: String,
    /// The names of the clusters it holds, in the order of the pollers.
    pub clusters: Vec<String>,
    /// The pollers left out, each as `poller "NAME": why`.
    pub skipped: Vec<String>,
    /// True when it holds a password in plain text (copied from `harvest.yml`).
    pub plain_passwords: bool,
}

/// Why a `harvest.yml` could not be imported. None of the messages holds a value of the
/// file: a value may be a password.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    /// No file at the path.
    #[error(
        "{}: no such file — give the path of Harvest's harvest.yml, e.g. ontop config import /opt/harvest/harvest.yml",
        path.display()
    )]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file cannot be read (a directory, a device, too large, permissions).
    #[error("{}: cannot read it: {source} — give the path of Harvest's harvest.yml", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: ReadError,
    },
    /// Not YAML, or YAML of another shape than Harvest's.
    #[error(
        "{}: not a harvest.yml ontop can read: {message} — fix it there (Harvest's `bin/harvest doctor --config {}` checks it)",
        path.display(),
        path.display()
    )]
    Yaml {
        /// The path given.
        path: PathBuf,
        /// Where and what, without the text of the line (it may hold a password).
        message: String,
    },
    /// YAML without pollers.
    #[error(
        "{}: no pollers in a Pollers section{hint} — ontop imports the pollers of Harvest's harvest.yml",
        path.display()
    )]
    NoPollers {
        /// The path given.
        path: PathBuf,
        /// ", did you mean ...?" when a key looks like `Pollers`.
        hint: String,
    },
    /// Every poller had to be skipped.
    #[error(
        "{}: none of its pollers can be an ontop cluster:\n{}\n— fix harvest.yml, or write the [[cluster]] tables by hand (ontop config init --path new.toml writes one to copy from)",
        path.display(),
        reasons.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n")
    )]
    NothingImported {
        /// The path given.
        path: PathBuf,
        /// Each poller, as `poller "NAME": why`.
        reasons: Vec<String>,
    },
}

/// Reads Harvest's `harvest.yml` at `path` and makes an ontop config of it, stamped with
/// `now`. Relative paths in the file (scripts, CA files) start at its folder.
pub(crate) fn harvest(path: &Path, now: Timestamp) -> Result<Imported, ImportError> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let text = read(&path)?;
    let file = harvest::parse(&text).map_err(|e| ImportError::Yaml {
        path: path.clone(),
        message: yaml_message(&e),
    })?;
    let pollers = match file.pollers {
        Some(pollers) if !pollers.is_empty() => pollers,
        _ => {
            let hint = file
                .other
                .iter()
                .find(|k| k.eq_ignore_ascii_case("pollers"))
                .map(|k| format!(" (found {:?}: did you mean Pollers?)", clean(k)))
                .unwrap_or_default();
            return Err(ImportError::NoPollers { path, hint });
        }
    };
    let defaults = file.defaults.unwrap_or_default();
    let base_dir = path.parent().unwrap_or(Path::new("/"));
    let mut clusters = Vec::new();
    let mut skipped = Vec::new();
    for (name, poller) in &pollers {
        match mapping::poller(name, poller, &defaults, base_dir) {
            Outcome::Cluster(cluster) => clusters.push(*cluster),
            Outcome::Skipped(why) => skipped.push(format!("poller {:?}: {why}", clean(name))),
        }
    }
    if clusters.is_empty() {
        return Err(ImportError::NothingImported {
            path,
            reasons: skipped,
        });
    }
    let mut notes = file_notes(&file.other, &defaults);
    notes.extend(skipped.iter().cloned());
    let plain_passwords = clusters
        .iter()
        .any(|c| matches!(c.password, Password::Plain(_)));
    let toml = render::render(&render::Document {
        source: &path,
        generated: now,
        notes: &notes,
        clusters: &clusters,
        plain_passwords,
    });
    Ok(Imported {
        toml,
        clusters: clusters.into_iter().map(|c| c.name).collect(),
        skipped,
        plain_passwords,
    })
}

/// The file as text: a regular file of at most [`MAX_HARVEST_FILE`] bytes, in UTF-8.
fn read(path: &Path) -> Result<String, ImportError> {
    let bytes =
        crate::files::read_regular(path, MAX_HARVEST_FILE).map_err(|source| match source {
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => ImportError::NotFound {
                path: path.to_owned(),
            },
            source => ImportError::Read {
                path: path.to_owned(),
                source,
            },
        })?;
    String::from_utf8(bytes).map_err(|_| ImportError::Yaml {
        path: path.to_owned(),
        message: "it is not UTF-8 text".to_owned(),
    })
}

/// The notes for the whole file: top-level sections and `Defaults` keys not imported.
fn file_notes(other: &[String], defaults: &harvest::Poller) -> Vec<String> {
    let mut notes = Vec::new();
    let sections: Vec<String> = other
        .iter()
        .filter(|k| *k != "Poller_files")
        .map(|k| clean(k))
        .collect();
    if !sections.is_empty() {
        notes.push(format!(
            "{}: Harvest's own sections, nothing there for ontop",
            sections.join(", ")
        ));
    }
    if other.iter().any(|k| k == "Poller_files") {
        notes.push(
            "Poller_files: the pollers of those files are not read here: import each file too"
                .to_owned(),
        );
    }
    if defaults.disabled.is_some() {
        notes.push(format!("Defaults: {}", mapping::unmapped("disabled")));
    }
    notes.extend(
        defaults
            .other
            .iter()
            .map(|k| format!("Defaults: {}", mapping::unmapped(k))),
    );
    notes
}

/// The parser's message with its location, without the line of the file, and with
/// quoted values left out: any of them may be a password.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let formatter = serde_saphyr::UserMessageFormatter;
    let options = serde_saphyr::render_options! {
        formatter: &formatter,
        snippets: serde_saphyr::SnippetMode::Off,
    };
    redact_quoted(&clean(&error.render_with_options(options)))
}

/// `text` with every quoted part (in `"` or backticks, as serde quotes the value it did
/// not expect) longer than one character replaced by `"…"`.
fn redact_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['"', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        match after.find(quote) {
            Some(end) if after[..end].chars().count() > 1 => {
                out.push_str(&rest[..start]);
                out.push_str("\"…\"");
                rest = &after[end + 1..];
            }
            Some(end) => {
                out.push_str(&rest[..start + end + 2]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_of_the_wrong_kind_is_refused_without_repeating_it() {
        for text in [
            "Pollers:\n  a:\n    password: [hunter2]\n",
            "Pollers:\n  a:\n    use_insecure_tls: hunter2\n",
            "Pollers: hunter2\n",
            "Pollers:\n  a: 'hunter2'\n",
        ] {
            let error = harvest::parse(text).err().expect("refused");
            let message = yaml_message(&error);
            assert!(!message.contains("hunter2"), "{message}");
            assert!(message.contains("line"), "{message}");
        }
    }

    #[test]
    fn quoted_parts_are_left_out_but_single_characters_kept() {
        assert_eq!(
            redact_quoted("invalid type: string \"s3cret\", expected `:`, isn't it"),
            "invalid type: string \"…\", expected `:`, isn't it"
        );
        assert_eq!(redact_quoted("no quotes"), "no quotes");
    }
}
