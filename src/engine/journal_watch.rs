//! Following the downloads the journal holds: those an earlier ontop started (at start),
//! and, for the dashboard and `ontop serve`, those other ontop processes start meanwhile
//! (`ontop download` in cron, another dashboard), read again every so often. Each job is
//! followed once; entries for clusters this engine does not have are left for the
//! engine that has them.

use jiff::Timestamp;

use super::Update;
use super::poller::Command;
use super::{Engine, JournalUse};
use crate::download::journal::{JournalEntry, ValidatedEntry};
use crate::download::{Operation, Tracker};
use crate::sync::Lock;

impl Engine {
    /// Follows the journal as `how` says.
    pub(super) fn with_journal(mut self, how: JournalUse) -> Self {
        let every = match how {
            JournalUse::Ignore => return self,
            JournalUse::Resume => None,
            JournalUse::Watch(every) => Some(every),
        };
        self.follow_entries(self.recorder.journal().entries());
        let (recorder, commands, names, seen, updates) = (
            self.recorder.clone(),
            self.commands.clone(),
            self.names.clone(),
            self.journal_seen.clone(),
            self.updates.clone(),
        );
        self.tasks.spawn(async move {
            if !tell_validated(&names, &updates, recorder.journal().validated()).await {
                return;
            }
            let Some(every) = every else {
                return;
            };
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await; // the first tick is now: the journal was just read
            loop {
                ticks.tick().await;
                let entries = recorder.reread_journal().await;
                for (cluster, tracker) in new_entries(&names, &seen, entries) {
                    if let Some(tx) = commands.get(cluster) {
                        let _ = tx.unbounded_send(Command::Follow(Box::new(tracker), None));
                    }
                }
                let validated = recorder.journal().validated();
                if !tell_validated(&names, &updates, validated).await {
                    return;
                }
            }
        });
        self
    }

    /// Has each entry's cluster follow its job as a download an earlier ontop started.
    fn follow_entries(&self, entries: Vec<JournalEntry>) {
        for (cluster, tracker) in new_entries(&self.names, &self.journal_seen, entries) {
            self.send(cluster, Command::Follow(Box::new(tracker), None));
        }
    }
}

/// Tells the model which release each cluster's last validation (by any ontop) was for;
/// false when the model is gone.
async fn tell_validated(
    names: &[String],
    updates: &tokio::sync::mpsc::Sender<Update>,
    entries: Vec<ValidatedEntry>,
) -> bool {
    for entry in entries {
        let Some(cluster) = names.iter().position(|n| *n == entry.cluster) else {
            continue;
        };
        let Ok(at) = entry.at.parse::<Timestamp>() else {
            continue;
        };
        let update = Update::Validated {
            cluster,
            version: entry.version,
            at,
        };
        if updates.send(update).await.is_err() {
            return false;
        }
    }
    true
}

/// The entries not followed yet, for clusters of `names`, each with its tracker.
fn new_entries(
    names: &[String],
    seen: &std::sync::Mutex<std::collections::HashSet<(String, String)>>,
    entries: Vec<JournalEntry>,
) -> Vec<(usize, Tracker)> {
    let now = Timestamp::now();
    let mut seen = seen.locked();
    entries
        .into_iter()
        .filter_map(|entry| {
            let cluster = names.iter().position(|n| *n == entry.cluster)?;
            if !seen.insert((entry.cluster.clone(), entry.job.clone())) {
                return None;
            }
            let started_at = entry.started_at.parse::<Timestamp>().unwrap_or(now);
            let operation = Operation::download(entry.url, entry.server_username);
            Some((
                cluster,
                Tracker::resumed(operation, entry.job, started_at, now),
            ))
        })
        .collect()
}
