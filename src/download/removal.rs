//! Removing a package from a cluster's repository, from the audit line to the end of its
//! job: the only other change ontop makes to a cluster, owned here like a download.
//!
//! Every removal is in the audit log before its DELETE is sent (or is not sent); the
//! cluster's answer and the job's end get a line each. A refusal that says the cluster
//! is "temporarily locked" is tried again ([`super::locked::when_unlocked`]).

use std::sync::Arc;
use std::time::Duration;

use super::audit::{AuditLog, AuditRecord};
use super::image::holding;
use super::locked::when_unlocked;
use crate::ontap::{Client, DownloadStarted, ErrorKind, JobState, OntapError};

/// How a removal ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Removal {
    /// The package is gone (its job succeeded, or the cluster answered it done).
    Removed { job: Option<String> },
    /// The cluster refused the DELETE (nothing changed), or the job failed.
    Failed(OntapError),
    /// Not sent: the audit line could not be written, or the client is read-only.
    NotSent(String),
}

/// Removals sent at the same time.
pub const REMOVALS_AT_ONCE: usize = 8;

/// Removes each target's version (as that cluster lists it), [`REMOVALS_AT_ONCE`] at a
/// time, and hands each outcome to `then` as it comes (with the target's index in
/// `targets`). A removal task that panics is logged; the others run on to their end.
pub async fn remove_each<F, Fut>(
    targets: Vec<(Arc<Client>, String)>,
    audit: Arc<AuditLog>,
    say: fn(String),
    then: F,
) where
    F: Fn(usize, Arc<Client>, String, Removal) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let slots = Arc::new(tokio::sync::Semaphore::new(REMOVALS_AT_ONCE));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (client, version)) in targets.into_iter().enumerate() {
        let (slots, audit, then) = (slots.clone(), audit.clone(), then.clone());
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let outcome = remove(&client, &version, &audit, &say).await;
            then(index, client, version, outcome).await;
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            tracing::error!(error = %e, "a package removal task failed");
        }
    }
}

/// Polls of a removal's job before it counts as lost, and the pause between them.
const JOB_POLLS: u32 = 600;
const JOB_POLL_EVERY: Duration = Duration::from_secs(1);
/// Failed polls in a row that end the following (the removal may still end well).
const JOB_ERRORS: u32 = 5;

/// Removes `version` from `client`'s cluster, recording each step in `audit`; `say` is
/// told of retries after "temporarily locked".
pub async fn remove(
    client: &Client,
    version: &str,
    audit: &Arc<AuditLog>,
    say: &(dyn Fn(String) + Sync),
) -> Removal {
    let name = client.name().to_owned();
    let record =
        |event: &'static str, result: &str, error: Option<&OntapError>, job: Option<&str>| {
            let mut line = AuditRecord::now(event, &name, "-", result);
            line.package = Some(version.to_owned());
            line.job = job.map(str::to_owned);
            line.code = error.and_then(|e| e.code);
            line.message = error.map(|e| e.message.clone());
            let audit = audit.clone();
            async move { tokio::task::spawn_blocking(move || audit.append(&line)).await }
        };
    match record("delete_attempt", "requested", None, None).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Removal::NotSent(format!("not sent: the audit log: {e}")),
        Err(e) => return Removal::NotSent(format!("not sent: {e}")),
    }
    // Each resend after "temporarily locked" is an attempt of its own in the log.
    let retried = |line: String| {
        say(line);
        let mut again = AuditRecord::now("delete_attempt", &name, "-", "retried");
        again.package = Some(version.to_owned());
        let _ = audit.append(&again);
    };
    let answer = when_unlocked(&name, &retried, || client.delete_package(version, 0)).await;
    let job = match answer {
        Ok(DownloadStarted::Accepted { job }) => job.uuid,
        Ok(DownloadStarted::Completed { job }) => {
            let job = job.map(|j| j.uuid);
            let _ = record("delete", "success", None, job.as_deref()).await;
            return Removal::Removed { job };
        }
        Err(error) => {
            let result = if error.kind == ErrorKind::ReadOnly {
                "read_only"
            } else {
                "refused"
            };
            let _ = record("delete", result, Some(&error), None).await;
            if error.kind == ErrorKind::ReadOnly {
                return Removal::NotSent(error.message);
            }
            return Removal::Failed(error);
        }
    };
    let _ = record("delete", "started", None, Some(&job)).await;
    let ending = follow_job(client, &job, version).await;
    let (result, error) = match &ending {
        Removal::Removed { .. } => ("success", None),
        Removal::Failed(e) => ("failure", Some(e)),
        Removal::NotSent(_) => ("failure", None),
    };
    let _ = record("delete_end", result, error, Some(&job)).await;
    ending
}

/// Follows a removal's job until it ends, or polls fail [`JOB_ERRORS`] times in a row.
async fn follow_job(client: &Client, job: &str, version: &str) -> Removal {
    let mut errors = 0;
    let mut last_error = None;
    for _ in 0..JOB_POLLS {
        match client.job(job).await {
            Ok(answer) => {
                errors = 0;
                match answer.state {
                    Some(JobState::Success) => {
                        return Removal::Removed {
                            job: Some(job.to_owned()),
                        };
                    }
                    Some(JobState::Failure) => {
                        let mut error = OntapError::new(
                            client.name(),
                            ErrorKind::Http,
                            answer
                                .message
                                .unwrap_or_else(|| "the removal failed".into()),
                        );
                        error.code = answer.code.or(answer.error.as_ref().and_then(|e| e.code));
                        return Removal::Failed(error);
                    }
                    _ => {}
                }
            }
            Err(e) if e.http_status == Some(404) => {
                // Jobs are deleted some minutes after they end: the list says the rest.
                return match client.packages().await {
                    Ok(list) if holding(version, None, Some(&list.records)).is_none() => {
                        Removal::Removed {
                            job: Some(job.to_owned()),
                        }
                    }
                    Ok(_) => Removal::Failed(OntapError::new(
                        client.name(),
                        ErrorKind::Http,
                        format!(
                            "the removal's job is gone and {version} is still in the repository"
                        ),
                    )),
                    Err(e) => Removal::Failed(e),
                };
            }
            Err(e) => {
                errors += 1;
                last_error = Some(e);
                if errors >= JOB_ERRORS {
                    break;
                }
            }
        }
        tokio::time::sleep(JOB_POLL_EVERY).await;
    }
    Removal::Failed(last_error.unwrap_or_else(|| {
        OntapError::new(
            client.name(),
            ErrorKind::Timeout,
            "the removal's job did not end in 10 minutes",
        )
    }))
}

/// Whether `text` can be a package version: ONTAP's are letters, digits and dots
/// (`9.16.1P3`), and never a `.` or `..` that a URL would read as a path step.
pub fn is_version(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.chars().any(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
