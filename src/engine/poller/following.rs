//! A poller's part of the operations: it hands the cluster's answers to the [`Tracker`]
//! of each operation it follows (at most one of each kind), tells the model where each
//! stands when that changes (phase and ending in one update), and has the recorder
//! record each end.

use jiff::Timestamp;

use super::Shared;
use crate::download::queue::Slot;
use crate::download::{
    Ending, Followed, Observation, OperationKind, Phase, Record, StartOutcome, Tracker, Want,
};
use crate::engine::update::Update;
use crate::ontap::software::Software;
use crate::ontap::{DownloadStatus, Job, OntapError, Package};

/// One operation a poller follows.
struct Followed1 {
    tracker: Tracker,
    /// What the model was last told, so that an unchanged operation costs no update.
    sent: Option<Followed>,
    /// The operation's place under `max_running`, given up when it ends.
    slot: Option<Slot>,
}

/// The operations one poller follows.
pub(super) struct Following {
    index: usize,
    name: String,
    ops: Vec<Followed1>,
}

/// What one poll heard for the operations, besides the download status it always asks.
#[derive(Default)]
pub(super) struct Heard {
    /// Each job asked, by uuid.
    pub(super) jobs: Vec<(String, Result<Job, OntapError>)>,
    /// The repository, when an operation asked for it.
    pub(super) packages: Option<Result<Vec<Package>, OntapError>>,
    /// The cluster's software, when a validation (or the schedule) asked for it.
    pub(super) software: Option<Result<Software, OntapError>>,
}

impl Following {
    pub(super) fn new(index: usize, name: String) -> Self {
        Self {
            index,
            name,
            ops: Vec::new(),
        }
    }

    /// What the poll should also ask, for the operations followed.
    pub(super) fn wants(&self) -> Vec<Want> {
        let mut wants: Vec<Want> = self.ops.iter().map(|op| op.tracker.want()).collect();
        wants.dedup();
        wants
    }

    /// Where each followed operation stands: a poll compares it before and after its
    /// answers were handed over, to read the cluster's identity again when one moved.
    pub(super) fn phases(&self) -> Vec<Phase> {
        self.ops
            .iter()
            .map(|op| op.tracker.followed().phase.clone())
            .collect()
    }

    /// The job of the followed download, when it is followed by its job.
    pub(super) fn download_job(&self) -> Option<String> {
        let op = self.op(OperationKind::Download)?;
        match op.tracker.want() {
            Want::Job(job) => Some(job),
            _ => None,
        }
    }

    fn op(&self, kind: OperationKind) -> Option<&Followed1> {
        self.ops.iter().find(|op| op.tracker.kind() == kind)
    }

    fn op_mut(&mut self, kind: OperationKind) -> Option<&mut Followed1> {
        self.ops.iter_mut().find(|op| op.tracker.kind() == kind)
    }

    /// Follows `tracker` from now on, in place of an earlier operation of its kind;
    /// `slot` is its place under `max_running`, when it holds one. False when the model
    /// is gone.
    pub(super) async fn follow(
        &mut self,
        tracker: Tracker,
        slot: Option<Slot>,
        shared: &Shared,
    ) -> bool {
        let kind = tracker.kind();
        self.ops.retain(|op| op.tracker.kind() != kind);
        self.ops.push(Followed1 {
            tracker,
            sent: None,
            slot,
        });
        self.after_change(kind, Timestamp::now(), shared).await
    }

    /// The request of the operation of `kind` was answered; false when the model is gone.
    pub(super) async fn answered(
        &mut self,
        kind: OperationKind,
        outcome: &StartOutcome,
        shared: &Shared,
    ) -> bool {
        let at = Timestamp::now();
        // "Already there": the cluster's packages came with the answer; show them.
        if let StartOutcome::AlreadyPresent { packages } = outcome {
            let update = Update::Packages {
                cluster: self.index,
                at,
                packages: Ok(packages.clone()),
            };
            if !shared.send(update).await {
                return false;
            }
        }
        if let Some(op) = self.op_mut(kind) {
            op.tracker.answered(outcome, at);
        }
        self.after_change(kind, at, shared).await
    }

    /// Stops following the operation of `kind` for `reason` (a `--timeout`, a quit): it
    /// ends as given up (or, when it was never sent, as not sent); false when the model
    /// is gone.
    pub(super) async fn give_up(
        &mut self,
        kind: OperationKind,
        reason: String,
        shared: &Shared,
    ) -> bool {
        let at = Timestamp::now();
        if let Some(op) = self.op_mut(kind) {
            op.tracker.give_up(reason, at);
        }
        self.after_change(kind, at, shared).await
    }

    /// An upload sent `sent` bytes so far; false when the model is gone.
    pub(super) async fn sending(
        &mut self,
        kind: OperationKind,
        sent: u64,
        shared: &Shared,
    ) -> bool {
        let at = Timestamp::now();
        if let Some(op) = self.op_mut(kind) {
            op.tracker.sending(sent, at);
        }
        self.after_change(kind, at, shared).await
    }

    /// Hands a poll's answers to each tracker; false when the model is gone. True in
    /// the second place when an operation ended (the repository may have changed).
    pub(super) async fn observe(
        &mut self,
        download: &Result<DownloadStatus, OntapError>,
        heard: &Heard,
        at: Timestamp,
        shared: &Shared,
    ) -> (bool, bool) {
        let mut ended = false;
        let kinds: Vec<OperationKind> = self.ops.iter().map(|op| op.tracker.kind()).collect();
        for kind in kinds {
            let Some(op) = self.op_mut(kind) else {
                continue;
            };
            ended |= observe_one(&mut op.tracker, download, heard, at).is_some();
            if !self.after_change(kind, at, shared).await {
                return (false, ended);
            }
        }
        (true, ended)
    }

    /// Tells the model about a change, and has the end recorded once it has come.
    async fn after_change(&mut self, kind: OperationKind, at: Timestamp, shared: &Shared) -> bool {
        let (index, name) = (self.index, self.name.clone());
        let Some(op) = self.op_mut(kind) else {
            return true;
        };
        let followed = op.tracker.followed().clone();
        if op.sent.as_ref() == Some(&followed) {
            return true;
        }
        let newly_ended =
            followed.ending().is_some() && op.sent.as_ref().is_none_or(|s| s.ending().is_none());
        op.sent = Some(followed.clone());
        if followed.ending().is_some() {
            // Over: the next queued start may go.
            op.slot = None;
        }
        if let (true, Some(ending)) = (newly_ended, followed.ending()) {
            shared.recorder().submit(Record::Ended {
                cluster: name,
                operation: followed.operation.clone(),
                job: followed.job.clone(),
                ending: ending.clone(),
            });
        }
        shared
            .send(Update::Operation {
                cluster: index,
                at,
                followed: Box::new(followed),
            })
            .await
    }
}

/// Hands what a poll heard to one tracker; the ending when it ended now.
fn observe_one(
    tracker: &mut Tracker,
    download: &Result<DownloadStatus, OntapError>,
    heard: &Heard,
    at: Timestamp,
) -> Option<Ending> {
    match tracker.want() {
        Want::Nothing => None,
        Want::Job(uuid) => {
            let answer = heard.jobs.iter().find(|(u, _)| *u == uuid).map(|(_, a)| a);
            match answer {
                Some(Ok(job)) => tracker.observe(Observation::Job(job), at),
                Some(Err(e)) if is_gone(e) => {
                    tracker.observe(Observation::JobGone, at);
                    // Asked in the same poll: the download status (or the repository)
                    // tells how it ended.
                    match (tracker.want(), download, &heard.packages) {
                        (Want::DownloadStatus, Ok(status), _) => {
                            tracker.observe(Observation::Download(status), at)
                        }
                        (Want::Packages, _, Some(Ok(list))) => {
                            tracker.observe(Observation::Packages(list), at)
                        }
                        (Want::Software, _, _) => match &heard.software {
                            Some(Ok(software)) => {
                                tracker.observe(Observation::Software(software), at)
                            }
                            _ => None,
                        },
                        _ => None,
                    }
                }
                Some(Err(e)) => tracker.observe(Observation::Failed(e), at),
                // Not asked (the poll failed first): the download status says why.
                None => match download {
                    Err(e) => tracker.observe(Observation::Failed(e), at),
                    Ok(_) => None,
                },
            }
        }
        Want::DownloadStatus => match download {
            Ok(status) => tracker.observe(Observation::Download(status), at),
            Err(e) => tracker.observe(Observation::Failed(e), at),
        },
        Want::Packages => match (&heard.packages, download) {
            (Some(Ok(list)), _) => tracker.observe(Observation::Packages(list), at),
            (Some(Err(e)), _) | (None, Err(e)) => tracker.observe(Observation::Failed(e), at),
            (None, Ok(_)) => None,
        },
        Want::Software => match (&heard.software, download) {
            (Some(Ok(software)), _) => tracker.observe(Observation::Software(software), at),
            (Some(Err(e)), _) | (None, Err(e)) => tracker.observe(Observation::Failed(e), at),
            (None, Ok(_)) => None,
        },
    }
}

/// A job GET answered 404 (code 4): the job is gone.
fn is_gone(error: &OntapError) -> bool {
    error.http_status == Some(404)
}
