//! One concurrent look at every cluster: the engine of `ontop status`.
//!
//! All clusters are asked at once, as many as the open-file budget keeps a descriptor for
//! (the engine's [`Budget`], the soft limit raised as far as the hard limit allows) and
//! at most [`DEFAULT_MAX_IN_FLIGHT`]: a fleet of a thousand is one wave, about one round
//! trip and a handshake. Each cluster's questions (identity, download state, the job
//! ontop knows, and when asked its package repository) go one after the other on one
//! kept-alive connection: one TLS handshake per cluster, as gentle as a client can be
//! with ONTAP's per-address connection limit.
//! A hung cluster costs only its own timeout. A cluster's connection is closed as soon
//! as its answers are in, so memory follows the clusters in flight, not the size of the
//! fleet.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::targets::Target;
use crate::engine::budget::Budget;
use crate::ontap::software::Software;
use crate::ontap::{
    CertificateFacts, Client, ClusterInfo, DownloadStatus, Job, OntapError, Package,
};

/// Clusters asked at the same time, at most, when the open-file budget allows it: a
/// fleet of two thousand is asked in one wave. Past that, the memory of the connections
/// in flight (tens of KiB each) weighs more than one more round trip.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 2048;

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
    /// The package repository, when the sweep was asked to read it and the cluster
    /// answered the rest (`None`: not read); a failed read does not make the cluster
    /// count as not answering.
    pub packages: Option<Result<Vec<Package>, OntapError>>,
    /// The cluster's software (an update under way, the last validation's findings),
    /// when asked for, as [`Self::packages`].
    pub software: Option<Result<Software, OntapError>>,
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
    pub(crate) fn version(&self) -> Option<String> {
        self.info.as_ref()?.version.as_ref()?.short()
    }
}

/// Asks every target once, concurrently, at most `max_in_flight` at a time (fewer when
/// the open-file budget says so); reports come back in the targets' order. The caller
/// keeps the targets, and their connections stay open for what it does next.
pub async fn sweep(targets: &[Target], max_in_flight: usize) -> Vec<ClusterReport> {
    sweep_with_jobs(targets.to_vec(), &[], max_in_flight).await
}

/// What a sweep asks each cluster besides its identity and download state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Asks {
    /// The job known for each target (`jobs[i]`, e.g. from the journal).
    pub jobs: Vec<Option<String>>,
    /// Read each repository too, in the same pass: a hung cluster costs one timeout.
    pub packages: bool,
    /// Read each cluster's software too (an update, the last validation), the same way.
    pub software: bool,
    /// Told each target's index as soon as its answers are in (a command's live line).
    pub answered: Option<tokio::sync::mpsc::UnboundedSender<usize>>,
}

/// Like [`sweep`], taking the targets: each cluster's client, and its connection, goes
/// once its answers are in. Also asks for the job known for a target (`jobs[i]`, e.g.
/// from the journal); a job the cluster no longer has, or cannot show, is simply absent:
/// it never makes the cluster count as not answering.
pub(crate) async fn sweep_with_jobs(
    targets: Vec<Target>,
    jobs: &[Option<String>],
    max_in_flight: usize,
) -> Vec<ClusterReport> {
    let asks = Asks {
        jobs: jobs.to_vec(),
        ..Asks::default()
    };
    sweep_asking(targets, &asks, max_in_flight).await
}

/// [`sweep_with_jobs`] with everything [`Asks`] says.
pub(crate) async fn sweep_asking(
    targets: Vec<Target>,
    asks: &Asks,
    max_in_flight: usize,
) -> Vec<ClusterReport> {
    let jobs = &asks.jobs;
    let reads = Reads {
        packages: asks.packages,
        software: asks.software,
    };
    let permits = Arc::new(Semaphore::new(wave(targets.len(), max_in_flight)));
    let mut tasks = JoinSet::new();
    let shown: Vec<(String, String)> = targets
        .iter()
        .map(|t| (t.name.clone(), t.url.clone()))
        .collect();
    for (index, target) in targets.into_iter().enumerate() {
        let job = jobs.get(index).cloned().flatten();
        let permits = permits.clone();
        let answered = asks.answered.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let report = poll_once(target, job, reads).await;
            if let Some(answered) = answered {
                let _ = answered.send(index);
            }
            (index, report)
        });
    }
    let mut reports: Vec<Option<ClusterReport>> = vec![None; shown.len()];
    while let Some(joined) = tasks.join_next().await {
        // A task can only fail by panicking; the slot then stays empty and is filled below.
        if let Ok((index, report)) = joined {
            reports[index] = Some(report);
        }
    }
    reports
        .into_iter()
        .zip(shown)
        .map(|(report, (name, url))| report.unwrap_or_else(|| internal_failure(name, url)))
        .collect()
}

/// How many of `clusters` are asked at once: every one the open-file budget keeps a
/// descriptor for (the limit raised as far as it goes), at most `max_in_flight`.
fn wave(clusters: usize, max_in_flight: usize) -> usize {
    let budget = Budget::for_fleet(clusters, 0);
    let wave = at_once(&budget, max_in_flight);
    if wave < clusters.min(max_in_flight) {
        tracing::info!(
            clusters,
            at_once = wave,
            limit = budget.limit,
            "the open-file limit splits the sweep into waves"
        );
    }
    wave
}

/// The clusters asked at once under `budget`, at most `max_in_flight` (pure, for tests).
fn at_once(budget: &Budget, max_in_flight: usize) -> usize {
    budget.kept_alive.min(max_in_flight).max(1)
}

/// What a sweep reads besides identity, download state and job.
#[derive(Debug, Clone, Copy)]
struct Reads {
    packages: bool,
    software: bool,
}

async fn poll_once(target: Target, job: Option<String>, reads: Reads) -> ClusterReport {
    let started = Instant::now();
    let mut software = None;
    let (info, download, error, tls, job, packages) = match &target.client {
        Ok(client) => {
            let (info, download, error) = ask(client).await;
            // A job the cluster no longer has (or cannot show) is simply absent.
            let job = match (&job, &error) {
                (Some(uuid), None) => client.job(uuid).await.ok(),
                _ => None,
            };
            // Only a cluster that answered is asked: a hung one costs one timeout.
            let packages = match (reads.packages, &error) {
                (true, None) => Some(client.packages().await.map(|list| list.records)),
                _ => None,
            };
            if reads.software && error.is_none() {
                software = Some(client.software().await);
            }
            (info, download, error, client.certificate(), job, packages)
        }
        Err(e) => (None, None, Some(e.clone()), None, None, None),
    };
    ClusterReport {
        name: target.name,
        url: target.url,
        info,
        download,
        job,
        error,
        tls,
        packages,
        software,
        polled_at: Timestamp::now(),
        elapsed: started.elapsed(),
    }
}

/// Identity, then the download state, on one connection; a cluster that fails the first
/// question is not asked the second.
async fn ask(
    client: &Client,
) -> (
    Option<ClusterInfo>,
    Option<DownloadStatus>,
    Option<OntapError>,
) {
    let info = match client.cluster().await {
        Ok(info) => info,
        Err(e) => return (None, None, Some(e)),
    };
    match client.download_status().await {
        Ok(download) => (Some(info), Some(download), None),
        Err(e) => (Some(info), None, Some(e)),
    }
}

fn internal_failure(name: String, url: String) -> ClusterReport {
    let message = "internal error while polling (see the log)";
    ClusterReport {
        error: Some(OntapError::new(
            &name,
            crate::ontap::ErrorKind::Connect,
            message,
        )),
        name,
        url,
        info: None,
        download: None,
        job: None,
        tls: None,
        packages: None,
        software: None,
        polled_at: Timestamp::now(),
        elapsed: Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_clusters_are_one_wave_when_the_limit_allows() {
        let roomy = Budget::within(1000, 0, 20_000);
        assert_eq!(at_once(&roomy, DEFAULT_MAX_IN_FLIGHT), 1000);
        let huge = Budget::within(10_000, 0, 1 << 20);
        assert_eq!(at_once(&huge, DEFAULT_MAX_IN_FLIGHT), DEFAULT_MAX_IN_FLIGHT);
    }

    #[test]
    fn a_low_open_file_limit_splits_the_sweep_into_waves_that_fit() {
        let tight = Budget::within(1000, 0, 512);
        let wave = at_once(&tight, DEFAULT_MAX_IN_FLIGHT);
        assert!(
            wave < 512 - crate::engine::budget::MARGIN as usize,
            "{wave}"
        );
        assert!(wave >= 256, "{wave}");
        assert_eq!(at_once(&Budget::within(0, 0, 512), 256), 1);
    }
}
