//! The engine as the dashboard drives it against the simulator: attaching is not
//! starting, a present package reads the same everywhere, following gives up by the same
//! rule as `ontop download --wait`, max_running queues, and a removal is an operation
//! of its own, recorded by the recorder.

use std::time::Duration;

use crate::support::engine::{Harness, audit_lines, engine, plan};
use crate::support::fleet::start_fleet;
use jiff::Timestamp;
use ontop::testing::download::journal::Journal;
use ontop::testing::download::{
    DownloadSpec, Ending, OperationKind, Origin, Phase, Plan, Planned, Since,
};
use ontop::testing::engine::Update;
use ontop::testing::ontap::DownloadState;
use ontop_sim::Fault;

const DOWNLOAD: OperationKind = OperationKind::Download;

async fn first_answer(h: &mut Harness) {
    h.until("the first answers", |m, _| {
        m.clusters.iter().all(|c| c.download.is_some())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attaching_to_a_running_download_is_not_starting_one() {
    let fleet = start_fleet(2, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    // A colleague's download, running already: its job's start (in whole seconds) is
    // before ontop is asked.
    let theirs = fleet.package_url_with("ontap-9.17.1-image.tgz", 64 << 20, 1 << 20);
    fleet.start_download(&names[0], &theirs).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |_| {});
    first_answer(&mut h).await;
    let before = Timestamp::now();
    let ours = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    h.engine.start_downloads(&plan(&fleet, &[], &[0]), ours);
    h.until("the attached job is followed", |m, _| {
        m.clusters[0]
            .followed
            .as_ref()
            .is_some_and(|f| f.job.is_some())
    })
    .await;
    h.engine.finish(Duration::from_secs(5)).await;
    let followed = h.model.clusters[0].followed.clone().unwrap();
    assert_eq!(
        followed.origin,
        Origin::Attached,
        "not 'started from ontop'"
    );
    // IN STATE counts from the job's own start, before ontop was asked.
    let Since::Exactly(since) = followed.since else {
        panic!("the job's start time is known: {:?}", followed.since)
    };
    assert!(since < before, "{since} is not before {before}");
    assert!(
        matches!(followed.phase, Phase::Job(_)),
        "{:?}",
        followed.phase
    );
    assert_eq!(
        crate::support::engine::changes(&fleet, &names[0]),
        0,
        "no request to a busy cluster"
    );
    let audit = audit_lines(dir.path());
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["result"], "attached");
    assert_eq!(audit[0]["url"], "-", "never our package URL: {audit:?}");
    assert_eq!(audit[0]["job"], followed.job.unwrap().as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_already_present_reads_the_same_in_every_column() {
    let fleet = start_fleet(1, |_| {}).await;
    let name = fleet.clusters()[0].name.clone();
    // The package is there; the cluster's last download, of another file, failed.
    fleet
        .finish_download(&name, &fleet.default_package_url())
        .unwrap();
    fleet
        .fail_download(
            &name,
            &fleet.missing_package_url("other.tgz"),
            10551885,
            "invalid URL",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |_| {});
    first_answer(&mut h).await;
    let spec = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    h.engine.start_downloads(&plan(&fleet, &[0], &[]), spec);
    h.ended(0, DOWNLOAD).await;
    h.until("a poll after the end", |_, u| {
        matches!(u, Update::Polled { .. })
    })
    .await;
    let c = &h.model.clusters[0];
    // DOWNLOAD is the cluster's own state; JOB is how the followed download ended.
    assert_eq!(c.download_state(), Some(&DownloadState::Failure));
    assert_eq!(c.ending(), Some(&Ending::AlreadyPresent));
    assert_eq!(c.phase().unwrap().word(), "present");
    let message = c.download.as_ref().unwrap().message.as_deref();
    assert_eq!(message, Some("invalid URL"), "MESSAGE is the cluster's own");
    // The header counts what the DOWNLOAD column shows.
    let counts = h.model.counts(Timestamp::now());
    assert_eq!((counts.failed, counts.succeeded), (1, 0));
    assert!(c.packages.as_ref().is_some_and(|(_, p)| !p.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_gives_up_after_the_same_failures_as_wait_and_says_so() {
    let fleet = start_fleet(1, |o| o.bandwidth = 64 * 1024).await;
    let name = fleet.clusters()[0].name.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |_| {});
    first_answer(&mut h).await;
    let spec = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    h.engine.start_downloads(&plan(&fleet, &[0], &[]), spec);
    h.until("the job runs", |m, _| {
        matches!(m.clusters[0].phase(), Some(Phase::Job(_)))
    })
    .await;
    fleet.set_fault(&name, Fault::Http502);
    h.ended(0, DOWNLOAD).await;
    h.engine.finish(Duration::from_secs(5)).await;
    let Some(Ending::GaveUp { reason }) = h.model.clusters[0].ending() else {
        panic!(
            "the dashboard gave up following: {:?}",
            h.model.clusters[0].ending()
        );
    };
    assert!(reason.starts_with("5 polls in a row failed"), "{reason}");
    assert!(reason.contains("502"), "{reason}");
    let audit = audit_lines(dir.path());
    let end = audit
        .iter()
        .find(|l| l["event"] == "end")
        .expect("an end line");
    assert_eq!(end["result"], "gave_up");
    // The download may still run: the journal keeps it for the next dashboard.
    assert_eq!(Journal::open(Some(dir.path())).entries().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_the_dashboard_too_a_start_that_cannot_be_audited_is_not_sent() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("audit.jsonl")).unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |_| {});
    first_answer(&mut h).await;
    let spec = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    h.engine.start_downloads(&plan(&fleet, &[0], &[]), spec);
    let followed = h.ended(0, DOWNLOAD).await;
    let ending = followed.ending().unwrap();
    assert_eq!(ending.word(), "not sent", "{ending:?}");
    assert!(
        ending.summary().contains("audit log"),
        "{}",
        ending.summary()
    );
    let name = &fleet.clusters()[0].name;
    assert!(fleet.request_log(name).iter().all(|r| r.method != "POST"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_max_running_1_the_engine_queues_the_others_and_starts_them_one_by_one() {
    use crate::support::download::SLOW;
    let fleet = start_fleet(3, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |s| {
        s.options.max_running = Some(1)
    });
    let url = fleet.package_url_with("ontap-9.16.1P3-image.tgz", 2 * SLOW, 4 * SLOW);
    // The waiting clusters show an older download's success: it must not be taken for
    // the ending of a start that was never sent.
    let older = fleet.package_url("ontap-9.14.1P9-image.tgz");
    for name in ["sim-2", "sim-3"] {
        fleet.finish_download(name, &older).unwrap();
        let state = fleet.download_status(name).map(|(s, _, _)| s);
        assert_eq!(state.as_deref(), Some("success"), "{name}");
    }
    let spec = DownloadSpec::new(&url, None, None).unwrap();
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    let plan = Plan {
        targets: (names.iter().cloned().enumerate())
            .map(|(cluster, name)| Planned { cluster, name })
            .collect(),
        ..Plan::default()
    };
    h.engine.start_downloads(&plan, spec);
    let mut queued_seen = std::collections::BTreeSet::new();
    let mut most = 0;
    h.until("every download ended", |model, update| {
        if let Update::Operation {
            cluster, followed, ..
        } = update
        {
            if matches!(followed.phase, Phase::Queued { .. }) {
                queued_seen.insert(*cluster);
            }
            if followed.ending().is_some() {
                let sent = crate::support::download::posts(&fleet, &names[*cluster]);
                assert_eq!(
                    sent, 1,
                    "{} ended before its start was sent",
                    names[*cluster]
                );
            }
        }
        let running = names
            .iter()
            .filter(|n| {
                fleet
                    .download_status(n)
                    .is_some_and(|(s, _, _)| s == "running")
            })
            .count();
        most = most.max(running);
        model.clusters.iter().all(|c| c.ending().is_some())
    })
    .await;
    assert!(most <= 1, "{most} ran at once");
    assert_eq!(queued_seen.len(), 2, "two waited in ontop: {queued_seen:?}");
    for (i, c) in h.model.clusters.iter().enumerate() {
        assert!(
            c.ending().is_some_and(Ending::is_success),
            "{i}: {:?}",
            c.ending()
        );
        assert_eq!(crate::support::download::posts(&fleet, &names[i]), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_is_an_operation_recorded_by_the_recorder_and_the_repository_is_read_again() {
    let fleet = start_fleet(2, |_| {}).await;
    let url = fleet.default_package_url();
    for cluster in ["sim-1", "sim-2"] {
        fleet.finish_download(cluster, &url).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut h = engine(&fleet, Some(dir.path()), |_| {});
    h.answered().await;
    h.engine.remove_packages(&[(0, "9.16.1P3".to_string())]);
    let removal = h.ended(0, OperationKind::Removal).await;
    assert_eq!(removal.ending(), Some(&Ending::Removed));
    h.until("the repository read again without it", |m, _| {
        m.clusters[0].packages.as_ref().is_some_and(|(_, list)| {
            !list
                .iter()
                .any(|p| p.version.as_deref() == Some("9.16.1P3"))
        })
    })
    .await;
    h.engine.finish(Duration::from_secs(5)).await;
    let deletes = |name: &str| crate::support::download::deletes(&fleet, name);
    assert_eq!((deletes("sim-1"), deletes("sim-2")), (1, 0));
    let audit = audit_lines(dir.path());
    let events: Vec<&str> = audit.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["delete_attempt", "delete", "delete_end"]);
    assert!(
        audit.iter().all(|l| l["package"] == "9.16.1P3"),
        "{audit:?}"
    );
    assert_eq!(audit[2]["result"], "success");
    assert!(
        h.model.clusters[0].history.iter().any(|t| t
            .what
            .to_string()
            .starts_with("removal of 9.16.1P3 ended: the package was removed")),
        "{:?}",
        h.model.clusters[0].history
    );
    // The quit question, the JOB column and the status line read the same fact.
    assert!(h.model.open_operations().is_empty());
}
