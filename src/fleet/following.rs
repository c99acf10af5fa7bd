//! A poller's part of the download engine: it hands the cluster's answers to the
//! [`Tracker`] of the download it follows, tells the model where the download stands
//! when that changes, and has the recorder record its end.
//!
//! The observations are exactly those `ontop download --wait` makes (`download::follow`):
//! the job while it is followed, else the download status, and a failure of what was
//! asked. So both front ends give up, fall back and end by the same rules.

use jiff::Timestamp;

use super::event::Event;
use super::poller::Shared;
use crate::download::follow::is_gone;
use crate::download::queue::Slot;
use crate::download::{Followed, Observation, Record, StartOutcome, Tracker, Want};
use crate::ontap::{DownloadStatus, Job, OntapError};

/// The download one poller follows, if any.
pub(super) struct Following {
    index: usize,
    name: String,
    tracker: Option<Tracker>,
    /// What the model was last told, so that an unchanged download costs no event.
    sent: Option<Followed>,
    /// The download's place under `max_running`, given up when it ends.
    slot: Option<Slot>,
}

impl Following {
    pub(super) fn new(index: usize, name: String) -> Self {
        Self {
            index,
            name,
            tracker: None,
            sent: None,
            slot: None,
        }
    }

    /// What the poll should also ask, for the followed download.
    pub(super) fn want(&self) -> Want {
        self.tracker.as_ref().map_or(Want::Nothing, Tracker::want)
    }

    /// Follows `tracker` from now on; false when the model is gone.
    pub(super) async fn follow(&mut self, tracker: Tracker, shared: &Shared) -> bool {
        self.tracker = Some(tracker);
        self.sent = None;
        self.slot = None;
        self.after_change(Timestamp::now(), shared).await
    }

    /// The start request was answered; false when the model is gone.
    pub(super) async fn answered(
        &mut self,
        outcome: &StartOutcome,
        slot: Option<Slot>,
        shared: &Shared,
    ) -> bool {
        let at = Timestamp::now();
        self.slot = slot;
        // "Already there": the cluster's packages came with the answer; show them.
        if let StartOutcome::AlreadyPresent { packages } = outcome {
            let event = Event::Packages {
                cluster: self.index,
                at,
                packages: packages.clone(),
            };
            if !shared.send(event).await {
                return false;
            }
        }
        if let Some(tracker) = &mut self.tracker {
            tracker.answered(outcome, at);
        }
        self.after_change(at, shared).await
    }

    /// Hands a poll's answers to the tracker; false when the model is gone.
    pub(super) async fn observe(
        &mut self,
        want: &Want,
        job: Option<&Result<Job, OntapError>>,
        download: &Result<DownloadStatus, OntapError>,
        at: Timestamp,
        shared: &Shared,
    ) -> bool {
        let Some(tracker) = &mut self.tracker else {
            return true;
        };
        match (want, job) {
            (Want::Job(_), Some(Ok(job))) => {
                tracker.observe(Observation::Job(job), at);
            }
            (Want::Job(_), Some(Err(e))) if is_gone(e) => {
                tracker.observe(Observation::JobGone, at);
                // Asked in the same poll: the download status tells how it ended.
                if let Ok(status) = download {
                    tracker.observe(Observation::Download(status), at);
                }
            }
            (Want::Job(_), Some(Err(e))) => {
                tracker.observe(Observation::Failed(e), at);
            }
            (Want::DownloadStatus, _) => match download {
                Ok(status) => {
                    tracker.observe(Observation::Download(status), at);
                }
                Err(e) => {
                    tracker.observe(Observation::Failed(e), at);
                }
            },
            _ => {}
        }
        self.after_change(at, shared).await
    }

    /// Tells the model about a change, and has the end recorded once it has come.
    async fn after_change(&mut self, at: Timestamp, shared: &Shared) -> bool {
        let Some(tracker) = &self.tracker else {
            return true;
        };
        let followed = tracker.followed().clone();
        if self.sent.as_ref() == Some(&followed) {
            return true;
        }
        let newly_ended = self
            .sent
            .as_ref()
            .is_none_or(|s| s.phase.ending().is_none());
        self.sent = Some(followed.clone());
        // The model hears where the download stands before the recorder says it ended.
        let sent = shared
            .send(Event::Followed {
                cluster: self.index,
                at,
                followed: Box::new(followed.clone()),
            })
            .await;
        if followed.phase.ending().is_some() {
            // Over: the next queued start may go.
            self.slot = None;
        }
        if let (Some(ending), true) = (followed.phase.ending(), newly_ended) {
            let (url, server_username) = followed.origin.asked();
            shared.recorder().submit(Record::Ended {
                cluster: self.name.clone(),
                url,
                server_username,
                job: followed.job.clone(),
                ending: ending.clone(),
            });
        }
        sent
    }
}
