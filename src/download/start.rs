//! Starting downloads on many clusters at once, the way careful automation does.
//!
//! At most [`MAX_CONCURRENT_STARTS`] POSTs are in flight. The two common conflicts are
//! not failures: "already in progress" attaches to the running download, and "same name
//! already exists" means the package is already there. Every attempt is audited and
//! every started job is journaled, whichever front end asked.

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::spec::DownloadSpec;
use crate::audit::{AuditLog, AuditRecord};
use crate::journal::{Journal, JournalEntry};
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

/// Starts the download on every target, at most [`MAX_CONCURRENT_STARTS`] at a time.
/// `on_report` sees each answer as it comes (the dashboard turns it into an event); the
/// reports are also returned, in target order.
pub async fn start_all(
    targets: Vec<StartTarget>,
    spec: Arc<DownloadSpec>,
    audit: Arc<AuditLog>,
    journal: Arc<Journal>,
    on_report: impl Fn(&StartReport) + Send + Sync + 'static,
) -> Vec<StartReport> {
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_STARTS));
    let on_report = Arc::new(on_report);
    let mut tasks = JoinSet::new();
    for (order, (cluster, client)) in targets.into_iter().enumerate() {
        let (permits, spec, audit, journal, on_report) = (
            permits.clone(),
            spec.clone(),
            audit.clone(),
            journal.clone(),
            on_report.clone(),
        );
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let outcome = start_one(&client, &spec).await;
            let report = StartReport {
                cluster,
                name: client.name().to_string(),
                at: Timestamp::now(),
                outcome,
            };
            record(&report, &spec, &audit, &journal);
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

/// Starts the download on one cluster and sorts the answer.
pub async fn start_one(client: &Client, spec: &DownloadSpec) -> StartOutcome {
    match client.start_download(&spec.request(), 0).await {
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

fn record(report: &StartReport, spec: &DownloadSpec, audit: &AuditLog, journal: &Journal) {
    let url = spec.masked_url();
    let mut line = AuditRecord::now("start", &report.name, &url, report.outcome.result_word());
    line.server_username = spec.username.clone();
    line.job = report.outcome.job().map(str::to_string);
    if let StartOutcome::Refused(e) = &report.outcome {
        line.code = e.code;
        line.message = Some(format!("{}: {}", e.kind, e.message));
    }
    if let Err(e) = audit.append(&line) {
        tracing::error!("audit log: cannot append for {}: {e}", report.name);
    }
    if let StartOutcome::Started { job } = &report.outcome {
        let entry = JournalEntry {
            cluster: report.name.clone(),
            job: job.clone(),
            url,
            started_at: report.at.to_string(),
        };
        if let Err(e) = journal.add(entry) {
            tracing::error!("journal: cannot record {} job {job}: {e}", report.name);
        }
    }
}
