//! `--cluster`, `--all`, `--label`: the selection flags, as the command line takes them.
//! What they select is `crate::commands::selection`'s.

use clap::Args;

/// The selection flags every command that picks clusters takes.
#[derive(Debug, Clone, Default, Args)]
pub struct SelectionArgs {
    /// A cluster, as named in the config (repeat for more)
    #[arg(long = "cluster", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Every configured cluster (not with --cluster: one of the two is a mistake, and
    /// with --all a change would go to the whole fleet)
    #[arg(long, conflicts_with = "clusters")]
    pub all: bool,
    /// Only clusters with this label, e.g. site=ams (repeat: all must hold)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
}
