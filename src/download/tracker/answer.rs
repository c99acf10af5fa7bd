//! The cluster's answer to a request ([`StartOutcome`]): the job to follow, an ending at
//! once, or, when no answer came in time, a download looked for in the cluster's status.

use jiff::Timestamp;

use super::{Operation, OperationKind, Origin, Phase, Since, Tracker, UNANSWERED_LOOK};
use crate::download::ending::Ending;
use crate::download::start::StartOutcome;
use crate::ontap::{DownloadState, DownloadStatus};

impl Tracker {
    /// The cluster's answer to the request, seen at `at`: the job to follow, or the
    /// ending when there is nothing to follow. Returns the ending when it ended.
    pub fn answered(&mut self, outcome: &StartOutcome, at: Timestamp) -> Option<Ending> {
        use StartOutcome as S;
        self.followed.answered = true;
        self.dequeued(at);
        if matches!(self.followed.phase, Phase::Sending { .. })
            && !matches!(outcome, S::Refused(_) | S::NotSent(_))
        {
            // The image is there: the cluster files it now.
            self.set_phase(Phase::Starting, Since::Exactly(at));
        }
        let ending = match outcome {
            S::Started { job } => {
                self.followed.job = Some(job.clone());
                return None;
            }
            S::Refused(e) if self.is_upload() => self.upload_refused(e),
            // Sent, not answered: it may have started. Look for it before saying so.
            S::Refused(e) if e.may_have_arrived() && self.kind() == OperationKind::Download => {
                self.followed.unanswered = Some(e.clone());
                return None;
            }
            // A removal (or an upload) answered "done" is done, whatever the job it names.
            S::Finished { job } if self.is_removal() => {
                self.followed.job = job.clone();
                Ending::Removed
            }
            S::Finished { job } if self.is_upload() => {
                self.followed.job = job.clone();
                Ending::Uploaded
            }
            // The checks ended within the request: their results are read next.
            S::Finished { job } if self.is_validation() => {
                self.followed.job = job.clone();
                self.set_phase(Phase::Checking, Since::Exactly(at));
                return None;
            }
            S::Finished { job: Some(job) } => {
                self.followed.job = Some(job.clone());
                return None;
            }
            S::Finished { job: None } => {
                self.set_phase(Phase::Download(DownloadState::Running), Since::Exactly(at));
                return None;
            }
            // "Already in progress": someone else's download runs; follow it by its
            // status. What it fetches is not what was asked for.
            S::Attached => {
                self.followed.origin = Origin::Attached;
                self.followed.operation = Operation::Download {
                    url: None,
                    server_username: None,
                };
                self.set_phase(Phase::Download(DownloadState::Running), Since::AtLeast(at));
                return None;
            }
            S::AlreadyPresent { .. } => Ending::AlreadyPresent,
            S::Refused(e) => Ending::Refused(e.clone()),
            S::NotSent(reason) => Ending::NotSent {
                reason: reason.to_string(),
            },
        };
        self.end(ending, Since::Exactly(at))
    }

    /// A start that got no answer, looked for in the download status: running, it is
    /// followed from now on; not seen running within [`UNANSWERED_LOOK`], it ends as
    /// unanswered. An older download's ending in the status says nothing about it.
    pub(super) fn look_for_unanswered(
        &mut self,
        status: &DownloadStatus,
        at: Timestamp,
    ) -> Option<Ending> {
        if status.state == Some(DownloadState::Running) {
            self.followed.unanswered = None;
            self.set_phase(Phase::Download(DownloadState::Running), Since::AtLeast(at));
            return None;
        }
        let looked = at
            .duration_since(self.followed.since_request)
            .unsigned_abs();
        if looked < UNANSWERED_LOOK {
            return None;
        }
        let error = self.followed.unanswered.take()?;
        self.end(Ending::Refused(error), Since::Exactly(at))
    }
}
