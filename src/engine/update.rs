//! What the engine tells the one owner of a model: the front ends' only input.
//!
//! Updates carry facts, stamped with the wall-clock time they were observed: what a poll
//! saw, and what the engine decided about an operation (where it stands, and once, how
//! it ended: phase and ending come together in one [`Update::Operation`], so no two
//! readers can disagree), that a record failed, a warning. Models store them; they
//! decide nothing about an operation. The model imports this module, never the pollers.

use std::time::Duration;

use jiff::Timestamp;

use crate::download::Followed;
use crate::ontap::software::Software;
use crate::ontap::{CertificateFacts, ClusterInfo, DownloadStatus, Job, OntapError, Package};

/// Why and how a cluster's polls are paused after a refused login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPause {
    /// The user the cluster refused.
    pub user: String,
    /// The password source that is read again on `r` (a file, a command), when the
    /// cluster has one that can change while ontop runs.
    pub source: Option<String>,
    /// What the last attempt to resume found: "password_file gives the same password".
    pub note: Option<String>,
    /// The last attempt met a password the cluster refused before, and did not send it:
    /// asking the same way once more sends it anyway.
    pub again: Option<Again>,
}

/// How the last attempt to resume came by a password the cluster refused before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Again {
    /// Typed in the dashboard (`p`): typing it again sends it.
    Typed,
    /// Read from the source, or none to read (`r`): `r` again sends it.
    Source,
}

/// Whether a password the cluster refused before is sent to it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Not sent: another refusal counts towards locking the account.
    Withheld,
    /// Sent anyway: the operator asked the same way twice.
    SentAgain,
}

/// One fact about one cluster, identified by its index in the engine's cluster order.
#[derive(Debug, Clone)]
pub enum Update {
    /// A poll answered.
    Polled {
        cluster: usize,
        at: Timestamp,
        /// Identity and version; only asked now and then, since it rarely changes.
        info: Option<Box<ClusterInfo>>,
        download: DownloadStatus,
        /// The followed download's job, when the engine follows one by its job and the
        /// cluster still has it.
        job: Option<Box<Job>>,
        /// How long the cluster took to answer the poll's questions (not counting the
        /// wait for a request slot).
        took: Duration,
    },
    /// A poll failed; the poller backs off.
    PollFailed {
        cluster: usize,
        at: Timestamp,
        error: OntapError,
        /// How long the failed poll took; `None` when nothing was sent (no client).
        took: Option<Duration>,
    },
    /// The cluster refused the login (401): its poller stopped asking, so that a wrong
    /// password cannot lock the account, until a password is entered or its source
    /// gives a new one.
    LoginPaused {
        cluster: usize,
        /// When the poller paused (or, with a note, tried to resume and could not).
        at: Timestamp,
        /// Who was refused, what `r` reads again, and how the last try went.
        pause: Box<LoginPause>,
    },
    /// The certificate the cluster presents, sent after a poll when it is new or its
    /// days left changed (a separate update, so that polls stay small).
    Certificate {
        cluster: usize,
        at: Timestamp,
        facts: Box<CertificateFacts>,
    },
    /// The cluster's package repository was read (the inventory), or could not be.
    Packages {
        cluster: usize,
        at: Timestamp,
        packages: Result<Vec<Package>, OntapError>,
    },
    /// The cluster's software: its nodes' releases, an update in progress, the last
    /// validation's results (read with the identity, on every poll while an update runs,
    /// and after a validation).
    Software {
        cluster: usize,
        at: Timestamp,
        software: Box<Software>,
    },
    /// The last validation ontop ran on the cluster was for `version`, its results read
    /// at `at` (from the journal: ONTAP's results name neither).
    Validated {
        cluster: usize,
        version: String,
        at: Timestamp,
    },
    /// Where an operation the engine follows stands now, its ending included once it
    /// has one (sent on every change).
    Operation {
        cluster: usize,
        at: Timestamp,
        followed: Box<Followed>,
    },
    /// Something could not be written to the audit log or the journal.
    RecordFailed {
        cluster: Option<usize>,
        at: Timestamp,
        error: String,
    },
    /// Something the operator should know that is about no one cluster (a journal that
    /// could not be read, the open-file limit).
    Warning { at: Timestamp, text: String },
}

impl Update {
    /// The cluster the update is about, when it is about one.
    pub(crate) fn cluster(&self) -> Option<usize> {
        match self {
            Self::Polled { cluster, .. }
            | Self::PollFailed { cluster, .. }
            | Self::LoginPaused { cluster, .. }
            | Self::Certificate { cluster, .. }
            | Self::Packages { cluster, .. }
            | Self::Software { cluster, .. }
            | Self::Validated { cluster, .. }
            | Self::Operation { cluster, .. } => Some(*cluster),
            Self::RecordFailed { cluster, .. } => *cluster,
            Self::Warning { .. } => None,
        }
    }
}
