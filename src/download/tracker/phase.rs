//! Where a followed operation stands ([`Phase`], since when) and what a front end is told
//! of it ([`Followed`]).

use jiff::Timestamp;

use super::operation::{Operation, OperationKind};
use crate::download::ending::Ending;
use crate::ontap::{DownloadState, JobState, OntapError};

/// How the operation came to be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Asked for by this ontop.
    Started,
    /// Started by an earlier ontop (any process), picked up from the journal.
    Resumed,
    /// Already running when chosen: no request was sent, and nothing is known of who
    /// started it or what it fetches.
    Attached,
}

/// When the current phase began: exactly (the cluster's own time, or a change seen
/// between two polls), or at least as long ago as ontop first saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Exactly(Timestamp),
    AtLeast(Timestamp),
}

impl Since {
    /// The moment, whichever kind it is.
    pub(crate) fn at(self) -> Timestamp {
        match self {
            Self::Exactly(t) | Self::AtLeast(t) => t,
        }
    }

    /// `Exactly` the cluster's RFC 3339 time when it gave one, else `AtLeast(seen)`.
    pub(crate) fn from_cluster(time: Option<&str>, seen: Timestamp) -> Self {
        time.and_then(|t| t.parse::<Timestamp>().ok())
            .filter(|t| *t <= seen)
            .map_or(Self::AtLeast(seen), Self::Exactly)
    }
}

/// Where a followed operation stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Waiting in ontop for a place (`max_running`): nothing was sent yet. The n-th of m
    /// starts that were waiting when it was queued.
    Queued { position: usize, of: usize },
    /// Asked for (the request is on its way), or started and its job not seen yet.
    Starting,
    /// The job's own state (queued, running, paused, or a state this build does not know).
    Job(JobState),
    /// No job to follow (attached, or the job was deleted): the download's state.
    Download(DownloadState),
    /// A removal's (or an upload's) job is gone: the repository is read to see whether
    /// it worked.
    Checking,
    /// An upload on its way: bytes sent of the image's size.
    Sending { sent: u64, total: u64 },
    /// Over.
    Ended(Ending),
}

impl Phase {
    /// The word in the JOB column, at most 8 cells.
    pub fn word(&self) -> &str {
        match self {
            Self::Queued { .. } => "queued",
            Self::Starting => "starting",
            Self::Job(state) => state.as_str(),
            Self::Download(state) => state.as_str(),
            Self::Checking => "checking",
            Self::Sending { .. } => "uploading",
            Self::Ended(ending) => ending.word(),
        }
    }

    /// The JOB cell: the word, or how far an upload is ("up 42%"), at most 8 cells.
    pub(crate) fn label(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Sending { sent, total } => {
                let percent = (*sent as f64 * 100.0 / (*total).max(1) as f64).floor() as u64;
                format!("up {}%", percent.min(100)).into()
            }
            other => other.word().into(),
        }
    }

    /// The ending, once there is one.
    pub fn ending(&self) -> Option<&Ending> {
        match self {
            Self::Ended(ending) => Some(ending),
            _ => None,
        }
    }
}

/// What the engine says about one followed operation: everything a front end shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    pub operation: Operation,
    pub origin: Origin,
    /// When ontop asked (started), or began to follow (attached, resumed).
    pub since_request: Timestamp,
    /// The job being (or last) followed.
    pub job: Option<String>,
    pub phase: Phase,
    /// When the phase began.
    pub since: Since,
    /// Failed polls in a row so far (0 after an answer).
    pub errors: u32,
    /// The last failure while following, while `errors` is not 0.
    pub last_error: Option<String>,
    /// The followed job was deleted by the cluster (it had ended): the download status
    /// (or, for a removal, the repository) took over.
    pub job_deleted: bool,
    /// The cluster answered the request (always true for what ontop did not send).
    pub answered: bool,
    /// The request went out and no answer came in time (this error said so): the
    /// download is looked for in the cluster's status, at most [`UNANSWERED_LOOK`](super::UNANSWERED_LOOK).
    pub unanswered: Option<OntapError>,
}

impl Followed {
    /// The ending, once there is one.
    pub fn ending(&self) -> Option<&Ending> {
        self.phase.ending()
    }

    /// Which kind of operation this is.
    pub(crate) fn kind(&self) -> OperationKind {
        self.operation.kind()
    }

    /// Whether this is the same operation as `other` (seen at another moment).
    pub(crate) fn same_as(&self, other: &Followed) -> bool {
        self.since_request == other.since_request
            && self.origin == other.origin
            && self.kind() == other.kind()
    }
}
