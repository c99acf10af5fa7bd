//! `ontop trust`: its options. What it does is `crate::commands::trust`'s.

/// `ontop trust` options.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["name", "all"]))]
pub struct TrustArgs {
    #[command(flatten)]
    pub config: super::ConfigArg,
    /// The cluster, as named in the config
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Every HTTPS cluster that has no trust set yet (no fingerprint, no ca_file, not
    /// insecure)
    #[arg(long)]
    pub all: bool,
    /// Pin the presented fingerprint in the config file (comments and layout are kept)
    #[arg(long)]
    pub write: bool,
    /// Write without asking for confirmation (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}
