//! Following one download to its end: a pure state machine, the one place that decides a
//! download's phase and its ending.
//!
//! A [`Tracker`] is plain data. It is told what was seen ([`Observation`]) and when, and
//! says what to ask next ([`Want`]), where the download stands ([`Followed`]) and, once,
//! how it ended. The dashboard's pollers and `ontop download --wait` both drive it, so
//! both follow by the same rules:
//! - the job is the source of truth while the cluster keeps it; a 404 means it ended and
//!   was deleted (about 300 s later), and the download status takes over;
//! - a download ontop attached to without a job is followed by its download status;
//! - `paused` is not an ending: the job may resume (`docs/ontap-api.md#jobs`);
//! - [`MAX_FOLLOW_ERRORS`] failed polls in a row end the following (not the download),
//!   as [`Ending::GaveUp`], with the last error as the reason.

use jiff::Timestamp;

use super::ending::Ending;
use crate::ontap::{DownloadState, DownloadStatus, Job, JobState, OntapError};

/// Failed polls in a row before following stops. Real clients tolerate about three; a
/// little more rides out a node reboot at a 5 s interval.
pub const MAX_FOLLOW_ERRORS: u32 = 5;

/// How the download came to be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Started by this ontop: the package URL (masked) it asked for, and the package
    /// server's user it gave.
    Started {
        url: String,
        server_username: Option<String>,
    },
    /// Started by an earlier ontop (any process), picked up from the journal.
    Resumed {
        url: String,
        server_username: Option<String>,
    },
    /// Already running when chosen: no request was sent, and nothing is known of who
    /// started it or what it fetches.
    Attached,
}

impl Origin {
    /// The package URL (masked) and server user, as far as ontop knows them: nothing
    /// for a download it only attached to.
    pub fn asked(&self) -> (String, Option<String>) {
        match self {
            Self::Started {
                url,
                server_username,
            }
            | Self::Resumed {
                url,
                server_username,
            } => (url.clone(), server_username.clone()),
            Self::Attached => ("-".into(), None),
        }
    }
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

/// Where a followed download stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Waiting in ontop for a place (`max_running`): nothing was sent yet. The n-th of m
    /// starts that were waiting when it was queued.
    Queued { position: usize, of: usize },
    /// Asked for (the POST is on its way), or started and its job not seen yet.
    Starting,
    /// The job's own state (queued, running, paused, or a state this build does not know).
    Job(JobState),
    /// No job to follow (attached, or the job was deleted): the download's state.
    Download(DownloadState),
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
            Self::Ended(ending) => ending.word(),
        }
    }

    /// The ending, once there is one.
    pub fn ending(&self) -> Option<&Ending> {
        match self {
            Self::Ended(ending) => Some(ending),
            _ => None,
        }
    }
}

/// What the engine says about one followed download: everything a front end shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
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
    /// took over.
    pub job_deleted: bool,
}

/// What to ask the cluster next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// `GET /cluster/jobs/{uuid}`.
    Job(String),
    /// `GET /cluster/software/download`.
    DownloadStatus,
    /// Nothing: the download has ended.
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
    /// What was asked failed.
    Failed(&'a OntapError),
}

/// Follows one download; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracker {
    followed: Followed,
    /// Asked for (or queued) and not answered yet: nothing the cluster says now is about
    /// this download (its state may still be an older download's ending), so polls
    /// neither ask for it nor count.
    unanswered: bool,
}

impl Tracker {
    /// A download ontop is asking for at `at` (the POST is on its way).
    pub fn requested(url: String, at: Timestamp) -> Self {
        let origin = Origin::Started {
            url,
            server_username: None,
        };
        let mut tracker = Self::new(origin, None, Phase::Starting, Since::Exactly(at), at);
        tracker.unanswered = true;
        tracker
    }

    /// A start that waits in ontop for a place (nothing sent yet), as the n-th of m.
    pub fn queued(mut self, position: usize, of: usize, at: Timestamp) -> Self {
        self.set_phase(Phase::Queued { position, of }, Since::Exactly(at));
        self
    }

    /// The same download, asked of the package server as `user`.
    pub fn with_server_username(mut self, user: Option<String>) -> Self {
        if let Origin::Started {
            server_username, ..
        }
        | Origin::Resumed {
            server_username, ..
        } = &mut self.followed.origin
        {
            *server_username = user;
        }
        self
    }

    /// A download that was running when chosen. With its job (found in the cluster's
    /// jobs), it is followed by the job and its own start time; without, by the
    /// download status, since at least now.
    pub fn attached(job: Option<&Job>, at: Timestamp) -> Self {
        match job {
            Some(job) => {
                let since = Since::from_cluster(job.start_time.as_deref(), at);
                let phase = job.state.clone().map_or(Phase::Starting, Phase::Job);
                Self::new(Origin::Attached, Some(job.uuid.clone()), phase, since, at)
            }
            None => Self::new(
                Origin::Attached,
                None,
                Phase::Download(DownloadState::Running),
                Since::AtLeast(at),
                at,
            ),
        }
    }

    /// A job an earlier ontop started at `started_at`, picked up from the journal at `at`.
    pub fn resumed(url: String, job: String, started_at: Timestamp, at: Timestamp) -> Self {
        let since = Since::AtLeast(started_at.min(at));
        let origin = Origin::Resumed {
            url,
            server_username: None,
        };
        Self::new(origin, Some(job), Phase::Starting, since, started_at)
    }

    fn new(
        origin: Origin,
        job: Option<String>,
        phase: Phase,
        since: Since,
        since_request: Timestamp,
    ) -> Self {
        Self {
            followed: Followed {
                origin,
                since_request,
                job,
                phase,
                since,
                errors: 0,
                last_error: None,
                job_deleted: false,
            },
            unanswered: false,
        }
    }

    /// Where the download stands.
    pub fn followed(&self) -> &Followed {
        &self.followed
    }

    /// The ending, once there is one.
    pub fn ending(&self) -> Option<&Ending> {
        self.followed.phase.ending()
    }

    /// What to ask next.
    pub fn want(&self) -> Want {
        if self.unanswered {
            return Want::Nothing;
        }
        match (&self.followed.phase, &self.followed.job) {
            (Phase::Ended(_), _) => Want::Nothing,
            (Phase::Download(_), _) | (_, None) => Want::DownloadStatus,
            (_, Some(job)) => Want::Job(job.clone()),
        }
    }

    /// The cluster's answer to the start request, seen at `at`: the job to follow, or
    /// the ending when there is nothing to follow. Returns the ending when it ended.
    pub fn answered(&mut self, outcome: &super::StartOutcome, at: Timestamp) -> Option<Ending> {
        use super::StartOutcome as S;
        self.unanswered = false;
        if matches!(self.followed.phase, Phase::Queued { .. }) {
            self.set_phase(Phase::Starting, Since::Exactly(at));
        }
        let ending = match outcome {
            S::Started { job } | S::Finished { job: Some(job) } => {
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

    /// Gives up following at `at` for `reason` (e.g. `--timeout`), unless already ended.
    pub fn give_up(&mut self, reason: String, at: Timestamp) -> Option<Ending> {
        if self.ending().is_some() {
            return None;
        }
        self.end(Ending::GaveUp { reason }, Since::Exactly(at))
    }

    /// Takes in what was seen at `at`; returns the ending the moment the download ends,
    /// and never again.
    pub fn observe(&mut self, observation: Observation<'_>, at: Timestamp) -> Option<Ending> {
        if self.ending().is_some() || self.unanswered {
            return None;
        }
        match observation {
            Observation::Failed(error) => return self.failed(error, at),
            Observation::JobGone => {
                // Deleted after it ended: the download status tells how.
                self.answered_poll();
                self.followed.job_deleted = true;
                if !matches!(self.followed.phase, Phase::Download(_)) {
                    let state = DownloadState::Running;
                    self.set_phase(Phase::Download(state), Since::AtLeast(at));
                }
                return None;
            }
            Observation::Job(job) => {
                self.answered_poll();
                if let Some(ending) = Ending::from_job(job) {
                    let since = Since::from_cluster(job.end_time.as_deref(), at);
                    return self.end(ending, since);
                }
                if let Some(state) = job.state.clone() {
                    let since = match state {
                        JobState::Running => Since::from_cluster(job.start_time.as_deref(), at),
                        _ => self.change_time(at),
                    };
                    self.set_phase(Phase::Job(state), since);
                }
            }
            Observation::Download(status) => {
                self.answered_poll();
                if let Some(ending) = Ending::from_download(status) {
                    let since = self.change_time(at);
                    return self.end(ending, since);
                }
                if let Some(state) = status.state.clone() {
                    let since = self.change_time(at);
                    self.set_phase(Phase::Download(state), since);
                }
            }
        }
        None
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
        if self.followed.phase == Phase::Starting
            && !matches!(self.followed.origin, Origin::Started { .. })
        {
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
