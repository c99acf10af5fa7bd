//! Following one download to its end from a command (`ontop download --wait`): asks the
//! cluster what the [`Tracker`] wants, hands it the answer, and waits an interval. The
//! dashboard's pollers drive the same tracker with their own polls.

use std::time::Duration;

use jiff::Timestamp;

use super::ending::Ending;
use super::tracker::{Followed, Observation, Tracker, Want};
use crate::ontap::{Client, Job, OntapError};

/// Follows `tracker`'s download until it ends; `on_progress` sees where it stands after
/// every poll, `interval` apart.
pub async fn follow(
    client: &Client,
    tracker: &mut Tracker,
    interval: Duration,
    mut on_progress: impl FnMut(&Followed),
) -> Ending {
    loop {
        let (ended, again_at_once) = match tracker.want() {
            Want::Nothing => (tracker.ending().cloned(), false),
            Want::Job(uuid) => match client.job(&uuid).await {
                Ok(job) => (
                    tracker.observe(Observation::Job(&job), Timestamp::now()),
                    false,
                ),
                Err(e) if is_gone(&e) => {
                    // Deleted after it ended: the download status tells how, right now.
                    (
                        tracker.observe(Observation::JobGone, Timestamp::now()),
                        true,
                    )
                }
                Err(e) => (
                    tracker.observe(Observation::Failed(&e), Timestamp::now()),
                    false,
                ),
            },
            Want::DownloadStatus => match client.download_status().await {
                Ok(status) => (
                    tracker.observe(Observation::Download(&status), Timestamp::now()),
                    false,
                ),
                Err(e) => (
                    tracker.observe(Observation::Failed(&e), Timestamp::now()),
                    false,
                ),
            },
        };
        if let Some(ending) = ended {
            return ending;
        }
        on_progress(tracker.followed());
        if !again_at_once {
            tokio::time::sleep(interval).await;
        }
    }
}

/// A job GET answered 404 (code 4): the job is gone.
pub fn is_gone(error: &OntapError) -> bool {
    error.http_status == Some(404)
}

/// The job of the download already running on the cluster, when the cluster lists it:
/// what attaching follows, with its own start time. `None` when it cannot be found
/// (older releases, a job already deleted): the download status is followed instead.
pub async fn running_download_job(client: &Client) -> Option<Job> {
    match client.download_jobs().await {
        Ok(jobs) => jobs
            .into_iter()
            .filter(|j| j.state.as_ref().is_some_and(|s| !s.is_terminal()))
            .max_by(|a, b| a.start_time.cmp(&b.start_time)),
        Err(e) => {
            tracing::debug!(cluster = client.name(), error = %e, "no job list for attaching");
            None
        }
    }
}
