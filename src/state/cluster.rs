//! What the dashboard knows about one cluster, and how each event changes it.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use jiff::Timestamp;

use super::session::{SessionDownload, SessionPhase};
use crate::download::{Ending, StartOutcome};
use crate::fleet::Event;
use crate::ontap::{
    CertificateFacts, DownloadState, DownloadStatus, Job, JobState, OntapError, Package,
};

/// Transitions kept per cluster for the details pane.
pub const HISTORY_LEN: usize = 20;

/// Polls missed before a cluster's data counts as stale.
pub const STALE_AFTER_POLLS: u32 = 3;

/// The configured facts about a cluster, known before any poll.
#[derive(Debug, Clone, Default)]
pub struct ClusterIdentity {
    pub name: String,
    pub url: String,
    pub labels: BTreeMap<String, String>,
    pub read_only: bool,
    /// Certificate verification is off: shown as a badge.
    pub insecure: bool,
    pub poll_interval: Duration,
}

/// How far the dashboard can trust a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    /// The last poll answered, recently enough.
    Ok,
    /// No answer yet (just started, or the first poll is still out).
    Unknown,
    /// The last answer is older than three poll intervals.
    Stale,
    /// The last poll failed.
    Failing,
}

impl Health {
    /// The lowercase word the filter matches (the table draws its own, with a symbol).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Unknown => "unknown",
            Self::Stale => "stale",
            Self::Failing => "failing",
        }
    }
}

/// One line of a cluster's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub at: Timestamp,
    pub what: String,
}

/// Everything known about one cluster.
#[derive(Debug, Clone)]
pub struct ClusterState {
    pub identity: ClusterIdentity,
    pub version: Option<String>,
    pub download: Option<DownloadStatus>,
    /// The job being followed, while the cluster still has it.
    pub job: Option<Job>,
    /// Since when the current download/job state holds (as first seen by this session).
    pub state_since: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    pub last_failure: Option<Timestamp>,
    /// The most recent error, kept after recovery for the details pane.
    pub last_error: Option<OntapError>,
    pub packages: Option<(Timestamp, Vec<Package>)>,
    pub history: VecDeque<Transition>,
    /// The download this session started or resumed here, if any.
    pub session: Option<SessionDownload>,
    /// The certificate the cluster presents (expiry, pinned, insecure); `None` over
    /// plain HTTP or before the first answer.
    pub certificate: Option<CertificateFacts>,
}

impl ClusterState {
    /// A cluster nothing is known about yet.
    pub fn new(identity: ClusterIdentity) -> Self {
        Self {
            identity,
            version: None,
            download: None,
            job: None,
            state_since: None,
            last_success: None,
            last_failure: None,
            last_error: None,
            packages: None,
            history: VecDeque::with_capacity(HISTORY_LEN),
            session: None,
            certificate: None,
        }
    }

    /// True when the cluster is reached over plain HTTP (shown as a badge).
    pub fn plain_http(&self) -> bool {
        self.identity.url.starts_with("http://")
    }

    /// The download state, when known.
    pub fn download_state(&self) -> Option<&DownloadState> {
        self.download.as_ref()?.state.as_ref()
    }

    /// The followed job's state, when there is one.
    pub fn job_state(&self) -> Option<&JobState> {
        self.job.as_ref()?.state.as_ref()
    }

    /// Health at `now`; see [`Health`].
    pub fn health(&self, now: Timestamp) -> Health {
        match (self.last_success, self.last_failure) {
            (None, None) => Health::Unknown,
            (None, Some(_)) => Health::Failing,
            (Some(ok), Some(failed)) if failed > ok => Health::Failing,
            (Some(ok), _) => {
                let stale_after = self.identity.poll_interval * STALE_AFTER_POLLS;
                if age(ok, now) > stale_after {
                    Health::Stale
                } else {
                    Health::Ok
                }
            }
        }
    }

    /// Applies one event; returns whether anything visible changed.
    pub fn apply(&mut self, event: Event) -> bool {
        match event {
            Event::Polled {
                at,
                info,
                download,
                job,
                ..
            } => {
                if self.is_failing() {
                    self.record(at, "answering again".to_string());
                }
                if let Some(version) = info.and_then(|i| i.version).and_then(|v| v.short()) {
                    self.version = Some(version);
                }
                self.observe_states(at, &download, job.as_deref());
                if let Some(session) = &mut self.session {
                    session.observe(at, &download, job.as_deref());
                }
                self.note_ending(at);
                self.download = Some(download);
                if let Some(job) = job {
                    self.job = Some(*job);
                }
                self.last_success = Some(at);
                true
            }
            Event::PollFailed { at, error, .. } => {
                let changed_error = self.last_error.as_ref() != Some(&error);
                if !self.is_failing() || changed_error {
                    self.record(
                        at,
                        format!("poll failed: {}: {}", error.kind, error.message),
                    );
                }
                self.last_failure = Some(at);
                self.last_error = Some(error);
                true
            }
            Event::Certificate { at, facts, .. } => {
                if self.certificate.as_ref() == Some(&*facts) {
                    return false;
                }
                if let Some(old) = &self.certificate
                    && old.fingerprint != facts.fingerprint
                {
                    self.record(
                        at,
                        format!("certificate changed: now {}", facts.fingerprint),
                    );
                }
                self.certificate = Some(*facts);
                true
            }
            Event::Packages { at, packages, .. } => {
                self.packages = Some((at, packages));
                true
            }
            Event::JobGone { at, uuid, .. } => {
                let was_followed = self.job.as_ref().is_some_and(|j| j.uuid == uuid);
                if let Some(session) = &mut self.session {
                    session.lose_job(&uuid);
                }
                if was_followed {
                    self.job = None;
                    self.record(
                        at,
                        format!("job {} deleted by the cluster", short_uuid(&uuid)),
                    );
                }
                was_followed
            }
            Event::JobLost {
                at, uuid, reason, ..
            } => {
                if let Some(session) = &mut self.session {
                    session.lose_job(&uuid);
                }
                self.job = None;
                self.record(
                    at,
                    format!(
                        "stopped following job {} ({reason}); following the download status",
                        short_uuid(&uuid)
                    ),
                );
                true
            }
            Event::StartRequested { at, url, .. } => {
                self.record(at, format!("download requested: {url}"));
                self.session = Some(SessionDownload::requested(url, at));
                // The JOB column now says "starting": its time in state starts here.
                self.state_since = Some(at);
                true
            }
            Event::StartAnswered { at, outcome, .. } => {
                if let Some(session) = &mut self.session {
                    session.answered(at, &outcome);
                    if !session.in_flight() {
                        // Refused or already present: the JOB column changes at once.
                        self.state_since = Some(at);
                    }
                }
                let what = match &*outcome {
                    StartOutcome::Started { job } => format!("job {} started", short_uuid(job)),
                    StartOutcome::Finished { .. } => "download finished at once".to_string(),
                    StartOutcome::Attached => {
                        "a download was already running: following it".to_string()
                    }
                    StartOutcome::AlreadyPresent { packages } => {
                        self.packages = Some((at, packages.clone()));
                        "package already present".to_string()
                    }
                    StartOutcome::Refused(e) => format!("start refused: {}: {}", e.kind, e.message),
                };
                self.record(at, what);
                self.note_ending(at);
                true
            }
        }
    }

    /// Takes the ending of this session's download if it has not been announced yet.
    pub fn take_unannounced_ending(&mut self) -> Option<Ending> {
        let session = self.session.as_mut()?;
        if !session.unannounced {
            return None;
        }
        session.unannounced = false;
        match &session.phase {
            SessionPhase::Ended { ending, .. } => Some(ending.clone()),
            _ => None,
        }
    }

    /// Puts a newly ended session download into the history.
    fn note_ending(&mut self, at: Timestamp) {
        let ended = self.session.as_ref().and_then(|s| match &s.phase {
            SessionPhase::Ended {
                at: ended_at,
                ending,
            } if s.unannounced && *ended_at == at => Some(ending.describe()),
            _ => None,
        });
        if let Some(what) = ended {
            self.record(at, format!("download ended: {what}"));
        }
    }

    fn is_failing(&self) -> bool {
        match (self.last_success, self.last_failure) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(ok), Some(failed)) => failed > ok,
        }
    }

    /// Notes download and job state changes in the history and restarts the clock.
    fn observe_states(&mut self, at: Timestamp, download: &DownloadStatus, job: Option<&Job>) {
        let old_download = self.download_state().cloned();
        let new_download = download.state.clone();
        let old_job = self.job_state().cloned();
        let new_job = job.and_then(|j| j.state.clone()).or(old_job.clone());
        let mut changed = self.state_since.is_none();
        if old_download != new_download {
            changed = true;
            self.record(
                at,
                format!(
                    "download {} → {}",
                    state_word(old_download.as_ref()),
                    state_word(new_download.as_ref())
                ),
            );
        }
        if old_job != new_job {
            changed = true;
            if let Some(job) = job {
                self.record(
                    at,
                    format!(
                        "job {} {} → {}",
                        short_uuid(&job.uuid),
                        old_job.as_ref().map_or("-", |s| s.as_str()),
                        new_job.as_ref().map_or("-", |s| s.as_str())
                    ),
                );
            }
        }
        if changed {
            self.state_since = Some(at);
        }
    }

    fn record(&mut self, at: Timestamp, what: String) {
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        }
        self.history.push_back(Transition { at, what });
    }
}

fn state_word(state: Option<&DownloadState>) -> &str {
    state.map_or("-", |s| s.as_str())
}

/// The first block of a job uuid: enough to tell jobs apart on screen.
pub fn short_uuid(uuid: &str) -> &str {
    uuid.split('-').next().unwrap_or(uuid)
}

/// How long ago `then` was, never negative (clocks of events and ticks may cross).
pub fn age(then: Timestamp, now: Timestamp) -> Duration {
    Duration::try_from(now.duration_since(then)).unwrap_or(Duration::ZERO)
}

/// A compact age for table cells: "42s", "5m", "3h", "2d".
pub fn format_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}
