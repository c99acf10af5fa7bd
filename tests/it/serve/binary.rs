//! The real binary: `ontop serve` says where it listens (and warns off loopback), logs
//! to stderr, and stops cleanly on SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::bin::{BIN, base_env};
use crate::support::fleet::start_fleet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_warns_off_loopback_and_stops_cleanly_on_sigterm() {
    let fleet = start_fleet(2, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let mut command = tokio::process::Command::new(BIN);
    command
        .args(["serve", "--listen", "0.0.0.0:0", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in base_env(&dir.path().join("data")) {
        match value {
            Some(v) => command.env(name, v),
            None => command.env_remove(name),
        };
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = String::new();
    let listening = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            said.push_str(&line);
            said.push('\n');
            if line.starts_with("ontop serve: ") {
                return;
            }
        }
    })
    .await;
    assert!(listening.is_ok(), "no listening line: {said}");
    // Said once, as the service's log line (its stderr is its log).
    assert!(
        said.lines()
            .any(|l| l.contains(" WARN ") && l.contains("listening on 0.0.0.0:")),
        "{said}"
    );
    assert!(!said.contains("ontop: warning:"), "not twice: {said}");
    assert!(
        said.contains("with no login: anyone on the network reads the fleet's state"),
        "{said}"
    );
    assert!(
        said.contains("2 clusters, listening on http://0.0.0.0:"),
        "{said}"
    );
    assert!(
        !said.contains('\x1b'),
        "no colour codes when stderr is not a terminal: {said}"
    );

    let pid = child.id().expect("running") as i32;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("ontop serve stops on SIGTERM")
        .unwrap();
    assert_eq!(status.code(), Some(0), "a clean stop: {said}");
    let rest: Vec<String> = {
        let mut rest = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            rest.push(line);
        }
        rest
    };
    assert!(rest.iter().any(|l| l.contains("stopping")), "{rest:?}");
}
