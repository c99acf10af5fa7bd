//! The keys the config file may hold, and reading one table of them into a [`Layer`].
//!
//! The tree is walked by hand rather than deserialized with serde so that one pass can
//! report every problem, in the words of the file: which table, which key, what is wrong
//! and what to write instead. Single values are read in [`super::values`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Map, Value};
use reqwest::Url;

use super::error::Problem;
use super::{CredentialSource, PACKAGES_INTERVAL_RANGE, POLL_INTERVAL_RANGE, TIMEOUT_RANGE};
use crate::ontap::Fingerprint;

/// Top-level tables.
pub(crate) const TOP_KEYS: &[&str] = &["defaults", "download", "serve", "validate", "cluster"];
/// Keys of `[validate]`: how validation results are judged.
pub(crate) const VALIDATE_KEYS: &[&str] = &["ignore", "max_age"];
/// Keys of one `[[cluster]]`.
#[rustfmt::skip]
pub(crate) const CLUSTER_KEYS: &[&str] = &[
    "name", "url", "username", "password", "password_env", "password_command", "password_file",
    "ca_file", "insecure", "poll_interval", "timeout", "labels", "read_only", "fingerprint",
    "tls_server_name", "packages_interval",
];
/// Keys of `[defaults]`: the cluster keys that make sense for many clusters at once.
#[rustfmt::skip]
pub(crate) const DEFAULTS_KEYS: &[&str] = &[
    "username", "password", "password_env", "password_command", "password_file", "ca_file",
    "insecure", "poll_interval", "timeout", "labels", "read_only", "fingerprint",
    "packages_interval",
];
/// The keys that say where a password comes from; a table may hold one of them.
pub(super) const PASSWORD_KEYS: &[&str] = &[
    "password",
    "password_env",
    "password_command",
    "password_file",
];
/// Keys of `[download]`.
pub(crate) const DOWNLOAD_KEYS: &[&str] =
    &["url", "username", "max_running", "mirror", "upload_rate"];
/// Keys of `[serve]`: where `ontop serve` listens, who may read it, how its page groups.
#[rustfmt::skip]
pub(crate) const SERVE_KEYS: &[&str] = &[
    "listen", "username", "password", "password_env", "password_command", "password_file",
    "tls_cert_file", "tls_key_file", "group",
];

/// Names people reach for, and the key they meant.
#[rustfmt::skip]
const ALIASES: &[(&str, &str)] = &[
    ("host", "url"), ("hostname", "url"), ("address", "url"), ("addr", "url"),
    ("user", "username"), ("login", "username"), ("ca", "ca_file"), ("cafile", "ca_file"),
    ("ca_cert", "ca_file"), ("interval", "poll_interval"), ("clusters", "cluster"),
    ("default", "defaults"), ("tags", "labels"), ("readonly", "read_only"),
];

/// One table's worth of settings (`[defaults]` or one `[[cluster]]`), each `None` when
/// the table does not set it.
#[derive(Default)]
pub(super) struct Layer {
    pub name: Option<String>,
    pub url: Option<Url>,
    pub username: Option<String>,
    pub credential: Option<CredentialSource>,
    pub ca_file: Option<PathBuf>,
    pub insecure: Option<bool>,
    pub poll_interval: Option<Duration>,
    pub packages_interval: Option<Duration>,
    pub timeout: Option<Duration>,
    pub labels: BTreeMap<String, String>,
    pub read_only: Option<bool>,
    pub fingerprint: Option<Fingerprint>,
    pub tls_server_name: Option<String>,
    /// Every key the table holds, valid or not: a key written wrongly is not "missing".
    pub written: BTreeSet<String>,
}

/// Which table a key is in, for messages.
#[derive(Clone, Debug)]
pub(super) enum Scope {
    Top,
    Defaults,
    Download,
    Serve,
    Validate,
    /// 1-based position among the `[[cluster]]` tables, and its name when it has one.
    Cluster(usize, Option<String>),
    /// 1-based position among the `[[download.mirror]]` tables.
    Mirror(usize),
}

impl Scope {
    /// The section an environment variable may override, if any.
    fn env_section(&self) -> Option<&'static str> {
        match self {
            Self::Defaults => Some("defaults"),
            Self::Download => Some("download"),
            _ => None,
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Top => f.write_str("top level"),
            Self::Defaults => f.write_str("[defaults]"),
            Self::Download => f.write_str("[download]"),
            Self::Serve => f.write_str("[serve]"),
            Self::Validate => f.write_str("[validate]"),
            Self::Cluster(n, Some(name)) => write!(f, "[[cluster]] #{n} {name:?}"),
            Self::Cluster(n, None) => write!(f, "[[cluster]] #{n}"),
            Self::Mirror(n) => write!(f, "[[download.mirror]] #{n}"),
        }
    }
}

/// Walks tables, collecting problems and warnings as it goes.
pub(super) struct Reader<'a> {
    pub file: &'a Path,
    env: &'a BTreeMap<String, String>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
    /// Tables that hold a plain `password` written in the file itself.
    pub plain_in_file: Vec<String>,
    /// Where paths from environment overrides start: where ontop was started.
    pub cwd: PathBuf,
}

impl<'a> Reader<'a> {
    pub(super) fn new(file: &'a Path, env: &'a BTreeMap<String, String>) -> Self {
        Self {
            file,
            env,
            problems: Vec::new(),
            warnings: Vec::new(),
            plain_in_file: Vec::new(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// The variable that set `key` in `scope`, when an environment override did.
    pub(super) fn env_var(&self, scope: &Scope, key: &str) -> Option<&'a String> {
        self.env.get(&format!("{}.{key}", scope.env_section()?))
    }

    /// Records a problem with `key`, placed at the variable that set it or the file.
    pub(super) fn problem(
        &mut self,
        scope: &Scope,
        key: &str,
        message: String,
        fix: impl Into<String>,
    ) {
        let place = match self.env_var(scope, key) {
            Some(var) => format!("environment variable {var}"),
            None => format!("{}: {scope}", self.file.display()),
        };
        let fix = fix.into();
        self.problems.push(Problem {
            place,
            key: key.to_owned(),
            message,
            fix,
        });
    }

    /// Reports keys of `table` that are not in `allowed`, with the nearest valid key.
    pub(super) fn unknown_keys(
        &mut self,
        scope: &Scope,
        table: &Map<String, Value>,
        allowed: &[&str],
    ) {
        for key in sorted_keys(table)
            .into_iter()
            .filter(|k| !allowed.contains(&k.as_str()))
        {
            let (message, fix) =
                if matches!(scope, Scope::Defaults) && CLUSTER_KEYS.contains(&key.as_str()) {
                    (
                        format!("{key:?} cannot be a default"),
                        "set it in each [[cluster]] instead".to_owned(),
                    )
                } else {
                    let fix = match suggest(key, allowed) {
                        Some(near) => format!("did you mean {near:?}?"),
                        None => format!("valid keys here: {}", allowed.join(", ")),
                    };
                    (format!("unknown key {key:?}"), fix)
                };
            self.problem(scope, key, message, fix);
        }
    }

    /// Reads one `[defaults]` or `[[cluster]]` table: the `allowed` keys into a [`Layer`],
    /// any other key into a problem.
    pub(super) fn layer(
        &mut self,
        scope: &Scope,
        table: &Map<String, Value>,
        allowed: &[&str],
        base_dir: &Path,
    ) -> Layer {
        self.unknown_keys(scope, table, allowed);
        let mut layer = Layer::default();
        let mut sources = Vec::new();
        // A password source from the environment replaces the one written in the file.
        let env_password = PASSWORD_KEYS
            .iter()
            .any(|k| table.contains_key(*k) && self.env_var(scope, k).is_some());
        layer.written = table.keys().cloned().collect();
        for key in sorted_keys(table)
            .into_iter()
            .filter(|k| allowed.contains(&k.as_str()))
        {
            let value = &table[key];
            let from_env = self.env_var(scope, key).is_some();
            if env_password && !from_env && PASSWORD_KEYS.contains(&key.as_str()) {
                continue;
            }
            match key.as_str() {
                "name" => layer.name = self.name(scope, key, value),
                "url" => layer.url = self.url(scope, key, value, true),
                "username" => layer.username = self.text(scope, key, value),
                "fingerprint" => layer.fingerprint = self.fingerprint(scope, key, value),
                "tls_server_name" => layer.tls_server_name = self.server_name(scope, key, value),
                k if PASSWORD_KEYS.contains(&k) => {
                    if let Some(source) = self.password_source(scope, key, value, base_dir) {
                        if key == "password" && !from_env {
                            self.plain_in_file.push(scope.to_string());
                        }
                        sources.push((key, source));
                    }
                }
                "ca_file" => layer.ca_file = self.path(scope, key, value, base_dir),
                "insecure" => layer.insecure = self.flag(scope, key, value),
                "read_only" => layer.read_only = self.flag(scope, key, value),
                "poll_interval" => {
                    layer.poll_interval = self.duration(scope, key, value, POLL_INTERVAL_RANGE)
                }
                "timeout" => layer.timeout = self.duration(scope, key, value, TIMEOUT_RANGE),
                "packages_interval" => {
                    layer.packages_interval =
                        self.duration(scope, key, value, PACKAGES_INTERVAL_RANGE)
                }
                "labels" => layer.labels = self.labels(scope, value),
                _ => {} // not in `allowed`: reported above
            }
        }
        layer.credential = self.one_source(scope, sources);
        self.contradictions(scope, &layer);
        layer
    }

    /// A password key's value as a source (`None` when it is not valid: a problem says
    /// why).
    fn password_source(
        &mut self,
        scope: &Scope,
        key: &str,
        value: &Value,
        base_dir: &Path,
    ) -> Option<CredentialSource> {
        match key {
            "password" => self.secret(scope, key, value).map(CredentialSource::Plain),
            "password_env" => self.text(scope, key, value).map(CredentialSource::Env),
            "password_command" => self.argv(scope, key, value).map(CredentialSource::Command),
            _ => self
                .path(scope, key, value, base_dir)
                .map(CredentialSource::File),
        }
    }

    /// The one password source of a table; more than one is a problem.
    fn one_source(
        &mut self,
        scope: &Scope,
        mut sources: Vec<(&String, CredentialSource)>,
    ) -> Option<CredentialSource> {
        if sources.len() > 1 {
            let keys: Vec<&str> = sources.iter().map(|(k, _)| k.as_str()).collect();
            let message = format!("more than one password source ({})", keys.join(", "));
            self.problem(
                scope,
                keys[1],
                message,
                "keep exactly one of them in this table",
            );
        }
        sources.pop().map(|(_, source)| source)
    }

    /// Trust settings that contradict each other in one table.
    fn contradictions(&mut self, scope: &Scope, layer: &Layer) {
        if layer.insecure == Some(true) && layer.ca_file.is_some() {
            self.problem(
                scope,
                "insecure",
                "insecure = true contradicts ca_file (skip verification, or verify against this CA?)".to_owned(),
                "remove one of them: keep ca_file to verify the certificate (recommended)",
            );
        }
        if layer.insecure == Some(true) && layer.fingerprint.is_some() {
            self.problem(
                scope,
                "insecure",
                "insecure = true contradicts fingerprint (skip verification, or pin the certificate?)".to_owned(),
                "remove insecure = true: the pinned fingerprint is the safe way to trust a self-signed certificate",
            );
        }
    }
}

/// The closest of `candidates` to a mistyped `key`, if any is close enough to be a guess.
pub(super) fn suggest<'c>(key: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = key.to_lowercase();
    if let Some((_, meant)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return candidates.iter().find(|c| *c == meant).copied();
    }
    crate::text::suggest::best_match(&lower, candidates)
}

/// Table keys in a stable order (the `config` crate keeps them in a hash map).
pub(super) fn sorted_keys(table: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort();
    keys
}
