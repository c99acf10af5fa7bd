//! The commands, each of one shape: `run(&Context, &Args) -> Result<Exit, CliError>`.
//!
//! `main` parses the command line, builds the [`Context`] (loading the config once, for
//! the commands that need it), runs one command, and turns its [`Exit`] (or its
//! [`CliError`], printed once) into the process's exit code.
//!
//! - [`dashboard`]: the screen, on a config or on the demo fleet;
//! - [`status`]: one sweep, as a table or JSON;
//! - [`download`]: choose, confirm, start and (`--wait`) follow downloads;
//! - [`trust`]: look at a cluster's certificate and pin it;
//! - [`config`]: `config check`, `config init`, `config import`;
//! - [`sim`]: the simulator in the foreground;
//! - [`complete`]: shell completion scripts, and answering them from the config;
//! - [`manual`]: the man page.

pub(crate) mod complete;
pub(crate) mod config;
mod config_check;
pub(crate) mod dashboard;
pub(crate) mod download;
pub(crate) mod interrupt;
pub(crate) mod manual;
pub(crate) mod packages;
pub(crate) mod progress;
mod prologue;
pub(crate) mod selection;
pub(crate) mod serve;
pub(crate) mod sim;
pub(crate) mod status;
pub(crate) mod trust;
mod validate;
pub(crate) mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::{self as settings, Config, ConfigError, Prompting};

/// The one set of exit codes. Scripts and cron read them; the README lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for was done (every cluster answered, every download accepted or
    /// ended well).
    Ok = 0,
    /// Something did not work out: a cluster did not answer, a download failed or was
    /// refused, a record could not be written, the operator said no.
    Failed = 1,
    /// Nothing was asked of any cluster: a usage or config error, or a refusal before
    /// sending (read-only, no terminal to confirm on).
    Usage = 2,
    /// Ctrl-C: the command stopped waiting (what was still running, never sent or not
    /// answered was said first).
    Interrupted = 130,
}

impl Exit {
    /// `Ok` when there is no reason to fail; else `Failed`, after the one closing line
    /// that says why (every non-zero exit ends with one).
    pub(crate) fn unless(reasons: &[String]) -> Self {
        if reasons.is_empty() {
            return Self::Ok;
        }
        crate::errln!("ontop: exit 1: {}", reasons.join("; "));
        Self::Failed
    }

    /// The code for the process.
    pub(crate) fn code(self) -> u8 {
        self as u8
    }
}

/// Why a command could not run at all; `main` prints it once, as `ontop: <message>`.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The config is missing or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The command line asks for something that cannot be done; nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The terminal could not be used.
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
    /// Something needed to run could not be started (the simulator, the runtime).
    #[error("{0}")]
    Setup(String),
}

impl CliError {
    /// The exit code this error means.
    pub(crate) fn exit(&self) -> Exit {
        match self {
            Self::Config(_) | Self::Usage(_) | Self::Setup(_) => Exit::Usage,
            Self::Terminal(_) => Exit::Failed,
        }
    }
}

/// What every command may need, made once by `main`.
#[derive(Debug)]
pub struct Context {
    /// The config, for the commands that read one (loaded once, warnings printed).
    config: Option<Config>,
    /// `--read-only`: nothing can be started, whatever the config says.
    pub read_only: bool,
    /// Colours on screen (off with `--no-color` or `NO_COLOR`).
    pub color: bool,
    /// The bell when a followed download ends (off with `--no-bell`).
    pub bell: bool,
    /// A person at a terminal: prompts and questions are possible.
    pub interactive: bool,
    /// Where the audit log, the journal and the dashboard's log live.
    pub data_dir: Option<PathBuf>,
}

impl Context {
    /// The context for `cli`, loading the config when its command reads one.
    pub(crate) fn new(cli: &Cli) -> Result<Self, CliError> {
        let needs_config = matches!(
            cli.command,
            None | Some(
                Command::Status { .. }
                    | Command::Serve { .. }
                    | Command::Packages(_)
                    | Command::Download(_)
                    | Command::Validate(_)
                    | Command::Trust(_)
                    | Command::Config(ConfigCommand::Check { .. })
            )
        );
        let common = cli.common();
        let config = if needs_config {
            let config = settings::load(common.config.as_deref())?;
            for warning in &config.warnings {
                crate::output::warn(warning);
            }
            Some(config)
        } else {
            None
        };
        Ok(Self {
            config,
            read_only: common.read_only,
            color: use_color(common.no_color),
            bell: !common.no_bell,
            interactive: std::io::stdin().is_terminal(),
            data_dir: settings::data_dir(),
        })
    }

    /// Whether a password may be asked for: only with a person at a terminal.
    pub(crate) fn prompting(&self) -> Prompting {
        if self.interactive {
            Prompting::Ask
        } else {
            Prompting::Never
        }
    }

    /// Whether this run may send changes (`--read-only` says no).
    pub(crate) fn session(&self) -> crate::fleet::Session {
        crate::fleet::Session::from_flag(self.read_only)
    }

    /// The config this command was given.
    pub(crate) fn config(&self) -> Result<&Config, CliError> {
        self.config
            .as_ref()
            .ok_or_else(|| CliError::Setup("this command runs without a config".into()))
    }
}

/// Asks `question` on the terminal (stderr) and reads the answer: true only for y/yes.
pub(crate) fn ask_yes(question: &str) -> bool {
    use std::io::BufRead;
    crate::err!("{question}");
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// Whether to draw colours: off with `--no-color` or a non-empty `NO_COLOR`.
pub(crate) fn use_color(no_color_flag: bool) -> bool {
    let env_says_no = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !(no_color_flag || env_says_no)
}

/// Runs the command `cli` names (the dashboard when it names none).
pub(crate) async fn run(ctx: &Context, cli: &Cli) -> Result<Exit, CliError> {
    match &cli.command {
        None => dashboard::run(ctx).await,
        Some(Command::Demo { clusters, .. }) => dashboard::run_demo(ctx, *clusters).await,
        Some(Command::Status {
            json,
            jsonl,
            select,
            ..
        }) => status::run(ctx, status::Form::from_flags(*json, *jsonl), select).await,
        Some(Command::Serve { listen, .. }) => serve::run(ctx, *listen).await,
        Some(Command::Download(args)) => download::run(ctx, args).await,
        Some(Command::Packages(args)) => packages::run(ctx, args).await,
        Some(Command::Validate(args)) => validate::run(ctx, args).await,
        Some(Command::Trust(args)) => trust::run(ctx, args).await,
        Some(Command::Sim(args)) => sim::run(ctx, args).await,
        Some(Command::Config(ConfigCommand::Check { full, login, .. })) => {
            config_check::run(ctx, *full, *login).await
        }
        Some(Command::Config(ConfigCommand::Init { path })) => config::run_init(path.as_deref()),
        Some(Command::Completions { shell }) => complete::run_completions(*shell),
        Some(Command::Man { dir }) => manual::run_man(dir.as_deref()),
        Some(Command::Config(ConfigCommand::Import { path, output })) => {
            config::run_import(path, output.as_deref())
        }
    }
}
