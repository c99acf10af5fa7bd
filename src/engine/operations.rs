//! Every change ontop makes to a cluster, written once: start a download (or attach to
//! the one running, or queue it under `max_running`), upload an image, remove a package,
//! and validate a release (which changes nothing, and is audited like a change). Each is
//! followed from the moment it is asked for by its cluster's poller (one tracker), each
//! request is recorded before it is sent (when it cannot be, nothing is sent), its
//! answer is recorded and handed to the poller, and its end is recorded by the poller.
//! Read-only is enforced by the clients themselves: a read-only client answers
//! `Refused` without a request.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_channel::mpsc::UnboundedSender;
use tokio::sync::{Semaphore, mpsc, watch};

use super::Engine;
use super::poller::Command;
use super::upload::{self, RateLimit, UploadSource};
use crate::download::Planned;
use crate::download::ending::{UNANSWERED_REMOVAL, UNANSWERED_UPLOAD, UNANSWERED_VALIDATION};
use crate::download::locked::when_unlocked;
use crate::download::queue::Slot;
use crate::download::sources;
use crate::download::{
    DownloadSpec, NotRecorded, Operation, OperationKind, Plan, Record, Recorder, StartOutcome,
    Tracker,
};
use crate::ontap::codes::Conflict;
use crate::ontap::{Client, Job};
use crate::sync::Lock;

/// What is sent to one cluster.
#[derive(Clone)]
enum Change {
    Download(Arc<DownloadSpec>),
    Removal(String),
    Upload(Arc<UploadSource>),
    Validation(String),
}

/// What a request task needs of the engine.
#[derive(Clone)]
struct Sending {
    recorder: Recorder,
    commands: Vec<UnboundedSender<Command>>,
    names: Vec<String>,
    journal_seen: Arc<Mutex<std::collections::HashSet<(String, String)>>>,
    /// Where a retry is said (the status line, a command's stderr).
    updates: mpsc::Sender<crate::engine::Update>,
    /// At most [`crate::download::MAX_CONCURRENT_STARTS`] requests on the wire at once.
    slots: Arc<Semaphore>,
    /// The rate every upload shares, when there is one.
    upload_rate: Option<Arc<RateLimit>>,
    /// Turns true when the front end stops: an upload on its way stops.
    closing: watch::Receiver<bool>,
    /// What stops one upload alone.
    upload_stops: upload::UploadStops,
}

impl Engine {
    /// Carries out `plan` for `spec`, in the background: its targets are sent a start
    /// (those past `max_running` wait in ontop, queued, and go as places free up), the
    /// running downloads it attaches to are followed as they are.
    pub fn start_downloads(&self, plan: &Plan, spec: DownloadSpec) {
        let now = Timestamp::now();
        for Planned { cluster, .. } in &plan.attach {
            self.attach(*cluster, spec.username.clone());
        }
        let starts = plan.targets.iter().map(|&Planned { cluster, .. }| {
            // Each cluster fetches from its site's mirror when it has one.
            let labels = self.labels.get(cluster).cloned().unwrap_or_default();
            let spec = Arc::new(sources::spec_for(&spec, &self.mirrors, &labels));
            let operation = Operation::download(spec.masked_url(), spec.username.clone());
            (cluster, operation, Change::Download(spec))
        });
        self.start_gated(starts, now);
    }

    /// `clusters` grouped by the (masked) URL each would fetch `spec`'s package from
    /// (its site's mirror, else the URL as given): what a confirmation names.
    pub(crate) fn by_source(
        &self,
        spec: &DownloadSpec,
        clusters: &[usize],
    ) -> Vec<(String, Vec<&str>)> {
        let targets = clusters
            .iter()
            .filter_map(|&c| Some((self.names.get(c)?.as_str(), self.labels.get(c)?)));
        sources::by_source(spec, &self.mirrors, targets)
    }

    /// Sends `source` (an image on this host) as `plan` says, in the background: its
    /// targets get an upload (those past `max_running` wait in ontop, queued), each
    /// streamed from disk at the shared rate and followed to the end of the job that
    /// files it.
    pub(crate) fn start_uploads(&self, plan: &Plan, source: UploadSource) {
        let now = Timestamp::now();
        let operation = Operation::Upload(source.file.clone());
        let change = Change::Upload(Arc::new(source));
        let starts = plan
            .targets
            .iter()
            .map(|&Planned { cluster, .. }| (cluster, operation.clone(), change.clone()));
        self.start_gated(starts, now);
    }

    /// Follows each start and sends it in the background while `max_running` has a
    /// place; the rest wait in ontop, queued in the order given, and go as places free.
    fn start_gated(
        &self,
        starts: impl IntoIterator<Item = (usize, Operation, Change)>,
        now: Timestamp,
    ) {
        let mut waiting = Vec::new();
        for (cluster, operation, change) in starts {
            let tracker = Tracker::requested(operation, now);
            let Some(client) = self.client_or_refuse(cluster, &tracker) else {
                continue;
            };
            match self.gate.try_enter() {
                Some(slot) => {
                    self.send(cluster, Command::Follow(Box::new(tracker), Some(slot)));
                    let task = tokio::spawn(self.sending().send(cluster, client, change));
                    self.keep(task);
                }
                None => waiting.push((cluster, client, tracker, change)),
            }
        }
        self.queue(waiting, now);
    }

    /// Removes each cluster's `version` (as that cluster lists it), in the background,
    /// each followed to the end of its job.
    pub fn remove_packages(&self, removals: &[(usize, String)]) {
        let now = Timestamp::now();
        for (cluster, version) in removals {
            let operation = Operation::Removal {
                version: version.clone(),
            };
            self.send_unqueued(*cluster, operation, Change::Removal(version.clone()), now);
        }
    }

    /// Validates `version` on the plan's targets, in the background: each request is
    /// recorded before it is sent, its job followed, and its results read once the job
    /// ends (waited for while absent, within a bound).
    pub fn validate(&self, plan: &Plan, version: &str) {
        let now = Timestamp::now();
        for Planned { cluster, .. } in &plan.targets {
            let operation = Operation::Validation {
                version: version.to_string(),
            };
            let change = Change::Validation(version.to_string());
            self.send_unqueued(*cluster, operation, change, now);
        }
    }

    /// Follows `operation` on `cluster` and sends its request in the background, outside
    /// the `max_running` queue (which is for downloads and uploads).
    fn send_unqueued(&self, cluster: usize, operation: Operation, change: Change, now: Timestamp) {
        let tracker = Tracker::requested(operation, now);
        let Some(client) = self.client_or_refuse(cluster, &tracker) else {
            return;
        };
        self.send(cluster, Command::Follow(Box::new(tracker), None));
        let task = tokio::spawn(self.sending().send(cluster, client, change));
        self.keep(task);
    }

    /// The cluster's client; without one, the operation is followed and ends at once,
    /// refused with the reason there is no client.
    fn client_or_refuse(&self, cluster: usize, tracker: &Tracker) -> Option<Arc<Client>> {
        match self.clients.get(cluster)? {
            Ok(client) => Some(client.clone()),
            Err(e) => {
                let kind = tracker.kind();
                self.send(cluster, Command::Follow(Box::new(tracker.clone()), None));
                let outcome = Box::new(StartOutcome::Refused(e.clone()));
                self.send(cluster, Command::Answered(kind, outcome));
                None
            }
        }
    }

    /// Starts that wait for a place, in the plan's order: each is sent once a download
    /// started here ends, or never when the front end stops first (it then ends as not
    /// sent).
    fn queue(&self, waiting: Vec<(usize, Arc<Client>, Tracker, Change)>, now: Timestamp) {
        let of = waiting.len();
        let places = self.gate.in_order(of);
        for ((position, (cluster, client, tracker, change)), place) in
            waiting.into_iter().enumerate().zip(places)
        {
            let queued = tracker.clone().queued(position + 1, of, now);
            self.send(cluster, Command::Follow(Box::new(queued), None));
            let mut closing = self.closing.subscribe();
            let sending = self.sending();
            let task = tokio::spawn(async move {
                let slot = tokio::select! {
                    slot = place => match slot {
                        Ok(slot) => slot,
                        Err(_) => return, // the engine is gone
                    },
                    _ = closing.wait_for(|c| *c) => {
                        let reason = "ontop stopped before a place came free (max_running)";
                        sending.tell(cluster, Command::GiveUp(OperationKind::Download, reason.into()));
                        return;
                    }
                };
                sending.dequeue(cluster, tracker, slot);
                sending.send(cluster, client, change).await;
            });
            self.keep(task);
        }
    }

    /// Follows the download running on `cluster` as it is (no request), by its own job
    /// when the cluster lists it; recorded.
    fn attach(&self, cluster: usize, server_username: Option<String>) {
        let Some(Ok(client)) = self.clients.get(cluster).cloned() else {
            return;
        };
        let sending = self.sending();
        let task = tokio::spawn(async move {
            let job = running_download_job(&client).await;
            let tracker = Tracker::attached(job.as_ref(), Timestamp::now());
            // A failure to record is a note of its own; the download is followed anyway.
            let _ = sending
                .recorder
                .record(Record::Attached {
                    cluster: client.name().to_string(),
                    server_username,
                    job: job.map(|j| j.uuid),
                })
                .await;
            sending.tell(cluster, Command::Follow(Box::new(tracker), None));
        });
        self.keep(task);
    }

    fn sending(&self) -> Sending {
        Sending {
            recorder: self.recorder.clone(),
            commands: self.commands.clone(),
            names: self.names.clone(),
            journal_seen: self.journal_seen.clone(),
            updates: self.updates.clone(),
            slots: self.request_slots.clone(),
            upload_rate: self.upload_rate.clone(),
            closing: self.closing.subscribe(),
            upload_stops: self.upload_stops.clone(),
        }
    }

    /// Stops the upload on its way to `cluster` (asked in the dashboard's details): the
    /// connection is cut, nothing more is sent, and it ends as stopped with the bytes
    /// sent. Whether one was on its way.
    pub(crate) fn stop_upload(&self, cluster: usize) -> bool {
        self.upload_stops.stop(cluster)
    }
}

impl Sending {
    fn tell(&self, cluster: usize, command: Command) {
        if let Some(tx) = self.commands.get(cluster) {
            let _ = tx.unbounded_send(command);
        }
    }

    /// Out of the queue: the row shows it starting, holding its place until it ends.
    fn dequeue(&self, cluster: usize, mut tracker: Tracker, slot: Slot) {
        tracker.dequeued(Timestamp::now());
        self.tell(cluster, Command::Follow(Box::new(tracker), Some(slot)));
    }

    /// One request, recorded: the attempt first (when it cannot be written, nothing is
    /// sent and the outcome says so), then the request (sent again while the cluster is
    /// "temporarily locked", each time an attempt of its own), then the answer, which
    /// goes to the cluster's poller.
    async fn send(self, cluster: usize, client: Arc<Client>, change: Change) {
        let _slot = self.slots.clone().acquire_owned().await;
        let name = client.name().to_string();
        let operation = match &change {
            Change::Download(spec) => Operation::download(spec.masked_url(), spec.username.clone()),
            Change::Removal(version) => Operation::Removal {
                version: version.clone(),
            },
            Change::Upload(source) => Operation::Upload(source.file.clone()),
            Change::Validation(version) => Operation::Validation {
                version: version.clone(),
            },
        };
        let attempt = |retry| Record::Attempt {
            cluster: name.clone(),
            operation: operation.clone(),
            retry,
        };
        let outcome = match self.recorder.record(attempt(false)).await {
            Ok(()) => match &change {
                Change::Upload(source) => match self.upload(cluster, &client, source).await {
                    Some(outcome) => outcome,
                    // Stopped by the operator: the poller ends and records it.
                    None => return,
                },
                _ => {
                    let say = |line: String| {
                        tracing::warn!("{line}");
                        let _ = self.updates.try_send(crate::engine::Update::Warning {
                            at: Timestamp::now(),
                            text: line,
                        });
                        self.recorder.submit(attempt(true));
                    };
                    request(&client, &change, &say).await
                }
            },
            Err(error) => StartOutcome::NotSent(NotRecorded(error)),
        };
        // A failure to write the answer is a note of its own; the outcome stands.
        let _ = self
            .recorder
            .record(Record::Answer {
                cluster: name.clone(),
                operation: operation.clone(),
                outcome: outcome.clone(),
                at: Timestamp::now(),
            })
            .await;
        if let (StartOutcome::Started { job }, Some(name)) = (&outcome, self.names.get(cluster)) {
            let mut seen = self.journal_seen.locked();
            seen.insert((name.clone(), job.clone()));
        }
        self.tell(
            cluster,
            Command::Answered(operation.kind(), Box::new(outcome)),
        );
        self.tell(cluster, Command::Refresh);
    }
}

impl Sending {
    /// One upload, its bytes told to the poller as they go; `None` when the front end
    /// stopped first (the poller then ends it as stopped, with the bytes sent).
    async fn upload(
        &self,
        cluster: usize,
        client: &Client,
        source: &UploadSource,
    ) -> Option<StartOutcome> {
        let sent = Arc::new(AtomicU64::new(0));
        let kind = OperationKind::Download;
        let progress = {
            let (sent, tx) = (sent.clone(), self.commands.get(cluster).cloned());
            async move {
                let mut ticks = tokio::time::interval(upload::PROGRESS_EVERY);
                let mut told = u64::MAX;
                loop {
                    ticks.tick().await;
                    let now = sent.load(Ordering::Relaxed);
                    if now != told
                        && let Some(tx) = &tx
                    {
                        let _ = tx.unbounded_send(Command::Progress(kind, now));
                        told = now;
                    }
                }
            }
        };
        let mut closing = self.closing.clone();
        let stop = self.upload_stops.begin(cluster);
        let stopped = |reason: &str| {
            self.tell(
                cluster,
                Command::Progress(kind, sent.load(Ordering::Relaxed)),
            );
            self.tell(cluster, Command::GiveUp(kind, reason.to_string()));
            self.upload_stops.end(cluster, &stop);
            None
        };
        let answer = tokio::select! {
            answer = upload::send(client, source, self.upload_rate.clone(), sent.clone()) => answer,
            () = progress => unreachable!("the progress loop never ends"),
            _ = closing.wait_for(|c| *c) => {
                return stopped("ontop stopped (quit, Ctrl-C): nothing more was sent");
            }
            () = stop.notified() => {
                return stopped("stopped in the dashboard: nothing more was sent");
            }
        };
        self.upload_stops.end(cluster, &stop);
        // The last count, so that a cut-off upload says how far it got.
        self.tell(
            cluster,
            Command::Progress(kind, sent.load(Ordering::Relaxed)),
        );
        Some(StartOutcome::of_change(answer, UNANSWERED_UPLOAD))
    }
}

/// Sends the change and sorts the answer.
async fn request(client: &Client, change: &Change, say: &(dyn Fn(String) + Sync)) -> StartOutcome {
    match change {
        Change::Download(spec) => {
            let body = spec.request();
            let answer =
                when_unlocked(client.name(), say, || client.start_download(&body, 0)).await;
            if let Err(e) = &answer
                && e.conflict() == Some(Conflict::AlreadyPresent)
            {
                // "Already there": the cluster's packages come with the answer.
                let packages = client.packages().await.map(|l| l.records);
                return StartOutcome::AlreadyPresent {
                    packages: packages.unwrap_or_default(),
                };
            }
            StartOutcome::of_download(answer, Vec::new)
        }
        Change::Removal(version) => StartOutcome::of_change(
            when_unlocked(client.name(), say, || client.delete_package(version, 0)).await,
            UNANSWERED_REMOVAL,
        ),
        Change::Validation(version) => StartOutcome::of_change(
            when_unlocked(client.name(), say, || client.validate(version)).await,
            UNANSWERED_VALIDATION,
        ),
        Change::Upload(_) => unreachable!("uploads are sent by Sending::upload"),
    }
}

/// The job of the download already running on the cluster, when the cluster lists it:
/// what attaching follows, with its own start time. `None` when it cannot be found
/// (older releases, a job already deleted): the download status is followed instead.
async fn running_download_job(client: &Client) -> Option<Job> {
    match client.download_jobs().await {
        Ok(jobs) => jobs
            .into_iter()
            .filter(|j| j.state.as_ref().is_some_and(|s| !s.is_terminal()))
            .max_by(|a, b| a.start_time.cmp(&b.start_time)),
        Err(e) => {
            tracing::debug!(cluster = client.name(), error = %e, "no job list for attaching");
            None
        }
    }
}
