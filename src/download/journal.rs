//! The journal of downloads ontop started and has not seen end, so a dashboard started
//! later (or after a crash), and `ontop status`, go on following them; and of the last
//! release ontop validated on each cluster, and when (ONTAP's results name neither).
//!
//! A small JSON file in the data dir, `jobs.json`, holding one download and one
//! validation per cluster: the newest on a cluster replaces an older one. It is replaced atomically (a fresh
//! temporary file, then a rename), so a crash leaves the old or the new journal, never
//! half of one. Several ontop processes may share it (a dashboard in tmux, `ontop
//! download` in cron): each change re-reads the file under a lock and applies itself to
//! what is there. Only the recorder changes it, off the screen's task, so a lock held
//! elsewhere never freezes a screen. A file whose content is not a journal is moved
//! aside (`jobs.json.corrupt-<time>`, never over an earlier one); a file that cannot be
//! read for a passing reason (an I/O error) stays where it is, is never replaced, and is
//! read again later.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::recorder::RecordError;
use crate::files;
use crate::sync::Lock;

/// The file name inside the data dir.
pub(crate) const JOURNAL_FILE: &str = "jobs.json";
/// The largest journal read: thousands of entries fit in far less.
const MAX_JOURNAL: u64 = 16 * 1024 * 1024;
/// How long a change waits for another process's lock on the journal: each holds it
/// for one read and one write, milliseconds.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// One download being followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The cluster's configured name (indices change when the config does).
    pub cluster: String,
    pub job: String,
    /// Credentials and query masked.
    pub url: String,
    /// The package server's user, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_username: Option<String>,
    pub started_at: String,
}

/// The last validation ontop ran on a cluster: which release, and when its results came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ValidatedEntry {
    pub cluster: String,
    pub version: String,
    pub at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct JournalFile {
    jobs: Vec<JournalEntry>,
    /// Absent from journals written before validations were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    validated: Vec<ValidatedEntry>,
}

/// What the journal holds, by cluster.
#[derive(Debug, Default, Clone)]
struct Contents {
    jobs: BTreeMap<String, JournalEntry>,
    validated: BTreeMap<String, ValidatedEntry>,
}

/// The journal; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Journal {
    path: Option<PathBuf>,
    /// What is on disk as of the last read or change, by cluster.
    entries: Mutex<Contents>,
    /// What went wrong reading it, for a front end to show once.
    warnings: Mutex<Vec<String>>,
    /// The last warning given: the same one is not given again until a read succeeds.
    last_warning: Mutex<Option<String>>,
}

impl Journal {
    /// Opens the journal in `dir`; a missing file is an empty journal. A file that
    /// cannot be read (an I/O error: too many open files, permissions, a disk error) is
    /// left where it is and reported; one whose content is not a journal is set aside
    /// (with a warning). Neither is a reason not to start. Temporary files a crash left
    /// behind are removed.
    pub fn open(dir: Option<&Path>) -> Self {
        let journal = Self {
            path: dir.map(|d| d.join(JOURNAL_FILE)),
            entries: Mutex::new(Contents::default()),
            warnings: Mutex::new(Vec::new()),
            last_warning: Mutex::new(None),
        };
        if let Some(path) = &journal.path {
            remove_stale_temporaries(path);
        }
        journal.reread();
        journal
    }

    /// Whether anything is kept: false for the demo, or without a data dir.
    pub(crate) fn keeps(&self) -> bool {
        self.path.is_some()
    }

    /// The downloads followed, one per cluster, in cluster-name order, as last read.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.entries.locked().jobs.values().cloned().collect()
    }

    /// The last validation ontop ran on each cluster, as last read.
    pub(crate) fn validated(&self) -> Vec<ValidatedEntry> {
        self.entries.locked().validated.values().cloned().collect()
    }

    /// Reads the file again (other ontop processes may have changed it) and returns its
    /// entries; when it cannot be read, the entries last read, and a warning.
    pub(crate) fn reread(&self) -> Vec<JournalEntry> {
        if let Some(path) = &self.path {
            match self.read(path) {
                Ok(entries) => {
                    *self.entries.locked() = entries;
                    *self.last_warning.locked() = None;
                }
                Err(why) => self.warn(format!(
                    "journal {}: cannot be read ({why}); left in place, and read again later",
                    path.display()
                )),
            }
        }
        self.entries()
    }

    /// The download followed on `cluster`, when there is one.
    pub(crate) fn entry(&self, cluster: &str) -> Option<JournalEntry> {
        self.entries.locked().jobs.get(cluster).cloned()
    }

    /// What went wrong reading the journal since the last call.
    pub(crate) fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.locked())
    }

    /// Records a started download; it replaces any older one on the same cluster.
    pub fn add(&self, entry: JournalEntry) -> Result<(), RecordError> {
        self.change(|contents| {
            contents.jobs.insert(entry.cluster.clone(), entry);
        })
    }

    /// Records the release a validation on a cluster was for; it replaces an older one.
    pub(crate) fn note_validated(&self, entry: ValidatedEntry) -> Result<(), RecordError> {
        self.change(|contents| {
            contents.validated.insert(entry.cluster.clone(), entry);
        })
    }

    /// Forgets the download `job` on `cluster` (it ended); a newer one stays.
    pub(crate) fn remove(&self, cluster: &str, job: &str) -> Result<(), RecordError> {
        self.change(|contents| {
            if contents.jobs.get(cluster).is_some_and(|e| e.job == job) {
                contents.jobs.remove(cluster);
            }
        })
    }

    /// Applies `edit` to the journal as it is on disk now (other processes may have
    /// changed it), under an exclusive lock, and replaces the file with the result. A
    /// journal that cannot be read is not replaced: what it holds is not lost.
    fn change(&self, edit: impl FnOnce(&mut Contents)) -> Result<(), RecordError> {
        let Some(path) = &self.path else {
            edit(&mut self.entries.locked());
            return Ok(());
        };
        let io = |e: &dyn std::fmt::Display| RecordError::Journal {
            path: path.clone(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            files::private_dir(dir).map_err(|e| io(&e))?;
        }
        let lock = path.with_extension("json.lock");
        let locked = |e: std::io::Error| io(&format!("its lock file {}: {e}", lock.display()));
        let lock_file = files::lock_file(&lock).map_err(locked)?;
        files::lock_within(&lock_file, LOCK_WAIT).map_err(locked)?;
        let mut on_disk = self
            .read(path)
            .map_err(|why| io(&format!("cannot be read ({why}), so it was not changed")))?;
        edit(&mut on_disk);
        let file = JournalFile {
            jobs: on_disk.jobs.values().cloned().collect(),
            validated: on_disk.validated.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| io(&e))?;
        files::replace_private(path, &bytes).map_err(|e| io(&e))?;
        *self.entries.locked() = on_disk;
        Ok(())
    }

    /// The entries on disk: a missing file is empty, content that is not a journal is
    /// set aside (and empty); an error reading it is the error, and the file stays.
    fn read(&self, path: &Path) -> Result<Contents, String> {
        let bytes = match files::read_regular(path, MAX_JOURNAL) {
            Ok(bytes) => bytes,
            Err(files::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Contents::default());
            }
            // Content no journal ever holds: set aside like unreadable JSON.
            Err(e @ files::ReadError::TooLarge { .. }) => {
                return Ok(self.set_aside(path, &e.to_string()));
            }
            Err(e) => return Err(e.to_string()),
        };
        match serde_json::from_slice::<JournalFile>(&bytes) {
            // One per cluster: of several (an older journal), the last one written wins.
            Ok(file) => Ok(Contents {
                jobs: file
                    .jobs
                    .into_iter()
                    .map(|e| (e.cluster.clone(), e))
                    .collect(),
                validated: file
                    .validated
                    .into_iter()
                    .map(|e| (e.cluster.clone(), e))
                    .collect(),
            }),
            Err(e) => Ok(self.set_aside(path, &e.to_string())),
        }
    }

    /// Moves a journal whose content is not a journal to `jobs.json.corrupt-<time>`
    /// (`-2`, `-3`… when that name is taken: an earlier one is never overwritten), so
    /// that nothing in it is lost, and says so.
    fn set_aside(&self, path: &Path, why: &str) -> Contents {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let warning = match move_aside(path, &format!("json.corrupt-{stamp}")) {
            Ok(aside) => format!(
                "journal {}: not a journal ({why}); moved to {} and starting empty: the \
                 downloads it held are not followed",
                path.display(),
                aside.display()
            ),
            Err(e) => format!(
                "journal {}: not a journal ({why}), and it could not be moved aside ({e})",
                path.display()
            ),
        };
        self.warn(warning);
        Contents::default()
    }

    fn warn(&self, warning: String) {
        let mut last = self.last_warning.locked();
        if last.as_deref() == Some(warning.as_str()) {
            return;
        }
        *last = Some(warning.clone());
        tracing::warn!("{warning}");
        self.warnings.locked().push(warning);
    }
}

/// Moves `path` to `<path>.<extension>`, or `…-2`, `…-3` when taken: a hard link is
/// made first (which fails rather than replace an existing name), then the old name goes.
fn move_aside(path: &Path, extension: &str) -> std::io::Result<PathBuf> {
    for n in 1..1000 {
        let name = match n {
            1 => extension.to_string(),
            n => format!("{extension}-{n}"),
        };
        let aside = path.with_extension(name);
        match std::fs::hard_link(path, &aside) {
            Ok(()) => {
                std::fs::remove_file(path)?;
                return Ok(aside);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free name to move it to"))
}

/// How old a temporary journal file must be to count as left by a crash: a write takes
/// milliseconds, so another ontop writing now is never disturbed.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes the temporary files (`.jobs.json.*.tmp`) a process killed during a write
/// left beside the journal.
fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if !(file_name.starts_with(&prefix) && file_name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_TEMPORARY);
        if old && std::fs::remove_file(entry.path()).is_ok() {
            tracing::info!(
                "removed {}, left by an interrupted write",
                entry.path().display()
            );
        }
    }
}

#[cfg(test)]
mod tests;
