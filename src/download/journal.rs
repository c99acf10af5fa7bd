//! The journal of downloads ontop started and has not seen end, so a dashboard started
//! later (or after a crash), and `ontop status`, go on following them.
//!
//! A small JSON file in the data dir, `jobs.json`, holding one entry per cluster: the
//! newest start on a cluster replaces an older one. It is replaced atomically (a fresh
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
            entries: Mutex::new(BTreeMap::new()),
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
    pub fn keeps(&self) -> bool {
        self.path.is_some()
    }

    /// The downloads followed, one per cluster, in cluster-name order, as last read.
    pub fn entries(&self) -> Vec<JournalEntry> {
        lock(&self.entries).values().cloned().collect()
    }

    /// Reads the file again (other ontop processes may have changed it) and returns its
    /// entries; when it cannot be read, the entries last read, and a warning.
    pub fn reread(&self) -> Vec<JournalEntry> {
        if let Some(path) = &self.path {
            match self.read(path) {
                Ok(entries) => {
                    *lock(&self.entries) = entries;
                    *lock(&self.last_warning) = None;
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
    /// changed it), under an exclusive lock, and replaces the file with the result. A
    /// journal that cannot be read is not replaced: what it holds is not lost.
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
        let mut on_disk = self
            .read(path)
            .map_err(|why| io(&format!("cannot be read ({why}), so it was not changed")))?;
        edit(&mut on_disk);
        let file = JournalFile {
            jobs: on_disk.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| io(&e))?;
        files::replace_private(path, &bytes).map_err(|e| io(&e))?;
        *lock(&self.entries) = on_disk;
        Ok(())
    }

    /// The entries on disk: a missing file is empty, content that is not a journal is
    /// set aside (and empty); an error reading it is the error, and the file stays.
    fn read(&self, path: &Path) -> Result<BTreeMap<String, JournalEntry>, String> {
        let bytes = match files::read_regular(path, MAX_JOURNAL) {
            Ok(bytes) => bytes,
            Err(files::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(BTreeMap::new());
            }
            // Content no journal ever holds: set aside like unreadable JSON.
            Err(e @ files::ReadError::TooLarge { .. }) => {
                return Ok(self.set_aside(path, &e.to_string()));
            }
            Err(e) => return Err(e.to_string()),
        };
        match serde_json::from_slice::<JournalFile>(&bytes) {
            // One per cluster: of several (an older journal), the last one written wins.
            Ok(file) => Ok(file
                .jobs
                .into_iter()
                .map(|e| (e.cluster.clone(), e))
                .collect()),
            Err(e) => Ok(self.set_aside(path, &e.to_string())),
        }
    }

    /// Moves a journal whose content is not a journal to `jobs.json.corrupt-<time>`
    /// (`-2`, `-3`… when that name is taken: an earlier one is never overwritten), so
    /// that nothing in it is lost, and says so.
    fn set_aside(&self, path: &Path, why: &str) -> BTreeMap<String, JournalEntry> {
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
        BTreeMap::new()
    }

    fn warn(&self, warning: String) {
        let mut last = lock(&self.last_warning);
        if last.as_deref() == Some(warning.as_str()) {
            return;
        }
        *last = Some(warning.clone());
        tracing::warn!("{warning}");
        lock(&self.warnings).push(warning);
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

    #[test]
    fn bad_json_twice_in_the_same_second_is_set_aside_under_two_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        std::fs::write(&path, "{first").unwrap();
        Journal::open(Some(dir.path()));
        std::fs::write(&path, "{second").unwrap();
        Journal::open(Some(dir.path()));
        let mut kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        kept.sort();
        assert_eq!(kept, ["{first", "{second"], "neither was overwritten");
    }

    /// An I/O error is not corruption: the file stays, nothing replaces it, and the
    /// entries come back once it can be read again.
    #[cfg(unix)]
    #[test]
    fn a_journal_that_cannot_be_read_is_left_in_place_and_never_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Journal::open(Some(dir.path()))
            .add(entry("a", "j1"))
            .unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        let before = std::fs::read(&path).unwrap();
        // A permission the process cannot pass; root passes every permission, so there
        // the journal is made a directory's child path that cannot be opened instead.
        // SAFETY: geteuid has no preconditions and cannot fail.
        let root = unsafe { libc::geteuid() } == 0;
        let unreadable_dir = dir.path().join("as-root");
        if root {
            std::fs::create_dir(&unreadable_dir).unwrap();
            // `jobs.json` is a directory there: reading it is an I/O error, not bad JSON.
            std::fs::create_dir(unreadable_dir.join(JOURNAL_FILE)).unwrap();
        } else {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        let data = if root { &unreadable_dir } else { dir.path() };
        let journal = Journal::open(Some(data));
        let warnings = journal.take_warnings();
        assert!(
            warnings.iter().any(|w| w.contains("left in place")),
            "{warnings:?}"
        );
        let refused = journal.add(entry("b", "j2")).unwrap_err();
        assert!(refused.to_string().contains("not changed"), "{refused}");
        let names: Vec<String> = std::fs::read_dir(data)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("corrupt")), "{names:?}");
        if !root {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), before, "untouched");
            assert_eq!(journal.reread(), [entry("a", "j1")], "read again later");
        }
    }

    #[test]
    fn temporaries_left_by_a_crash_are_removed_at_start_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".jobs.json.4242.0.1f.tmp");
        let fresh = dir.path().join(".jobs.json.4243.0.2f.tmp");
        std::fs::write(&stale, "{}").unwrap();
        std::fs::write(&fresh, "{}").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        Journal::open(Some(dir.path()));
        assert!(!stale.exists(), "a crash's leftover goes");
        assert!(fresh.exists(), "another ontop may be writing this one now");
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
