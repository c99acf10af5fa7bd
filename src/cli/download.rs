//! `ontop download`: its options.

use clap::Args;

use super::ConfigArg;

/// `ontop download` options.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).multiple(true).args(["clusters", "all", "labels"]))]
pub(crate) struct DownloadArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Never start a download: every chosen cluster is reported as read-only
    #[arg(long)]
    pub read_only: bool,
    /// Which clusters: --cluster NAME..., --all, --label KEY=VALUE...
    #[command(flatten)]
    pub select: super::SelectionArgs,
    /// The package URL (http, https, ftp or file) [default: `[download] url` of the config]
    #[arg(long, value_name = "URL", conflicts_with = "file")]
    pub url: Option<String>,
    /// Upload this image from this host instead (ONTAP 9.8 and later): streamed from disk
    /// to each cluster, its SHA-256 computed first and audited
    #[arg(long, value_name = "PATH")]
    pub file: Option<std::path::PathBuf>,
    /// With --file: the image's published SHA-256; a file that does not match is refused
    /// and nothing is sent
    #[arg(long, value_name = "HEX", requires = "file")]
    pub sha256: Option<String>,
    /// With --file: the rate every upload from this host shares, e.g. "50MiB/s"
    /// [default: `[download] upload_rate`, else no limit]
    #[arg(long, value_name = "RATE", requires = "file")]
    pub limit_rate: Option<String>,
    /// The package server's user [default with the default URL: `[download] username`]
    #[arg(long, value_name = "U", conflicts_with = "file")]
    pub username: Option<String>,
    /// Read the package server's password from this environment variable (without it,
    /// a user given and a terminal: ask without echo)
    #[arg(long, value_name = "VAR", conflicts_with = "file")]
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
    /// With --wait: at most N downloads run at once; the rest wait in ontop (nothing is
    /// sent for them) and start as others end [default: `[download] max_running`, else
    /// no limit]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_running: Option<u32>,
    /// Download even to clusters that run or already hold the package's release (read
    /// from its file name: 97_q_image.tgz, ontap-9.16.1P3-image.tgz)
    #[arg(long)]
    pub force: bool,
    /// Show the plan (targets, clusters followed as they are, skips and why) and send
    /// nothing
    #[arg(long, conflicts_with_all = ["wait", "yes"])]
    pub dry_run: bool,
}
