//! Reading one table of the config file into a [`Layer`], as the key list
//! ([`super::keys::KEYS`]) says: which keys the table allows, how each is read and which
//! field it fills.
//!
//! The tree is walked by hand rather than deserialized with serde so that one pass can
//! report every problem, in the words of the file: which table, which key, what is wrong
//! and what to write instead. Each key's reader is named in the key list: the common kinds
//! are in [`super::values`], addresses in [`super::addresses`], and the tables of their own
//! beside their sections (`mirror.rs`, `serve.rs`, `readiness.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Map, Value};
use reqwest::Url;

use super::error::Problem;
use super::keys::{self, PasswordKey, Read, Section};
use super::{CredentialSource, Environment, Mirror};
use crate::ontap::Fingerprint;

/// One table's worth of settings, each `None` when the table does not set it. Every table
/// is read into one (each fills the fields of its own keys), then its section turns it
/// into what the program uses: a [`super::ClusterConfig`], a [`super::ServeSettings`]...
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
    pub max_running: Option<usize>,
    pub mirrors: Vec<Mirror>,
    pub upload_rate: Option<u64>,
    pub listen: Option<SocketAddr>,
    pub group: Option<String>,
    pub tls_cert_file: Option<PathBuf>,
    pub tls_key_file: Option<PathBuf>,
    pub base: Option<Url>,
    pub ignore: Option<Vec<String>>,
    pub max_age: Option<Duration>,
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
    /// The kind of table this is, for its keys.
    pub(super) fn section(&self) -> Section {
        match self {
            Self::Top => Section::Top,
            Self::Defaults => Section::Defaults,
            Self::Download => Section::Download,
            Self::Serve => Section::Serve,
            Self::Validate => Section::Validate,
            Self::Cluster(..) => Section::Cluster,
            Self::Mirror(_) => Section::Mirror,
        }
    }

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
            // In a sentence ("unknown key at top level"), not as a table's header.
            Self::Top => f.write_str("top level"),
            Self::Cluster(n, Some(name)) => write!(f, "[[cluster]] #{n} {name:?}"),
            Self::Cluster(n, None) => write!(f, "[[cluster]] #{n}"),
            Self::Mirror(n) => write!(f, "[[download.mirror]] #{n}"),
            Self::Defaults | Self::Download | Self::Serve | Self::Validate => {
                f.write_str(self.section().header())
            }
        }
    }
}

/// Walks tables, collecting problems and warnings as it goes.
pub(super) struct Reader<'a> {
    pub file: &'a Path,
    /// Where relative paths in the file start: the file's directory.
    pub base_dir: &'a Path,
    /// Where `password_env` variables are looked up.
    pub environment: &'a Environment,
    env: &'a BTreeMap<String, String>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
    /// Tables that hold a plain `password` written in the file itself.
    pub plain_in_file: Vec<String>,
    /// Where paths from environment overrides start: where ontop was started.
    pub cwd: PathBuf,
}

impl<'a> Reader<'a> {
    /// A reader of `file`, whose keys `env` (dotted key to variable) overrode.
    pub(super) fn new(
        file: &'a Path,
        env: &'a BTreeMap<String, String>,
        environment: &'a Environment,
    ) -> Self {
        Self {
            file,
            base_dir: file.parent().unwrap_or(Path::new(".")),
            environment,
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

    /// Reports keys of `table` that its section does not have, with the nearest one.
    pub(super) fn unknown_keys(&mut self, scope: &Scope, table: &Map<String, Value>) {
        let section = scope.section();
        for key in sorted_keys(table)
            .into_iter()
            .filter(|k| keys::find(section, k).is_none())
        {
            let (message, fix) =
                if section == Section::Defaults && keys::find(Section::Cluster, key).is_some() {
                    (
                        format!("{key:?} cannot be a default"),
                        "set it in each [[cluster]] instead".to_owned(),
                    )
                } else {
                    let fix = match keys::suggest(section, key) {
                        Some(near) => format!("did you mean {near:?}?"),
                        None => format!("valid keys here: {}", keys::names(section).join(", ")),
                    };
                    (format!("unknown key {key:?}"), fix)
                };
            self.problem(scope, key, message, fix);
        }
    }

    /// Reads one table: its section's keys into a [`Layer`], any other key into a
    /// problem.
    pub(super) fn layer(&mut self, scope: &Scope, table: &Map<String, Value>) -> Layer {
        self.unknown_keys(scope, table);
        let section = scope.section();
        let mut layer = Layer {
            written: table.keys().cloned().collect(),
            ..Layer::default()
        };
        let specs = sorted_keys(table)
            .into_iter()
            .filter_map(|key| Some((key, keys::find(section, key)?)));
        let mut sources = Vec::new();
        for (key, spec) in specs {
            let value = &table[key];
            match spec.read {
                Read::Password(which) => sources.push((key, which, value)),
                read => self.read(scope, key, value, read, &mut layer),
            }
        }
        layer.credential = self.password(scope, sources);
        self.contradictions(scope, &layer);
        layer
    }

    /// Reads `value` as `read` says, into the field it names.
    fn read(&mut self, scope: &Scope, key: &str, value: &Value, read: Read, layer: &mut Layer) {
        match read {
            Read::Table | Read::Password(_) => {} // read by the section, or by `password`
            Read::Text(field) => *field(layer) = self.text(scope, key, value),
            Read::Name(field) => *field(layer) = self.name(scope, key, value),
            Read::Address(field) => *field(layer) = self.url(scope, key, value),
            Read::PackageUrl(field) => *field(layer) = self.package_url(scope, key, value),
            Read::Path(field) => *field(layer) = self.path(scope, key, value),
            Read::Flag(field) => *field(layer) = self.flag(scope, key, value),
            Read::Duration(range, field) => *field(layer) = self.duration(scope, key, value, range),
            Read::Count(max, field) => *field(layer) = self.count(scope, key, value, max),
            Read::Rate(field) => *field(layer) = self.rate(scope, key, value),
            Read::Labels(field) => *field(layer) = self.labels(scope, value),
            Read::Fingerprint(field) => *field(layer) = self.fingerprint(scope, key, value),
            Read::ServerName(field) => *field(layer) = self.server_name(scope, key, value),
            Read::Custom(_, read) => read(self, scope, value, layer),
        }
    }

    /// The table's one password source, from its password keys; a source set from the
    /// environment replaces the one written in the file.
    fn password(
        &mut self,
        scope: &Scope,
        written: Vec<(&String, PasswordKey, &Value)>,
    ) -> Option<CredentialSource> {
        let from_env = |reader: &Self, key: &str| reader.env_var(scope, key).is_some();
        let env_password = written.iter().any(|(key, ..)| from_env(self, key));
        let mut sources = Vec::new();
        for (key, which, value) in written {
            if env_password && !from_env(self, key) {
                continue;
            }
            if let Some(source) = self.password_source(scope, key, which, value) {
                if which == PasswordKey::Plain && !from_env(self, key) {
                    self.plain_in_file.push(scope.to_string());
                }
                sources.push((key, source));
            }
        }
        self.one_source(scope, sources)
    }

    /// A password key's value as a source (`None` when it is not valid: a problem says
    /// why).
    fn password_source(
        &mut self,
        scope: &Scope,
        key: &str,
        which: PasswordKey,
        value: &Value,
    ) -> Option<CredentialSource> {
        match which {
            PasswordKey::Plain => self.secret(scope, key, value).map(CredentialSource::Plain),
            PasswordKey::Env => self.text(scope, key, value).map(CredentialSource::Env),
            PasswordKey::Command => self.argv(scope, key, value).map(CredentialSource::Command),
            PasswordKey::File => self.path(scope, key, value).map(CredentialSource::File),
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

/// Table keys in a stable order (the `config` crate keeps them in a hash map).
pub(super) fn sorted_keys(table: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort();
    keys
}
