//! Following one operation on a cluster to its end: a pure state machine, the one place
//! that decides an operation's phase and its ending.
//!
//! A [`Tracker`] is plain data. It is told what was seen ([`Observation`]) and when, and
//! says what to ask next ([`Want`]), where the operation stands ([`Followed`]) and, once,
//! how it ended. The engine's pollers drive it for every front end (the dashboard,
//! `ontop serve`, `ontop download --wait`, `ontop packages delete`), so all follow by the
//! same rules:
//! - the job is the source of truth while the cluster keeps it; a 404 means it ended and
//!   was deleted (about 300 s later): a download's status takes over, and a removal is
//!   judged by whether the repository still lists the version;
//! - a download ontop attached to without a job is followed by its download status;
//! - a start whose request got no answer in time is looked for: a download that shows up
//!   running within [`UNANSWERED_LOOK`] is followed; else it ends as unanswered (its
//!   request went out, so whether it started is still said to be unknown);
//! - `paused` is not an ending: the job may resume (`docs/ontap-api.md#jobs`);
//! - [`MAX_FOLLOW_ERRORS`] failed polls in a row end the following (not the operation),
//!   as [`Ending::GaveUp`], with the last error as the reason.
//!
//! The types it speaks in are in `operation` and `phase`; the answer to a request in
//! `answer`; the rules only uploads and validations have in `upload` and `validation`.

mod answer;
mod operation;
mod phase;
mod upload;
mod validation;

use jiff::Timestamp;

pub use operation::{Operation, OperationKind, UploadFile};
pub use phase::{Followed, Origin, Phase, Since};

use super::ending::Ending;
use super::image::holding;
use crate::ontap::software::Software;
use crate::ontap::{DownloadState, DownloadStatus, Job, JobState, OntapError, Package};

/// Failed polls in a row before following stops. Real clients tolerate about three; a
/// little more rides out a node reboot at a 5 s interval.
pub(crate) const MAX_FOLLOW_ERRORS: u32 = 5;
/// How long a validation's results are waited for after its job ended (Ansible reads
/// them up to 30 times, 10 s apart).
pub(crate) const RESULTS_WAIT: std::time::Duration = std::time::Duration::from_secs(300);
/// How long a download start that got no answer is looked for in the cluster's download
/// status: ONTAP shows a started download as running at once.
pub(crate) const UNANSWERED_LOOK: std::time::Duration = std::time::Duration::from_secs(120);

/// What to ask the cluster next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// `GET /cluster/jobs/{uuid}`.
    Job(String),
    /// `GET /cluster/software/download`.
    DownloadStatus,
    /// `GET /cluster/software/packages`.
    Packages,
    /// `GET /cluster/software`: a validation's results.
    Software,
    /// Nothing: the operation has ended, or its request is not answered yet.
    Nothing,
}

/// One thing seen while following.
#[derive(Debug, Clone, Copy)]
pub enum Observation<'a> {
    /// The job answered.
    Job(&'a Job),
    /// The job is gone (404): it ended long enough ago to be deleted.
    JobGone,
    /// The download status answered.
    Download(&'a DownloadStatus),
    /// The package repository answered.
    Packages(&'a [Package]),
    /// The cluster's software answered (a validation's results, or none yet).
    Software(&'a Software),
    /// What was asked failed.
    Failed(&'a OntapError),
}

/// Follows one operation; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracker {
    followed: Followed,
}

impl Tracker {
    /// An operation ontop is asking for at `at` (the request is on its way): nothing the
    /// cluster says is about it until the answer comes (its download state may still be
    /// an older download's ending), so polls neither ask for it nor count.
    pub fn requested(operation: Operation, at: Timestamp) -> Self {
        let mut tracker = Self::new(
            operation,
            Origin::Started,
            None,
            Phase::Starting,
            Since::Exactly(at),
            at,
        );
        tracker.followed.answered = false;
        tracker
    }

    /// A start that waits in ontop for a place (nothing sent yet), as the n-th of m.
    pub(crate) fn queued(mut self, position: usize, of: usize, at: Timestamp) -> Self {
        self.set_phase(Phase::Queued { position, of }, Since::Exactly(at));
        self
    }

    /// The request leaves its queue now: it is on its way.
    pub(crate) fn dequeued(&mut self, at: Timestamp) {
        if matches!(self.followed.phase, Phase::Queued { .. }) {
            self.set_phase(Phase::Starting, Since::Exactly(at));
        }
    }

    /// A download that was running when chosen. With its job (found in the cluster's
    /// jobs), it is followed by the job and its own start time; without, by the
    /// download status, since at least now.
    pub(crate) fn attached(job: Option<&Job>, at: Timestamp) -> Self {
        let operation = Operation::Download {
            url: None,
            server_username: None,
        };
        match job {
            Some(job) => {
                let since = Since::from_cluster(job.start_time.as_deref(), at);
                let phase = job.state.clone().map_or(Phase::Starting, Phase::Job);
                let uuid = Some(job.uuid.clone());
                Self::new(operation, Origin::Attached, uuid, phase, since, at)
            }
            None => Self::new(
                operation,
                Origin::Attached,
                None,
                Phase::Download(DownloadState::Running),
                Since::AtLeast(at),
                at,
            ),
        }
    }

    /// A download an earlier ontop started at `started_at` (its job), picked up from the
    /// journal at `at`.
    pub fn resumed(
        operation: Operation,
        job: String,
        started_at: Timestamp,
        at: Timestamp,
    ) -> Self {
        let since = Since::AtLeast(started_at.min(at));
        let phase = Phase::Starting;
        Self::new(
            operation,
            Origin::Resumed,
            Some(job),
            phase,
            since,
            started_at,
        )
    }

    fn new(
        operation: Operation,
        origin: Origin,
        job: Option<String>,
        phase: Phase,
        since: Since,
        since_request: Timestamp,
    ) -> Self {
        Self {
            followed: Followed {
                operation,
                origin,
                since_request,
                job,
                phase,
                since,
                errors: 0,
                last_error: None,
                job_deleted: false,
                answered: true,
                unanswered: None,
            },
        }
    }

    /// Where the operation stands.
    pub fn followed(&self) -> &Followed {
        &self.followed
    }

    /// The ending, once there is one.
    pub(crate) fn ending(&self) -> Option<&Ending> {
        self.followed.phase.ending()
    }

    /// Which kind of operation it follows.
    pub(crate) fn kind(&self) -> OperationKind {
        self.followed.kind()
    }

    fn is_removal(&self) -> bool {
        self.kind() == OperationKind::Removal
    }

    fn is_upload(&self) -> bool {
        self.followed.operation.upload().is_some()
    }

    fn is_validation(&self) -> bool {
        self.kind() == OperationKind::Validation
    }

    /// What to ask next.
    pub fn want(&self) -> Want {
        if !self.followed.answered {
            return Want::Nothing;
        }
        match (&self.followed.phase, &self.followed.job) {
            (Phase::Ended(_), _) => Want::Nothing,
            (Phase::Checking, _) if self.is_validation() => Want::Software,
            (Phase::Checking, _) => Want::Packages,
            (_, None) if self.is_validation() => Want::Software,
            (Phase::Download(_), _) => Want::DownloadStatus,
            (_, None) if self.is_removal() || self.is_upload() => Want::Packages,
            (_, None) => Want::DownloadStatus,
            (_, Some(job)) => Want::Job(job.clone()),
        }
    }

    /// Gives up following at `at` for `reason` (e.g. `--timeout`, or quitting before a
    /// queued start was sent), unless already ended.
    pub fn give_up(&mut self, reason: String, at: Timestamp) -> Option<Ending> {
        if self.ending().is_some() {
            return None;
        }
        self.followed.answered = true;
        let ending = match self.followed.phase {
            Phase::Queued { .. } => Ending::NotSent { reason },
            // Stopping an upload on its way stops it: nothing more is sent.
            Phase::Sending { sent, total } => Ending::Stopped {
                sent,
                total,
                reason,
            },
            _ => Ending::GaveUp { reason },
        };
        self.end(ending, Since::Exactly(at))
    }

    /// Takes in what was seen at `at`; returns the ending the moment the operation ends,
    /// and never again.
    pub fn observe(&mut self, observation: Observation<'_>, at: Timestamp) -> Option<Ending> {
        if self.ending().is_some() || !self.followed.answered {
            return None;
        }
        match observation {
            Observation::Failed(error) => return self.failed(error, at),
            // An answer to a question asked for another operation.
            Observation::Download(_) if self.is_removal() || self.is_upload() => return None,
            Observation::Packages(_) if !self.is_removal() && !self.is_upload() => return None,
            Observation::Software(_) if !self.is_validation() => return None,
            _ => self.answered_poll(),
        }
        match observation {
            Observation::JobGone => self.job_gone(at),
            Observation::Job(job) => self.job_seen(job, at),
            Observation::Download(status) if self.followed.unanswered.is_some() => {
                self.look_for_unanswered(status, at)
            }
            Observation::Download(status) => self.download_seen(status, at),
            Observation::Packages(packages) if self.is_upload() => {
                self.upload_checked(packages, at)
            }
            Observation::Packages(packages) => self.removal_checked(packages, at),
            Observation::Software(software) => self.validation_results(software, at),
            Observation::Failed(_) => None,
        }
    }

    /// The job was deleted after it ended: the download status (a removal, an upload or
    /// a validation: what the cluster holds) tells how.
    fn job_gone(&mut self, at: Timestamp) -> Option<Ending> {
        self.followed.job_deleted = true;
        let phase = if self.is_removal() || self.is_upload() || self.is_validation() {
            Phase::Checking
        } else {
            Phase::Download(DownloadState::Running)
        };
        if !matches!(self.followed.phase, Phase::Download(_) | Phase::Checking) {
            self.set_phase(phase, Since::AtLeast(at));
        }
        None
    }

    /// The job answered: its ending ends the operation (a validation's results are read
    /// next), else its state is the phase.
    fn job_seen(&mut self, job: &Job, at: Timestamp) -> Option<Ending> {
        if let Some(ending) = self.job_ending(job) {
            let since = Since::from_cluster(job.end_time.as_deref(), at);
            if self.is_validation() && ending.is_success() {
                // The checks ran: their results are read next.
                self.set_phase(Phase::Checking, since);
                return None;
            }
            return self.end(ending, since);
        }
        if let Some(state) = job.state.clone() {
            let since = match state {
                JobState::Running => Since::from_cluster(job.start_time.as_deref(), at),
                _ => self.change_time(at),
            };
            self.set_phase(Phase::Job(state), since);
        }
        None
    }

    /// The download status answered a download followed without its job.
    fn download_seen(&mut self, status: &DownloadStatus, at: Timestamp) -> Option<Ending> {
        if let Some(ending) = self.download_ending(status) {
            let since = self.change_time(at);
            return self.end(ending, since);
        }
        if let Some(state) = status.state.clone() {
            let since = self.change_time(at);
            self.set_phase(Phase::Download(state), since);
        }
        None
    }

    /// A removal whose job is gone: removed when the repository no longer lists it.
    fn removal_checked(&mut self, packages: &[Package], at: Timestamp) -> Option<Ending> {
        let version = self.followed.operation.version().unwrap_or_default();
        let ending = match holding(version, None, Some(packages)) {
            None => Ending::Removed,
            Some(_) => Ending::NotRemoved {
                code: None,
                message: format!(
                    "the removal's job is gone and {version} is still in the repository"
                ),
            },
        };
        self.end(ending, Since::AtLeast(at))
    }

    /// How a job ended, in the words of this kind of operation.
    fn job_ending(&self, job: &Job) -> Option<Ending> {
        let ending = Ending::from_job(job)?;
        Some(match (ending, self.followed.operation.kind()) {
            (Ending::Failure { code, message }, _) if self.is_upload() => {
                Ending::UploadFailed { code, message }
            }
            (_, _) if self.is_upload() => Ending::Uploaded,
            (Ending::Failure { code, message }, OperationKind::Removal) => {
                Ending::NotRemoved { code, message }
            }
            (_, OperationKind::Removal) => Ending::Removed,
            (Ending::Failure { code, message }, OperationKind::Validation) => {
                Ending::NotValidated { code, message }
            }
            (ending, OperationKind::Validation) => ending,
            (ending, OperationKind::Download) => ending,
        })
    }

    /// How the cluster's download ended, once it has. A download status that says
    /// nothing runs, after the followed job is gone, ends the following too: the job's
    /// ending cannot be known any more.
    fn download_ending(&self, status: &DownloadStatus) -> Option<Ending> {
        if let Some(ending) = Ending::from_download(status) {
            return Some(ending);
        }
        match &status.state {
            Some(DownloadState::NotStarted) if self.followed.job_deleted => Some(Ending::Unknown {
                reason: "its job is gone and the cluster reports no download (not_started): \
                         how it ended is not known"
                    .into(),
            }),
            _ => None,
        }
    }

    fn failed(&mut self, error: &OntapError, at: Timestamp) -> Option<Ending> {
        self.followed.errors += 1;
        self.followed.last_error = Some(format!("{}: {}", error.kind, error.message));
        if self.followed.errors < MAX_FOLLOW_ERRORS {
            return None;
        }
        let reason = format!(
            "{} polls in a row failed, the last with {}: {}",
            self.followed.errors, error.kind, error.message
        );
        self.end(Ending::GaveUp { reason }, Since::Exactly(at))
    }

    fn answered_poll(&mut self) {
        self.followed.errors = 0;
        self.followed.last_error = None;
    }

    /// A change seen now: exact to within a poll once following is under way; only "at
    /// least" on the very first look.
    fn change_time(&self, at: Timestamp) -> Since {
        if self.followed.phase == Phase::Starting && self.followed.origin != Origin::Started {
            Since::AtLeast(at)
        } else {
            Since::Exactly(at)
        }
    }

    /// Moves to `phase`; the time changes only when the phase does.
    fn set_phase(&mut self, phase: Phase, since: Since) {
        if self.followed.phase != phase {
            self.followed.phase = phase;
            self.followed.since = since;
        }
    }

    fn end(&mut self, ending: Ending, since: Since) -> Option<Ending> {
        self.followed.phase = Phase::Ended(ending.clone());
        self.followed.since = since;
        Some(ending)
    }
}

#[cfg(test)]
mod tests;
