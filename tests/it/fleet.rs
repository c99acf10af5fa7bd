//! The engine's pollers against the simulator: one bad cluster never holds up the
//! others, the journal's downloads are followed to one recorded ending, commands are
//! obeyed at once, and a refused login is never sent again by accident.

mod poll_cost;

use std::time::Duration;

use crate::support::engine::{Harness, Setup, engine, engine_over, password_file_targets, plan};
use crate::support::fleet::{client, request, start_fleet};
use ontop::testing::download::journal::{Journal, JournalEntry};
use ontop::testing::download::{Ending, OperationKind, Phase};
use ontop::testing::engine::{JournalUse, Update};
use ontop::testing::ontap::{DownloadState, ErrorKind, JobState};
use ontop::testing::state::Health;
use ontop_sim::{Fault, SimFleet};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_rows_keep_updating_while_half_the_fleet_hangs_or_is_down() {
    let fleet = start_fleet(6, |_| {}).await;
    let names: Vec<String> = fleet.clusters().into_iter().map(|c| c.name).collect();
    fleet.set_fault(&names[1], Fault::Hang);
    fleet.set_fault(&names[3], Fault::Down);
    fleet.set_fault(&names[5], Fault::Hang);
    // The hung clusters' timeout is far longer than the whole test needs.
    let mut h = engine(&fleet, None, |s| {
        s.interval = Duration::from_millis(200);
        s.timeout = Duration::from_secs(60);
    });
    let mut answers = [0usize; 6];
    // Count updates, not time: healthy clusters must answer five times each while the
    // hung ones are still waiting on their first answer.
    h.until("five answers from each healthy cluster", |_, update| {
        if let Update::Polled { cluster, .. } = update {
            answers[*cluster] += 1;
        }
        [0, 2, 4].iter().all(|&i| answers[i] >= 5)
    })
    .await;
    let now = jiff::Timestamp::now();
    let model = &h.model;
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

/// Starts a download on cluster 0 directly, as an earlier ontop would have, and leaves
/// it in the journal in `dir`; its job.
async fn started_elsewhere(fleet: &SimFleet, dir: &std::path::Path) -> String {
    let started = client(fleet, 0)
        .start_download(&request(fleet.default_package_url()), 0)
        .await
        .unwrap();
    let job = started.job().unwrap().uuid.clone();
    Journal::open(Some(dir))
        .add(JournalEntry {
            cluster: fleet.clusters()[0].name.clone(),
            job: job.clone(),
            url: fleet.default_package_url(),
            server_username: None,
            started_at: jiff::Timestamp::now().to_string(),
        })
        .unwrap();
    job
}

fn resuming(setup: &mut Setup) {
    setup.options.journal = JournalUse::Resume;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_job_is_followed_to_one_recorded_ending() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let uuid = started_elsewhere(&fleet, dir.path()).await;
    let mut h = engine(&fleet, Some(dir.path()), resuming);
    let followed = h.ended(0, OperationKind::Download).await;
    h.until("the next poll", |_, u| matches!(u, Update::Polled { .. }))
        .await;
    let ending = followed.ending().cloned().unwrap();
    assert!(ending.is_success(), "{ending:?}");
    assert_eq!(followed.job.as_deref(), Some(uuid.as_str()));
    assert_eq!(followed.phase, Phase::Ended(ending));
    assert_eq!(
        h.model.clusters[0].job.as_ref().map(|j| j.state.clone()),
        Some(Some(JobState::Success))
    );
    h.engine.finish(Duration::from_secs(5)).await;
    let ends = crate::support::engine::audit_lines(dir.path())
        .into_iter()
        .filter(|l| l["event"] == "end")
        .count();
    assert_eq!(ends, 1, "one recorded ending");
    assert!(Journal::open(Some(dir.path())).entries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_already_deleted_hands_over_to_the_download_status() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    started_elsewhere(&fleet, dir.path()).await;
    // The download ends and its job is deleted before anyone asks for it.
    let name = fleet.clusters()[0].name.clone();
    crate::support::fleet::eventually("the download to end", || async {
        let (state, _, _) = fleet.download_status(&name)?;
        (state == "success").then_some(())
    })
    .await;
    fleet.expire_jobs(&name);
    let mut h = engine(&fleet, Some(dir.path()), resuming);
    let followed = h.ended(0, OperationKind::Download).await;
    assert!(followed.ending().unwrap().is_success(), "{followed:?}");
    let cluster = &h.model.clusters[0];
    assert_eq!(cluster.download_state(), Some(&DownloadState::Success));
    assert!(
        cluster
            .history
            .iter()
            .any(|t| t.what.to_string().contains("deleted by the cluster")),
        "{:?}",
        cluster.history
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_polls_at_once_and_packages_are_fetched_on_request() {
    let fleet = start_fleet(1, |_| {}).await;
    // An hour between polls, and no inventory: only commands cause the updates below.
    let mut h = engine(&fleet, None, |s| {
        s.interval = Duration::from_secs(3600);
        s.inventory = None;
    });
    // The software comes with the identity, just before the poll it belongs to.
    let software = h.next().await;
    assert!(matches!(software, Update::Software { .. }), "{software:?}");
    let first = h.next().await;
    assert!(matches!(first, Update::Polled { .. }), "{first:?}");
    // A certificate seen for the first time follows the poll; a steady one costs nothing.
    let certificate = h.next().await;
    assert!(
        matches!(&certificate, Update::Certificate { facts, .. } if !facts.pinned && !facts.insecure),
        "{certificate:?}"
    );
    h.engine.refresh(Some(0));
    let mut refreshed = h.next().await;
    if matches!(refreshed, Update::Software { .. }) {
        refreshed = h.next().await;
    }
    assert!(matches!(refreshed, Update::Polled { .. }), "{refreshed:?}");
    h.engine.fetch_packages(0);
    let third = h.next().await;
    assert!(
        matches!(
            third,
            Update::Packages {
                packages: Ok(_),
                ..
            }
        ),
        "{third:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_pauses_polls_and_r_reads_a_rotated_password() {
    let fleet = start_fleet(1, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (targets, password_file) =
        password_file_targets(&fleet, dir.path(), "the-old-password").await;
    let interval = Duration::from_millis(100);
    let setup = Setup {
        interval,
        inventory: None,
        ..Setup::default()
    };
    let mut h = engine_over(&fleet, targets, None, setup);
    let first = h.next().await;
    let Update::PollFailed { error, .. } = first else {
        panic!("the old password must be refused: {first:?}");
    };
    assert_eq!(error.kind, ErrorKind::Auth);
    let Update::LoginPaused { pause, .. } = h.next().await else {
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
    let quiet = tokio::time::timeout(interval * 10, h.updates.recv()).await;
    assert!(quiet.is_err(), "no poll while paused: {quiet:?}");
    let name = &fleet.clusters()[0].name;
    assert_eq!(fleet.failed_logins(name), 1);

    // `r` with the file unchanged: the same password is not tried again.
    h.engine.refresh(Some(0));
    let pause = paused(&mut h).await;
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
    h.engine.retry_login(0);
    let pause = paused(&mut h).await;
    assert_eq!(pause.note, None, "refused anew, not skipped: {pause:?}");
    assert_eq!(fleet.failed_logins(name), 2);

    // The storage team rotates the password; `r` reads it and polling resumes.
    std::fs::write(&password_file, format!("{}\n", fleet.password())).unwrap();
    h.engine.refresh(Some(0));
    h.until("polling resumes", |_, u| matches!(u, Update::Polled { .. }))
        .await;
    assert_eq!(fleet.failed_logins(name), 2);
}

/// The next pause the engine reports.
async fn paused(h: &mut Harness) -> Box<ontop::testing::engine::LoginPause> {
    loop {
        if let Update::LoginPaused { pause, .. } = h.next().await {
            return pause;
        }
    }
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
    let mut h = engine(&fleet, None, |s| {
        s.timeout = Duration::from_secs(1);
        s.inventory = None;
        s.options.polls_in_flight = Some(2);
    });
    let mut hung_failed = std::collections::HashSet::new();
    let (mut healthy_answers, mut hung_failures_since) = (0, 0);
    // Counted in updates, not time: once every hung cluster has failed, the healthy
    // ones must get 20 answers in while the hung ones (in their own pool) fail a few
    // times.
    h.until("20 healthy answers", |_, update| {
        match update {
            Update::PollFailed { cluster, .. } if *cluster < 4 => {
                if hung_failed.len() == 4 {
                    hung_failures_since += 1;
                }
                hung_failed.insert(*cluster);
            }
            Update::Polled { cluster, .. } if *cluster >= 4 && hung_failed.len() == 4 => {
                healthy_answers += 1;
            }
            _ => {}
        }
        healthy_answers >= 20
    })
    .await;
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
    let h = engine(&fleet, Some(dir.path()), |s| {
        s.interval = Duration::from_secs(3600);
        s.inventory = None;
    });
    let Harness {
        engine, updates, ..
    } = h;
    drop(updates); // the screen is gone
    let spec =
        ontop::testing::download::DownloadSpec::new(&fleet.default_package_url(), None, None)
            .unwrap();
    engine.start_downloads(&plan(&fleet, &[0, 1, 2], &[]), spec);
    assert_eq!(engine.sends_in_flight(), 3);
    let finished = engine.finish(Duration::from_secs(30)).await;
    assert_eq!(finished.unanswered, 0);
    assert!(finished.recorded);
    let log = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(
        log.lines().filter(|l| l.contains("\"started\"")).count(),
        3,
        "{log}"
    );
    assert_eq!(log.lines().filter(|l| l.contains("\"attempt\"")).count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_download_is_over_for_every_reader_at_once() {
    // The fact behind the quit question, the JOB column and the status line is one:
    // the update that carries the ending carries the phase.
    let fleet = start_fleet(2, |_| {}).await;
    let mut h = engine(&fleet, None, |_| {});
    h.answered().await;
    let spec =
        ontop::testing::download::DownloadSpec::new(&fleet.default_package_url(), None, None)
            .unwrap();
    h.engine.start_downloads(&plan(&fleet, &[0, 1], &[]), spec);
    h.until("both ended", |m, _| {
        m.clusters.iter().all(|c| c.ending().is_some())
    })
    .await;
    assert!(h.model.open_operations().is_empty());
    for c in &h.model.clusters {
        assert_eq!(c.phase().unwrap().word(), "success");
        assert!(matches!(c.ending(), Some(Ending::Success { .. })));
    }
}
