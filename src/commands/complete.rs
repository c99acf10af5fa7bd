//! Shell completion that knows the fleet: `--cluster` (and `trust NAME`) complete the
//! cluster names of the config in use, `--label` its `key=value` labels, and a value
//! nothing can name (a package version) completes nothing rather than file names.
//!
//! The script `ontop completions SHELL` prints asks the binary at every Tab (clap_complete's
//! dynamic completion: `ONTOP_COMPLETE=SHELL ontop -- WORDS...`), so completions follow
//! the binary and the config without being generated again. The config is the one the
//! words being completed name (`--config PATH`), else `$ONTOP_CONFIG`, else the default
//! path; it is read (never a password, never the network) only when a cluster or a label
//! is asked for, and a config that does not load completes nothing, silently.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use clap::CommandFactory;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Shells, Zsh};
use clap_complete::{ArgValueCandidates, CompleteEnv, CompletionCandidate};

use super::{CliError, Exit};
use crate::cli::Cli;
use crate::config::{self, Config};

/// The variable that starts the binary as the shell's completer instead of a command.
pub(crate) const COMPLETE_ENV: &str = "ONTOP_COMPLETE";

/// The shells `ontop completions` knows, each registering the same protocol.
const SHELLS: Shells<'static> = Shells(&[&QUIET_BASH, &Elvish, &Fish, &Powershell, &ZSH_FILE]);

/// When the shell started this process to complete a command line, answers it and
/// exits; otherwise returns at once. Called first thing in `main`, before anything is
/// printed.
pub(crate) fn answer_shell_if_asked() {
    if std::env::var_os(COMPLETE_ENV).is_none() {
        return;
    }
    let words: Vec<OsString> = std::env::args_os().collect();
    let config = config_named_in(&words);
    CompleteEnv::with_factory(move || command(config.as_deref()))
        .var(COMPLETE_ENV)
        .shells(SHELLS)
        .complete();
}

/// `ontop completions SHELL`: prints the script that makes `shell` ask `ontop` (from
/// `PATH`) for completions.
pub(crate) fn run_completions(shell: clap_complete::Shell) -> Result<Exit, CliError> {
    crate::out!("{}", registration(shell)?);
    Ok(Exit::Ok)
}

/// The script for `shell`, as `ontop completions` prints it.
pub(crate) fn registration(shell: clap_complete::Shell) -> Result<String, CliError> {
    let name = shell.to_string();
    let completer = SHELLS
        .completer(&name)
        .ok_or_else(|| CliError::Usage(format!("no completion script for {name}")))?;
    let mut script = Vec::new();
    completer
        .write_registration(COMPLETE_ENV, "ontop", "ontop", "ontop", &mut script)
        .map_err(|e| CliError::Setup(format!("cannot write the {name} script: {e}")))?;
    Ok(String::from_utf8_lossy(&script).into_owned())
}

/// The command line definition with the fleet's completers attached, reading the config
/// at `config` (else `$ONTOP_CONFIG`, else the default path) when first asked.
pub(crate) fn command(config: Option<&Path>) -> clap::Command {
    let fleet = Arc::new(Fleet {
        path: config.map(Path::to_path_buf),
        words: OnceLock::new(),
    });
    attach(Cli::command(), &fleet)
}

/// The config path the words of a command line name with `--config PATH` or
/// `--config=PATH` (the last one wins, as when parsed), `~/` read as the home directory.
pub(crate) fn config_named_in(words: &[OsString]) -> Option<PathBuf> {
    let mut named = None;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let text = word.to_string_lossy();
        if text == "--config" {
            named = words.next().cloned();
        } else if let Some(value) = text.strip_prefix("--config=") {
            named = Some(OsString::from(value));
        }
    }
    named.filter(|p| !p.is_empty()).map(|p| home_relative(&p))
}

/// The shell leaves `~` as typed in the words it hands over.
fn home_relative(path: &OsString) -> PathBuf {
    let text = path.to_string_lossy();
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(dirs) = directories::BaseDirs::new()
    {
        return dirs.home_dir().join(rest);
    }
    PathBuf::from(path)
}

/// What the fleet offers: which words an argument completes to.
#[derive(Debug, Clone, Copy)]
enum Words {
    Clusters,
    Labels,
}

/// The config's names and labels, read once per completion, on first use.
struct Fleet {
    path: Option<PathBuf>,
    words: OnceLock<FleetWords>,
}

/// The words a config offers.
#[derive(Debug, Default)]
struct FleetWords {
    /// Cluster names in config order, each with its URL as help.
    clusters: Vec<(String, String)>,
    /// Every `key=value` label, sorted, with how many clusters carry it.
    labels: Vec<(String, usize)>,
}

impl Fleet {
    fn candidates(&self, words: Words) -> Vec<CompletionCandidate> {
        let fleet = self.words.get_or_init(|| {
            config::load(self.path.as_deref())
                .map(|config| fleet_words(&config))
                .unwrap_or_default()
        });
        let candidate =
            |value: &str, help: String| CompletionCandidate::new(value).help(Some(help.into()));
        match words {
            Words::Clusters => fleet
                .clusters
                .iter()
                .map(|(name, url)| candidate(name, url.clone()))
                .collect(),
            Words::Labels => fleet
                .labels
                .iter()
                .map(|(label, n)| candidate(label, crate::text::count_clusters(*n)))
                .collect(),
        }
    }
}

fn fleet_words(config: &Config) -> FleetWords {
    let mut labels = std::collections::BTreeMap::<String, usize>::new();
    for cluster in &config.clusters {
        for (key, value) in &cluster.labels {
            *labels.entry(format!("{key}={value}")).or_default() += 1;
        }
    }
    FleetWords {
        clusters: config
            .clusters
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.url.as_str().trim_end_matches('/').to_owned(),
                )
            })
            .collect(),
        labels: labels.into_iter().collect(),
    }
}

/// Attaches the fleet's words to every argument that names clusters or labels, in `cmd`
/// and all its subcommands.
fn attach(mut cmd: clap::Command, fleet: &Arc<Fleet>) -> clap::Command {
    let trust = cmd.get_name() == "trust";
    let wanted: Vec<(String, Words)> = cmd
        .get_arguments()
        .filter_map(|arg| {
            let words = match arg.get_id().as_str() {
                "clusters" => Words::Clusters,
                "name" if trust => Words::Clusters,
                "labels" => Words::Labels,
                _ => return None,
            };
            Some((arg.get_id().to_string(), words))
        })
        .collect();
    for (id, words) in wanted {
        let fleet = Arc::clone(fleet);
        cmd = cmd.mut_arg(id, move |arg| {
            arg.add(ArgValueCandidates::new(move || fleet.candidates(words)))
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| attach(sub, fleet));
    }
    cmd
}

/// A shell as clap_complete registers it, with its registration script adjusted.
struct Adjusted<S> {
    shell: S,
    /// The script clap_complete wrote for the command `name`, as ontop installs it.
    adjust: fn(script: String, name: &str) -> String,
}

/// Bash less `-o bashdefault`: with that option bash offers file names whenever ontop
/// offers nothing (a cluster no config knows, a version), and paths are completed by
/// ontop itself where a path is wanted.
const QUIET_BASH: Adjusted<Bash> = Adjusted {
    shell: Bash,
    adjust: |script, _| script.replace(" -o bashdefault", ""),
};

/// Zsh plus the call that makes the script work as an autoloaded `_ontop` file in
/// `$fpath` (where packages install it): the first Tab defines the completer and
/// completes at once, instead of only on the second Tab.
const ZSH_FILE: Adjusted<Zsh> = Adjusted {
    shell: Zsh,
    adjust: |mut script, name| {
        let function = name.replace('-', "_");
        script.push_str(&format!(
            "if [ \"$funcstack[1]\" = \"_{function}\" ]; then\n    \
             _clap_dynamic_completer_{function} \"$@\"\nfi\n"
        ));
        script
    },
};

impl<S: EnvCompleter> EnvCompleter for Adjusted<S> {
    fn name(&self) -> &'static str {
        self.shell.name()
    }

    fn is(&self, name: &str) -> bool {
        self.shell.is(name)
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let mut script = Vec::new();
        self.shell
            .write_registration(var, name, bin, completer, &mut script)?;
        let script = String::from_utf8_lossy(&script).into_owned();
        buf.write_all((self.adjust)(script, name).as_bytes())
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        self.shell.write_complete(cmd, args, current_dir, buf)
    }
}

#[cfg(test)]
mod tests;
