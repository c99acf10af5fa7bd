//! Following one started download to its end, for `ontop download --wait`.
//!
//! The job is the first source of truth; when the cluster deletes it (404 about 300 s
//! after it ended), or for a download ontop attached to, the download status is.
//! Transient errors (timeouts, 5xx, a node rebooting) do not fail the download: only
//! [`MAX_FOLLOW_ERRORS`] in a row make ontop give up, and it says why.

use std::time::Duration;

use super::start::StartOutcome;
use crate::ontap::{
    Client, DownloadState, DownloadStatus, Job, JobState, OntapError, hint_for_code,
};

/// Consecutive failed polls before giving up on following a download. Real clients
/// tolerate about three; a little more rides out a node reboot at a 5 s interval.
pub const MAX_FOLLOW_ERRORS: u32 = 5;

/// How a followed download ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Success {
        message: Option<String>,
    },
    /// The package was already on the cluster: as good as a success.
    AlreadyPresent,
    Failure {
        code: Option<i64>,
        message: String,
    },
    /// Refused when asked to start.
    Refused(OntapError),
    /// Too many errors in a row while following; the download may still be running.
    GaveUp {
        reason: String,
    },
}

impl Ending {
    /// How a job ended, once it has (`None` while it runs, queues or is paused).
    pub fn from_job(job: &Job) -> Option<Self> {
        match job.state.as_ref()? {
            JobState::Success => Some(Self::Success {
                message: job.message.clone(),
            }),
            JobState::Failure => {
                let error = job.error.clone().unwrap_or_default();
                Some(Self::Failure {
                    // Some releases put 0 in `code` and the real one in `error`.
                    code: job.code.filter(|c| *c != 0).or(error.code),
                    message: job
                        .message
                        .clone()
                        .or(error.message)
                        .unwrap_or_else(|| "the job failed".into()),
                })
            }
            _ => None,
        }
    }

    /// How the cluster's download ended, once it has.
    pub fn from_download(download: &DownloadStatus) -> Option<Self> {
        match download.state.as_ref()? {
            DownloadState::Success => Some(Self::Success {
                message: download.message.clone(),
            }),
            DownloadState::Failure => Some(Self::Failure {
                code: download.code,
                message: download
                    .message
                    .clone()
                    .unwrap_or_else(|| "the download failed".into()),
            }),
            _ => None,
        }
    }

    /// Success or already present.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. } | Self::AlreadyPresent)
    }

    /// The word for the audit log, scripts and the screen.
    pub fn result_word(&self) -> &'static str {
        match self {
            Self::Success { .. } => "success",
            Self::AlreadyPresent => "already_present",
            Self::Failure { .. } => "failure",
            Self::Refused(_) => "refused",
            Self::GaveUp { .. } => "gave_up",
        }
    }

    /// The ONTAP code, when the ending has one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Failure { code, .. } => *code,
            Self::Refused(e) => e.code,
            _ => None,
        }
    }

    /// One line for a person: what happened and, for failures, what to do next.
    pub fn describe(&self) -> String {
        match self {
            Self::Success { message } => {
                format!(
                    "success: {}",
                    message.as_deref().unwrap_or("package downloaded")
                )
            }
            Self::AlreadyPresent => "already present: the package is on the cluster".into(),
            Self::Failure { code, message } => match code {
                Some(code) => format!(
                    "failure: {message} (ONTAP code {code}); what to do: {}",
                    hint_for_code(*code).unwrap_or("see the message")
                ),
                None => format!("failure: {message}"),
            },
            Self::Refused(e) => format!(
                "refused: {} ({}); what to do: {}",
                e.message,
                e.kind,
                e.hint()
            ),
            Self::GaveUp { reason } => format!(
                "stopped following: {reason}; the download may still run: check with ontop status"
            ),
        }
    }
}

/// What the follower saw on its last poll, for a progress line.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// "queued", "running", ... (the job's state, else the download's).
    pub state: String,
    pub message: Option<String>,
    /// Errors in a row so far (0 when the last poll answered).
    pub errors: u32,
}

/// Follows the download `start` began until it ends. `on_progress` is called after every
/// poll; `interval` is the time between polls.
pub async fn follow(
    client: &Client,
    start: &StartOutcome,
    interval: Duration,
    mut on_progress: impl FnMut(&Progress),
) -> Ending {
    let mut job = match start {
        StartOutcome::Refused(e) => return Ending::Refused(e.clone()),
        StartOutcome::AlreadyPresent { .. } => return Ending::AlreadyPresent,
        StartOutcome::Attached => None,
        StartOutcome::Started { job } => Some(job.clone()),
        StartOutcome::Finished { job } => job.clone(),
    };
    let mut errors = 0u32;
    loop {
        let poll = match &job {
            Some(uuid) => poll_job(client, uuid).await,
            None => poll_download(client).await,
        };
        match poll {
            Poll::Ended(ending) => return ending,
            Poll::Going(state, message) => {
                errors = 0;
                on_progress(&Progress {
                    state,
                    message,
                    errors,
                });
            }
            Poll::JobGone => {
                // Deleted after it ended: the download status tells how.
                job = None;
                continue;
            }
            Poll::Error(e) => {
                errors += 1;
                on_progress(&Progress {
                    state: "retrying".into(),
                    message: Some(format!("{}: {}", e.kind, e.message)),
                    errors,
                });
                if errors >= MAX_FOLLOW_ERRORS {
                    return Ending::GaveUp {
                        reason: format!(
                            "{errors} polls in a row failed, the last with {}: {}",
                            e.kind, e.message
                        ),
                    };
                }
            }
        }
        tokio::time::sleep(interval).await;
    }
}

enum Poll {
    Going(String, Option<String>),
    Ended(Ending),
    JobGone,
    Error(OntapError),
}

async fn poll_job(client: &Client, uuid: &str) -> Poll {
    match client.job(uuid).await {
        Ok(job) => match Ending::from_job(&job) {
            Some(ending) => Poll::Ended(ending),
            None => Poll::Going(
                state_word(job.state.as_ref().map(JobState::as_str)),
                job.message,
            ),
        },
        Err(e) if e.http_status == Some(404) => Poll::JobGone,
        Err(e) => Poll::Error(e),
    }
}

async fn poll_download(client: &Client) -> Poll {
    match client.download_status().await {
        Ok(status) => match Ending::from_download(&status) {
            Some(ending) => Poll::Ended(ending),
            None => Poll::Going(
                state_word(status.state.as_ref().map(DownloadState::as_str)),
                status.message,
            ),
        },
        Err(e) => Poll::Error(e),
    }
}

fn state_word(state: Option<&str>) -> String {
    state.unwrap_or("unknown").to_string()
}
