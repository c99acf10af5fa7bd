//! Assembling the dashboard: from a config (or the demo fleet) to a model, running
//! pollers and the settings the screen needs. The glue between `config`, `fleet`,
//! `state` and `tui`, kept out of `main` so tests can start a dashboard the same way.
//!
//! A dashboard over a config records in the data dir (the engine's recorder owns the
//! audit log and the journal), and resumes following the jobs an earlier ontop left in
//! the journal.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::{Config, Credentials};
use crate::download::Tracker;
use crate::download::audit::AuditLog;
use crate::download::journal::Journal;
use crate::fleet::{self, Command, Fleet, POLLERS_MAX_IN_FLIGHT, Schedule, Target};
use crate::state::{ClusterIdentity, Model};
use crate::tui::DashboardSetup;

/// How the screen behaves, as the command line asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenOptions {
    /// `--read-only`: nothing can be started.
    pub read_only: bool,
    /// Colours, unless `--no-color` or `NO_COLOR`.
    pub color: bool,
    /// The bell when a download ends, unless `--no-bell`.
    pub bell: bool,
}

/// A dashboard over the configured clusters, recording in `data_dir`. Credentials are
/// resolved here, before the screen takes over the terminal, so a password prompt can
/// still be answered.
pub fn from_config(
    config: &Config,
    credentials: &Arc<Credentials>,
    options: ScreenOptions,
    data_dir: Option<&Path>,
) -> DashboardSetup {
    let mut targets = fleet::targets_from_config(config, credentials, options.read_only);
    fleet::targets::with_reauth(&mut targets, config, credentials);
    // From here on the screen is the terminal's: a source that needs a prompt after a
    // 401 becomes an error on its cluster instead of a prompt over the dashboard.
    credentials.set_interactive(false);
    let setup = assemble(
        targets,
        identities(config),
        schedules(config),
        config.path.display().to_string(),
        options,
        Records {
            audit: AuditLog::new(data_dir),
            journal: Journal::open(data_dir),
            download_defaults: (
                config.download.url.as_ref().map(|u| u.to_string()),
                config.download.username.clone(),
            ),
            max_running: config.download.max_running,
            removal_audit: AuditLog::new(data_dir),
        },
    );
    resume_journal(&setup.fleet, &setup.model);
    setup
}

/// What the model knows of each configured cluster before any poll.
pub(crate) fn identities(config: &Config) -> Vec<ClusterIdentity> {
    let identity = |c: &crate::config::ClusterConfig| ClusterIdentity {
        name: c.name.clone(),
        url: c.url.to_string(),
        labels: c.labels.clone(),
        // The session-wide --read-only is shown once in the header; the row badge is
        // for clusters that are read-only in the config.
        read_only: c.read_only,
        insecure: c.insecure,
        poll_interval: c.poll_interval,
        username: c.username.clone(),
    };
    config.clusters.iter().map(identity).collect()
}

/// How often the demo's package repositories are read again for the inventory (a
/// config says it per cluster: `packages_interval`).
pub const INVENTORY_EVERY: std::time::Duration = crate::config::DEFAULT_PACKAGES_INTERVAL;

/// Each configured cluster's poll schedule, the inventory included (its repository is
/// also read at the first answer, on `r`, and when a download starts or ends).
pub(crate) fn schedules(config: &Config) -> Vec<Schedule> {
    let schedule = |c: &crate::config::ClusterConfig| {
        Schedule::every(c.poll_interval).with_inventory(c.packages_interval)
    };
    config.clusters.iter().map(schedule).collect()
}

/// Where downloads are recorded, and what the form offers.
pub(crate) struct Records {
    pub(crate) audit: AuditLog,
    pub(crate) journal: Journal,
    pub(crate) download_defaults: (Option<String>, Option<String>),
    /// `[download] max_running`: downloads started here that may run at once.
    pub(crate) max_running: Option<usize>,
    /// Where package removals are audited (the same file as `audit`).
    pub(crate) removal_audit: AuditLog,
}

/// Follows again the jobs the journal holds for configured clusters: each cluster's
/// poller follows its job as a download an earlier ontop started. Entries for clusters
/// this config does not have are left for the config that has them.
pub(crate) fn resume_journal(fleet: &Fleet, model: &Model) {
    follow_entries(fleet, model, fleet.recorder().journal().entries());
}

/// Has each entry's cluster follow its job as a download an earlier ontop started;
/// entries for clusters the model does not have are left alone. Returns the followed.
pub(crate) fn follow_entries(
    fleet: &Fleet,
    model: &Model,
    entries: Vec<crate::download::journal::JournalEntry>,
) -> Vec<(String, String)> {
    let now = Timestamp::now();
    let mut followed = Vec::new();
    for entry in entries {
        let found = model
            .clusters
            .iter()
            .position(|c| c.identity.name == entry.cluster);
        let Some(cluster) = found else {
            continue;
        };
        followed.push((entry.cluster.clone(), entry.job.clone()));
        let started_at = entry.started_at.parse::<Timestamp>().unwrap_or(now);
        let tracker = Tracker::resumed(entry.url, entry.job, started_at, now)
            .with_server_username(entry.server_username);
        fleet.send(cluster, Command::Follow(Box::new(tracker)));
    }
    followed
}

/// Starts the pollers and puts the dashboard's parts together.
pub(crate) fn assemble(
    targets: Vec<Target>,
    identities: Vec<ClusterIdentity>,
    schedules: Vec<Schedule>,
    config_label: String,
    options: ScreenOptions,
    records: Records,
) -> DashboardSetup {
    // One kept-alive connection per cluster, and some room for the rest.
    #[cfg(unix)]
    if let Some(warning) = crate::files::make_room_for(targets.len() as u64 + 128) {
        crate::errln!("ontop: warning: {warning}");
        tracing::warn!("{warning}");
    }
    let journaled = records.journal.keeps();
    let (mut fleet, events) = Fleet::spawn(
        targets.into_iter().zip(schedules).collect(),
        POLLERS_MAX_IN_FLIGHT,
        (records.audit, records.journal),
    );
    fleet.set_max_running(records.max_running);
    fleet.set_removal_audit(records.removal_audit);
    DashboardSetup {
        model: Model::new(identities),
        fleet,
        events,
        config_label,
        read_only: options.read_only,
        color: options.color,
        bell: options.bell,
        download_defaults: records.download_defaults,
        journaled,
    }
}
