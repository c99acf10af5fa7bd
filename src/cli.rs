//! The command-line contract (`docs/architecture.md`), as clap definitions and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A dashboard for ONTAP software/firmware package downloads across many clusters.
#[derive(Debug, Parser)]
#[command(name = "ontop", version, about, max_term_width = 100)]
pub struct Cli {
    /// Config file [default: $ONTOP_CONFIG, else <config dir>/ontop/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Never start a download, whatever the config says
    #[arg(long, global = true)]
    pub read_only: bool,
    /// No colours (NO_COLOR is honoured too)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// No terminal bell when a download started from the dashboard ends
    #[arg(long, global = true)]
    pub no_bell: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to run; the dashboard when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The dashboard on an embedded simulated fleet: no config, no network needed
    Demo {
        /// How many simulated clusters
        #[arg(long, default_value_t = 12)]
        clusters: usize,
    },
    /// One sweep of every cluster, then print a table (or JSON) and exit
    ///
    /// Exit codes: 0 every cluster answered, 1 some did not, 2 usage or config error.
    Status {
        /// Print a JSON array, one object per cluster
        #[arg(long)]
        json: bool,
    },
    /// Start a package download on some clusters (or all), optionally following each to its end
    ///
    /// Exit codes: 0 every download was accepted (with --wait: succeeded or was already
    /// present), 1 any was refused, failed, or a chosen cluster did not answer,
    /// 2 usage or config error, or every chosen cluster is read-only (nothing sent).
    Download(DownloadArgs),
    /// Show a cluster's certificate and pin its fingerprint in the config
    ///
    /// Exit codes: 0 done, 1 a cluster could not be reached, 2 usage or config error (or
    /// --write refused).
    Trust(crate::commands::trust::TrustArgs),
    /// Run the ONTAP simulator in the foreground (until Ctrl-C)
    Sim(SimArgs),
    /// Work with the config file
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `ontop config ...`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the config, resolve every credential, print it with secrets redacted
    Check,
    /// Print an ontop config made from NetApp Harvest's harvest.yml (one cluster per poller)
    ///
    /// Redirect it to a file: ontop config import harvest.yml > ~/.config/ontop/config.toml
    ///
    /// What cannot be carried over is said in comments. Exit codes: 0 done, 2 the file
    /// cannot be read or holds no poller that can be imported.
    Import {
        /// Harvest's harvest.yml
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
}

/// `ontop download` options.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["clusters", "all"]))]
pub struct DownloadArgs {
    /// A cluster to start on, as named in the config (repeat for more)
    #[arg(long = "cluster", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Every configured cluster
    #[arg(long)]
    pub all: bool,
    /// The package URL (http, https, ftp or file) [default: `[download] url` of the config]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The package server's user [default with the default URL: `[download] username`]
    #[arg(long, value_name = "U")]
    pub username: Option<String>,
    /// Read the package server's password from this environment variable (without it,
    /// a user given and a terminal: ask without echo)
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Follow every download to its end; the exit code tells how they ended
    #[arg(long)]
    pub wait: bool,
    /// With --wait: stop following after this long (e.g. "90m"); the downloads go on,
    /// and a dashboard started later picks them up from the journal
    #[arg(long, value_name = "DURATION", requires = "wait")]
    pub timeout: Option<String>,
    /// Start without asking for confirmation (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Time between polls while following, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 2000, hide = true)]
    pub interval_ms: u64,
}

/// `ontop sim` options: the simulator's own definition when it is built in.
#[cfg(feature = "sim")]
pub use ontop_sim::cli::SimArgs;

/// `ontop sim` in a build without the simulator: whatever is given, the command only says
/// how to get a build that has it.
#[cfg(not(feature = "sim"))]
#[derive(Debug, Args)]
pub struct SimArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub ignored: Vec<String>,
}
