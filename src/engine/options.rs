//! How a front end asks for its engine: the options (journal, login retries, reserved
//! files, `max_running`, polls in flight, the upload rate) and the clusters it runs over.

use std::time::Duration;

#[cfg(doc)]
use super::POLLERS_MAX_IN_FLIGHT;
use super::Schedule;
use crate::download::audit::AuditLog;
use crate::download::journal::Journal;
use crate::download::sources::MirrorSource;
use crate::fleet::Target;

/// How a front end wants the engine to run.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// What the engine does with the downloads the journal holds.
    pub journal: JournalUse,
    /// While a cluster is paused after a refused login, its password source is read
    /// again this often (a fixed `password_file` resumes it; a refused password is never
    /// sent again). `None`: only when asked (`r`).
    pub login_retry: Option<Duration>,
    /// Open files the front end needs besides the pollers' connections (`ontop serve`'s
    /// client connections): kept out of the budget.
    pub reserved_files: u64,
    /// `max_running` for this run (`--max-running`, else the config's).
    pub max_running: Option<usize>,
    /// Polls in flight across the fleet, at most ([`POLLERS_MAX_IN_FLIGHT`] unless
    /// said; the open-file budget may lower it).
    pub polls_in_flight: Option<usize>,
    /// Bytes per second every upload from this host shares (`--limit-rate`, else the
    /// config's `upload_rate`); `None`: no limit.
    pub upload_rate: Option<u64>,
    /// When the pollers read the cluster's software.
    pub software: SoftwareReads,
}

impl EngineOptions {
    /// For a command about packages (download, list, remove): it shows no software, so
    /// the pollers read it only for a validation they follow.
    pub(crate) fn for_packages() -> Self {
        Self {
            software: SoftwareReads::WhenFollowed,
            ..Self::default()
        }
    }
}

/// When the pollers read the cluster's software (`GET /cluster/software`: where an
/// update stands, and the last validation's findings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SoftwareReads {
    /// With identity and version on their slow schedule, and on every poll while an
    /// update runs: the screens and `ontop serve` show it.
    #[default]
    Scheduled,
    /// Only while an operation it follows needs it (a validation): a command that
    /// starts or removes downloads shows none of it, and each cluster is spared a round
    /// trip in the first look.
    WhenFollowed,
}

/// What the engine does with the downloads other ontop runs left in the journal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JournalUse {
    /// Leaves them (a command follows only what it starts).
    #[default]
    Ignore,
    /// Follows them from the start.
    Resume,
    /// Follows them from the start, and reads the journal again this often for downloads
    /// other processes start meanwhile (the dashboard, `ontop serve`).
    Watch(Duration),
}

/// How often the dashboard and `ontop serve` read the journal again for downloads other
/// ontop processes started.
pub(crate) const JOURNAL_EVERY: Duration = Duration::from_secs(15);

/// The clusters an engine runs over, and where it records.
pub struct EngineSetup {
    /// One per cluster, in the order updates number them.
    pub clusters: Vec<(Target, Schedule)>,
    /// Where the audit log and the journal are (disabled for the demo).
    pub audit: AuditLog,
    pub journal: Journal,
    /// The site mirrors a start fetches from (`[[download.mirror]]`), credentials
    /// resolved.
    pub mirrors: Vec<MirrorSource>,
}
