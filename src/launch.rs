//! Assembling the dashboard: from a config (or the demo fleet) to the engine, a model
//! and the settings the screen needs. The glue between `config`, `engine` and `tui`,
//! kept out of `main` so tests can start a dashboard the same way.
//!
//! A dashboard over a config records in the data dir (the engine's recorder owns the
//! audit log and the journal), follows the jobs an earlier ontop left in the journal,
//! and reads the journal again for the downloads other ontop processes start.

use std::path::Path;
use std::sync::Arc;

use crate::config::{Config, Credentials};
use crate::engine::{Engine, EngineOptions, JOURNAL_EVERY, JournalUse};
use crate::tui::{DashboardSetup, FormDefaults};

/// How the screen behaves, as the command line asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScreenOptions {
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
pub(crate) fn from_config(
    config: &Config,
    credentials: &Arc<Credentials>,
    options: ScreenOptions,
    data_dir: Option<&Path>,
) -> DashboardSetup {
    let (engine, updates, model) = Engine::from_config(
        config,
        credentials,
        data_dir,
        crate::fleet::Session::from_flag(options.read_only),
        EngineOptions {
            journal: JournalUse::Watch(JOURNAL_EVERY),
            ..EngineOptions::default()
        },
    );
    DashboardSetup {
        model,
        engine,
        updates,
        config_label: config.path.display().to_string(),
        options,
        form: FormDefaults {
            url: config.download.url.as_ref().map(|u| u.to_string()),
            username: config.download.username.clone(),
        },
    }
}

/// How often the demo's package repositories are read again for the inventory (a
/// config says it per cluster: `packages_interval`).
#[cfg(feature = "sim")]
pub(crate) const INVENTORY_EVERY: std::time::Duration = crate::config::DEFAULT_PACKAGES_INTERVAL;
