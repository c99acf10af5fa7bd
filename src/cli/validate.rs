//! `ontop validate`: its options.

use clap::Args;

use super::ConfigArg;

/// `ontop validate` options.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).multiple(true).args(["clusters", "all", "labels"]))]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The release to validate, as the package repository lists it (e.g. 9.16.1P3)
    #[arg(value_name = "VERSION")]
    pub version: String,
    /// Which clusters: --cluster NAME..., --all, --label KEY=VALUE...
    #[command(flatten)]
    pub select: super::SelectionArgs,
    /// Wait for every validation's findings, then give the verdicts grouped by check; the
    /// exit code tells whether every cluster is ready
    #[arg(long)]
    pub wait: bool,
    /// With --wait: stop waiting after this long (e.g. "20m")
    #[arg(long, value_name = "DURATION", requires = "wait")]
    pub timeout: Option<String>,
    /// Print one JSON document instead of the lines (verdicts, counts, findings by check)
    #[arg(long)]
    pub json: bool,
    /// Validate without asking for confirmation (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Show who would be validated and who is skipped, and send nothing
    #[arg(long, conflicts_with_all = ["wait", "yes"])]
    pub dry_run: bool,
}
