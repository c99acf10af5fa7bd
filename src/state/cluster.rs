//! What the dashboard knows about one cluster, and how each event changes it.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use jiff::Timestamp;

mod change;
mod history;
#[cfg(test)]
mod tests;

pub use change::Change;

use super::validation::Readiness;
use crate::download::{Ending, Followed, OperationKind, Phase, Since};
use crate::engine::{LoginPause, Update};
use crate::ontap::{CertificateFacts, DownloadState, DownloadStatus, Job, OntapError, Package};

/// Transitions kept per cluster for the details pane.
pub(crate) const HISTORY_LEN: usize = 20;

/// Polls missed before a cluster's data counts as stale.
pub(crate) const STALE_AFTER_POLLS: u32 = 3;

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
    /// The API user ontop logs in as (the password dialog names it).
    pub username: String,
}

/// How far the dashboard can trust a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// One line of a cluster's history: what changed, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub at: Timestamp,
    pub what: Change,
}

/// Everything known about one cluster.
#[derive(Debug, Clone)]
pub struct ClusterState {
    pub identity: ClusterIdentity,
    pub version: Option<String>,
    /// When identity and version were last read: the engine asks them less often than
    /// the download status (whose time is [`ClusterState::last_success`]).
    pub version_read: Option<Timestamp>,
    pub download: Option<DownloadStatus>,
    /// Since when the cluster's download state holds: "at least" since first seen, or
    /// exactly since a change seen between two polls.
    pub state_since: Option<Since>,
    /// The download the engine follows here, as it last said.
    pub followed: Option<Box<Followed>>,
    /// The package removal the engine follows (or last followed) here.
    pub removal: Option<Box<Followed>>,
    /// The followed job as the cluster last showed it (for details).
    pub job: Option<Box<Job>>,
    pub last_success: Option<Timestamp>,
    pub last_failure: Option<Timestamp>,
    /// The most recent error, kept after recovery for the details pane.
    pub last_error: Option<Box<OntapError>>,
    pub packages: Option<(Timestamp, Vec<Package>)>,
    /// Why the repository could not be read the last time it was asked (cleared by the
    /// next read that works). Boxed: most clusters never have one.
    pub packages_error: Option<Box<(Timestamp, OntapError)>>,
    pub history: VecDeque<Transition>,
    /// The certificate the cluster presents (expiry, pinned, insecure); `None` over
    /// plain HTTP or before the first answer.
    pub certificate: Option<CertificateFacts>,
    /// The cluster refused the login and its poller stopped asking: since when, why.
    pub login_paused: Option<Box<(Timestamp, LoginPause)>>,
    /// Its software: an update in progress, the last validation, the one followed.
    pub readiness: Readiness,
    /// Counts the changes to what is known here, apart from when it was last read: a
    /// poll that finds everything as it was leaves it alone. A screen draws a frame for
    /// a new revision at once; ages (and the times of reads) are the clock's to redraw.
    pub revision: u64,
}

impl ClusterState {
    /// A cluster nothing is known about yet.
    pub(crate) fn new(identity: ClusterIdentity) -> Self {
        Self {
            identity,
            version: None,
            version_read: None,
            download: None,
            state_since: None,
            followed: None,
            removal: None,
            job: None,
            last_success: None,
            last_failure: None,
            last_error: None,
            packages: None,
            packages_error: None,
            history: VecDeque::new(),
            certificate: None,
            login_paused: None,
            readiness: Readiness::default(),
            revision: 0,
        }
    }

    /// Why its login is paused, when it is (`login_paused` also says since when).
    pub(crate) fn login_pause(&self) -> Option<&LoginPause> {
        self.login_paused.as_deref().map(|(_, pause)| pause)
    }

    /// Why its package repository is not known, when it is not: its own read's failure,
    /// else the failure of a cluster not answering now (`None`: read, or not asked yet;
    /// an old failure the cluster has answered since is no reason).
    pub(crate) fn repository_error(&self) -> Option<&OntapError> {
        if self.packages.is_some() {
            return None;
        }
        let last = self.last_error.as_deref().filter(|_| self.is_failing());
        (self.packages_error.as_deref().map(|(_, e)| e)).or(last)
    }

    /// True when the cluster is reached over plain HTTP (shown as a badge).
    pub(crate) fn plain_http(&self) -> bool {
        self.identity.url.starts_with("http://")
    }

    /// The download state, when known.
    pub fn download_state(&self) -> Option<&DownloadState> {
        self.download.as_ref()?.state.as_ref()
    }

    /// Where the followed download stands, when one is followed.
    pub fn phase(&self) -> Option<&Phase> {
        self.followed.as_ref().map(|f| &f.phase)
    }

    /// The followed download's ending, once it has one.
    pub fn ending(&self) -> Option<&Ending> {
        self.phase()?.ending()
    }

    /// The operation of `kind` the engine follows (or last followed) here.
    pub fn operation(&self, kind: OperationKind) -> Option<&Followed> {
        match kind {
            OperationKind::Download => self.followed.as_deref(),
            OperationKind::Removal => self.removal.as_deref(),
            OperationKind::Validation => self.readiness.operation.as_deref(),
        }
    }

    /// The operations not ended yet (the quit question counts these).
    pub(crate) fn open_operations(&self) -> impl Iterator<Item = &Followed> {
        [&self.followed, &self.removal, &self.readiness.operation]
            .into_iter()
            .flatten()
            .map(|f| &**f)
            .filter(|f| f.ending().is_none())
    }

    /// Since when what IN STATE shows holds: the followed download's phase, else the
    /// cluster's download state.
    pub(crate) fn in_state_since(&self) -> Option<Since> {
        self.followed.as_ref().map(|f| f.since).or(self.state_since)
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

    /// Whether the values shown are old: the last good answer is older than
    /// [`STALE_AFTER_POLLS`] intervals (whether or not the polls since failed).
    pub(crate) fn is_stale(&self, now: Timestamp) -> bool {
        self.last_success
            .is_some_and(|ok| age(ok, now) > self.identity.poll_interval * STALE_AFTER_POLLS)
    }

    /// Applies one update; returns whether anything visible changed (a poll always
    /// changes the time of the last answer; [`ClusterState::revision`] says whether it
    /// changed more).
    pub(crate) fn apply(&mut self, update: Update) -> bool {
        let changed = match update {
            Update::Polled {
                at,
                info,
                download,
                job,
                ..
            } => {
                if self.polled(at, info.as_deref(), download, job) {
                    self.revision = self.revision.wrapping_add(1);
                }
                return true;
            }
            Update::PollFailed { at, error, .. } => {
                self.poll_failed(at, error);
                true
            }
            Update::LoginPaused { at, pause, .. } => {
                let what = Change::LoginPaused {
                    user: pause.user.clone(),
                    note: pause.note.clone(),
                };
                self.record(at, what);
                let since = self.login_paused.as_deref().map_or(at, |(since, _)| *since);
                self.login_paused = Some(Box::new((since, *pause)));
                true
            }
            Update::Certificate { at, facts, .. } => self.certificate_seen(at, *facts),
            Update::Packages { at, packages, .. } => {
                match packages {
                    Ok(list) => {
                        self.packages = Some((at, list));
                        self.packages_error = None;
                    }
                    Err(error) => self.packages_error = Some(Box::new((at, error))),
                }
                true
            }
            Update::Operation { at, followed, .. } => {
                self.operation_followed(at, *followed);
                true
            }
            Update::Software { at, software, .. } => {
                self.note_software(at, &software);
                self.readiness.software = Some((at, *software));
                true
            }
            Update::Validated { version, at, .. } => {
                let newer = self
                    .readiness
                    .validated
                    .as_ref()
                    .is_none_or(|(_, t)| *t < at);
                if newer {
                    self.readiness.validated = Some((version, at));
                }
                newer
            }
            Update::RecordFailed { at, error, .. } => {
                self.record(at, Change::NotRecorded(error));
                true
            }
            Update::Warning { .. } => false,
        };
        if changed {
            self.revision = self.revision.wrapping_add(1);
        }
        changed
    }

    /// A poll failed: the history says so once per failing spell (or a new error).
    fn poll_failed(&mut self, at: Timestamp, error: OntapError) {
        let changed_error = self.last_error.as_deref() != Some(&error);
        if !self.is_failing() || changed_error {
            self.record(at, Change::PollFailed(error.clone()));
        }
        self.last_failure = Some(at);
        self.last_error = Some(Box::new(error));
    }

    /// The certificate seen on connecting; returns whether it changed.
    fn certificate_seen(&mut self, at: Timestamp, facts: CertificateFacts) -> bool {
        if self.certificate.as_ref() == Some(&facts) {
            return false;
        }
        if let Some(old) = &self.certificate
            && old.fingerprint != facts.fingerprint
        {
            self.record(at, Change::CertificateChanged(facts.fingerprint));
        }
        self.certificate = Some(facts);
        true
    }

    /// Where a followed operation stands now, filed under its kind.
    fn operation_followed(&mut self, at: Timestamp, followed: Followed) {
        self.note_operation(at, &followed);
        match followed.kind() {
            OperationKind::Download => {
                if self.job.as_ref().map(|j| &j.uuid) != followed.job.as_ref() {
                    self.job = None;
                }
                self.followed = Some(Box::new(followed));
            }
            OperationKind::Removal => self.removal = Some(Box::new(followed)),
            OperationKind::Validation => self.readiness.followed(at, followed),
        }
    }

    /// A poll answered: identity (now and then), the download state, the followed job.
    /// Returns whether any of them changed (the time of the answer always does).
    fn polled(
        &mut self,
        at: Timestamp,
        info: Option<&crate::ontap::ClusterInfo>,
        download: DownloadStatus,
        job: Option<Box<Job>>,
    ) -> bool {
        let mut news = false;
        if self.login_paused.take().is_some() {
            self.record(at, Change::LoginAccepted);
            news = true;
        } else if self.is_failing() {
            self.record(at, Change::AnsweringAgain);
            news = true;
        }
        if let Some(info) = info {
            self.version_read = Some(at);
            if let Some(version) = info.version.as_ref().and_then(|v| v.short()) {
                news |= self.version.as_ref() != Some(&version);
                self.version = Some(version);
            }
        }
        self.observe_download(at, &download);
        news |= self.download.as_ref() != Some(&download);
        self.download = Some(download);
        if let Some(job) = job {
            news |= self.job.as_ref() != Some(&job);
            self.job = Some(job);
        }
        self.last_success = Some(at);
        news
    }

    fn is_failing(&self) -> bool {
        match (self.last_success, self.last_failure) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(ok), Some(failed)) => failed > ok,
        }
    }
}

/// The first block of a job uuid: enough to tell jobs apart on screen.
pub(crate) fn short_uuid(uuid: &str) -> &str {
    uuid.split('-').next().unwrap_or(uuid)
}

/// How long ago `then` was, never negative (clocks of events and ticks may cross).
pub(crate) fn age(then: Timestamp, now: Timestamp) -> Duration {
    Duration::try_from(now.duration_since(then)).unwrap_or(Duration::ZERO)
}

/// A compact age for table cells: "42s", "5m", "3h", "2d".
pub(crate) use crate::text::duration::age as format_age;
