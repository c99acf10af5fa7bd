//! Where the config file is, and how paths written inside it are read.
//!
//! Paths in the file (`ca_file`, `password_file`) are relative to the file's own
//! directory, so a config keeps working whatever directory ontop is started from; values
//! from environment overrides are relative to the current directory, like any other
//! path typed in a shell. A leading `~/` means the home directory in both.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use directories::{BaseDirs, ProjectDirs};

/// Where ontop keeps what it writes (the dashboard log, the audit log and the journal):
/// `$XDG_DATA_HOME/ontop` on Linux, so `XDG_DATA_HOME` moves it.
pub(crate) fn data_dir() -> Option<PathBuf> {
    ProjectDirs::from("", "", "ontop").map(|dirs| dirs.data_dir().to_path_buf())
}

/// The environment variable that names the config file when `--config` is not given.
pub(crate) const CONFIG_PATH_ENV: &str = "ONTOP_CONFIG";

/// `<config dir>/ontop/config.toml` for this user (e.g. `~/.config/ontop/config.toml`),
/// or `None` when the platform gives no home directory.
pub fn default_config_path() -> Option<PathBuf> {
    ProjectDirs::from("", "", "ontop").map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The config path to use: `--config`, else `ONTOP_CONFIG` (when set and not empty),
/// else [`default_config_path`].
pub(crate) fn resolve_path(cli: Option<&Path>) -> Option<PathBuf> {
    resolve_path_in(&super::Environment::process(), cli)
}

/// [`resolve_path`], reading `ONTOP_CONFIG` from `env`.
pub fn resolve_path_in(env: &super::Environment, cli: Option<&Path>) -> Option<PathBuf> {
    choose_path(cli, env.var_os(CONFIG_PATH_ENV))
}

fn choose_path(cli: Option<&Path>, env: Option<OsString>) -> Option<PathBuf> {
    if let Some(path) = cli {
        return Some(path.to_owned());
    }
    match env {
        Some(value) if !value.is_empty() => Some(PathBuf::from(value)),
        _ => default_config_path(),
    }
}

/// Reads a path written in the config: `~/` is the home directory, and a relative path
/// is taken from `base` (the config file's directory, or the current one for env values).
pub(super) fn resolve_relative(base: &Path, written: &str) -> PathBuf {
    if let Some(rest) = written.strip_prefix("~/")
        && let Some(dirs) = BaseDirs::new()
    {
        return dirs.home_dir().join(rest);
    }
    let path = Path::new(written);
    if path.is_absolute() {
        path.to_owned()
    } else {
        base.join(path)
    }
}

/// The permission bits (e.g. `0o644`) when group or others may read or write the file:
/// such a file is no place for a password.
#[cfg(unix)]
pub(super) fn loose_mode(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

/// Other platforms have no such bits to check.
#[cfg(not(unix))]
pub(super) fn loose_mode(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_over_the_environment() {
        let chosen = choose_path(Some(Path::new("/cli.toml")), Some("/env.toml".into()));
        assert_eq!(chosen, Some(PathBuf::from("/cli.toml")));
    }

    #[test]
    fn the_environment_wins_over_the_default_unless_empty() {
        let chosen = choose_path(None, Some("/env.toml".into()));
        assert_eq!(chosen, Some(PathBuf::from("/env.toml")));
        assert_eq!(choose_path(None, Some("".into())), default_config_path());
    }

    #[test]
    fn relative_paths_are_taken_from_the_base() {
        let base = Path::new("/etc/ontop");
        assert_eq!(
            resolve_relative(base, "ca.pem"),
            Path::new("/etc/ontop/ca.pem")
        );
        assert_eq!(resolve_relative(base, "/x/ca.pem"), Path::new("/x/ca.pem"));
    }
}
