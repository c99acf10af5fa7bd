//! Starting downloads from the dashboard: each target's poller follows the download from
//! the moment it is asked for, the engine sends the POSTs (each recorded first) and hands
//! every answer to the poller; a cluster already downloading is followed, by its own job
//! when the cluster lists it, and gets no request.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::poller::{Command, Fleet};
use crate::download::queue::Slot;
use crate::download::{
    DownloadSpec, Plan, Record, StartOutcome, Tracker, running_download_job, start_all,
    start_recorded,
};
use crate::ontap::Client;

impl Fleet {
    /// Starts `spec` as `plan` says, in the background: its targets get a POST, its
    /// attaches are followed as they are. Read-only is enforced by the clients
    /// themselves: a read-only target answers `Refused` without a request.
    pub fn start_downloads(&self, plan: &Plan, spec: DownloadSpec) {
        let url = spec.masked_url();
        let now = Timestamp::now();
        // Who goes now and who waits in ontop (max_running), in the plan's order.
        let mut startable = Vec::new();
        let mut slots = HashMap::new();
        let mut waiting = Vec::new();
        for &(cluster, _) in &plan.targets {
            let tracker =
                Tracker::requested(url.clone(), now).with_server_username(spec.username.clone());
            let client = match self.clients.get(cluster) {
                Some(Ok(client)) => client.clone(),
                Some(Err(e)) => {
                    self.send(cluster, Command::Follow(Box::new(tracker)));
                    let outcome = StartOutcome::Refused(e.clone());
                    self.send(cluster, Command::Answered(Box::new(outcome), None));
                    continue;
                }
                None => continue,
            };
            match self.gate.try_enter() {
                Some(slot) => {
                    self.send(cluster, Command::Follow(Box::new(tracker)));
                    slots.insert(cluster, slot);
                    startable.push((cluster, client));
                }
                None => waiting.push((cluster, client, tracker)),
            }
        }
        let of = waiting.len();
        for (position, (cluster, _, tracker)) in waiting.iter().enumerate() {
            let queued = tracker.clone().queued(position + 1, of, now);
            self.send(*cluster, Command::Follow(Box::new(queued)));
        }
        let attach: Vec<_> = plan
            .attach
            .iter()
            .filter_map(|&(cluster, ref name)| {
                let client = self.clients.get(cluster)?.as_ref().ok()?.clone();
                Some((cluster, name.clone(), client))
            })
            .collect();
        let spec = Arc::new(spec);
        // Places come in the plan's order, one as each download started here ends.
        let places = self.gate.in_order(waiting.len());
        let queued: Vec<_> = waiting
            .into_iter()
            .zip(places)
            .map(|((cluster, client, tracker), place)| {
                self.start_when_free(cluster, client, tracker, spec.clone(), place)
            })
            .collect();
        let commands = self.commands.clone();
        let recorder = self.recorder.clone();
        let task = tokio::spawn(async move {
            attach_all(attach, &spec, &commands, &recorder).await;
            // The operator confirmed: the starts go ahead even if the screen has closed
            // meanwhile (the audit log still records them).
            let answers = commands.clone();
            let slots = std::sync::Mutex::new(slots);
            start_all(startable, spec, recorder, move |report| {
                let slot = slots
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&report.cluster);
                if let Some(tx) = answers.get(report.cluster) {
                    let outcome = Box::new(report.outcome.clone());
                    let _ = tx.send(Command::Answered(outcome, slot));
                    let _ = tx.send(Command::Refresh);
                }
            })
            .await;
        });
        let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        starts.retain(|t| !t.is_finished());
        starts.push(task);
        starts.extend(queued);
    }

    /// A start that waits for a place: sent once a download started here ends, or never
    /// when the dashboard quits first.
    fn start_when_free(
        &self,
        cluster: usize,
        client: Arc<Client>,
        tracker: Tracker,
        spec: Arc<DownloadSpec>,
        place: tokio::sync::oneshot::Receiver<Slot>,
    ) -> tokio::task::JoinHandle<()> {
        let mut closing = self.closing.subscribe();
        let (commands, recorder) = (self.commands.clone(), self.recorder.clone());
        tokio::spawn(async move {
            let slot = tokio::select! {
                slot = place => match slot {
                    Ok(slot) => slot,
                    Err(_) => return, // the engine is gone
                },
                () = quitting(&mut closing) => return,
            };
            let Some(tx) = commands.get(cluster) else {
                return;
            };
            // Out of the queue: the row shows it starting, then the answer.
            let _ = tx.send(Command::Follow(Box::new(tracker)));
            let outcome = start_recorded(&client, &spec, &recorder).await;
            let _ = tx.send(Command::Answered(Box::new(outcome), Some(slot)));
            let _ = tx.send(Command::Refresh);
        })
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
        // Queued starts are not sent any more: they give up at once.
        let _ = self.closing.send(true);
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

/// Resolves once the dashboard is quitting.
async fn quitting(closing: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = closing.wait_for(|c| *c).await;
}

/// Follows each running download chosen as it is, with no request (recorded).
async fn attach_all(
    attach: Vec<(usize, String, Arc<Client>)>,
    spec: &DownloadSpec,
    commands: &[tokio::sync::mpsc::UnboundedSender<Command>],
    recorder: &crate::download::Recorder,
) {
    for (cluster, name, client) in attach {
        let job = running_download_job(&client).await;
        let tracker = Tracker::attached(job.as_ref(), Timestamp::now());
        // A failure to record is a note of its own; the download is followed anyway.
        let _ = recorder
            .record(Record::Attached {
                cluster: name,
                url: "-".into(),
                server_username: spec.username.clone(),
                job: job.map(|j| j.uuid),
            })
            .await;
        if let Some(tx) = commands.get(cluster) {
            let _ = tx.send(Command::Follow(Box::new(tracker)));
        }
    }
}
