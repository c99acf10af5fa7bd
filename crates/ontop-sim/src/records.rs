//! The plain records a simulated cluster keeps: download status, jobs,
//! packages, and what a download request asks for.
//!
//! No behaviour lives here beyond spelling states the way the wire does;
//! `cluster.rs` moves these records through their state machines and
//! `wire.rs` turns them into JSON.

use tokio::time::Instant;

/// The download state as `GET /api/cluster/software/download` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DownloadState {
    NotStarted,
    Running,
    Success,
    Failure,
}

impl DownloadState {
    /// The wire spelling, e.g. `not_started`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DownloadState::NotStarted => "not_started",
            DownloadState::Running => "running",
            DownloadState::Success => "success",
            DownloadState::Failure => "failure",
        }
    }
}

/// The state of an ONTAP job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobState {
    Queued,
    Running,
    Success,
    Failure,
}

impl JobState {
    /// The wire spelling, e.g. `queued`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Success => "success",
            JobState::Failure => "failure",
        }
    }

    /// True for `success` and `failure`: the job will not change again.
    pub(crate) fn is_terminal(self) -> bool {
        matches!(self, JobState::Success | JobState::Failure)
    }
}

/// The cluster-wide download status (a singleton in the API).
#[derive(Debug, Clone)]
pub(crate) struct Download {
    pub(crate) state: DownloadState,
    pub(crate) message: String,
    pub(crate) code: u64,
}

/// One job, created by a download POST or a package DELETE.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) uuid: String,
    /// The request that made it, e.g. `POST /api/cluster/software/download`.
    pub(crate) description: String,
    pub(crate) state: JobState,
    pub(crate) message: String,
    pub(crate) code: u64,
    pub(crate) start_time: String,
    pub(crate) end_time: Option<String>,
    /// When the job ended, for its expiry; `None` while it runs.
    pub(crate) ended_at: Option<Instant>,
}

/// One package in the cluster's repository.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub(crate) version: String,
    pub(crate) file_name: String,
    pub(crate) create_time: String,
}

/// What a download POST asks for.
#[derive(Debug, Clone)]
pub(crate) struct DownloadRequest {
    pub(crate) url: reqwest::Url,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
}

/// Why a download POST or a package DELETE is refused before any job exists:
/// `(code, message)`.
pub(crate) type Refusal = (u64, String);

/// How a download ended.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// The package arrived: it joins the repository.
    Success,
    /// The download failed with this ONTAP code and message.
    Failure { code: u64, message: String },
}
