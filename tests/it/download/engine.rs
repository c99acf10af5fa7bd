//! The engine's operations against the simulator, as every front end drives them: a
//! start followed to its end, conflicts, read-only, the concurrency cap, following
//! through job expiry and errors, and what lands in the audit log.

use std::time::Duration;

use crate::support::engine::{audit_lines, changes, engine, plan};
use crate::support::fleet::start_fleet;
use ontop::testing::download::{DownloadSpec, Ending, OperationKind, Phase};
use ontop::testing::ontap::ErrorKind;
use ontop_sim::Fault;
use secrecy::SecretString;

const DOWNLOAD: OperationKind = OperationKind::Download;

fn spec(url: &str) -> DownloadSpec {
    DownloadSpec::new(url, None, None).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_download_is_followed_to_success() {
    let fleet = start_fleet(1, |_| {}).await;
    let mut h = engine(&fleet, None, |_| {});
    h.answered().await;
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&fleet.default_package_url()));
    let followed = h.ended(0, DOWNLOAD).await;
    assert!(followed.ending().unwrap().is_success(), "{followed:?}");
    assert!(followed.job.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_a_download_on_a_busy_cluster_attaches_to_it() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let slow = fleet.package_url_with("ontap-9.15.1P7-image.tgz", 512 * 1024, 512 * 1024);
    fleet.start_download(&name, &slow).unwrap();
    let mut h = engine(&fleet, None, |_| {});
    h.answered().await;
    // Sent anyway (a plan made before the other download began): the cluster answers
    // "already in progress", and that download is followed instead.
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&fleet.default_package_url()));
    let followed = h.ended(0, DOWNLOAD).await;
    assert_eq!(followed.origin, ontop::testing::download::Origin::Attached);
    assert!(
        followed.ending().unwrap().is_success(),
        "the running download was followed: {followed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_already_on_the_cluster_counts_as_present() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let url = fleet.default_package_url();
    fleet.finish_download(&name, &url).unwrap();
    let mut h = engine(&fleet, None, |_| {});
    h.answered().await;
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&url));
    let followed = h.ended(0, DOWNLOAD).await;
    assert_eq!(followed.ending(), Some(&Ending::AlreadyPresent));
    let (_, packages) = h.model.clusters[0].packages.as_ref().unwrap();
    assert!(
        packages
            .iter()
            .any(|p| p.version.as_deref() == Some("9.16.1P3"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_client_never_sends_a_change() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let mut h = engine(&fleet, None, |s| s.read_only = true);
    h.answered().await;
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&fleet.default_package_url()));
    h.engine.remove_packages(&[(0, "9.15.1P7".to_string())]);
    let download = h.ended(0, DOWNLOAD).await;
    let Some(Ending::Refused(e)) = download.ending() else {
        panic!("read-only must refuse: {download:?}");
    };
    assert_eq!(e.kind, ErrorKind::ReadOnly);
    let removal = h.ended(0, OperationKind::Removal).await;
    assert!(
        matches!(removal.ending(), Some(Ending::Refused(_))),
        "{removal:?}"
    );
    assert_eq!(
        changes(&fleet, &name),
        0,
        "nothing but GETs reached the cluster"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_eight_requests_are_on_the_wire_at_once() {
    // Every answer takes 300 ms: 20 starts, 8 at a time, need at least 3 rounds. Only a
    // lower bound is asserted; a slow machine can only make it longer.
    let latency = Duration::from_millis(300);
    let fleet = start_fleet(20, |o| o.latency = latency).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |s| {
        s.interval = Duration::from_secs(60)
    });
    h.answered().await;
    let all: Vec<usize> = (0..20).collect();
    let started = tokio::time::Instant::now();
    h.engine
        .start_downloads(&plan(&fleet, &all, &[]), spec(&fleet.default_package_url()));
    h.until("every start answered", |m, _| {
        m.clusters
            .iter()
            .all(|c| c.followed.as_ref().is_some_and(|f| f.answered))
    })
    .await;
    let rounds = 20usize.div_ceil(ontop::testing::download::MAX_CONCURRENT_STARTS) as u32;
    assert!(
        started.elapsed() >= latency * rounds,
        "{:?}",
        started.elapsed()
    );
    assert!(
        h.model
            .clusters
            .iter()
            .all(|c| c.followed.as_ref().unwrap().job.is_some()),
        "every start got its job"
    );
    h.engine.finish(Duration::from_secs(10)).await;
    let started = audit_lines(dir.path())
        .iter()
        .filter(|l| l["event"] == "start" && l["result"] == "started")
        .count();
    assert_eq!(started, 20, "each start recorded (and journaled)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_job_falls_back_to_the_download_status() {
    let fleet = start_fleet(1, |o| o.job_expiry = Duration::from_millis(1)).await;
    let mut h = engine(&fleet, None, |s| s.interval = Duration::from_millis(700));
    h.answered().await;
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&fleet.default_package_url()));
    let followed = h.ended(0, DOWNLOAD).await;
    assert!(followed.ending().unwrap().is_success(), "{followed:?}");
    assert!(followed.job_deleted, "the job was gone: {followed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_errors_do_not_fail_a_download_but_a_run_of_them_gives_up() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let slow = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 4 << 20, 64 << 10);
    let mut h = engine(&fleet, None, |_| {});
    h.answered().await;
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&slow));
    h.until("the download runs", |m, _| {
        m.clusters[0]
            .followed
            .as_ref()
            .is_some_and(|f| matches!(f.phase, Phase::Job(_)))
    })
    .await;
    fleet.set_fault(&name, Fault::Http502);
    let followed = h.ended(0, DOWNLOAD).await;
    let errors: Vec<u32> = h
        .seen
        .iter()
        .filter_map(|u| match u {
            ontop::testing::engine::Update::Operation { followed, .. }
                if followed.ending().is_none() =>
            {
                Some(followed.errors)
            }
            _ => None,
        })
        .filter(|e| *e > 0)
        .collect();
    assert_eq!(errors, [1, 2, 3, 4], "the fifth ends it");
    let Some(Ending::GaveUp { reason }) = followed.ending() else {
        panic!("expected to give up: {followed:?}");
    };
    assert!(
        reason.contains("5 polls in a row") && reason.contains("502"),
        "{reason}"
    );
    assert!(
        followed
            .ending()
            .unwrap()
            .describe()
            .contains("may still run")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_download_ends_with_its_code_and_hint() {
    let fleet = start_fleet(1, |_| {}).await;
    let mut h = engine(&fleet, None, |_| {});
    h.answered().await;
    h.engine.start_downloads(
        &plan(&fleet, &[0], &[]),
        spec(&fleet.missing_package_url("nope.tgz")),
    );
    let followed = h.ended(0, DOWNLOAD).await;
    let ending = followed.ending().unwrap();
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
    let mut h = engine(&fleet, Some(dir.path()), |_| {});
    h.answered().await;
    h.engine.start_downloads(&plan(&fleet, &[0, 1], &[]), spec);
    h.ended(0, DOWNLOAD).await;
    h.ended(1, DOWNLOAD).await;
    h.engine.finish(Duration::from_secs(10)).await;
    let lines = audit_lines(dir.path());
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        events.iter().filter(|e| **e == "attempt").count(),
        2,
        "an attempt before each POST: {events:?}"
    );
    assert_eq!(events.iter().filter(|e| **e == "start").count(), 2);
    assert_eq!(events.iter().filter(|e| **e == "end").count(), 2);
    for line in lines.iter().filter(|l| l["event"] == "start") {
        assert_eq!(line["result"], "started");
        assert_eq!(line["server_username"], "fetch");
        assert!(line["url"].as_str().unwrap().contains("fetch:***@"));
        assert!(line["job"].is_string() && line["user"].is_string() && line["host"].is_string());
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let content = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !content.contains(secret) && !content.contains("url-pw-9c1d"),
            "{content}"
        );
    }
}

/// A start whose request times out may have been taken: the engine looks for its
/// download, and follows it to its end when it shows up running, instead of calling it
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_got_no_answer_is_followed_once_its_download_shows_up() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    let mut h = engine(&fleet, None, |s| s.timeout = Duration::from_secs(1));
    h.answered().await;
    fleet.set_fault(&name, Fault::Latency(Duration::from_secs(3)));
    h.engine
        .start_downloads(&plan(&fleet, &[0], &[]), spec(&fleet.default_package_url()));
    h.until("the start to go unanswered", |m, _| {
        m.clusters[0]
            .operation(DOWNLOAD)
            .is_some_and(|f| f.unanswered.is_some())
    })
    .await;
    assert_eq!(
        h.op(0, DOWNLOAD).unwrap().ending(),
        None,
        "not an ending yet"
    );
    // The cluster took it after all.
    fleet.set_fault(&name, Fault::None);
    // Running for about 4 s: long enough to be seen between polls on a loaded machine
    // (the late POST may have started one already; either is "the download shows up").
    let slow = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 2 * 1024 * 1024, 512 * 1024);
    let _ = fleet.start_download(&name, &slow);
    let followed = h.ended(0, DOWNLOAD).await;
    assert!(followed.ending().unwrap().is_success(), "{followed:?}");
    assert_eq!(followed.unanswered, None);
}

/// A start whose answer was lost on the way (cut in the middle, or a 502 no ONTAP code
/// explains) may have been taken as well: it is looked for like a timeout, never
/// recorded as refused, and followed once its download shows up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_whose_answer_was_lost_is_looked_for_not_called_refused() {
    for fault in [Fault::Truncated, Fault::Http502] {
        let fleet = start_fleet(1, |_| {}).await;
        let name = fleet.clusters()[0].name.clone();
        let mut h = engine(&fleet, None, |_| {});
        h.answered().await;
        fleet.set_fault(&name, fault.clone());
        h.engine
            .start_downloads(&plan(&fleet, &[0], &[]), spec(&fleet.default_package_url()));
        h.until("the start's answer to be lost", |m, _| {
            m.clusters[0]
                .operation(DOWNLOAD)
                .is_some_and(|f| f.unanswered.is_some())
        })
        .await;
        let op = h.op(0, DOWNLOAD).unwrap();
        assert_eq!(op.ending(), None, "{fault}: not refused: {op:?}");
        let lost = op.unanswered.clone().unwrap();
        assert!(lost.may_have_arrived(), "{fault}: {lost:?}");
        assert!(
            lost.message.contains("not known whether it started"),
            "{lost}"
        );
        fleet.set_fault(&name, Fault::None);
        let slow = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 2 * 1024 * 1024, 512 * 1024);
        let _ = fleet.start_download(&name, &slow);
        let followed = h.ended(0, DOWNLOAD).await;
        assert!(
            followed.ending().unwrap().is_success(),
            "{fault}: {followed:?}"
        );
    }
}
