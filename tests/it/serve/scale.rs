//! `ontop serve` past the usual open-file limit: 1,100 clusters under `ulimit -n 1024`
//! (the soft and hard limit of many systemd services and shells). The engine keeps the
//! connections it can, the others connect anew for each poll, and nothing runs out of
//! descriptors: every cluster is up, the scrape answers, the log holds no "Too many open
//! files", and the journal is left as it was.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::bin::{Served, command, serve, terminate, with_open_files};
use crate::support::fleet::start_fleet;

const CLUSTERS: usize = 1100;

/// A journal another ontop left, for a cluster no config here has: it must be read,
/// never set aside, and stay as it is.
const KEPT: &str = r#"{"jobs":[{"cluster":"elsewhere-1","job":"j-1","url":"-","started_at":"2026-01-01T00:00:00Z"}]}"#;

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
    let journal = leave_journal(&data);
    let limited = with_open_files(command(&data), 1024);
    let Served {
        mut child,
        addr,
        log,
    } = serve(limited, "127.0.0.1:0", &config).await;
    let up = every_cluster_up(&addr.to_string()).await;
    let said = log.text();
    assert_eq!(
        up, CLUSTERS,
        "every cluster up within 60 s; the log:\n{said}"
    );
    assert!(
        !said.contains("Too many open files"),
        "no descriptor ran out: {said}"
    );
    assert!(
        said.contains("connect anew for each poll"),
        "the budget is said once: {said}"
    );
    assert_journal_kept(&journal);
    terminate(&mut child, Duration::from_secs(20)).await;
}

/// Writes [`KEPT`] as the journal in `data`; its path.
fn leave_journal(data: &Path) -> PathBuf {
    let journal = data.join("ontop/jobs.json");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(&journal, KEPT).unwrap();
    journal
}

/// The journal is as it was, and nothing beside it was set aside as corrupt.
fn assert_journal_kept(journal: &Path) {
    assert_eq!(std::fs::read_to_string(journal).unwrap(), KEPT, "untouched");
    let names: Vec<String> = std::fs::read_dir(journal.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("corrupt")), "{names:?}");
}

/// Scrapes the child serving on `addr` every 2 s (it polls 1,100 clusters: its own pace,
/// a real process) until every cluster is up, for at most 60 s; how many were up last.
async fn every_cluster_up(addr: &str) -> usize {
    let http = super::plain_client();
    let mut every = tokio::time::interval(Duration::from_secs(2));
    every.tick().await;
    let mut up = 0;
    let scraping = async {
        loop {
            every.tick().await;
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
                .filter(|l| {
                    l.rsplit_once(' ').and_then(|(_, v)| v.parse::<f64>().ok()) == Some(1.0)
                })
                .count();
            if up == CLUSTERS {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(60), scraping).await;
    up
}
