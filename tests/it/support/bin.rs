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

/// `ontop serve` running in the background: the child, where it listens, and its log.
pub(crate) struct Served {
    pub child: tokio::process::Child,
    pub addr: std::net::SocketAddr,
    pub log: Log,
}

/// Starts `ontop serve --listen listen --config config` from `command` (made by
/// [`command`], perhaps with a lower open-file limit), and waits for the line that
/// says where it listens.
pub(crate) async fn serve(
    mut command: tokio::process::Command,
    listen: &str,
    config: &Path,
) -> Served {
    use tokio::io::{AsyncBufReadExt, BufReader};
    command
        .args(["serve", "--listen", listen, "--config"])
        .arg(config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("the binary runs");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Log::default();
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.push(&line);
            // The line for the operator (after the log's own line that says the same).
            if !line.starts_with("ontop serve: ") {
                continue;
            }
            if let Some((_, rest)) = line.split_once("listening on http://") {
                let addr = rest.split('/').next().unwrap();
                return addr.parse::<std::net::SocketAddr>().unwrap();
            }
        }
        panic!("ontop serve ended before it listened: {}", log.text());
    })
    .await
    .unwrap_or_else(|_| panic!("ontop serve says where it listens: {}", log.text()));
    log.follow(lines);
    Served { child, addr, log }
}

/// [`command`] with the open-file limit (soft and hard) set to `files`, as `ulimit -n`
/// would.
#[cfg(target_os = "linux")]
pub(crate) fn with_open_files(
    mut command: tokio::process::Command,
    files: u64,
) -> tokio::process::Command {
    let limit = libc::rlimit {
        rlim_cur: files,
        rlim_max: files,
    };
    // SAFETY: setrlimit is async-signal-safe and only changes the child's own limit.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    command
}

/// What a child wrote to stderr so far, read as it comes (a full pipe would stall it).
#[derive(Clone)]
pub(crate) struct Log {
    text: std::sync::Arc<std::sync::Mutex<String>>,
    /// Turns true once the child's stderr is closed and every line read.
    ended: tokio::sync::watch::Receiver<bool>,
    ending: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Log {
    fn default() -> Self {
        let (ending, ended) = tokio::sync::watch::channel(false);
        Self {
            text: Default::default(),
            ended,
            ending: std::sync::Arc::new(ending),
        }
    }
}

impl Log {
    fn push(&self, line: &str) {
        let mut text = self.text.lock().unwrap();
        text.push_str(line);
        text.push('\n');
    }

    fn follow(
        &self,
        mut lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
    ) {
        let log = self.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                log.push(&line);
            }
            log.ending.send_replace(true);
        });
    }

    /// Everything written so far.
    pub(crate) fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Everything written, once the child closed its stderr (it ended).
    pub(crate) async fn all(&self) -> String {
        let mut ended = self.ended.clone();
        let _ = tokio::time::timeout(RUN_LIMIT, ended.wait_for(|e| *e)).await;
        self.text()
    }
}

/// Sends SIGTERM to `child`; how long it took to end, and its exit code.
pub(crate) async fn terminate(
    child: &mut tokio::process::Child,
    limit: Duration,
) -> (Duration, Option<i32>) {
    let pid = child.id().expect("running") as i32;
    let asked = std::time::Instant::now();
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = tokio::time::timeout(limit, child.wait()).await;
    let status =
        status.unwrap_or_else(|_| panic!("ontop serve still runs {limit:?} after SIGTERM"));
    (asked.elapsed(), status.unwrap().code())
}
