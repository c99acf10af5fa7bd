//! A cluster's history: what the details view lists, one [`Change`] per change seen (a
//! download state, an operation's step, an update's state), at most [`HISTORY_LEN`].

use jiff::Timestamp;

use super::{Change, ClusterState, HISTORY_LEN, Transition};
use crate::download::{Followed, Phase, Since};
use crate::ontap::DownloadStatus;
use crate::ontap::software::Software;

impl ClusterState {
    /// Notes a change of the cluster's download state in the history and its time.
    pub(super) fn observe_download(&mut self, at: Timestamp, download: &DownloadStatus) {
        let old = self.download_state().cloned();
        let new = download.state.clone();
        let first_sight = self.download.is_none();
        if first_sight || old != new {
            self.record(at, Change::Download { from: old, to: new });
            // Seen for the first time, a state may have held for long already.
            self.state_since = Some(if first_sight {
                Since::AtLeast(at)
            } else {
                Since::Exactly(at)
            });
        }
    }

    /// Notes in the history how a followed operation moved, as the engine says.
    pub(super) fn note_operation(&mut self, at: Timestamp, new: &Followed) {
        let old = self
            .operation(new.kind())
            .filter(|o| o.same_as(new))
            .cloned();
        let old = old.as_ref();
        if old.is_none() {
            let (operation, origin) = (new.operation.clone(), new.origin);
            self.record(at, Change::Began { operation, origin });
        }
        let old_job = old.and_then(|o| o.job.as_ref());
        if let (None, Some(job)) = (old_job, &new.job) {
            self.record(at, Change::FollowingJob(job.clone()));
        }
        let was_deleted = old.is_some_and(|o| o.job_deleted);
        if let (true, false, Some(job)) = (new.job_deleted, was_deleted, &new.job) {
            let (job, kind) = (job.clone(), new.kind());
            self.record(at, Change::JobDeleted { job, kind });
        }
        let old_phase = old.map(|o| &o.phase);
        if old_phase == Some(&new.phase) {
            return;
        }
        // An upload's bytes counting on is no change of state worth a line.
        if matches!(
            (old_phase, &new.phase),
            (Some(Phase::Sending { .. }), Phase::Sending { .. })
        ) {
            return;
        }
        match new.phase.ending() {
            Some(ending) => {
                let (operation, ending) = (new.operation.clone(), ending.clone());
                self.record(at, Change::Ended { operation, ending });
            }
            None if !matches!(new.phase, Phase::Starting | Phase::Queued { .. }) => {
                self.record(at, Change::Now(new.phase.clone()));
            }
            None => {}
        }
    }

    /// Notes in the history an update's state changing (started, paused, ended).
    pub(super) fn note_software(&mut self, at: Timestamp, new: &Software) {
        let old = self.readiness.software().and_then(|s| s.state.clone());
        if new.state.is_some() && old != new.state && (new.updating() || old.is_some()) {
            let target = new.pending_version.as_deref().unwrap_or("?").to_string();
            let to = new.state.clone();
            self.record(
                at,
                Change::Update {
                    target,
                    from: old,
                    to,
                },
            );
        }
    }

    pub(super) fn record(&mut self, at: Timestamp, what: Change) {
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        } else if self.history.len() == self.history.capacity() {
            // Grown in steps to at most HISTORY_LEN, not doubled past it: most clusters
            // only ever hold the state first seen (room for one, 168 bytes; a
            // `VecDeque` would set aside four), and each of ten thousand held a full
            // history from the start.
            let room = (self.history.len() * 2).clamp(1, HISTORY_LEN);
            self.history.reserve_exact(room - self.history.len());
        }
        self.history.push_back(Transition { at, what });
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, ClusterState, HISTORY_LEN};
    use crate::state::ClusterIdentity;
    use jiff::Timestamp;

    #[test]
    fn a_history_holds_no_memory_until_it_has_a_change_and_never_more_than_its_length() {
        let mut c = ClusterState::new(ClusterIdentity::default());
        assert_eq!(c.history.capacity(), 0, "a quiet cluster holds no history");
        c.record(Timestamp::UNIX_EPOCH, Change::FollowingJob("first".into()));
        assert_eq!(c.history.capacity(), 1, "room for the state first seen");
        for i in 0..3 * HISTORY_LEN {
            let at = Timestamp::from_second(i as i64).unwrap();
            c.record(at, Change::FollowingJob(format!("job-{i}")));
            assert!(
                c.history.capacity() <= HISTORY_LEN,
                "grown past its length at {i}"
            );
        }
        assert_eq!(c.history.len(), HISTORY_LEN);
        let newest = c.history.back().map(|t| &t.what);
        let expected = format!("job-{}", 3 * HISTORY_LEN - 1);
        assert!(matches!(newest, Some(Change::FollowingJob(j)) if *j == expected));
    }
}
