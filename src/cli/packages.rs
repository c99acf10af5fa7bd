//! `ontop packages` and `ontop packages delete`: their options.

use clap::{Args, Subcommand};

use super::ConfigArg;

/// `ontop packages` options.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct PackagesArgs {
    #[command(subcommand)]
    pub action: Option<PackagesAction>,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON: every cluster's release and packages, and every release's holders
    #[arg(long)]
    pub json: bool,
    /// One row per cluster (its release and its packages) instead of one per release
    #[arg(long)]
    pub by_cluster: bool,
    /// Which clusters [default: all]
    #[command(flatten)]
    pub select: super::SelectionArgs,
}

/// What `ontop packages` can do besides listing.
#[derive(Debug, Subcommand)]
pub(crate) enum PackagesAction {
    /// Remove a package from the chosen clusters' repositories, following each removal
    /// to its end (asks first; --yes without a terminal)
    ///
    /// Exit codes: 0 removed everywhere it was (or it was nowhere, or --dry-run and every
    /// chosen cluster answered), 1 a removal was refused or failed, a chosen cluster did
    /// not answer (its repository could not be read), a record could not be written, or
    /// the question was answered no, 2 usage or config error, or every chosen cluster is
    /// read-only, 130 Ctrl-C (what it left running is said first). A non-zero exit ends
    /// with one line that says why.
    Delete(PackageDeleteArgs),
}

/// `ontop packages delete` options.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).multiple(true).args(["clusters", "all", "labels"]))]
pub(crate) struct PackageDeleteArgs {
    /// The package's version, as `ontop packages` lists it (e.g. 9.16.1P3)
    #[arg(value_name = "VERSION")]
    pub version: String,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Which clusters: --cluster NAME..., --all, --label KEY=VALUE...
    #[command(flatten)]
    pub select: super::SelectionArgs,
    /// Remove without asking for confirmation (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Send nothing: every chosen cluster is treated as read-only
    #[arg(long)]
    pub read_only: bool,
    /// Show who would be sent a removal (and who is skipped, and why), and send nothing
    #[arg(long)]
    pub dry_run: bool,
}
