//! Pollers against the simulator: one bad cluster never holds up the others.

use std::sync::Arc;
use std::time::Duration;

use crate::support::fleet::{client, start_fleet};
use jiff::Timestamp;
use ontop::download::audit::AuditLog;
use ontop::download::journal::Journal;
use ontop::download::{Ending, Phase, Plan, Tracker};
use ontop::fleet::{Command, Event, Fleet, Schedule, Target};
use ontop::ontap::{DownloadRequest, DownloadState, ErrorKind, JobState};
use ontop::state::{ClusterIdentity, Health, Model};
use ontop_sim::{Fault, SimFleet};

fn targets(fleet: &SimFleet, timeout: Duration, interval: Duration) -> Vec<(Target, Schedule)> {
    (0..fleet.clusters().len())
        .map(|i| {
            let cluster = &fleet.clusters()[i];
            let c = crate::support::fleet::client_with(
                fleet,
                i,
                crate::support::fleet::fleet_trust(fleet),
                fleet.password(),
                timeout,
            );
            let target = Target {
                name: cluster.name.clone(),
                url: cluster.url.clone(),
                client: Ok(Arc::new(c)),
                reauth: None,
            };
            (target, Schedule::every(interval))
        })
        .collect()
}

/// No audit log, an in-memory journal: for tests that start nothing.
fn unrecorded() -> (AuditLog, Journal) {
    (AuditLog::disabled(), Journal::open(None))
}

fn model_of(fleet: &SimFleet, interval: Duration) -> Model {
    Model::new(fleet.clusters().into_iter().map(|c| ClusterIdentity {
        name: c.name,
        url: c.url,
        poll_interval: interval,
        username: "admin".into(),
        ..ClusterIdentity::default()
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_rows_keep_updating_while_half_the_fleet_hangs_or_is_down() {
    let fleet = start_fleet(6, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    fleet.set_fault(&names[1], Fault::Hang);
    fleet.set_fault(&names[3], Fault::Down);
    fleet.set_fault(&names[5], Fault::Hang);
    let interval = Duration::from_millis(200);
    // The hung clusters' timeout is far longer than the whole test needs.
    let (pollers, mut events) = Fleet::spawn(
        targets(&fleet, Duration::from_secs(60), interval),
        32,
        unrecorded(),
    );
    let mut model = model_of(&fleet, interval);
    let mut answers = [0usize; 6];
    // Count events, not time: healthy clusters must answer five times each while the
    // hung ones are still waiting on their first answer.
    while [0, 2, 4].iter().any(|&i| answers[i] < 5) {
        let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .expect("healthy clusters keep sending events")
            .expect("the fleet is running");
        if let Event::Polled { cluster, .. } = &event {
            answers[*cluster] += 1;
        }
        model.apply(event);
    }
    pollers.shutdown();
    let now = jiff::Timestamp::now();
    for i in [0, 2, 4] {
        assert_eq!(model.clusters[i].health(now), Health::Ok, "{}", names[i]);
        assert_eq!(
            model.clusters[i].download_state(),
            Some(&DownloadState::NotStarted)
        );
    }
    assert_eq!(answers[1] + answers[5], 0, "hung clusters never answered");
    assert_eq!(model.clusters[1].health(now), Health::Unknown);
    assert_eq!(model.clusters[3].health(now), Health::Failing);
    let error = model.clusters[3].last_error.as_ref().unwrap();
    assert_eq!(error.kind, ErrorKind::Connect);
}

/// Starts a download on cluster 0 directly, as an earlier ontop would have; its job.
async fn started_elsewhere(fleet: &SimFleet) -> String {
    let started = client(fleet, 0)
        .start_download(
            &DownloadRequest {
                url: fleet.default_package_url(),
                username: None,
                password: None,
            },
            0,
        )
        .await
        .unwrap();
    started.job().unwrap().uuid.clone()
}

/// Applies events until the recorder says the followed download ended; its ending.
async fn until_ended(events: &mut tokio::sync::mpsc::Receiver<Event>, model: &mut Model) -> Ending {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .expect("the download ends in time")
            .unwrap();
        let ended = match &event {
            Event::Ended { ending, .. } => Some((**ending).clone()),
            _ => None,
        };
        model.apply(event);
        if let Some(ending) = ended {
            return ending;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_job_is_followed_to_one_recorded_ending() {
    let fleet = start_fleet(1, |_| {}).await;
    let uuid = started_elsewhere(&fleet).await;
    let interval = Duration::from_millis(100);
    let (pollers, mut events) = Fleet::spawn(
        targets(&fleet, Duration::from_secs(10), interval),
        32,
        unrecorded(),
    );
    let now = Timestamp::now();
    let tracker = Tracker::resumed("u".into(), uuid.clone(), now, now);
    pollers.send(0, Command::Follow(Box::new(tracker)));
    let mut model = model_of(&fleet, interval);
    let ending = until_ended(&mut events, &mut model).await;
    pollers.shutdown();
    assert!(ending.is_success(), "{ending:?}");
    let followed = model.clusters[0].followed.as_ref().unwrap();
    assert_eq!(followed.job.as_deref(), Some(uuid.as_str()));
    assert_eq!(followed.phase, Phase::Ended(ending));
    assert_eq!(
        model.clusters[0].job.as_ref().map(|j| j.state.clone()),
        Some(Some(JobState::Success))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_already_deleted_hands_over_to_the_download_status() {
    let fleet = start_fleet(1, |o| o.job_expiry = Duration::from_millis(1)).await;
    let uuid = started_elsewhere(&fleet).await;
    // Let the download end and its job be deleted before anyone asks for it.
    let name = fleet.clusters()[0].name.clone();
    crate::support::fleet::eventually("the download to end", || async {
        let (state, _, _) = fleet.download_status(&name)?;
        (state == "success").then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let interval = Duration::from_millis(100);
    let (pollers, mut events) = Fleet::spawn(
        targets(&fleet, Duration::from_secs(10), interval),
        32,
        unrecorded(),
    );
    let now = Timestamp::now();
    pollers.send(
        0,
        Command::Follow(Box::new(Tracker::resumed("u".into(), uuid, now, now))),
    );
    let mut model = model_of(&fleet, interval);
    let ending = until_ended(&mut events, &mut model).await;
    pollers.shutdown();
    assert!(ending.is_success(), "{ending:?}");
    let cluster = &model.clusters[0];
    assert_eq!(cluster.download_state(), Some(&DownloadState::Success));
    assert!(
        cluster
            .history
            .iter()
            .any(|t| t.what.contains("deleted by the cluster")),
        "{:?}",
        cluster.history
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_polls_at_once_and_packages_are_fetched_on_request() {
    let fleet = start_fleet(1, |_| {}).await;
    // An hour between polls: only commands can cause the events below.
    let (pollers, mut events) = Fleet::spawn(
        targets(&fleet, Duration::from_secs(10), Duration::from_secs(3600)),
        32,
        unrecorded(),
    );
    let first = events.recv().await.unwrap();
    assert!(matches!(first, Event::Polled { .. }));
    // A certificate seen for the first time follows the poll; a steady one costs nothing.
    let certificate = events.recv().await.unwrap();
    assert!(
        matches!(&certificate, Event::Certificate { facts, .. } if !facts.pinned && !facts.insecure),
        "{certificate:?}"
    );
    pollers.send(0, Command::Refresh);
    let second = tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(second, Event::Polled { .. }));
    pollers.send(0, Command::FetchPackages);
    let third = tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(third, Event::Packages { .. }), "{third:?}");
    pollers.shutdown();
}

/// The next event, within 30 s.
async fn next_event(events: &mut tokio::sync::mpsc::Receiver<Event>) -> Event {
    tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("an event")
        .expect("the fleet runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_pauses_polls_and_r_reads_a_rotated_password() {
    use ontop::config::{Credentials, load_from};
    use ontop::fleet::targets::{targets_from_config, with_reauth};
    use std::os::unix::fs::PermissionsExt;

    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("fleet.toml");
    fleet.write_config(&config_path).await.unwrap();
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, "the-old-password\n").unwrap();
    std::fs::set_permissions(&password_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = std::fs::read_to_string(&config_path).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("password = ") {
                format!(
                    "password_file = {:?}\n",
                    password_file.display().to_string()
                )
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&config_path, text).unwrap();

    let config = load_from(&config_path).unwrap();
    let credentials = Arc::new(Credentials::new(false));
    let mut targets = targets_from_config(&config, &credentials, false);
    with_reauth(&mut targets, &config, &credentials);
    let interval = Duration::from_millis(100);
    let scheduled = targets
        .into_iter()
        .map(|t| (t, Schedule::every(interval)))
        .collect();
    let (pollers, mut events) = Fleet::spawn(scheduled, 32, unrecorded());

    let first = next_event(&mut events).await;
    let Event::PollFailed { error, .. } = first else {
        panic!("the old password must be refused: {first:?}");
    };
    assert_eq!(error.kind, ErrorKind::Auth);
    let Event::LoginPaused { pause, .. } = next_event(&mut events).await else {
        panic!("a refused login pauses the polls");
    };
    assert_eq!(pause.user, fleet.username());
    assert!(
        pause
            .source
            .as_deref()
            .unwrap()
            .starts_with("password_file")
    );
    // Ten intervals later the cluster has seen one refused login, not eleven.
    let quiet = tokio::time::timeout(interval * 10, events.recv()).await;
    assert!(quiet.is_err(), "no poll while paused: {quiet:?}");
    let name = &fleet.clusters()[0].name;
    assert_eq!(fleet.failed_logins(name), 1);

    // `r` with the file unchanged: the same password is not tried again.
    pollers.send(0, Command::Refresh);
    let Event::LoginPaused { pause, .. } = next_event(&mut events).await else {
        panic!("still paused");
    };
    assert!(
        pause
            .note
            .as_deref()
            .unwrap()
            .contains("refused before: not sent again"),
        "{pause:?}"
    );
    assert_eq!(fleet.failed_logins(name), 1);

    // `r` asked twice sends the refused password anyway: one more refused login.
    pollers.send(0, Command::RetryLogin);
    loop {
        if let Event::LoginPaused { pause, .. } = next_event(&mut events).await {
            assert_eq!(pause.note, None, "refused anew, not skipped: {pause:?}");
            break;
        }
    }
    assert_eq!(fleet.failed_logins(name), 2);

    // The storage team rotates the password; `r` reads it and polling resumes.
    std::fs::write(&password_file, format!("{}\n", fleet.password())).unwrap();
    pollers.send(0, Command::Refresh);
    loop {
        if matches!(next_event(&mut events).await, Event::Polled { .. }) {
            break;
        }
    }
    assert_eq!(fleet.failed_logins(name), 2);
    pollers.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_clusters_cannot_starve_healthy_ones_of_request_slots() {
    // Two request slots in all; four clusters hang (each poll holds a slot for its whole
    // 1 s timeout), two answer at once.
    let fleet = start_fleet(6, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    for name in &names[..4] {
        fleet.set_fault(name, Fault::Hang);
    }
    let interval = Duration::from_millis(100);
    let (pollers, mut events) = Fleet::spawn(
        targets(&fleet, Duration::from_secs(1), interval),
        2,
        unrecorded(),
    );
    let mut hung_failed = std::collections::HashSet::new();
    let (mut healthy_answers, mut hung_failures_since) = (0, 0);
    // Counted in events, not time: once every hung cluster has failed, the healthy ones
    // must get 20 answers in while the hung ones (in their own pool) fail a few times.
    while healthy_answers < 20 {
        let event = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .expect("healthy clusters keep answering")
            .unwrap();
        match event {
            Event::PollFailed { cluster, .. } if cluster < 4 => {
                if hung_failed.len() == 4 {
                    hung_failures_since += 1;
                }
                hung_failed.insert(cluster);
            }
            Event::Polled { cluster, .. } if cluster >= 4 && hung_failed.len() == 4 => {
                healthy_answers += 1;
            }
            _ => {}
        }
    }
    pollers.shutdown();
    assert!(
        hung_failures_since <= 6,
        "healthy clusters waited behind hung ones: {hung_failures_since} hung polls for 20 answers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_right_after_a_start_still_audits_every_post() {
    // Every answer takes half a second: the operator quits while the POSTs are out.
    let fleet = start_fleet(3, |o| o.latency = Duration::from_millis(500)).await;
    let dir = tempfile::tempdir().unwrap();
    let records = (
        AuditLog::new(Some(dir.path())),
        Journal::open(Some(dir.path())),
    );
    let (pollers, events) = Fleet::spawn(
        targets(&fleet, Duration::from_secs(10), Duration::from_secs(3600)),
        32,
        records,
    );
    drop(events); // the screen is gone
    let spec =
        ontop::download::DownloadSpec::new(&fleet.default_package_url(), None, None).unwrap();
    let plan = Plan {
        targets: (0..3)
            .map(|i| (i, fleet.clusters()[i].name.clone()))
            .collect(),
        ..Plan::default()
    };
    pollers.start_downloads(&plan, spec);
    assert_eq!(pollers.starts_in_flight(), 1);
    assert_eq!(pollers.finish_starts(Duration::from_secs(30)).await, 0);
    assert!(pollers.recorder().flush(Duration::from_secs(30)).await);
    pollers.shutdown();
    let log = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(
        log.lines().filter(|l| l.contains("\"started\"")).count(),
        3,
        "{log}"
    );
    assert_eq!(log.lines().filter(|l| l.contains("\"attempt\"")).count(), 3);
}
