//! The one way the tests run the real `ontop` binary as a script would: no terminal, no
//! config from the environment, a proxy variable that must be ignored, a data dir (journal,
//! audit log, logs) of the test's own instead of the user's, and a bound on how long it
//! may take. The pseudo-terminal runner ([`super::pty`]) starts from the same environment.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_ontop");

/// How long one run may take before the test fails instead of hanging.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The environment every run gets: `(name, Some(value))` to set, `(name, None)` to unset.
pub(crate) fn base_env(data_home: &Path) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("ONTOP_CONFIG", None),
        ("XDG_DATA_HOME", Some(data_home.display().to_string())),
        ("HTTPS_PROXY", Some("http://127.0.0.1:9".to_string())),
    ]
}

/// `ontop` with the environment every run gets ([`base_env`]) and no input, for a test
/// that wires its output itself; add the arguments, then `output()`.
pub(crate) fn std_command(data_home: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(BIN);
    for (name, value) in base_env(data_home) {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command.stdin(std::process::Stdio::null());
    command
}

/// [`std_command`] on the runtime, for a test that spawns `ontop` to signal it or to run
/// beside it; it is killed when dropped.
pub(crate) fn command(data_home: &Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::from(std_command(data_home));
    command.kill_on_drop(true);
    command
}

/// Runs `ontop args --config config` with `data_home` as `XDG_DATA_HOME` and `env` on top.
pub(crate) async fn run_with(
    args: &[&str],
    config: &Path,
    data_home: &Path,
    env: &[(&str, &str)],
) -> Output {
    let mut command = command(data_home);
    command
        .args(args)
        .arg("--config")
        .arg(config)
        .envs(env.iter().copied());
    finish(command).await
}

/// Runs `ontop args` (a command that reads no config) with `data_home` as `XDG_DATA_HOME`.
pub(crate) async fn run_without_config(args: &[&str], data_home: &Path) -> Output {
    let mut command = command(data_home);
    command.args(args);
    finish(command).await
}

/// Runs the command to its end, within [`RUN_LIMIT`].
async fn finish(mut command: tokio::process::Command) -> Output {
    tokio::time::timeout(RUN_LIMIT, command.output())
        .await
        .expect("ontop must end")
        .expect("the binary runs")
}

/// Runs `ontop args --config config` with its data dir beside the config.
pub(crate) async fn run_ontop(args: &[&str], config: &Path) -> Output {
    let data = config.parent().unwrap().join("data");
    run_with(args, config, &data, &[]).await
}
