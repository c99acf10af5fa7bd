//! What the JOB column says about a cluster: the download this session started there
//! while there is one, else the job ontop follows.
//!
//! One function decides it, so the table cell, the filter and the sort agree.

use super::cluster::ClusterState;
use super::session::SessionPhase;
use crate::download::Ending;
use crate::ontap::{DownloadState, JobState};

/// Where a cluster's download job stands, from `starting` to its ending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobProgress<'a> {
    /// The start request is on its way, or its job has not been polled yet.
    Starting,
    /// The job's own state: queued, running, paused, success, failure.
    Job(&'a JobState),
    /// Following the download status (attached to a running download, or the job was
    /// lost): the download's state stands in for the job's.
    Download(&'a DownloadState),
    /// The session's download is over.
    Ended(&'a Ending),
}

impl<'a> JobProgress<'a> {
    /// The word in the JOB column: at most 8 cells ("starting").
    pub fn word(self) -> &'a str {
        match self {
            Self::Starting => "starting",
            Self::Job(state) => state.as_str(),
            Self::Download(state) => state.as_str(),
            // "already present" is a success: the package is where it should be.
            Self::Ended(Ending::Success { .. } | Ending::AlreadyPresent) => "success",
            Self::Ended(Ending::Failure { .. }) => "failure",
            Self::Ended(Ending::Refused(_)) => "refused",
            Self::Ended(Ending::GaveUp { .. }) => "gave up",
        }
    }
}

impl ClusterState {
    /// The JOB column's content, `None` when nothing is known about a job here.
    pub fn job_progress(&self) -> Option<JobProgress<'_>> {
        let Some(session) = &self.session else {
            return self.job_state().map(JobProgress::Job);
        };
        match &session.phase {
            SessionPhase::Starting => Some(JobProgress::Starting),
            SessionPhase::Following { job: Some(uuid) } => {
                Some(match self.job.as_ref().filter(|j| &j.uuid == uuid) {
                    Some(job) => job
                        .state
                        .as_ref()
                        .map_or(JobProgress::Starting, JobProgress::Job),
                    None => JobProgress::Starting,
                })
            }
            SessionPhase::Following { job: None } => self
                .download_state()
                .map(JobProgress::Download)
                .or(Some(JobProgress::Starting)),
            SessionPhase::Ended { ending, .. } => Some(JobProgress::Ended(ending)),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};

    use super::*;
    use crate::download::StartOutcome;
    use crate::fleet::Event;
    use crate::ontap::{DownloadStatus, Job};
    use crate::state::{ClusterIdentity, Model};

    fn at(secs: i64) -> Timestamp {
        "2026-03-01T12:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_secs(secs)
    }

    fn poll(job: JobState, secs: i64) -> Event {
        Event::Polled {
            cluster: 0,
            at: at(secs),
            info: None,
            download: DownloadStatus::default(),
            job: Some(Box::new(Job {
                uuid: "j1".into(),
                description: None,
                state: Some(job),
                message: None,
                code: Some(0),
                start_time: None,
                end_time: None,
                error: None,
            })),
        }
    }

    fn word(model: &Model) -> Option<&str> {
        model.clusters[0].job_progress().map(JobProgress::word)
    }

    #[test]
    fn a_session_download_goes_from_starting_to_its_ending_and_restarts_the_clock() {
        let mut model = Model::new([ClusterIdentity::default()]);
        assert_eq!(word(&model), None);
        model.apply(Event::StartRequested {
            cluster: 0,
            at: at(10),
            url: "https://repo/image.tgz".into(),
        });
        assert_eq!(word(&model), Some("starting"));
        assert_eq!(model.clusters[0].state_since, Some(at(10)));
        let started = StartOutcome::Started { job: "j1".into() };
        model.apply(Event::StartAnswered {
            cluster: 0,
            at: at(11),
            outcome: Box::new(started),
        });
        assert_eq!(word(&model), Some("starting"), "until the job is polled");
        model.apply(poll(JobState::Queued, 12));
        assert_eq!(word(&model), Some("queued"));
        model.apply(poll(JobState::Running, 15));
        assert_eq!(word(&model), Some("running"));
        model.apply(poll(JobState::Success, 30));
        assert_eq!(word(&model), Some("success"));
        assert_eq!(model.clusters[0].state_since, Some(at(30)));
        let session = model.clusters[0].session.as_ref().unwrap();
        assert_eq!(
            session.started_job.as_deref(),
            Some("j1"),
            "kept after the end"
        );
    }

    #[test]
    fn already_present_reads_as_a_success() {
        let mut model = Model::new([ClusterIdentity::default()]);
        model.apply(Event::StartRequested {
            cluster: 0,
            at: at(0),
            url: "https://repo/image.tgz".into(),
        });
        let present = StartOutcome::AlreadyPresent { packages: vec![] };
        model.apply(Event::StartAnswered {
            cluster: 0,
            at: at(1),
            outcome: Box::new(present),
        });
        assert_eq!(word(&model), Some("success"));
        assert_eq!(model.clusters[0].state_since, Some(at(1)));
    }
}
