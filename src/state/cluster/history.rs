//! A cluster's history: the lines the details view lists, one per change seen (a
//! download state, an operation's step, an update's state), at most [`HISTORY_LEN`].

use jiff::Timestamp;

use super::{ClusterState, HISTORY_LEN, Transition, short_uuid};
use crate::download::{Followed, OperationKind, Origin, Phase, Since};
use crate::ontap::DownloadState;
use crate::ontap::DownloadStatus;
use crate::ontap::software::{Software, UpdateState};

impl ClusterState {
    /// Notes a change of the cluster's download state in the history and its time.
    pub(super) fn observe_download(&mut self, at: Timestamp, download: &DownloadStatus) {
        let old = self.download_state().cloned();
        let new = download.state.clone();
        let first_sight = self.download.is_none();
        if first_sight || old != new {
            self.record(
                at,
                format!(
                    "download {} → {}",
                    state_word(old.as_ref()),
                    state_word(new.as_ref())
                ),
            );
            // Seen for the first time, a state may have held for long already.
            self.state_since = Some(if first_sight {
                Since::AtLeast(at)
            } else {
                Since::Exactly(at)
            });
        }
    }

    /// Notes in the history how a followed operation moved, in the engine's words.
    pub(super) fn note_operation(&mut self, at: Timestamp, new: &Followed) {
        let old = self
            .operation(new.kind())
            .filter(|o| o.same_as(new))
            .cloned();
        let old = old.as_ref();
        if old.is_none() {
            self.record(at, operation_began(new));
        }
        let old_job = old.and_then(|o| o.job.as_ref());
        if let (None, Some(job)) = (old_job, &new.job) {
            self.record(at, format!("following job {}", short_uuid(job)));
        }
        let was_deleted = old.is_some_and(|o| o.job_deleted);
        if let (true, false, Some(job)) = (new.job_deleted, was_deleted, &new.job) {
            self.record(
                at,
                format!(
                    "job {} deleted by the cluster (it had ended): {}",
                    short_uuid(job),
                    match new.kind() {
                        OperationKind::Download => "following the download status",
                        OperationKind::Removal => "reading the repository",
                        OperationKind::Validation => "reading its results",
                    }
                ),
            );
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
            Some(ending) => self.record(at, format!("{} ended: {}", noun(new), ending.describe())),
            None if !matches!(new.phase, Phase::Starting | Phase::Queued { .. }) => {
                self.record(at, format!("now {}", new.phase.word()));
            }
            None => {}
        }
    }

    /// Notes in the history an update's state changing (started, paused, ended).
    pub(super) fn note_software(&mut self, at: Timestamp, new: &Software) {
        let old = self.readiness.software().and_then(|s| s.state.clone());
        if new.state.is_some() && old != new.state && (new.updating() || old.is_some()) {
            let word = |s: Option<&UpdateState>| s.map_or("-", UpdateState::as_str).to_string();
            let target = new.pending_version.as_deref().unwrap_or("?");
            let what = format!(
                "update to {target}: {} → {}",
                word(old.as_ref()),
                word(new.state.as_ref())
            );
            self.record(at, what);
        }
    }

    pub(super) fn record(&mut self, at: Timestamp, what: String) {
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        }
        self.history.push_back(Transition { at, what });
    }
}

/// The history line for an operation the engine begins to follow.
fn operation_began(new: &Followed) -> String {
    use crate::download::Operation;
    match (&new.operation, new.origin) {
        (Operation::Removal { version }, _) => format!("removal of package {version} requested"),
        (Operation::Validation { version }, _) => format!("validation of {version} requested"),
        (Operation::Upload(file), _) => format!("upload of {} requested", file.name),
        (_, Origin::Started) => format!("download requested: {}", new.operation.url()),
        (_, Origin::Resumed) => format!(
            "following a download started earlier: {}",
            new.operation.url()
        ),
        (_, Origin::Attached) => "already downloading: following it, no request sent".into(),
    }
}

/// "download", "removal of 9.16.1P3".
fn noun(followed: &Followed) -> String {
    match &followed.operation {
        crate::download::Operation::Removal { version } => format!("removal of {version}"),
        crate::download::Operation::Validation { version } => format!("validation of {version}"),
        crate::download::Operation::Upload(file) => format!("upload of {}", file.name),
        _ => "download".into(),
    }
}

fn state_word(state: Option<&DownloadState>) -> &str {
    state.map_or("-", |s| s.as_str())
}
