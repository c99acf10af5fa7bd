//! A download this session started (or resumed from the journal), followed to its end.
//!
//! The job is the source of truth while the cluster keeps it; after it is deleted, or
//! for a download ontop attached to, the download status is. The moment a download
//! ends is kept until the screen has seen it, for the bell and the status message.

use jiff::Timestamp;

use crate::download::{Ending, StartOutcome};
use crate::ontap::{DownloadStatus, Job};

/// A download started from this session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionDownload {
    /// The package URL, credentials masked.
    pub url: String,
    pub requested_at: Timestamp,
    pub phase: SessionPhase,
    /// The job the start created (or the journal named), kept after the phase moves on
    /// (job lost, download ended) so the journal entry and the audit line can name it.
    pub started_job: Option<String>,
    /// The ending has not been announced yet (bell, status message, audit, journal).
    pub unannounced: bool,
}

/// Where a session download stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionPhase {
    /// The POST is on its way.
    Starting,
    /// Following the job (`Some`), or the download status (`None`: attached, or the
    /// job was deleted or could not be followed).
    Following { job: Option<String> },
    /// Over.
    Ended { at: Timestamp, ending: Ending },
}

impl SessionDownload {
    /// A download whose POST was just sent.
    pub fn requested(url: String, at: Timestamp) -> Self {
        Self {
            url,
            requested_at: at,
            phase: SessionPhase::Starting,
            started_job: None,
            unannounced: false,
        }
    }

    /// A download an earlier session started, picked up from the journal.
    pub fn resumed(url: String, job: String, started_at: Timestamp) -> Self {
        Self {
            url,
            requested_at: started_at,
            started_job: Some(job.clone()),
            phase: SessionPhase::Following { job: Some(job) },
            unannounced: false,
        }
    }

    /// True until the download ended.
    pub fn in_flight(&self) -> bool {
        !matches!(self.phase, SessionPhase::Ended { .. })
    }

    /// The job being followed, if any.
    pub fn job(&self) -> Option<&str> {
        match &self.phase {
            SessionPhase::Following { job } => job.as_deref(),
            _ => None,
        }
    }

    /// The cluster answered the start request.
    pub fn answered(&mut self, at: Timestamp, outcome: &StartOutcome) {
        self.started_job = outcome.job().map(str::to_string);
        self.phase = match outcome {
            StartOutcome::Started { job } => SessionPhase::Following {
                job: Some(job.clone()),
            },
            StartOutcome::Finished { job } => SessionPhase::Following { job: job.clone() },
            StartOutcome::Attached => SessionPhase::Following { job: None },
            StartOutcome::AlreadyPresent { .. } => {
                return self.end(at, Ending::AlreadyPresent);
            }
            StartOutcome::Refused(e) => return self.end(at, Ending::Refused(e.clone())),
        };
    }

    /// A poll answered: ends the download when the job (or the status) says so.
    pub fn observe(&mut self, at: Timestamp, download: &DownloadStatus, job: Option<&Job>) {
        let SessionPhase::Following { job: followed } = &self.phase else {
            return;
        };
        let ending = match (followed, job) {
            (Some(uuid), Some(job)) if &job.uuid == uuid => Ending::from_job(job),
            (Some(_), _) => None,
            (None, _) => Ending::from_download(download),
        };
        if let Some(ending) = ending {
            self.end(at, ending);
        }
    }

    /// The job is gone (deleted, or too many errors): follow the download status.
    pub fn lose_job(&mut self, uuid: &str) {
        if self.job() == Some(uuid) {
            self.phase = SessionPhase::Following { job: None };
        }
    }

    fn end(&mut self, at: Timestamp, ending: Ending) {
        self.phase = SessionPhase::Ended { at, ending };
        self.unannounced = true;
    }
}
