//! Taking a package out of a cluster's repository: the DELETE's checks, its job, and
//! the end of that job `delete_duration` later (or at once, when a test asks).
//!
//! The outcome is decided when the DELETE arrives: the `deletetimeout` fault then
//! makes the job fail with 10551388 and the package stays.

use std::sync::Arc;

use super::{Books, Cluster, JobState, Refusal, codes, lock};
use crate::fault::Fault;

/// A delete job that has not ended yet.
#[derive(Debug)]
pub(super) struct PendingDelete {
    /// The job's uuid.
    job: String,
    /// The package it takes out.
    version: String,
    /// The code and message the job fails with; `None` when it succeeds.
    failure: Option<Refusal>,
}

impl Cluster {
    /// Checks a package DELETE and starts its job, which ends `delete_duration` later
    /// (or at [`Cluster::finish_deletes`]); returns the job uuid.
    pub(crate) fn start_delete(self: &Arc<Self>, version: &str) -> Result<String, Refusal> {
        let fault = self.fault();
        let running = self.running_version();
        let uuid = {
            let mut books = lock(&self.books);
            check_delete(&books, version, &running, &fault)?;
            let description = format!("DELETE /api/cluster/software/packages/{version}");
            let mut job = super::new_job(description);
            job.state = JobState::Running;
            job.message = codes::DELETING_MSG.to_string();
            let uuid = job.uuid.clone();
            books.jobs.push(job);
            books.deletes.push(PendingDelete {
                job: uuid.clone(),
                version: version.to_string(),
                failure: (fault == Fault::DeleteTimeout)
                    .then(|| (codes::DELETE_TIMEOUT, codes::DELETE_TIMEOUT_MSG.to_string())),
            });
            uuid
        };
        let cluster = Arc::clone(self);
        let job = uuid.clone();
        self.env.tasks.spawn(async move {
            tokio::time::sleep(cluster.env.delete_duration).await;
            cluster.end_delete(&job);
        });
        Ok(uuid)
    }

    /// Ends every delete job now, as if `delete_duration` had passed.
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn finish_deletes(&self) {
        let jobs: Vec<String> = lock(&self.books)
            .deletes
            .iter()
            .map(|d| d.job.clone())
            .collect();
        for job in jobs {
            self.end_delete(&job);
        }
    }

    /// Ends one delete job (once: a job already ended is left alone).
    fn end_delete(&self, uuid: &str) {
        {
            let mut books = lock(&self.books);
            let Some(i) = books.deletes.iter().position(|d| d.job == uuid) else {
                return;
            };
            let pending = books.deletes.remove(i);
            let (state, message, code) = match pending.failure {
                None => {
                    books.packages.retain(|p| p.version != pending.version);
                    (JobState::Success, "success".to_string(), 0)
                }
                Some((code, message)) => (JobState::Failure, message, code),
            };
            super::end_job(&mut books, uuid, state, message, code);
        }
        self.job_ended.notify_waiters();
    }
}

/// True while a delete job takes `version` out of the repository.
pub(super) fn is_deleting(books: &Books, version: &str) -> bool {
    books.deletes.iter().any(|d| d.version == version)
}

/// The refusals of a DELETE, in the order the sim checks them: the package must be
/// there and not be the running version, and the repository must not be busy.
fn check_delete(books: &Books, version: &str, running: &str, fault: &Fault) -> Result<(), Refusal> {
    let refuse = |code: u64, message: &str| Err((code, message.to_string()));
    if books.packages.is_empty() {
        return refuse(codes::STORE_EMPTY, codes::STORE_EMPTY_MSG);
    }
    if books.packages.iter().all(|p| p.version != version) {
        return refuse(codes::NO_PACKAGE, codes::NO_PACKAGE_MSG);
    }
    if version == running {
        return Err((codes::PACKAGE_IN_USE, codes::package_in_use_msg(version)));
    }
    // A validation or an update really running (`cluster/software.rs`), or a fault saying so.
    if books.software.validating() {
        return refuse(codes::VALIDATING, codes::VALIDATING_MSG);
    }
    if books.software.updating() {
        return refuse(codes::UPDATING, codes::UPDATING_MSG);
    }
    match fault {
        Fault::Validating => refuse(codes::VALIDATING, codes::VALIDATING_MSG),
        Fault::Updating => refuse(codes::UPDATING, codes::UPDATING_MSG),
        Fault::Syncing => refuse(codes::SYNCING, codes::SYNCING_MSG),
        _ if !books.deletes.is_empty() => refuse(codes::SYNCING, codes::SYNCING_MSG),
        _ => Ok(()),
    }
}
