//! Assembling the dashboard: from a config (or the demo fleet) to a model, running
//! pollers and the settings the screen needs. The glue between `config`, `fleet`,
//! `state` and `tui`, kept out of `main` so tests can start a dashboard the same way.

use std::time::Duration;

use crate::config::{Config, Credentials};
use crate::fleet::{self, Fleet, POLLERS_MAX_IN_FLIGHT, Schedule, Target};
use crate::sim::SimFleet;
use crate::state::{ClusterIdentity, Model};
use crate::tui::DashboardSetup;

/// The demo fleet polls faster than a real one so that a first look feels alive.
pub const DEMO_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Whether to draw colours: off with `--no-color` or a non-empty `NO_COLOR`.
pub fn use_color(no_color_flag: bool) -> bool {
    let env_says_no = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !(no_color_flag || env_says_no)
}

/// A dashboard over the configured clusters. Credentials are resolved here, before the
/// screen takes over the terminal, so a password prompt can still be answered.
pub fn from_config(
    config: &Config,
    credentials: &Credentials,
    read_only: bool,
    color: bool,
) -> DashboardSetup {
    let targets = fleet::targets_from_config(config, credentials, read_only);
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
    assemble(
        targets,
        identities.collect(),
        schedules.collect(),
        config.path.display().to_string(),
        read_only,
        color,
    )
}

/// A dashboard over the embedded demo fleet.
pub fn from_demo(sim: &SimFleet, read_only: bool, color: bool) -> DashboardSetup {
    let targets = crate::demo::targets(sim, read_only);
    let identities = targets
        .iter()
        .map(|t| ClusterIdentity {
            name: t.name.clone(),
            url: t.url.clone(),
            poll_interval: DEMO_POLL_INTERVAL,
            ..ClusterIdentity::default()
        })
        .collect();
    let schedules = vec![
        Schedule {
            interval: DEMO_POLL_INTERVAL
        };
        targets.len()
    ];
    assemble(
        targets,
        identities,
        schedules,
        "demo (simulated fleet on loopback)".to_string(),
        read_only,
        color,
    )
}

fn assemble(
    targets: Vec<Target>,
    identities: Vec<ClusterIdentity>,
    schedules: Vec<Schedule>,
    config_label: String,
    read_only: bool,
    color: bool,
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
        read_only,
        color,
    }
}
