//! The config file: where it lives, what it may say, and where passwords come from.
//!
//! Everything that turns `config.toml` into a [`Config`] happens here, once, at start:
//! [`load`] finds the file ([`resolve_path`]), reads it with the `config` crate plus the
//! `ONTOP__` environment overrides, and validates all of it. Validation collects every
//! problem it finds, not just the first, and each one names the file, the key and the fix
//! (see [`ConfigError`]). The rest of the program never sees a half-valid config.
//! Which keys each table holds, how each is read and what it means is one list,
//! [`keys::KEYS`]: the reader, the suggestions and the man page all read it.
//!
//! Passwords are not read at load time: a [`ClusterConfig`] only says where its password
//! comes from ([`CredentialSource`]). [`Credentials`] resolves each source on demand,
//! once, and forgets it after a 401 so the next attempt re-reads it.
//!
//! Rules that are a choice rather than a necessity:
//! - `[defaults]` holds every per-cluster key except `name`, `url` and
//!   `tls_server_name`. A cluster's own value wins. `labels` are merged, the cluster's
//!   own label winning on the same key.
//! - Two password sources in one table is an error; a cluster's source replaces the one
//!   it would inherit. The same goes for `ca_file` or `fingerprint` against
//!   `insecure = true`: the more specific table wins.
//! - A `fingerprint` decides alone: with one set, a `ca_file` is not consulted.
//! - A cluster with no password source anywhere asks for it at start
//!   ([`CredentialSource::Prompt`]); clusters with the same user share one answer.
//! - `ONTOP__DEFAULTS__KEY` and `ONTOP__DOWNLOAD__KEY` override the file; any other
//!   `ONTOP__` variable (`ONTOP__CLUSTER__...` included) is an error naming it, because a
//!   silently ignored override is worse than a refusal. Env keys arrive lowercased.
//!   A password source set from the environment replaces the file's `[defaults]` one.

mod addresses;
mod credentials;
mod environment;
mod error;
pub(crate) mod import;
pub(crate) mod keys;
mod mirror;
mod paths;
mod readiness;
mod render;
mod schema;
mod serve;
mod source;
mod validate;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;

use crate::ontap::Fingerprint;

pub(crate) use credentials::COMMAND_TIMEOUT;
pub use credentials::{Credentials, Prompting};
pub use environment::Environment;
pub use error::ConfigError;
pub(crate) use mirror::{Mirror, coverage, mirror_for};
pub use paths::default_config_path;
pub use paths::resolve_path_in;
pub(crate) use paths::{CONFIG_PATH_ENV, data_dir, resolve_path};
pub(crate) use readiness::ValidateSettings;
pub(crate) use serve::{DEFAULT_LISTEN, ServeSettings};

/// How often a cluster is polled when neither it nor `[defaults]` says.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Per-request timeout when unset: above ONTAP's own 15 s server-side GET timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Faster polling than this only loads the cluster without showing anything new.
pub(crate) const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// `poll_interval` may be from 1 s to a day: slower is no longer a dashboard.
pub(crate) const POLL_INTERVAL_RANGE: (Duration, Duration) =
    (MIN_POLL_INTERVAL, Duration::from_secs(24 * 3600));
/// How often a cluster's package repository is read again when nothing says.
pub(crate) const DEFAULT_PACKAGES_INTERVAL: Duration = Duration::from_secs(600);
/// `packages_interval` may be from 1 minute to a day: the repository changes rarely, and
/// it is read again anyway when a download starts or ends.
pub(crate) const PACKAGES_INTERVAL_RANGE: (Duration, Duration) =
    (Duration::from_secs(60), Duration::from_secs(24 * 3600));
/// `timeout` may be from 1 ms to 10 minutes: a request longer than that is lost.
pub(crate) const TIMEOUT_RANGE: (Duration, Duration) =
    (Duration::from_millis(1), Duration::from_secs(600));
/// The longest cluster name: room for any real one, and a table still fits a terminal.
pub(crate) const MAX_NAME: usize = 64;

/// A loaded and fully validated config file.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it came from (absolute), for messages and `ontop config check`.
    pub path: PathBuf,
    /// Clusters in file order, each with `[defaults]` already applied.
    pub clusters: Vec<ClusterConfig>,
    /// Defaults for the download kick-off form.
    pub download: DownloadDefaults,
    /// Where `ontop serve` listens and who may read it (`[serve]`).
    pub serve: ServeSettings,
    /// How validation results are judged (`[validate]`).
    pub validate: ValidateSettings,
    /// Things that work but deserve a look (e.g. a plain password in a readable file).
    pub warnings: Vec<String>,
}

/// The `[download]` table: what the kick-off form offers before the user types anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownloadDefaults {
    /// Package URL on the package server, kept exactly as written (path included).
    pub url: Option<Url>,
    /// User on the package server (not the cluster user).
    pub username: Option<String>,
    /// At most this many downloads started by ontop run at once; the rest wait in ontop
    /// (`--max-running` wins). `None`: no limit.
    pub max_running: Option<usize>,
    /// Each site's own package server (`[[download.mirror]]`), first match wins.
    pub mirrors: Vec<Mirror>,
    /// Bytes per second every upload from this host shares (`upload_rate = "50MiB/s"`;
    /// `--limit-rate` wins). `None`: no limit.
    pub upload_rate: Option<u64>,
}

/// The most `max_running` may say: more is no limit a package server notices.
pub(crate) const MAX_RUNNING_LIMIT: usize = 10_000;

/// One `[[cluster]]` after inheritance: everything a poller needs to reach it.
///
/// `Debug` is safe to log: a plain password is a [`SecretString`], shown redacted.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// Unique name, as used by `--cluster NAME` and shown in the dashboard.
    pub name: String,
    /// Cluster management address, reduced to its origin (`https://host[:port]/`).
    pub url: Url,
    /// ONTAP user for the REST API.
    pub username: String,
    /// Where the password comes from; resolved later by [`Credentials`].
    pub credential: CredentialSource,
    /// Trust only this CA for this cluster (absolute path; the client parses the PEM).
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification (the dashboard shows a badge for it).
    pub insecure: bool,
    /// Time between two polls of this cluster.
    pub poll_interval: Duration,
    /// Time between two reads of the cluster's package repository (the inventory).
    pub packages_interval: Duration,
    /// Time one request may take before the cluster counts as not answering.
    pub timeout: Duration,
    /// Free-form labels for filtering and sorting (e.g. `site`, `env`).
    pub labels: BTreeMap<String, String>,
    /// Never start a download here, whatever the command line says.
    pub read_only: bool,
    /// The pinned SHA-256 of the cluster's certificate: when set, it alone decides
    /// whether the certificate is trusted (as with SSH host keys).
    pub fingerprint: Option<Fingerprint>,
    /// The name the certificate is checked against instead of the host in `url`, for a
    /// cluster reached by an address its certificate does not name.
    pub tls_server_name: Option<String>,
}

/// Where a cluster's password comes from. Two clusters with equal sources share one
/// resolved password (see [`Credentials`]).
#[derive(Clone, Debug)]
pub enum CredentialSource {
    /// `password = "..."` in the config itself.
    Plain(SecretString),
    /// `password_env = "VAR"`: read from this environment variable.
    Env(String),
    /// `password_command = [argv...]`: the first line of the command's stdout.
    Command(Vec<String>),
    /// `password_file = "path"`: the first line of a file only its owner can read.
    File(PathBuf),
    /// No source configured: ask on the terminal, without echo, when interactive.
    Prompt,
}

impl CredentialSource {
    /// The config key and its (non-secret) value, for messages: `password_env "ONTAP_PW"`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Plain(_) => "password (plain, in the config)".to_owned(),
            Self::Env(var) => format!("password_env {var:?}"),
            Self::Command(argv) => format!("password_command {argv:?}"),
            Self::File(path) => format!("password_file {:?}", path.display().to_string()),
            Self::Prompt => "password prompt (no password source configured)".to_owned(),
        }
    }
}

impl Config {
    /// The same config with only the clusters at `chosen` (config order kept).
    pub(crate) fn subset(&self, chosen: &[usize]) -> Config {
        let mut subset = self.clone();
        subset.clusters = chosen
            .iter()
            .filter_map(|&i| self.clusters.get(i).cloned())
            .collect();
        subset
    }

    /// The cluster called `name`, for commands that take `--cluster NAME`.
    pub fn cluster(&self, name: &str) -> Option<&ClusterConfig> {
        (self.clusters.iter().find(|c| c.name == name)).or_else(|| {
            (self.clusters.iter()).find(|c| crate::text::suggest::same_name(name, &c.name))
        })
    }

    /// The resolved config as TOML-like text for `ontop config check`: defaults applied,
    /// durations human-readable, and every password shown only by where it comes from.
    pub fn render_redacted(&self) -> String {
        render::render(self)
    }
}

/// Finds the config file (`--config`, else `ONTOP_CONFIG`, else the default path) and
/// loads it. With no file there, the error says where it looked and what to do next.
pub(crate) fn load(cli_path: Option<&Path>) -> Result<Config, ConfigError> {
    load_in(&Environment::process(), cli_path)
}

/// [`load`], reading `ONTOP_CONFIG`, the overrides and `password_env` from `env`.
pub fn load_in(env: &Environment, cli_path: Option<&Path>) -> Result<Config, ConfigError> {
    let path = resolve_path_in(env, cli_path).ok_or(ConfigError::NotFound {
        searched: Vec::new(),
    })?;
    load_from_in(env, &path)
}

/// Loads one named file plus the `ONTOP__` environment overrides, and validates it all.
pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
    load_from_in(&Environment::process(), path)
}

/// [`load_from`] with the variables of `env`.
pub fn load_from_in(env: &Environment, path: &Path) -> Result<Config, ConfigError> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let raw = source::read(&path, env)?;
    validate::build(&path, raw, env)
}
