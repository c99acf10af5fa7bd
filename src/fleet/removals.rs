//! Removing a package from the dashboard: the engine's [`remove`] for each chosen
//! cluster in the background (each DELETE audited first, followed to its job's end),
//! each outcome an event for the model, then the cluster's repository read again.

use std::sync::Arc;

use jiff::Timestamp;

use super::event::Event;
use super::poller::{Command, Fleet};
use crate::download::audit::AuditLog;
use crate::download::removal::{Removal, remove};

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
        let targets: Vec<_> = clusters
            .into_iter()
            .filter_map(|i| Some((i, self.clients.get(i)?.as_ref().ok()?.clone())))
            .collect();
        let (audit, events, commands) = (
            self.removal_audit.clone(),
            self.events.clone(),
            self.commands.clone(),
        );
        let task = tokio::spawn(async move {
            let slots = Arc::new(tokio::sync::Semaphore::new(REMOVALS_AT_ONCE));
            let mut tasks = tokio::task::JoinSet::new();
            for (cluster, client) in targets {
                let (slots, audit, version) = (slots.clone(), audit.clone(), version.clone());
                let (events, command) = (events.clone(), commands.get(cluster).cloned());
                tasks.spawn(async move {
                    let _slot = slots.acquire_owned().await;
                    let say = |line: String| tracing::warn!("{line}");
                    let result = match remove(&client, &version, &audit, &say).await {
                        Removal::Removed { .. } => Ok(()),
                        Removal::Failed(e) => Err(format!("{}: {}", e.kind, e.message)),
                        Removal::NotSent(why) => Err(why),
                    };
                    let event = Event::Removed {
                        cluster,
                        at: Timestamp::now(),
                        version,
                        result,
                    };
                    let _ = events.send(event).await;
                    if let Some(tx) = command {
                        let _ = tx.send(Command::FetchPackages);
                    }
                });
            }
            while tasks.join_next().await.is_some() {}
        });
        let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        starts.retain(|t| !t.is_finished());
        starts.push(task);
    }
}

/// Removals sent at the same time.
const REMOVALS_AT_ONCE: usize = 8;
