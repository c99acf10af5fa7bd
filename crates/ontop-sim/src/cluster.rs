//! One simulated cluster: its identity, its download and job state machines,
//! its package repository, its current fault and its request log.
//!
//! The download moves `not_started -> running -> success | failure`; each POST
//! creates a job that moves `queued -> running -> success | failure` and is
//! deleted `job_expiry` after it ends. A package DELETE has a job too
//! (`cluster/deletes.rs`); what a file name says lives in `cluster/names.rs`. The
//! real fetch runs in `fetch.rs`; this file only keeps the books, behind a std mutex
//! never held across an await.

mod deletes;
mod names;
mod software;
mod update;
mod upload;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

#[cfg(any(test, feature = "testing"))]
use super::LoggedRequest;
use super::codes;
use super::fault::Fault;
use super::fetch;
pub(crate) use super::records::{
    Download, DownloadRequest, DownloadState, Job, JobState, Outcome, Package, Refusal,
};
use super::tasks::{Tasks, lock};
use deletes::PendingDelete;
use names::file_name;
pub(crate) use names::{parse_url, version_from_file};
pub(crate) use software::SoftwareNow;
pub use software::SoftwareTiming;
pub use update::UpdateAt;
pub(crate) use update::{Halt, PhaseNow, UpdateNow};
pub(crate) use upload::Intake;

/// The most download URLs kept per cluster (oldest dropped first).
const SOURCES_CAP: usize = 64;

/// The most requests kept per cluster in the request log (oldest dropped first).
#[cfg(any(test, feature = "testing"))]
const LOG_CAP: usize = 10_000;

/// Settings and services shared by every cluster of a run.
pub(crate) struct Env {
    /// The API user (`admin`).
    pub(crate) username: String,
    /// The API password.
    pub(crate) password: String,
    /// Added to every API response.
    pub(crate) latency: Duration,
    /// How long a job outlives its end.
    pub(crate) job_expiry: Duration,
    /// How long a download may run before it fails with 10551383.
    pub(crate) time_limit: Duration,
    /// How long a package delete job runs.
    pub(crate) delete_duration: Duration,
    /// Bytes per second a cluster takes an upload at (0 = unlimited).
    pub(crate) upload_bandwidth: u64,
    /// How long an upload's job processes the image.
    pub(crate) upload_processing: Duration,
    /// The HTTP client clusters fetch packages with.
    pub(crate) fetcher: reqwest::Client,
    /// How long validations take and how fast updates move.
    pub(crate) software: SoftwareTiming,
    /// Every task of the run, for shutdown.
    pub(crate) tasks: Tasks,
}

#[derive(Debug)]
struct Books {
    download: Download,
    jobs: Vec<Job>,
    /// The ONTAP images in the repository.
    packages: Vec<Package>,
    /// Firmware files downloaded so far: never listed as packages.
    firmware: Vec<String>,
    /// Delete jobs that have not ended.
    deletes: Vec<PendingDelete>,
    /// Nodes, last validation and update (`/api/cluster/software`).
    software: software::SoftwareBooks,
    /// Uploads: the one arriving, and what was received.
    uploads: upload::Uploads,
    /// The URL each download asked for (credentials left out), oldest first.
    sources: VecDeque<String>,
}

/// A simulated cluster; shared by its listener, its API handlers and its download task.
pub(crate) struct Cluster {
    pub(crate) name: String,
    pub(crate) uuid: String,
    pub(crate) version: String,
    /// Labels a config for this fleet gives the cluster (the demo's site and env).
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) env: Arc<Env>,
    fault: Mutex<Fault>,
    /// Kept for tests only: a fleet of ten thousand polled clusters would fill it.
    #[cfg(any(test, feature = "testing"))]
    log: Mutex<VecDeque<LoggedRequest>>,
    /// Requests refused for their credentials: what a real cluster counts towards
    /// locking the account.
    failed_logins: AtomicU64,
    books: Mutex<Books>,
    job_ended: Notify,
}

impl Cluster {
    /// A healthy cluster running `version`, with no download and no packages.
    pub(crate) fn new(name: &str, version: &str, env: Arc<Env>) -> Cluster {
        Cluster {
            name: name.to_string(),
            uuid: uuid::Uuid::new_v4().to_string(),
            version: version.to_string(),
            labels: Vec::new(),
            env,
            fault: Mutex::new(Fault::None),
            #[cfg(any(test, feature = "testing"))]
            log: Mutex::new(VecDeque::new()),
            failed_logins: AtomicU64::new(0),
            books: Mutex::new(Books {
                download: Download {
                    state: DownloadState::NotStarted,
                    message: codes::NOT_STARTED_MSG.to_string(),
                    code: codes::NOT_STARTED,
                },
                jobs: Vec::new(),
                packages: Vec::new(),
                firmware: Vec::new(),
                deletes: Vec::new(),
                software: software::SoftwareBooks::default(),
                uploads: upload::Uploads::default(),
                sources: VecDeque::new(),
            }),
            job_ended: Notify::new(),
        }
    }

    /// The same cluster, labelled.
    pub(crate) fn with_labels(mut self, labels: Vec<(String, String)>) -> Cluster {
        self.labels = labels;
        self
    }

    /// The current fault (a copy: the lock is not held).
    pub(crate) fn fault(&self) -> Fault {
        lock(&self.fault).clone()
    }

    /// Sets the fault and returns the previous one.
    pub(crate) fn replace_fault(&self, fault: Fault) -> Fault {
        std::mem::replace(&mut *lock(&self.fault), fault)
    }

    /// Appends to the request log, dropping the oldest entry past [`LOG_CAP`] (with the
    /// `testing` feature; else nothing is kept).
    #[cfg(not(any(test, feature = "testing")))]
    pub(crate) fn log_request(&self, _method: &str, _path: &str, _headers: &HeaderMap) {}

    /// Appends to the request log, dropping the oldest entry past [`LOG_CAP`].
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn log_request(&self, method: &str, path: &str, headers: &HeaderMap) {
        let named = |name: &str| {
            let value = headers.get(name)?.to_str().ok()?;
            Some(value.to_string())
        };
        let mut log = lock(&self.log);
        if log.len() >= LOG_CAP {
            log.pop_front();
        }
        log.push_back(LoggedRequest {
            method: method.to_string(),
            path: path.to_string(),
            client: (named("user-agent"), named("x-dot-client-app")),
        });
    }

    /// Counts a request refused for its credentials.
    pub(crate) fn login_failed(&self) {
        self.failed_logins.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests refused for their credentials so far.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn failed_logins(&self) -> u64 {
        self.failed_logins.load(Ordering::Relaxed)
    }

    /// A copy of the request log, oldest first.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn request_log(&self) -> Vec<LoggedRequest> {
        lock(&self.log).iter().cloned().collect()
    }

    /// The download status now.
    pub(crate) fn download(&self) -> Download {
        lock(&self.books).download.clone()
    }

    /// The job, unless it never existed or has expired.
    pub(crate) fn job(&self, uuid: &str) -> Option<Job> {
        let mut books = lock(&self.books);
        self.prune(&mut books);
        books.jobs.iter().find(|j| j.uuid == uuid).cloned()
    }

    /// Every job not yet expired, oldest first.
    pub(crate) fn jobs(&self) -> Vec<Job> {
        let mut books = lock(&self.books);
        self.prune(&mut books);
        books.jobs.clone()
    }

    /// The URL each download asked for, oldest first (the last 64, without credentials).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn download_sources(&self) -> Vec<String> {
        lock(&self.books).sources.iter().cloned().collect()
    }

    /// The package repository, in arrival order.
    pub(crate) fn packages(&self) -> Vec<Package> {
        lock(&self.books).packages.clone()
    }

    /// Deletes every ended job now, as if `job_expiry` had passed.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn expire_jobs(&self) {
        lock(&self.books).jobs.retain(|j| j.ended_at.is_none());
    }

    /// Validates a download request and starts the real fetch; returns the job uuid.
    pub(crate) fn start_download(
        self: &Arc<Self>,
        req: DownloadRequest,
    ) -> Result<String, Refusal> {
        let (uuid, file) = self.begin(&req.url)?;
        let cluster = Arc::clone(self);
        let job = uuid.clone();
        self.env.tasks.spawn(async move {
            cluster.mark_running(&job);
            let fetch = fetch::fetch(&cluster.env.fetcher, &req);
            let outcome = match tokio::time::timeout(cluster.env.time_limit, fetch).await {
                Ok(Ok(_bytes)) => Outcome::Success,
                Ok(Err(reason)) => Outcome::Failure {
                    code: codes::INVALID_URL,
                    message: codes::invalid_url_msg(&reason),
                },
                Err(_elapsed) => Outcome::Failure {
                    code: codes::TIME_LIMIT,
                    message: codes::TIME_LIMIT_MSG.to_string(),
                },
            };
            cluster.complete(&job, &file, outcome);
        });
        Ok(uuid)
    }

    /// Runs a whole download at once, without fetching: the same books as a real
    /// one (job, status, package), for tests and scenarios that must not wait.
    pub(crate) fn settle_download(&self, url: &str, outcome: Outcome) -> Result<String, Refusal> {
        let url = parse_url(url)?;
        let (uuid, file) = self.begin(&url)?;
        self.mark_running(&uuid);
        self.complete(&uuid, &file, outcome);
        Ok(uuid)
    }

    /// Waits up to `timeout` for the job to end; true when it has (or is gone).
    pub(crate) async fn wait_job_end(&self, uuid: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.job_ended.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.job(uuid).is_none_or(|j| j.state.is_terminal()) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.job(uuid).is_none_or(|j| j.state.is_terminal());
            }
        }
    }

    /// The POST-time checks, then a queued job and a running download.
    fn begin(&self, url: &reqwest::Url) -> Result<(String, String), Refusal> {
        let file = file_name(url).ok_or((codes::URL_SYNTAX, codes::URL_SYNTAX_MSG.to_string()))?;
        let mut books = lock(&self.books);
        if books.download.state == DownloadState::Running || books.uploads.busy() {
            return Err((codes::IN_PROGRESS, codes::IN_PROGRESS_MSG.to_string()));
        }
        if books.packages.iter().any(|p| p.file_name == file) {
            return Err((codes::SAME_NAME, codes::SAME_NAME_MSG.to_string()));
        }
        if books.firmware.contains(&file) {
            let msg = codes::FIRMWARE_PRESENT_MSG.to_string();
            return Err((codes::FIRMWARE_PRESENT, msg));
        }
        books.download = Download {
            state: DownloadState::Running,
            message: codes::RUNNING_MSG.to_string(),
            code: codes::STILL_RUNNING,
        };
        let job = new_job("POST /api/cluster/software/download".to_string());
        let uuid = job.uuid.clone();
        books.jobs.push(job);
        if books.sources.len() >= SOURCES_CAP {
            books.sources.pop_front();
        }
        let mut source = url.clone();
        let _ = source.set_username("");
        let _ = source.set_password(None);
        books.sources.push_back(source.to_string());
        Ok((uuid, file))
    }

    fn mark_running(&self, uuid: &str) {
        let mut books = lock(&self.books);
        if let Some(job) = books.jobs.iter_mut().find(|j| j.uuid == uuid) {
            job.state = JobState::Running;
            job.message = codes::RUNNING_MSG.to_string();
        }
    }

    fn complete(&self, uuid: &str, file: &str, outcome: Outcome) {
        {
            let mut books = lock(&self.books);
            let (state, message, code) = match &outcome {
                Outcome::Success => {
                    store(&mut books, file);
                    books.download = Download {
                        state: DownloadState::Success,
                        message: codes::SUCCESS_MSG.to_string(),
                        code: 0,
                    };
                    (JobState::Success, "success".to_string(), 0)
                }
                Outcome::Failure { code, message } => {
                    books.download = Download {
                        state: DownloadState::Failure,
                        message: message.clone(),
                        code: *code,
                    };
                    (JobState::Failure, message.clone(), *code)
                }
            };
            end_job(&mut books, uuid, state, message, code);
        }
        self.job_ended.notify_waiters();
    }

    fn prune(&self, books: &mut Books) {
        let expiry = self.env.job_expiry;
        books
            .jobs
            .retain(|j| j.ended_at.is_none_or(|t| t.elapsed() < expiry));
    }
}

/// A queued job for `description`, started now.
fn new_job(description: String) -> Job {
    Job {
        uuid: uuid::Uuid::new_v4().to_string(),
        description,
        state: JobState::Queued,
        message: "Queued".to_string(),
        code: 0,
        start_time: now_rfc3339(),
        end_time: None,
        ended_at: None,
    }
}

/// Ends the job (when it still exists) in `state`, now.
fn end_job(books: &mut Books, uuid: &str, state: JobState, message: String, code: u64) {
    if let Some(job) = books.jobs.iter_mut().find(|j| j.uuid == uuid) {
        job.state = state;
        job.message = message;
        job.code = code;
        job.end_time = Some(now_rfc3339());
        job.ended_at = Some(Instant::now());
    }
}

/// Puts a downloaded file where it belongs: an image in the repository (replacing one
/// of the same version), firmware among the firmware files.
fn store(books: &mut Books, file: &str) {
    if !names::is_image(file) {
        if !books.firmware.iter().any(|f| f == file) {
            books.firmware.push(file.to_string());
        }
        return;
    }
    let version = version_from_file(file);
    books.packages.retain(|p| p.version != version);
    books.packages.push(Package {
        version,
        file_name: file.to_string(),
        create_time: now_rfc3339(),
    });
}

/// Now as ONTAP prints times: RFC 3339 with a numeric offset, no fraction.
pub(crate) fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}
