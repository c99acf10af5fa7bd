//! How a download ended, in the one set of words every front end uses.
//!
//! An [`Ending`] knows its word (for a table cell), its word for scripts and the audit
//! log, its one-line summary, its ONTAP code and its next step. The dashboard, `ontop
//! download` and the audit log compose these; none of them says it in words of its own.

use crate::ontap::software::Check;
use crate::ontap::{DownloadState, DownloadStatus, Job, JobState, OntapError, hint_for_code};

/// What a start whose request got no answer in time is, in every place that says it:
/// the request went out, so the cluster may have taken it.
pub(crate) const UNANSWERED_START: &str = "not known whether it started: ontop status shows it";
/// The same for a removal.
pub(crate) const UNANSWERED_REMOVAL: &str =
    "not known whether it was removed: ontop packages shows it";
/// What an upload whose answer was lost leaves open.
pub(crate) const UNANSWERED_UPLOAD: &str =
    "not known whether the cluster kept the image: ontop packages shows it";
/// What a validation whose answer was lost leaves open.
pub(crate) const UNANSWERED_VALIDATION: &str =
    "not known whether it began: ontop validate asks again (a running one is refused)";

/// How a followed download ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// The package arrived.
    Success { message: Option<String> },
    /// The package was already on the cluster: as good as a success, and no job ran.
    AlreadyPresent,
    /// The download failed on the cluster.
    Failure { code: Option<i64>, message: String },
    /// The cluster refused to start it (or could not be asked): nothing started.
    Refused(OntapError),
    /// Following stopped (too many failed polls in a row, or `--timeout`); the download
    /// may still run on the cluster.
    GaveUp { reason: String },
    /// Nothing was sent: the attempt could not be recorded first, or it waited in
    /// ontop (`max_running`) and ontop stopped first.
    NotSent { reason: String },
    /// The followed job is gone and nothing the cluster still says tells how it ended.
    Unknown { reason: String },
    /// A package removal: the release left the repository.
    Removed,
    /// A package removal failed on the cluster (its job failed, or the release is still
    /// listed after the job is gone).
    NotRemoved { code: Option<i64>, message: String },
    /// An upload: the image arrived and the cluster filed it in its repository.
    Uploaded,
    /// An upload arrived and the cluster's job that files it failed.
    UploadFailed { code: Option<i64>, message: String },
    /// An upload's connection dropped (or stalled) on its way: `sent` of `total` bytes
    /// went; nothing is sent again by itself.
    TransferFailed {
        sent: u64,
        total: u64,
        reason: String,
    },
    /// An upload stopped by the operator on its way (quitting, Ctrl-C, Esc in details).
    Stopped {
        sent: u64,
        total: u64,
        reason: String,
    },
    /// A validation ran, and these are its findings (warnings and errors; a check that
    /// passed is not listed, so none is "ready").
    Validated { checks: Vec<Check> },
    /// A validation's job failed: the checks did not run to their end.
    NotValidated { code: Option<i64>, message: String },
}

impl Ending {
    /// How a job ended, once it has (`None` while it queues, runs or is paused).
    pub(crate) fn from_job(job: &Job) -> Option<Self> {
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
    pub(crate) fn from_download(download: &DownloadStatus) -> Option<Self> {
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

    /// A request that went out and got no answer (in time, or whole): unlike a
    /// refusal, the cluster may have taken it.
    pub(crate) fn is_unanswered(&self) -> bool {
        matches!(self, Self::Refused(e) if e.may_have_arrived())
    }

    /// Success, already present or removed: the repository is as it should be.
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            Self::Success { .. }
                | Self::AlreadyPresent
                | Self::Removed
                | Self::Uploaded
                | Self::Validated { .. }
        )
    }

    /// The word in a table cell, at most 9 cells: "success", "present", "failure",
    /// "refused", "no answer", "gave up", "not sent".
    pub fn word(&self) -> &'static str {
        match self {
            Self::Success { .. } => "success",
            Self::AlreadyPresent => "present",
            Self::Failure { .. } => "failure",
            _ if self.is_unanswered() => "no answer",
            Self::Refused(_) => "refused",
            Self::GaveUp { .. } => "gave up",
            Self::NotSent { .. } => "not sent",
            Self::Unknown { .. } => "unknown",
            Self::Removed => "removed",
            Self::NotRemoved { .. } | Self::UploadFailed { .. } | Self::TransferFailed { .. } => {
                "failure"
            }
            Self::Uploaded => "success",
            Self::Stopped { .. } => "stopped",
            Self::Validated { .. } => "checked",
            Self::NotValidated { .. } => "failure",
        }
    }

    /// The word for scripts and the audit log.
    pub(crate) fn result_word(&self) -> &'static str {
        match self {
            Self::Success { .. } => "success",
            Self::AlreadyPresent => "already_present",
            Self::Failure { .. } => "failure",
            _ if self.is_unanswered() => "no_answer",
            Self::Refused(_) => "refused",
            Self::GaveUp { .. } => "gave_up",
            Self::NotSent { .. } => "not_sent",
            Self::Unknown { .. } => "unknown",
            Self::Removed | Self::Uploaded | Self::Validated { .. } => "success",
            Self::NotRemoved { .. }
            | Self::UploadFailed { .. }
            | Self::TransferFailed { .. }
            | Self::NotValidated { .. } => "failure",
            Self::Stopped { .. } => "stopped",
        }
    }

    /// The result for the audit log.
    pub(crate) fn audit_result(&self) -> crate::download::audit::AuditResult {
        use crate::download::audit::AuditResult as R;
        match self {
            Self::Success { .. } | Self::Removed | Self::Uploaded | Self::Validated { .. } => {
                R::Success
            }
            Self::UploadFailed { .. } | Self::TransferFailed { .. } | Self::NotValidated { .. } => {
                R::Failure
            }
            Self::Stopped { .. } => R::Stopped,
            Self::AlreadyPresent => R::AlreadyPresent,
            Self::Failure { .. } | Self::NotRemoved { .. } => R::Failure,
            Self::Refused(e) if e.kind == crate::ontap::ErrorKind::ReadOnly => R::ReadOnly,
            _ if self.is_unanswered() => R::Unanswered,
            Self::Refused(_) => R::Refused,
            Self::GaveUp { .. } => R::GaveUp,
            Self::NotSent { .. } => R::NotSent,
            Self::Unknown { .. } => R::Unknown,
        }
    }

    /// The ONTAP code, when the ending has one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Failure { code, .. }
            | Self::NotRemoved { code, .. }
            | Self::UploadFailed { code, .. }
            | Self::NotValidated { code, .. } => *code,
            Self::Refused(e) => e.code,
            _ => None,
        }
    }

    /// What happened, in one line, without the next step.
    pub fn summary(&self) -> String {
        match self {
            Self::Success { .. } => "the package was downloaded".into(),
            Self::AlreadyPresent => "the package is already on the cluster".into(),
            Self::Failure { message, .. } => format!("the download failed: {message}"),
            // The answer's words already say what is not known (see `start.rs`).
            Self::Refused(e) if self.is_unanswered() => e.message.clone(),
            Self::Refused(e) => format!("not started: {}: {}", e.kind, e.message),
            Self::GaveUp { reason } => format!("no longer followed: {reason}"),
            Self::NotSent { reason } => format!("nothing was sent: {reason}"),
            Self::Unknown { reason } => format!("ended, how is not known: {reason}"),
            Self::Removed => "the package was removed".into(),
            Self::Validated { checks } => match checks.len() {
                0 => "validated: no findings".into(),
                1 => "validated: 1 finding".into(),
                n => format!("validated: {n} findings"),
            },
            Self::NotValidated { message, .. } => format!("the validation failed: {message}"),
            Self::NotRemoved { message, .. } => format!("the removal failed: {message}"),
            Self::Uploaded => "the image was uploaded and is in the package repository".into(),
            Self::UploadFailed { message, .. } => {
                format!("the image arrived, and filing it failed: {message}")
            }
            Self::TransferFailed {
                sent,
                total,
                reason,
            } => format!(
                "the upload stopped: the connection dropped after {} of {} had left this host: {reason}",
                crate::text::rate::format_bytes(*sent as f64),
                crate::text::rate::format_bytes(*total as f64)
            ),
            Self::Stopped {
                sent,
                total,
                reason,
            } => format!(
                "the upload was stopped after {} of {}: {reason}",
                crate::text::rate::format_bytes(*sent as f64),
                crate::text::rate::format_bytes(*total as f64)
            ),
        }
    }

    /// What to do now, when there is something to do.
    pub(crate) fn next_step(&self) -> Option<&'static str> {
        match self {
            Self::Success { .. }
            | Self::AlreadyPresent
            | Self::Removed
            | Self::Uploaded
            | Self::Validated { .. } => None,
            Self::TransferFailed { .. } | Self::Stopped { .. } => Some(
                "upload it again (it starts over: nothing was kept of the part that went), \
                 or give the cluster a URL to fetch",
            ),
            Self::Failure { code, .. }
            | Self::NotRemoved { code, .. }
            | Self::UploadFailed { code, .. }
            | Self::NotValidated { code, .. } => Some(
                code.and_then(hint_for_code)
                    .unwrap_or("read the cluster's message, fix the cause, then start again"),
            ),
            Self::Refused(_) if self.is_unanswered() => Some(
                "see whether it started (ontop status, or this cluster's DOWNLOAD state); \
                 start it again only if it did not",
            ),
            Self::Refused(e) => Some(e.hint()),
            Self::GaveUp { .. } => Some(
                "the download may still run on the cluster: see it with ontop status, or in \
                 the dashboard, which follows it again from the journal",
            ),
            Self::NotSent { .. } => Some(
                "start it again (an audit log that could not be written says so in the message)",
            ),
            Self::Unknown { .. } => Some(
                "see the cluster's packages (ontop packages) and its download state (ontop \
                 status), then start again if the package is missing",
            ),
        }
    }

    /// The whole story in one line: summary, code, next step. For the audit log and the
    /// lines `ontop download` prints for what did not succeed.
    pub fn describe(&self) -> String {
        let mut text = self.summary();
        if let Some(code) = self.code() {
            text.push_str(&format!(" (ONTAP code {code})"));
        }
        if let Some(step) = self.next_step() {
            text.push_str("; what to do: ");
            text.push_str(step);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontap::ErrorKind;

    #[test]
    fn each_ending_says_its_word_summary_code_and_next_step() {
        let failure = Ending::Failure {
            code: Some(10551885),
            message: "invalid URL".into(),
        };
        assert_eq!(failure.word(), "failure");
        assert_eq!(
            failure.describe(),
            format!(
                "the download failed: invalid URL (ONTAP code 10551885); what to do: {}",
                hint_for_code(10551885).unwrap()
            )
        );
        assert_eq!(Ending::AlreadyPresent.word(), "present");
        assert!(Ending::AlreadyPresent.is_success());
        assert_eq!(Ending::AlreadyPresent.next_step(), None);
        let refused = Ending::Refused(OntapError::new("c", ErrorKind::ReadOnly, "read-only"));
        assert_eq!(refused.result_word(), "refused");
        assert!(
            refused
                .describe()
                .contains("what to do: downloads are disabled")
        );
        for ending in [failure, refused, Ending::AlreadyPresent] {
            assert!(ending.word().chars().count() <= 9);
        }
    }

    #[test]
    fn a_start_that_got_no_answer_says_it_may_have_started_in_every_word() {
        let timeout = OntapError::new("c", ErrorKind::Timeout, "no answer within the 30s timeout");
        let answer = crate::download::StartOutcome::of_download(Err(timeout), Vec::new);
        let crate::download::StartOutcome::Refused(e) = answer else {
            panic!("{answer:?}");
        };
        let ending = Ending::Refused(e);
        assert!(ending.is_unanswered());
        assert_eq!(ending.word(), "no answer");
        assert_eq!(
            ending.summary(),
            format!("no answer within the 30s timeout: {UNANSWERED_START}")
        );
        assert!(!ending.describe().contains("start a download first"));
        assert!(ending.next_step().unwrap().contains("only if it did not"));
    }
}
