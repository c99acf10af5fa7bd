//! The download engine against the simulator: conflicts, read-only, the concurrency
//! cap, following through job expiry and errors, and what lands in the audit log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::fleet::{client, start_fleet};
use ontop::download::audit::AuditLog;
use ontop::download::journal::Journal;
use ontop::download::{
    DownloadSpec, Ending, Followed, MAX_CONCURRENT_STARTS, Recorder, StartOutcome, Tracker,
    start_all, start_one,
};
use ontop::ontap::{Client, ClientSettings, ErrorKind};
use ontop_sim::{Fault, SimFleet};
use secrecy::SecretString;

const FAST: Duration = Duration::from_millis(50);

fn spec(url: &str) -> DownloadSpec {
    DownloadSpec::new(url, None, None).unwrap()
}

/// Follows what `outcome` started with the engine's tracker, as `ontop download --wait`.
async fn follow(
    client: &Client,
    outcome: &StartOutcome,
    interval: Duration,
    on_progress: impl FnMut(&Followed),
) -> Ending {
    let mut tracker = Tracker::requested("u".into(), jiff::Timestamp::now());
    if let Some(ending) = tracker.answered(outcome, jiff::Timestamp::now()) {
        return ending;
    }
    ontop::download::follow(client, &mut tracker, interval, on_progress).await
}

/// A recorder over the audit log and journal in `dir`, ignoring its notes.
fn recorder(dir: &std::path::Path) -> Recorder {
    Recorder::start(
        AuditLog::new(Some(dir)),
        Journal::open(Some(dir)),
        Arc::new(|_| {}),
    )
}

fn posts(fleet: &SimFleet, cluster: &str) -> usize {
    fleet
        .request_log(cluster)
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_download_is_followed_to_success() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let outcome = start_one(&c, &spec(&fleet.default_package_url())).await;
    assert!(
        matches!(outcome, StartOutcome::Started { .. }),
        "{outcome:?}"
    );
    let ending = follow(&c, &outcome, FAST, |_| {}).await;
    assert!(ending.is_success(), "{ending:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_a_download_on_a_busy_cluster_attaches_to_it() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let slow = fleet.package_url_with("ontap-9.15.1P7-image.tgz", 512 * 1024, 512 * 1024);
    fleet.start_download(&name, &slow).unwrap();
    let c = client(&fleet, 0);
    let outcome = start_one(&c, &spec(&fleet.default_package_url())).await;
    assert_eq!(outcome, StartOutcome::Attached);
    let ending = follow(&c, &outcome, FAST, |_| {}).await;
    assert!(
        ending.is_success(),
        "the running download was followed: {ending:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_already_on_the_cluster_counts_as_present() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let url = fleet.default_package_url();
    fleet.finish_download(&name, &url).unwrap();
    let c = client(&fleet, 0);
    let outcome = start_one(&c, &spec(&url)).await;
    let StartOutcome::AlreadyPresent { packages } = &outcome else {
        panic!("expected already present, got {outcome:?}");
    };
    assert!(
        packages
            .iter()
            .any(|p| p.version.as_deref() == Some("9.16.1P3"))
    );
    assert_eq!(
        follow(&c, &outcome, FAST, |_| {}).await,
        Ending::AlreadyPresent
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_client_never_sends_a_post() {
    let fleet = start_fleet(1, |_| {}).await;
    let cluster = &fleet.clusters()[0];
    let c = Client::new(ClientSettings {
        name: cluster.name.clone(),
        url: cluster.url.parse().unwrap(),
        username: fleet.username().into(),
        password: SecretString::from(fleet.password().to_string()),
        trust: crate::support::fleet::fleet_trust(&fleet),
        tls_server_name: None,
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(10),
        read_only: true,
    })
    .unwrap();
    let outcome = start_one(&c, &spec(&fleet.default_package_url())).await;
    let StartOutcome::Refused(e) = outcome else {
        panic!("read-only must refuse: {outcome:?}");
    };
    assert_eq!(e.kind, ErrorKind::ReadOnly);
    assert_eq!(posts(&fleet, &cluster.name), 0);
    assert!(
        fleet.request_log(&cluster.name).is_empty(),
        "nothing at all was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_eight_starts_are_in_flight() {
    // Every answer takes 300 ms: 20 starts, 8 at a time, need at least 3 rounds. Only a
    // lower bound is asserted; a slow machine can only make it longer.
    let latency = Duration::from_millis(300);
    let fleet = start_fleet(20, |o| o.latency = latency).await;
    let targets = (0..20).map(|i| (i, Arc::new(client(&fleet, i)))).collect();
    let dir = tempfile::tempdir().unwrap();
    let recorder = recorder(dir.path());
    let started = Instant::now();
    let reports = start_all(
        targets,
        Arc::new(spec(&fleet.default_package_url())),
        recorder.clone(),
        |_| {},
    )
    .await;
    let rounds = 20usize.div_ceil(MAX_CONCURRENT_STARTS) as u32;
    assert!(
        started.elapsed() >= latency * rounds,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reports.len(), 20);
    assert!(
        reports
            .iter()
            .all(|r| matches!(r.outcome, StartOutcome::Started { .. }))
    );
    assert_eq!(
        reports.iter().map(|r| r.cluster).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
    assert_eq!(Journal::open(Some(dir.path())).entries().len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_job_falls_back_to_the_download_status() {
    let fleet = start_fleet(1, |o| o.job_expiry = Duration::from_millis(1)).await;
    let c = client(&fleet, 0);
    let outcome = start_one(&c, &spec(&fleet.default_package_url())).await;
    // Follow slowly enough that the job is deleted before it is first asked for.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut states = Vec::new();
    let ending = follow(&c, &outcome, FAST, |f| {
        states.push(f.phase.word().to_string())
    })
    .await;
    assert!(ending.is_success(), "{ending:?} after {states:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_errors_do_not_fail_a_download_but_a_run_of_them_gives_up() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let c = client(&fleet, 0);
    let outcome = start_one(&c, &spec(&fleet.default_package_url())).await;
    fleet.set_fault(&name, Fault::Http502);
    let mut errors = Vec::new();
    let ending = follow(&c, &outcome, FAST, |f| errors.push(f.errors)).await;
    assert_eq!(errors, [1, 2, 3, 4], "the fifth ends it");
    let Ending::GaveUp { reason } = &ending else {
        panic!("expected to give up: {ending:?}");
    };
    assert!(
        reason.contains("5 polls in a row") && reason.contains("502"),
        "{reason}"
    );
    assert!(ending.describe().contains("may still run"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_download_ends_with_its_code_and_hint() {
    let fleet = start_fleet(1, |_| {}).await;
    let c = client(&fleet, 0);
    let outcome = start_one(&c, &spec(&fleet.missing_package_url("nope.tgz"))).await;
    let ending = follow(&c, &outcome, FAST, |_| {}).await;
    assert_eq!(ending.code(), Some(10551885), "{ending:?}");
    assert!(ending.describe().contains("what to do"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_every_attempt_and_never_a_password() {
    let fleet = start_fleet(2, |_| {}).await;
    let secret = "pkg-server-pw-7f3a";
    let url = fleet
        .default_package_url()
        .replacen("http://", "http://fetch:url-pw-9c1d@", 1);
    let spec =
        DownloadSpec::new(&url, Some("fetch".into()), Some(SecretString::from(secret))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let targets = (0..2).map(|i| (i, Arc::new(client(&fleet, i)))).collect();
    start_all(targets, Arc::new(spec), recorder(dir.path()), |_| {}).await;
    let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "an attempt before each POST, then its answer"
    );
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events.iter().filter(|e| **e == "attempt").count(), 2);
    for line in lines.iter().filter(|l| l["event"] == "start") {
        assert_eq!(line["result"], "started");
        assert_eq!(line["server_username"], "fetch");
        assert!(line["url"].as_str().unwrap().contains("fetch:***@"));
        assert!(line["job"].is_string() && line["user"].is_string() && line["host"].is_string());
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let content = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            !content.contains(secret) && !content.contains("url-pw-9c1d"),
            "{content}"
        );
    }
}
