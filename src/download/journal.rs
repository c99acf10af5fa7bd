//! The journal of downloads ontop started and has not seen end, so a dashboard started
//! later (or after a crash), and `ontop status`, go on following them.
//!
//! A small JSON file in the data dir, `jobs.json`, holding one entry per cluster: the
//! newest start on a cluster replaces an older one. It is replaced atomically (a fresh
//! temporary file, then a rename), so a crash leaves the old or the new journal, never
//! half of one. Several ontop processes may share it (a dashboard in tmux, `ontop
//! download` in cron): each change re-reads the file under a lock and applies itself to
//! what is there. Only the recorder changes it, off the screen's task, so a lock held
//! elsewhere never freezes a screen. A file that cannot be read as a journal is moved
//! aside (`jobs.json.corrupt-<time>`), never overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::recorder::RecordError;
use crate::files;

/// The file name inside the data dir.
pub const JOURNAL_FILE: &str = "jobs.json";
/// The largest journal read: thousands of entries fit in far less.
const MAX_JOURNAL: u64 = 16 * 1024 * 1024;

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

#[derive(Debug, Default, Serialize, Deserialize)]
struct JournalFile {
    jobs: Vec<JournalEntry>,
}

/// The journal; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Journal {
    path: Option<PathBuf>,
    /// What is on disk as of the last read or change, by cluster.
    entries: Mutex<BTreeMap<String, JournalEntry>>,
    /// What went wrong reading it, for a front end to show once.
    warnings: Mutex<Vec<String>>,
}

impl Journal {
    /// Opens the journal in `dir`; a missing file is an empty journal, a broken one is
    /// moved aside (with a warning), never a reason not to start.
    pub fn open(dir: Option<&Path>) -> Self {
        let journal = Self {
            path: dir.map(|d| d.join(JOURNAL_FILE)),
            entries: Mutex::new(BTreeMap::new()),
            warnings: Mutex::new(Vec::new()),
        };
        if let Some(path) = &journal.path {
            let entries = journal.read(path);
            *lock(&journal.entries) = entries;
        }
        journal
    }

    /// Whether anything is kept: false for the demo, or without a data dir.
    pub fn keeps(&self) -> bool {
        self.path.is_some()
    }

    /// The downloads followed, one per cluster, in cluster-name order.
    pub fn entries(&self) -> Vec<JournalEntry> {
        lock(&self.entries).values().cloned().collect()
    }

    /// The download followed on `cluster`, when there is one.
    pub fn entry(&self, cluster: &str) -> Option<JournalEntry> {
        lock(&self.entries).get(cluster).cloned()
    }

    /// What went wrong reading the journal since the last call.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.warnings))
    }

    /// Records a started download; it replaces any older one on the same cluster.
    pub fn add(&self, entry: JournalEntry) -> Result<(), RecordError> {
        self.change(|entries| {
            entries.insert(entry.cluster.clone(), entry);
        })
    }

    /// Forgets the download `job` on `cluster` (it ended); a newer one stays.
    pub fn remove(&self, cluster: &str, job: &str) -> Result<(), RecordError> {
        self.change(|entries| {
            if entries.get(cluster).is_some_and(|e| e.job == job) {
                entries.remove(cluster);
            }
        })
    }

    /// Applies `edit` to the journal as it is on disk now (other processes may have
    /// changed it), under an exclusive lock, and replaces the file with the result.
    fn change(
        &self,
        edit: impl FnOnce(&mut BTreeMap<String, JournalEntry>),
    ) -> Result<(), RecordError> {
        let Some(path) = &self.path else {
            edit(&mut lock(&self.entries));
            return Ok(());
        };
        let io = |e: &dyn std::fmt::Display| RecordError::Journal {
            path: path.clone(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            files::private_dir(dir).map_err(|e| io(&e))?;
        }
        let lock_file = files::lock_file(&path.with_extension("json.lock")).map_err(|e| io(&e))?;
        lock_file.lock().map_err(|e| io(&e))?;
        let mut on_disk = self.read(path);
        edit(&mut on_disk);
        let file = JournalFile {
            jobs: on_disk.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| io(&e))?;
        files::replace_private(path, &bytes).map_err(|e| io(&e))?;
        *lock(&self.entries) = on_disk;
        Ok(())
    }

    /// The entries on disk; a missing file is empty, a broken one is moved aside.
    fn read(&self, path: &Path) -> BTreeMap<String, JournalEntry> {
        let bytes = match files::read_regular(path, MAX_JOURNAL) {
            Ok(bytes) => bytes,
            Err(files::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return BTreeMap::new();
            }
            Err(e) => return self.set_aside(path, &e.to_string()),
        };
        match serde_json::from_slice::<JournalFile>(&bytes) {
            // One per cluster: of several (an older journal), the last one written wins.
            Ok(file) => file
                .jobs
                .into_iter()
                .map(|e| (e.cluster.clone(), e))
                .collect(),
            Err(e) => self.set_aside(path, &e.to_string()),
        }
    }

    /// Moves an unreadable journal to `jobs.json.corrupt-<time>`, so that nothing in it
    /// is lost, and says so.
    fn set_aside(&self, path: &Path, why: &str) -> BTreeMap<String, JournalEntry> {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let aside = path.with_extension(format!("json.corrupt-{stamp}"));
        let warning = match std::fs::rename(path, &aside) {
            Ok(()) => format!(
                "journal {}: not readable ({why}); moved to {} and starting empty: the \
                 downloads it held are not followed",
                path.display(),
                aside.display()
            ),
            Err(e) => format!(
                "journal {}: not readable ({why}), and it could not be moved aside ({e})",
                path.display()
            ),
        };
        tracing::warn!("{warning}");
        lock(&self.warnings).push(warning);
        BTreeMap::new()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cluster: &str, job: &str) -> JournalEntry {
        JournalEntry {
            cluster: cluster.into(),
            job: job.into(),
            url: "https://repo/image.tgz".into(),
            server_username: None,
            started_at: "2026-11-27T10:00:00Z".into(),
        }
    }

    #[test]
    fn one_entry_per_cluster_survives_a_restart_and_goes_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(Some(dir.path()));
        journal.add(entry("a", "j1")).unwrap();
        journal.add(entry("b", "j2")).unwrap();
        journal.add(entry("a", "j3")).unwrap();
        let reopened = Journal::open(Some(dir.path()));
        assert_eq!(reopened.entries(), [entry("a", "j3"), entry("b", "j2")]);
        reopened.remove("a", "j1").unwrap();
        assert_eq!(
            reopened.entry("a"),
            Some(entry("a", "j3")),
            "a newer job stays"
        );
        reopened.remove("a", "j3").unwrap();
        assert_eq!(
            Journal::open(Some(dir.path())).entries(),
            [entry("b", "j2")]
        );
    }

    #[test]
    fn two_processes_sharing_the_journal_keep_each_others_entries() {
        let dir = tempfile::tempdir().unwrap();
        let dashboard = Journal::open(Some(dir.path()));
        let script = Journal::open(Some(dir.path()));
        dashboard.add(entry("a", "j1")).unwrap();
        script.add(entry("b", "j2")).unwrap();
        dashboard.remove("a", "j1").unwrap();
        assert_eq!(
            Journal::open(Some(dir.path())).entries(),
            [entry("b", "j2")]
        );
    }

    #[test]
    fn a_corrupt_journal_is_moved_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(JOURNAL_FILE), "{not json").unwrap();
        let journal = Journal::open(Some(dir.path()));
        assert!(journal.entries().is_empty());
        let warnings = journal.take_warnings();
        assert!(warnings[0].contains("moved to"), "{warnings:?}");
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("jobs.json.corrupt-")
            })
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            std::fs::read_to_string(aside[0].path()).unwrap(),
            "{not json"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_at_the_old_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("jobs.json.tmp")).unwrap();
        Journal::open(Some(dir.path()))
            .add(entry("a", "j1"))
            .unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    }
}
