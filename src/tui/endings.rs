//! What the dashboard does when a download it started (or resumed from the journal)
//! ends. The status line is the app's part ([`App::take_endings`]); here is the rest:
//! the audit log's `end` line, the journal entry that is no longer needed, and the
//! terminal bell.
//!
//! [`App::take_endings`]: crate::tui::App::take_endings

use std::io;

use crate::audit::AuditLog;
use crate::download::{EndRecord, record_end};
use crate::journal::Journal;
use crate::tui::app::download::EndedDownload;

/// Appends one `end` line per ended download to the audit log and drops its job from the
/// journal. A failure to write is logged; it never stops the screen.
pub fn record(ended: &[EndedDownload], audit: &AuditLog, journal: &Journal) {
    for e in ended {
        let record = EndRecord {
            cluster: &e.name,
            url: &e.url,
            server_username: None,
            job: e.job.as_deref(),
            ending: &e.ending,
        };
        for problem in record_end(record, audit, journal) {
            tracing::error!("{problem}");
        }
    }
}

/// Rings the terminal bell (BEL) through the screen's own writer, so it reaches the
/// terminal in order with the frames (and through tmux and SSH like any output).
pub fn ring(out: &mut impl io::Write) -> io::Result<()> {
    out.write_all(b"\x07")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::download::Ending;
    use crate::journal::JournalEntry;

    fn ended(name: &str, job: Option<&str>, ending: Ending) -> EndedDownload {
        EndedDownload {
            cluster: 0,
            name: name.into(),
            url: "https://fetch:***@repo/image.tgz".into(),
            job: job.map(str::to_string),
            ending,
        }
    }

    #[test]
    fn an_ending_is_audited_and_leaves_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(Some(dir.path()));
        let journal = Journal::open(Some(dir.path()));
        journal
            .add(JournalEntry {
                cluster: "a".into(),
                job: "j1".into(),
                url: "https://repo/image.tgz".into(),
                started_at: "2026-03-01T12:00:00Z".into(),
            })
            .unwrap();
        record(
            &[
                ended(
                    "a",
                    Some("j1"),
                    Ending::Failure {
                        code: Some(10551885),
                        message: "bad url".into(),
                    },
                ),
                ended("b", None, Ending::AlreadyPresent),
            ],
            &audit,
            &journal,
        );
        assert!(journal.entries().is_empty());
        let text = std::fs::read_to_string(audit.path().unwrap()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "end");
        assert_eq!(lines[0]["result"], "failure");
        assert_eq!(lines[0]["code"], 10551885);
        assert_eq!(lines[0]["job"], "j1");
        assert_eq!(lines[0]["url"], "https://fetch:***@repo/image.tgz");
        assert_eq!(lines[1]["result"], "already_present");
    }

    #[test]
    fn the_bell_is_one_bel_byte() {
        let mut out = Vec::new();
        ring(&mut out).unwrap();
        assert_eq!(out, b"\x07");
    }
}
