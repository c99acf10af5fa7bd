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
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;

use super::error::ConfigError;
use super::paths::loose_mode;
use super::{ClusterConfig, CredentialSource, Environment};
use std::ffi::OsString;

/// Distinct password sources resolved at the same time.
const MAX_PARALLEL_SOURCES: usize = 16;

/// How long a `password_command` may run before it is killed.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a `password_file` may hold, and a `password_command` may print: a password
/// is a line, not a megabyte.
pub const MAX_SECRET_FILE: u64 = 64 * 1024;

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
    interactive: AtomicBool,
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
    /// `interactive`: a terminal is attached, so a cluster without a password source may
    /// ask for one (without echo). Scripts and cron pass `false` and get an error instead.
    pub fn new(interactive: bool) -> Self {
        Self {
            interactive: AtomicBool::new(interactive),
            environment: Environment::process(),
            command_timeout: COMMAND_TIMEOUT,
            cache: Mutex::new(HashMap::new()),
            prompting: Mutex::new(()),
        }
    }

    /// Allows or stops prompting from now on. The dashboard calls `set_interactive(false)`
    /// once it owns the screen: a prompt then would garble it and block a poller, so a
    /// prompted password forgotten after a 401 becomes an error on that cluster instead.
    pub fn set_interactive(&self, interactive: bool) {
        self.interactive.store(interactive, Ordering::Relaxed);
    }

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

    /// The cluster's password, from the cache or freshly resolved from its source.
    pub fn password_for(&self, cluster: &ClusterConfig) -> Result<SecretString, ConfigError> {
        let key = match lookup(cluster) {
            Lookup::Plain(secret) => return Ok(secret.clone()),
            Lookup::Cached(key) => key,
        };
        let slot = {
            let mut cache = self
                .cache
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
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
    pub fn password_from(
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
            let mut cache = self
                .cache
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
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
        let _one_at_a_time = self
            .prompting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fix =
            "set password_command, password_env or password_file in [defaults] or in this cluster";
        if !self.interactive.load(Ordering::Relaxed) {
            return Err(Failure::new(
                "no password source, and no terminal to ask on",
                fix,
            ));
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

fn from_env(environment: &Environment, var: &str) -> Result<SecretString, Failure> {
    let fix = format!("export {var}=... before starting ontop, or choose another password source");
    match environment.var_os(var).map(OsString::into_string) {
        Some(Ok(value)) if !value.is_empty() => Ok(SecretString::from(value)),
        Some(Ok(_)) => Err(Failure::new(
            format!("environment variable {var} is empty"),
            fix,
        )),
        None => Err(Failure::new(
            format!("environment variable {var} is not set"),
            fix,
        )),
        Some(Err(_)) => Err(Failure::new(
            format!("environment variable {var} is not valid UTF-8"),
            fix,
        )),
    }
}

fn from_file(path: &Path) -> Result<SecretString, Failure> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        Failure::new(
            format!("cannot read {shown}: {e}"),
            "create the file (mode 600) or fix the path",
        )
    })?;
    if let Some(mode) = loose_mode(&meta) {
        let message = format!("{shown} is readable by group or others (mode {mode:o})");
        return Err(Failure::new(message, format!("run: chmod 600 {shown}")));
    }
    let bytes = crate::files::read_regular(path, MAX_SECRET_FILE).map_err(|e| {
        Failure::new(
            format!("cannot read {shown}: {e}"),
            "point password_file at a plain file holding the password on its first line",
        )
    })?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        e.into_bytes().zeroize();
        Failure::new(
            format!("{shown} is not text (UTF-8)"),
            "put the password on its first line as text",
        )
    })?;
    let secret = first_line(&text);
    text.zeroize();
    secret.ok_or_else(|| {
        Failure::new(
            format!("{shown} is empty"),
            "put the password on its first line",
        )
    })
}

/// Runs `argv` (no shell) and takes its `password:` line when it prints YAML (as
/// Harvest's credential scripts may), else the first line of its stdout. Neither its stdout nor
/// its stderr ever appears in a message (either may hold a token); the message says how
/// it failed and where to look. It may run [`COMMAND_TIMEOUT`] and print
/// [`MAX_SECRET_FILE`] bytes, no more.
fn from_command(argv: &[String], timeout: Duration) -> Result<SecretString, Failure> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Failure::new(
            "the command is empty",
            "write it like [\"pass\", \"show\", \"ontap/monitor\"]",
        ));
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::new(
                format!("command {program:?} not found"),
                "install it, or give its full path as the first list item",
            ),
            _ => Failure::new(
                format!("cannot run {program:?}: {e}"),
                "check that it is an executable program",
            ),
        })?;
    let stdout = drain(child.stdout.take());
    let deadline = Instant::now() + timeout;
    let too_much = || {
        Failure::new(
            format!("printed more than {MAX_SECRET_FILE} bytes"),
            "make it print only the password, on the first line of stdout",
        )
    };
    let mut drained = None;
    let status = loop {
        if drained.is_none() {
            drained = stdout.try_recv().ok();
        }
        if matches!(drained, Some(Drained::TooMuch)) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(too_much());
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                let message = format!("did not finish within {}", super::render::duration(timeout));
                return Err(Failure::new(
                    message,
                    "make sure it runs without asking for input (run it by hand to see)",
                ));
            }
            Err(e) => {
                return Err(Failure::new(
                    format!("lost track of the command: {e}"),
                    "run it by hand to check it",
                ));
            }
        }
    };
    // A background process that kept the pipes open must not hang us: wait no longer.
    let remaining = deadline.saturating_duration_since(Instant::now());
    let drained = match drained {
        Some(drained) => Some(drained),
        None => stdout.recv_timeout(remaining).ok(),
    };
    let mut out = match drained {
        Some(Drained::All(out)) => out,
        Some(Drained::TooMuch) => return Err(too_much()),
        None => Vec::new(),
    };
    if !status.success() {
        out.zeroize();
        return Err(Failure::new(
            format!("failed ({status}); what it printed is not shown, as it may hold a secret"),
            "run the command by hand, as the user ontop runs as, to see what it says",
        ));
    }
    let mut text = String::from_utf8(out).map_err(|e| {
        e.into_bytes().zeroize();
        Failure::new(
            "its output is not valid UTF-8",
            "make it print the password as text",
        )
    })?;
    let secret = yaml_password(&text).or_else(|| first_line(&text));
    text.zeroize();
    secret.ok_or_else(|| {
        Failure::new(
            "printed nothing on its first line",
            "make it print the password on the first line of stdout",
        )
    })
}

/// What a command printed: all of it, or more than a password ever is.
enum Drained {
    All(Vec<u8>),
    TooMuch,
}

/// Reads a pipe to its end on a thread, so a full pipe never blocks the command, keeping
/// at most [`MAX_SECRET_FILE`] bytes (the rest is read and dropped).
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Drained> {
    let (tx, rx) = mpsc::channel();
    if let Some(pipe) = pipe {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let mut pipe = pipe;
            let kept = (&mut pipe).take(MAX_SECRET_FILE + 1).read_to_end(&mut buf);
            if kept.is_ok() && buf.len() as u64 > MAX_SECRET_FILE {
                buf.zeroize();
                let _ = tx.send(Drained::TooMuch);
                // Keep the pipe flowing until the command is killed.
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            } else {
                let _ = tx.send(Drained::All(buf));
            }
        });
    }
    rx
}

/// The `password:` line of a command that prints YAML, as Harvest's credential
/// scripts may (`username: ...` / `password: ...`), without quotes.
fn yaml_password(text: &str) -> Option<SecretString> {
    let value = text
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("password:"))?;
    let value = value.trim();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    (!unquoted.is_empty()).then(|| SecretString::from(unquoted.to_owned()))
}

/// The first line without its line ending, as a secret; `None` when it is empty.
fn first_line(text: &str) -> Option<SecretString> {
    let line = text.lines().next().unwrap_or("");
    (!line.is_empty()).then(|| SecretString::from(line.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_harvest_style_yaml_answer_gives_its_password_line() {
        let yaml = "username: monitor\npassword: \"s3 cret\"\n";
        let secret = yaml_password(yaml).map(|s| s.expose_secret().to_owned());
        assert_eq!(secret.as_deref(), Some("s3 cret"));
        assert!(yaml_password("plain-password\n").is_none());
    }

    #[test]
    fn only_the_first_line_counts() {
        let secret = first_line("s3cret\r\nsecond\n").map(|s| s.expose_secret().to_owned());
        assert_eq!(secret.as_deref(), Some("s3cret"));
        assert!(first_line("\nlater").is_none());
    }
}
