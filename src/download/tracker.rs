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

use jiff::Timestamp;

use super::ending::Ending;
use super::image::holding;
use super::start::StartOutcome;
use crate::ontap::software::Software;
use crate::ontap::{DownloadState, DownloadStatus, ErrorKind, Job, JobState, OntapError, Package};

/// Failed polls in a row before following stops. Real clients tolerate about three; a
/// little more rides out a node reboot at a 5 s interval.
pub const MAX_FOLLOW_ERRORS: u32 = 5;
/// How long a validation's results are waited for after its job ended (Ansible reads
/// them up to 30 times, 10 s apart).
pub const RESULTS_WAIT: std::time::Duration = std::time::Duration::from_secs(300);
/// How long a download start that got no answer is looked for in the cluster's download
/// status: ONTAP shows a started download as running at once.
pub const UNANSWERED_LOOK: std::time::Duration = std::time::Duration::from_secs(120);

/// What a followed operation does to its cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Fetches a package from a server. The URL (masked) and the server's user are what
    /// ontop asked for; `None` for a download it only attached to (someone else's).
    Download {
        url: Option<String>,
        server_username: Option<String>,
    },
    /// Removes a release's package from the cluster's repository.
    Removal { version: String },
    /// Sends an image from this host (`POST /cluster/software/upload`).
    Upload(UploadFile),
    /// Checks whether an update to a release the cluster holds would go through
    /// (`PATCH /cluster/software?validate_only=true`); its results are read after its job.
    Validation { version: String },
}

/// The image an upload sends: what the confirmation, the audit log and every progress
/// line name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    /// The file name the cluster is sent (its release is read from it).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex, computed before anything was sent.
    pub sha256: String,
}

/// The kinds of operation, one followed per kind and cluster at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationKind {
    Download,
    Removal,
    Validation,
}

impl OperationKind {
    /// Every kind, in the order views list them.
    pub const ALL: [Self; 3] = [Self::Download, Self::Removal, Self::Validation];
}

impl Operation {
    /// A download ontop asks for.
    pub fn download(url: String, server_username: Option<String>) -> Self {
        Self::Download {
            url: Some(url),
            server_username,
        }
    }

    /// Which kind it is: an upload takes the place of a download (one package at a time
    /// gets onto a cluster, and the JOB column shows it).
    pub fn kind(&self) -> OperationKind {
        match self {
            Self::Download { .. } | Self::Upload(_) => OperationKind::Download,
            Self::Removal { .. } => OperationKind::Removal,
            Self::Validation { .. } => OperationKind::Validation,
        }
    }

    /// The image an upload sends.
    pub fn upload(&self) -> Option<&UploadFile> {
        match self {
            Self::Upload(file) => Some(file),
            _ => None,
        }
    }

    /// The URL (masked) for the audit log, `-` when there is none.
    pub fn url(&self) -> &str {
        match self {
            Self::Download { url: Some(url), .. } => url,
            _ => "-",
        }
    }

    /// The package server's user, when ontop gave one.
    pub fn server_username(&self) -> Option<&str> {
        match self {
            Self::Download {
                server_username, ..
            } => server_username.as_deref(),
            Self::Removal { .. } | Self::Upload(_) | Self::Validation { .. } => None,
        }
    }

    /// The release a removal or a validation is about.
    pub fn version(&self) -> Option<&str> {
        match self {
            Self::Removal { version } | Self::Validation { version } => Some(version),
            Self::Download { .. } | Self::Upload(_) => None,
        }
    }
}

/// How the operation came to be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Asked for by this ontop.
    Started,
    /// Started by an earlier ontop (any process), picked up from the journal.
    Resumed,
    /// Already running when chosen: no request was sent, and nothing is known of who
    /// started it or what it fetches.
    Attached,
}

/// When the current phase began: exactly (the cluster's own time, or a change seen
/// between two polls), or at least as long ago as ontop first saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Exactly(Timestamp),
    AtLeast(Timestamp),
}

impl Since {
    /// The moment, whichever kind it is.
    pub fn at(self) -> Timestamp {
        match self {
            Self::Exactly(t) | Self::AtLeast(t) => t,
        }
    }

    /// `Exactly` the cluster's RFC 3339 time when it gave one, else `AtLeast(seen)`.
    pub fn from_cluster(time: Option<&str>, seen: Timestamp) -> Self {
        time.and_then(|t| t.parse::<Timestamp>().ok())
            .filter(|t| *t <= seen)
            .map_or(Self::AtLeast(seen), Self::Exactly)
    }
}

/// Where a followed operation stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Waiting in ontop for a place (`max_running`): nothing was sent yet. The n-th of m
    /// starts that were waiting when it was queued.
    Queued { position: usize, of: usize },
    /// Asked for (the request is on its way), or started and its job not seen yet.
    Starting,
    /// The job's own state (queued, running, paused, or a state this build does not know).
    Job(JobState),
    /// No job to follow (attached, or the job was deleted): the download's state.
    Download(DownloadState),
    /// A removal's (or an upload's) job is gone: the repository is read to see whether
    /// it worked.
    Checking,
    /// An upload on its way: bytes sent of the image's size.
    Sending { sent: u64, total: u64 },
    /// Over.
    Ended(Ending),
}

impl Phase {
    /// The word in the JOB column, at most 8 cells.
    pub fn word(&self) -> &str {
        match self {
            Self::Queued { .. } => "queued",
            Self::Starting => "starting",
            Self::Job(state) => state.as_str(),
            Self::Download(state) => state.as_str(),
            Self::Checking => "checking",
            Self::Sending { .. } => "uploading",
            Self::Ended(ending) => ending.word(),
        }
    }

    /// The JOB cell: the word, or how far an upload is ("up 42%"), at most 8 cells.
    pub fn label(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Sending { sent, total } => {
                let percent = (*sent as f64 * 100.0 / (*total).max(1) as f64).floor() as u64;
                format!("up {}%", percent.min(100)).into()
            }
            other => other.word().into(),
        }
    }

    /// The ending, once there is one.
    pub fn ending(&self) -> Option<&Ending> {
        match self {
            Self::Ended(ending) => Some(ending),
            _ => None,
        }
    }

    /// Still under way, and not waiting in ontop: something runs on the cluster (or the
    /// request is on its way).
    pub fn is_active(&self) -> bool {
        !matches!(self, Self::Ended(_) | Self::Queued { .. })
    }
}

/// What the engine says about one followed operation: everything a front end shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    pub operation: Operation,
    pub origin: Origin,
    /// When ontop asked (started), or began to follow (attached, resumed).
    pub since_request: Timestamp,
    /// The job being (or last) followed.
    pub job: Option<String>,
    pub phase: Phase,
    /// When the phase began.
    pub since: Since,
    /// Failed polls in a row so far (0 after an answer).
    pub errors: u32,
    /// The last failure while following, while `errors` is not 0.
    pub last_error: Option<String>,
    /// The followed job was deleted by the cluster (it had ended): the download status
    /// (or, for a removal, the repository) took over.
    pub job_deleted: bool,
    /// The cluster answered the request (always true for what ontop did not send).
    pub answered: bool,
    /// The request went out and no answer came in time (this error said so): the
    /// download is looked for in the cluster's status, at most [`UNANSWERED_LOOK`].
    pub unanswered: Option<OntapError>,
}

impl Followed {
    /// The ending, once there is one.
    pub fn ending(&self) -> Option<&Ending> {
        self.phase.ending()
    }

    /// Which kind of operation this is.
    pub fn kind(&self) -> OperationKind {
        self.operation.kind()
    }

    /// Whether this is the same operation as `other` (seen at another moment).
    pub fn same_as(&self, other: &Followed) -> bool {
        self.since_request == other.since_request
            && self.origin == other.origin
            && self.kind() == other.kind()
    }
}

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
    pub fn queued(mut self, position: usize, of: usize, at: Timestamp) -> Self {
        self.set_phase(Phase::Queued { position, of }, Since::Exactly(at));
        self
    }

    /// The request leaves its queue now: it is on its way.
    pub fn dequeued(&mut self, at: Timestamp) {
        if matches!(self.followed.phase, Phase::Queued { .. }) {
            self.set_phase(Phase::Starting, Since::Exactly(at));
        }
    }

    /// A download that was running when chosen. With its job (found in the cluster's
    /// jobs), it is followed by the job and its own start time; without, by the
    /// download status, since at least now.
    pub fn attached(job: Option<&Job>, at: Timestamp) -> Self {
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
    pub fn ending(&self) -> Option<&Ending> {
        self.followed.phase.ending()
    }

    /// Which kind of operation it follows.
    pub fn kind(&self) -> OperationKind {
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

    /// An upload sent `sent` bytes so far (its image's size is the whole).
    pub fn sending(&mut self, sent: u64, at: Timestamp) {
        let Some(file) = self.followed.operation.upload() else {
            return;
        };
        if self.ending().is_some() {
            return;
        }
        let total = file.size;
        match &mut self.followed.phase {
            Phase::Sending { sent: was, .. } => *was = sent,
            _ => self.set_phase(Phase::Sending { sent, total }, Since::Exactly(at)),
        }
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

    /// The cluster's answer to the request, seen at `at`: the job to follow, or the
    /// ending when there is nothing to follow. Returns the ending when it ended.
    pub fn answered(&mut self, outcome: &StartOutcome, at: Timestamp) -> Option<Ending> {
        use StartOutcome as S;
        self.followed.answered = true;
        self.dequeued(at);
        if matches!(self.followed.phase, Phase::Sending { .. })
            && !matches!(outcome, S::Refused(_) | S::NotSent(_))
        {
            // The image is there: the cluster files it now.
            self.set_phase(Phase::Starting, Since::Exactly(at));
        }
        let ending = match outcome {
            S::Started { job } => {
                self.followed.job = Some(job.clone());
                return None;
            }
            S::Refused(e) if self.is_upload() => self.upload_refused(e),
            // Sent, not answered: it may have started. Look for it before saying so.
            S::Refused(e)
                if e.kind == ErrorKind::Timeout && self.kind() == OperationKind::Download =>
            {
                self.followed.unanswered = Some(e.clone());
                return None;
            }
            // A removal (or an upload) answered "done" is done, whatever the job it names.
            S::Finished { job } if self.is_removal() => {
                self.followed.job = job.clone();
                Ending::Removed
            }
            S::Finished { job } if self.is_upload() => {
                self.followed.job = job.clone();
                Ending::Uploaded
            }
            // The checks ended within the request: their results are read next.
            S::Finished { job } if self.is_validation() => {
                self.followed.job = job.clone();
                self.set_phase(Phase::Checking, Since::Exactly(at));
                return None;
            }
            S::Finished { job: Some(job) } => {
                self.followed.job = Some(job.clone());
                return None;
            }
            S::Finished { job: None } => {
                self.set_phase(Phase::Download(DownloadState::Running), Since::Exactly(at));
                return None;
            }
            // "Already in progress": someone else's download runs; follow it by its
            // status. What it fetches is not what was asked for.
            S::Attached => {
                self.followed.origin = Origin::Attached;
                self.followed.operation = Operation::Download {
                    url: None,
                    server_username: None,
                };
                self.set_phase(Phase::Download(DownloadState::Running), Since::AtLeast(at));
                return None;
            }
            S::AlreadyPresent { .. } => Ending::AlreadyPresent,
            S::Refused(e) => Ending::Refused(e.clone()),
            S::NotSent(reason) => Ending::NotSent {
                reason: reason.clone(),
            },
        };
        self.end(ending, Since::Exactly(at))
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

    /// An upload refused: by the cluster (its code, after it read the image), or cut off
    /// on its way (a connection that dropped, a timeout: the bytes sent say how far).
    fn upload_refused(&self, e: &crate::ontap::OntapError) -> Ending {
        match self.followed.phase {
            // No HTTP answer: the connection dropped (or stalled) on the way. What left
            // this host may not all have arrived.
            Phase::Sending { sent, total } if e.http_status.is_none() => Ending::TransferFailed {
                sent,
                total,
                reason: format!("{}: {}", e.kind, e.message),
            },
            _ => Ending::Refused(e.clone()),
        }
    }

    /// Takes in what was seen at `at`; returns the ending the moment the operation ends,
    /// and never again.
    pub fn observe(&mut self, observation: Observation<'_>, at: Timestamp) -> Option<Ending> {
        if self.ending().is_some() || !self.followed.answered {
            return None;
        }
        match observation {
            Observation::Failed(error) => self.failed(error, at),
            Observation::JobGone => {
                // Deleted after it ended: the download status (a removal: the
                // repository) tells how.
                self.answered_poll();
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
            Observation::Job(job) => {
                self.answered_poll();
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
            Observation::Download(status) if self.followed.unanswered.is_some() => {
                self.answered_poll();
                self.look_for_unanswered(status, at)
            }
            Observation::Download(status) if !self.is_removal() && !self.is_upload() => {
                self.answered_poll();
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
            Observation::Packages(packages) if self.is_upload() => {
                self.answered_poll();
                let file = self
                    .followed
                    .operation
                    .upload()
                    .map_or("", |f| f.name.as_str());
                let ending = match super::image::image_version(file) {
                    Some(version) if holding(&version, None, Some(packages)).is_some() => {
                        Ending::Uploaded
                    }
                    Some(version) => Ending::UploadFailed {
                        code: None,
                        message: format!(
                            "the upload's job is gone and {version} is not in the repository"
                        ),
                    },
                    None => Ending::Unknown {
                        reason: "the upload's job is gone, and the image's name says no \
                                 release to look for in the repository"
                            .into(),
                    },
                };
                self.end(ending, Since::AtLeast(at))
            }
            Observation::Packages(packages) if self.is_removal() => {
                self.answered_poll();
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
            Observation::Software(software) if self.is_validation() => {
                self.answered_poll();
                self.validation_results(software, at)
            }
            // An answer to a question asked for another operation.
            Observation::Download(_) | Observation::Packages(_) | Observation::Software(_) => None,
        }
    }

    /// A start that got no answer, looked for in the download status: running, it is
    /// followed from now on; not seen running within [`UNANSWERED_LOOK`], it ends as
    /// unanswered. An older download's ending in the status says nothing about it.
    fn look_for_unanswered(&mut self, status: &DownloadStatus, at: Timestamp) -> Option<Ending> {
        if status.state == Some(DownloadState::Running) {
            self.followed.unanswered = None;
            self.set_phase(Phase::Download(DownloadState::Running), Since::AtLeast(at));
            return None;
        }
        let looked = at
            .duration_since(self.followed.since_request)
            .unsigned_abs();
        if looked < UNANSWERED_LOOK {
            return None;
        }
        let error = self.followed.unanswered.take()?;
        self.end(Ending::Refused(error), Since::Exactly(at))
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

    /// A validation's results, once its job has ended: they end it when the cluster
    /// gives them; while absent they are waited for, at most [`RESULTS_WAIT`] from the
    /// job's end (absent is "not known yet", never "no findings").
    fn validation_results(&mut self, software: &Software, at: Timestamp) -> Option<Ending> {
        if self.followed.phase != Phase::Checking {
            // Still running: the job says when it ends. No job to follow (a cluster that
            // answered without one): the results appearing end it.
            if self.followed.job.is_some() {
                return None;
            }
        }
        if let Some(checks) = &software.validation {
            let ending = Ending::Validated {
                checks: checks.clone(),
            };
            return self.end(ending, Since::Exactly(at));
        }
        let waited = at.duration_since(self.followed.since.at());
        if waited.unsigned_abs() < RESULTS_WAIT {
            return None;
        }
        let reason = "its job ended and the cluster gave no results in the 5 minutes that \
                      followed (it may not keep them on this release)"
            .to_string();
        self.end(Ending::Unknown { reason }, Since::Exactly(at))
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
