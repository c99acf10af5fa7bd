//! The rule for a validation's results: read after its job, waited for at most
//! [`RESULTS_WAIT`].

use jiff::Timestamp;

use super::{Phase, RESULTS_WAIT, Since, Tracker};
use crate::download::ending::Ending;
use crate::ontap::software::Software;

impl Tracker {
    /// A validation's results, once its job has ended: they end it when the cluster
    /// gives them; while absent they are waited for, at most [`RESULTS_WAIT`] from the
    /// job's end (absent is "not known yet", never "no findings").
    pub(super) fn validation_results(
        &mut self,
        software: &Software,
        at: Timestamp,
    ) -> Option<Ending> {
        if self.followed.phase != Phase::Checking {
            // Still running: the job says when it ends. No job to follow (a cluster that
            // answered without one): the results appearing end it.
            if self.followed.job.is_some() {
                return None;
            }
        }
        if let Some(checks) = &software.validation {
            let ending = Ending::Validated {
                checks: checks.clone(),
            };
            return self.end(ending, Since::Exactly(at));
        }
        let waited = at.duration_since(self.followed.since.at());
        if waited.unsigned_abs() < RESULTS_WAIT {
            return None;
        }
        let reason = "its job ended and the cluster gave no results in the 5 minutes that \
                      followed (it may not keep them on this release)"
            .to_string();
        self.end(Ending::Unknown { reason }, Since::Exactly(at))
    }
}
