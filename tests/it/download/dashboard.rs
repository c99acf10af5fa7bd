//! The engine as the dashboard drives it (pollers, starts, the recorder) against the
//! simulator: attaching is not starting, a present package reads the same everywhere,
//! and following gives up by the same rule as `ontop download --wait`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::support::fleet::{client_with, fleet_trust, start_fleet};
use jiff::Timestamp;
use ontop::download::audit::AuditLog;
use ontop::download::journal::Journal;
use ontop::download::{DownloadSpec, Ending, Origin, Phase, Plan, Since};
use ontop::fleet::{Event, Fleet, Schedule, Target};
use ontop::ontap::DownloadState;
use ontop::state::{ClusterIdentity, Model};
use ontop_sim::{Fault, SimFleet};
use tokio::sync::mpsc::Receiver;

const INTERVAL: Duration = Duration::from_millis(100);

/// The fleet's pollers, recording in `dir`, and a model over them.
fn dashboard(fleet: &SimFleet, dir: &Path) -> (Fleet, Receiver<Event>, Model) {
    let targets = (0..fleet.clusters().len())
        .map(|i| {
            let cluster = &fleet.clusters()[i];
            let client = client_with(
                fleet,
                i,
                fleet_trust(fleet),
                fleet.password(),
                Duration::from_secs(5),
            );
            let target = Target {
                name: cluster.name.clone(),
                url: cluster.url.clone(),
                client: Ok(Arc::new(client)),
                reauth: None,
            };
            (target, Schedule::every(INTERVAL))
        })
        .collect();
    let records = (AuditLog::new(Some(dir)), Journal::open(Some(dir)));
    let (pollers, events) = Fleet::spawn(targets, 32, records);
    let model = Model::new(fleet.clusters().into_iter().map(|c| ClusterIdentity {
        name: c.name,
        url: c.url,
        poll_interval: INTERVAL,
        username: "admin".into(),
        ..ClusterIdentity::default()
    }));
    (pollers, events, model)
}

/// Applies events until `done` holds for the model (bounded, not a timing claim).
async fn until(
    events: &mut Receiver<Event>,
    model: &mut Model,
    mut done: impl FnMut(&Model, &Event) -> bool,
) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .expect("the engine says what was expected in time")
            .expect("the fleet runs");
        let stop = {
            model.apply(event.clone());
            done(model, &event)
        };
        if stop {
            return;
        }
    }
}

fn audit_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn plan(targets: &[usize], attach: &[usize], fleet: &SimFleet) -> Plan {
    let named = |list: &[usize]| {
        list.iter()
            .map(|&i| (i, fleet.clusters()[i].name.clone()))
            .collect()
    };
    Plan {
        targets: named(targets),
        attach: named(attach),
        skipped: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attaching_to_a_running_download_is_not_starting_one() {
    let fleet = start_fleet(2, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    // A colleague's download, running for a while already.
    let theirs = fleet.package_url_with("ontap-9.17.1-image.tgz", 64 << 20, 1 << 20);
    fleet.start_download(&names[0], &theirs).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let dir = tempfile::tempdir().unwrap();
    let (pollers, mut events, mut model) = dashboard(&fleet, dir.path());
    until(&mut events, &mut model, |m, _| {
        m.clusters[0].download.is_some()
    })
    .await;
    let before = Timestamp::now();
    let ours = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    pollers.start_downloads(&plan(&[], &[0], &fleet), ours);
    until(&mut events, &mut model, |m, _| {
        m.clusters[0]
            .followed
            .as_ref()
            .is_some_and(|f| f.job.is_some())
    })
    .await;
    pollers.shutdown();
    let followed = model.clusters[0].followed.clone().unwrap();
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
    let posts = fleet
        .request_log(&names[0])
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 0, "no request to a busy cluster");
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
    let (pollers, mut events, mut model) = dashboard(&fleet, dir.path());
    until(&mut events, &mut model, |m, _| {
        m.clusters[0].download.is_some()
    })
    .await;
    let spec = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    pollers.start_downloads(&plan(&[0], &[], &fleet), spec);
    until(&mut events, &mut model, |_, e| {
        matches!(e, Event::Ended { .. })
    })
    .await;
    until(&mut events, &mut model, |_, e| {
        matches!(e, Event::Polled { .. })
    })
    .await;
    pollers.shutdown();
    let c = &model.clusters[0];
    // DOWNLOAD is the cluster's own state; JOB is how the followed download ended.
    assert_eq!(c.download_state(), Some(&DownloadState::Failure));
    assert_eq!(c.ending(), Some(&Ending::AlreadyPresent));
    assert_eq!(c.phase().unwrap().word(), "present");
    let message = c.download.as_ref().unwrap().message.as_deref();
    assert_eq!(message, Some("invalid URL"), "MESSAGE is the cluster's own");
    // The header counts what the DOWNLOAD column shows.
    let counts = model.counts(Timestamp::now());
    assert_eq!((counts.failed, counts.succeeded), (1, 0));
    assert!(c.packages.as_ref().is_some_and(|(_, p)| !p.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_gives_up_after_the_same_failures_as_wait_and_says_so() {
    let fleet = start_fleet(1, |o| o.bandwidth = 64 * 1024).await;
    let name = fleet.clusters()[0].name.clone();
    let dir = tempfile::tempdir().unwrap();
    let (pollers, mut events, mut model) = dashboard(&fleet, dir.path());
    until(&mut events, &mut model, |m, _| {
        m.clusters[0].download.is_some()
    })
    .await;
    let spec = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    pollers.start_downloads(&plan(&[0], &[], &fleet), spec);
    until(&mut events, &mut model, |m, _| {
        matches!(m.clusters[0].phase(), Some(Phase::Job(_)))
    })
    .await;
    fleet.set_fault(&name, Fault::Http502);
    until(&mut events, &mut model, |_, e| {
        matches!(e, Event::Ended { .. })
    })
    .await;
    pollers.shutdown();
    let Some(Ending::GaveUp { reason }) = model.clusters[0].ending() else {
        panic!(
            "the dashboard gave up following: {:?}",
            model.clusters[0].ending()
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
    let (pollers, mut events, mut model) = dashboard(&fleet, dir.path());
    until(&mut events, &mut model, |m, _| {
        m.clusters[0].download.is_some()
    })
    .await;
    let spec = DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    pollers.start_downloads(&plan(&[0], &[], &fleet), spec);
    until(&mut events, &mut model, |_, e| {
        matches!(e, Event::Ended { .. })
    })
    .await;
    pollers.shutdown();
    let ending = model.clusters[0].ending().cloned().unwrap();
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
async fn with_max_running_1_the_dashboard_queues_the_others_and_starts_them_one_by_one() {
    use crate::support::download::SLOW;
    let fleet = start_fleet(3, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut pollers, mut events, mut model) = dashboard(&fleet, dir.path());
    pollers.set_max_running(Some(1));
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
        targets: names.iter().cloned().enumerate().collect(),
        ..Plan::default()
    };
    pollers.start_downloads(&plan, spec);
    let mut queued_seen = std::collections::BTreeSet::new();
    let mut most = 0;
    until(&mut events, &mut model, |model, event| {
        if let Event::Followed {
            cluster, followed, ..
        } = event
            && matches!(followed.phase, Phase::Queued { .. })
        {
            queued_seen.insert(*cluster);
        }
        if let Event::Ended { cluster, .. } = event {
            let sent = crate::support::download::posts(&fleet, &names[*cluster]);
            assert_eq!(
                sent, 1,
                "{} ended before its start was sent",
                names[*cluster]
            );
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
    for (i, c) in model.clusters.iter().enumerate() {
        assert!(
            c.ending().is_some_and(Ending::is_success),
            "{i}: {:?}",
            c.ending()
        );
        assert_eq!(crate::support::download::posts(&fleet, &names[i]), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_removes_a_package_audited_and_reads_the_repository_again() {
    let fleet = start_fleet(2, |_| {}).await;
    let url = fleet.default_package_url();
    for cluster in ["sim-1", "sim-2"] {
        fleet.finish_download(cluster, &url).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut pollers, mut events, mut model) = dashboard(&fleet, dir.path());
    pollers.set_removal_audit(AuditLog::new(Some(dir.path())));
    pollers.remove_packages("9.16.1P3".into(), vec![0]);
    let mut removed = None;
    until(&mut events, &mut model, |model, event| {
        if let Event::Removed {
            cluster, result, ..
        } = event
        {
            removed = Some((*cluster, result.clone()));
        }
        // Done once the removal is in and the repository was read again without it.
        removed.is_some()
            && model.clusters[0]
                .packages
                .as_ref()
                .is_some_and(|(_, list)| {
                    !list
                        .iter()
                        .any(|p| p.version.as_deref() == Some("9.16.1P3"))
                })
    })
    .await;
    assert_eq!(removed, Some((0, Ok(()))));
    let deletes = |name: &str| {
        fleet
            .request_log(name)
            .iter()
            .filter(|r| r.method == "DELETE")
            .count()
    };
    assert_eq!((deletes("sim-1"), deletes("sim-2")), (1, 0));
    let events: Vec<String> = audit_lines(dir.path())
        .iter()
        .map(|l| l["event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["delete_attempt", "delete", "delete_end"]);
    assert!(
        model.clusters[0]
            .history
            .iter()
            .any(|t| t.what == "package 9.16.1P3 removed")
    );
}
