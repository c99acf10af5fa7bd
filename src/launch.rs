//! Assembling the dashboard: from a config (or the demo fleet) to a model, running
//! pollers and the settings the screen needs. The glue between `config`, `fleet`,
//! `state` and `tui`, kept out of `main` so tests can start a dashboard the same way.
//!
//! A dashboard over a config also opens the audit log and the journal in the data dir,
//! and resumes following the jobs an earlier session left in the journal.

use std::sync::Arc;

use jiff::Timestamp;

use crate::audit::AuditLog;
use crate::cli::Cli;
use crate::config::{self, Config, Credentials};
use crate::fleet::{self, Command, Fleet, POLLERS_MAX_IN_FLIGHT, Schedule, Target};
use crate::journal::Journal;
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

impl ScreenOptions {
    /// The options the global flags (and `NO_COLOR`) give.
    pub fn from_cli(cli: &Cli) -> Self {
        Self {
            read_only: cli.read_only,
            color: use_color(cli.no_color),
            bell: !cli.no_bell,
        }
    }
}

/// Whether to draw colours: off with `--no-color` or a non-empty `NO_COLOR`.
pub fn use_color(no_color_flag: bool) -> bool {
    let env_says_no = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !(no_color_flag || env_says_no)
}

/// A dashboard over the configured clusters. Credentials are resolved here, before the
/// screen takes over the terminal, so a password prompt can still be answered.
pub fn from_config(
    config: &Config,
    credentials: &Arc<Credentials>,
    options: ScreenOptions,
) -> DashboardSetup {
    let mut targets = fleet::targets_from_config(config, credentials, options.read_only);
    fleet::targets::with_reauth(&mut targets, config, credentials);
    // From here on the screen is the terminal's: a source that needs a prompt after a
    // 401 becomes an error on its cluster instead of a prompt over the dashboard.
    credentials.set_interactive(false);
    let identities = config.clusters.iter().map(|c| ClusterIdentity {
        name: c.name.clone(),
        url: c.url.to_string(),
        labels: c.labels.clone(),
        // The session-wide --read-only is shown once in the header; the row badge is
        // for clusters that are read-only in the config.
        read_only: c.read_only,
        insecure: c.insecure,
        poll_interval: c.poll_interval,
    });
    let schedules = config.clusters.iter().map(|c| Schedule {
        interval: c.poll_interval,
    });
    let data_dir = config::data_dir();
    let mut setup = assemble(
        targets,
        identities.collect(),
        schedules.collect(),
        config.path.display().to_string(),
        options,
        Records {
            audit: AuditLog::new(data_dir.as_deref()),
            journal: Journal::open(data_dir.as_deref()),
            download_defaults: (
                config.download.url.as_ref().map(|u| u.to_string()),
                config.download.username.clone(),
            ),
        },
    );
    resume_journal(&mut setup);
    setup
}

/// Where downloads are recorded, and what the form offers.
pub(crate) struct Records {
    pub(crate) audit: AuditLog,
    pub(crate) journal: Journal,
    pub(crate) download_defaults: (Option<String>, Option<String>),
}

/// Follows again the jobs the journal holds for configured clusters: the model shows
/// them as this session's downloads, and each cluster's poller tracks its job. Entries
/// for clusters this config does not have are left for the config that has them.
fn resume_journal(setup: &mut DashboardSetup) {
    for entry in setup.journal.entries() {
        let found = setup
            .model
            .clusters
            .iter()
            .position(|c| c.identity.name == entry.cluster);
        let Some(cluster) = found else {
            continue;
        };
        let started_at = entry
            .started_at
            .parse::<Timestamp>()
            .unwrap_or_else(|_| Timestamp::now());
        setup
            .model
            .resume(cluster, entry.url, entry.job.clone(), started_at);
        setup.fleet.send(cluster, Command::TrackJob(entry.job));
    }
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
    let (fleet, events) = Fleet::spawn(
        targets.into_iter().zip(schedules).collect(),
        POLLERS_MAX_IN_FLIGHT,
    );
    DashboardSetup {
        model: Model::new(identities),
        fleet,
        events,
        config_label,
        read_only: options.read_only,
        color: options.color,
        audit: Arc::new(records.audit),
        journal: Arc::new(records.journal),
        bell: options.bell,
        download_defaults: records.download_defaults,
    }
}
