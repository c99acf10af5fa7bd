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
fn the_last_validation_per_cluster_is_kept_beside_the_downloads() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(Some(dir.path()));
    journal.add(entry("a", "j1")).unwrap();
    let validated = |version: &str| ValidatedEntry {
        cluster: "a".into(),
        version: version.into(),
        at: "2026-12-06T10:00:00Z".into(),
    };
    journal.note_validated(validated("9.16.1P2")).unwrap();
    journal.note_validated(validated("9.16.1P3")).unwrap();
    journal.remove("a", "j1").unwrap();
    let reopened = Journal::open(Some(dir.path()));
    assert_eq!(reopened.validated(), [validated("9.16.1P3")]);
    assert!(reopened.entries().is_empty());
    // A journal written before validations were kept reads as it did.
    std::fs::write(dir.path().join(JOURNAL_FILE), r#"{"jobs": []}"#).unwrap();
    assert!(Journal::open(Some(dir.path())).validated().is_empty());
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
