//! `ontop serve` past the usual open-file limit: 1,100 clusters under `ulimit -n 1024`
//! (the soft and hard limit of many systemd services and shells). The engine keeps the
//! connections it can, the others connect anew for each poll, and nothing runs out of
//! descriptors: every cluster is up, the scrape answers, the log holds no "Too many open
//! files", and the journal is left as it was.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::bin::{BIN, base_env};
use crate::support::fleet::start_fleet;

const CLUSTERS: usize = 1100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_keeps_every_one_of_1100_clusters_up_under_ulimit_1024() {
    // The simulator runs in this process, whose limit is raised for it; ontop serve runs
    // under the lower limit.
    if let Some(warning) = ontop_sim::raise_open_files(CLUSTERS) {
        panic!("the test process needs room for the simulator: {warning}");
    }
    let fleet = start_fleet(CLUSTERS, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fleet.toml");
    fleet.write_config(&config).await.unwrap();
    let data = dir.path().join("data");
    // A journal another ontop left, for a cluster this config does not have: it must be
    // read, never set aside, and stay as it is.
    let journal = data.join("ontop/jobs.json");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let kept = r#"{"jobs":[{"cluster":"elsewhere-1","job":"j-1","url":"-","started_at":"2026-01-01T00:00:00Z"}]}"#;
    std::fs::write(&journal, kept).unwrap();

    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in base_env(&data) {
        match value {
            Some(v) => command.env(name, v),
            None => command.env_remove(name),
        };
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let log = said.clone();
    tokio::spawn(async move {
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("listening on http://").nth(1)
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
            }
            let mut log = log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    let addr = tokio::time::timeout(Duration::from_secs(60), rx)
        .await
        .unwrap_or_else(|_| panic!("no listening line: {}", said.lock().unwrap()))
        .unwrap();
    let http = super::plain_client();
    let started = tokio::time::Instant::now();
    let mut up = 0;
    while started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let scrape = tokio::time::timeout(
            Duration::from_secs(10),
            http.get(format!("http://{addr}/metrics")).send(),
        )
        .await
        .expect("the scrape answers while the engine works")
        .expect("the scrape is accepted");
        let body = scrape.text().await.unwrap();
        up = body
            .lines()
            .filter(|l| l.starts_with("ontop_cluster_up{"))
            .filter(|l| l.rsplit_once(' ').and_then(|(_, v)| v.parse::<f64>().ok()) == Some(1.0))
            .count();
        if up == CLUSTERS {
            break;
        }
    }
    let log = said.lock().unwrap().clone();
    assert_eq!(
        up, CLUSTERS,
        "every cluster up within 60 s; the log:\n{log}"
    );
    assert!(
        !log.contains("Too many open files"),
        "no descriptor ran out: {log}"
    );
    assert!(
        log.contains("connect anew for each poll"),
        "the budget is said once: {log}"
    );
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap(),
        kept,
        "untouched"
    );
    let names: Vec<String> = std::fs::read_dir(journal.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("corrupt")), "{names:?}");
    let pid = child.id().expect("running") as i32;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let _ = tokio::time::timeout(Duration::from_secs(20), child.wait()).await;
}
