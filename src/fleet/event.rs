//! What pollers tell the one owner of the model.
//!
//! Events carry facts, stamped with the wall-clock time they were observed; the model
//! decides what they mean (health, time in state, history).

use jiff::Timestamp;

use crate::download::StartOutcome;
use crate::ontap::{CertificateFacts, ClusterInfo, DownloadStatus, Job, OntapError, Package};

/// One fact about one cluster, identified by its index in the config order.
#[derive(Debug, Clone)]
pub enum Event {
    /// A poll answered.
    Polled {
        cluster: usize,
        at: Timestamp,
        /// Identity and version; only asked now and then, since it rarely changes.
        info: Option<Box<ClusterInfo>>,
        download: DownloadStatus,
        /// The tracked job, when the poller follows one and it still exists.
        job: Option<Box<Job>>,
    },
    /// A poll failed; the poller backs off.
    PollFailed {
        cluster: usize,
        at: Timestamp,
        error: OntapError,
    },
    /// The certificate the cluster presents, sent after a poll when it is new or its
    /// days left changed (a separate event, so that polls stay small).
    Certificate {
        cluster: usize,
        at: Timestamp,
        facts: Box<CertificateFacts>,
    },
    /// The packages present on the cluster (asked when details are opened).
    Packages {
        cluster: usize,
        at: Timestamp,
        packages: Vec<Package>,
    },
    /// The tracked job was deleted by the cluster (404 after it ended); the download
    /// status is the source of truth again.
    JobGone {
        cluster: usize,
        at: Timestamp,
        uuid: String,
    },
    /// Following the job failed too often in a row; the download status takes over.
    JobLost {
        cluster: usize,
        at: Timestamp,
        uuid: String,
        reason: String,
    },
    /// This session asked the cluster to start a download (the POST is on its way).
    StartRequested {
        cluster: usize,
        at: Timestamp,
        /// The package URL, credentials masked.
        url: String,
    },
    /// The cluster answered the start request.
    StartAnswered {
        cluster: usize,
        at: Timestamp,
        outcome: Box<StartOutcome>,
    },
}

impl Event {
    /// The cluster the event is about.
    pub fn cluster(&self) -> usize {
        match self {
            Self::Polled { cluster, .. }
            | Self::PollFailed { cluster, .. }
            | Self::Certificate { cluster, .. }
            | Self::Packages { cluster, .. }
            | Self::JobGone { cluster, .. }
            | Self::JobLost { cluster, .. }
            | Self::StartRequested { cluster, .. }
            | Self::StartAnswered { cluster, .. } => *cluster,
        }
    }
}
