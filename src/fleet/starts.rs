//! Starting downloads from the dashboard: each target's poller follows the download from
//! the moment it is asked for, the engine sends the POSTs (each recorded first) and hands
//! every answer to the poller; a cluster already downloading is followed, by its own job
//! when the cluster lists it, and gets no request.

use std::sync::Arc;

use jiff::Timestamp;

use super::poller::{Command, Fleet};
use crate::download::{
    DownloadSpec, Plan, Record, StartOutcome, Tracker, running_download_job, start_all,
};

impl Fleet {
    /// Starts `spec` as `plan` says, in the background: its targets get a POST, its
    /// attaches are followed as they are. Read-only is enforced by the clients
    /// themselves: a read-only target answers `Refused` without a request.
    pub fn start_downloads(&self, plan: &Plan, spec: DownloadSpec) {
        let url = spec.masked_url();
        let now = Timestamp::now();
        let mut startable = Vec::new();
        for &(cluster, _) in &plan.targets {
            let tracker =
                Tracker::requested(url.clone(), now).with_server_username(spec.username.clone());
            self.send(cluster, Command::Follow(Box::new(tracker)));
            match self.clients.get(cluster) {
                Some(Ok(client)) => startable.push((cluster, client.clone())),
                Some(Err(e)) => {
                    let outcome = StartOutcome::Refused(e.clone());
                    self.send(cluster, Command::Answered(Box::new(outcome)));
                }
                None => {}
            }
        }
        let attach: Vec<_> = plan
            .attach
            .iter()
            .filter_map(|&(cluster, ref name)| {
                let client = self.clients.get(cluster)?.as_ref().ok()?.clone();
                Some((cluster, name.clone(), client))
            })
            .collect();
        let commands = self.commands.clone();
        let recorder = self.recorder.clone();
        let username = spec.username.clone();
        let task = tokio::spawn(async move {
            for (cluster, name, client) in attach {
                let job = running_download_job(&client).await;
                let tracker = Tracker::attached(job.as_ref(), Timestamp::now());
                // A failure to record is a note of its own; the download is followed anyway.
                let _ = recorder
                    .record(Record::Attached {
                        cluster: name,
                        url: "-".into(),
                        server_username: username.clone(),
                        job: job.map(|j| j.uuid),
                    })
                    .await;
                if let Some(tx) = commands.get(cluster) {
                    let _ = tx.send(Command::Follow(Box::new(tracker)));
                }
            }
            // The operator confirmed: the starts go ahead even if the screen has closed
            // meanwhile (the audit log still records them).
            let answers = commands.clone();
            start_all(startable, Arc::new(spec), recorder, move |report| {
                if let Some(tx) = answers.get(report.cluster) {
                    let outcome = Box::new(report.outcome.clone());
                    let _ = tx.send(Command::Answered(outcome));
                    let _ = tx.send(Command::Refresh);
                }
            })
            .await;
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

    /// Waits, at most `limit`, until every start was answered and recorded, so quitting
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
