//! Turning a [`CredentialSource`] into a password, once per source.
//!
//! Fifty clusters that inherit one `password_command` from `[defaults]` run it once: the
//! cache is keyed by the source, not the cluster, and keeps failures as well as
//! passwords. After a 401 the caller calls [`Credentials::forget`], and the next
//! [`Credentials::password_for`] reads the source again (the password may have been
//! rotated).
//!
//! Resolution blocks (a command may take seconds, a prompt waits for a person), so async
//! callers run it on a blocking thread. One lock is held while a source is resolved, so
//! concurrent callers wait for the one resolution instead of starting their own.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;

use super::error::ConfigError;
use super::{ClusterConfig, CredentialSource, Environment};
use crate::sync::Lock;
use command::from_command;
use sources::{first_line, from_env, from_file};

mod command;
mod sources;

/// Distinct password sources resolved at the same time.
const MAX_PARALLEL_SOURCES: usize = 16;

/// How long a `password_command` may run before it is killed.
pub(crate) const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a `password_file` may hold, and a `password_command` may print: a password
/// is a line, not a megabyte.
pub(super) const MAX_SECRET_FILE: u64 = 64 * 1024;

/// Whether a cluster without a password source may ask for it on the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompting {
    /// A terminal is attached: ask, without echo.
    Ask,
    /// Scripts, cron, a service, or a dashboard that owns the screen: an error instead.
    Never,
}

/// What a cached password is filed under: equal sources share one entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum SourceKey {
    Env(String),
    Command(Vec<String>),
    File(PathBuf),
    /// Clusters without a source share one answer per user name.
    Prompt(String),
}

/// Resolved passwords, cached per source. Share one instance across the program.
#[derive(Debug)]
pub struct Credentials {
    /// [`Prompting::Ask`]: a cluster without a password source is asked for one.
    asks: AtomicBool,
    /// Where `password_env` variables are read.
    environment: Environment,
    command_timeout: Duration,
    /// The outcome per source: a failure is kept too, so fifty clusters sharing a broken
    /// command wait for it once, not fifty times. Each source resolves in its own slot,
    /// so two slow sources run side by side rather than one after the other.
    cache: Mutex<HashMap<SourceKey, Arc<Slot>>>,
    /// Held while asking on the terminal: two prompts at once would garble it.
    prompting: Mutex<()>,
}

/// One source's outcome, set once by whoever resolves it first; the others wait for it.
#[derive(Debug, Default)]
struct Slot(OnceLock<Result<SecretString, Failure>>);

/// Why one source failed, before it is tied to a cluster.
#[derive(Clone, Debug)]
struct Failure {
    message: String,
    fix: String,
}

impl Failure {
    fn new(message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl Credentials {
    /// With [`Prompting::Ask`] a cluster without a password source asks for one (without
    /// echo); scripts and cron pass [`Prompting::Never`] and get an error instead.
    pub fn new(prompting: Prompting) -> Self {
        Self {
            asks: AtomicBool::new(prompting == Prompting::Ask),
            environment: Environment::process(),
            command_timeout: COMMAND_TIMEOUT,
            cache: Mutex::new(HashMap::new()),
            prompting: Mutex::new(()),
        }
    }

    /// Allows or stops prompting from now on. The dashboard stops it once it owns the
    /// screen: a prompt then would garble it and block a poller, so a prompted password
    /// forgotten after a 401 becomes an error on that cluster instead.
    pub fn set_prompting(&self, prompting: Prompting) {
        self.asks
            .store(prompting == Prompting::Ask, Ordering::Relaxed);
    }

    /// The cluster's password, from the cache or freshly resolved from its source.
    pub fn password_for(&self, cluster: &ClusterConfig) -> Result<SecretString, ConfigError> {
        let key = match lookup(cluster) {
            Lookup::Plain(secret) => return Ok(secret.clone()),
            Lookup::Cached(key) => key,
        };
        let slot = {
            let mut cache = self.cache.locked();
            cache.entry(key.clone()).or_default().clone()
        };
        let outcome = slot.0.get_or_init(|| self.resolve(cluster, &key)).clone();
        outcome.map_err(|f| ConfigError::Credential {
            cluster: cluster.name.clone(),
            source_desc: cluster.credential.describe(),
            message: f.message,
            fix: f.fix,
        })
    }

    /// A password that belongs to no cluster (`[serve]`'s login), read once from its
    /// source; `owner` names the table in the error. There is no prompt for it: a
    /// service has no terminal.
    pub(crate) fn password_from(
        &self,
        source: &CredentialSource,
        owner: &str,
    ) -> Result<SecretString, ConfigError> {
        let outcome = match source {
            CredentialSource::Plain(secret) => Ok(secret.clone()),
            CredentialSource::Env(var) => from_env(&self.environment, var),
            CredentialSource::File(path) => from_file(path),
            CredentialSource::Command(argv) => from_command(argv, self.command_timeout),
            CredentialSource::Prompt => Err(Failure::new(
                "no password source",
                "set password_file, password_env or password_command",
            )),
        };
        outcome.map_err(|f| ConfigError::Credential {
            cluster: owner.to_owned(),
            source_desc: source.describe(),
            message: f.message,
            fix: f.fix,
        })
    }

    /// Resolves the sources of all `clusters` at once, each distinct source on a thread
    /// of its own (prompts one after the other), so that later [`Self::password_for`]
    /// calls find them cached. Two slow commands cost the time of the slower one.
    pub fn resolve_all(&self, clusters: &[ClusterConfig]) {
        let mut seen = std::collections::HashSet::new();
        let mut commands = Vec::new();
        let mut prompts = Vec::new();
        for cluster in clusters {
            if let Lookup::Cached(key) = lookup(cluster)
                && seen.insert(key.clone())
            {
                match key {
                    SourceKey::Prompt(_) => prompts.push(cluster),
                    _ => commands.push(cluster),
                }
            }
        }
        for batch in commands.chunks(MAX_PARALLEL_SOURCES) {
            thread::scope(|scope| {
                for cluster in batch {
                    scope.spawn(|| {
                        let _ = self.password_for(cluster);
                    });
                }
            });
        }
        for cluster in prompts {
            let _ = self.password_for(cluster);
        }
    }

    /// Drops the cached password (or failure) of this cluster's source, after a 401 or
    /// before a retry, so the next [`Self::password_for`] reads the source again.
    pub fn forget(&self, cluster: &ClusterConfig) {
        if let Lookup::Cached(key) = lookup(cluster) {
            let mut cache = self.cache.locked();
            cache.remove(&key);
        }
    }

    fn resolve(&self, cluster: &ClusterConfig, key: &SourceKey) -> Result<SecretString, Failure> {
        match key {
            SourceKey::Env(var) => from_env(&self.environment, var),
            SourceKey::File(path) => from_file(path),
            SourceKey::Command(argv) => from_command(argv, self.command_timeout),
            SourceKey::Prompt(user) => self.prompt(cluster, user),
        }
    }

    fn prompt(&self, cluster: &ClusterConfig, user: &str) -> Result<SecretString, Failure> {
        let _one_at_a_time = self.prompting.locked();
        let fix =
            "set password_command, password_env or password_file in [defaults] or in this cluster";
        if !self.asks.load(Ordering::Relaxed) {
            return Err(Failure::new("no terminal to ask on", fix));
        }
        let question = format!(
            "Password for {user} on {} (kept for other clusters with user {user}): ",
            cluster.name
        );
        let mut answer = rpassword::prompt_password(question).map_err(|e| {
            Failure::new(
                format!("could not read the password from the terminal: {e}"),
                fix,
            )
        })?;
        let secret = first_line(&answer);
        answer.zeroize();
        secret.ok_or_else(|| {
            Failure::new(
                "no password entered",
                "enter the password, or set a password source",
            )
        })
    }
}

/// Settings only the integration tests change (they reach [`Credentials`] through
/// `ontop::testing`): the program always reads the process environment and gives a
/// command [`COMMAND_TIMEOUT`].
#[doc(hidden)]
impl Credentials {
    /// Reads `password_env` variables from `environment` instead of the process.
    pub fn with_environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Changes how long a `password_command` may run (default [`COMMAND_TIMEOUT`]).
    pub fn with_command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }
}

/// How a cluster's password is found: in the config itself, or in the cache.
enum Lookup<'a> {
    /// A plain password needs no resolving and nothing to forget.
    Plain(&'a SecretString),
    Cached(SourceKey),
}

fn lookup(cluster: &ClusterConfig) -> Lookup<'_> {
    Lookup::Cached(match &cluster.credential {
        CredentialSource::Plain(secret) => return Lookup::Plain(secret),
        CredentialSource::Env(var) => SourceKey::Env(var.clone()),
        CredentialSource::Command(argv) => SourceKey::Command(argv.clone()),
        CredentialSource::File(path) => SourceKey::File(path.clone()),
        CredentialSource::Prompt => SourceKey::Prompt(cluster.username.clone()),
    })
}
