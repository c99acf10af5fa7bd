//! The command-line contract (`docs/architecture.md`), as clap definitions and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod download;
mod packages;
mod paths;
mod selection;
mod trust;
mod validate;

pub(crate) use download::DownloadArgs;
pub(crate) use packages::{PackageDeleteArgs, PackagesAction, PackagesArgs};
pub(crate) use paths::command_with_real_paths;
pub use selection::SelectionArgs;
pub use trust::TrustArgs;
pub(crate) use validate::ValidateArgs;

/// A dashboard for ONTAP software/firmware package downloads across many clusters.
///
/// Without a command: the dashboard on the clusters of the config.
#[derive(Debug, Parser)]
#[command(
    name = "ontop",
    version,
    about,
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub(crate) struct Cli {
    /// The dashboard's own options (no command given).
    #[command(flatten)]
    pub dashboard: DashboardArgs,
    /// The command; the dashboard when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--config`, for every command that reads one.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigArg {
    /// Config file [default: $ONTOP_CONFIG, else ~/.config/ontop/config.toml]
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// How the dashboard looks and sounds.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ScreenArgs {
    /// No colours (NO_COLOR is honoured too)
    #[arg(long)]
    pub no_color: bool,
    /// No terminal bell when a download started from the dashboard ends
    #[arg(long)]
    pub no_bell: bool,
}

/// The dashboard's options (no command given).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct DashboardArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Never start a download, whatever the config says
    #[arg(long)]
    pub read_only: bool,
    #[command(flatten)]
    pub screen: ScreenArgs,
}

/// What to run; the dashboard when none is given.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The dashboard on an embedded simulated fleet: no config, no network needed
    Demo {
        /// How many simulated clusters
        #[arg(long, default_value_t = 12)]
        clusters: usize,
        /// Never start a download on the simulated fleet
        #[arg(long)]
        read_only: bool,
        #[command(flatten)]
        screen: ScreenArgs,
    },
    /// One sweep of every cluster, then print a table (or JSON) and exit
    ///
    /// Exit codes: 0 every cluster answered, 1 some did not, 2 usage or config error,
    /// 130 Ctrl-C (who had not answered is said first).
    Status {
        #[command(flatten)]
        config: ConfigArg,
        /// Print one JSON document: an array of one object per cluster (with its labels and
        /// packages)
        #[arg(long, conflicts_with = "jsonl")]
        json: bool,
        /// Print JSON Lines: one compact object per cluster, one per line, for scripts
        #[arg(long)]
        jsonl: bool,
        /// Which clusters [default: all]
        #[command(flatten)]
        select: SelectionArgs,
    },
    /// Serve the fleet's download state as Prometheus metrics and a read-only status page
    ///
    /// Polls like the dashboard, never sends a POST, and stops cleanly on SIGTERM or
    /// Ctrl-C. Routes: / (status page), /metrics, /api/status (the JSON of ontop status
    /// --json), /healthz. A login and HTTPS are set in the config's [serve] table.
    Serve {
        #[command(flatten)]
        config: ConfigArg,
        /// Where to listen, an IP address and port [default: [serve] listen, else 127.0.0.1:9464]
        #[arg(long, value_name = "ADDR:PORT", value_parser = listen_address)]
        listen: Option<std::net::SocketAddr>,
    },
    /// The fleet's package repositories: which clusters hold (and run) which ONTAP image
    ///
    /// Exit codes: 0 every chosen cluster answered, 1 some did not (a closing line names
    /// them), 2 usage or config error (nothing sent), 130 Ctrl-C.
    Packages(PackagesArgs),
    /// Start a package download on some clusters (or all), optionally following each to its end
    ///
    /// Exit codes: 0 every download was accepted (with --wait: succeeded or was already
    /// present; with --dry-run: every chosen cluster answered), 1 any was refused, failed
    /// or given up on, a chosen cluster did not answer, a record could not be written, or
    /// the question was answered no, 2 usage or config error, or every chosen cluster is
    /// read-only (nothing sent), 130 Ctrl-C (what it left running, unsent or unanswered is
    /// said first). A non-zero exit ends with one line that says why.
    Download(DownloadArgs),
    /// Ask clusters whether an update to a release they hold would go through, and give
    /// the verdicts grouped by what blocks it
    ///
    /// Sends PATCH /api/cluster/software?validate_only=true (audited like a change; ontop
    /// never starts an update), follows each validation's job and reads its findings.
    /// Checks named in [validate] ignore (default: "Manual checks") are notes: shown, not
    /// counted.
    ///
    /// Exit codes: 0 every chosen cluster validated ready (without --wait: every
    /// validation was accepted), 1 a cluster has warnings or errors, was skipped, refused,
    /// did not answer or gave no results, or the question was answered no, 2 usage or
    /// config error, or nothing could be sent (every chosen cluster skipped, none for not
    /// answering or a refused login), 130 Ctrl-C.
    Validate(ValidateArgs),
    /// Show a cluster's certificate and pin its fingerprint in the config
    ///
    /// Exit codes: 0 done, 1 a cluster could not be reached, 2 usage or config error (or
    /// --write refused).
    Trust(TrustArgs),
    /// Run the ONTAP simulator in the foreground (until Ctrl-C)
    Sim(SimArgs),
    /// Work with the config file
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script
    ///
    /// ontop completions bash > ~/.local/share/bash-completion/completions/ontop
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (or write one per command into a directory)
    ///
    /// ontop man > ontop.1 && man ./ontop.1, or ontop man --dir ~/.local/share/man/man1
    Man {
        /// Write ontop.1 and ontop-COMMAND.1 for every command here instead
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `ontop config ...`
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Validate the config and resolve every credential: the verdict first, then one line
    /// per group of clusters that share their settings
    ///
    /// Exit codes: 0 the config is good (with --login: every cluster accepted the login),
    /// 1 with --login: a cluster refused the login or did not answer, 2 the config or a
    /// credential is wrong.
    Check {
        #[command(flatten)]
        config: ConfigArg,
        /// Also print every setting of every cluster, as ontop understood it (secrets
        /// redacted, defaults applied)
        #[arg(long)]
        full: bool,
        /// Also log in to each cluster once (a read-only GET) and say how it went
        #[arg(long)]
        login: bool,
    },
    /// Write a commented starter config (never over an existing file)
    ///
    /// Exit codes: 0 written, 2 the file exists or cannot be written.
    Init {
        /// Where to write it [default: $ONTOP_CONFIG, else ~/.config/ontop/config.toml]
        #[arg(long, value_name = "PATH")]
        path: Option<PathBuf>,
    },
    /// Make an ontop config from NetApp Harvest's harvest.yml (one cluster per poller)
    ///
    /// Printed, or with --output written to a new private file (never over one):
    /// ontop config import harvest.yml --output ~/.config/ontop/config.toml
    ///
    /// What cannot be carried over is said in comments. Exit codes: 0 done, 2 the file
    /// cannot be read, holds no poller that can be imported, or --output exists.
    Import {
        /// Harvest's harvest.yml
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Write the config to this new file (0600) instead of printing it
        #[arg(long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
}

/// The flags every command shares the meaning of, gathered from wherever the chosen
/// command has them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Common {
    /// `--config`, for the commands that read one.
    pub config: Option<PathBuf>,
    /// `--read-only`: nothing may be started.
    pub read_only: bool,
    /// `--no-color`.
    pub no_color: bool,
    /// `--no-bell`.
    pub no_bell: bool,
}

impl Cli {
    /// The shared flags of the command given.
    pub(crate) fn common(&self) -> Common {
        let screen = |s: &ScreenArgs| (s.no_color, s.no_bell);
        match &self.command {
            None => {
                let (no_color, no_bell) = screen(&self.dashboard.screen);
                Common {
                    config: self.dashboard.config.config.clone(),
                    read_only: self.dashboard.read_only,
                    no_color,
                    no_bell,
                }
            }
            Some(Command::Demo {
                read_only,
                screen: s,
                ..
            }) => Common {
                read_only: *read_only,
                no_color: s.no_color,
                no_bell: s.no_bell,
                ..Common::default()
            },
            Some(Command::Status { config, .. })
            | Some(Command::Serve { config, .. })
            | Some(Command::Config(ConfigCommand::Check { config, .. })) => Common {
                config: config.config.clone(),
                ..Common::default()
            },
            Some(Command::Packages(args)) => match &args.action {
                Some(PackagesAction::Delete(delete)) => Common {
                    config: delete.config.config.clone(),
                    read_only: delete.read_only,
                    ..Common::default()
                },
                None => Common {
                    config: args.config.config.clone(),
                    ..Common::default()
                },
            },
            Some(Command::Download(args)) => Common {
                config: args.config.config.clone(),
                read_only: args.read_only,
                ..Common::default()
            },
            Some(Command::Validate(args)) => Common {
                config: args.config.config.clone(),
                ..Common::default()
            },
            Some(Command::Trust(args)) => Common {
                config: args.config.config.clone(),
                ..Common::default()
            },
            Some(
                Command::Sim(_)
                | Command::Completions { .. }
                | Command::Man { .. }
                | Command::Config(ConfigCommand::Init { .. } | ConfigCommand::Import { .. }),
            ) => Common::default(),
        }
    }
}

/// `--listen`: an IP address and port, with the fix when it is not one (a host name is
/// not looked up: what a service listens on is better written as it is).
fn listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    text.parse().map_err(|_| {
        format!(
            "{text:?} is not an IP address and port; write it like 127.0.0.1:9464 (or \
             0.0.0.0:9464 for every interface, [::1]:9464 for IPv6): names such as localhost \
             are not looked up"
        )
    })
}

/// `ontop sim` options: the simulator's own definition when it is built in.
#[cfg(feature = "sim")]
pub(crate) use ontop_sim::cli::SimArgs;

/// `ontop sim` in a build without the simulator: whatever is given, the command only says
/// how to get a build that has it.
#[cfg(not(feature = "sim"))]
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub(crate) ignored: Vec<String>,
}
