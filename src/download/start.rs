//! How a cluster answered a request to change it (start a download, remove a package):
//! the one vocabulary the tracker, the recorder and every front end read.
//!
//! The two common conflicts are not failures: "already in progress" attaches to the
//! running download, and "same name already exists" means the package is already there.
//! Both are read from the code table ([`crate::ontap::codes::conflict`]), never from the
//! words here.

use super::audit::AuditResult;
use super::ending::UNANSWERED_START;
use super::recorder::RecordError;
use crate::ontap::codes::Conflict;
use crate::ontap::{DownloadStarted, ErrorKind, OntapError, Package};

/// POSTs (and DELETEs) in flight at once across the fleet.
pub const MAX_CONCURRENT_STARTS: usize = 8;

/// How one cluster answered the request.
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
    NotSent(NotRecorded),
}

/// Why a change was not sent: its attempt could not be written to the audit log first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the attempt could not be written to the audit log first ({0})")]
pub struct NotRecorded(pub RecordError);

impl StartOutcome {
    /// Sorts the cluster's answer to a download start. An "already there" answer comes
    /// with the cluster's packages when `packages` could read them.
    pub fn of_download(
        answer: Result<DownloadStarted, OntapError>,
        packages: impl FnOnce() -> Vec<Package>,
    ) -> Self {
        match answer {
            Ok(started) => Self::answered(Ok(started), UNANSWERED_START),
            Err(e) => match e.conflict() {
                Some(Conflict::InProgress) => Self::Attached,
                Some(Conflict::AlreadyPresent) => Self::AlreadyPresent {
                    packages: packages(),
                },
                _ => Self::answered(Err(e), UNANSWERED_START),
            },
        }
    }

    /// Sorts the answer to a change with no conflicts of its own (a removal, an upload,
    /// a validation); `unanswered` says what a lost answer leaves open.
    pub(crate) fn of_change(answer: Result<DownloadStarted, OntapError>, unanswered: &str) -> Self {
        Self::answered(answer, unanswered)
    }

    /// Sorts an answer; a timeout's message ends with `unanswered`, what is not known.
    fn answered(answer: Result<DownloadStarted, OntapError>, unanswered: &str) -> Self {
        match answer {
            Ok(DownloadStarted::Accepted { job }) => Self::Started { job: job.uuid },
            Ok(DownloadStarted::Completed { job }) => Self::Finished {
                job: job.map(|j| j.uuid),
            },
            Err(mut e) => {
                if e.may_have_arrived() {
                    // The request went out; only the answer is missing (or unreadable).
                    e.message.push_str(": ");
                    e.message.push_str(unanswered);
                }
                Self::Refused(e)
            }
        }
    }

    /// The result for the audit log.
    pub(crate) fn audit_result(&self) -> AuditResult {
        match self {
            Self::Started { .. } => AuditResult::Started,
            Self::Finished { .. } => AuditResult::Finished,
            Self::Attached => AuditResult::Attached,
            Self::AlreadyPresent { .. } => AuditResult::AlreadyPresent,
            Self::Refused(e) if e.kind == ErrorKind::ReadOnly => AuditResult::ReadOnly,
            Self::Refused(e) if e.may_have_arrived() => AuditResult::Unanswered,
            Self::Refused(_) => AuditResult::Refused,
            Self::NotSent(_) => AuditResult::NotSent,
        }
    }

    /// The job to follow, when there is one.
    pub(crate) fn job(&self) -> Option<&str> {
        match self {
            Self::Started { job } => Some(job),
            Self::Finished { job } => job.as_deref(),
            _ => None,
        }
    }
}
