//! The structure the engine issue promised, checked on the source itself: operations
//! are driven in one place, only the recorder writes the audit log and the journal, every
//! front end starts the same engine, and `ontop serve` imports no other front end.

use std::path::{Path, PathBuf};

/// Every Rust file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path, text));
            }
        }
    }
    found
}

fn src() -> Vec<(PathBuf, String)> {
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

/// The files (relative to `src/`) whose code (not comments) contains `needle`.
fn files_with(needle: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<String> = src()
        .into_iter()
        .filter(|(_, text)| {
            text.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .any(|l| l.contains(needle))
        })
        .map(|(path, _)| path.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn trackers_are_driven_only_by_the_download_rules_and_the_engine() {
    let outside: Vec<String> = files_with("Tracker::")
        .into_iter()
        .filter(|f| !f.starts_with("download/") && !f.starts_with("engine/"))
        .collect();
    assert!(outside.is_empty(), "Tracker used in {outside:?}");
}

#[test]
fn serve_imports_no_other_front_end() {
    for needle in ["crate::commands", "crate::launch", "crate::tui"] {
        let found: Vec<String> = files_with(needle)
            .into_iter()
            .filter(|f| f.starts_with("serve/"))
            .collect();
        assert!(found.is_empty(), "{needle} in {found:?}");
    }
}

#[test]
fn only_the_recorder_writes_the_audit_log_and_the_journal() {
    // Removals included: no front end and no operation holds an audit handle of its own.
    assert_eq!(files_with("Recorder::start("), ["engine/mod.rs"]);
    assert_eq!(files_with("audit.append("), ["download/recorder.rs"]);
    let journal_writes: Vec<String> = files_with("journal.add(")
        .into_iter()
        .chain(files_with("journal.remove("))
        .collect();
    // The journal's own unit tests aside.
    assert!(
        journal_writes
            .iter()
            .all(|f| f == "download/recorder.rs" || f.starts_with("download/journal")),
        "{journal_writes:?}"
    );
    let audit_handles: Vec<String> = files_with("AuditLog::new(")
        .into_iter()
        .filter(|f| !f.starts_with("download/"))
        .collect();
    assert_eq!(audit_handles, ["engine/mod.rs"], "one place opens it");
}

#[test]
fn every_front_end_starts_the_one_engine() {
    // `Engine::from_config` is `Engine::start` over a config; the commands that send
    // changes start it through their one prologue.
    let starters: Vec<String> = files_with("Engine::start(")
        .into_iter()
        .chain(files_with("Engine::from_config("))
        .chain(files_with("prologue::watched_engine("))
        .chain(files_with("prologue::look_first("))
        .collect();
    for front_end in [
        "launch.rs",
        "demo.rs",
        "serve/mod.rs",
        "commands/prologue.rs",
        "commands/download.rs",
        "commands/packages/delete.rs",
    ] {
        assert!(
            starters.iter().any(|f| f == front_end),
            "{front_end} does not start the engine: {starters:?}"
        );
    }
    assert!(
        files_with("Poller::new(")
            .iter()
            .all(|f| f.starts_with("engine/"))
    );
}

#[test]
fn the_screen_opens_no_file() {
    // A file for an upload is looked at and read by the engine's tasks (`engine/local_file.rs`);
    // the screen only shows what they tell it.
    for needle in ["std::fs", "tokio::fs", "File::open", "read_dir("] {
        let found: Vec<String> = files_with(needle)
            .into_iter()
            .filter(|f| f.starts_with("tui/"))
            .collect();
        assert!(found.is_empty(), "{needle} in {found:?}");
    }
}
