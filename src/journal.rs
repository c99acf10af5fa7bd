//! The journal of downloads in flight, so a dashboard started later (or after a crash)
//! goes on following the jobs an earlier session started.
//!
//! A small JSON file in the data dir, rewritten atomically (temporary file + rename) on
//! every change, so a crash leaves either the old or the new journal, never half of one.
//! Several ontop processes may share it (a dashboard in tmux, `ontop download` in a
//! script): each change re-reads the file under a lock and applies itself to what is
//! there, so no process wipes another's entries.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The file name inside the data dir.
pub const JOURNAL_FILE: &str = "jobs.json";

/// One download being followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The cluster's configured name (indices change when the config does).
    pub cluster: String,
    pub job: String,
    /// Credentials masked.
    pub url: String,
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
    entries: Mutex<Vec<JournalEntry>>,
}

impl Journal {
    /// Opens the journal in `dir`; a missing or unreadable file is an empty journal
    /// (with a warning in the log), never a reason not to start.
    pub fn open(dir: Option<&Path>) -> Self {
        let path = dir.map(|d| d.join(JOURNAL_FILE));
        let entries = path.as_deref().and_then(read_entries).unwrap_or_default();
        Self {
            path,
            entries: Mutex::new(entries),
        }
    }

    /// The downloads still being followed.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.lock().clone()
    }

    /// Records a started download.
    pub fn add(&self, entry: JournalEntry) -> std::io::Result<()> {
        self.change(|entries| {
            entries.retain(|e| !(e.cluster == entry.cluster && e.job == entry.job));
            entries.push(entry);
        })
    }

    /// Forgets a download that ended (or whose job the cluster deleted).
    pub fn remove(&self, cluster: &str, job: &str) -> std::io::Result<()> {
        self.change(|entries| entries.retain(|e| !(e.cluster == cluster && e.job == job)))
    }

    /// Applies `edit` to the journal as it is on disk now (other processes may have
    /// changed it), under an exclusive lock, and writes the result atomically.
    fn change(&self, edit: impl FnOnce(&mut Vec<JournalEntry>)) -> std::io::Result<()> {
        let mut entries = self.lock();
        let Some(path) = &self.path else {
            edit(&mut entries);
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let lock = std::fs::File::create(path.with_extension("json.lock"))?;
        lock.lock()?;
        let mut on_disk = read_entries(path).unwrap_or_default();
        edit(&mut on_disk);
        self.save(&on_disk)?;
        *entries = on_disk;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<JournalEntry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save(&self, entries: &[JournalEntry]) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = JournalFile {
            jobs: entries.to_vec(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        let mut out = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut out, &bytes)?;
        out.sync_all()?;
        std::fs::rename(&tmp, path)
    }
}

/// The entries on disk; `None` when there is no file, or (with a warning) a broken one.
fn read_entries(path: &Path) -> Option<Vec<JournalEntry>> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice::<JournalFile>(&bytes) {
        Ok(file) => Some(file.jobs),
        Err(e) => {
            tracing::warn!(
                "journal {}: unreadable, starting empty: {e}",
                path.display()
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cluster: &str, job: &str) -> JournalEntry {
        JournalEntry {
            cluster: cluster.into(),
            job: job.into(),
            url: "https://repo/image.tgz".into(),
            started_at: "2026-11-27T10:00:00Z".into(),
        }
    }

    #[test]
    fn entries_survive_a_restart_and_are_removed_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(Some(dir.path()));
        journal.add(entry("a", "j1")).unwrap();
        journal.add(entry("b", "j2")).unwrap();
        journal.add(entry("a", "j1")).unwrap();
        let reopened = Journal::open(Some(dir.path()));
        assert_eq!(reopened.entries(), [entry("b", "j2"), entry("a", "j1")]);
        reopened.remove("a", "j1").unwrap();
        assert_eq!(
            Journal::open(Some(dir.path())).entries(),
            [entry("b", "j2")]
        );
        assert!(!dir.path().join("jobs.json.tmp").exists());
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
    fn a_corrupt_journal_is_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(JOURNAL_FILE), "{not json").unwrap();
        assert!(Journal::open(Some(dir.path())).entries().is_empty());
    }
}
