//! `--help` naming the real default config path of this user, not a placeholder.

use super::Cli;

/// The command line definition with every `--config` help naming the real default path
/// of this user (and `ONTOP_CONFIG` when it is set), as `--help` shows it.
pub(crate) fn command_with_real_paths() -> clap::Command {
    use clap::CommandFactory;
    let env = std::env::var_os(crate::config::CONFIG_PATH_ENV).filter(|v| !v.is_empty());
    let default = crate::config::default_config_path().map_or_else(
        || "none (no home directory)".to_string(),
        |p| p.display().to_string(),
    );
    let shown = match env {
        Some(value) => format!(
            "$ONTOP_CONFIG = {}, else {default}",
            std::path::Path::new(&value).display()
        ),
        None => format!("$ONTOP_CONFIG (unset), else {default}"),
    };
    real_paths(Cli::command(), &shown)
}

fn real_paths(mut cmd: clap::Command, shown: &str) -> clap::Command {
    for (id, what) in [("config", "Config file"), ("path", "Where to write it")] {
        if cmd
            .get_arguments()
            .any(|a| a.get_id() == id && a.get_long() == Some(id))
        {
            let help = format!("{what} [default: {shown}]");
            cmd = cmd.mut_arg(id, |a| a.help(help));
        }
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| real_paths(sub, shown));
    }
    cmd
}
