//! Starting downloads from the dashboard: the fleet turns each cluster's answer into an
//! event and hands started jobs to that cluster's poller to follow.

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::mpsc;

use super::event::Event;
use super::poller::{Command, Fleet};
use crate::audit::AuditLog;
use crate::download::{DownloadSpec, StartOutcome, StartReport, record_attached, start_all};
use crate::journal::Journal;

impl Fleet {
    /// Starts `spec` on `targets` in the background. Every target first gets a
    /// `StartRequested` event, then a `StartAnswered` as its cluster answers; a started
    /// job is then followed by that cluster's poller. Read-only is enforced by the
    /// clients themselves: a read-only target answers `Refused` without a request.
    /// Clusters in `attach` already download: they get no request, only a session
    /// that follows their download status to the end (and an audit line saying so).
    pub fn start_downloads(
        &self,
        targets: Vec<usize>,
        attach: Vec<usize>,
        spec: DownloadSpec,
        audit: Arc<AuditLog>,
        journal: Arc<Journal>,
    ) {
        let url = spec.masked_url();
        let mut startable = Vec::new();
        let mut unusable = Vec::new();
        for cluster in targets {
            match self.clients.get(cluster) {
                Some(Ok(client)) => startable.push((cluster, client.clone())),
                Some(Err(e)) => unusable.push((cluster, e.clone())),
                None => {}
            }
        }
        // Already downloading: no request, but followed to the end like a started one.
        let attached: Vec<(usize, String)> = attach
            .into_iter()
            .filter_map(|i| match self.clients.get(i)? {
                Ok(client) => Some((i, client.name().to_string())),
                Err(e) => Some((i, e.cluster.clone())),
            })
            .collect();
        for (_, name) in &attached {
            if let Some(problem) = record_attached(name, &spec, &audit) {
                tracing::error!("{problem}");
            }
        }
        let events = self.events.clone();
        let commands = self.commands.clone();
        let task = tokio::spawn(async move {
            let at = Timestamp::now();
            let everyone = startable
                .iter()
                .map(|(c, _)| *c)
                .chain(unusable.iter().map(|(c, _)| *c))
                .chain(attached.iter().map(|(c, _)| *c));
            for cluster in everyone {
                // The operator confirmed: the starts go ahead even if the screen has
                // closed meanwhile (the audit log still records them).
                let url = url.clone();
                let _ = events
                    .send(Event::StartRequested { cluster, at, url })
                    .await;
            }
            // Answers known without a request: attached, or no client to send with.
            let immediate = attached
                .iter()
                .map(|(cluster, _)| (*cluster, StartOutcome::Attached))
                .chain(
                    unusable
                        .into_iter()
                        .map(|(c, e)| (c, StartOutcome::Refused(e))),
                );
            for (cluster, outcome) in immediate {
                announce(&events, &commands, cluster, at, outcome).await;
            }
            let (reports_tx, mut reports) = mpsc::unbounded_channel::<StartReport>();
            let starting = start_all(startable, Arc::new(spec), audit, journal, move |report| {
                let _ = reports_tx.send(report.clone());
            });
            let forwarding = async {
                while let Some(report) = reports.recv().await {
                    announce(
                        &events,
                        &commands,
                        report.cluster,
                        report.at,
                        report.outcome,
                    )
                    .await;
                }
            };
            tokio::join!(starting, forwarding);
        });
        let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        starts.retain(|t| !t.is_finished());
        starts.push(task);
    }

    /// Download starts whose POSTs have not all been answered yet.
    pub fn starts_in_flight(&self) -> usize {
        let starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        starts.iter().filter(|t| !t.is_finished()).count()
    }

    /// Waits, at most `limit`, until every start was answered and audited, so quitting
    /// right after `y` does not leave a POST on the wire with no audit line. Returns
    /// how many were still unanswered when the limit came.
    pub async fn finish_starts(&self, limit: std::time::Duration) -> usize {
        let pending: Vec<_> = {
            let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *starts)
        };
        let deadline = tokio::time::Instant::now() + limit;
        let mut unanswered = 0;
        for task in pending {
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                unanswered += 1;
            }
        }
        unanswered
    }
}

/// Tells the model how `cluster` answered, and has its poller follow what it started
/// (the job when there is one) and look again at once.
async fn announce(
    events: &mpsc::Sender<Event>,
    commands: &[mpsc::UnboundedSender<Command>],
    cluster: usize,
    at: Timestamp,
    outcome: StartOutcome,
) {
    if let Some(tx) = commands.get(cluster) {
        if let Some(job) = outcome.job() {
            let _ = tx.send(Command::TrackJob(job.to_string()));
        }
        let _ = tx.send(Command::Refresh);
    }
    let outcome = Box::new(outcome);
    // The operator confirmed: a closed screen does not stop the starts.
    let _ = events
        .send(Event::StartAnswered {
            cluster,
            at,
            outcome,
        })
        .await;
}
