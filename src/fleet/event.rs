//! What the engine tells the one owner of the model.
//!
//! Events carry facts, stamped with the wall-clock time they were observed: what a poll
//! saw, and what the download engine decided (where a followed download stands, that it
//! ended and the end is recorded, that a record failed). The model stores them; it
//! decides nothing about a download. The recorder's notes become events here too.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::download::{Ending, Followed, Note};
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
        /// The followed job, when the engine follows one and the cluster still has it.
        job: Option<Box<Job>>,
        /// How long the cluster took to answer the poll's questions (not counting the
        /// wait for a request slot).
        took: Duration,
    },
    /// A package removal asked from the dashboard ended: removed, or why not.
    Removed {
        cluster: usize,
        at: Timestamp,
        version: String,
        result: Result<(), String>,
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
    /// Where a download the engine follows stands now (sent on every change).
    Followed {
        cluster: usize,
        at: Timestamp,
        followed: Box<Followed>,
    },
    /// A followed download ended, and its end is recorded: the bell, the status line.
    Ended {
        cluster: usize,
        at: Timestamp,
        ending: Box<Ending>,
    },
    /// Something could not be written to the audit log or the journal.
    RecordFailed {
        cluster: Option<usize>,
        at: Timestamp,
        error: String,
    },
    /// Something the operator should know that is about no one cluster (a journal that
    /// could not be read and was set aside).
    Warning { at: Timestamp, text: String },
}

impl Event {
    /// The cluster the event is about, when it is about one.
    pub fn cluster(&self) -> Option<usize> {
        match self {
            Self::Polled { cluster, .. }
            | Self::PollFailed { cluster, .. }
            | Self::LoginPaused { cluster, .. }
            | Self::Certificate { cluster, .. }
            | Self::Packages { cluster, .. }
            | Self::Followed { cluster, .. }
            | Self::Ended { cluster, .. }
            | Self::Removed { cluster, .. } => Some(*cluster),
            Self::RecordFailed { cluster, .. } => *cluster,
            Self::Warning { .. } => None,
        }
    }
}

/// Turns the recorder's notes into events for the model; run on the recorder's thread.
pub(super) fn notes_to_events(
    names: HashMap<String, usize>,
    events: mpsc::Sender<Event>,
) -> crate::download::Notify {
    Arc::new(move |note| {
        let at = Timestamp::now();
        let index = |name: &str| names.get(name).copied();
        let event = match note {
            Note::Ended { cluster, ending } => match index(&cluster) {
                Some(cluster) => Event::Ended {
                    cluster,
                    at,
                    ending: Box::new(ending),
                },
                None => return,
            },
            Note::RecordFailed { cluster, error } => Event::RecordFailed {
                cluster: index(&cluster),
                at,
                error: error.to_string(),
            },
            Note::Warning(text) => Event::Warning { at, text },
            Note::Started { .. } | Note::Attached { .. } => return,
        };
        // The recorder's own thread, not a runtime's: waiting here blocks no task.
        let _ = events.blocking_send(event);
    })
}
