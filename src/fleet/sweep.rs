//! One concurrent look at every cluster: the engine of `ontop status`.
//!
//! All clusters are asked at once (up to a cap on requests in flight), and each cluster's
//! two questions (identity, download state) go out together, so a sweep of N clusters
//! costs about one round trip, and a hung cluster costs only its own timeout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::targets::Target;
use crate::ontap::{CertificateFacts, Client, ClusterInfo, DownloadStatus, Job, OntapError};

/// Clusters asked at the same time. Enough for a sweep of hundreds to take about one
/// round trip, few enough to be polite to a jump host's file descriptors.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// What one cluster said in one sweep.
#[derive(Debug, Clone)]
pub struct ClusterReport {
    pub name: String,
    pub url: String,
    /// Identity and version, when `GET /cluster` answered.
    pub info: Option<ClusterInfo>,
    /// The download state, when `GET /cluster/software/download` answered.
    pub download: Option<DownloadStatus>,
    /// The job ontop knows for this cluster (from the journal), while the cluster has it.
    pub job: Option<Job>,
    /// The first failure, if any call failed.
    pub error: Option<OntapError>,
    /// The certificate the cluster presented; `None` over plain HTTP or with no answer.
    pub tls: Option<CertificateFacts>,
    /// When the answers were taken.
    pub polled_at: Timestamp,
    /// How long this cluster took to answer both questions.
    pub elapsed: Duration,
}

impl ClusterReport {
    /// True when the cluster answered every question.
    pub fn answered(&self) -> bool {
        self.error.is_none()
    }

    /// The short ONTAP version ("9.16.1P3"), when known.
    pub fn version(&self) -> Option<String> {
        self.info.as_ref()?.version.as_ref()?.short()
    }
}

/// Asks every target once, concurrently; reports come back in the targets' order.
pub async fn sweep(targets: &[Target], max_in_flight: usize) -> Vec<ClusterReport> {
    sweep_with_jobs(targets, &[], max_in_flight).await
}

/// Like [`sweep`], and also asks for the job known for a target (`jobs[i]`, e.g. from
/// the journal). A job the cluster no longer has, or cannot show, is simply absent:
/// it never makes the cluster count as not answering.
pub async fn sweep_with_jobs(
    targets: &[Target],
    jobs: &[Option<String>],
    max_in_flight: usize,
) -> Vec<ClusterReport> {
    let permits = Arc::new(Semaphore::new(max_in_flight.max(1)));
    let mut tasks = JoinSet::new();
    for (index, target) in targets.iter().enumerate() {
        let target = target.clone();
        let job = jobs.get(index).cloned().flatten();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, poll_once(target, job).await)
        });
    }
    let mut reports: Vec<Option<ClusterReport>> = vec![None; targets.len()];
    while let Some(joined) = tasks.join_next().await {
        // A task can only fail by panicking; the slot then stays empty and is filled below.
        if let Ok((index, report)) = joined {
            reports[index] = Some(report);
        }
    }
    reports
        .into_iter()
        .zip(targets)
        .map(|(report, target)| report.unwrap_or_else(|| internal_failure(target)))
        .collect()
}

async fn poll_once(target: Target, job: Option<String>) -> ClusterReport {
    let started = Instant::now();
    let (info, download, error, tls, job) = match &target.client {
        Ok(client) => {
            let ((info, download, error), job) = tokio::join!(ask(client), async {
                match &job {
                    Some(uuid) => client.job(uuid).await.ok(),
                    None => None,
                }
            });
            (info, download, error, client.certificate(), job)
        }
        Err(e) => (None, None, Some(e.clone()), None, None),
    };
    ClusterReport {
        name: target.name,
        url: target.url,
        info,
        download,
        job,
        error,
        tls,
        polled_at: Timestamp::now(),
        elapsed: started.elapsed(),
    }
}

/// Both questions at once; the identity's error wins since it is usually the cause.
async fn ask(
    client: &Client,
) -> (
    Option<ClusterInfo>,
    Option<DownloadStatus>,
    Option<OntapError>,
) {
    let (info, download) = tokio::join!(client.cluster(), client.download_status());
    let error = info.as_ref().err().or(download.as_ref().err()).cloned();
    (info.ok(), download.ok(), error)
}

fn internal_failure(target: &Target) -> ClusterReport {
    ClusterReport {
        name: target.name.clone(),
        url: target.url.clone(),
        info: None,
        download: None,
        job: None,
        error: Some(OntapError {
            cluster: target.name.clone(),
            kind: crate::ontap::ErrorKind::Connect,
            http_status: None,
            code: None,
            message: "internal error while polling (see the log)".into(),
            target: None,
        }),
        tls: None,
        polled_at: Timestamp::now(),
        elapsed: Duration::ZERO,
    }
}
