//! Starting downloads on many clusters at once, the way careful automation does.
//!
//! At most [`MAX_CONCURRENT_STARTS`] POSTs are in flight. The two common conflicts are
//! not failures: "already in progress" attaches to the running download, and "same name
//! already exists" means the package is already there. Every attempt is recorded before
//! its POST is sent, and when it cannot be, the POST is not sent; every answer is
//! recorded, and every started job journaled, whichever front end asked.

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::recorder::{Record, Recorder};
use super::spec::DownloadSpec;
use crate::ontap::{Client, DownloadStarted, ErrorKind, OntapError, Package};

/// POSTs in flight at once across the fleet.
pub const MAX_CONCURRENT_STARTS: usize = 8;

/// How one cluster answered the request to start.
#[derive(Debug, Clone, PartialEq)]
pub enum StartOutcome {
    /// 202: the job to follow.
    Started { job: String },
    /// 201/200: the job already ended (only with a non-zero `return_timeout`).
    Finished { job: Option<String> },
    /// 10551357 / "already in progress": a download runs; follow it instead.
    Attached,
    /// 10551327 / "same name already exists": the package is on the cluster already.
    AlreadyPresent { packages: Vec<Package> },
    /// Refused: nothing started (read-only, bad URL, auth, unreachable...).
    Refused(OntapError),
    /// Not sent: the attempt could not be recorded first.
    NotSent(String),
}

impl StartOutcome {
    /// The word for the audit log and scripts.
    pub fn result_word(&self) -> &'static str {
        match self {
            Self::Started { .. } => "started",
            Self::Finished { .. } => "finished",
            Self::Attached => "attached",
            Self::AlreadyPresent { .. } => "already_present",
            Self::Refused(e) if e.kind == ErrorKind::ReadOnly => "read_only",
            Self::Refused(_) => "refused",
            Self::NotSent(_) => "not_sent",
        }
    }

    /// The job to follow, when there is one.
    pub fn job(&self) -> Option<&str> {
        match self {
            Self::Started { job } => Some(job),
            Self::Finished { job } => job.as_deref(),
            _ => None,
        }
    }
}

/// One cluster's answer, with when it came.
#[derive(Debug, Clone)]
pub struct StartReport {
    pub cluster: usize,
    pub name: String,
    pub at: Timestamp,
    pub outcome: StartOutcome,
}

/// Where a start goes: the cluster's index and its client.
pub type StartTarget = (usize, Arc<Client>);

/// Starts the download on every target, at most [`MAX_CONCURRENT_STARTS`] at a time,
/// each recorded through `recorder` ([`start_one`]). `on_report` sees each answer as it
/// comes (the dashboard hands it to the cluster's poller); the reports are also
/// returned, in target order.
pub async fn start_all(
    targets: Vec<StartTarget>,
    spec: Arc<DownloadSpec>,
    recorder: Recorder,
    on_report: impl Fn(&StartReport) + Send + Sync + 'static,
) -> Vec<StartReport> {
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_STARTS));
    let on_report = Arc::new(on_report);
    let mut tasks = JoinSet::new();
    for (order, (cluster, client)) in targets.into_iter().enumerate() {
        let (permits, spec, recorder, on_report) = (
            permits.clone(),
            spec.clone(),
            recorder.clone(),
            on_report.clone(),
        );
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let outcome = start_recorded(&client, &spec, &recorder).await;
            let report = StartReport {
                cluster,
                name: client.name().to_string(),
                at: Timestamp::now(),
                outcome,
            };
            on_report(&report);
            (order, report)
        });
    }
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(done) = joined {
            reports.push(done);
        }
    }
    reports.sort_by_key(|(order, _)| *order);
    reports.into_iter().map(|(_, r)| r).collect()
}

/// One start, recorded: the attempt first (when it cannot be written, nothing is sent
/// and the outcome says so), then the POST, then the answer.
pub async fn start_recorded(
    client: &Client,
    spec: &DownloadSpec,
    recorder: &Recorder,
) -> StartOutcome {
    let (cluster, url) = (client.name().to_string(), spec.masked_url());
    let attempt = Record::Attempt {
        cluster: cluster.clone(),
        url: url.clone(),
        server_username: spec.username.clone(),
    };
    let retry = attempt.clone();
    let outcome = match recorder.record(attempt).await {
        // Each resend after "temporarily locked" is an attempt of its own in the log.
        Ok(()) => start_retrying(client, spec, &|| recorder.submit(retry.clone())).await,
        Err(reason) => StartOutcome::NotSent(format!(
            "the attempt could not be written to the audit log first ({reason})"
        )),
    };
    // A failure to write the answer is a note of its own; the outcome stands.
    let _ = recorder
        .record(Record::Answer {
            cluster,
            url,
            server_username: spec.username.clone(),
            outcome: outcome.clone(),
            at: Timestamp::now(),
        })
        .await;
    outcome
}

/// Starts the download on one cluster and sorts the answer.
pub async fn start_one(client: &Client, spec: &DownloadSpec) -> StartOutcome {
    start_retrying(client, spec, &|| {}).await
}

/// [`start_one`], with `before_retry` told before each resend.
async fn start_retrying(
    client: &Client,
    spec: &DownloadSpec,
    before_retry: &(dyn Fn() + Sync),
) -> StartOutcome {
    // A refusal while the cluster is "temporarily locked" started nothing: tried again
    // (the retries are logged: on stderr for a command, in the log for the dashboard).
    let say = |line: String| {
        tracing::warn!("{line}");
        before_retry();
    };
    let request = spec.request();
    let answer =
        super::locked::when_unlocked(client.name(), &say, || client.start_download(&request, 0))
            .await;
    match answer {
        Ok(DownloadStarted::Accepted { job }) => StartOutcome::Started { job: job.uuid },
        Ok(DownloadStarted::Completed { job }) => StartOutcome::Finished {
            job: job.map(|j| j.uuid),
        },
        Err(e) if is_in_progress(&e) => StartOutcome::Attached,
        Err(e) if is_already_present(&e) => StartOutcome::AlreadyPresent {
            packages: client
                .packages()
                .await
                .map(|list| list.records)
                .unwrap_or_default(),
        },
        Err(mut e) => {
            if e.kind == ErrorKind::Timeout {
                // The request went out; only the answer is missing.
                e.message.push_str(
                    ": the download may have started anyway; check with ontop status before retrying",
                );
            }
            StartOutcome::Refused(e)
        }
    }
}

/// 10551357, or the message Ansible matches on for releases that send another code.
pub fn is_in_progress(e: &OntapError) -> bool {
    let message = e.message.to_lowercase();
    e.code == Some(10551357) || message.contains("already in progress")
}

/// 10551327 (software) or 10551496 (firmware), or their message.
pub fn is_already_present(e: &OntapError) -> bool {
    let message = e.message.to_lowercase();
    matches!(e.code, Some(10551327 | 10551496)) || message.contains("same name already exists")
}
