//! Removing a package from the dashboard: the engine's [`remove`] for each chosen
//! cluster in the background (each DELETE audited first, followed to its job's end),
//! each outcome an event for the model, then the cluster's repository read again.

use std::sync::Arc;

use jiff::Timestamp;

use super::event::Event;
use super::poller::{Command, Fleet};
use crate::download::audit::AuditLog;
use crate::download::removal::{Removal, remove_each};

impl Fleet {
    /// Where removals are audited: the dashboard's audit log (a second handle on the
    /// same file: one line per write, so lines never interleave). Until it is set, the
    /// log is one with no place, and nothing is removed; the demo sets a disabled log,
    /// which records nothing and lets its simulated removals go.
    pub fn set_removal_audit(&mut self, audit: AuditLog) {
        self.removal_audit = Arc::new(audit);
    }

    /// Removes `version` from `clusters` in the background, a few at a time. Read-only
    /// clients refuse it themselves, sending nothing.
    pub fn remove_packages(&self, version: String, clusters: Vec<usize>) {
        // Which cluster each target is, by its place in the targets.
        let (clusters, targets): (Vec<usize>, Vec<_>) = clusters
            .into_iter()
            .filter_map(|i| {
                let client = self.clients.get(i)?.as_ref().ok()?.clone();
                Some((i, (client, version.clone())))
            })
            .unzip();
        let clusters = Arc::new(clusters);
        let (audit, events, commands) = (
            self.removal_audit.clone(),
            self.events.clone(),
            self.commands.clone(),
        );
        let task = tokio::spawn(remove_each(
            targets,
            audit,
            |line| tracing::warn!("{line}"),
            move |index, _, version, outcome| {
                let (events, command) = (
                    events.clone(),
                    clusters.get(index).and_then(|&c| commands.get(c).cloned()),
                );
                let cluster = clusters.get(index).copied().unwrap_or(usize::MAX);
                async move {
                    let result = match outcome {
                        Removal::Removed { .. } => Ok(()),
                        Removal::Failed(e) => Err(format!("{}: {}", e.kind, e.message)),
                        Removal::NotSent(why) => Err(why),
                    };
                    let at = Timestamp::now();
                    let _ = events
                        .send(Event::Removed {
                            cluster,
                            at,
                            version,
                            result,
                        })
                        .await;
                    // The repository is read again: the view and PKG follow.
                    if let Some(tx) = command {
                        let _ = tx.send(Command::FetchPackages);
                    }
                }
            },
        ));
        let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        starts.retain(|t| !t.is_finished());
        starts.push(task);
    }
}
