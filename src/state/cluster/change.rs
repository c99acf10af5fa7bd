//! What a line of a cluster's history records: one [`Change`], kept as what happened (the
//! states, the operation, its ending), not as words. The details pane renders it
//! ([`Change`]'s `Display`), so the words live in one place and a test can ask what
//! happened without parsing English.

use std::fmt;

use crate::download::{Ending, Operation, OperationKind, Origin, Phase};
use crate::ontap::software::UpdateState;
use crate::ontap::{DownloadState, Fingerprint, OntapError};

use super::short_uuid;

/// One change seen on a cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The download state moved (`None`: not known).
    Download {
        from: Option<DownloadState>,
        to: Option<DownloadState>,
    },
    /// The engine began to follow an operation.
    Began {
        operation: Operation,
        origin: Origin,
    },
    /// The operation's job became known.
    FollowingJob(String),
    /// The cluster deleted the job of an operation that had ended.
    JobDeleted { job: String, kind: OperationKind },
    /// A followed operation ended.
    Ended {
        operation: Operation,
        ending: Ending,
    },
    /// A followed operation moved on to this phase.
    Now(Phase),
    /// An update's state moved.
    Update {
        target: String,
        from: Option<UpdateState>,
        to: Option<UpdateState>,
    },
    /// A refused login paused the polls (`note`: what the last try found).
    LoginPaused { user: String, note: Option<String> },
    /// A typed password was accepted.
    LoginAccepted,
    /// The cluster answers again after failing.
    AnsweringAgain,
    /// A poll failed (once per failing spell, or for a new error).
    PollFailed(OntapError),
    /// The certificate's fingerprint changed (to this one).
    CertificateChanged(Fingerprint),
    /// A record of this cluster could not be written.
    NotRecorded(String),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Download { from, to } => {
                write!(f, "download {} → {}", state_word(from), state_word(to))
            }
            Self::Began { operation, origin } => f.write_str(&began(operation, *origin)),
            Self::FollowingJob(job) => write!(f, "following job {}", short_uuid(job)),
            Self::JobDeleted { job, kind } => write!(
                f,
                "job {} deleted by the cluster (it had ended): {}",
                short_uuid(job),
                match kind {
                    OperationKind::Download => "following the download status",
                    OperationKind::Removal => "reading the repository",
                    OperationKind::Validation => "reading its results",
                }
            ),
            Self::Ended { operation, ending } => {
                write!(f, "{} ended: {}", noun(operation), ending.describe())
            }
            Self::Now(phase) => write!(f, "now {}", phase.word()),
            Self::Update { target, from, to } => {
                write!(
                    f,
                    "update to {target}: {} → {}",
                    update_word(from),
                    update_word(to)
                )
            }
            Self::LoginPaused {
                note: Some(note), ..
            } => write!(f, "still paused: {note}"),
            Self::LoginPaused { user, note: None } => {
                write!(f, "login refused for {user}: polling paused")
            }
            Self::LoginAccepted => f.write_str("login accepted: polling again"),
            Self::AnsweringAgain => f.write_str("answering again"),
            Self::PollFailed(error) => write!(f, "poll failed: {}: {}", error.kind, error.message),
            Self::CertificateChanged(fingerprint) => {
                write!(f, "certificate changed: now {fingerprint}")
            }
            Self::NotRecorded(error) => write!(f, "NOT RECORDED: {error}"),
        }
    }
}

/// The line for an operation the engine begins to follow.
fn began(operation: &Operation, origin: Origin) -> String {
    match (operation, origin) {
        (Operation::Removal { version }, _) => format!("removal of package {version} requested"),
        (Operation::Validation { version }, _) => format!("validation of {version} requested"),
        (Operation::Upload(file), _) => format!("upload of {} requested", file.name),
        (_, Origin::Started) => format!("download requested: {}", operation.url()),
        (_, Origin::Resumed) => {
            format!("following a download started earlier: {}", operation.url())
        }
        (_, Origin::Attached) => "already downloading: following it, no request sent".into(),
    }
}

/// "download", "removal of 9.16.1P3".
fn noun(operation: &Operation) -> String {
    match operation {
        Operation::Removal { version } => format!("removal of {version}"),
        Operation::Validation { version } => format!("validation of {version}"),
        Operation::Upload(file) => format!("upload of {}", file.name),
        _ => "download".into(),
    }
}

fn update_word(state: &Option<UpdateState>) -> &str {
    state.as_ref().map_or("-", UpdateState::as_str)
}

fn state_word(state: &Option<DownloadState>) -> &str {
    state.as_ref().map_or("-", |s| s.as_str())
}
